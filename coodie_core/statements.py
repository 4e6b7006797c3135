"""Frozen CQL statement values and the one :func:`render` that turns them into text.

``render(statement)`` returns ``(cql, values)``. Every variable, TTL, TIMESTAMP and
LIMIT included, is a ``?`` bind marker, so the CQL text depends only on the
statement's *shape* and one prepared statement serves every value. Identifiers are
validated and quoted here, at the single place CQL text is produced.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from typing import Literal

from coodie_core.errors import InvalidQuery
from coodie_core.identifiers import quote, validate_name

__all__ = [
    "Assignment",
    "Batch",
    "Ddl",
    "Delete",
    "Insert",
    "Select",
    "Statement",
    "Table",
    "TokenWhere",
    "Update",
    "Where",
    "bound_values",
    "is_idempotent",
    "render",
    "shape_of",
]

Op = Literal["=", "IN", ">", ">=", "<", "<=", "CONTAINS", "CONTAINS KEY", "LIKE", "!="]
_OPS = frozenset({"=", "IN", ">", ">=", "<", "<=", "CONTAINS", "CONTAINS KEY", "LIKE", "!="})


@dataclass(frozen=True)
class Table:
    """A keyspace-qualified table name.

    ``via`` names the connection whose default keyspace was taken (None when the
    keyspace was explicit): a statement run on another connection is re-aimed at
    that connection's keyspace (see :func:`coodie_core.execution.run`).
    """

    keyspace: str
    name: str
    via: str | None = field(default=None, compare=False)

    def render(self) -> str:
        """``keyspace.table``, each part validated and quoted as needed."""
        ks = quote(validate_name(self.keyspace, "keyspace"))
        return f"{ks}.{quote(validate_name(self.name, 'table'))}"


@dataclass(frozen=True)
class Where:
    """``column <op> ?`` (``IN ?`` binds one list)."""

    column: str
    op: Op
    value: object


@dataclass(frozen=True)
class TokenWhere:
    """``token(k1, k2) <op> token(?, ?)``, or ``token(k) <op> ?`` for a raw token."""

    columns: tuple[str, ...]
    op: Op
    values: tuple[object, ...]
    raw: bool = False


Condition = Where | TokenWhere


@dataclass(frozen=True)
class Select:
    """A SELECT; ``count=True`` selects ``COUNT(*)``."""

    table: Table
    columns: tuple[str, ...]
    where: tuple[Condition, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()  # (column, descending)
    limit: int | None = None
    per_partition_limit: int | None = None
    allow_filtering: bool = False
    distinct: bool = False
    count: bool = False
    #: ``(function, column)`` pairs selected after the columns: ``TTL(c)``, ``WRITETIME(c)``.
    selectors: tuple[tuple[Literal["TTL", "WRITETIME"], str], ...] = ()


@dataclass(frozen=True)
class Insert:
    """An INSERT (an upsert unless ``if_not_exists``)."""

    table: Table
    columns: tuple[str, ...]
    values: tuple[object, ...]
    if_not_exists: bool = False
    ttl: int | None = None
    timestamp: int | None = None


AssignOp = Literal["set", "add", "remove", "prepend", "set_item"]


@dataclass(frozen=True)
class Assignment:
    """One SET clause item.

    ``set``: ``c = ?``; ``add``: ``c = c + ?`` (append, add to set or map, counter
    increment); ``remove``: ``c = c - ?``; ``prepend``: ``c = ? + c``;
    ``set_item``: ``c[?] = ?`` with ``key``.
    """

    column: str
    op: AssignOp
    value: object
    key: object = None


@dataclass(frozen=True)
class Update:
    """An UPDATE of one or more rows selected by ``where``."""

    table: Table
    assignments: tuple[Assignment, ...]
    where: tuple[Condition, ...]
    ttl: int | None = None
    timestamp: int | None = None
    if_exists: bool = False
    if_conditions: tuple[Where, ...] = ()


@dataclass(frozen=True)
class Delete:
    """A DELETE of rows, or of ``columns`` only when given."""

    table: Table
    where: tuple[Condition, ...]
    columns: tuple[str, ...] = ()
    timestamp: int | None = None
    if_exists: bool = False
    if_conditions: tuple[Where, ...] = ()


@dataclass(frozen=True)
class Ddl:
    """Schema text built by :mod:`coodie_core.schema` (DDL cannot take bind markers)."""

    cql: str


@dataclass(frozen=True)
class Batch:
    """Statements applied together; ``kind`` is LOGGED, UNLOGGED or COUNTER."""

    statements: tuple[Insert | Update | Delete, ...]
    kind: Literal["LOGGED", "UNLOGGED", "COUNTER"] = "LOGGED"


Statement = Select | Insert | Update | Delete | Ddl


#: CQL text per statement shape; a shape is rendered (and its names checked) once.
_TEXTS: dict[tuple[object, ...], str] = {}
_MAX_TEXTS = 4096


def render(statement: Statement) -> tuple[str, tuple[object, ...]]:
    """Render a statement to ``(cql, bound values)``.

    The text depends only on the statement's shape (see :func:`shape_of`), so it
    is built once per shape; later calls only collect the values.
    """
    if isinstance(statement, Ddl):
        return statement.cql, ()
    if isinstance(statement, Insert) and len(statement.columns) != len(statement.values):
        raise InvalidQuery("INSERT needs one value per column")
    key = shape_of(statement)
    try:
        cql = _TEXTS.get(key)
    except TypeError:  # a list where a tuple belongs: render it without caching
        return _build(statement)
    if cql is None:
        cql, values = _build(statement)
        if len(_TEXTS) >= _MAX_TEXTS:
            _TEXTS.clear()
        _TEXTS[key] = cql
        return cql, values
    return cql, bound_values(statement)


def _build(statement: Statement) -> tuple[str, tuple[object, ...]]:
    if isinstance(statement, Select):
        return _select(statement)
    if isinstance(statement, Insert):
        return _insert(statement)
    if isinstance(statement, Update):
        return _update(statement)
    if isinstance(statement, Delete):
        return _delete(statement)
    raise TypeError(f"cannot render {statement!r}")


def _where_shape(conditions: Sequence[Condition]) -> tuple[object, ...]:
    return tuple(
        (c.column, c.op) if isinstance(c, Where) else (c.columns, c.op, len(c.values), c.raw)
        for c in conditions
    )


def shape_of(statement: Statement) -> tuple[object, ...]:
    """Everything the CQL text of ``statement`` depends on (not its values)."""
    s = statement
    if isinstance(s, Select):
        return (
            "SELECT", s.table.keyspace, s.table.name, s.columns, _where_shape(s.where),
            s.order_by, s.per_partition_limit is not None, s.limit is not None,
            s.allow_filtering, s.distinct, s.count, s.selectors,
        )  # fmt: skip
    if isinstance(s, Insert):
        return (
            "INSERT", s.table.keyspace, s.table.name, s.columns, s.if_not_exists,
            s.ttl is not None, s.timestamp is not None,
        )  # fmt: skip
    if isinstance(s, Update):
        return (
            "UPDATE", s.table.keyspace, s.table.name,
            tuple((a.column, a.op) for a in s.assignments), _where_shape(s.where),
            s.ttl is not None, s.timestamp is not None, s.if_exists,
            () if s.if_exists else _where_shape(s.if_conditions),
        )  # fmt: skip
    if isinstance(s, Delete):
        return (
            "DELETE", s.table.keyspace, s.table.name, s.columns, _where_shape(s.where),
            s.timestamp is not None, s.if_exists,
            () if s.if_exists else _where_shape(s.if_conditions),
        )  # fmt: skip
    raise TypeError(f"cannot render {statement!r}")


#: Assignments whose effect grows with each application on a counter or a list:
#: ``c = c + ?`` (increment, append), ``c = c - ?`` (decrement, removal by value).
_ACCUMULATING_OPS = frozenset({"add", "remove"})


def is_idempotent(statement: Statement | Batch, accumulating: Container[str] | None = None) -> bool:
    """True when applying ``statement`` twice has the effect of applying it once.

    Reads and plain writes are; conditional (LWT) writes are not (a second
    attempt reports the first one's effect as a failed condition), nor are
    prepends, nor ``add``/``remove`` assignments on the ``accumulating`` columns
    (counters and lists). ``accumulating`` None means the column types are
    unknown: every ``add``/``remove`` then counts as accumulating. A batch is
    idempotent when all its statements are; DDL never is.
    """
    s = statement
    if isinstance(s, Select):
        return True
    if isinstance(s, Insert):
        return not s.if_not_exists
    if isinstance(s, Update):
        if s.if_exists or s.if_conditions:
            return False
        for a in s.assignments:
            if a.op == "prepend":
                return False
            if a.op in _ACCUMULATING_OPS and (accumulating is None or a.column in accumulating):
                return False
        return True
    if isinstance(s, Delete):
        return not (s.if_exists or s.if_conditions)
    if isinstance(s, Batch):
        return all(is_idempotent(child, accumulating) for child in s.statements)
    return False


def _where_values(conditions: Sequence[Condition], values: list[object]) -> None:
    for cond in conditions:
        if isinstance(cond, Where):
            values.append(cond.value)
        else:
            values.extend(cond.values)


def bound_values(statement: Statement) -> tuple[object, ...]:
    """The bound values of ``statement``, in the order of its markers."""
    s = statement
    if isinstance(s, Insert):
        values_ = s.values if type(s.values) is tuple else tuple(s.values)
        if s.ttl is None and s.timestamp is None:
            return values_
        return values_ + tuple(v for v in (s.ttl, s.timestamp) if v is not None)
    values: list[object] = []
    if isinstance(s, Select):
        _where_values(s.where, values)
        values.extend(v for v in (s.per_partition_limit, s.limit) if v is not None)
    elif isinstance(s, Update):
        values.extend(v for v in (s.ttl, s.timestamp) if v is not None)
        for a in s.assignments:
            values.extend((a.key, a.value) if a.op == "set_item" else (a.value,))
        _where_values(s.where, values)
        if not s.if_exists:
            _where_values(s.if_conditions, values)
    elif isinstance(s, Delete):
        if s.timestamp is not None:
            values.append(s.timestamp)
        _where_values(s.where, values)
        if not s.if_exists:
            _where_values(s.if_conditions, values)
    return tuple(values)


def _names(columns: Sequence[str]) -> str:
    return ", ".join(quote(validate_name(c, "column")) for c in columns)


def _where(conditions: Sequence[Condition], values: list[object]) -> str:
    parts = []
    for cond in conditions:
        if cond.op not in _OPS:
            raise InvalidQuery(f"unknown operator {cond.op!r}")
        if isinstance(cond, Where):
            parts.append(f"{quote(validate_name(cond.column, 'column'))} {cond.op} ?")
            values.append(cond.value)
        else:
            marks = ", ".join("?" for _ in cond.values)
            right = "?" if cond.raw else f"token({marks})"
            parts.append(f"token({_names(cond.columns)}) {cond.op} {right}")
            values.extend(cond.values)
    return " AND ".join(parts)


def _using(ttl: int | None, timestamp: int | None, values: list[object]) -> str:
    clauses = []
    if ttl is not None:
        clauses.append("TTL ?")
        values.append(ttl)
    if timestamp is not None:
        clauses.append("TIMESTAMP ?")
        values.append(timestamp)
    return f" USING {' AND '.join(clauses)}" if clauses else ""


def _select(s: Select) -> tuple[str, tuple[object, ...]]:
    values: list[object] = []
    picked = [_names(s.columns)] if s.columns else []
    for function, column in s.selectors:
        if function not in ("TTL", "WRITETIME"):
            raise InvalidQuery(f"unknown selector function {function!r}")
        picked.append(f"{function}({quote(validate_name(column, 'column'))})")
    if not picked and not s.count:
        raise InvalidQuery("SELECT needs at least one column")
    what = "COUNT(*)" if s.count else ", ".join(picked)
    cql = f"SELECT {'DISTINCT ' if s.distinct else ''}{what} FROM {s.table.render()}"
    if s.where:
        cql += f" WHERE {_where(s.where, values)}"
    if s.order_by:
        order = ", ".join(
            f"{quote(validate_name(c, 'column'))} {'DESC' if desc else 'ASC'}"
            for c, desc in s.order_by
        )
        cql += f" ORDER BY {order}"
    if s.per_partition_limit is not None:
        cql += " PER PARTITION LIMIT ?"
        values.append(s.per_partition_limit)
    if s.limit is not None:
        cql += " LIMIT ?"
        values.append(s.limit)
    if s.allow_filtering:
        cql += " ALLOW FILTERING"
    return cql, tuple(values)


def _insert(s: Insert) -> tuple[str, tuple[object, ...]]:
    if len(s.columns) != len(s.values):
        raise InvalidQuery("INSERT needs one value per column")
    values = list(s.values)
    marks = ", ".join("?" for _ in s.columns)
    cql = f"INSERT INTO {s.table.render()} ({_names(s.columns)}) VALUES ({marks})"
    if s.if_not_exists:
        cql += " IF NOT EXISTS"
    cql += _using(s.ttl, s.timestamp, values)
    return cql, tuple(values)


def _assignment(a: Assignment, values: list[object]) -> str:
    col = quote(validate_name(a.column, "column"))
    if a.op == "set_item":
        values.extend((a.key, a.value))
        return f"{col}[?] = ?"
    values.append(a.value)
    if a.op == "set":
        return f"{col} = ?"
    if a.op == "add":
        return f"{col} = {col} + ?"
    if a.op == "remove":
        return f"{col} = {col} - ?"
    if a.op == "prepend":
        return f"{col} = ? + {col}"
    raise InvalidQuery(f"unknown assignment {a.op!r}")


def _update(s: Update) -> tuple[str, tuple[object, ...]]:
    if not s.assignments or not s.where:
        raise InvalidQuery("UPDATE needs assignments and a WHERE clause")
    values: list[object] = []
    cql = f"UPDATE {s.table.render()}{_using(s.ttl, s.timestamp, values)}"
    cql += " SET " + ", ".join(_assignment(a, values) for a in s.assignments)
    cql += f" WHERE {_where(s.where, values)}"
    if s.if_exists:
        cql += " IF EXISTS"
    elif s.if_conditions:
        cql += f" IF {_where(s.if_conditions, values)}"
    return cql, tuple(values)


def _delete(s: Delete) -> tuple[str, tuple[object, ...]]:
    if not s.where:
        raise InvalidQuery("DELETE needs a WHERE clause")
    values: list[object] = []
    what = f"{_names(s.columns)} " if s.columns else ""
    cql = f"DELETE {what}FROM {s.table.render()}{_using(None, s.timestamp, values)}"
    cql += f" WHERE {_where(s.where, values)}"
    if s.if_exists:
        cql += " IF EXISTS"
    elif s.if_conditions:
        cql += f" IF {_where(s.if_conditions, values)}"
    return cql, tuple(values)
