"""Integration: ``Indexed(target=...)`` on the live node, each body through the sync
and the asyncio front: sync_table creates each index on its target, a second sync
sends no DDL, and contains / contains_key / whole-value filters run on the indexes
without ALLOW FILTERING."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest
from cassandra import InvalidRequest

from coodie_core import management
from coodie_core.document import Document
from coodie_core.errors import IncompatibleSchemaChange, InvalidQuery
from coodie_core.fields import Frozen, Indexed, PartitionKey


def tagged_model(table: str) -> type[Document]:
    """A table with one index of each target (and both defaults) on a fresh table."""

    class Tagged(Document):
        id: Annotated[int, PartitionKey()]
        by_key: Annotated[dict[str, int], Indexed(target="keys")] = {}
        by_value: Annotated[dict[str, int], Indexed()] = {}
        by_entry: Annotated[dict[str, int], Indexed(target="entries")] = {}
        tags: Annotated[list[str], Indexed(target="values")] = []
        whole: Annotated[list[int], Frozen(), Indexed(target="full")] = []
        whole_map: Annotated[dict[str, int], Frozen(), Indexed()] = {}

        class Settings:
            name = table

    return Tagged


ROWS: list[dict[str, Any]] = [
    {"id": 1, "by_key": {"a": 1}, "by_value": {"x": 10}, "by_entry": {"k": 5},
     "tags": ["red"], "whole": [1, 2], "whole_map": {"p": 1}},
    {"id": 2, "by_key": {"b": 1}, "by_value": {"y": 20}, "by_entry": {"k": 6},
     "tags": ["blue", "red"], "whole": [3], "whole_map": {"q": 2}},
    {"id": 3, "by_key": {"a": 7, "c": 7}, "by_value": {"a": 20}, "by_entry": {"j": 5},
     "tags": ["green"], "whole": [2, 1], "whole_map": {"q": 2, "r": 3}},
]  # fmt: skip


def _targets(session: Any, keyspace: str, table: str) -> dict[str, str]:
    rows = session.execute(
        "SELECT index_name, options FROM system_schema.indexes "
        "WHERE keyspace_name = %s AND table_name = %s",
        (keyspace, table),
    )
    return {row.index_name: dict(row.options)["target"] for row in rows}


async def _ids(front: Any, query: Any) -> list[int]:
    return sorted(doc.id for doc in await front(query, "all"))


async def test_each_target_is_created_queried_and_synced_once(
    front: Any, core_keyspace: str, cassandra_session: Any
) -> None:
    table = f"targets_{uuid.uuid4().hex[:8]}"
    model = tagged_model(table)
    ks = core_keyspace
    created = await front(management, "sync_table", model)
    assert created[1:] == [
        f"CREATE INDEX IF NOT EXISTS {table}_by_key_idx ON {ks}.{table} (KEYS(by_key))",
        f"CREATE INDEX IF NOT EXISTS {table}_by_value_idx ON {ks}.{table} (by_value)",
        f"CREATE INDEX IF NOT EXISTS {table}_by_entry_idx ON {ks}.{table} (ENTRIES(by_entry))",
        f"CREATE INDEX IF NOT EXISTS {table}_tags_idx ON {ks}.{table} (VALUES(tags))",
        f"CREATE INDEX IF NOT EXISTS {table}_whole_idx ON {ks}.{table} (FULL(whole))",
        f"CREATE INDEX IF NOT EXISTS {table}_whole_map_idx ON {ks}.{table} (FULL(whole_map))",
    ]
    assert _targets(cassandra_session, ks, table) == {
        f"{table}_by_key_idx": "keys(by_key)",
        f"{table}_by_value_idx": "values(by_value)",
        f"{table}_by_entry_idx": "entries(by_entry)",
        f"{table}_tags_idx": "values(tags)",
        f"{table}_whole_idx": "full(whole)",
        f"{table}_whole_map_idx": "full(whole_map)",
    }
    assert await front(management, "sync_table", model, dry_run=True) == []
    assert await front(management, "sync_table", model) == []  # no DDL sent

    for row in ROWS:
        await front(model(**row), "save")
    find = model.find
    assert await _ids(front, find(by_key__contains_key="a")) == [1, 3]
    assert await _ids(front, find(by_key__contains_key="zz")) == []
    assert await _ids(front, find(by_value__contains=20)) == [2, 3]
    assert await _ids(front, find(tags__contains="red")) == [1, 2]
    assert await _ids(front, find(whole=[1, 2])) == [1]  # the whole list, in order
    assert await _ids(front, find(whole_map={"q": 2})) == [2]
    # an entries index serves CQL's m[key] = value, which core's filters do not build
    entry = cassandra_session.prepare(f"SELECT id FROM {ks}.{table} WHERE by_entry[?] = ?")
    assert sorted(r.id for r in cassandra_session.execute(entry, ("k", 5))) == [1]
    # the keys index cannot serve CONTAINS: it runs only as a filtering query
    assert await _ids(front, find(by_key__contains=7).allow_filtering()) == [3]
    await front(management, "drop_table", model)


async def test_an_index_of_the_models_name_on_another_target_is_refused(
    front: Any, core_keyspace: str
) -> None:
    table = f"retarget_{uuid.uuid4().hex[:8]}"

    class Before(Document):
        id: Annotated[int, PartitionKey()]
        m: Annotated[dict[str, int], Indexed()] = {}

        class Settings:
            name = table

    class After(Document):
        id: Annotated[int, PartitionKey()]
        m: Annotated[dict[str, int], Indexed(target="keys")] = {}

        class Settings:
            name = table

    await front(management, "sync_table", Before)
    problem = f"index {table}_m_idx is on values(m), model has keys(m)"
    for dry_run in (True, False):
        with pytest.raises(IncompatibleSchemaChange) as info:
            await front(management, "sync_table", After, dry_run=dry_run)
        assert info.value.problems == (problem,)
    assert await front(management, "sync_table", Before) == []
    await front(management, "drop_table", Before)


class NotRefused(Exception):
    """The query reached the node although its index cannot serve it."""


async def test_a_filter_its_index_cannot_serve_is_refused_before_sending(
    front: Any, core_keyspace: str
) -> None:
    table = f"unserved_{uuid.uuid4().hex[:8]}"
    model = tagged_model(table)
    await front(management, "sync_table", model)
    try:
        with pytest.raises(
            InvalidQuery, match=r'by_key: CONTAINS needs an index with target="values"'
        ):
            try:
                await front(model.find(by_key__contains=7), "all")
            except InvalidRequest as exc:  # sent, and refused by the node
                raise NotRefused(str(exc)) from exc
            raise NotRefused("the query ran")
    finally:
        await front(management, "drop_table", model)
