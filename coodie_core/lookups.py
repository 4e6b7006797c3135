"""Filter lookups: the ``field__suffix`` names a QuerySet accepts, the CQL operator
each stands for, and the value checks per operator (run before any query)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from coodie_core.errors import InvalidQuery
from coodie_core.meta import ColumnMeta
from coodie_core.statements import Op

__all__ = ["LOOKUPS", "TOKEN_OPS", "check_filter_value", "positive"]

#: Filter suffixes (``field__suffix=value``) and the CQL operator each stands for.
LOOKUPS: Mapping[str, Op] = MappingProxyType(
    {
        "eq": "=",
        "in": "IN",
        "gt": ">",
        "gte": ">=",
        "lt": "<",
        "lte": "<=",
        "contains": "CONTAINS",
        "contains_key": "CONTAINS KEY",
        "like": "LIKE",
    }
)
#: Bounds accepted by ``QuerySet.token_range``.
TOKEN_OPS: Mapping[str, Op] = MappingProxyType({"gt": ">", "gte": ">=", "lt": "<", "lte": "<="})


def positive(what: str, n: int) -> int:
    """``n`` if it is a positive int, else InvalidQuery naming ``what``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidQuery(f"{what} must be a positive int, not {n!r}")
    return n


def check_filter_value(column: ColumnMeta, op: Op, value: object) -> object:
    """Validate a filter value for ``column`` under ``op``; returns the bound value."""
    if op == "IN":
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise InvalidQuery(f"{column.model_name}.{column.name}__in needs a list of values")
        return [column.validate(v) for v in value]
    if op in ("CONTAINS", "CONTAINS KEY"):
        if column.kind not in ("list", "set", "map"):
            raise InvalidQuery(f"{column.model_name}.{column.name}: CONTAINS needs a collection")
        return column.validate(value, part="key" if op == "CONTAINS KEY" else "item")
    if op == "LIKE":
        if column.kind not in ("text", "ascii", "varchar") or not isinstance(value, str):
            raise InvalidQuery(f"{column.model_name}.{column.name}: LIKE needs text and a str")
        return value
    if value is None:
        raise InvalidQuery(f"{column.model_name}.{column.name}: cannot filter on None")
    return column.validate(value)
