"""Integration: keyspaces and sync_table against the live node, through both fronts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest

from coodie_core import management
from coodie_core.document import Document
from coodie_core.errors import IncompatibleSchemaChange
from coodie_core.fields import ClusteringKey, Indexed, PartitionKey
from coodie_core.schema import NetworkTopologyStrategy, SimpleStrategy


def models(table: str) -> tuple[type[Document], type[Document], type[Document]]:
    """Three versions of one table: the original, an additive change, a breaking change."""

    class V1(Document):
        id: Annotated[int, PartitionKey()]
        seq: Annotated[int, ClusteringKey()]
        name: str = ""

        class Settings:
            name = table
            comment = "v1"

    class V2(Document):
        id: Annotated[int, PartitionKey()]
        seq: Annotated[int, ClusteringKey()]
        name: str = ""
        email: Annotated[str, Indexed()] = ""
        tags: list[str] = []

        class Settings:
            name = table
            comment = "v2"
            gc_grace_seconds = 3600

    class Broken(Document):
        id: Annotated[int, PartitionKey()]
        seq: Annotated[str, ClusteringKey()]
        name: int = 0

        class Settings:
            name = table

    return V1, V2, Broken


async def test_sync_table_lifecycle(front: Any, core_keyspace: str, cassandra_cluster: Any) -> None:
    table = f"evolving_{uuid.uuid4().hex[:8]}"
    v1, v2, broken = models(table)
    created = await front(management, "sync_table", v1)
    assert created == [
        f"CREATE TABLE IF NOT EXISTS {core_keyspace}.{table} (id bigint, seq bigint, name text, "
        "PRIMARY KEY ((id), seq)) WITH CLUSTERING ORDER BY (seq ASC) AND comment = 'v1'"
    ]
    assert await front(management, "sync_table", v1) == []  # idempotent
    planned = await front(management, "sync_table", v2, dry_run=True)
    assert planned == [
        f"ALTER TABLE {core_keyspace}.{table} ADD email text",
        f"ALTER TABLE {core_keyspace}.{table} ADD tags list<text>",
        f"CREATE INDEX IF NOT EXISTS {table}_email_idx ON {core_keyspace}.{table} (email)",
        f"ALTER TABLE {core_keyspace}.{table} WITH comment = 'v2' AND gc_grace_seconds = 3600",
    ]
    assert await front(management, "sync_table", v2, dry_run=True) == planned  # dry: no change
    assert await front(management, "sync_table", v2) == planned
    assert await front(management, "sync_table", v2) == []
    cassandra_cluster.refresh_table_metadata(core_keyspace, table)
    live = cassandra_cluster.metadata.keyspaces[core_keyspace].tables[table]
    assert sorted(live.columns) == ["email", "id", "name", "seq", "tags"]
    assert live.options["comment"] == "v2"
    assert live.options["gc_grace_seconds"] == 3600
    with pytest.raises(IncompatibleSchemaChange) as info:
        await front(management, "sync_table", broken)
    assert info.value.problems == (
        "column seq is bigint, model has text",
        "column name is text, model has bigint",
    )
    await front(v2(id=1, seq=1, email="a@b"), "save")
    assert (await front(v2, "get", id=1, seq=1)).email == "a@b"
    await front(management, "drop_table", v2)
    assert await front(management, "sync_table", v1, dry_run=True) == created


async def test_keyspaces(front: Any, cassandra_cluster: Any) -> None:
    simple, nts = f"ks_s_{uuid.uuid4().hex[:8]}", f"ks_n_{uuid.uuid4().hex[:8]}"
    await front(management, "create_keyspace", simple, SimpleStrategy(1))
    await front(management, "create_keyspace", nts, NetworkTopologyStrategy({"dc1": 1}))
    await front(management, "create_keyspace", nts, NetworkTopologyStrategy({"dc1": 1}))
    try:
        cassandra_cluster.refresh_schema_metadata()
        keyspaces = cassandra_cluster.metadata.keyspaces
        assert keyspaces[simple].replication_strategy.replication_factor == 1
        assert keyspaces[nts].replication_strategy.dc_replication_factors == {"dc1": 1}
    finally:
        await front(management, "drop_keyspace", simple)
        await front(management, "drop_keyspace", nts)
    cassandra_cluster.refresh_schema_metadata()
    assert simple not in cassandra_cluster.metadata.keyspaces
