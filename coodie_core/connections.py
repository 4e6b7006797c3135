"""Named connections: the registry, the prepared-statement cache, and forks.

A :class:`Connection` owns a driver session, an optional default keyspace and a
bounded LRU of prepared statements keyed by CQL text (:class:`PreparedCache`).
:func:`connect` makes a driver cluster whose default retry policy is
idempotence-aware (:mod:`coodie_core.retry`); :func:`register_connection` takes
an application's session as it is, and its non-idempotent statements carry a
:class:`~coodie_core.retry.SessionRetryGuard` instead.

After ``os.fork()`` the child must not use the parent's sessions (their sockets
are shared with the parent, their driver threads do not exist in the child).
:func:`reconnect_after_fork` (run by an ``os.register_at_fork`` hook installed at
the first registration) drops every inherited connection: the ones
:func:`connect` made are made again on first use in the child, from the hosts and
options it recorded; the others raise :class:`~coodie_core.errors.StaleConnection`
until they are registered again. The parent's driver objects are never shut down
from the child.

:mod:`coodie_core.execution` re-exports the public names.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import cassandra.cluster
from cassandra.cluster import Cluster, Session
from cassandra.policies import RetryPolicy
from cassandra.query import PreparedStatement

from coodie_core import driver
from coodie_core.errors import ConnectionNotFound, StaleConnection
from coodie_core.identifiers import validate_name
from coodie_core.retry import SessionRetryGuard, guard_cluster

__all__ = [
    "DEFAULT_CACHE_SIZE",
    "Connection",
    "PreparedCache",
    "connect",
    "defer_after_fork",
    "forget_prepared",
    "get_connection",
    "is_inherited",
    "reconnect_after_fork",
    "register_connection",
    "unregister_connection",
]

DEFAULT_CACHE_SIZE = 512


class PreparedCache:
    """A bounded least-recently-used map from CQL text to prepared statements.

    Safe to share between threads: a hit takes no lock (one dict lookup and a
    move to the recent end, which tolerates a concurrent eviction); insertions,
    evictions and clearing are serialized by a lock.
    """

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be positive")
        self.maxsize = maxsize
        self._items: OrderedDict[str, PreparedStatement] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, cql: str) -> PreparedStatement | None:
        """The cached statement for ``cql`` (marking it recently used), or None."""
        item = self._items.get(cql)
        if item is not None:
            try:  # noqa: SIM105 (a hot path: no context manager)
                self._items.move_to_end(cql)
            except KeyError:  # evicted by another thread meanwhile: still usable
                pass
        return item

    def put(self, cql: str, prepared: PreparedStatement) -> None:
        """Cache a statement, evicting the least recently used beyond ``maxsize``."""
        with self._lock:
            self._items[cql] = prepared
            self._items.move_to_end(cql)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every statement (they are prepared again on next use)."""
        with self._lock:
            self._items.clear()

    def statements(self) -> list[str]:
        """The cached CQL texts, least recently used first."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, cql: object) -> bool:
        return cql in self._items


@dataclass(frozen=True)
class _Recipe:
    """What :func:`connect` was given, to make the connection again after a fork."""

    hosts: tuple[str, ...]
    keyspace: str | None
    options: dict[str, Any] = field(hash=False)


@dataclass
class Connection:
    """A named driver session with its own prepared-statement cache.

    ``guard`` is the retry policy given to this connection's non-idempotent
    statements (None when the session's cluster was made by :func:`connect`,
    whose default policy is already idempotence-aware); ``recipe`` is what
    :func:`connect` was given (None for a session registered by the application).
    """

    name: str
    session: Session
    keyspace: str | None = None
    cache: PreparedCache = field(default_factory=PreparedCache)
    guard: RetryPolicy | None = field(default=None, repr=False, compare=False)
    recipe: _Recipe | None = field(default=None, repr=False, compare=False)
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


# The connection registry (with the fork state below: the mutable state of connections).
_connections: dict[str, Connection] = {}
_default: list[str] = []
#: Connections inherited through a fork: how to make each again (None: it came
#: from the application's session and must be registered again).
_forked: dict[str, Callable[[], Connection] | None] = {}
#: The process the registry's driver objects belong to; whether the fork hook is in.
_owner = {"pid": os.getpid(), "hooked": False}
_rebuild_lock = threading.Lock()


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
    ``Settings`` name none. Registering a name again replaces the entry (and its
    prepared-statement cache).

    The session itself is not changed: coodie's statements that must not be
    retried after an uncertain failure (counters, list appends, LWT) carry their
    own retry policy, which otherwise defers to the session's (see
    :mod:`coodie_core.retry`). After ``os.fork()`` such a connection must be
    registered again in the child (:class:`~coodie_core.errors.StaleConnection`
    until then); a session made by :func:`connect` is made again by itself.
    """
    recipe = _recipe_of(session)
    if recipe is not None and keyspace != recipe.keyspace:
        recipe = replace(recipe, keyspace=keyspace)
    return _register(name, session, keyspace, default, cache_size, recipe)


def _register(
    name: str,
    session: Session,
    keyspace: str | None,
    default: bool | None,
    cache_size: int,
    recipe: _Recipe | None,
) -> Connection:
    if keyspace is not None:
        validate_name(keyspace, "keyspace")
    guard = None if recipe is not None else _guard_for(session)
    conn = Connection(name, session, keyspace, PreparedCache(cache_size), guard, recipe)
    _connections[name] = conn
    _forked.pop(name, None)
    if default or not _default:
        _default[:] = [name]
    _hook_fork()
    return conn


