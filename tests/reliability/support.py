"""Helpers shared by the reliability suite (no fixtures here: see ``conftest.py``).

- :class:`RequestCounter` counts what reaches the network: every driver request
  (execute, execute_async, prepare, coodie's asyncio prepare) passes through
  ``ResponseFuture.send_request``, and compat's queries through
  ``coodie_compat.connection.execute``.
- :class:`FaultCluster` wraps the launcher's 3-node cluster beside the shared
  dev node (addresses from ``COODIE_FAULT_FIRST_ADDRESS``, default 2);
  :func:`tls_material` makes the certificate of the auth node after it.
- :class:`RecordingRetryPolicy` and :class:`FirstHostPolicy` observe and steer
  the driver during fault injection.
- :class:`Figures` collects the numbers ``docs/reliability.md`` reports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cassandra.cluster import ResponseFuture
from cassandra.policies import LoadBalancingPolicy, RetryPolicy, RoundRobinPolicy

from coodie_core.embedded.cluster import EmbeddedCluster, node_configs
from coodie_core.embedded.config import NodeConfig

#: The one place the fault cluster's addresses are chosen: node i listens on
#: 127.0.0.<first + i - 1>; the auth node takes the next address.
FAULT_FIRST_ADDRESS_ENV = "COODIE_FAULT_FIRST_ADDRESS"
#: ``ci`` (default: short streams, one kill) or ``full`` (longer streams, every node killed).
FAULT_SCALE_ENV = "COODIE_FAULT_SCALE"
FAULT_KEYSPACE = "coodie_faults"
#: Names of the suite's dev-node connections. Core and compat use different
#: names: compat shares each of its connections into core's registry under its
#: own name, which would otherwise replace the core one.
RELIABILITY = "reliability"
RELIABILITY_COMPAT = "reliability_compat"
#: Names of the fault cluster's core and compat connections.
FAULT = "fault"
FAULT_COMPAT = "fault_compat"
FAULT_NODES = 3


def reliability_keyspace() -> str:
    """The dev-node keyspace of this test process (models name it at class creation)."""
    return f"coodie_reliability_{os.getpid()}"


@contextlib.contextmanager
def schema_management_allowed() -> Iterator[None]:
    """Set ``CQLENG_ALLOW_SCHEMA_MANAGEMENT`` (compat's schema functions warn
    without it) for the duration, then restore the environment."""
    previous = os.environ.get("CQLENG_ALLOW_SCHEMA_MANAGEMENT")
    os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CQLENG_ALLOW_SCHEMA_MANAGEMENT", None)
        else:
            os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = previous


def fault_first_address() -> int:
    """The last byte of node 1's address (``COODIE_FAULT_FIRST_ADDRESS``, default 2)."""
    return int(os.environ.get(FAULT_FIRST_ADDRESS_ENV, "2"))


def fault_scale() -> str:
    """``ci`` (reduced form) or ``full``."""
    scale = os.environ.get(FAULT_SCALE_ENV, "ci")
    if scale not in ("ci", "full"):
        raise ValueError(f"{FAULT_SCALE_ENV} must be ci or full, not {scale!r}")
    return scale


def _progress(message: str) -> None:
    print(f"[reliability] {message}", flush=True)


# -- counting requests ------------------------------------------------------------


class RequestCounter:
    """Counts requests sent on the watched driver sessions and compat's
    ``connection.execute`` calls, and keeps the statements' text."""

    def __init__(self) -> None:
        self.sessions: list[Any] = []
        self.requests = 0
        self.compat_calls = 0
        self.texts: list[str] = []
        #: (statement text, its ``is_idempotent``) of each request, PREPAREs excluded.
        self.statements: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def watch(self, session: Any) -> None:
        """Count requests on ``session`` from now on."""
        self.sessions.append(session)

    def reset(self) -> None:
        """Forget what was counted so far."""
        with self._lock:
            self.requests = 0
            self.compat_calls = 0
            self.texts = []
            self.statements = []

    @property
    def total(self) -> int:
        """Driver requests plus compat execute calls."""
        return self.requests + self.compat_calls

    def _saw(self, future: Any) -> None:
        if any(future.session is s for s in self.sessions):
            text = _statement_text(future)
            with self._lock:
                self.requests += 1
                self.texts.append(text)
                if future.query is not None:
                    self.statements.append((text, bool(future.query.is_idempotent)))

    def install(self, monkeypatch: Any) -> RequestCounter:
        """Patch the two choke points (undone by ``monkeypatch``)."""
        from coodie_compat import connection

        original_send = ResponseFuture.send_request
        original_execute = connection.execute
        counter = self

        def send_request(future: Any, *args: Any, **kwargs: Any) -> Any:
            counter._saw(future)
            return original_send(future, *args, **kwargs)

        def execute(*args: Any, **kwargs: Any) -> Any:
            with counter._lock:
                counter.compat_calls += 1
            return original_execute(*args, **kwargs)

        monkeypatch.setattr(ResponseFuture, "send_request", send_request)
        monkeypatch.setattr(connection, "execute", execute)
        return self


