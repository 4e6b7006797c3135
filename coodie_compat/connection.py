"""Connection registry and the single execution choke point (``cassandra.cqlengine.connection``).

A connection is a named driver ``Cluster``/``Session`` pair.  The registry
``_connections`` maps names (and the ``DEFAULT_CONNECTION`` sentinel) to
:class:`Connection` objects; the module globals ``cluster`` and ``session``
mirror the default connection.  Every query and DML statement of the facade
goes through :func:`execute`, which query code must look up on this module
at call time (``connection.execute(...)``) so tests can count round trips.

Sessions are genuine driver sessions configured with ``dict_factory`` and a
tuple encoder, as cqlengine configures them.  Statement objects are sent
prepared (:mod:`coodie_compat._prepared`).  Each connection with a session is
also registered in ``coodie_core`` under the same name, compat's default as
core's default (:mod:`coodie_compat._core_link`), for mixed use.

Retries and failures (departures from cqlengine, which sends every statement
as not idempotent under the driver's default retry policy): every statement
object is marked ``is_idempotent`` (:func:`coodie_compat._prepared.is_idempotent`).
A cluster this module creates (``setup``, ``register_connection(hosts=...)``)
gets an idempotence-aware default retry policy wrapping the one its options
name (:mod:`coodie_core.retry`): statements not marked idempotent, raw CQL
strings included, are never retried after a connection error or a write
timeout. A session the application provides is left alone; compat's own
non-idempotent statements on it carry the same guard as their retry policy. A
request refused for lack of live replicas raises :class:`NotEnoughReplicas`
(also ``cassandra.Unavailable``, ``NoHostAvailable`` and ``CQLEngineException``).

After ``os.fork()`` (a hook installed with the first connection), connections
made from hosts connect again on first use in the child; those made from an
application's session raise :class:`StaleConnection` until registered again.
The parent's driver objects are never shut down from the child.

The :class:`Connection` class lives in :mod:`coodie_compat._connection_object`
and the fork hook in :mod:`coodie_compat._connection_fork`; both are exported
here, and both read this module's registry at call time.

``DEFAULT_KEYSPACE`` lives in ``coodie_compat.models``, as in cqlengine:
``setup()`` and ``set_session()`` write ``models.DEFAULT_KEYSPACE`` and
``_register_known_types`` reads it.  ``models`` imports this module, so it is
imported late, inside those functions.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import defaultdict
from typing import Any

from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import _NOT_SET, Cluster, NoHostAvailable, UserTypeDoesNotExist, _ConfigMode
from cassandra.query import SimpleStatement, dict_factory

from coodie_compat import CQLEngineException
from coodie_compat._connection_fork import _fork_state as _fork_state
from coodie_compat._connection_fork import _hook_fork, reconnect_after_fork
from coodie_compat._connection_object import Connection
from coodie_compat._core_link import share, unshare
from coodie_compat._prepared import BatchRequest, batch_request, statement_request
from coodie_compat.statements import BaseCQLStatement
from coodie_core import errors as core_errors
from coodie_core.failures import unavailable_error

__all__ = [
    "DEFAULT_CONNECTION",
    "NOT_SET",
    "CQLEngineException",
    "Connection",
    "NotEnoughReplicas",
    "StaleConnection",
    "UndefinedKeyspaceException",
    "cluster",
    "default",
    "execute",
    "format_log_context",
    "get_cluster",
    "get_connection",
    "get_session",
    "reconnect_after_fork",
    "register_connection",
    "register_udt",
    "session",
    "set_default_connection",
    "set_session",
    "setup",
    "udt_by_keyspace",
    "unregister_connection",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += [
    "BaseCQLStatement",
    "Cluster",
    "ConsistencyLevel",
    "NoHostAvailable",
    "SimpleStatement",
    "UserTypeDoesNotExist",
    "defaultdict",
    "dict_factory",
    "log",
    "logging",
    "threading",
]

log = logging.getLogger(__name__)

Connection.__module__ = __name__  # its public home, as in cqlengine (reprs)

#: The driver's "use the session default" marker for ``timeout`` (the very same object).
NOT_SET = _NOT_SET

#: Driver objects of the default connection (None when there is none).
cluster: Any = None
session: Any = None

#: Registry key of the default connection.
DEFAULT_CONNECTION = object()
_connections: dict[Any, Connection] = {}

#: keyspace -> {type name: UserType class}; kept here because user types may be
#: declared before any connection exists and must be registered on every new one.
udt_by_keyspace: defaultdict[str | None, dict[str, Any]] = defaultdict(dict)


class UndefinedKeyspaceException(CQLEngineException):
    """Kept for compatibility; cqlengine defines it but never raises it."""


class NotEnoughReplicas(core_errors.NotEnoughReplicas, CQLEngineException):
    """Too few replicas alive for the consistency level: nothing was applied.

    Catchable as ``cassandra.Unavailable`` (``consistency``, ``required_replicas``,
    ``alive_replicas``), as the ``NoHostAvailable`` cqlengine let through
    (``errors``), as ``CQLEngineException`` and as coodie_core's error.
    """


class StaleConnection(core_errors.StaleConnection, CQLEngineException):
    """A connection made from an application's session before ``os.fork()``:
    register it again in the child process."""


def format_log_context(msg: str, connection: Any = None, keyspace: str | None = None) -> str:
    """Prefix a log message with its connection (and keyspace, when given)."""
    connection_info = connection or "DEFAULT_CONNECTION"
    if keyspace:
        return f"[Connection: {connection_info}, Keyspace: {keyspace}] {msg}"
    return f"[Connection: {connection_info}] {msg}"


def _get_default_keyspace() -> str | None:
    """Return ``models.DEFAULT_KEYSPACE``, read now."""
    from coodie_compat import models

    return models.DEFAULT_KEYSPACE


def _set_default_keyspace(keyspace: str | None) -> None:
    """Set ``models.DEFAULT_KEYSPACE``."""
    from coodie_compat import models

    models.DEFAULT_KEYSPACE = keyspace


def _sync_default_globals() -> None:
    """Point the ``cluster``/``session`` globals at the default connection's objects."""
    global cluster, session
    default_conn = _connections.get(DEFAULT_CONNECTION)
    cluster = default_conn.cluster if default_conn is not None else None
    session = default_conn.session if default_conn is not None else None


