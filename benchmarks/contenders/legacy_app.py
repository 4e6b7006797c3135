# mypy: disable-error-code="misc,no-any-return"
"""A legacy application written against ``cassandra.cqlengine``.

This file is never imported under its own name. :mod:`benchmarks.contenders.legacy`
executes its source twice: once as written (the ``cqlengine`` contender) and once
with the import lines rewritten to ``coodie_compat`` (the ``compat`` contender).
Everything below the imports is therefore the very same code for both.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from cassandra.cqlengine import columns, connection
from cassandra.cqlengine.models import Model
from cassandra.cqlengine.query import BatchQuery, LWTException

HYDRATE_QUERY = "SELECT bucket, seq, kind, value, at FROM {table} WHERE bucket = 0 AND seq < 1000"


class Item(Model):
    """An ``item`` row."""

    __table_name__ = "item"
    id = columns.UUID(primary_key=True)
    name = columns.Text()
    score = columns.Integer()
    created = columns.DateTime()
    tags = columns.List(columns.Text)


class Event(Model):
    """An ``event`` row."""

    __table_name__ = "event"
    bucket = columns.Integer(partition_key=True)
    seq = columns.Integer(primary_key=True)
    kind = columns.Text()
    value = columns.Double()
    at = columns.DateTime()


def connect(hosts: list[str], keyspace: str, options: dict[str, Any]) -> Any:
    """``connection.setup`` as an application does it; returns the session."""
    connection.setup(hosts, keyspace, **options)
    return connection.get_session()


def disconnect() -> None:
    """Shut the cluster down."""
    connection.get_cluster().shutdown()
    connection.unregister_connection("default")


def insert(d: Any) -> Item:
    """Insert one row."""
    return Item.create(id=d.id, name=d.name, score=d.score, created=d.created, tags=d.tags)


def get(key: Any) -> Item:
    """Get one row by primary key."""
    return Item.get(id=key)


def range_read(arg: tuple[int, int, int]) -> list[Event]:
    """Read a clustering range."""
    bucket, start, stop = arg
    return list(Event.objects(bucket=bucket, seq__gte=start, seq__lt=stop))


def full_read(bucket: int) -> list[Event]:
    """Read a whole partition."""
    return list(Event.objects(bucket=bucket))


def update(arg: tuple[Any, int]) -> None:
    """Update one column without reading the row."""
    key, score = arg
    Item.objects(id=key).update(score=score)


def append(arg: tuple[Any, str]) -> None:
    """Append to a list without reading the row."""
    key, tag = arg
    Item.objects(id=key).update(tags__append=[tag])


def delete(key: Any) -> None:
    """Delete one row without reading it."""
    Item.objects(id=key).delete()


def batch(rows: list[Any]) -> None:
    """Insert rows in one logged batch."""
    with BatchQuery() as b:
        for r in rows:
            Event.batch(b).create(bucket=r.bucket, seq=r.seq, kind=r.kind, value=r.value, at=r.at)


def insert_lwt(d: Any) -> bool:
    """Insert if not exists; True when applied."""
    try:
        Item.if_not_exists().create(
            id=d.id, name=d.name, score=d.score, created=d.created, tags=d.tags
        )
    except LWTException:
        return False
    return True


def count(bucket: int) -> int:
    """Count the rows of a partition."""
    return int(Event.objects(bucket=bucket).count())


def instantiate(d: Any) -> Item:
    """Build one object without the database."""
    return Item(id=d.id, name=d.name, score=d.score, created=d.created, tags=d.tags)


def serialize(item: Item) -> dict[str, Any]:
    """One object to a dict."""
    return dict(item)


def driver_rows() -> list[Any]:
    """1k rows as this library's session hands them over (fetched once, not timed)."""
    return list(connection.execute(HYDRATE_QUERY.format(table=Event.column_family_name())))


def hydrate(rows: list[Any]) -> list[Event]:
    """Driver rows to objects, as the query path does it."""
    return [Event._construct_instance(row) for row in rows]


def insert_many(executor: Executor, rows: list[Any]) -> int:
    """Insert rows concurrently through a thread pool."""
    return sum(1 for _ in executor.map(insert, rows))
