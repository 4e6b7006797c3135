"""Integration (dev node): ``QuerySet.using`` follows the keyspace of the
connection it runs on, and schema changes made through coodie empty the
prepared-statement caches (a table dropped and created with other types is
written with the new types)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from coodie_core import Document, PartitionKey, execution
from coodie_core.management import create_keyspace, drop_keyspace, drop_table, sync_table

HOME, AWAY = "exec_home", "exec_away"


class Visit(Document):
    """A table without ``Settings.keyspace``: its keyspace is the connection's."""

    id: Annotated[uuid.UUID, PartitionKey()]
    who: str = ""

    class Settings:
        connection = HOME


@pytest.fixture(scope="module")
def two_keyspaces(cassandra_session: Any) -> Iterator[tuple[str, str]]:
    """Connections ``exec_home`` and ``exec_away`` on one session, each with a keyspace
    of its own holding the ``visit`` table."""
    names = (f"coodie_home_{uuid.uuid4().hex[:8]}", f"coodie_away_{uuid.uuid4().hex[:8]}")
    for connection, keyspace in zip((HOME, AWAY), names, strict=True):
        execution.register_connection(connection, cassandra_session, keyspace=keyspace)
        create_keyspace(keyspace, connection=connection)
    sync_table(Visit)  # in the home keyspace, the model's connection's
    cassandra_session.execute(f"CREATE TABLE {names[1]}.visit (id uuid PRIMARY KEY, who text)")
    try:
        yield names
    finally:
        for connection, keyspace in zip((HOME, AWAY), names, strict=True):
            drop_keyspace(keyspace, connection=connection)
            execution.unregister_connection(connection)


async def test_using_reads_and_writes_the_named_connections_keyspace(
    front: Any, two_keyspaces: tuple[str, str], cassandra_session: Any
) -> None:
    home, away = two_keyspaces
    key = uuid.uuid4()
    await front(Visit(id=key, who="home"), "save")
    await front(Visit.find(id=key).using(AWAY), "update", who="away")  # an upsert in away
    assert (await front(Visit.find(id=key), "get")).who == "home"
    assert (await front(Visit.find(id=key).using(AWAY), "get")).who == "away"
    assert await front(Visit.find().using(AWAY), "count") == 1
    raw = {ks: [r.who for r in cassandra_session.execute(
        f"SELECT who FROM {ks}.visit WHERE id = %s", (key,))] for ks in (home, away)}  # fmt: skip
    assert raw == {home: ["home"], away: ["away"]}
    await front(Visit.find(id=key).using(AWAY), "delete")
    assert await front(Visit.find(id=key).using(AWAY), "first") is None
    assert (await front(Visit.find(id=key), "get")).who == "home"


class Score(Document):
    """``score.value`` is an int..."""

    id: Annotated[int, PartitionKey()]
    value: int = 0

    class Settings:
        name = "exec_score"


class TextScore(Document):
    """...until the table is dropped and created again with ``value`` as text."""

    id: Annotated[int, PartitionKey()]
    value: str = ""

    class Settings:
        name = "exec_score"


def test_a_table_made_again_with_other_types_is_prepared_again(core_keyspace: str) -> None:
    sync_table(Score)
    Score(id=1, value=7).save()
    assert Score.get(id=1).value == 7
    cached = set(execution.get_connection().cache.statements())
    assert f"INSERT INTO {core_keyspace}.exec_score (id, value) VALUES (?, ?)" in cached
    drop_table(Score)
    assert len(execution.get_connection().cache) == 0  # emptied by the schema change
    sync_table(TextScore)
    try:
        TextScore(id=1, value="seven").save()  # the same CQL text, other bind types
        assert TextScore.get(id=1).value == "seven"
    finally:
        drop_table(TextScore)