def register_connection(
    name: Any,
    hosts: Any = None,
    consistency: Any = None,
    lazy_connect: bool = False,
    retry_connect: bool = False,
    cluster_options: dict[str, Any] | None = None,
    default: bool = False,
    session: Any = None,
) -> Connection:
    """Add a connection to the registry and return it.

    Either ``session`` (an existing driver session) or the host options
    (``hosts``, ``consistency``, ``lazy_connect``, ``retry_connect``,
    ``cluster_options``) may be given, not both.  With hosts a new driver
    ``Cluster`` is created.  ``default=True`` also makes it the default.
    """
    if name in _connections:
        log.warning(f"Registering connection '{name}' when it already exists.")
    if session is not None:
        host_options_given = (
            hosts is not None
            or consistency is not None
            or lazy_connect is not False
            or retry_connect is not False
            or cluster_options is not None
        )
        if host_options_given:
            raise CQLEngineException(
                "Session configuration arguments and 'session' argument are mutually exclusive"
            )
        conn = Connection.from_session(name, session=session)
    else:
        conn = Connection(
            name,
            hosts=hosts,
            consistency=consistency,
            lazy_connect=lazy_connect,
            retry_connect=retry_connect,
            cluster_options=cluster_options,
        )
        conn.setup()
    _connections[name] = conn
    _hook_fork()
    if default:
        set_default_connection(name)
    else:
        _share(conn)
    return conn


def _share(conn: Connection) -> None:
    """Make the connection's session available to coodie_core under its name (mixed use)."""
    share(conn.name, conn.session, default=_connections.get(DEFAULT_CONNECTION) is conn)


def unregister_connection(name: Any) -> None:
    """Remove a connection and shut its cluster down; unknown names are ignored."""
    if name not in _connections:
        return
    conn = _connections[name]
    unshare(name, conn.session)
    if _connections.get(DEFAULT_CONNECTION) is conn:
        del _connections[DEFAULT_CONNECTION]
        _sync_default_globals()
    if conn.cluster:
        conn.cluster.shutdown()
    del _connections[name]
    log.debug(f"Connection '{name}' has been removed from the registry.")


def set_default_connection(name: Any) -> None:
    """Make the registered connection ``name`` the default one."""
    if name not in _connections:
        raise CQLEngineException(f"Connection '{name}' doesn't exist.")
    log.debug(f"Connection '{name}' has been set as default.")
    _connections[DEFAULT_CONNECTION] = _connections[name]
    _sync_default_globals()
    _share(_connections[name])


def get_connection(name: Any = None) -> Connection:
    """Return the named (or default) connection, connecting it first if it is lazy."""
    if not name:
        name = DEFAULT_CONNECTION
    if name not in _connections:
        raise CQLEngineException(f"Connection name '{name}' doesn't exist in the registry.")
    conn = _connections[name]
    if conn.stale_after_fork:
        raise StaleConnection(
            f"connection '{name}' was made from a driver session before this process was "
            "forked; a session cannot be used across os.fork(): register the connection "
            "again in this process with a session made here (connections made from hosts "
            "connect again by themselves)"
        )
    conn.handle_lazy_connect()
    return conn


def default() -> None:
    """Register a ``'default'`` connection to the driver's default host (127.0.0.1)."""
    # No usable default yet (missing, or lazy and unreachable): nothing to warn about.
    with contextlib.suppress(Exception):
        if get_connection().session:
            log.warning("configuring new default connection for cqlengine when one was already set")
    register_connection("default", hosts=None, default=True)
    log.debug("cqlengine connection initialized with default session to localhost")


def _uses_dict_factory(s: Any) -> bool:
    mode = s.cluster._config_mode
    profile_ok = s.cluster.profile_manager.default.row_factory is dict_factory and mode in (
        _ConfigMode.PROFILES,
        _ConfigMode.UNCOMMITTED,
    )
    legacy_ok = s.row_factory is dict_factory and mode in (
        _ConfigMode.LEGACY,
        _ConfigMode.UNCOMMITTED,
    )
    return profile_ok or legacy_ok


