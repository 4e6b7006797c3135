"""Where a test session or the demo gets its Cassandra, in a fixed order.

1. ``COODIE_CONTACT_POINTS`` (``host[:port],...``): an existing cluster.
2. ``COODIE_TESTCONTAINERS=cassandra|scylla`` and a Docker engine answering
   ``docker info``: a testcontainers container.
3. Otherwise the embedded node, reused if one of ours already runs and
   stopped on release only if this call started it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import EmbeddedNode

DEFAULT_PORT = 9042


@dataclass
class Database:
    """A reachable database and how to let go of it."""

    contact_points: tuple[str, ...]
    port: int
    source: str
    release_version: str | None = None
    _release: Callable[[], None] | None = field(default=None, repr=False)

    def release(self) -> None:
        """Stop what :func:`acquire_database` started (nothing otherwise)."""
        if self._release is not None:
            release, self._release = self._release, None
            release()


def parse_contact_points(text: str) -> tuple[tuple[str, ...], int]:
    """Parse ``host[:port],...`` into hosts and one port (all ports must agree)."""
    hosts: list[str] = []
    ports: set[int] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if sep and port.isdigit() and host and not host.endswith(":"):
            hosts.append(host.strip("[]"))
            ports.add(int(port))
        else:
            hosts.append(item)
    if not hosts:
        raise ValueError(f"COODIE_CONTACT_POINTS has no host: {text!r}")
    if len(ports) > 1:
        raise ValueError(f"COODIE_CONTACT_POINTS mixes ports {sorted(ports)}: use one port")
    return tuple(hosts), ports.pop() if ports else DEFAULT_PORT


def docker_answers() -> bool:
    """True when a Docker engine responds to ``docker info``."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        done = subprocess.run([docker, "info"], capture_output=True, timeout=15, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _from_testcontainers(kind: str) -> Database:
    if kind == "scylla":
        from testcontainers.scylla import ScyllaContainer

        container = ScyllaContainer()
    else:
        from testcontainers.cassandra import CassandraContainer

        container = CassandraContainer("cassandra:5.0")
    container.start()
    host = container.get_container_host_ip()
    port = int(container.get_exposed_port(9042))
    return Database((host,), port, f"testcontainers:{kind}", None, container.stop)


def _stopper(node: EmbeddedNode) -> Callable[[], None]:
    def stop() -> None:
        node.stop()

    return stop


def acquire_database(node: EmbeddedNode | None = None) -> Database:
    """Return a database following the order in the module docstring."""
    env_points = os.environ.get("COODIE_CONTACT_POINTS", "").strip()
    if env_points:
        hosts, port = parse_contact_points(env_points)
        return Database(hosts, port, "COODIE_CONTACT_POINTS")
    kind = os.environ.get("COODIE_TESTCONTAINERS", "").strip().lower()
    if kind:
        if kind not in ("cassandra", "scylla"):
            raise LauncherError(f"COODIE_TESTCONTAINERS must be cassandra or scylla, not {kind!r}")
        if docker_answers():
            return _from_testcontainers(kind)
    node = node or EmbeddedNode()
    ours_already = node.pid() is not None
    status = node.start()
    keep = ours_already or bool(os.environ.get("COODIE_KEEP_NODE"))
    release = None if keep else _stopper(node)
    return Database(
        (status.address,), status.native_port, "embedded", status.release_version, release
    )
