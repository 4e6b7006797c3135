"""Fixtures of the reliability suite.

On the shared dev node (the plugin's ``cassandra_node``): one keyspace for the
session, a core connection and a compat connection both named ``reliability``,
and :class:`~tests.reliability.support.RequestCounter` to prove that bad input
sends nothing.

On the launcher's extra nodes (tests marked ``faults``, skipped unless ``-m``
names ``faults`` or ``COODIE_FAULTS=1``): the 3-node fault cluster beside the
dev node (127.0.0.2-4 by default, ``COODIE_FAULT_FIRST_ADDRESS``), started once
per session and stopped at the end if the session started it, with core and
compat connections at QUORUM; and the PasswordAuthenticator + TLS node on the
next address.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.policies import ConstantReconnectionPolicy
from cassandra.query import SimpleStatement

from coodie_core import ConnectionNotFound, execution
from coodie_core.embedded.cluster import node_configs
from coodie_core.embedded.config import ClientTls, NodeConfig
from coodie_core.embedded.node import EmbeddedNode, default_home
from coodie_core.testing.provider import Database
from tests.reliability.support import (
    FAULT,
    FAULT_COMPAT,
    FAULT_KEYSPACE,
    FAULT_NODES,
    RELIABILITY,
    RELIABILITY_COMPAT,
    FaultCluster,
    Figures,
    RecordingRetryPolicy,
    RequestCounter,
    fault_first_address,
    host_is_up,
    pinned_session,
    reliability_keyspace,
    schema_management_allowed,
    tls_material,
    wait_until,
    wrap_retry_policy,
)

_HERE = Path(__file__).resolve().parent
_FAULTS_DIR = _HERE / "faults"
_FIGURES = pytest.StashKey[Figures]()


# -- markers, selection, summary ----------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    """Register ``faults`` and create the session's figures."""
    config.addinivalue_line(
        "markers",
        "faults: needs the launcher's extra nodes (3-node fault cluster, auth node); "
        "run with -m faults",
    )
    config.stash[_FIGURES] = Figures()


def _faults_selected(config: pytest.Config) -> bool:
    expression = config.getoption("-m", default="") or ""
    return "faults" in expression or os.environ.get("COODIE_FAULTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``faults/`` tests ``faults``; skip them unless asked for."""
    selected = _faults_selected(config)
    skip = pytest.mark.skip(reason="needs the fault cluster: run with -m faults")
    for item in items:
        if _FAULTS_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.faults)
            if not selected:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the figures the reliability tests gathered (and write them to .coodie/)."""
    figures = config.stash.get(_FIGURES, None)
    if figures is None or not figures.values:
        return
    terminalreporter.section("reliability figures")
    for name in sorted(figures.values):
        terminalreporter.write_line(f"{name}: {figures.values[name]}")
    for line in figures.notes:
        terminalreporter.write_line(line)
    kind = "faults" if _faults_selected(config) else "node"
    figures.dump(Path(str(config.rootpath)) / ".coodie" / f"reliability-figures-{kind}.json")


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> Figures:
    """The session's counters for docs/reliability.md."""
    return request.config.stash[_FIGURES]


# -- the dev node -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def rel_keyspace(cassandra_node: Database, cassandra_session: Any) -> Iterator[str]:
    """A keyspace on the dev node, default of the core ``reliability`` connection."""
    name = reliability_keyspace()
    cassandra_session.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {name} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    execution.register_connection(RELIABILITY, cassandra_session, keyspace=name)
    try:
        yield name
    finally:
        try:
            with contextlib.suppress(ConnectionNotFound):
                execution.unregister_connection(RELIABILITY)
        finally:
            cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {name}")


