"""Unit tests for DDL planning: exact CQL for create/alter and refusal of
incompatible changes."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

import pytest

from coodie_core.document import Document
from coodie_core.errors import IncompatibleSchemaChange, InvalidValue
from coodie_core.fields import ClusteringKey, Indexed, PartitionKey, Static
from coodie_core.schema import (
    LiveTable,
    NetworkTopologyStrategy,
    SimpleStrategy,
    cql_literal,
    create_keyspace_cql,
    drop_keyspace_cql,
    drop_table_cql,
    live_table_from_rows,
    plan_sync,
)
from coodie_core.statements import Table


class Event(Document):
    tenant: Annotated[str, PartitionKey()]
    day: Annotated[datetime.date, PartitionKey(1)]
    at: Annotated[datetime.datetime, ClusteringKey(order="DESC")]
    id: Annotated[uuid.UUID, ClusteringKey(1)]
    kind: Annotated[str, Indexed()] = ""
    region: Annotated[str, Static()] = ""
    Payload: dict[str, int] = {}

    class Settings:
        keyspace = "ev"
        comment = "it's events"
        default_time_to_live = 86400
        compaction = {"class": "LeveledCompactionStrategy"}


T = Table("ev", "event")
META = Event.table_meta()
LIVE = LiveTable(
    partition_key=("tenant", "day"),
    clustering_key=(("at", "DESC"), ("id", "ASC")),
    columns={
        "tenant": ("text", "partition_key"),
        "day": ("date", "partition_key"),
        "at": ("timestamp", "clustering"),
        "id": ("uuid", "clustering"),
        "kind": ("text", "regular"),
        "region": ("text", "static"),
        "Payload": ("map<text, bigint>", "regular"),
    },
    options={
        "comment": "it's events",
        "default_time_to_live": 86400,
        "compaction": {
            "class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
            "sstable_size_in_mb": "160",
        },
    },
    index_targets=frozenset({"kind"}),
)


def test_keyspace_ddl() -> None:
    assert create_keyspace_cql("ks", SimpleStrategy(3)) == (
        "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 3} AND durable_writes = true"
    )
    nts = NetworkTopologyStrategy({"dc1": 3, "dc2": 2})
    assert create_keyspace_cql("Ks", nts, durable_writes=False) == (
        'CREATE KEYSPACE IF NOT EXISTS "Ks" WITH replication = '
        "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2} AND durable_writes = false"
    )
    assert drop_keyspace_cql("ks") == "DROP KEYSPACE IF EXISTS ks"
    assert drop_table_cql(T) == "DROP TABLE IF EXISTS ev.event"


def test_create_table_plan() -> None:
    assert plan_sync(META, T, None) == [
        "CREATE TABLE IF NOT EXISTS ev.event (tenant text, day date, at timestamp, id uuid, "
        'kind text, region text static, "Payload" map<text, bigint>, '
        "PRIMARY KEY ((tenant, day), at, id)) WITH CLUSTERING ORDER BY (at DESC, id ASC) "
        "AND comment = 'it''s events' AND compaction = {'class': 'LeveledCompactionStrategy'} "
        "AND default_time_to_live = 86400",
        "CREATE INDEX IF NOT EXISTS event_kind_idx ON ev.event (kind)",
    ]


def test_in_sync_table_plans_nothing() -> None:
    assert plan_sync(META, T, LIVE) == []


def test_new_column_missing_index_and_changed_option() -> None:
    columns = dict(LIVE.columns)
    del columns["Payload"]
    live = LiveTable(
        LIVE.partition_key,
        LIVE.clustering_key,
        columns,
        {**LIVE.options, "default_time_to_live": 0},
        frozenset(),
    )
    assert plan_sync(META, T, live) == [
        'ALTER TABLE ev.event ADD "Payload" map<text, bigint>',
        "CREATE INDEX IF NOT EXISTS event_kind_idx ON ev.event (kind)",
        "ALTER TABLE ev.event WITH default_time_to_live = 86400",
    ]


def test_incompatible_changes_are_all_reported() -> None:
    columns = {**LIVE.columns, "kind": ("int", "regular")}
    live = LiveTable(("tenant",), (("at", "ASC"),), columns, LIVE.options, LIVE.index_targets)
    with pytest.raises(IncompatibleSchemaChange) as info:
        plan_sync(META, T, live)
    assert info.value.problems == (
        "partition key is ['tenant'], model has ['tenant', 'day']",
        "clustering key is [('at', 'ASC')], model has [('at', 'DESC'), ('id', 'ASC')]",
        "column kind is int, model has text",
    )


def test_live_table_from_system_schema_rows() -> None:
    rows = [
        {
            "column_name": "b",
            "kind": "clustering",
            "position": 0,
            "clustering_order": "desc",
            "type": "int",
        },
        {
            "column_name": "a",
            "kind": "partition_key",
            "position": 0,
            "clustering_order": "none",
            "type": "text",
        },
        {
            "column_name": "t",
            "kind": "regular",
            "position": -1,
            "clustering_order": "none",
            "type": "frozen<tuple<int, text>>",
        },
    ]
    index_rows = [
        {"index_name": "i", "options": {"target": "values(m)"}},
        {"index_name": "j", "options": {"target": "t"}},
    ]
    live = live_table_from_rows(rows, {"comment": "x"}, index_rows)
    assert live == LiveTable(
        partition_key=("a",),
        clustering_key=(("b", "DESC"),),
        columns={
            "b": ("int", "clustering"),
            "a": ("text", "partition_key"),
            "t": ("frozen<tuple<int, text>>", "regular"),
        },
        options={"comment": "x"},
        index_targets=frozenset({"m", "t"}),
    )
    assert live_table_from_rows([], None, []) is None


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("a'b", "'a''b'"),
        (True, "true"),
        (3, "3"),
        (0.01, "0.01"),
        ({"k": "v", "n": 2}, "{'k': 'v', 'n': 2}"),
    ],
)
def test_cql_literal(value: object, literal: str) -> None:
    assert cql_literal(value) == literal


@pytest.mark.parametrize("value", [None, [1], float("nan"), {1: "x"}, object()])
def test_cql_literal_refuses_other_values(value: object) -> None:
    with pytest.raises(InvalidValue):
        cql_literal(value)
