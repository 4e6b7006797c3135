"""Checked pieces of writes shared by documents, querysets and batches (no I/O).

* :func:`assignments` parses ``update(**values)`` keywords into SET items,
  including collection operations sent without a read: ``tags__append=[..]``,
  ``tags__prepend``, ``tags__remove``, ``tags__add`` (sets), ``prefs__put={..}``
  (maps), ``prefs__remove={keys}``, ``tags__set_item=(index, value)`` (lists;
  ``(key, value)`` for maps). A bare ``field=value`` replaces the value; ``None``
  deletes the cell.
* :func:`apply_assignment` mirrors an applied SET item on a Python value, so a
  document stays equal to its row after a write.
* :func:`write_ttl` and :func:`write_timestamp` check ``USING`` values (a
  ``datetime`` timestamp becomes microseconds since the epoch).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.statements import Assignment, AssignOp
from coodie_core.table_options import MAX_TTL

__all__ = [
    "UPDATE_LOOKUPS",
    "apply_assignment",
    "assignments",
    "microseconds",
    "write_timestamp",
    "write_ttl",
]

#: ``update()`` suffixes, the collection kinds each applies to and its SET form.
UPDATE_LOOKUPS: Mapping[str, tuple[frozenset[str], AssignOp]] = MappingProxyType(
    {
        "append": (frozenset({"list"}), "add"),
        "prepend": (frozenset({"list"}), "prepend"),
        "add": (frozenset({"set"}), "add"),
        "put": (frozenset({"map"}), "add"),
        "remove": (frozenset({"list", "set", "map"}), "remove"),
        "set_item": (frozenset({"list", "map"}), "set_item"),
    }
)


def assignments(table: TableMeta, values: Mapping[str, object]) -> tuple[Assignment, ...]:
    """Checked SET items for ``update(**values)``; keys and counters are refused."""
    if not values:
        raise InvalidQuery(f"{table.model_name}: update() needs at least one field")
    return tuple(_assignment(table, key, value) for key, value in values.items())


def _assignment(table: TableMeta, key: str, value: object) -> Assignment:
    name, _, suffix = key.partition("__")
    column = table.column(name)
    where = f"{table.model_name}.{name}"
    if column.is_key:
        raise InvalidQuery(f"{where}: cannot update a key column")
    if column.cql_type == "counter":
        raise InvalidQuery(f"{where} is a counter: use increment() or decrement()")
    if not suffix:
        return Assignment(name, "set", None if value is None else column.validate(value))
    if suffix not in UPDATE_LOOKUPS:
        raise InvalidQuery(f"{where}: unknown update {suffix!r}; use one of {list(UPDATE_LOOKUPS)}")
    kinds, op = UPDATE_LOOKUPS[suffix]
    if column.kind not in kinds or not column.is_multicell:
        raise InvalidQuery(
            f"{where}__{suffix} needs a non-frozen {' or '.join(sorted(kinds))} column, "
            f"not {column.cql_type}"
        )
    if value is None:
        raise InvalidValue(table.model_name, name, value, f"{suffix} needs a value")
    if op == "set_item":
        return _set_item(table, column, value)
    if op == "remove" and column.kind == "map":
        return Assignment(name, "remove", _keys(column, value))
    return Assignment(name, op, column.validate(value))


def _set_item(table: TableMeta, column: ColumnMeta, value: object) -> Assignment:
    if not isinstance(value, tuple) or len(value) != 2:
        raise InvalidValue(
            table.model_name, column.name, value, "set_item needs a (index or key, value) pair"
        )
    key, item = value
    if column.kind == "list":
        if isinstance(key, bool) or not isinstance(key, int) or key < 0:
            raise InvalidValue(table.model_name, column.name, key, "list index must be an int >= 0")
        checked_key: object = key
    else:
        checked_key = column.validate(key, part="key")
    return Assignment(column.name, "set_item", column.validate(item, part="item"), checked_key)


def _keys(column: ColumnMeta, value: object) -> set[Any]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidValue(column.model_name, column.name, value, "remove needs a set of map keys")
    return {column.validate(k, part="key") for k in value}


def apply_assignment(current: Any, item: Assignment) -> Any:
    """The Python value a column holds after ``item`` was applied to ``current``."""
    value: Any = item.value
    if item.op == "set":
        return value
    if item.op == "set_item":
        if isinstance(current, list):
            changed = list(current)
            changed[int(item.key)] = value  # type: ignore[call-overload]
            return changed
        return {**(current or {}), item.key: value}
    if isinstance(current, Mapping) or (current is None and isinstance(value, Mapping)):
        if item.op == "remove":
            return {k: v for k, v in (current or {}).items() if k not in value}
        return {**(current or {}), **value}
    if isinstance(current, (set, frozenset)) or isinstance(value, (set, frozenset)):
        base = set(current or ())
        return base - set(value) if item.op == "remove" else base | set(value)
    if isinstance(current, int) and not isinstance(current, bool):  # counters
        return current - value if item.op == "remove" else current + value
    base_list = list(current or [])
    if item.op == "remove":
        return [v for v in base_list if v not in value]
    return list(value) + base_list if item.op == "prepend" else base_list + list(value)


#: The range of a ``USING TIMESTAMP`` value (a signed 64-bit int of microseconds).
_TIMESTAMP_RANGE = (-(2**63), 2**63 - 1)


def write_ttl(table: TableMeta, ttl: int | None) -> int | None:
    """The TTL to send: ``ttl`` if given, else the model's ``Settings.default_ttl``.

    Cassandra refuses TTLs above 630,720,000 seconds (20 years), so they are
    refused here, before anything is sent.
    """
    if ttl is None:
        return table.settings.default_ttl
    if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0:
        raise InvalidValue(table.model_name, "ttl", ttl, "must be a non-negative int")
    if ttl > MAX_TTL:
        raise InvalidValue(
            table.model_name, "ttl", ttl, f"must be at most {MAX_TTL} seconds (20 years)"
        )
    return ttl


def write_timestamp(table: TableMeta, timestamp: int | datetime.datetime | None) -> int | None:
    """A ``USING TIMESTAMP`` value in microseconds (an aware datetime is converted)."""
    return microseconds(table.model_name, timestamp)


def microseconds(owner: str, timestamp: int | datetime.datetime | None) -> int | None:
    """``timestamp`` as microseconds since the epoch; ``owner`` names it in errors."""
    if timestamp is None:
        return None
    if isinstance(timestamp, datetime.datetime):
        if timestamp.tzinfo is None:
            raise InvalidValue(owner, "timestamp", timestamp, "a datetime timestamp must be aware")
        delta = timestamp - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise InvalidValue(
            owner, "timestamp", timestamp, "must be microseconds (int) or a datetime"
        )
    low, high = _TIMESTAMP_RANGE
    if not low <= timestamp <= high:
        reason = f"microseconds must fit a signed 64-bit int ({low}..{high})"
        raise InvalidValue(owner, "timestamp", timestamp, reason)
    return timestamp
