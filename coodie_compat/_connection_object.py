"""One named connection of the facade: :class:`Connection` (exported by ``connection``).

A connection holds its hosts and cluster options, or an application's
session, and the driver ``Cluster``/``Session`` pair it connects to, lazily
when asked.  It configures the session as cqlengine does (``dict_factory``
rows, tuple encoder, consistency), owns its prepared-statement cache and
drops the parent's driver objects in a forked child.

The registry itself (``_connections``, the ``cluster``/``session`` globals,
the user types to register) lives in :mod:`coodie_compat.connection`, which
imports this module; so these methods read it at call time.  ``Cluster`` is
looked up there too: tests replace ``connection.Cluster`` to fake the driver.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import cassandra.cluster
from cassandra.cluster import NoHostAvailable, _ConfigMode
from cassandra.query import dict_factory

from coodie_compat import CQLEngineException
from coodie_compat._core_link import defer_after_fork
from coodie_compat._prepared import Statements
from coodie_core.retry import SessionRetryGuard, guard_cluster

__all__ = ["Connection"]

# The public module's logger: records keep the name cqlengine users filter on.
log = logging.getLogger("coodie_compat.connection")


class Connection:
    """A named connection: hosts and options, and the driver cluster and session.

    ``hosts`` are the contact points; ``cluster_options`` are passed to
    ``cassandra.cluster.Cluster``.  With ``lazy_connect`` nothing connects
    until first use; with ``retry_connect`` a failed connect is retried on
    the next use instead of being final.
    """

    name: Any = None
    hosts: Any = None
    consistency: Any = None
    retry_connect = False
    lazy_connect = False
    lazy_connect_lock: Any = None
    cluster_options: Any = None
    cluster: Any = None
    session: Any = None
    _statements: Statements | None = None
    #: True when the session is the application's (``session=``, ``set_session``).
    users_session = False
    #: The retry policy of compat's non-idempotent statements on an application's session.
    retry_guard: Any = None
    #: Set in a forked child on a connection made from the parent's session.
    stale_after_fork = False

    def __init__(
        self,
        name: Any,
        hosts: Any,
        consistency: Any = None,
        lazy_connect: bool = False,
        retry_connect: bool = False,
        cluster_options: dict[str, Any] | None = None,
    ) -> None:
        self.hosts = hosts
        self.name = name
        self.consistency = consistency
        self.lazy_connect = lazy_connect
        self.retry_connect = retry_connect
        self.cluster_options = cluster_options if cluster_options else {}
        self.lazy_connect_lock = threading.RLock()

    @classmethod
    def from_session(cls, name: Any, session: Any) -> Connection:
        """Wrap an existing driver session (and its cluster) as a connection."""
        instance = cls(name=name, hosts=session.hosts)
        instance.cluster, instance.session = session.cluster, session
        instance.users_session = True
        instance.setup_session()
        return instance

    def setup(self) -> None:
        """Create the cluster and connect (unless lazy), then configure the session."""
        from coodie_compat import connection as registry

        if "username" in self.cluster_options or "password" in self.cluster_options:
            raise CQLEngineException(
                "Username & Password are now handled by using the native driver's auth_provider"
            )
        if self.lazy_connect:
            return
        self.cluster = self._make_cluster()
        guard_cluster(self.cluster)
        try:
            self.session = self.cluster.connect()
        except NoHostAvailable:
            if self.retry_connect:
                log.warning(
                    registry.format_log_context(
                        "connect failed, setting up for re-attempt on first use",
                        connection=self.name,
                    )
                )
                self.lazy_connect = True
            raise
        log.debug(
            registry.format_log_context(
                "connection initialized with internally created session", connection=self.name
            )
        )
        if registry._connections.get(registry.DEFAULT_CONNECTION) is self:
            registry._sync_default_globals()
        self.setup_session()
        if registry._connections.get(self.name) is self:  # a lazy connection connecting now
            registry._share(self)

    def _make_cluster(self) -> Any:
        from coodie_compat import connection as registry

        if "cloud" in self.cluster_options:
            if self.hosts:
                log.warning("Ignoring hosts %s because a cloud config was provided.", self.hosts)
            return registry.Cluster(**self.cluster_options)
        return registry.Cluster(self.hosts, **self.cluster_options)

    def setup_session(self) -> None:
        """Use ``dict_factory`` rows, the connection's consistency and the tuple encoder.

        In execution-profile mode the default profile is configured, otherwise
        the session itself.  Known user types are registered on the cluster.
        """
        from coodie_compat import connection as registry

        if self.cluster._config_mode == _ConfigMode.PROFILES:
            target = self.cluster.profile_manager.default
            target.row_factory = dict_factory
            if self.consistency is not None:
                target.consistency_level = self.consistency
        else:
            self.session.row_factory = dict_factory
            if self.consistency is not None:
                self.session.default_consistency_level = self.consistency
        encoder = self.session.encoder
        encoder.mapping[tuple] = encoder.cql_encode_tuple
        registry._register_known_types(self.session.cluster)
        self.retry_guard = SessionRetryGuard(self.session) if self.users_session else None

    def statements(self) -> Statements:
        """The prepared statements of the current session (a new cache for a new session)."""
        statements = self._statements
        if statements is None or statements.session is not self.session:
            statements = self._statements = Statements(self.session)
        return statements

    def after_fork(self) -> None:
        """In a forked child: drop the parent's driver objects (never shut down);
        connect again on first use, or, for an application's session, go stale."""
        discard = getattr(cassandra.cluster, "_discard_cluster_shutdown", None)
        if self.cluster is not None and discard is not None:
            discard(self.cluster)  # the child's exit must not shut the parent's cluster
        self.lazy_connect_lock = threading.RLock()  # the parent's may have been held
        self._statements = None
        self.cluster = self.session = None
        if self.users_session:
            self.stale_after_fork = True
            return
        self.lazy_connect = True
        if isinstance(self.name, str):
            defer_after_fork(self.name, self._connected_session)

    def _connected_session(self) -> Any:
        """Connect (if still lazy) and return the session: core's rebuild after a fork."""
        self.handle_lazy_connect()
        return self.session

    def handle_lazy_connect(self) -> None:
        """Connect now if the connection is still lazy (once, under a lock)."""
        if not self.lazy_connect:  # every query passes here: keep it to this test
            return
        from coodie_compat import connection as registry

        with self.lazy_connect_lock:
            # Another thread may have connected while this one waited for the lock.
            if self.lazy_connect:
                log.debug(registry.format_log_context("Lazy connect enabled", connection=self.name))
                self.lazy_connect = False
                self.setup()
