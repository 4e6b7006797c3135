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

from coodie_core.changes import SCALAR_TYPES, changed_assignments, snapshot_value
from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.execution import resolve_table
from coodie_core.key_size import check_key
from coodie_core.lwt import LWTResult, conditions, lwt_reader
from coodie_core.meta import TableMeta
from coodie_core.operations import DEFAULT_OPTIONS, Operation, Options
from coodie_core.readers import set_state
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
_DEFAULT_OPTIONS = DEFAULT_OPTIONS
#: Values an unset field may hold and still be sent as ``UNSET_VALUE`` (compared
#: with ``==``, so an empty frozenset counts too).
_EMPTY: tuple[object, ...] = (None, [], {}, set())


def writable_table(doc: Document) -> TableMeta:
    """The document's table, refusing materialized views (they are read-only)."""
    table = type(doc).table_meta()
    if table.settings.view_of is not None:
        raise InvalidQuery(f"{table.model_name} is a materialized view: it is read-only")
    return table


def key_where(doc: Document) -> tuple[Where, ...]:
    """``key = ?`` for every primary key column, values checked."""
    table = type(doc).table_meta()
    return tuple(Where(name, "=", value) for name, value in _checked_keys(doc, table).items())


def _checked_keys(doc: Document, table: TableMeta) -> dict[str, object]:
    """Every primary key value of ``doc``, checked (an empty partition key or a key
    over 65535 bytes is refused too), in key order."""
    current = doc.__dict__
    checked = {}
    for column in table.primary_key:
        value = current.get(column.name)
        if value is None:
            raise InvalidValue(table.model_name, column.name, value, "key value is missing")
        checked[column.name] = column.check(value)
    if table.sized_keys:
        check_key(table, checked)
    return checked


def _options(serial_consistency: int | None) -> Options:
    if serial_consistency is None:
        return _DEFAULT_OPTIONS
    return Options(serial_consistency=serial_consistency)


def _remember(doc: Document, names: Any) -> None:
    """Record that the row now holds the document's current values of ``names``."""
    values, scalars = doc.__dict__, SCALAR_TYPES
    known = doc._snapshot
    current = dict(known) if known else {}
    for name in names:
        value = values.get(name)
        current[name] = value if type(value) in scalars else snapshot_value(value)
    set_state(doc, "_snapshot", current)


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
    return _insert(
        doc, writable_table(doc), ttl, timestamp, if_not_exists, options, raise_on_failure
    )


def _insert(
    doc: Document,
    table: TableMeta,
    ttl: int | None = None,
    timestamp: Timestamp = None,
    if_not_exists: bool = False,
    options: Options | None = None,
    raise_on_failure: bool = False,
) -> Operation[LWTResult]:
    if table.is_counter_table:
        raise InvalidQuery(
            f"{table.model_name} is a counter table: counters cannot be saved or inserted; "
            "use increment() or decrement()"
        )
    keys = _checked_keys(doc, table)  # a missing or bad key is the first error
    current, fields_set = doc.__dict__, doc.__pydantic_fields_set__
    partial = doc.__pydantic_private__ is not None and doc._partial
    values: list[object] = []
    written = []
    for column in table.columns:
        name = column.name
        value = current.get(name)
        if name not in fields_set and (partial or value in _EMPTY):
            values.append(UNSET_VALUE)
            if not partial:
                written.append(name)  # the row holds nothing: same as empty
        else:
            if value is not None:
                value = keys[name] if name in keys else column.check(value)
            values.append(value)
            written.append(name)
    insert = Insert(
        resolve_table(table),
        table.names,
        tuple(values),
        if_not_exists=if_not_exists,
        ttl=table.settings.default_ttl if ttl is None else write_ttl(table, ttl),
        timestamp=None if timestamp is None else write_timestamp(table, timestamp),
    )
    reader = lwt_reader(raise_on_failure, lambda: _remember(doc, written))
    return Operation(insert, reader, options or _DEFAULT_OPTIONS, table.settings.connection)


def changes_op(
    doc: Document, *, ttl: int | None = None, timestamp: Timestamp = None
) -> Operation[LWTResult] | None:
    """What ``save()`` sends: an INSERT for a new document, else an UPDATE of the
    changed columns only, or None when nothing changed."""
    table = writable_table(doc)
    if doc.__pydantic_private__ is None or doc._snapshot is None or table.is_counter_table:
        return _insert(doc, table, ttl, timestamp)  # refuses counters
    known, assigned = doc._snapshot, doc.model_fields_set
    current = {n: getattr(doc, n) for n in table.names if n in known or n in assigned}
    items = changed_assignments(table, known, current, assigned)
    if not items:
        return None
    return _update(doc, table, items, ttl=ttl, timestamp=timestamp, from_document=True)


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
    from_document: bool = False,
) -> Operation[LWTResult]:
    _check_lwt(table, if_exists, iff, timestamp)
    update = Update(
        resolve_table(table),
        items,
        key_where(doc),
        ttl=table.settings.default_ttl if ttl is None else write_ttl(table, ttl),
        timestamp=None if timestamp is None else write_timestamp(table, timestamp),
        if_exists=if_exists,
        if_conditions=conditions(table, iff) if iff else (),
    )

    def applied() -> None:
        snapshot = doc._snapshot
        for item in items:
            if from_document and item.op != "set":
                continue  # a delta computed from the document: it holds the result
            known = snapshot is None or item.column in snapshot
            if item.op == "set" or known or not doc._partial:
                object.__setattr__(
                    doc, item.column, apply_assignment(getattr(doc, item.column), item)
                )
        if snapshot is not None:
            _remember(doc, dict.fromkeys(i.column for i in items))

    reader = lwt_reader(raise_on_failure, applied)
    return Operation(update, reader, options or _DEFAULT_OPTIONS, doc._connection())


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
    return Operation(update, apply, _DEFAULT_OPTIONS, doc._connection())


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
        timestamp=None if timestamp is None else write_timestamp(table, timestamp),
        if_exists=if_exists,
        if_conditions=conditions(table, iff) if iff else (),
    )

    def applied() -> None:
        doc._snapshot = None  # no longer persisted: a later save() inserts again

    reader = lwt_reader(raise_on_failure, applied)
    return Operation(delete, reader, _options(serial_consistency), doc._connection())
