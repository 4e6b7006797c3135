"""Prepared execution of cqlengine statements, for :func:`coodie_compat.connection.execute`.

cqlengine renders each statement as text with ``%(n)s`` placeholders and a
context dict, which the driver interpolates on the client and the server
parses on every request.  Here the text is turned once into a prepared
statement instead: the placeholders become ``?`` markers, and so do the
literal numbers after ``TTL``, ``TIMESTAMP`` and ``LIMIT``, so statements that
differ only in those share one prepared statement.  A :class:`Plan` (cached
per text) records which context key (or literal) each marker takes; binding
reads the context in that order.

What is sent keeps cqlengine's observable shape: a :class:`CqlengineBoundStatement`
shows the cqlengine text as ``query_string`` and carries the statement's
consistency level and fetch size; a batch becomes one driver batch of bound
statements (:class:`CqlengineBatchStatement`).

Nothing here is allowed to change what a statement means, nor what it
stores: values whose bound form would store something else than their
literal (decimals, 32-bit floats) are first turned into what the literal
stores (:mod:`coodie_compat._literals`).  When the server
refuses to prepare a text, or the driver's serializers refuse a value, the
functions return None and the caller sends the text as a ``SimpleStatement``,
exactly as cqlengine does (so errors come from the same place too).  Batches
with a batch-level ``USING TIMESTAMP`` also go as text: a driver batch of
prepared statements has no timestamp of its own.

Every request built here is marked ``is_idempotent`` from the statement object
(:func:`is_idempotent`): reads and plain writes are; counter updates, list
appends and prepends, and conditional (LWT) statements are not, nor is a batch
holding any of them. The driver's retry policy reads the flag (see
:mod:`coodie_core.retry`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from cassandra.cqltypes import UserType as _DriverUserType
from cassandra.query import BatchStatement, BoundStatement, PreparedStatement, SimpleStatement
from cassandra.query import BatchType as DriverBatchType

from coodie_compat import CQLEngineException
from coodie_compat._clauses import CounterUpdateClause, ValueQuoter
from coodie_compat._collection_clauses import ListUpdateClause
from coodie_compat._literals import Fixes, fixes_for
from coodie_compat.statements import InsertStatement, SelectStatement
from coodie_core import statements as core_statements
from coodie_core.driver import accumulating_columns
from coodie_core.execution import PreparedCache

__all__ = [
    "BatchRequest",
    "CqlengineBatchStatement",
    "CqlengineBoundStatement",
    "Plan",
    "Statements",
    "batch_request",
    "is_idempotent",
    "plan_for",
    "statement_request",
]

# A quoted identifier (skipped), a placeholder (``IN`` noted) or a literal number.
_TOKENS = re.compile(r'"(?:[^"]|"")*"|(\bIN )?%\((\w+)\)s|\b(TTL|TIMESTAMP|LIMIT) (-?\d+)\b')
_PLAN_CACHE_SIZE = 2048
_BATCH_KINDS = {
    "LOGGED": DriverBatchType.LOGGED,
    "UNLOGGED": DriverBatchType.UNLOGGED,
    "COUNTER": DriverBatchType.COUNTER,
}


class Plan(NamedTuple):
    """How to bind one cqlengine text: the CQL to prepare and the marker sources.

    ``keys`` are the context keys in marker order; ``literals`` gives the
    values of the synthetic keys standing for literal numbers; ``in_positions``
    are the markers of ``IN`` restrictions, whose context values are quoters.
    """

    cql: str
    keys: tuple[str, ...]
    literals: dict[str, int]
    in_positions: tuple[int, ...]

    def values(self, context: dict[str, Any]) -> list[Any]:
        """The bound values, in marker order (``KeyError`` for a missing key)."""
        if self.literals:
            context = {**context, **self.literals}
        values = [context[key] for key in self.keys]
        for position in self.in_positions:
            value = values[position]
            if isinstance(value, ValueQuoter):
                values[position] = value.value
        return values


@lru_cache(maxsize=_PLAN_CACHE_SIZE)
def plan_for(text: str) -> Plan:
    """The :class:`Plan` of a cqlengine statement text (a pure function, cached)."""
    keys: list[str] = []
    literals: dict[str, int] = {}
    in_positions: list[int] = []

    def marker(match: re.Match[str]) -> str:
        in_prefix, key, keyword, number = match.groups()
        if key is not None:
            if in_prefix:
                in_positions.append(len(keys))
            keys.append(key)
            return f"{in_prefix or ''}?"
        if keyword is not None:
            synthetic = f"\x00{len(keys)}"
            literals[synthetic] = int(number)
            keys.append(synthetic)
            return f"{keyword} ?"
        return match.group(0)  # a quoted identifier, unchanged

    cql = _TOKENS.sub(marker, text)
    return Plan(cql, tuple(keys), literals, tuple(in_positions))


def is_idempotent(statement: Any) -> bool:
    """True when sending the cqlengine ``statement`` twice has the effect of sending
    it once: not conditional (``IF``, ``IF EXISTS``, ``IF NOT EXISTS``), and no
    counter update nor list append/prepend among its assignments."""
    if isinstance(statement, SelectStatement):
        return True
    if statement.conditionals or getattr(statement, "if_exists", False):
        return False
    if isinstance(statement, InsertStatement) and statement.if_not_exists:
        return False
    for clause in getattr(statement, "assignments", ()):
        if isinstance(clause, CounterUpdateClause):
            return False
        if isinstance(clause, ListUpdateClause):
            clause._ensure_analyzed()  # which of assign / append / prepend it renders
            if clause._append is not None or clause._prepend is not None:
                return False
    return True


class CqlengineBoundStatement(BoundStatement):  # type: ignore[misc]  # untyped driver base
    """A bound prepared statement whose ``query_string`` is cqlengine's text."""

    query_string = ""