@pytest.fixture(scope="session")
def compat_rel(cassandra_node: Database, rel_keyspace: str) -> Iterator[Any]:
    """The compat connection ``reliability_compat`` (its own driver cluster);
    compat schema management is allowed meanwhile."""
    from coodie_compat import connection

    conn = connection.register_connection(
        RELIABILITY_COMPAT,
        hosts=list(cassandra_node.contact_points),
        cluster_options={"port": cassandra_node.port, "connect_timeout": 20},
    )
    try:
        with schema_management_allowed():
            yield conn.session
    finally:
        connection.unregister_connection(RELIABILITY_COMPAT)


@pytest.fixture
def counter(
    monkeypatch: pytest.MonkeyPatch, cassandra_session: Any, compat_rel: Any
) -> RequestCounter:
    """Counts requests on the core and compat ``reliability`` sessions."""
    counting = RequestCounter()
    counting.watch(cassandra_session)
    counting.watch(compat_rel)
    return counting.install(monkeypatch)


# -- the fault cluster ----------------------------------------------------------------


@dataclass
class FaultEnv:
    """The fault cluster and the core and compat connections on it (both QUORUM)."""

    nodes: FaultCluster
    core_cluster: Any
    compat_cluster: Any
    core_retries: RecordingRetryPolicy
    compat_retries: RecordingRetryPolicy
    figures: Figures
    restarts: list[float] = field(default_factory=list)

    @property
    def clusters(self) -> tuple[Any, Any]:
        """The core and the compat driver clusters."""
        return self.core_cluster, self.compat_cluster

    def wait_down(self, *numbers: int) -> None:
        """Wait until both drivers see these nodes down."""
        for number in numbers:
            address = self.nodes.address(number)
            for cluster in self.clusters:
                wait_until(functools.partial(_host_is_down, cluster, address), 60,
                           f"{address} down")  # fmt: skip

    def heal(self) -> None:
        """Bring every node back and wait until the cluster serves the keyspace at ALL
        through every coordinator (the drivers see all hosts up)."""
        down = [i + 1 for i, up in enumerate(self.nodes.running()) if not up]
        if down:
            begun = time.monotonic()
            self.nodes.restart_down_nodes()
            self.restarts.append(time.monotonic() - begun)
            self.figures.add("fault nodes restarted", len(down))
        for address in self.nodes.addresses:
            for cluster in self.clusters:
                wait_until(functools.partial(host_is_up, cluster, address), 120, f"{address} up")
        for address in self.nodes.addresses:
            wait_until(functools.partial(self.serves_all, address), 120,
                       f"{address} serving at ALL")  # fmt: skip

    def serves_all(self, address: str) -> bool:
        """True when ``address``, as coordinator, reads the keyspace at ALL."""
        statement = SimpleStatement(
            f"SELECT * FROM {FAULT_KEYSPACE}.heartbeat LIMIT 1",
            consistency_level=ConsistencyLevel.ALL,
        )
        with pinned_session(address) as session:
            session.execute(statement, timeout=15)
        return True


def _host_is_down(cluster: Any, address: str) -> bool:
    return not host_is_up(cluster, address)


def _fault_connections(nodes: FaultCluster) -> tuple[Any, Any]:
    """Register the core connection ``fault`` and the compat connection
    ``fault_compat``; return their driver clusters."""
    from coodie_compat import connection

    options: dict[str, Any] = {
        "connect_timeout": 20,
        "reconnection_policy": ConstantReconnectionPolicy(1.0, None),
    }
    core = execution.connect(list(nodes.addresses), name=FAULT, **options)
    profile = core.session.cluster.profile_manager.default
    profile.consistency_level = ConsistencyLevel.QUORUM
    profile.request_timeout = 30.0
    compat = connection.register_connection(
        FAULT_COMPAT,
        hosts=list(nodes.addresses),
        consistency=ConsistencyLevel.QUORUM,
        cluster_options=dict(options),
    )
    compat.cluster.profile_manager.default.request_timeout = 30.0
    return core.session.cluster, compat.cluster


