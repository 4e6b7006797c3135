"""Starting, waiting for, inspecting and stopping one embedded node.

Only the process the launcher started (recorded in its pidfile) is ever
signalled. A node is *ready* when its process is alive, its native port
accepts connections and ``SELECT release_version FROM system.local`` answers
(over TLS when the node requires it, as the superuser when it requires a login).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coodie_core.embedded import config as cfgmod
from coodie_core.embedded.config import NodeConfig
from coodie_core.embedded.distribution import cache_root, ensure_distribution
from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.java import JavaRuntime, find_java

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class NodeStatus:
    """What ``status`` reports about a node."""

    running: bool
    pid: int | None
    release_version: str | None
    address: str
    native_port: int

    def describe(self) -> str:
        """One line for people."""
        where = f"{self.address}:{self.native_port}"
        if not self.running:
            return f"stopped ({where})"
        version = self.release_version or "not answering queries yet"
        return f"running, pid {self.pid}, {where}, release_version {version}"


def default_home(name: str = "node1") -> Path:
    """Return the working directory of the node called ``name``."""
    return cache_root() / "nodes" / name


def read_pid(pidfile: Path) -> int | None:
    """Return the pid stored in ``pidfile`` if that process is still alive."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid if _is_our_java(pid) else None


def _is_our_java(pid: int) -> bool:
    """Guard against pid reuse: the process must be a Cassandra JVM."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no procfs: trust the pidfile
    return cfgmod.MAIN_CLASS.encode() in cmdline


def port_is_free(address: str, port: int) -> bool:
    """True when nothing listens on ``address:port`` and it can be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def port_accepts(address: str, port: int, timeout: float = 1.0) -> bool:
    """True when a TCP connection to ``address:port`` succeeds."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


DEFAULT_SUPERUSER = ("cassandra", "cassandra")
"""The superuser PasswordAuthenticator creates on a new node."""


def probe_ssl_context() -> ssl.SSLContext:
    """The TLS context of the readiness probe: encrypts, verifies nothing.

    The probe only reads ``release_version`` from a node this launcher started
    on a loopback address, with a key it was given; trusting that certificate
    would need it exported from the keystore first, which buys nothing here.
    Applications must verify the certificate (see docs/reliability.md).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def query_release_version(
    address: str,
    port: int,
    timeout: float = 10.0,
    credentials: tuple[str, str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> str | None:
    """Ask the node for ``release_version``; None if it does not answer yet.

    ``ssl_context`` is needed for a node that requires TLS on its native port.
    """
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile, NoHostAvailable
    from cassandra.policies import WhiteListRoundRobinPolicy

    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([address]))
    cluster = Cluster(
        [address],
        port=port,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=timeout,
        control_connection_timeout=timeout,
        protocol_version=5,
        auth_provider=PlainTextAuthProvider(*credentials) if credentials else None,
        ssl_context=ssl_context,
    )
    try:
        session = cluster.connect()
        row = session.execute("SELECT release_version FROM system.local", timeout=timeout).one()
        return str(row[0]) if row else None
    except (NoHostAvailable, OSError, Exception):
        return None
    finally:
        cluster.shutdown()


def tail(path: Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of a text file (empty if missing)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class EmbeddedNode:
    """One Cassandra 5.0 node run from the cached Maven jars."""

    def __init__(self, config: NodeConfig | None = None, progress: Progress = _stderr) -> None:
        """Describe the node; nothing happens until :meth:`start`."""
        self.config = config or NodeConfig(home=default_home())
        self.progress = progress

    # -- inspection -------------------------------------------------------
    def _written_yaml(self) -> str:
        """The cassandra.yaml of a node started earlier (empty if there is none)."""
        try:
            return (self.config.conf_dir / "cassandra.yaml").read_text()
        except OSError:
            return ""

    def credentials(self) -> tuple[str, str] | None:
        """The superuser login when the node was configured with authentication."""
        if self.config.authenticator == "PasswordAuthenticator":
            return DEFAULT_SUPERUSER
        # a node started earlier, maybe with --auth
        yaml_text = self._written_yaml()
        return DEFAULT_SUPERUSER if "authenticator: PasswordAuthenticator" in yaml_text else None

    def probe_context(self) -> ssl.SSLContext | None:
        """The probe's TLS context when the node requires TLS (configured so, or
        started earlier with ``--tls-keystore``), else None."""
        if self.config.client_tls is not None or cfgmod.tls_enabled_in(self._written_yaml()):
            return probe_ssl_context()
        return None

    def _version(self) -> str | None:
        cfg = self.config
        return query_release_version(
            cfg.address,
            cfg.native_port,
            credentials=self.credentials(),
            ssl_context=self.probe_context(),
        )

    def pid(self) -> int | None:
        """The pid of our running node, or None."""
        return read_pid(self.config.pidfile)

    def status(self) -> NodeStatus:
        """Whether our node runs, and its version if it answers."""
        cfg = self.config
        pid = self.pid()
        version = None
        if pid is not None and port_accepts(cfg.address, cfg.native_port):
            version = self._version()
        return NodeStatus(pid is not None, pid, version, cfg.address, cfg.native_port)

    def logs(self, lines: int = 60) -> str:
        """The tail of the node's ``system.log`` (or console output)."""
        return tail(self.config.system_log, lines) or tail(self.config.console_log, lines)

    # -- start ------------------------------------------------------------
    def check_ports(self) -> None:
        """Raise if a port the node needs is held by another process."""
        cfg = self.config
        for label, port in (
            ("native transport", cfg.native_port),
            ("storage", cfg.storage_port),
            ("JMX", cfg.jmx_port),
        ):
            if not port_is_free(cfg.address, port):
                raise LauncherError(
                    f"port {cfg.address}:{port} ({label}) is already in use by another "
                    "process, not by a node this launcher started. Stop that process "
                    "or give this node other ports."
                )

    def write_config(self) -> None:
        """Write cassandra.yaml, logback.xml and cassandra-rackdc.properties."""
        cfg = self.config
        for directory in (cfg.conf_dir, cfg.data_dir, cfg.log_dir, cfg.tmp_dir):
            directory.mkdir(parents=True, exist_ok=True)
        (cfg.home / "triggers").mkdir(parents=True, exist_ok=True)
        (cfg.conf_dir / "cassandra.yaml").write_text(cfgmod.render_cassandra_yaml(cfg))
        (cfg.conf_dir / "logback.xml").write_text(cfgmod.render_logback_xml(cfg))
        (cfg.conf_dir / "cassandra-rackdc.properties").write_text(
            cfgmod.render_rackdc_properties(cfg)
        )

    def launch(self, java: JavaRuntime, lib_dir: Path, keep_data: bool = False) -> int:
        """Write the config and spawn the JVM in the background; return its pid."""
        cfg = self.config
        if not keep_data and cfg.data_dir.exists():
            shutil.rmtree(cfg.data_dir)
        for old_log in (cfg.system_log, cfg.console_log):
            old_log.unlink(missing_ok=True)
        self.write_config()
        command = [str(java.executable), *cfgmod.jvm_arguments(cfg, lib_dir)]
        with open(cfg.console_log, "ab") as console:
            proc = subprocess.Popen(
                command,
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=cfg.home,
                start_new_session=True,
            )
        cfg.pidfile.write_text(f"{proc.pid}\n")
        return proc.pid

    def wait_ready(self, pid: int, timeout: float = 180.0) -> str:
        """Block until the node answers queries; return its release_version."""
        cfg = self.config
        started = time.monotonic()
        last_note = started
        while True:
            elapsed = time.monotonic() - started
            if not _alive(pid):
                cfg.pidfile.unlink(missing_ok=True)
                raise LauncherError(
                    f"Cassandra died during start after {elapsed:.0f}s. Tail of its log:\n"
                    + self.logs()
                )
            if port_accepts(cfg.address, cfg.native_port):
                version = self._version()
                if version:
                    return version
            if elapsed > timeout:
                self._terminate(pid, grace=10.0)
                raise LauncherError(
                    f"Cassandra did not answer within {timeout:.0f}s; stopped it. Tail of its "
                    "log:\n" + self.logs()
                )
            if time.monotonic() - last_note >= 5:
                last_note = time.monotonic()
                self.progress(f"  ... waiting for Cassandra ({elapsed:.0f}s)")
            time.sleep(0.5)

    def start(self, keep_data: bool = False, timeout: float = 180.0) -> NodeStatus:
        """Start the node (or reuse ours if it runs) and wait until it answers."""
        cfg = self.config
        pid = self.pid()
        if pid is not None:
            self.progress(f"Cassandra already running (pid {pid}); reusing it")
            version = self.wait_ready(pid, timeout)
            return NodeStatus(True, pid, version, cfg.address, cfg.native_port)
        java = find_java()
        self.check_ports()
        lib_dir = ensure_distribution(progress=self.progress)
        self.progress(f"Starting Cassandra on {cfg.address}:{cfg.native_port} (Java {java.major})")
        begun = time.monotonic()
        pid = self.launch(java, lib_dir, keep_data=keep_data)
        version = self.wait_ready(pid, timeout)
        self.progress(f"Cassandra {version} ready in {time.monotonic() - begun:.1f}s (pid {pid})")
        return NodeStatus(True, pid, version, cfg.address, cfg.native_port)

    # -- stop -------------------------------------------------------------
    def kill(self) -> bool:
        """Kill our node at once with SIGKILL (a crash, for fault tests)."""
        pid = self.pid()
        if pid is None:
            return False
        self._terminate(pid, grace=0.0)
        self.config.pidfile.unlink(missing_ok=True)
        return True

    def stop(self, grace: float = 60.0) -> bool:
        """Stop our node: SIGTERM, then SIGKILL after ``grace`` seconds.

        Returns False when no node of ours was running.
        """
        pid = self.pid()
        if pid is None:
            self.config.pidfile.unlink(missing_ok=True)
            return False
        self._terminate(pid, grace)
        self.config.pidfile.unlink(missing_ok=True)
        return True

    def _terminate(self, pid: int, grace: float) -> None:
        if grace > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.2)
        if grace > 0:
            self.progress(f"Cassandra (pid {pid}) ignored SIGTERM for {grace:.0f}s; killing it")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (reaping it if it is our exited child)."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except (OSError, IndexError):
        return True
    return state != "Z"