class CqlengineBatchStatement(BatchStatement):  # type: ignore[misc]  # untyped driver base
    """A driver batch of bound statements; ``query_string`` renders cqlengine's text batch.

    The text is only built when read (for logs or tests): it is not what is sent.
    """

    _request: BatchRequest | None = None

    @property
    def query_string(self) -> str:
        """The ``BEGIN BATCH ... APPLY BATCH;`` text cqlengine would have sent."""
        return self._request.text_and_params()[0] if self._request is not None else ""


class Statements:
    """A per-session cache of prepared statements (core's bounded LRU) and its session.

    A cached statement is used only while the driver's schema metadata still
    holds the very table (and user types) it was prepared against: a table
    dropped and created again, or altered, is prepared again, so values are
    never serialized with stale types.  Schema changes made through this
    cluster's sessions are seen at once (the driver refreshes its metadata
    before such a statement returns); changes made by other clients are seen
    when the driver's schema events arrive.
    """

    def __init__(self, session: Any) -> None:
        self.session = session
        self.cache = PreparedCache()

    def _metadata(self) -> Any:
        return self.session.cluster.metadata

    def prepared(self, cql: str) -> PreparedStatement | None:
        """The prepared statement for ``cql``, prepared on a miss; None if refused."""
        found = self.cache.get(cql)
        if found is not None and _current(self._metadata(), found.coodie_schema):
            return found
        try:
            prepared = self.session.prepare(cql)
        except Exception:  # the text path will report whatever is wrong
            return None
        if not isinstance(prepared, PreparedStatement):
            return None  # a test double, not a driver session
        prepared.coodie_schema = _schema_of(self._metadata(), prepared)
        bind_types = [spec[3] for spec in prepared.column_metadata or ()]
        prepared.coodie_fixes = fixes_for(bind_types, self.session.encoder)
        self.cache.put(cql, prepared)
        return prepared

    def bound(
        self, text: str, context: dict[str, Any], consistency_level: Any, fetch_size: Any
    ) -> CqlengineBoundStatement | None:
        """``text`` prepared and bound to ``context``; None when that is not possible."""
        plan = plan_for(text)
        prepared = self.prepared(plan.cql)
        if prepared is None:
            return None
        fixes = prepared.coodie_fixes
        if fixes is None:
            return None
        statement = CqlengineBoundStatement(
            prepared, consistency_level=consistency_level, fetch_size=fetch_size
        )
        try:
            statement.bind(_fixed(plan.values(context), fixes))
        except Exception:  # a value the driver cannot serialize: interpolate it instead
            return None
        statement.query_string = text
        return statement

    def batch(
        self, request: BatchRequest, consistency_level: Any
    ) -> CqlengineBatchStatement | None:
        """The request as one driver batch of bound statements; None if it must go as text."""
        kind = request.driver_kind()
        if kind is None or (request.timestamp and not request.core_ops):
            return None
        batch = CqlengineBatchStatement(batch_type=kind, consistency_level=consistency_level)
        idempotent = all(is_idempotent(statement) for statement in request.statements)
        for text, context in request.compat_parts():
            plan = plan_for(text)
            prepared = self.prepared(plan.cql)
            if prepared is None or prepared.coodie_fixes is None:
                return None
            try:
                batch.add(prepared, _fixed(plan.values(context), prepared.coodie_fixes))
            except Exception:
                return None
        for op, (cql, values) in zip(request.core_ops, request.core_parts(), strict=True):
            prepared = self.prepared(cql)
            if prepared is None:
                raise ValueError(f"cannot prepare a core statement of the batch: {cql}")
            batch.add(prepared, tuple(values))
            columns = accumulating_columns(prepared)
            idempotent = idempotent and core_statements.is_idempotent(op.statement, columns)
        batch.is_idempotent = idempotent
        batch._request = request
        return batch


