"""The ``core`` contender: coodie_core used as its documentation shows.

Sync calls for single operations; asyncio (``asave``) for throughput. Operations
the core does not offer yet are reported unavailable with the reason; each one
plugs in as soon as its API exists.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import importlib
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from cassandra.cluster import Session
from pydantic import Field

from benchmarks.catalogue import CONCURRENCY, HYDRATE_ROWS
from benchmarks.contenders.base import Contender, Unavailable
from benchmarks.dataset import WIDE_BUCKET, EventData, ItemData
from benchmarks.schema import Endpoint, cluster_options

__all__ = ["CONNECTION", "CoreContender"]

CONNECTION = "bench_core"


def _models() -> tuple[type[Any], type[Any]]:
    """Declare the two documents (deferred so a missing core is reported, not raised)."""
    from coodie_core.cqltypes import Int
    from coodie_core.document import Document
    from coodie_core.fields import ClusteringKey, PartitionKey

    class Item(Document):
        id: Annotated[uuid.UUID, PartitionKey()]
        name: str | None = None
        score: Int | None = None
        created: datetime.datetime | None = None
        tags: list[str] = Field(default_factory=list)

        class Settings:
            name = "item"
            connection = CONNECTION

    class Event(Document):
        bucket: Annotated[Int, PartitionKey()]
        seq: Annotated[Int, ClusteringKey()]
        kind: str | None = None
        value: float | None = None
        at: datetime.datetime | None = None

        class Settings:
            name = "event"
            connection = CONNECTION

    return Item, Event


class CoreContender(Contender):
    """coodie_core documents on a named connection of their own."""

    def __init__(self, keyspace: str, endpoint: Endpoint, pool: list[ItemData]) -> None:
        super().__init__("core", keyspace)
        try:
            self.execution = importlib.import_module("coodie_core.execution")
            self.Item, self.Event = _models()
        except Exception as exc:
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
        self.connection = self.execution.connect(
            list(endpoint.hosts), CONNECTION, keyspace=keyspace, **cluster_options(endpoint))
        self.loop = asyncio.new_event_loop()
        self.ops.update(
            insert=self.insert, get=self.get, range_1k=self.range_read, full_10k=self.full_read,
            update=self.update, append=self.append, delete=self.delete,
            insert_lwt=self.insert_lwt, count_1k=self.count, instantiate=self.instantiate,
            async_insert=self.async_insert,
        )
        try:
            self.BatchWriter = importlib.import_module("coodie_core.batch").BatchWriter
            self.ops["batch_100"] = self.batch
        except (ImportError, AttributeError) as exc:
            self.missing["batch_100"] = f"no coodie_core.batch.BatchWriter: {exc}"
        objects = [self.instantiate(d) for d in pool]
        self.ops["serialize"] = lambda i: objects[i].model_dump()
        self._setup_hydrate()

    def _setup_hydrate(self) -> None:
        """Time the query path's own decoding on rows it fetched once."""
        op = self.Event.find(bucket=WIDE_BUCKET, seq__lt=HYDRATE_ROWS).all_op()
        page = self.execution.run(dataclasses.replace(op, result=lambda page: page))
        self.ops["hydrate"] = lambda _: op.result(page)

    def sessions(self) -> list[Session]:
        """The connection's session."""
        return [self.connection.session]

    def describe(self) -> dict[str, str]:
        """Row factory and how throughput is driven."""
        own = getattr(getattr(self.connection, "profile", lambda: None)(), "row_factory", None)
        if own is not None:  # reads carry coodie's own execution profile
            rows = f"{getattr(own, '__name__', '?')} (coodie's own profile for reads)"
        else:
            factory = self.connection.session.cluster.profile_manager.default.row_factory
            rows = f"{getattr(factory, '__name__', '?')} (driver default)"
        return {"rows": rows, "async": f"asyncio, {CONCURRENCY} tasks over asave()"}

    def close(self) -> None:
        """Unregister and shut down the connection; close the loop."""
        self.execution.unregister_connection(CONNECTION, shutdown=True)
        self.loop.close()

    def instantiate(self, d: ItemData) -> Any:
        """Build (and validate) one document."""
        return self.Item(id=d.id, name=d.name, score=d.score, created=d.created, tags=d.tags)

    def insert(self, d: ItemData) -> None:
        """Save one document."""
        self.instantiate(d).save()

    def get(self, key: uuid.UUID) -> Any:
        """Get one document by primary key."""
        return self.Item.get(id=key)

    def range_read(self, arg: tuple[int, int, int]) -> list[Any]:
        """Read a clustering range."""
        bucket, start, stop = arg
        return list(self.Event.find(bucket=bucket, seq__gte=start, seq__lt=stop).all())

    def full_read(self, bucket: int) -> list[Any]:
        """Read a whole partition."""
        return list(self.Event.find(bucket=bucket).all())

    def update(self, arg: tuple[uuid.UUID, int]) -> None:
        """Update one column without reading the row."""
        key, score = arg
        self.Item(id=key).update(score=score)

    def append(self, arg: tuple[uuid.UUID, str]) -> None:
        """Append to a list without reading the row."""
        key, tag = arg
        self.Item(id=key).update(tags__append=[tag])

    def batch(self, rows: list[EventData]) -> None:
        """Insert rows in one logged batch."""
        Event = self.Event
        with self.BatchWriter() as batch:
            for r in rows:
                batch.save(Event(bucket=r.bucket, seq=r.seq, kind=r.kind, value=r.value, at=r.at))

    def delete(self, key: uuid.UUID) -> None:
        """Delete one row without reading it."""
        self.Item(id=key).delete()

    def insert_lwt(self, d: ItemData) -> bool:
        """Insert if not exists; True when applied."""
        return bool(self.instantiate(d).insert())

    def count(self, bucket: int) -> int:
        """Count the rows of a partition."""
        return int(self.Event.find(bucket=bucket).count())

    def async_insert(self, rows: list[ItemData]) -> int:
        """Insert ``rows`` from ``CONCURRENCY`` asyncio tasks."""
        return self.loop.run_until_complete(self._insert_all(rows))

    async def _insert_all(self, rows: list[ItemData]) -> int:
        todo: Iterator[ItemData] = iter(rows)
        Item = self.Item

        async def worker() -> int:
            done = 0
            for d in todo:
                await Item(id=d.id, name=d.name, score=d.score, created=d.created,
                           tags=d.tags).asave()
                done += 1
            return done

        counts = await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return sum(counts)