def _recipe_of(session: Session) -> _Recipe | None:
    """The recipe of a session :func:`connect` made (it may be registered again)."""
    for conn in list(_connections.values()):
        if conn.session is session and conn.recipe is not None:
            return conn.recipe
    return None


def _guard_for(session: Session) -> RetryPolicy | None:
    cluster = getattr(session, "cluster", None)
    if cluster is None or getattr(cluster, "profile_manager", None) is None:
        return None  # a test double: the driver never sees a retry policy
    return SessionRetryGuard(session)


def connect(
    hosts: Sequence[str],
    name: str = "default",
    *,
    keyspace: str | None = None,
    default: bool | None = None,
    **cluster_options: Any,
) -> Connection:
    """Create a ``Cluster`` for ``hosts``, connect, and register the session.

    The cluster's default retry policy (the driver's, or the one the default
    execution profile in ``cluster_options`` names) is wrapped in
    :class:`~coodie_core.retry.IdempotenceAwareRetryPolicy`: it still decides for
    idempotent statements, and statements that are not are never retried after
    a failure that may have applied them. In a process forked afterwards, the
    connection is made again from the same arguments on first use.
    """
    if keyspace is not None:
        validate_name(keyspace, "keyspace")
    recipe = _Recipe(tuple(hosts), keyspace, dict(cluster_options))
    cluster = Cluster(list(hosts), **cluster_options)
    guard_cluster(cluster)
    session = cluster.connect()
    return _register(name, session, keyspace, default, DEFAULT_CACHE_SIZE, recipe)


def unregister_connection(name: str, *, shutdown: bool = False) -> None:
    """Forget a connection (optionally shutting its cluster down)."""
    conn = _connections.pop(name, None)
    if conn is None:
        if name in _forked:  # inherited through a fork: nothing of this process to close
            del _forked[name]
            return
        raise ConnectionNotFound(f"no connection named {name!r}")
    if _default == [name]:
        _default[:] = list(_connections)[:1]
    if shutdown:
        conn.session.cluster.shutdown()


def get_connection(name: str | None = None) -> Connection:
    """The connection called ``name``, or the default one when ``name`` is None."""
    key = name if name is not None else (_default[0] if _default else None)
    conn = _connections.get(key) if key is not None else None
    if conn is not None:
        return conn
    if key is not None and key in _forked:
        return _after_fork(key)
    known = ", ".join(sorted(_connections)) or "none registered"
    raise ConnectionNotFound(f"no connection named {key!r} ({known})")


def forget_prepared() -> None:
    """Empty every connection's prepared-statement cache (after a schema change:
    a table dropped and created again, or a user type given new fields, changes
    the bind types a cached statement would serialize with)."""
    for conn in list(_connections.values()):
        conn.cache.clear()


# -- fork -------------------------------------------------------------------------


def _hook_fork() -> None:
    if not _owner["hooked"] and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=reconnect_after_fork)
        _owner["hooked"] = True


def reconnect_after_fork() -> None:
    """Drop the connections inherited from the parent process.

    Runs by itself in a child made with ``os.fork()`` (an ``os.register_at_fork``
    hook installed at the first registration); a server that forks in C without
    running Python's fork hooks (uWSGI without ``py-call-osafterfork``) calls it
    from its post-fork hook. Does nothing in the process that registered the
    connections. Connections made by :func:`connect` are made again, from the
    same arguments, on first use; the others raise
    :class:`~coodie_core.errors.StaleConnection` until registered again. The
    parent's sessions are dropped, never shut down (that would close sockets
    and state the parent still uses).
    """
    global _rebuild_lock
    pid = os.getpid()
    if pid == _owner["pid"]:
        return
    _owner["pid"] = pid
    _rebuild_lock = threading.Lock()  # the parent's may have been held at the fork
    discard = getattr(cassandra.cluster, "_discard_cluster_shutdown", None)
    for name, conn in list(_connections.items()):
        cluster = getattr(conn.session, "cluster", None)
        if discard is not None and cluster is not None:
            discard(cluster)  # no shutdown of the parent's cluster at the child's exit
        recipe = conn.recipe
        rebuild = None
        if recipe is not None:
            rebuild = _rebuilder(name, recipe, conn.cache.maxsize)
        _forked[name] = rebuild
    _connections.clear()


def _rebuilder(name: str, recipe: _Recipe, cache_size: int) -> Callable[[], Connection]:
    def rebuild() -> Connection:
        conn = connect(list(recipe.hosts), name, keyspace=recipe.keyspace, **recipe.options)
        if conn.cache.maxsize != cache_size:
            conn.cache = PreparedCache(cache_size)
        return conn

    return rebuild


def defer_after_fork(name: str, rebuild: Callable[[], Connection]) -> None:
    """In a forked child, make the inherited connection ``name`` with ``rebuild``
    on first use (for a registry that shares its sessions with coodie_core, such
    as coodie_compat's). Call :func:`reconnect_after_fork` first. ``rebuild``
    must register the connection (and must not look it up with
    :func:`get_connection`)."""
    if name in _forked:
        _forked[name] = rebuild


def is_inherited(name: str) -> bool:
    """True when ``name`` came through a fork and is not made again in this process yet."""
    return name in _forked


def _after_fork(name: str) -> Connection:
    with _rebuild_lock:
        conn = _connections.get(name)
        if conn is not None:  # made by another thread meanwhile
            return conn
        rebuild = _forked.get(name)
        if rebuild is None:
            raise StaleConnection(
                f"connection {name!r} was registered from a driver session before this "
                "process was forked; a session cannot be used across os.fork(): call "
                f"register_connection({name!r}, session) again in this process with a "
                "session made here (coodie_core.connect() connections are made again "
                "by themselves)"
            )
        conn = rebuild()
        _forked.pop(name, None)
        return conn
