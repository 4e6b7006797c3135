"""The README's main command, end to end: ``python -m demo`` against the session's node."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SUMMARY_CHECKS = (
    "outputs identical (cqlengine vs compat): yes",
    "converted models match the legacy tables (no schema change): yes",
    "legacy rows identical, read back by the converted models: yes",
)
STAGES = (
    "1 stock cassandra.cqlengine",
    "2 coodie_compat (alias)",
    "3 coodie convert",
    "4 coodie_core asyncio",
)


def test_demo_runs_end_to_end(cassandra_node: Any, cassandra_session: Any) -> None:
    """Every stage runs, the two legacy runs agree, and the keyspaces are dropped."""
    prefix = f"coodie_demo_t{uuid.uuid4().hex[:8]}"
    points = ",".join(f"{host}:{cassandra_node.port}" for host in cassandra_node.contact_points)
    env = dict(os.environ, COODIE_CONTACT_POINTS=points)
    env.pop("COODIE_CQLENGINE_ALIAS", None)
    done = subprocess.run(
        [sys.executable, "-m", "demo", "--keyspace-prefix", prefix],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Connected to Cassandra " in out
    assert "Round-tripped row: " in out and "message='hello from coodie'" in out
    for number in range(1, 5):
        assert f"[{number}/4] " in out
    lines = [line.strip() for line in out.splitlines()]
    summary = lines[lines.index(next(x for x in lines if x.startswith("Summary"))) :]
    for stage in STAGES:
        row = next(line for line in summary if line.startswith(stage))
        assert row.split()[len(stage.split())] == "ok", row
    for check in SUMMARY_CHECKS:
        assert check in summary
    assert summary[-1] == "result: OK"
    assert "models built on: cassandra.cqlengine" in out
    assert "models built on: coodie_compat" in out
    assert not [line for line in out.splitlines() if line.startswith("    ! ")]
    rows = cassandra_session.execute("SELECT keyspace_name FROM system_schema.keyspaces")
    names = [row["keyspace_name"] if isinstance(row, dict) else row[0] for row in rows]
    assert [name for name in names if name.startswith(prefix)] == []
