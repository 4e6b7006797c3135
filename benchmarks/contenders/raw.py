"""The floor: cassandra-driver with prepared statements, ``tuple_factory`` and
slotted dataclasses, written the way a careful hand-tuned application would."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import uuid
from collections.abc import Awaitable, Iterator
from typing import Any

from cassandra.cluster import Cluster, ResponseFuture, Session
from cassandra.query import BatchStatement, BatchType, tuple_factory

from benchmarks.catalogue import CONCURRENCY, HYDRATE_ROWS
from benchmarks.contenders.base import Contender
from benchmarks.dataset import WIDE_BUCKET, EventData, ItemData
from benchmarks.schema import EVENT_COLUMNS, ITEM_COLUMNS, Endpoint, cluster_options

__all__ = ["EventRow", "ItemRow", "RawContender"]


@dataclasses.dataclass(slots=True)
class ItemRow:
    """An ``item`` row."""

    id: uuid.UUID
    name: str | None
    score: int | None
    created: datetime.datetime | None
    tags: list[str] | None


@dataclasses.dataclass(slots=True)
class EventRow:
    """An ``event`` row."""

    bucket: int
    seq: int
    kind: str | None
    value: float | None
    at: datetime.datetime | None


def await_future(future: ResponseFuture) -> Awaitable[Any]:
    """An asyncio future settled by the driver's callbacks (the minimal bridge)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any) -> None:
        if not waiter.done():
            waiter.set_result(result)

    def fail(exc: BaseException) -> None:
        if not waiter.done():
            waiter.set_exception(exc)

    future.add_callbacks(
        lambda result: loop.call_soon_threadsafe(settle, result),
        lambda exc: loop.call_soon_threadsafe(fail, exc),
    )
    return waiter


class RawContender(Contender):
    """Prepared statements on a ``tuple_factory`` session; see the module docstring."""

    def __init__(
        self, name: str, keyspace: str, endpoint: Endpoint, pool: list[ItemData]
    ) -> None:
        super().__init__(name, keyspace)
        self.cluster = Cluster(list(endpoint.hosts), **cluster_options(endpoint, tuple_factory))
        self.session: Session = self.cluster.connect(keyspace)
        self.loop = asyncio.new_event_loop()
        self._prepare()
        self.serialize_pool = [self.instantiate(d) for d in pool]
        self.hydrate_rows = list(self.session.execute(
            self.select_range, (WIDE_BUCKET, 0, HYDRATE_ROWS)))
        self.ops.update(
            insert=self.insert, get=self.get, range_1k=self.range_read, full_10k=self.full_read,
            update=self.update, append=self.append, delete=self.delete, batch_100=self.batch,
            insert_lwt=self.insert_lwt, count_1k=self.count, instantiate=self.instantiate,
            serialize=self.serialize, async_insert=self.async_insert, hydrate=self.hydrate,
        )

    def _prepare(self) -> None:
        prep = self.session.prepare
        items, events = ", ".join(ITEM_COLUMNS), ", ".join(EVENT_COLUMNS)
        self.insert_item = prep(f"INSERT INTO item ({items}) VALUES (?, ?, ?, ?, ?)")
        self.insert_item_lwt = prep(
            f"INSERT INTO item ({items}) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS")
        self.select_item = prep(f"SELECT {items} FROM item WHERE id = ?")
        self.update_score = prep("UPDATE item SET score = ? WHERE id = ?")
        self.append_tag = prep("UPDATE item SET tags = tags + ? WHERE id = ?")
        self.delete_item = prep("DELETE FROM item WHERE id = ?")
        self.insert_event = prep(f"INSERT INTO event ({events}) VALUES (?, ?, ?, ?, ?)")
        self.select_range = prep(
            f"SELECT {events} FROM event WHERE bucket = ? AND seq >= ? AND seq < ?")
        self.select_bucket = prep(f"SELECT {events} FROM event WHERE bucket = ?")
        self.count_bucket = prep("SELECT COUNT(*) FROM event WHERE bucket = ?")

    def sessions(self) -> list[Session]:
        """The one session."""
        return [self.session]

    def describe(self) -> dict[str, str]:
        """Row factory and how throughput is driven."""
        return {"rows": "tuple_factory -> slotted dataclasses",
                "async": f"asyncio, {CONCURRENCY} tasks over execute_async"}

    def close(self) -> None:
        """Shut down the cluster and the event loop."""
        self.cluster.shutdown()
        self.loop.close()

    def insert(self, d: ItemData) -> None:
        """INSERT one row."""
        self.session.execute(self.insert_item, (d.id, d.name, d.score, d.created, d.tags))

    def get(self, key: uuid.UUID) -> ItemRow:
        """SELECT one row by primary key."""
        row = self.session.execute(self.select_item, (key,)).one()
        if row is None:
            raise LookupError(key)
        return ItemRow(*row)

    def range_read(self, arg: tuple[int, int, int]) -> list[EventRow]:
        """SELECT a clustering range."""
        return [EventRow(*row) for row in self.session.execute(self.select_range, arg)]

    def full_read(self, bucket: int) -> list[EventRow]:
        """SELECT a whole partition (all pages)."""
        return [EventRow(*row) for row in self.session.execute(self.select_bucket, (bucket,))]

    def update(self, arg: tuple[uuid.UUID, int]) -> None:
        """UPDATE one column."""
        key, score = arg
        self.session.execute(self.update_score, (score, key))

    def append(self, arg: tuple[uuid.UUID, str]) -> None:
        """Append to a list column."""
        key, tag = arg
        self.session.execute(self.append_tag, ([tag], key))

    def delete(self, key: uuid.UUID) -> None:
        """DELETE one row."""
        self.session.execute(self.delete_item, (key,))

    def batch(self, rows: list[EventData]) -> None:
        """One LOGGED batch of inserts."""
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        for r in rows:
            batch.add(self.insert_event, (r.bucket, r.seq, r.kind, r.value, r.at))
        self.session.execute(batch)

    def insert_lwt(self, d: ItemData) -> bool:
        """INSERT ... IF NOT EXISTS; True when applied."""
        result = self.session.execute(
            self.insert_item_lwt, (d.id, d.name, d.score, d.created, d.tags))
        return bool(result.was_applied)

    def count(self, bucket: int) -> int:
        """SELECT COUNT(*) of a partition."""
        return int(self.session.execute(self.count_bucket, (bucket,)).one()[0])

    def instantiate(self, d: ItemData) -> ItemRow:
        """Build one object."""
        return ItemRow(d.id, d.name, d.score, d.created, d.tags)

    def serialize(self, i: int) -> dict[str, Any]:
        """One object to a dict."""
        r = self.serialize_pool[i]
        return {"id": r.id, "name": r.name, "score": r.score, "created": r.created,
                "tags": r.tags}

    def hydrate(self, _: int) -> list[EventRow]:
        """Driver rows to objects."""
        return [EventRow(*row) for row in self.hydrate_rows]

    def async_insert(self, rows: list[ItemData]) -> int:
        """Insert ``rows`` from ``CONCURRENCY`` asyncio tasks."""
        return self.loop.run_until_complete(self._insert_all(rows))

    async def _insert_all(self, rows: list[ItemData]) -> int:
        todo: Iterator[ItemData] = iter(rows)
        session, prepared = self.session, self.insert_item

        async def worker() -> int:
            done = 0
            for d in todo:
                await await_future(session.execute_async(
                    prepared, (d.id, d.name, d.score, d.created, d.tags)))
                done += 1
            return done

        counts = await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return sum(counts)
