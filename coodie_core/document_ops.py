"""The operations behind a document's writes (no I/O): insert, change-tracked
save, update, increment/decrement and delete, with TTL, timestamps and ``IF``
conditions. :class:`~coodie_core.document.Document` exposes each as a ``*_op``
builder plus a sync and an async front.

After a write is applied, the document's snapshot (see :mod:`coodie_core.changes`)
is refreshed, so the next ``save()`` sends only what changed since.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cassandra.query import UNSET_VALUE

from coodie_core.changes import changed_assignments, snapshot_values
from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.execution import resolve_table
from coodie_core.lwt import LWTResult, conditions, lwt_reader
from coodie_core.meta import TableMeta
from coodie_core.operations import Operation, Options
from coodie_core.statements import Assignment, Delete, Insert, Update, Where
from coodie_core.writes import apply_assignment, assignments, write_timestamp, write_ttl

if TYPE_CHECKING:
    from coodie_core.document import Document

__all__ = [
    "changes_op",
    "counter_op",
    "delete_op",
    "insert_op",
    "key_where",
    "update_op",
    "writable_table",
]

Timestamp = int | datetime.datetime | None


def writable_table(doc: Document) -> TableMeta:
    """The document's table, refusing materialized views (they are read-only)."""
    table = type(doc).table_meta()
    if table.settings.view_of is not None:
        raise InvalidQuery(f"{table.model_name} is a materialized view: it is read-only")
    return table


def key_where(doc: Document) -> tuple[Where, ...]:
    """``key = ?`` for every primary key column, values checked."""
    table = type(doc).table_meta()
    where = []
    for column in table.primary_key:
        value = getattr(doc, column.name, None)
        if value is None:
            raise InvalidValue(table.model_name, column.name, value, "key value is missing")
        where.append(Where(column.name, "=", column.validate(value)))
    return tuple(where)


def _options(serial_consistency: int | None) -> Options:
    return Options(serial_consistency=serial_consistency)


def _remember(doc: Document, names: Any) -> None:
    """Record that the row now holds the document's current values of ``names``."""
    current = dict(doc._snapshot or {})
    current.update(snapshot_values({n: getattr(doc, n) for n in names}))
    doc._snapshot = current


def insert_op(
    doc: Document,
    *,
    ttl: int | None = None,
    timestamp: Timestamp = None,
    if_not_exists: bool = False,
    options: Options | None = None,
    raise_on_failure: bool = False,
) -> Operation[LWTResult]:
    """The INSERT of every column (see ``Document.save_op``)."""
    table = writable_table(doc)
    if table.is_counter_table:
        raise InvalidQuery(
            f"{table.model_name} is a counter table: counters cannot be saved or inserted; "
            "use increment() or decrement()"
        )
    key_where(doc)
    fields_set = doc.model_fields_set
    values: list[object] = []
    written = []
    for column in table.columns:
        value = getattr(doc, column.name, None)
        unset = column.name not in fields_set
        if unset and (doc._partial or value in (None, [], {}, set())):
            values.append(UNSET_VALUE)
            if not doc._partial:
                written.append(column.name)  # the row holds nothing: same as empty
        else:
            values.append(column.validate(value) if value is not None else None)
            written.append(column.name)
    insert = Insert(
        resolve_table(table),
        table.names,
        tuple(values),
        if_not_exists=if_not_exists,
        ttl=write_ttl(table, ttl),
        timestamp=write_timestamp(table, timestamp),
    )
    reader = lwt_reader(raise_on_failure, lambda: _remember(doc, written))
    return Operation(insert, reader, options or Options(), doc._connection())


def changes_op(
    doc: Document, *, ttl: int | None = None, timestamp: Timestamp = None
) -> Operation[LWTResult] | None:
    """What ``save()`` sends: an INSERT for a new document, else an UPDATE of the
    changed columns only, or None when nothing changed."""
    table = writable_table(doc)
    if doc._snapshot is None or table.is_counter_table:
        return insert_op(doc, ttl=ttl, timestamp=timestamp)  # refuses counters
    known, assigned = doc._snapshot, doc.model_fields_set
    current = {n: getattr(doc, n) for n in table.names if n in known or n in assigned}
    items = changed_assignments(table, known, current, assigned)
    if not items:
        return None
    return _update(doc, table, items, ttl=ttl, timestamp=timestamp)


