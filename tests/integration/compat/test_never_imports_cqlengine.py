"""The facade, used end to end on the node, never imports ``cassandra.cqlengine``.

``facade_walkthrough.py`` runs in a fresh interpreter: models with a UDT,
collections, timestamps, a time series and counters; ``sync_type`` /
``sync_table``; save, update, null-means-delete; queries (token paging,
IN, clustering order); a batch with a callback; LWT failures with
``existing``; TTL; a named table; ``ContextQuery`` on a second connection;
``drop_table`` and ``drop_keyspace``.  It then reports which
``cassandra.cqlengine`` modules were even looked for: none may be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("facade_walkthrough.py")


@pytest.fixture
def keyspace(cassandra_session: Any) -> Iterator[str]:
    """A keyspace name the script creates and drops; dropped here too if the script failed."""
    name = f"coodie_facade_{uuid.uuid4().hex[:10]}"
    yield name
    cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {name}")


def test_whole_facade_without_cqlengine(cassandra_node: Any, keyspace: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CQLENG_ALLOW_SCHEMA_MANAGEMENT": "1"}
    env.pop("COODIE_CQLENGINE_ALIAS", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), cassandra_node.contact_points[0], str(cassandra_node.port),
         keyspace],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"attempted": [], "loaded": [], "checks": 19}
