"""Turn filter keywords (``name__gte=3``, ``pk__token__gt=Token(1)``) into clauses.

Pure functions over a model (or a ``NamedTable``): they resolve the column,
the operator and the bound value, and never touch the network.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from coodie_compat import CQLEngineException, columns
from coodie_compat._input_errors import check_key_filter, owner_name, qualify, shown
from coodie_compat._query_base import QueryException
from coodie_compat.functions import BaseQueryFunction, Token
from coodie_compat.operators import (
    BaseWhereOperator,
    ContainsOperator,
    EqualsOperator,
    InOperator,
    QueryOperatorException,
)
from coodie_compat.statements import ConditionalClause, WhereClause
from coodie_core.meta import SIZED_KEY_KINDS

__all__ = [
    "Restriction",
    "UnknownOperator",
    "check_conditional",
    "conditional_clause",
    "parse_filter_arg",
    "reject_none",
    "restriction",
]

_TOKEN = "pk__token"
_COLLECTIONS = (columns.List, columns.Set, columns.Map)


class UnknownOperator(QueryOperatorException, QueryException):
    """A filter suffix that names no operator (``id__regex=...``).

    cqlengine raises ``QueryOperatorException``, which is not a
    ``CQLEngineException``; this error is both.
    """


class Restriction(NamedTuple):
    """A WHERE clause built from one keyword, plus what implicit defer needs.

    ``deferred`` is the column's db name when the keyword was a plain
    equality (its value is known, so the column need not be selected).
    """

    clause: WhereClause
    deferred: str | None
    value: Any


def parse_filter_arg(arg: str) -> tuple[str, str | None]:
    """Split ``name__op`` into ``(name, op)``; ``op`` is None without a suffix."""
    if arg == _TOKEN:
        return arg, None
    parts = arg.rsplit("__", 1)
    if len(parts) == 1:
        return arg, None
    return parts[0], parts[1]


def reject_none(kwargs: dict[str, Any], what: str, model: Any = None) -> None:
    """Refuse None values, which CQL cannot compare with; the error names the model."""
    if any(value is None for value in kwargs.values()):
        names = ", ".join(k for k, v in kwargs.items() if v is None)
        where = f"{owner_name(model)}.{names}: " if model is not None else ""
        raise CQLEngineException(f"{where}None values on {what} are not allowed")


def _column(model: Any, name: str) -> Any:
    try:
        return model._get_column(name)
    except KeyError:
        raise QueryException(f"{owner_name(model)}: Can't resolve column name: '{name}'") from None


def _token_column(model: Any, name: str, token: Token) -> Any:
    """The virtual ``token(pk...)`` column, checked against ``token``'s arity."""
    if name != _TOKEN:
        raise QueryException(
            "Token() values may only be compared to the 'pk__token' virtual column"
        )
    column = columns._PartitionKeysToken(model)
    partition_columns = column.partition_columns
    if len(partition_columns) != len(token.value):
        raise QueryException(
            f"Token() received {len(token.value)} arguments but model has "
            f"{len(partition_columns)} partition keys"
        )
    token.set_columns(partition_columns)
    return column


def _operator(op: str | None) -> BaseWhereOperator:
    try:
        return BaseWhereOperator.get_operator(op or "EQ")()
    except QueryOperatorException as exc:
        raise UnknownOperator(*exc.args) from None


def _bound_value(column: Any, operator: BaseWhereOperator, value: Any) -> Any:
    if isinstance(operator, InOperator):
        if not isinstance(value, (list, tuple)):
            raise QueryException(f"IN queries must use a list/tuple value, got {shown(value)}")
        return [column.to_database(item) for item in value]
    if isinstance(value, BaseQueryFunction):
        return value
    if isinstance(operator, ContainsOperator) and isinstance(column, _COLLECTIONS):
        return value  # CONTAINS on a collection compares one element, not a collection
    return column.to_database(value)


def restriction(model: Any, arg: str, value: Any) -> Restriction:
    """Build the WHERE clause for the filter keyword ``arg=value`` on ``model``."""
    name, op = parse_filter_arg(arg)
    if isinstance(value, Token):
        column = _token_column(model, name, value)
        clause = WhereClause(column.db_field_name, _operator(op), value, quote_field=False)
        return Restriction(clause, None, value)
    column = _column(model, name)
    try:
        operator = _operator(op)
        bound = _bound_value(column, operator, value)
        if getattr(column, "primary_key", False):
            _check_key_values(model, column, operator, bound)
    except CQLEngineException as exc:
        qualify(exc, owner_name(model), name, value)
        raise
    # Only a plain ``name=value`` is deferred: its value is known without a read.
    plain_equality = op is None and not isinstance(value, BaseQueryFunction)
    deferred = column.db_field_name if plain_equality else None
    return Restriction(WhereClause(column.db_field_name, operator, bound), deferred, value)


def conditional_clause(model: Any, arg: str, value: Any) -> WhereClause:
    """Build the ``IF`` condition for the keyword ``arg=value`` of ``iff()``."""
    if isinstance(value, Token):
        raise QueryException("Token() values are not valid in conditionals")
    name, op = parse_filter_arg(arg)
    column = _column(model, name)
    try:
        bound = value if isinstance(value, BaseQueryFunction) else column.to_database(value)
        return WhereClause(column.db_field_name, _operator(op), bound)
    except CQLEngineException as exc:
        qualify(exc, owner_name(model), name, value)
        raise


def _check_key_values(model: Any, column: Any, operator: BaseWhereOperator, bound: Any) -> None:
    """Refuse an ``=`` or ``IN`` value of a key column that Cassandra refuses in a key
    (an empty partition key, a value over 65535 bytes), as coodie_core does."""
    if column.db_type not in SIZED_KEY_KINDS or getattr(model, "_table_meta", None) is None:
        return  # only text and blob keys have sizes to check
    if type(operator) is InOperator:
        for item in bound:
            check_key_filter(model, column, item)
    elif type(operator) is EqualsOperator:
        check_key_filter(model, column, bound)


def check_conditional(clause: Any) -> ConditionalClause:
    """Accept a prepared ``ConditionalClause`` given positionally to ``iff()``."""
    if not isinstance(clause, ConditionalClause):
        raise QueryException(f"{clause} is not a valid query operator")
    return clause
