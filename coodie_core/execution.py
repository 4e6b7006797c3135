"""Named connections and the one place operations are executed.

A :class:`Connection` owns a driver session, an optional default keyspace and a
bounded LRU of prepared statements keyed by CQL text. Because statements render
every variable (TTL, TIMESTAMP and LIMIT included) as a bind marker, the cache
holds one entry per statement shape. :func:`run` and :func:`arun` are the sync
and asyncio entry points; everything else is shared.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, Session
from cassandra.query import PreparedStatement

from coodie_core import driver
from coodie_core.errors import ConnectionNotFound, InvalidQuery
from coodie_core.identifiers import validate_name
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
    "Connection",
    "PreparedCache",
    "arun",
    "connect",
    "get_connection",
    "register_connection",
    "resolve_table",
    "run",
    "unregister_connection",
]

T = TypeVar("T")
DEFAULT_CACHE_SIZE = 512


class PreparedCache:
    """A bounded least-recently-used map from CQL text to prepared statements."""

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be positive")
        self.maxsize = maxsize
        self._items: OrderedDict[str, PreparedStatement] = OrderedDict()

    def get(self, cql: str) -> PreparedStatement | None:
        """The cached statement for ``cql`` (marking it recently used), or None."""
        item = self._items.get(cql)
        if item is not None:
            self._items.move_to_end(cql)
        return item

    def put(self, cql: str, prepared: PreparedStatement) -> None:
        """Cache a statement, evicting the least recently used beyond ``maxsize``."""
        self._items[cql] = prepared
        self._items.move_to_end(cql)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def statements(self) -> list[str]:
        """The cached CQL texts, least recently used first."""
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, cql: object) -> bool:
        return cql in self._items


@dataclass
class Connection:
    """A named driver session with its own prepared-statement cache."""

    name: str
    session: Session
    keyspace: str | None = None
    cache: PreparedCache = field(default_factory=PreparedCache)
    _tuple_rows: driver.TupleRows | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        try:
            self._tuple_rows = driver.TupleRows(self.session.cluster)
        except (AttributeError, KeyError):  # no cluster or no default profile: keep its rows
            self._tuple_rows = None

    def default_keyspace(self) -> str | None:
        """The connection's keyspace, else the session's current keyspace."""
        return self.keyspace or getattr(self.session, "keyspace", None)

    def profile(self) -> Any:
        """The execution profile coodie's requests use on this session: tuple rows
        (see :mod:`coodie_core.driver`), or the default one in legacy mode."""
        return driver.profile_for(self.session, self._tuple_rows)


# The connection registry: the only module-level mutable state in coodie_core.
_connections: dict[str, Connection] = {}
_default: list[str] = []


def register_connection(
    name: str,
    session: Session,
    *,
    keyspace: str | None = None,
    default: bool | None = None,
    cache_size: int = DEFAULT_CACHE_SIZE,
) -> Connection:
    """Register ``session`` under ``name``; the first one registered is the default.

    ``default=True`` makes this one the default. ``keyspace`` is used by models whose
    ``Settings`` name none.
    """
    if keyspace is not None:
        validate_name(keyspace, "keyspace")
    conn = Connection(name, session, keyspace, PreparedCache(cache_size))
    _connections[name] = conn
    if default or not _default:
        _default[:] = [name]
    return conn


def connect(
    hosts: Sequence[str],
    name: str = "default",
    *,
    keyspace: str | None = None,
    default: bool | None = None,
    **cluster_options: Any,
) -> Connection:
    """Create a ``Cluster`` for ``hosts``, connect, and register the session."""
    session = Cluster(list(hosts), **cluster_options).connect()
    return register_connection(name, session, keyspace=keyspace, default=default)


def unregister_connection(name: str, *, shutdown: bool = False) -> None:
    """Forget a connection (optionally shutting its cluster down)."""
    conn = _connections.pop(name, None)
    if conn is None:
        raise ConnectionNotFound(f"no connection named {name!r}")
    if _default == [name]:
        _default[:] = list(_connections)[:1]
    if shutdown:
        conn.session.cluster.shutdown()


def get_connection(name: str | None = None) -> Connection:
    """The connection called ``name``, or the default one when ``name`` is None."""
    key = name if name is not None else (_default[0] if _default else None)
    if key is None or key not in _connections:
        known = ", ".join(sorted(_connections)) or "none registered"
        raise ConnectionNotFound(f"no connection named {key!r} ({known})")
    return _connections[key]


class _Unprepared(Exception):
    """Raised by :func:`_request` when a statement is not prepared yet (async front)."""

    def __init__(self, cql: str) -> None:
        super().__init__(cql)
        self.cql = cql


def _request(conn: Connection, op: Operation[Any], options: Options, block: bool) -> Any:
    """The driver request for ``op``; statements missing from the connection's
    cache are prepared here when ``block``, else :class:`_Unprepared` is raised."""
    statement = op.statement
    if isinstance(statement, Ddl):
        return driver.simple(statement.cql, options)
    if isinstance(statement, Batch):
        parts = []
        for child in statement.statements:
            cql, values = render(child)
            parts.append((_prepared(conn, cql, block), values))
        return driver.bind_batch(statement.kind, parts, options)
    cql, values = render(statement)
    return driver.bind(_prepared(conn, cql, block), values, options)


def _prepared(conn: Connection, cql: str, block: bool) -> PreparedStatement:
    prepared = conn.cache.get(cql)
    if prepared is None:
        if not block:
            raise _Unprepared(cql)
        prepared = driver.prepare(conn.session, cql)
        conn.cache.put(cql, prepared)
    return prepared


async def _arequest(conn: Connection, op: Operation[Any], options: Options) -> Any:
    while True:
        try:
            return _request(conn, op, options, False)
        except _Unprepared as missing:
            conn.cache.put(missing.cql, await driver.aprepare(conn.session, missing.cql))


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
    so decoding overlaps the server's work on the next page.
    """
    conn = get_connection(op.connection)
    options, profile = op.options, _profile(conn, op.statement)
    page = driver.execute(conn.session, _request(conn, op, options, True), options, profile)
    if not op.fetch_all or page.paging_state is None:
        return op.result(page)
    decode_all = getattr(op.result, "decode_all", None)
    if decode_all is None:
        pages = [page]
        while page.paging_state is not None:
            options = replace(options, paging_state=page.paging_state)
            request = _request(conn, op, options, True)
            page = driver.execute(conn.session, request, options, profile)
            pages.append(page)
        return op.result(_merged(pages))
    items: list[Any] = []
    while True:
        future = None
        if page.paging_state is not None:  # ask for the next page, then decode this one
            options = replace(options, paging_state=page.paging_state)
            request = _request(conn, op, options, True)
            future = driver.send(conn.session, request, options, profile)
        items.extend(decode_all(page.rows))
        if future is None:
            return items  # type: ignore[return-value]
        page = driver.result_of(future)


