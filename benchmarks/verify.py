"""Correctness checks, outside the timing: same answers, same effects, same requests.

Answers are compared after :func:`plain` turns each library's objects into tuples
of plain values. Effects of writes are read back from each contender's keyspace
through one neutral session and compared the same way.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from cassandra.cluster import Session

from benchmarks.catalogue import OpSpec
from benchmarks.dataset import EventData, ItemData
from benchmarks.schema import EVENT_COLUMNS, ITEM_COLUMNS

__all__ = ["REQUEST_PAIRS", "SILENT", "WRITES", "effects", "plain"]

#: Operations whose effect on the table is read back and compared.
WRITES = frozenset({"insert", "update", "append", "delete", "batch_100", "insert_lwt",
                    "async_insert"})

#: Writes whose return value means nothing (each library returns its own thing).
SILENT = frozenset({"insert", "update", "append", "delete", "batch_100"})
#: Contenders whose request counts must be equal, as (contender, reference).
#: Across families a difference can be a documented default (cqlengine's LIMIT
#: 10000 saves the empty last page of an exact multiple of the page size); those
#: are reported, not failed.
REQUEST_PAIRS = (("raw2", "raw"), ("core", "raw"), ("compat", "cqlengine"))

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _millis(value: datetime.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return (value - _EPOCH) // datetime.timedelta(milliseconds=1)


def plain(value: Any) -> Any:
    """A comparable, library-neutral form of an operation's answer."""
    if value is None or isinstance(value, (bool, int, str, uuid.UUID)):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, datetime.datetime):
        return _millis(value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), plain(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    for columns in (EVENT_COLUMNS, ITEM_COLUMNS):
        if all(hasattr(value, c) for c in columns):
            return tuple(plain(getattr(value, c)) for c in columns)
    raise TypeError(f"cannot compare a {type(value).__name__}")


def _item_keys(spec: OpSpec, arg: Any) -> list[uuid.UUID]:
    if isinstance(arg, ItemData):
        return [arg.id]
    if spec.name in ("update", "append"):
        return [arg[0]]
    if spec.name == "delete":
        return [arg]
    if spec.name == "async_insert":
        return [row.id for row in arg]
    return []


def effects(session: Session, keyspace: str, spec: OpSpec, arg: Any) -> Any:
    """The rows a write left in ``keyspace`` (None for reads and DB-free operations)."""
    if spec.name == "batch_100":
        rows: list[EventData] = arg
        cql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM {keyspace}.event WHERE bucket = ?"
        return plain(list(session.execute(session.prepare(cql), (rows[0].bucket,))))
    if spec.name not in WRITES:
        return None
    keys = _item_keys(spec, arg)
    found = []
    statement = session.prepare(
        f"SELECT {', '.join(ITEM_COLUMNS)} FROM {keyspace}.item WHERE id IN ?")
    for start in range(0, len(keys), 100):
        found.extend(session.execute(statement, (keys[start:start + 100],)))
    return sorted(plain(found), key=repr)
