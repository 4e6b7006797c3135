"""CQL statements and clauses (``cassandra.cqlengine.statements``).

Statements render CQL text with ``%(n)s`` placeholders and build the matching
context dict (``{"0": value, ...}``) for a driver ``SimpleStatement``; the
text, the numbering and the context are identical to cqlengine's.  Clauses
are numbered in the order they are added; :meth:`BaseCQLStatement.update_context_id`
renumbers them from a new start (WHERE first), as batches do.

Clauses live in private modules and are re-exported here.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from cassandra.query import FETCH_SIZE_UNSET

from coodie_compat import UnicodeMixin
from coodie_compat._clauses import (
    AssignmentClause,
    BaseClause,
    BaseDeleteClause,
    ConditionalClause,
    Context,
    CounterUpdateClause,
    FieldDeleteClause,
    InQuoter,
    IsNotNull,
    IsNotNullClause,
    MapDeleteClause,
    StatementException,
    ValueQuoter,
    WhereClause,
    column_class,
)
from coodie_compat._collection_clauses import (
    ContainerUpdateClause,
    ContainerUpdateTypeMapMeta,
    ListUpdateClause,
    MapUpdateClause,
    SetUpdateClause,
)
from coodie_compat.functions import QueryValue
from coodie_compat.operators import BaseWhereOperator, EqualsOperator, InOperator, IsNotNullOperator

__all__ = [
    "AssignmentClause", "AssignmentStatement", "BaseCQLStatement", "BaseClause",
    "BaseDeleteClause", "ConditionalClause", "ContainerUpdateClause",
    "ContainerUpdateTypeMapMeta", "CounterUpdateClause", "DeleteStatement", "FieldDeleteClause",
    "InQuoter", "InsertStatement", "IsNotNull", "IsNotNullClause", "ListUpdateClause",
    "MapDeleteClause", "MapUpdateClause", "SelectStatement", "SetUpdateClause",
    "StatementException", "UpdateStatement", "ValueQuoter", "WhereClause",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["FETCH_SIZE_UNSET", "BaseWhereOperator", "EqualsOperator", "InOperator",
            "IsNotNullOperator", "QueryValue", "UnicodeMixin", "datetime", "time", "timedelta"]
__all__ += ["columns"]  # noqa: F822 (given by __getattr__)


def __getattr__(name: str) -> Any:
    """``columns`` (cqlengine's module imports it), loaded on first use: no statement needs it."""
    if name == "columns":
        return importlib.import_module("coodie_compat.columns")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Timestamp = int | datetime | timedelta


class ColumnLike(Protocol):
    """What statements need from a column: its CQL name and value conversion."""

    @property
    def db_field_name(self) -> str: ...

    def to_database(self, value: Any) -> Any: ...


def _number(clause: BaseClause, first: int) -> int:
    """Give ``clause`` the placeholders from ``first``; return the next free number."""
    clause.set_context_id(first)
    return first + clause.get_context_size()


def _joined(clauses: Iterable[object], separator: str) -> str:
    return separator.join(str(clause) for clause in clauses)


def _using(ttl: int | None, timestamp: int | None) -> str | None:
    """Render ``USING TTL t AND TIMESTAMP ts`` (either part optional), or None."""
    options = []
    if ttl:
        options.append(f"TTL {ttl}")
    if timestamp is not None:
        options.append(f"TIMESTAMP {timestamp}")
    return f"USING {' AND '.join(options)}" if options else None


class BaseCQLStatement(UnicodeMixin):
    """Base of all statements: table, WHERE clauses, conditionals and numbering.

    ``context_counter`` is the next free placeholder number.  ``repr()`` (and
    ``str()``) of a statement is its CQL text.  ``routing`` (not in cqlengine)
    is set by the query layer: it gives the statement a routing key when it is
    sent as text.
    """

    routing: Callable[[Any, Any, Any], None] | None = None

    def __init__(self, table: str, timestamp: Timestamp | None = None,
                 where: Iterable[WhereClause] | None = None, fetch_size: int | None = None,
                 conditionals: Iterable[BaseClause] | None = None) -> None:
        self.table = table
        self.context_id = 0
        self.context_counter = self.context_id
        self.timestamp = timestamp
        self.fetch_size = fetch_size or FETCH_SIZE_UNSET
        self.where_clauses: list[WhereClause] = []
        for clause in where or []:
            self._add_where_clause(clause)
        self.conditionals: list[BaseClause] = []
        for conditional in conditionals or []:
            self.add_conditional_clause(conditional)

    @staticmethod
    def _update_part_key_values(field_index_map: Mapping[str, int],
                                clauses: Iterable[BaseClause], parts: list[Any]) -> None:
        for clause in clauses:
            if clause.field in field_index_map:
                parts[field_index_map[clause.field]] = clause.value

    def partition_key_values(self, field_index_map: Mapping[str, int]) -> list[Any]:
        """Return the partition-key values in key order (None where unknown).

        ``field_index_map`` maps each partition-key db field to its position;
        only plain ``=`` restrictions count (not IN or other equality-like ones).
        """
        parts: list[Any] = [None] * len(field_index_map)
        equalities = [w for w in self.where_clauses if type(w.operator) is EqualsOperator]
        self._update_part_key_values(field_index_map, equalities, parts)
        return parts

    def add_where(self, column: ColumnLike, operator: BaseWhereOperator, value: Any,
                  quote_field: bool = True) -> None:
        """Restrict ``column`` with ``operator``; the value goes through ``column.to_database``."""
        value = column.to_database(value)
        self._add_where_clause(WhereClause(column.db_field_name, operator, value, quote_field))

    def _add_where_clause(self, clause: WhereClause) -> None:
        self.context_counter = _number(clause, self.context_counter)
        self.where_clauses.append(clause)

    def add_conditional_clause(self, clause: BaseClause) -> None:
        """Add a lightweight-transaction condition (rendered after ``IF``)."""
        self.context_counter = _number(clause, self.context_counter)
        self.conditionals.append(clause)

    def get_context(self) -> Context:
        """Return the context dict (placeholder number as a string -> value)."""
        ctx: Context = {}
        for clause in self.where_clauses:
            clause.update_context(ctx)
        return ctx

    def get_context_size(self) -> int:
        """Return the number of entries in :meth:`get_context`."""
        return len(self.get_context())

    def update_context_id(self, i: int) -> None:
        """Renumber the placeholders from ``i``: WHERE clauses first."""
        self.context_id = i
        self.context_counter = i
        self._renumber(self.where_clauses)

    def _renumber(self, clauses: Iterable[BaseClause]) -> None:
        for clause in clauses:
            self.context_counter = _number(clause, self.context_counter)

    def _get_conditionals(self) -> str:
        return f"IF {_joined(self.conditionals, ' AND ')}"

    @property
    def timestamp_normalized(self) -> int | None:
        """The write timestamp in microseconds, or None when unset (or 0).

        An int is used as is; a timedelta is added to the local ``now()``; a
        datetime is read as local time (``time.mktime``), as cqlengine does.
        """
        if not self.timestamp:
            return None
        if isinstance(self.timestamp, int):
            return self.timestamp
        if isinstance(self.timestamp, timedelta):
            moment = datetime.now() + self.timestamp
        else:
            moment = self.timestamp
        return int(time.mktime(moment.timetuple()) * 1e6 + moment.microsecond)

    def __unicode__(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.__unicode__()

    @property
    def _where(self) -> str:
        return f"WHERE {_joined(self.where_clauses, ' AND ')}"


class SelectStatement(BaseCQLStatement):
    """``SELECT`` with optional DISTINCT/COUNT, WHERE, ORDER BY, LIMIT and ALLOW FILTERING.

    A single string for ``fields`` or ``order_by`` is treated as a one-item
    list.  ORDER BY is left out of COUNT queries; a LIMIT of 0 or None is omitted.
    """

    def __init__(self, table: str, fields: str | Sequence[str] | None = None,
                 count: bool = False, where: Iterable[WhereClause] | None = None,
                 order_by: str | Sequence[str] | None = None, limit: int | None = None,
                 allow_filtering: bool = False, distinct_fields: Sequence[str] | None = None,
                 fetch_size: int | None = None) -> None:
        super().__init__(table, where=where, fetch_size=fetch_size)
        self.fields = [fields] if isinstance(fields, str) else (fields or [])
        self.distinct_fields = distinct_fields
        self.count = count
        self.order_by = [order_by] if isinstance(order_by, str) else order_by
        self.limit = limit
        self.allow_filtering = allow_filtering

    def _selection(self) -> str:
        if self.distinct_fields:
            names = ", ".join(f'"{name}"' for name in self.distinct_fields)
            return f"DISTINCT COUNT({names})" if self.count else f"DISTINCT {names}"
        if self.count:
            return "COUNT(*)"
        return ", ".join(f'"{name}"' for name in self.fields) if self.fields else "*"

    def __unicode__(self) -> str:
        parts = ["SELECT", self._selection(), "FROM", self.table]
        if self.where_clauses:
            parts.append(self._where)
        if self.order_by and not self.count:
            parts.append(f"ORDER BY {_joined(self.order_by, ', ')}")
        if self.limit:
            parts.append(f"LIMIT {self.limit}")
        if self.allow_filtering:
            parts.append("ALLOW FILTERING")
        return " ".join(parts)


class AssignmentStatement(BaseCQLStatement):
    """Base of the statements that write values (INSERT and UPDATE)."""

    def __init__(self, table: str, assignments: Iterable[AssignmentClause] | None = None,
                 where: Iterable[WhereClause] | None = None, ttl: int | None = None,
                 timestamp: Timestamp | None = None,
                 conditionals: Iterable[BaseClause] | None = None) -> None:
        super().__init__(table, where=where, conditionals=conditionals)
        self.ttl = ttl
        self.timestamp = timestamp
        self.assignments: list[AssignmentClause] = []
        for assignment in assignments or []:
            self._add_assignment_clause(assignment)

    def update_context_id(self, i: int) -> None:
        """Renumber from ``i``: WHERE clauses, then assignments."""
        super().update_context_id(i)
        self._renumber(self.assignments)

    def partition_key_values(self, field_index_map: Mapping[str, int]) -> list[Any]:
        """As the base, then let assignments to key columns fill in (INSERT)."""
        parts = super().partition_key_values(field_index_map)
        self._update_part_key_values(field_index_map, self.assignments, parts)
        return parts

    def add_assignment(self, column: ColumnLike, value: Any) -> None:
        """Assign ``value`` (through ``column.to_database``) to ``column``."""
        value = column.to_database(value)
        self._add_assignment_clause(AssignmentClause(column.db_field_name, value))

    def _add_assignment_clause(self, clause: AssignmentClause) -> None:
        self.context_counter = _number(clause, self.context_counter)
        self.assignments.append(clause)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to assign."""
        return len(self.assignments) == 0

    def get_context(self) -> Context:
        """WHERE values, then assigned values."""
        ctx = super().get_context()
        for clause in self.assignments:
            clause.update_context(ctx)
        return ctx


class InsertStatement(AssignmentStatement):
    """``INSERT INTO t ("a", ...) VALUES (%(0)s, ...) [IF NOT EXISTS] [USING ...]``."""

    def __init__(self, table: str, assignments: Iterable[AssignmentClause] | None = None,
                 where: Iterable[WhereClause] | None = None, ttl: int | None = None,
                 timestamp: Timestamp | None = None, if_not_exists: bool = False) -> None:
        super().__init__(table, assignments=assignments, where=where, ttl=ttl,
                         timestamp=timestamp)
        self.if_not_exists = if_not_exists

    def __unicode__(self) -> str:
        if not self.assignments:
            raise ValueError("an INSERT needs at least one assignment")
        pairs = [clause.insert_tuple() for clause in self.assignments]
        parts = [
            f"INSERT INTO {self.table}",
            "({})".format(", ".join(f'"{name}"' for name, _ in pairs)),
            "VALUES",
            "({})".format(", ".join(f"%({n})s" for _, n in pairs)),
        ]
        if self.if_not_exists:
            parts.append("IF NOT EXISTS")
        using = _using(self.ttl, self.timestamp_normalized)
        if using:
            parts.append(using)
        return " ".join(parts)


class UpdateStatement(AssignmentStatement):
    """``UPDATE t [USING ...] SET ... [WHERE ...] [IF ...] [IF EXISTS]``."""

    def __init__(self, table: str, assignments: Iterable[AssignmentClause] | None = None,
                 where: Iterable[WhereClause] | None = None, ttl: int | None = None,
                 timestamp: Timestamp | None = None,
                 conditionals: Iterable[BaseClause] | None = None,
                 if_exists: bool = False) -> None:
        super().__init__(table, assignments=assignments, where=where, ttl=ttl,
                         timestamp=timestamp, conditionals=conditionals)
        self.if_exists = if_exists

    def __unicode__(self) -> str:
        parts = ["UPDATE", self.table]
        using = _using(self.ttl, self.timestamp_normalized)
        if using:
            parts.append(using)
        parts += ["SET", _joined(self.assignments, ", ")]
        if self.where_clauses:
            parts.append(self._where)
        if self.conditionals:
            parts.append(self._get_conditionals())
        if self.if_exists:
            parts.append("IF EXISTS")
        return " ".join(parts)

    def get_context(self) -> Context:
        """WHERE values, assigned values, then conditional values."""
        ctx = super().get_context()
        for clause in self.conditionals:
            clause.update_context(ctx)
        return ctx

    def update_context_id(self, i: int) -> None:
        """Renumber from ``i``: WHERE clauses, assignments, then conditionals."""
        super().update_context_id(i)
        self._renumber(self.conditionals)

    def add_update(self, column: ColumnLike, value: Any, operation: str | None = None,
                   previous: Any = None) -> None:
        """Add the update of ``column`` from ``previous`` to ``value``.

        Set, List and Map columns (exact classes) get a collection update
        clause, Counter columns a relative counter update, any other column a
        plain assignment.  ``operation`` is a queryset collection operation
        (``add``, ``remove``, ``append``, ``prepend``, ``update``); values of a
        ``remove`` skip ``to_database``.  A clause with nothing to do is dropped.
        """
        if operation != "remove":
            value = column.to_database(value)
        column_type = type(column)
        clause_type = ContainerUpdateClause.type_map.get(column_type)
        clause: AssignmentClause
        if clause_type is not None:
            previous = column.to_database(previous)
            clause = clause_type(column.db_field_name, value, operation, previous)
        elif column_type is column_class("Counter"):
            clause = CounterUpdateClause(column.db_field_name, value, previous)
        else:
            clause = AssignmentClause(column.db_field_name, value)
        if clause.get_context_size():
            self._add_assignment_clause(clause)


class DeleteStatement(BaseCQLStatement):
    """``DELETE [fields] FROM t [ USING TIMESTAMP ts ] WHERE ... [IF ...] [IF EXISTS]``.

    The USING part keeps cqlengine's surrounding spaces, so it is preceded
    and followed by two spaces in the rendered text.
    """

    def __init__(self, table: str, fields: str | Iterable[str | BaseClause] | None = None,
                 where: Iterable[WhereClause] | None = None,
                 timestamp: Timestamp | None = None,
                 conditionals: Iterable[BaseClause] | None = None,
                 if_exists: bool = False) -> None:
        super().__init__(table, where=where, timestamp=timestamp, conditionals=conditionals)
        self.fields: list[BaseClause] = []
        for field in [fields] if isinstance(fields, str) else (fields or []):
            self.add_field(field)
        self.if_exists = if_exists

    def update_context_id(self, i: int) -> None:
        """Renumber from ``i``: WHERE clauses, deleted fields, then conditionals."""
        super().update_context_id(i)
        self._renumber(self.fields)
        self._renumber(self.conditionals)

    def get_context(self) -> Context:
        """WHERE values, map keys to delete, then conditional values."""
        ctx = super().get_context()
        for clause in [*self.fields, *self.conditionals]:
            clause.update_context(ctx)
        return ctx

    def add_field(self, field: str | BaseClause) -> None:
        """Delete a whole column (by name) or what a delete clause selects."""
        clause = FieldDeleteClause(field) if isinstance(field, str) else field
        if not isinstance(clause, BaseClause):
            raise StatementException(
                "only instances of AssignmentClause can be added to statements"
            )
        self.context_counter = _number(clause, self.context_counter)
        self.fields.append(clause)

    def __unicode__(self) -> str:
        parts = ["DELETE"]
        if self.fields:
            parts.append(_joined(self.fields, ", "))
        parts += ["FROM", self.table]
        timestamp = self.timestamp_normalized
        if timestamp is not None:
            parts.append(f" USING TIMESTAMP {timestamp} ")
        if self.where_clauses:
            parts.append(self._where)
        if self.conditionals:
            parts.append(self._get_conditionals())
        if self.if_exists:
            parts.append("IF EXISTS")
        return " ".join(parts)