def update_op(
    doc: Document,
    values: Mapping[str, object],
    *,
    ttl: int | None = None,
    timestamp: Timestamp = None,
    if_exists: bool = False,
    iff: Mapping[str, object] | None = None,
    raise_on_failure: bool = False,
    serial_consistency: int | None = None,
) -> Operation[LWTResult]:
    """An UPDATE of ``values`` (see :func:`coodie_core.writes.assignments`)."""
    table = writable_table(doc)
    items = assignments(table, values)
    return _update(
        doc,
        table,
        items,
        ttl=ttl,
        timestamp=timestamp,
        if_exists=if_exists,
        iff=iff,
        raise_on_failure=raise_on_failure,
        options=_options(serial_consistency),
    )


def _update(
    doc: Document,
    table: TableMeta,
    items: tuple[Assignment, ...],
    *,
    ttl: int | None,
    timestamp: Timestamp,
    if_exists: bool = False,
    iff: Mapping[str, object] | None = None,
    raise_on_failure: bool = False,
    options: Options | None = None,
) -> Operation[LWTResult]:
    _check_lwt(table, if_exists, iff, timestamp)
    update = Update(
        resolve_table(table),
        items,
        key_where(doc),
        ttl=write_ttl(table, ttl),
        timestamp=write_timestamp(table, timestamp),
        if_exists=if_exists,
        if_conditions=conditions(table, iff),
    )

    def applied() -> None:
        for item in items:
            known = doc._snapshot is None or item.column in doc._snapshot
            if item.op == "set" or known or not doc._partial:
                object.__setattr__(
                    doc, item.column, apply_assignment(getattr(doc, item.column), item)
                )
        if doc._snapshot is not None:
            _remember(doc, dict.fromkeys(i.column for i in items))

    reader = lwt_reader(raise_on_failure, applied)
    return Operation(update, reader, options or Options(), doc._connection())


def _check_lwt(
    table: TableMeta, if_exists: bool, iff: Mapping[str, object] | None, timestamp: Timestamp
) -> None:
    if if_exists and iff:
        raise InvalidQuery(f"{table.model_name}: use if_exists or iff conditions, not both")
    if (if_exists or iff) and timestamp is not None:
        raise InvalidQuery(
            f"{table.model_name}: a conditional write cannot carry a custom timestamp"
        )


def counter_op(doc: Document, deltas: Mapping[str, int], sign: int) -> Operation[None]:
    """The counter UPDATE behind ``increment`` (``sign=1``) and ``decrement`` (-1)."""
    table = writable_table(doc)
    if not deltas:
        raise InvalidQuery(f"{table.model_name}: increment() needs at least one counter")
    items = []
    for name, delta in deltas.items():
        column = table.column(name)
        if column.cql_type != "counter":
            raise InvalidQuery(f"{table.model_name}.{name} is not a counter")
        if isinstance(delta, bool) or not isinstance(delta, int):
            raise InvalidValue(table.model_name, name, delta, "a counter delta must be an int")
        items.append(Assignment(name, "add" if sign > 0 else "remove", column.validate(delta)))

    def apply(_: object) -> None:
        for name, delta in deltas.items():
            object.__setattr__(doc, name, (getattr(doc, name, None) or 0) + sign * delta)

    update = Update(resolve_table(table), tuple(items), key_where(doc))
    return Operation(update, apply, Options(), doc._connection())


def delete_op(
    doc: Document,
    *,
    timestamp: Timestamp = None,
    if_exists: bool = False,
    iff: Mapping[str, object] | None = None,
    raise_on_failure: bool = False,
    serial_consistency: int | None = None,
) -> Operation[LWTResult]:
    """The DELETE of the document's row, optionally conditional."""
    table = writable_table(doc)
    _check_lwt(table, if_exists, iff, timestamp)
    delete = Delete(
        resolve_table(table),
        key_where(doc),
        timestamp=write_timestamp(table, timestamp),
        if_exists=if_exists,
        if_conditions=conditions(table, iff),
    )

    def applied() -> None:
        doc._snapshot = None  # no longer persisted: a later save() inserts again

    reader = lwt_reader(raise_on_failure, applied)
    return Operation(delete, reader, _options(serial_consistency), doc._connection())