class _Connection(Protocol):
    """What the request builders need from a compat connection."""

    def statements(self) -> Statements: ...


def statement_request(conn: _Connection, statement: Any, consistency_level: Any) -> tuple[Any, Any]:
    """The driver statement and parameters for a cqlengine statement object.

    Prepared and bound when possible (no parameters); otherwise cqlengine's
    ``SimpleStatement`` of the text with the context as parameters, routed by
    the statement's ``routing`` hook when it has one.
    """
    text = str(statement)
    context = statement.get_context()
    idempotent = is_idempotent(statement)
    bound = conn.statements().bound(text, context, consistency_level, statement.fetch_size)
    if bound is not None:
        bound.is_idempotent = idempotent
        return bound, None
    simple = SimpleStatement(
        text,
        consistency_level=consistency_level,
        fetch_size=statement.fetch_size,
        is_idempotent=idempotent,
    )
    route = statement.routing
    if route is not None:
        route(statement, simple, conn)
    return simple, context


def batch_request(
    conn: _Connection, request: BatchRequest, consistency_level: Any
) -> tuple[Any, Any]:
    """The driver statement and parameters for a ``BatchQuery``: one driver batch of
    bound statements, else cqlengine's text batch with its context."""
    batch = conn.statements().batch(request, consistency_level)
    if batch is not None:
        return batch, None
    text, params = request.text_and_params()
    idempotent = all(is_idempotent(statement) for statement in request.statements)
    simple = SimpleStatement(text, consistency_level=consistency_level, is_idempotent=idempotent)
    return simple, params