def set_session(s: Any) -> None:
    """Use an existing driver session as the default connection.

    The session must produce rows with ``dict_factory``.  Its keyspace, if
    set, becomes ``models.DEFAULT_KEYSPACE``.
    """
    try:
        conn = get_connection()
    except CQLEngineException:
        register_connection("default", session=s, default=True)
        conn = get_connection()
    else:
        if conn.session:
            log.warning("configuring new default session for cqlengine when one was already set")
    if not _uses_dict_factory(s):
        raise CQLEngineException("Failed to initialize: row_factory must be 'dict_factory'")
    conn.session = s
    conn.cluster = s.cluster
    conn.users_session = True
    conn.stale_after_fork = False
    _sync_default_globals()
    if conn.session.keyspace:
        _set_default_keyspace(conn.session.keyspace)
    conn.setup_session()
    _share(conn)
    log.debug("cqlengine default connection initialized with %s", s)


def setup(
    hosts: Any,
    default_keyspace: str | None,
    consistency: Any = None,
    lazy_connect: bool = False,
    retry_connect: bool = False,
    **kwargs: Any,
) -> None:
    """Set the default keyspace and register the ``'default'`` connection.

    Extra keyword arguments (``protocol_version``, ``port``...) are passed
    to ``cassandra.cluster.Cluster``.
    """
    _set_default_keyspace(default_keyspace)
    register_connection(
        "default",
        hosts=hosts,
        consistency=consistency,
        lazy_connect=lazy_connect,
        retry_connect=retry_connect,
        cluster_options=kwargs,
        default=True,
    )


def execute(
    query: Any,
    params: Any = None,
    consistency_level: Any = None,
    timeout: Any = NOT_SET,
    connection: Any = None,
) -> Any:
    """Run one statement on a connection's session and return the driver result.

    A ``SimpleStatement`` is sent as is, and a string as a ``SimpleStatement``.
    A cqlengine statement object is sent prepared (see
    :mod:`coodie_compat._prepared`): a bound statement whose ``query_string``
    is the cqlengine text, with the statement's fetch size and
    ``consistency_level``; a batch becomes one driver batch of bound
    statements.  What cannot be prepared goes as a ``SimpleStatement`` of the
    cqlengine text with its context as parameters, as cqlengine sends
    everything.  ``timeout`` is passed on as a keyword; ``NOT_SET`` means the
    session default and None no timeout.
    """
    conn = get_connection(connection)
    if not conn.session:
        raise CQLEngineException("It is required to setup() cqlengine before executing queries")
    if isinstance(query, SimpleStatement):
        pass
    elif isinstance(query, (BaseCQLStatement, BatchRequest, str)):
        if isinstance(query, BaseCQLStatement):
            query, params = statement_request(conn, query, consistency_level)
        elif isinstance(query, BatchRequest):
            query, params = batch_request(conn, query, consistency_level)
        else:
            query = SimpleStatement(query, consistency_level=consistency_level)
        if conn.retry_guard is not None and not query.is_idempotent:
            query.retry_policy = conn.retry_guard
    if log.isEnabledFor(logging.DEBUG):
        query_text = getattr(query, "query_string", query)
        log.debug(
            format_log_context(f"Query: {query_text}, Params: {params}", connection=connection)
        )
    try:
        return conn.session.execute(query, params, timeout=timeout)
    except (NoHostAvailable, Unavailable) as exc:
        typed = unavailable_error(exc, NotEnoughReplicas)
        if typed is None:
            raise
        raise typed from exc


def get_session(connection: Any = None) -> Any:
    """Return the driver session of a connection (None if it has none yet)."""
    return get_connection(connection).session


def get_cluster(connection: Any = None) -> Any:
    """Return the driver cluster of a connection."""
    conn = get_connection(connection)
    if not conn.cluster:
        raise CQLEngineException(
            f"{__name__}.cluster is not configured. "
            "Call one of the setup or default functions first."
        )
    return conn.cluster


def register_udt(keyspace: str | None, type_name: str, klass: Any, connection: Any = None) -> None:
    """Record a user type class and register it on the cluster, if one is connected.

    Types not yet created on the server are skipped; ``sync_type`` registers them.
    """
    udt_by_keyspace[keyspace][type_name] = klass
    try:
        target = get_cluster(connection)
    except CQLEngineException:
        target = None
    if target:
        with contextlib.suppress(UserTypeDoesNotExist):
            target.register_user_type(keyspace, type_name, klass)


def _register_known_types(target_cluster: Any) -> None:
    """Register every recorded user type on ``target_cluster``.

    Types recorded without a keyspace use ``models.DEFAULT_KEYSPACE``.
    """
    default_keyspace = _get_default_keyspace()
    for ks_name, name_type_map in udt_by_keyspace.items():
        for type_name, klass in name_type_map.items():
            with contextlib.suppress(UserTypeDoesNotExist):
                target_cluster.register_user_type(ks_name or default_keyspace, type_name, klass)
