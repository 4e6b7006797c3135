"""Filter lookups: the ``field__suffix`` names a QuerySet accepts, the CQL operator
each stands for, and the value checks per operator (run before any query)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from coodie_core.errors import InvalidQuery
from coodie_core.key_size import check_key_value
from coodie_core.meta import ColumnMeta, TableMeta
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


def positive(model: str, what: str, n: int) -> int:
    """``n`` if it is a positive int, else InvalidQuery naming ``model``, ``what``
    (``limit``, ``page_size``...) and ``n``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidQuery(f"{model}.{what} must be a positive int, not {n!r}")
    return n


def check_filter_value(
    column: ColumnMeta, op: Op, value: object, table: TableMeta | None = None
) -> object:
    """Validate a filter value for ``column`` under ``op``; returns the bound value.

    With ``table``, ``=`` and ``IN`` values of key columns are also checked for
    what Cassandra refuses in a key (empty partition key, over 65535 bytes).
    """
    if op == "=":
        if value is None:
            raise InvalidQuery(f"{_where(column)}: cannot filter on None")
        checked = column.validate(value)
        if table is not None and column.is_key:
            check_key_value(table, column, checked)
        return checked
    if op == "IN":
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise InvalidQuery(f"{_where(column)}__in needs a list of values, not {value!r}")
        values = [column.validate(v) for v in value]
        if table is not None and column.is_key:
            for checked in values:
                check_key_value(table, column, checked)
        return values
    if op in ("CONTAINS", "CONTAINS KEY"):
        if column.kind not in ("list", "set", "map"):
            raise InvalidQuery(f"{_where(column)}: CONTAINS needs a collection")
        return column.validate(value, part="key" if op == "CONTAINS KEY" else "item")
    if op == "LIKE":
        if column.kind not in ("text", "ascii", "varchar"):
            raise InvalidQuery(f"{_where(column)}: LIKE needs text, not a {column.cql_type} column")
        if not isinstance(value, str):
            raise InvalidQuery(f"{_where(column)}: LIKE needs text (a str pattern), not {value!r}")
        return value
    if value is None:
        raise InvalidQuery(f"{_where(column)}: cannot filter on None")
    return column.validate(value)


def _where(column: ColumnMeta) -> str:
    return f"{column.model_name}.{column.name}"
