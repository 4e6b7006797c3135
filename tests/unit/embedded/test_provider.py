"""The order in which a test session finds its database."""

from __future__ import annotations

import pytest

from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import NodeStatus
from coodie_core.testing import provider


class FakeNode:
    """Stands in for EmbeddedNode: records start and stop calls."""

    def __init__(self, running: bool) -> None:
        self.running = running
        self.calls: list[str] = []

    def pid(self) -> int | None:
        return 42 if self.running else None

    def start(self) -> NodeStatus:
        self.calls.append("start")
        return NodeStatus(True, 42, "5.0.6", "127.0.0.1", 9042)

    def stop(self) -> bool:
        self.calls.append("stop")
        return True


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COODIE_CONTACT_POINTS", "COODIE_TESTCONTAINERS", "COODIE_KEEP_NODE"):
        monkeypatch.delenv(name, raising=False)


def test_contact_points_win_and_start_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COODIE_CONTACT_POINTS", "10.1.1.1:9142,10.1.1.2:9142")
    monkeypatch.setenv("COODIE_TESTCONTAINERS", "cassandra")
    node = FakeNode(running=False)
    db = provider.acquire_database(node)  # type: ignore[arg-type]
    assert (db.contact_points, db.port, db.source) == (
        ("10.1.1.1", "10.1.1.2"),
        9142,
        "COODIE_CONTACT_POINTS",
    )
    db.release()
    assert node.calls == []


def test_testcontainers_without_docker_falls_back_to_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COODIE_TESTCONTAINERS", "cassandra")
    monkeypatch.setattr(provider, "docker_answers", lambda: False)
    node = FakeNode(running=False)
    db = provider.acquire_database(node)  # type: ignore[arg-type]
    assert (db.source, db.release_version) == ("embedded", "5.0.6")
    db.release()
    assert node.calls == ["start", "stop"]


def test_unknown_container_kind_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COODIE_TESTCONTAINERS", "mongo")
    with pytest.raises(LauncherError, match="cassandra or scylla, not 'mongo'"):
        provider.acquire_database(FakeNode(running=False))  # type: ignore[arg-type]


def test_a_node_already_running_is_reused_and_left_running() -> None:
    node = FakeNode(running=True)
    db = provider.acquire_database(node)  # type: ignore[arg-type]
    db.release()
    assert node.calls == ["start"]


def test_keep_node_leaves_a_started_node_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COODIE_KEEP_NODE", "1")
    node = FakeNode(running=False)
    provider.acquire_database(node).release()  # type: ignore[arg-type]
    assert node.calls == ["start"]