class BatchRequest:
    """What a ``BatchQuery`` sends: its statements, kind, timestamp and core operations.

    ``text_and_params()`` renders cqlengine's text batch (numbering the
    statements one after the other, as cqlengine does), used when the batch
    cannot be prepared.  ``core_ops`` are ``coodie_core`` write operations
    added to the batch (mixed use); they are always prepared.
    """

    def __init__(
        self,
        statements: Sequence[Any],
        batch_type: Any,
        timestamp: int | None,
        opener: Callable[[], str],
        core_ops: Sequence[Any] = (),
    ) -> None:
        self.statements = list(statements)
        self.batch_type = batch_type
        self.timestamp = timestamp
        self._opener = opener
        self.core_ops = list(core_ops)

    def driver_kind(self) -> Any:
        """The driver's batch type, or None for a kind only the text form knows."""
        kind = self.batch_type
        if kind is None:
            return DriverBatchType.LOGGED
        return _BATCH_KINDS.get(str(kind).upper())

    def compat_parts(self) -> list[tuple[str, dict[str, Any]]]:
        """``(text, context)`` of each cqlengine statement; with a batch timestamp and
        core operations, statements without a timestamp of their own get the batch's."""
        parts = []
        for statement in self.statements:
            if self.timestamp is not None and not statement.timestamp:
                statement = _with_timestamp(statement, self.timestamp)
            parts.append((str(statement), statement.get_context()))
        return parts

    def core_parts(self) -> list[tuple[str, Sequence[Any]]]:
        """``(cql, values)`` of each core operation's statement, rendered by the core."""
        from coodie_core.statements import render

        parts: list[tuple[str, Sequence[Any]]] = []
        for op in self.core_ops:
            statement = op.statement
            if self.timestamp is not None and getattr(statement, "timestamp", 0) is None:
                statement = replace(statement, timestamp=self.timestamp)
            parts.append(render(statement))
        return parts

    def text_and_params(self) -> tuple[str, dict[str, Any]]:
        """cqlengine's ``BEGIN BATCH ... APPLY BATCH;`` text and its context."""
        if self.core_ops:
            raise CQLEngineException(
                "a batch holding coodie_core operations must be prepared, and a statement "
                "of this one cannot be"
            )
        lines = [self._opener()]
        params: dict[str, Any] = {}
        counter = 0
        for query in self.statements:
            query.update_context_id(counter)
            context = query.get_context()
            counter += len(context)
            lines.append(f"  {query}")
            params.update(context)
        lines.append("APPLY BATCH;")
        return "\n".join(lines), params


Schema = tuple[tuple[bool, str, str, Any], ...]


def _schema_of(metadata: Any, prepared: PreparedStatement) -> Schema:
    """The metadata objects a prepared statement depends on: its table and user types.

    Each entry is ``(is_table, keyspace, name, metadata object or None)``.
    """
    specs = list(prepared.column_metadata or ()) + list(prepared.result_metadata or ())
    if not specs:
        return ()
    keyspace, table = specs[0][0], specs[0][1]
    found: dict[tuple[bool, str, str], None] = {(True, keyspace, table): None}
    pending = [spec[3] for spec in specs]
    while pending:
        cql_type = pending.pop()
        if isinstance(cql_type, type) and issubclass(cql_type, _DriverUserType):
            # the driver's cqltypes are untyped: issubclass narrows to type[object]
            found[(False, cql_type.keyspace, cql_type.typename)] = None  # type: ignore[attr-defined]
        pending.extend(getattr(cql_type, "subtypes", ()) or ())
    return tuple(
        (is_table, ks, name, _lookup(metadata, is_table, ks, name)) for is_table, ks, name in found
    )


def _lookup(metadata: Any, is_table: bool, keyspace: str, name: str) -> Any:
    keyspace_meta = metadata.keyspaces.get(keyspace)
    if keyspace_meta is None:
        return None
    return (keyspace_meta.tables if is_table else keyspace_meta.user_types).get(name)


def _current(metadata: Any, schema: Schema) -> bool:
    """True while the driver's metadata holds the same objects as when prepared."""
    for is_table, keyspace, name, known in schema:
        if _lookup(metadata, is_table, keyspace, name) is not known:
            return False
    return True


def _fixed(values: list[Any], fixes: Fixes) -> list[Any]:
    """``values`` as cqlengine's text would have stored them (see :mod:`._literals`)."""
    for index, fix in fixes:
        values[index] = fix(values[index])
    return values


def _with_timestamp(statement: Any, timestamp: int) -> Any:
    """A shallow copy of ``statement`` written at ``timestamp`` (microseconds)."""
    import copy

    twin = copy.copy(statement)
    twin.timestamp = timestamp
    return twin