def _statement_text(future: Any) -> str:
    query = getattr(future, "query", None)
    if query is None:  # a PREPARE
        return f"PREPARE {getattr(future.message, 'query', '')}"
    prepared = getattr(query, "prepared_statement", None)
    return str(getattr(prepared, "query_string", None) or getattr(query, "query_string", query))


# -- the fault cluster and the auth node's certificate ----------------------------


def fault_configs() -> list[NodeConfig]:
    """The three fault nodes (homes fault1-3).

    The launcher's default ``NodeConfig.flush_schema`` matters here: without it a
    SIGKILLed node can come back without the keyspaces created since its last
    flush (seen on 5.0.6), which would turn a kill test into a schema test.
    """
    configs = node_configs(FAULT_NODES, first_address=fault_first_address(), name="fault")
    assert all(c.flush_schema for c in configs), "fault nodes must flush schema changes"
    return configs


class FaultCluster:
    """Start, stop, kill, pause and restart the nodes of the fault cluster.

    Only processes the launcher started (its pidfiles) are ever signalled.
    """

    def __init__(self) -> None:
        self.cluster = EmbeddedCluster(fault_configs(), progress=_progress)
        self.started_here = False

    @property
    def addresses(self) -> tuple[str, ...]:
        """Node addresses, node 1 first."""
        return tuple(n.config.address for n in self.cluster.nodes)

    def address(self, number: int) -> str:
        """The address of node ``number`` (1-based)."""
        return self.cluster.node(number).config.address

    def running(self) -> list[bool]:
        """Whether each node's process is alive."""
        return [n.pid() is not None for n in self.cluster.nodes]

    def start(self) -> None:
        """Start the nodes not running (a cluster already up is reused)."""
        if not all(self.running()):
            self.started_here = not any(self.running())
            self.cluster.start(keep_data=any(self.running()))

    def stop_node(self, number: int) -> None:
        """Stop node ``number`` cleanly (SIGTERM, drain)."""
        self.cluster.node(number).stop(grace=60.0)

    def kill_node(self, number: int) -> None:
        """Kill node ``number`` with SIGKILL (a crash)."""
        self.cluster.node(number).kill()

    def pause_node(self, number: int) -> None:
        """Freeze node ``number`` (SIGSTOP): it accepts bytes but answers nothing."""
        pid = self.cluster.node(number).pid()
        assert pid is not None, f"fault node {number} is not running"
        os.kill(pid, signal.SIGSTOP)

    def restart_down_nodes(self) -> None:
        """Start every stopped or killed node again, keeping its data."""
        if not all(self.running()):
            self.cluster.start(keep_data=True)

    def stop(self) -> None:
        """Stop every node."""
        self.cluster.stop()


def tls_material(directory: Path, address: str) -> tuple[Path, Path]:
    """A self-signed PKCS12 keystore for ``address`` and its PEM certificate
    (made once with keytool; reused while both files exist)."""
    directory.mkdir(parents=True, exist_ok=True)
    keystore, pem = directory / "node.p12", directory / "node.pem"
    if keystore.exists() and pem.exists():
        return keystore, pem
    keystore.unlink(missing_ok=True)
    common = ["-keystore", str(keystore), "-storetype", "PKCS12", "-storepass", "changeit"]
    subprocess.run(
        ["keytool", "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048",
         "-keypass", "changeit", "-dname", f"CN={address}", "-ext", f"SAN=ip:{address}",
         "-validity", "3650", *common],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["keytool", "-exportcert", "-rfc", "-alias", "node", "-file", str(pem), *common],
        check=True, capture_output=True,
    )  # fmt: skip
    return keystore, pem


# -- steering and observing the driver --------------------------------------------


@dataclasses.dataclass(frozen=True)
class RetryCall:
    """One decision of the retry policy."""

    event: str
    statement: str
    idempotent: bool
    retried: bool


