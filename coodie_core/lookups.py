"""Filter lookups: the ``field__suffix`` names a QuerySet accepts, the CQL operator
each stands for, the value checks per operator (run before any query), and which
index target serves which operator (:func:`filtering_problem`).

There is no lookup for one map entry (CQL ``m[key] = value``), so an index with
``target="entries"`` serves no filter coodie_core builds.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from coodie_core.errors import InvalidQuery
from coodie_core.key_size import check_key_value
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.statements import Op

__all__ = [
    "LOOKUPS",
    "TOKEN_OPS",
    "check_filter_value",
    "filtering_problem",
    "index_serves",
    "positive",
]

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


def index_serves(column: ColumnMeta, op: Op) -> bool:
    """Whether the column's index lets Cassandra run ``column <op> ?`` unfiltered.

    ``CONTAINS`` needs an index on a collection's values, ``CONTAINS KEY`` one on a
    map's keys; any other operator needs an index on the column itself (on its
    full value, for a frozen collection). An index on a map's entries serves none.
    """
    target = column.index_target
    return target is not None and target == _serving_target(column, op)


def filtering_problem(column: ColumnMeta, op: Op) -> str | None:
    """Why ``column <op> ?`` needs ``allow_filtering()``, or None when a key or the
    column's index serves it (see :func:`index_serves`)."""
    if column.is_key or index_serves(column, op):
        return None
    if column.index is None:
        return "filtering on a column that is neither a key nor indexed needs allow_filtering()"
    serving = _serving_target(column, op)
    if serving is None:
        return f"no index serves {op} on a {column.cql_type} column; use allow_filtering()"
    need = (
        "an index on the column itself"
        if serving == "column"
        else f'an index with target="{serving}"'
    )
    return (
        f"{op} needs {need}, not its index with target "
        f"{column.index_target!r}; change the target or use allow_filtering()"
    )


def _serving_target(column: ColumnMeta, op: Op) -> str | None:
    """The index target that serves ``column <op> ?`` (None: no index can)."""
    if op == "CONTAINS":
        return "values" if column.is_multicell else None
    if op == "CONTAINS KEY":
        return "keys" if column.node.name == "map" else None
    if column.is_multicell:
        return None
    return "full" if column.node.frozen and column.kind in ("list", "set", "map") else "column"


def _where(column: ColumnMeta) -> str:
    return f"{column.model_name}.{column.name}"