async def arun(op: Operation[T]) -> T:
    """Asyncio twin of :func:`run`."""
    conn = get_connection(op.connection)
    options, profile = op.options, _profile(conn, op.statement)
    try:
        request = _request(conn, op, options, False)
    except _Unprepared:
        request = await _arequest(conn, op, options)
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
            request = await _arequest(conn, op, options)
            pending = driver.send(conn.session, request, options, profile)
        if decode_all is not None:
            items.extend(decode_all(page.rows))
        if pending is None:
            break
        page = driver.page_of(pending, await driver.wait(pending))
        pages.append(page)
    return items if decode_all is not None else op.result(_merged(pages))  # type: ignore[return-value]


def resolve_table(table: TableMeta) -> Table:
    """The keyspace-qualified name of a model's table on the model's connection.

    The keyspace comes from ``Settings.keyspace``, else the connection's default.
    """
    keyspace = table.keyspace or get_connection(table.settings.connection).default_keyspace()
    if keyspace is None:
        raise InvalidQuery(
            f"{table.model_name}: no keyspace; set Settings.keyspace or a connection keyspace"
        )
    key = (keyspace, table.name)
    found = _tables.get(key)
    if found is None:
        if len(_tables) >= 1024:
            _tables.clear()
        found = _tables[key] = Table(keyspace, table.name)
    return found


#: Table values by (keyspace, name): immutable, so every statement can share one.
_tables: dict[tuple[str, str], Table] = {}
