"""Smoke demo: connect to the node, write a row, read it back.

Run with ``./dev demo`` (which starts the embedded node first).
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from cassandra.cluster import Cluster

from coodie_core.testing.provider import parse_contact_points


def main() -> int:
    """Write and read one row through the plain driver; print what came back."""
    hosts, port = parse_contact_points(os.environ.get("COODIE_CONTACT_POINTS", "127.0.0.1"))
    cluster = Cluster(list(hosts), port=port)
    try:
        session = cluster.connect()
        version = session.execute("SELECT release_version FROM system.local").one()[0]
        print(f"Connected to Cassandra {version} at {hosts[0]}:{port}")
        session.execute(
            "CREATE KEYSPACE IF NOT EXISTS coodie_demo WITH replication = "
            "{'class': 'SimpleStrategy', 'replication_factor': 1}"
        )
        session.execute(
            "CREATE TABLE IF NOT EXISTS coodie_demo.greeting "
            "(id uuid PRIMARY KEY, message text, written_at timestamp)"
        )
        key = uuid.uuid4()
        started = time.perf_counter()
        insert = session.prepare(
            "INSERT INTO coodie_demo.greeting (id, message, written_at) "
            "VALUES (?, ?, toTimestamp(now()))"
        )
        session.execute(insert, (key, "hello from coodie"))
        select = session.prepare(
            "SELECT id, message, written_at FROM coodie_demo.greeting WHERE id = ?"
        )
        row = session.execute(select, (key,)).one()
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"Round-tripped row: id={row.id} message={row.message!r} written_at={row.written_at}")
        print(f"Write + read took {elapsed_ms:.1f} ms")
        return 0 if row.message == "hello from coodie" else 1
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