@pytest.fixture(scope="session")
def fault_env(figures: Figures) -> Iterator[FaultEnv]:
    """The fault cluster (started once; stopped at the end if this session started it),
    keyspace ``coodie_faults`` with replication factor 3, QUORUM connections."""
    from coodie_compat import connection

    stack = contextlib.ExitStack()
    stack.enter_context(schema_management_allowed())
    nodes = FaultCluster()
    begun = time.monotonic()
    nodes.start()
    figures.note(f"fault cluster ready in {time.monotonic() - begun:.1f}s")
    core_cluster, compat_cluster = _fault_connections(nodes)
    session = core_cluster.connect()
    session.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {FAULT_KEYSPACE} WITH replication = "
        "{'class': 'NetworkTopologyStrategy', 'dc1': 3}"
    )
    session.execute(f"CREATE TABLE IF NOT EXISTS {FAULT_KEYSPACE}.heartbeat (k int PRIMARY KEY)")
    execution.register_connection(FAULT, execution.get_connection(FAULT).session,
                                  keyspace=FAULT_KEYSPACE)  # fmt: skip
    env = FaultEnv(
        nodes,
        core_cluster,
        compat_cluster,
        wrap_retry_policy(core_cluster),
        wrap_retry_policy(compat_cluster),
        figures,
    )
    env.heal()
    try:
        yield env
    finally:
        with contextlib.suppress(Exception):
            env.heal()
        if env.restarts:
            figures.note(
                "fault node restarts took "
                + ", ".join(f"{seconds:.1f}s" for seconds in env.restarts)
            )
        execution.unregister_connection(FAULT, shutdown=True)
        connection.unregister_connection(FAULT_COMPAT)
        if nodes.started_here and os.environ.get("COODIE_KEEP_NODE") != "1":
            nodes.stop()
        stack.close()


# -- the auth + TLS node ------------------------------------------------------------


@dataclass(frozen=True)
class AuthNode:
    """A node with PasswordAuthenticator (superuser cassandra/cassandra) and TLS
    required on its native port."""

    address: str
    ca_file: Path

    def ssl_context(self) -> ssl.SSLContext:
        """A client context trusting the node's self-signed certificate.

        The certificate names the node's IP; the driver does not pass a server
        name, so the chain is verified and the host name check is left off.
        """
        context = ssl.create_default_context(cafile=str(self.ca_file))
        context.check_hostname = False
        return context

    def superuser(self) -> PlainTextAuthProvider:
        """The default superuser's credentials."""
        return PlainTextAuthProvider("cassandra", "cassandra")


def auth_node_config() -> tuple[NodeConfig, Path]:
    """The auth node (home auth1, the address after the fault cluster's) with
    PasswordAuthenticator and TLS required (``NodeConfig.client_tls``: the
    launcher writes ``client_encryption_options`` and probes readiness over
    TLS), and the PEM certificate a client must trust."""
    (config,) = node_configs(
        1, "PasswordAuthenticator", first_address=fault_first_address() + FAULT_NODES, name="auth"
    )
    keystore, pem = tls_material(default_home("auth-tls"), config.address)
    return dataclasses.replace(config, client_tls=ClientTls(keystore, "changeit")), pem


@pytest.fixture(scope="session")
def auth_node(figures: Figures) -> Iterator[AuthNode]:
    """The auth node, started for the session (or reused when it already answers
    over TLS as the superuser); stopped at the end if this session started it."""
    config, pem = auth_node_config()
    process = EmbeddedNode(config, progress=lambda m: print(f"[reliability] {m}"))
    started = process.pid() is None
    if not started and process.status().release_version is None:
        process.stop()  # our auth node, but not answering over TLS: start it again with TLS
        started = True
    begun = time.monotonic()
    process.start(timeout=240)
    if started:
        figures.note(f"auth node (TLS) ready in {time.monotonic() - begun:.1f}s")
    try:
        yield AuthNode(config.address, pem)
    finally:
        if started and os.environ.get("COODIE_KEEP_NODE") != "1":
            process.stop()
