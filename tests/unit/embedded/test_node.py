"""Launcher failure paths that need no real Cassandra."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from coodie_core.embedded.config import NodeConfig
from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.java import JavaRuntime
from coodie_core.embedded.node import EmbeddedNode, read_pid
from coodie_core.testing.provider import parse_contact_points


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_port_held_by_someone_else(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        node = EmbeddedNode(
            NodeConfig(
                home=tmp_path, native_port=port, storage_port=_free_port(), jmx_port=_free_port()
            ),
            progress=lambda m: None,
        )
        with pytest.raises(
            LauncherError, match=rf"port 127.0.0.1:{port} \(native transport\) is already in use"
        ):
            node.check_ports()


def test_node_dying_during_start_shows_its_log(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "jamm-0.4.0.jar").write_bytes(b"")
    fake_java = tmp_path / "java"
    fake_java.write_text(
        "#!/bin/sh\n"
        "echo 'ERROR Exception encountered during startup: boom' >> \"$COODIE_FAKE_LOG\"\n"
        "exit 3\n"
    )
    fake_java.chmod(0o755)
    cfg = NodeConfig(home=tmp_path / "node", native_port=_free_port())
    os.environ["COODIE_FAKE_LOG"] = str(cfg.system_log)
    try:
        node = EmbeddedNode(cfg, progress=lambda m: None)
        pid = node.launch(JavaRuntime(fake_java, 17), lib)
        with pytest.raises(LauncherError, match=r"(?s)died during start.*boom"):
            node.wait_ready(pid, timeout=30)
    finally:
        del os.environ["COODIE_FAKE_LOG"]
    assert not cfg.pidfile.exists()
    assert (cfg.conf_dir / "cassandra.yaml").is_file()
    assert (cfg.conf_dir / "cassandra-rackdc.properties").read_text() == "dc=dc1\nrack=rack1\n"


def test_stale_or_foreign_pidfile_is_ignored(tmp_path: Path) -> None:
    pidfile = tmp_path / "cassandra.pid"
    pidfile.write_text("999999999\n")
    assert read_pid(pidfile) is None
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pidfile.write_text(f"{other.pid}\n")
        assert read_pid(pidfile) is None, "a live process that is not Cassandra must not be ours"
        node = EmbeddedNode(NodeConfig(home=tmp_path), progress=lambda m: None)
        assert node.stop() is False
        assert other.poll() is None, "stop must never signal a process it did not start"
    finally:
        other.kill()
        other.wait()


@pytest.mark.parametrize(
    ("text", "hosts", "port"),
    [
        ("127.0.0.1", ("127.0.0.1",), 9042),
        ("10.0.0.1:9142, 10.0.0.2:9142", ("10.0.0.1", "10.0.0.2"), 9142),
        ("[::1]:9043", ("::1",), 9043),
    ],
)
def test_parse_contact_points(text: str, hosts: tuple[str, ...], port: int) -> None:
    assert parse_contact_points(text) == (hosts, port)


def test_contact_points_with_two_ports_are_refused() -> None:
    with pytest.raises(ValueError, match="mixes ports"):
        parse_contact_points("a:1,b:2")
