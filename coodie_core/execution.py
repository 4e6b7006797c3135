"""The one place operations are executed (and the connection API, re-exported).

Connections live in :mod:`coodie_core.connections`: each owns a driver session,
an optional default keyspace and a bounded LRU of prepared statements keyed by
CQL text. Because statements render every variable (TTL, TIMESTAMP and LIMIT
included) as a bind marker, the cache holds one entry per statement shape.
:func:`run` and :func:`arun` are the sync and asyncio entry points; everything
else is shared.

Each prepared statement is marked idempotent or not once, when it is prepared
(:func:`coodie_core.driver.mark_prepared`), and the driver's retry policy is made
idempotence-aware (:mod:`coodie_core.retry`): on clusters :func:`connect` creates,
the default profile's policy is wrapped; on sessions the application registers,
non-idempotent statements carry a :class:`~coodie_core.retry.SessionRetryGuard`.
A request refused for lack of live replicas raises
:class:`~coodie_core.errors.NotEnoughReplicas`.

A statement whose table took its keyspace from another connection's default
(``QuerySet.using(name)``) is re-aimed at the keyspace of the connection it runs
on. After ``os.fork()``, see :func:`reconnect_after_fork`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from cassandra import Unavailable
from cassandra.cluster import EXEC_PROFILE_DEFAULT, NoHostAvailable
from cassandra.query import PreparedStatement

from coodie_core import driver
from coodie_core.connections import (  # the private names: state tests reset through here
    DEFAULT_CACHE_SIZE,
    Connection,
    PreparedCache,
    _connections,  # noqa: F401
    _default,  # noqa: F401
    _forked,  # noqa: F401
    _owner,  # noqa: F401
    connect,
    defer_after_fork,
    forget_prepared,
    get_connection,
    is_inherited,
    reconnect_after_fork,
    register_connection,
    unregister_connection,
)
from coodie_core.errors import InvalidQuery
from coodie_core.failures import unavailable_error
from coodie_core.meta import TableMeta
from coodie_core.operations import Operation, Options, ResultPage
from coodie_core.statements import (
    Batch,
    Ddl,
    Delete,
    Insert,
    Select,
    Statement,
    Table,
    Update,
    render,
)

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "Connection",
    "PreparedCache",
    "arun",
    "connect",
    "defer_after_fork",
    "forget_prepared",
    "get_connection",
    "is_inherited",
    "reconnect_after_fork",
    "register_connection",
    "resolve_table",
    "run",
    "unregister_connection",
]

T = TypeVar("T")
W = TypeVar("W", bound=Select | Insert | Update | Delete)


class _Unprepared(Exception):
    """Raised by :func:`_request` when a statement is not prepared yet (async front)."""

    def __init__(self, cql: str, statement: Statement) -> None:
        super().__init__(cql)
        self.cql = cql
        self.statement = statement


def _request(conn: Connection, statement: Statement | Batch, options: Options, block: bool) -> Any:
    """The driver request for ``statement``; statements missing from the connection's
    cache are prepared here when ``block``, else :class:`_Unprepared` is raised."""
    if isinstance(statement, Ddl):
        return driver.simple(statement.cql, options, conn.guard)
    if isinstance(statement, Batch):
        parts = []
        for child in statement.statements:
            cql, values = render(child)
            parts.append((_prepared(conn, cql, child, block), values))
        return driver.bind_batch(statement.kind, parts, options, conn.guard)
    cql, values = render(statement)
    return driver.bind(_prepared(conn, cql, statement, block), values, options)


def _prepared(conn: Connection, cql: str, statement: Statement, block: bool) -> PreparedStatement:
    prepared = conn.cache.get(cql)
    if prepared is None:
        if not block:
            raise _Unprepared(cql, statement)
        prepared = driver.prepare(conn.session, cql)
        _keep(conn, cql, prepared, statement)
    return prepared


def _keep(conn: Connection, cql: str, prepared: PreparedStatement, statement: Statement) -> None:
    """Cache a statement just prepared, marked idempotent or not (once per shape)."""
    driver.mark_prepared(prepared, statement, conn.guard)
    conn.cache.put(cql, prepared)


async def _arequest(conn: Connection, statement: Statement | Batch, options: Options) -> Any:
    while True:
        try:
            return _request(conn, statement, options, False)
        except _Unprepared as missing:
            prepared = await driver.aprepare(conn.session, missing.cql)
            _keep(conn, missing.cql, prepared, missing.statement)


def _aimed(conn: Connection, statement: Statement | Batch) -> Statement | Batch:
    """``statement`` with its table in ``conn``'s keyspace when the table took its
    keyspace from another connection's default (``QuerySet.using``)."""
    table: Table | None = getattr(statement, "table", None)
    if table is not None:  # the common case: one attribute compared
        if table.via is None or table.via == conn.name:
            return statement
        return _aimed_at(conn, statement)  # type: ignore[type-var]
    if isinstance(statement, Batch):
        children = tuple(_aimed_at(conn, child) for child in statement.statements)
        if any(a is not b for a, b in zip(children, statement.statements, strict=True)):
            return replace(statement, statements=children)
    return statement


def _aimed_at(conn: Connection, statement: W) -> W:
    table = statement.table
    if table.via is None or table.via == conn.name:
        return statement
    return replace(statement, table=_table_for(conn, table.name))


