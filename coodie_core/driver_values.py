"""Driver values -> plain Python values, generically and per CQL type.

The driver hands back its own container and date types (``SortedSet``,
``OrderedMapSerializedKey``, ``cassandra.util.Date``/``Time``) and naive UTC
datetimes. :func:`from_driver` converts any value; :func:`read_converter`
picks, once per column type, the cheapest function that gives the same result
(None when the driver's value already is plain: text, numbers, uuids...).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from cassandra.util import Date, Time

from coodie_core.cqltypes import TypeNode

__all__ = ["Converter", "from_driver", "read_converter", "utc_datetime"]

Converter = Callable[[Any], Any]

_UTC = datetime.timezone.utc
_NAIVE_EPOCH = datetime.datetime(1970, 1, 1)
_UTC_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
#: CQL types whose driver values are already plain Python values.
_PLAIN = frozenset(
    {
        "ascii",
        "bigint",
        "blob",
        "boolean",
        "counter",
        "decimal",
        "double",
        "duration",
        "float",
        "inet",
        "int",
        "smallint",
        "text",
        "timeuuid",
        "tinyint",
        "uuid",
        "varchar",
        "varint",
    }
)


def from_driver(value: Any) -> Any:
    """Convert one value from the driver's types to plain Python types."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return _UTC_EPOCH + (value - _NAIVE_EPOCH)  # replace(tzinfo=utc), faster
        return value.astimezone(_UTC)
    if isinstance(value, Date):
        try:
            return value.date()
        except ValueError:  # outside Python's date range: keep the driver value
            return value
    if isinstance(value, Time):
        return value.time()
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, Mapping):
        return {from_driver(k): from_driver(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)) or type(value).__name__ == "SortedSet":
        items = [from_driver(v) for v in value]
        # UDT elements decode to dicts (unhashable); Pydantic builds the set from a list
        return items if any(isinstance(v, dict) for v in items) else set(items)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a user-defined type value
        return {name: from_driver(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, tuple):
        return tuple(from_driver(v) for v in value)
    if isinstance(value, list):
        return [from_driver(v) for v in value]
    return value


def utc_datetime(value: Any) -> Any:
    """A ``timestamp`` value: the driver's naive UTC datetime made aware."""
    if type(value) is datetime.datetime and value.tzinfo is None:
        return _UTC_EPOCH + (value - _NAIVE_EPOCH)
    return from_driver(value)


def _as_set(value: Any) -> Any:
    return set(value)


def _as_dict(value: Any) -> Any:
    return dict(value)


def read_converter(node: TypeNode) -> Converter | None:
    """The conversion of a non-null driver value of CQL type ``node`` (same result
    as :func:`from_driver`), or None when the value needs none."""
    node = node.unfrozen()
    name = node.name
    if name in _PLAIN:
        return None
    if name == "timestamp":
        return utc_datetime
    params = node.params[:1] if name == "vector" else node.params  # vector<float, 3>
    plain_params = all(read_converter(p) is None for p in params)
    if name in ("list", "vector", "tuple") and plain_params:
        return None
    if name == "set" and plain_params:
        return _as_set
    if name == "map" and plain_params:
        return _as_dict
    return from_driver
