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

from cassandra.cluster import Cluster, Session
from cassandra.query import PreparedStatement

from coodie_core import driver
from coodie_core.errors import ConnectionNotFound, InvalidQuery
from coodie_core.identifiers import validate_name
from coodie_core.meta import TableMeta
from coodie_core.operations import Operation, Options, ResultPage
from coodie_core.statements import Batch, Ddl, Table, render

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

    def default_keyspace(self) -> str | None:
        """The connection's keyspace, else the session's current keyspace."""
        return self.keyspace or getattr(self.session, "keyspace", None)


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


def _request_sync(conn: Connection, op: Operation[Any], options: Options) -> Any:
    statement = op.statement
    if isinstance(statement, Ddl):
        return driver.simple(statement.cql, options)
    if isinstance(statement, Batch):
        parts = []
        for child in statement.statements:
            cql, values = render(child)
            parts.append((_prepared(conn, cql), values))
        return driver.bind_batch(statement.kind, parts, options)
    cql, values = render(statement)
    return driver.bind(_prepared(conn, cql), values, options)


def _prepared(conn: Connection, cql: str) -> PreparedStatement:
    prepared = conn.cache.get(cql)
    if prepared is None:
        prepared = driver.prepare(conn.session, cql)
        conn.cache.put(cql, prepared)
    return prepared


async def _aprepared(conn: Connection, cql: str) -> PreparedStatement:
    prepared = conn.cache.get(cql)
    if prepared is None:
        prepared = await driver.aprepare(conn.session, cql)
        conn.cache.put(cql, prepared)
    return prepared


async def _request_async(conn: Connection, op: Operation[Any], options: Options) -> Any:
    statement = op.statement
    if isinstance(statement, Ddl):
        return driver.simple(statement.cql, options)
    if isinstance(statement, Batch):
        parts = []
        for child in statement.statements:
            cql, values = render(child)
            parts.append((await _aprepared(conn, cql), values))
        return driver.bind_batch(statement.kind, parts, options)
    cql, values = render(statement)
    return driver.bind(await _aprepared(conn, cql), values, options)


def run(op: Operation[T]) -> T:
    """Execute ``op`` on its connection and return what its result reader makes."""
    conn = get_connection(op.connection)
    options = op.options
    page = driver.execute(conn.session, _request_sync(conn, op, options), options)
    rows = list(page.rows)
    while op.fetch_all and page.paging_state is not None:
        options = replace(options, paging_state=page.paging_state)
        page = driver.execute(conn.session, _request_sync(conn, op, options), options)
        rows.extend(page.rows)
    return op.result(ResultPage(rows, page.paging_state) if op.fetch_all else page)


async def arun(op: Operation[T]) -> T:
    """Asyncio twin of :func:`run`."""
    conn = get_connection(op.connection)
    options = op.options
    page = await driver.aexecute(conn.session, await _request_async(conn, op, options), options)
    rows = list(page.rows)
    while op.fetch_all and page.paging_state is not None:
        options = replace(options, paging_state=page.paging_state)
        request = await _request_async(conn, op, options)
        page = await driver.aexecute(conn.session, request, options)
        rows.extend(page.rows)
    return op.result(ResultPage(rows, page.paging_state) if op.fetch_all else page)


def resolve_table(table: TableMeta) -> Table:
    """The keyspace-qualified name of a model's table on the model's connection.

    The keyspace comes from ``Settings.keyspace``, else the connection's default.
    """
    keyspace = table.keyspace or get_connection(table.settings.connection).default_keyspace()
    if keyspace is None:
        raise InvalidQuery(
            f"{table.model_name}: no keyspace; set Settings.keyspace or a connection keyspace"
        )
    return Table(keyspace, table.name)
