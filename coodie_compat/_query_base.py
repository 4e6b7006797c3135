"""Shared pieces of the query layer: errors, LWT checks, queryable columns, execution.

Everything that sends a statement ends in :func:`execute_statement`, which
looks ``execute`` up on :mod:`coodie_compat.connection` at call time, so a
test can patch and count round trips exactly as cqlengine's suite does.
Public names are re-exported by :mod:`coodie_compat.query`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from cassandra.query import BatchStatement, SimpleStatement

from coodie_compat import CQLEngineException, UnicodeMixin
from coodie_compat import connection as conn
from coodie_compat.functions import QueryValue
from coodie_compat.operators import (
    ContainsOperator,
    EqualsOperator,
    GreaterThanOperator,
    GreaterThanOrEqualOperator,
    InOperator,
    LessThanOperator,
    LessThanOrEqualOperator,
)
from coodie_compat.statements import BaseClause, BaseCQLStatement, WhereClause
from coodie_core import errors as core_errors

__all__ = [
    "AbstractQueryableColumn",
    "DoesNotExist",
    "IfExistsWithCounterColumn",
    "IfNotExistsWithCounterColumn",
    "LWTException",
    "MultipleObjectsReturned",
    "QueryException",
    "check_applied",
    "execute_statement",
]


class QueryException(CQLEngineException):
    """A query that cannot be built or is refused before anything is sent."""


class IfNotExistsWithCounterColumn(CQLEngineException):
    """``if_not_exists()`` asked of a model that has counter columns."""


class IfExistsWithCounterColumn(CQLEngineException):
    """``if_exists()`` asked of a model that has counter columns."""


class LWTException(CQLEngineException):
    """A conditional write (``IF ...``) that the server did not apply.

    ``existing`` is the first row the server returned: the current values
    of the columns that made the condition fail, plus ``'[applied]'``.
    """

    def __init__(self, existing: Any) -> None:
        super().__init__("LWT Query was not applied")
        self.existing = existing


class DoesNotExist(QueryException, core_errors.DoesNotExist):
    """``get()`` found no row; every model has its own subclass."""


class MultipleObjectsReturned(QueryException, core_errors.MultipleObjectsReturned):
    """``get()`` found more than one row; every model has its own subclass."""


_BATCH_TEXT = re.compile(r"^\s*BEGIN\s+[a-zA-Z]*\s*BATCH")


def _batch_applied(result: Any) -> bool:
    """``[applied]`` of the first row of a conditional text batch; True if not one.

    Drivers without batch detection for text statements refuse results of
    several rows, which a failed batch touching several rows returns.
    """
    try:
        query = result.response_future.query
        if isinstance(query, BatchStatement):
            return True  # the driver reads driver batches itself: this one had no condition
        text = query.query_string
        if not _BATCH_TEXT.match(text) or result.column_names[0] != "[applied]":
            return True
        row = result.current_rows[0]
        return bool(row[0] if isinstance(row, tuple) else row["[applied]"])
    except Exception:  # not a driver result of the expected shape
        return True


def check_applied(result: Any) -> None:
    """Raise :class:`LWTException` when ``result`` reports a conditional write not applied.

    A result that cannot tell (not a conditional statement, or a batch
    without conditions) counts as applied.
    """
    try:
        applied = result.was_applied
    except Exception:  # the driver raises when the result has no LWT shape
        applied = _batch_applied(result)
    if not applied:
        raise LWTException(result.one())


C = TypeVar("C", bound=BaseClause)


def fresh(clauses: Iterable[C] | None) -> list[C]:
    """Copy clauses for a new statement, which numbers its clauses in place.

    Querysets share clause objects between clones; giving every statement
    its own copies keeps one statement's numbering out of another's text.
    """
    copies = []
    for clause in clauses or ():
        twin = _shallow(clause)
        if isinstance(twin, WhereClause):
            twin.query_value = _shallow(twin.query_value)
        copies.append(twin)
    return copies


def _shallow(obj: Any) -> Any:
    """``copy.copy`` of a plain object, without the ``__reduce_ex__`` round trip."""
    cls: Any = type(obj)
    if getattr(cls, "__copy__", None) is not None or not hasattr(obj, "__dict__"):
        return copy.copy(obj)
    twin = object.__new__(cls)
    twin.__dict__.update(obj.__dict__)
    return twin


class AbstractQueryableColumn(UnicodeMixin):
    """A column usable in expressions: ``Model.col == 5`` builds a :class:`WhereClause`.

    Subclasses give ``str(self)`` (the CQL column name) and ``_get_column()``
    (the column whose ``to_database`` converts compared values).
    """

    def _get_column(self) -> Any:
        raise NotImplementedError

    def __unicode__(self) -> str:
        raise NotImplementedError

    def _to_database(self, val: Any) -> Any:
        if isinstance(val, QueryValue):
            return val
        return self._get_column().to_database(val)

    def in_(self, item: Any) -> WhereClause:
        """Return the restriction ``<column> IN item`` (values are not converted)."""
        return WhereClause(str(self), InOperator(), item)

    def contains_(self, item: Any) -> WhereClause:
        """Return the restriction ``<column> CONTAINS item`` (value not converted)."""
        return WhereClause(str(self), ContainsOperator(), item)

    # cqlengine's query DSL: ``Model.col == 5`` builds a clause instead of a bool.
    def __eq__(self, other: Any) -> WhereClause:  # type: ignore[override]
        return WhereClause(str(self), EqualsOperator(), self._to_database(other))

    def __gt__(self, other: Any) -> WhereClause:
        return WhereClause(str(self), GreaterThanOperator(), self._to_database(other))

    def __ge__(self, other: Any) -> WhereClause:
        return WhereClause(str(self), GreaterThanOrEqualOperator(), self._to_database(other))

    def __lt__(self, other: Any) -> WhereClause:
        return WhereClause(str(self), LessThanOperator(), self._to_database(other))

    def __le__(self, other: Any) -> WhereClause:
        return WhereClause(str(self), LessThanOrEqualOperator(), self._to_database(other))


def _router(model: Any) -> Callable[[BaseCQLStatement, SimpleStatement, Any], None]:
    """What gives a text statement of ``model`` its routing key (prepared ones have theirs)."""

    def route(statement: BaseCQLStatement, query: SimpleStatement, connection: Any) -> None:
        index = model._partition_key_index
        if not index:
            return
        values = statement.partition_key_values(index)
        if any(value is None for value in values):
            return
        protocol = connection.cluster.protocol_version
        query.routing_key = model._routing_key_from_values(values, protocol)
        query.keyspace = model._get_keyspace()

    return route


def execute_statement(model: Any, statement: BaseCQLStatement, consistency_level: Any,
                      timeout: Any, connection: str | None = None) -> Any:
    """Send ``statement`` for ``model`` through ``connection.execute``: one round trip.

    ``connection.execute`` sends it prepared, with the consistency level and
    fetch size (the driver routes bound statements itself); when it must go
    as text, the routing key is computed here from the partition-key values,
    when they are all restricted.
    """
    statement.routing = _router(model)
    connection = connection or model._get_connection()
    return conn.execute(statement, None, consistency_level, timeout=timeout,
                        connection=connection)
