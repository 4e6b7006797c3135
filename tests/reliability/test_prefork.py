"""Pre-fork servers (gunicorn, uWSGI, multiprocessing with fork): a forked worker
must use connections of its own, never the parent's sockets and driver threads.

coodie's own fork hooks (installed with the first connection) drop every
inherited connection in the worker: those made from hosts
(``coodie_core.connect``, compat's ``register_connection(hosts=...)``) are
made again on first use; those registered from the application's sessions
raise ``StaleConnection`` until registered again. The pattern of earlier
releases (an ``os.register_at_fork`` hook or gunicorn's ``post_fork`` that
connects again under the same names) keeps working. ``prefork_server.py``
runs a real server process with two workers in each of the three modes.
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
MODES = ("pattern", "bare", "sessions")


def _serve(mode: str, node: Database) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SERVER), mode, node.contact_points[0], str(node.port),
         reliability_keyspace()],
        capture_output=True, text=True, timeout=180, cwd=str(SERVER.parents[2]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


@pytest.fixture(scope="module", params=MODES)
def served(request: pytest.FixtureRequest, cassandra_node: Database, rel_keyspace: str
           ) -> dict[str, Any]:  # fmt: skip
    """The pre-fork server run in one mode: ``pattern`` (the application's own
    hook connects again), ``bare`` (no hook: coodie's), ``sessions`` (sessions
    the application made, registered again by the worker)."""
    summary = _serve(request.param, cassandra_node)
    summary["mode"] = request.param
    return summary


def test_workers_use_their_own_connections(served: dict[str, Any]) -> None:
    assert served["codes"] == [0, 0]
    for report in served["workers"]:
        assert report.get("error") is None, report
        assert not report["core_shared"] and not report["compat_shared"]
        assert report["ports_shared"] == []


def test_workers_read_and_write(served: dict[str, Any], figures: Any) -> None:
    for report in served["workers"]:
        assert (report["core_read"], report["core_async_read"], report["compat_read"]) == (
            "core",
            "core",
            "compat",
        )
        assert report["parent_row"] == "parent"
    figures.add("forked workers checked", len(served["workers"]))


def test_parent_keeps_working_after_forking(served: dict[str, Any]) -> None:
    assert served["parent_after"] == ["still", "still"]


@pytest.mark.parametrize("served", ["sessions"], indirect=True)
def test_an_inherited_application_session_is_refused_by_name(served: dict[str, Any]) -> None:
    for report in served["workers"]:
        core, compat = report["stale"]
        assert core.startswith("coodie_core.errors.StaleConnection: connection 'app' "), core
        assert compat.startswith("coodie_compat.connection.StaleConnection: connection "
                                 "'app_compat' "), compat  # fmt: skip
        assert "os.fork()" in core and "os.fork()" in compat
