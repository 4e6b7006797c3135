"""The session's node answers plain cassandra-driver calls."""

from __future__ import annotations

import uuid
from typing import Any


def test_release_version_is_5_0(cassandra_session: Any) -> None:
    row = cassandra_session.execute("SELECT release_version, data_center FROM system.local").one()
    assert row.release_version.startswith("5.0")
    assert row.data_center == "dc1"


def test_keyspace_table_and_row_round_trip(cassandra_session: Any, fresh_keyspace: str) -> None:
    session = cassandra_session
    session.execute(f"CREATE TABLE {fresh_keyspace}.greeting (id uuid PRIMARY KEY, text text)")
    key = uuid.uuid4()
    insert = session.prepare(f"INSERT INTO {fresh_keyspace}.greeting (id, text) VALUES (?, ?)")
    session.execute(insert, (key, "hello, it's me"))
    row = session.execute(
        session.prepare(f"SELECT id, text FROM {fresh_keyspace}.greeting WHERE id = ?"), (key,)
    ).one()
    assert (row.id, row.text) == (key, "hello, it's me")
