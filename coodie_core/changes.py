"""Change tracking: what a loaded document must send to make its row match it.

A document read from the database (or written by this process) keeps a snapshot
of the column values it knows the row holds. :func:`changed_assignments`
compares the document with that snapshot and returns only the SET items needed:
scalars that changed, ``None`` as a cell delete, and collection changes as
collection operations (append, prepend, remove, add, put, remove keys) so no
read is needed and concurrent changes to other elements survive. A changed
primary key is refused: it would be a different row.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import ipaddress
import uuid
from collections.abc import Mapping
from typing import Any

from coodie_core.errors import InvalidQuery
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.statements import Assignment

__all__ = ["SCALAR_TYPES", "changed_assignments", "snapshot_value", "snapshot_values"]

_IMMUTABLE = (str, bytes, int, float, bool, type(None), tuple, frozenset)
#: Exact types whose values cannot change in place (shared, never copied).
SCALAR_TYPES = frozenset(
    {str, bytes, int, float, bool, type(None), uuid.UUID, datetime.datetime, datetime.date,
     datetime.time, decimal.Decimal, ipaddress.IPv4Address, ipaddress.IPv6Address}
)


def snapshot_value(value: Any) -> Any:
    """A copy of ``value`` that later in-place edits of the document cannot reach:
    immutable values are shared, flat collections of them copied shallowly, and
    anything else deep-copied."""
    kind = type(value)
    if kind in SCALAR_TYPES or isinstance(value, _IMMUTABLE):
        return value
    if kind is list or kind is set:
        for item in value:  # a plain loop: cheaper than all() on short collections
            if type(item) not in SCALAR_TYPES:
                return copy.deepcopy(value)
        return value.copy()
    if kind is dict and all(
        type(k) in SCALAR_TYPES and type(v) in SCALAR_TYPES for k, v in value.items()
    ):
        return value.copy()
    return copy.deepcopy(value)


def snapshot_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Copies of ``values`` that later in-place edits of the document cannot reach."""
    return {k: snapshot_value(v) for k, v in values.items()}


def changed_assignments(
    table: TableMeta,
    snapshot: Mapping[str, Any],
    current: Mapping[str, Any],
    assigned: set[str],
) -> tuple[Assignment, ...]:
    """SET items turning ``snapshot`` into ``current``.

    Columns outside the snapshot (not loaded) are sent only when ``assigned``.
    """
    result: list[Assignment] = []
    for column in table.columns:
        name = column.name
        new = current.get(name)
        if name not in snapshot:
            if name in assigned and not column.is_key:
                result.append(Assignment(name, "set", _checked(column, new)))
            continue
        old = snapshot[name]
        if old == new:
            continue
        if column.is_key:
            raise InvalidQuery(
                f"{table.model_name}.{name}: cannot change the primary key of a loaded "
                f"document ({old!r} -> {new!r}); create a new document and delete this one"
            )
        if column.cql_type == "counter":
            raise InvalidQuery(f"{table.model_name}.{name} is a counter: use increment()")
        result.extend(_column_changes(column, old, _checked(column, new)))
    return tuple(result)


def _checked(column: ColumnMeta, value: Any) -> Any:
    return None if value is None else column.validate(value)


def _column_changes(column: ColumnMeta, old: Any, new: Any) -> list[Assignment]:
    name = column.name
    if not column.is_multicell or not old or not new:
        return [Assignment(name, "set", new if new or not column.is_multicell else None)]
    if column.kind == "set":
        return _set_changes(name, set(old), set(new))
    if column.kind == "map":
        return _map_changes(name, dict(old), dict(new))
    return _list_changes(name, list(old), list(new))


def _set_changes(name: str, old: set[Any], new: set[Any]) -> list[Assignment]:
    changes = []
    if new - old:
        changes.append(Assignment(name, "add", new - old))
    if old - new:
        changes.append(Assignment(name, "remove", old - new))
    return changes


def _map_changes(name: str, old: dict[Any, Any], new: dict[Any, Any]) -> list[Assignment]:
    changes = []
    put = {k: v for k, v in new.items() if k not in old or old[k] != v}
    if put:
        changes.append(Assignment(name, "add", put))
    gone = set(old) - set(new)
    if gone:
        changes.append(Assignment(name, "remove", gone))
    return changes


def _list_changes(name: str, old: list[Any], new: list[Any]) -> list[Assignment]:
    n = len(old)
    if len(new) > n and new[:n] == old:
        return [Assignment(name, "add", new[n:])]
    if len(new) > n and new[len(new) - n :] == old:
        return [Assignment(name, "prepend", new[: len(new) - n])]
    try:
        gone = [v for v in dict.fromkeys(old) if v not in new]
    except TypeError:  # unhashable items: replace the list
        gone = []
    if gone and new == [v for v in old if v not in gone]:
        return [Assignment(name, "remove", gone)]
    if len(new) == n:
        return [Assignment(name, "set_item", v, i) for i, v in enumerate(new) if old[i] != v]
    return [Assignment(name, "set", new)]
