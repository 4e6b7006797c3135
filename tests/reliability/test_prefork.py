"""Pre-fork servers (gunicorn, uWSGI, multiprocessing with fork): a forked worker
must use connections of its own, never the parent's sockets and driver threads.

The documented pattern (docs/reliability.md) registers an ``os.register_at_fork``
hook (or gunicorn's ``post_fork``) that calls ``coodie_core.connect(...)`` and
``coodie_compat.connection.register_connection(...)`` again under the same
names; registering a name again replaces the entry, prepared-statement cache
included. ``prefork_server.py`` runs a real server process with two workers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coodie_core.testing.provider import Database
from tests.reliability.support import reliability_keyspace

SERVER = Path(__file__).with_name("prefork_server.py")
GAP_CORE = (
    "gap: coodie_core has no fork hook: after os.fork a worker's get_connection() returns "
    "the parent's session (its sockets, its dead driver threads). Needed in "
    "coodie_core.execution: connect() records its hosts and cluster options on the "
    "Connection; an os.register_at_fork(after_in_child=...) handler marks every Connection "
    "stale (drops the session without shutting it down, clears the prepared cache); "
    "get_connection() reconnects a stale one from what connect() recorded, and raises a "
    "typed error naming the connection when it was registered from a bare session; "
    "exposed as coodie_core.execution.reconnect_after_fork() for servers that fork "
    "otherwise"
)
GAP_COMPAT = (
    "gap (cqlengine parity): coodie_compat has no fork hook either; connection.Connection "
    "knows its hosts and cluster_options, so the same after-fork handler can re-run "
    "Connection.setup() for each registered connection"
)


def _serve(mode: str, node: Database) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SERVER), mode, node.contact_points[0], str(node.port),
         reliability_keyspace()],
        capture_output=True, text=True, timeout=180, cwd=str(SERVER.parents[2]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


@pytest.fixture(scope="module")
def pattern(cassandra_node: Database, rel_keyspace: str) -> dict[str, Any]:
    """The pre-fork server run with the documented hook."""
    return _serve("pattern", cassandra_node)


@pytest.fixture(scope="module")
def bare(cassandra_node: Database, rel_keyspace: str) -> dict[str, Any]:
    """The pre-fork server run without any hook (workers only look)."""
    return _serve("bare", cassandra_node)


def test_pattern_workers_use_their_own_connections(pattern: dict[str, Any]) -> None:
    assert pattern["codes"] == [0, 0]
    for report in pattern["workers"]:
        assert report.get("error") is None, report
        assert not report["core_shared"] and not report["compat_shared"]
        assert report["ports_shared"] == []


def test_pattern_workers_read_and_write(pattern: dict[str, Any], figures: Any) -> None:
    for report in pattern["workers"]:
        assert (report["core_read"], report["core_async_read"], report["compat_read"]) == (
            "core", "core", "compat",
        )
        assert report["parent_row"] == "parent"
    figures.add("forked workers checked", len(pattern["workers"]))


def test_parent_keeps_working_after_forking(pattern: dict[str, Any]) -> None:
    assert pattern["parent_after"] == ["still", "still"]


@pytest.mark.parametrize(("api", "gap"), [
    pytest.param("core", GAP_CORE, marks=pytest.mark.xfail(strict=True, reason=GAP_CORE)),
    pytest.param("compat", GAP_COMPAT, marks=pytest.mark.xfail(strict=True, reason=GAP_COMPAT)),
])  # fmt: skip
def test_without_a_hook_a_worker_does_not_inherit_the_parents_session(
    bare: dict[str, Any], api: str, gap: str
) -> None:
    assert bare["codes"] == [0, 0]
    assert [r[f"{api}_shared"] for r in bare["workers"]] == [False, False]