class RecordingRetryPolicy(RetryPolicy):  # type: ignore[misc]
    """Delegates to ``inner`` (the driver's default policy unless told otherwise)
    and records each decision with the statement and its ``is_idempotent``."""

    def __init__(self, inner: RetryPolicy | None = None) -> None:
        self.inner = inner or RetryPolicy()
        self.calls: list[RetryCall] = []
        self._lock = threading.Lock()

    def _note(self, event: str, query: Any, decision: tuple[Any, Any]) -> tuple[Any, Any]:
        retried = decision[0] in (self.RETRY, self.RETRY_NEXT_HOST)
        prepared = getattr(query, "prepared_statement", None)
        text = getattr(prepared, "query_string", None) or getattr(query, "query_string", "")
        call = RetryCall(event, str(text), bool(getattr(query, "is_idempotent", False)), retried)
        with self._lock:
            self.calls.append(call)
        return decision

    def on_read_timeout(self, query: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """Record, then decide as ``inner`` does."""
        return self._note("read_timeout", query, self.inner.on_read_timeout(query, *args, **kwargs))

    def on_write_timeout(self, query: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """Record, then decide as ``inner`` does."""
        decision = self.inner.on_write_timeout(query, *args, **kwargs)
        return self._note("write_timeout", query, decision)

    def on_unavailable(self, query: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """Record, then decide as ``inner`` does."""
        return self._note("unavailable", query, self.inner.on_unavailable(query, *args, **kwargs))

    def on_request_error(self, query: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        """Record, then decide as ``inner`` does."""
        decision = self.inner.on_request_error(query, *args, **kwargs)
        return self._note("request_error", query, decision)

    def retried(self) -> list[RetryCall]:
        """The decisions that sent a statement again."""
        with self._lock:
            return [c for c in self.calls if c.retried]


def wrap_retry_policy(cluster: Any) -> RecordingRetryPolicy:
    """Wrap the retry policy ``cluster`` uses (its default execution profile's, or
    in the driver's legacy mode ``default_retry_policy``: whatever coodie or the
    driver put there) in a recorder, and return the recorder."""
    profile = cluster.profile_manager.default
    current = profile.retry_policy
    if isinstance(current, RecordingRetryPolicy):
        return current
    recorder = RecordingRetryPolicy(current)
    profile.retry_policy = recorder
    if not isinstance(cluster.default_retry_policy, RecordingRetryPolicy):
        cluster._default_retry_policy = recorder  # legacy mode reads this one
    return recorder


class FirstHostPolicy(LoadBalancingPolicy):  # type: ignore[misc]
    """Round robin, but ``first`` (when up) always leads the query plan, so a
    test knows which coordinator a request goes to first."""

    def __init__(self, first: str) -> None:
        super().__init__()
        self.first = first
        self._inner = RoundRobinPolicy()

    def populate(self, cluster: Any, hosts: Any) -> None:
        """As the wrapped round robin."""
        self._inner.populate(cluster, hosts)

    def distance(self, host: Any) -> Any:
        """As the wrapped round robin."""
        return self._inner.distance(host)

    def make_query_plan(self, working_keyspace: Any = None, query: Any = None) -> Iterator[Any]:
        """Live hosts, ``first`` in front."""
        hosts = list(self._inner.make_query_plan(working_keyspace, query))
        return iter(sorted(hosts, key=lambda h: h.address != self.first))

    def on_up(self, host: Any) -> None:
        """As the wrapped round robin."""
        self._inner.on_up(host)

    def on_down(self, host: Any) -> None:
        """As the wrapped round robin."""
        self._inner.on_down(host)

    def on_add(self, host: Any) -> None:
        """As the wrapped round robin."""
        self._inner.on_add(host)

    def on_remove(self, host: Any) -> None:
        """As the wrapped round robin."""
        self._inner.on_remove(host)


def wait_until(check: Callable[[], bool], timeout: float, what: str, step: float = 0.5) -> float:
    """Poll ``check`` until it is true; return the seconds waited, or fail naming ``what``."""
    begun = time.monotonic()
    last: BaseException | None = None
    while time.monotonic() - begun < timeout:
        try:
            if check():
                return time.monotonic() - begun
        except Exception as exc:  # the cluster is settling: try again
            last = exc
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last})")


@contextlib.contextmanager
def pinned_session(address: str, port: int = 9042, **options: Any) -> Iterator[Any]:
    """A driver session whose only coordinator is ``address`` (closed on exit)."""
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
    from cassandra.policies import WhiteListRoundRobinPolicy

    profile = ExecutionProfile(
        load_balancing_policy=WhiteListRoundRobinPolicy([address]), request_timeout=30
    )
    cluster = Cluster(
        [address], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=20, **options,
    )  # fmt: skip
    try:
        yield cluster.connect()
    finally:
        cluster.shutdown()


def host_is_up(cluster: Any, address: str) -> bool:
    """The driver's view of ``address``."""
    return any(h.address == address and h.is_up for h in cluster.metadata.all_hosts())


# -- figures for docs/reliability.md ------------------------------------------------


class Figures:
    """Counters the suite reports (printed at the end, written to ``.coodie/``)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.notes: list[str] = []
        self._lock = threading.Lock()

    def add(self, name: str, amount: int = 1) -> None:
        """Add ``amount`` to counter ``name``."""
        with self._lock:
            self.values[name] = self.values.get(name, 0) + amount

    def note(self, text: str) -> None:
        """Keep a line for the summary."""
        with self._lock:
            self.notes.append(text)

    def dump(self, path: Path) -> None:
        """Write the figures as JSON (nothing is raised if the file cannot be written)."""
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"figures": self.values, "notes": self.notes}, indent=2))