def _merged(pages: list[ResultPage]) -> ResultPage:
    rows = [row for page in pages for row in page.rows]
    return ResultPage(rows, pages[-1].paging_state, pages[-1].column_names)


def _profile(conn: Connection, statement: Statement | Batch) -> Any:
    """Tuple rows for statements that answer rows (SELECTs, conditional writes);
    the session's default profile for the others (their rows need no factory)."""
    if isinstance(statement, Select):
        return conn.profile()
    if isinstance(statement, Insert):
        conditional = statement.if_not_exists
    elif isinstance(statement, (Update, Delete)):
        conditional = statement.if_exists or bool(statement.if_conditions)
    elif isinstance(statement, Batch):
        default = EXEC_PROFILE_DEFAULT
        conditional = any(_profile(conn, s) is not default for s in statement.statements)
    else:
        conditional = False
    return conn.profile() if conditional else EXEC_PROFILE_DEFAULT


def run(op: Operation[T]) -> T:
    """Execute ``op`` on its connection and return what its result reader makes.

    With ``fetch_all`` every page is fetched; when the reader decodes page by page
    (documents), the next page is requested before the current one is decoded,
    so decoding overlaps the server's work on the next page. A request refused
    for lack of live replicas raises :class:`~coodie_core.errors.NotEnoughReplicas`.
    """
    conn = get_connection(op.connection)
    statement = _aimed(conn, op.statement)
    options, profile = op.options, _profile(conn, statement)
    try:
        page = driver.execute(
            conn.session, _request(conn, statement, options, True), options, profile
        )
        if not op.fetch_all or page.paging_state is None:
            return op.result(page)
        decode_all = getattr(op.result, "decode_all", None)
        if decode_all is None:
            pages = [page]
            while page.paging_state is not None:
                options = replace(options, paging_state=page.paging_state)
                request = _request(conn, statement, options, True)
                page = driver.execute(conn.session, request, options, profile)
                pages.append(page)
            return op.result(_merged(pages))
        items: list[Any] = []
        while True:
            future = None
            if page.paging_state is not None:  # ask for the next page, then decode this one
                options = replace(options, paging_state=page.paging_state)
                request = _request(conn, statement, options, True)
                future = driver.send(conn.session, request, options, profile)
            items.extend(decode_all(page.rows))
            if future is None:
                return items  # type: ignore[return-value]
            page = driver.result_of(future)
    except (NoHostAvailable, Unavailable) as exc:
        typed = unavailable_error(exc)
        if typed is None:
            raise
        raise typed from exc


async def arun(op: Operation[T]) -> T:
    """Asyncio twin of :func:`run`."""
    conn = get_connection(op.connection)
    statement = _aimed(conn, op.statement)
    options, profile = op.options, _profile(conn, statement)
    try:
        try:
            request = _request(conn, statement, options, False)
        except _Unprepared:
            request = await _arequest(conn, statement, options)
        future = driver.send(conn.session, request, options, profile)
        page = driver.page_of(future, await driver.wait(future))
        if not op.fetch_all or page.paging_state is None:
            return op.result(page)
        decode_all = getattr(op.result, "decode_all", None)
        pages, items = [page], []
        while True:
            pending = None
            if page.paging_state is not None:  # ask for the next page, then decode this one
                options = replace(options, paging_state=page.paging_state)
                request = await _arequest(conn, statement, options)
                pending = driver.send(conn.session, request, options, profile)
            if decode_all is not None:
                items.extend(decode_all(page.rows))
            if pending is None:
                break
            page = driver.page_of(pending, await driver.wait(pending))
            pages.append(page)
        return items if decode_all is not None else op.result(_merged(pages))  # type: ignore[return-value]
    except (NoHostAvailable, Unavailable) as exc:
        typed = unavailable_error(exc)
        if typed is None:
            raise
        raise typed from exc


def resolve_table(table: TableMeta, connection: str | None = None) -> Table:
    """The keyspace-qualified name of a model's table.

    The keyspace comes from ``Settings.keyspace``, else the default keyspace of
    ``connection`` (the model's connection when None). A statement built for one
    connection and run on another follows the other's keyspace (see :func:`run`).
    """
    keyspace = table.keyspace
    via = None
    if not keyspace:
        conn = get_connection(connection if connection is not None else table.settings.connection)
        keyspace, via = conn.default_keyspace(), conn.name
        if keyspace is None:
            raise InvalidQuery(
                f"{table.model_name}: no keyspace; set Settings.keyspace or a connection keyspace"
            )
    found = _tables.get((keyspace, table.name, via))
    return found if found is not None else _table(keyspace, table.name, via)


def _table_for(conn: Connection, name: str) -> Table:
    keyspace = conn.default_keyspace()
    if keyspace is None:
        raise InvalidQuery(f"table {name}: connection {conn.name!r} has no keyspace")
    return _table(keyspace, name, conn.name)


def _table(keyspace: str, name: str, via: str | None) -> Table:
    key = (keyspace, name, via)
    found = _tables.get(key)
    if found is None:
        if len(_tables) >= 1024:
            _tables.clear()
        found = _tables[key] = Table(keyspace, name, via)
    return found


#: Table values by (keyspace, name, via): immutable, so every statement can share one.
_tables: dict[tuple[str, str, str | None], Table] = {}
