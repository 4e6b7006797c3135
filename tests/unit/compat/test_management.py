"""coodie_compat.management without a database: exact DDL text and decisions.

The schema functions read ``get_cluster(connection).metadata`` and send DDL
through the ``execute`` bound into the module.  Here both are replaced: the
metadata is built from the driver's own metadata classes, and a recorder
keeps every statement instead of sending it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from cassandra.metadata import (
    ColumnMetadata,
    IndexMetadata,
    KeyspaceMetadata,
    TableMetadataV3,
)
from cassandra.metadata import UserType as UserTypeMetadata

from coodie_compat import CQLEngineException, columns, connection, management
from coodie_compat.models import Model
from coodie_compat.usertype import UserType
from coodie_core.management import DDL_TIMEOUT

# --- a recording stand-in for the driver -------------------------------------------------


@dataclass
class FakeMetadata:
    keyspaces: dict[str, KeyspaceMetadata] = field(default_factory=dict)


@dataclass
class FakeCluster:
    """Driver metadata plus the refresh calls management makes."""

    metadata: FakeMetadata = field(default_factory=FakeMetadata)
    refreshed: list[tuple[str, str]] = field(default_factory=list)

    def refresh_table_metadata(self, keyspace: str, table: str) -> None:
        # Stands for the driver reading the table the recorded CREATE made.
        self.refreshed.append((keyspace, table))
        self.metadata.keyspaces[keyspace].tables[table] = live_table(keyspace, table, [], [], {})

    def refresh_user_type_metadata(self, keyspace: str, type_name: str) -> None:
        self.refreshed.append((keyspace, type_name))


@dataclass
class Recorder:
    """Replaces the bound ``execute``: keeps (cql, connection) and checks the timeout."""

    sent: list[str] = field(default_factory=list)
    connections: list[Any] = field(default_factory=list)

    def __call__(self, cql: str, connection: Any = None, timeout: Any = None) -> None:
        assert timeout == DDL_TIMEOUT
        self.sent.append(cql)
        self.connections.append(connection)


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> FakeCluster:
    fake = FakeCluster()
    fake.metadata.keyspaces["ks"] = KeyspaceMetadata("ks", True, "SimpleStrategy",
                                                     {"replication_factor": "1"})
    monkeypatch.setattr(management, "get_cluster", lambda connection=None: fake)
    return fake


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(management, "execute", recorder)
    return recorder


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user-type registry side effects; schema management acknowledged."""
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))
    monkeypatch.setenv(management.CQLENG_ALLOW_SCHEMA_MANAGEMENT, "1")


def live_table(keyspace: str, name: str, partition: list[str], clustering: list[str],
               cols: dict[str, str], options: dict[str, Any] | None = None,
               indexes: dict[str, str] | None = None, static: tuple[str, ...] = ()) -> Any:
    """A driver ``TableMetadataV3`` with the given keys, column types, options and indexes."""
    table = TableMetadataV3(keyspace, name, options=options or {})
    table.columns = OrderedDict(
        (n, ColumnMetadata(table, n, t, is_static=n in static)) for n, t in cols.items()
    )
    table.partition_key = [table.columns[n] for n in partition]
    table.clustering_key = [table.columns[n] for n in clustering]
    for index_name, target in (indexes or {}).items():
        table.indexes[index_name] = IndexMetadata(keyspace, name, index_name, "COMPOSITES",
                                                  {"target": target})
    return table


# --- models ------------------------------------------------------------------------------


class Everything(Model):
    __keyspace__ = "ks"
    __table_name__ = "everything"
    __options__ = {"comment": "it's", "default_time_to_live": 20}
    pp = columns.Integer(partition_key=True)
    p2 = columns.Text(partition_key=True, db_field="second")
    c = columns.TimeUUID(primary_key=True, clustering_order="DESC")
    c2 = columns.Text(primary_key=True)
    s = columns.Text(static=True)
    fl = columns.List(columns.Integer, frozen=True)
    u = columns.Map(columns.Text, columns.Tuple(columns.Integer, columns.Text))


class Plain(Model):
    __keyspace__ = "ks"
    __table_name__ = "plain"
    k = columns.UUID(primary_key=True)
    v = columns.Integer()


class Indexed(Model):
    __keyspace__ = "ks"
    __table_name__ = "indexed"
    k = columns.Integer(primary_key=True)
    v = columns.Text(index=True)
    tags = columns.Set(columns.Text, index=True)
    fl = columns.List(columns.Integer, frozen=True, index=True)
    note = columns.Text(custom_index=True)


class Compacted(Model):
    __keyspace__ = "ks"
    __table_name__ = "compacted"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy",
                                  "sstable_size_in_mb": 64}}
    k = columns.Integer(primary_key=True)


class Abstract(Model):
    __abstract__ = True
    __keyspace__ = "ks"
    k = columns.Integer(primary_key=True)


class Address(UserType):
    __type_name__ = "address"
    street = columns.Text()
    zip = columns.Integer(db_field="zipcode")


class Holder(Model):
    __keyspace__ = "ks"
    __table_name__ = "holder"
    k = columns.Integer(primary_key=True)
    home = columns.UserDefinedType(Address)


# --- exact text --------------------------------------------------------------------------


def test_get_create_table_full_text() -> None:
    assert management._get_create_table(Everything) == (
        'CREATE TABLE ks.everything ("pp" int , "second" text , "c" timeuuid , "c2" text , '
        '"s" text static, "fl" frozen<list<int>> , "u" map<text, frozen<tuple<int, text>>> , '
        'PRIMARY KEY (("pp", "second"), "c", "c2")) '
        'WITH CLUSTERING ORDER BY ("c" DESC, "c2" ASC) '
        "AND comment = 'it''s' AND default_time_to_live = 20"
    )


def test_get_create_table_without_clustering_or_options() -> None:
    assert management._get_create_table(Plain) == (
        'CREATE TABLE ks.plain ("k" uuid , "v" int , PRIMARY KEY (("k")))'
    )


def test_get_create_table_reads_options_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Plain, "__options__", {
        "compaction": {"class": "LeveledCompactionStrategy", "sstable_size_in_mb": 64},
        "bloom_filter_fp_chance": 0.1, "cdc": False, "speculative_retry": None,
    })
    assert management._get_create_table(Plain) == (
        'CREATE TABLE ks.plain ("k" uuid , "v" int , PRIMARY KEY (("k"))) '
        "WITH bloom_filter_fp_chance = 0.1 AND cdc = false AND "
        "compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '64'}"
    )


def test_get_create_type_text() -> None:
    assert management.get_create_type(Address, "ks") == (
        "CREATE TYPE ks.address (street text, zipcode int)"
    )
    assert management.get_create_type(Address, "Mixed") == (
        'CREATE TYPE "Mixed".address (street text, zipcode int)'
    )


def test_execute_is_bound_at_import() -> None:
    """DDL goes through the function bound at import, not ``connection.execute`` at call time."""
    assert management.execute is connection.execute


# --- sync_table --------------------------------------------------------------------------


def test_sync_table_creates_table_then_indexes(cluster: FakeCluster, sent: Recorder) -> None:
    management.sync_table(Indexed)
    assert sent.sent == [
        'CREATE TABLE ks.indexed ("k" int , "v" text , "tags" set<text> , '
        '"fl" frozen<list<int>> , "note" text , PRIMARY KEY (("k")))',
        'CREATE INDEX ON ks.indexed ("v")',
        'CREATE INDEX ON ks.indexed ("tags")',
        'CREATE INDEX ON ks.indexed (FULL("fl"))',
    ]
    assert cluster.refreshed == [("ks", "indexed")]


def test_sync_table_existing_indexes_are_not_recreated(cluster: FakeCluster,
                                                       sent: Recorder) -> None:
    cluster.metadata.keyspaces["ks"].tables["indexed"] = live_table(
        "ks", "indexed", ["k"], [],
        {"k": "int", "v": "text", "tags": "set<text>", "fl": "frozen<list<int>>",
         "note": "text"},
        indexes={"any_name": "v", "x": "values(tags)", "y": "full(fl)"},
    )
    management.sync_table(Indexed)
    assert sent.sent == []


def test_sync_table_unchanged_table_sends_nothing(cluster: FakeCluster, sent: Recorder) -> None:
    cluster.metadata.keyspaces["ks"].tables["everything"] = live_table(
        "ks", "everything", ["pp", "second"], ["c", "c2"],
        {"pp": "int", "second": "text", "c": "timeuuid", "c2": "text", "s": "text",
         "fl": "frozen<list<int>>", "u": "map<text, frozen<tuple<int, text>>>"},
        options={"comment": "it's", "default_time_to_live": 20, "gc_grace_seconds": 864000},
        static=("s",),
    )
    with _no_warnings():
        management.sync_table(Everything)
    assert sent.sent == []


def test_sync_table_adds_missing_columns_and_logs_extra(cluster: FakeCluster, sent: Recorder,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    cluster.metadata.keyspaces["ks"].tables["plain"] = live_table(
        "ks", "plain", ["k"], [], {"k": "uuid", "old": "text"})
    with caplog.at_level(logging.INFO, logger=management.__name__):
        management.sync_table(Plain)
    assert sent.sent == ['ALTER TABLE ks.plain add "v" int ']
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "[Connection: DEFAULT_CONNECTION, Keyspace: ks] "
        "Table ks.plain has fields not referenced by model: {'old'}"
    ]


def test_sync_table_type_mismatch_warns_and_logs(cluster: FakeCluster, sent: Recorder,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    cluster.metadata.keyspaces["ks"].tables["plain"] = live_table(
        "ks", "plain", ["k"], [], {"k": "uuid", "v": "text"})
    expected = ('[Connection: DEFAULT_CONNECTION, Keyspace: ks] Existing table ks.plain has '
                'column "v" with a type (text) differing from the model type (int). '
                "Model should be updated.")
    with pytest.warns(UserWarning) as caught, caplog.at_level(logging.WARNING,
                                                              logger=management.__name__):
        management.sync_table(Plain)
    assert [str(w.message) for w in caught] == [expected]
    assert [r.getMessage() for r in caplog.records] == [expected]
    assert sent.sent == []


def test_sync_table_primary_key_mismatch(cluster: FakeCluster, sent: Recorder) -> None:
    cluster.metadata.keyspaces["ks"].tables["plain"] = live_table(
        "ks", "plain", ["other"], ["k"], {"other": "int", "k": "uuid", "v": "int"})
    with pytest.raises(CQLEngineException) as raised:
        management.sync_table(Plain)
    assert str(raised.value).endswith(
        "PRIMARY KEY composition does not match existing table ks.plain. "
        "Model: PRIMARY KEY ((k)); Table: PRIMARY KEY ((other), k). "
        "Update model or drop the table."
    )
    assert str(raised.value).startswith("Model <class ")
    assert sent.sent == []


def test_sync_table_missing_keyspace(cluster: FakeCluster, sent: Recorder) -> None:
    with pytest.raises(CQLEngineException) as raised:
        management.sync_table(Plain, keyspaces=["nowhere"])
    assert str(raised.value).startswith(
        "[Connection: DEFAULT_CONNECTION] Keyspace 'nowhere' for model <class ")
    assert str(raised.value).endswith("does not exist.")


def test_sync_table_over_keyspaces_and_connections(monkeypatch: pytest.MonkeyPatch,
                                                   sent: Recorder) -> None:
    fakes = {name: FakeCluster() for name in ("a", "b")}
    for fake in fakes.values():
        for ks in ("ks", "ks2"):
            fake.metadata.keyspaces[ks] = KeyspaceMetadata(ks, True, "SimpleStrategy", {})
    monkeypatch.setattr(management, "get_cluster", lambda connection=None: fakes[connection])
    management.sync_table(Plain, keyspaces=["ks", "ks2"], connections=["a", "b"])
    create = 'CREATE TABLE {}.plain ("k" uuid , "v" int , PRIMARY KEY (("k")))'
    assert sent.sent == [create.format(ks) for ks in ("ks", "ks2", "ks", "ks2")]
    assert sent.connections == ["a", "a", "b", "b"]


def test_sync_table_refusals(cluster: FakeCluster, sent: Recorder) -> None:
    class NotAModel:
        pass

    with pytest.raises(CQLEngineException, match=r"^Models must be derived from base Model\.$"):
        management.sync_table(NotAModel)
    with pytest.raises(CQLEngineException, match=r"^cannot create table from abstract model$"):
        management.sync_table(Abstract)
    with pytest.raises(ValueError, match=r"^keyspaces must be a list or a tuple\.$"):
        management.sync_table(Plain, keyspaces="ks")
    with pytest.raises(ValueError, match=r"^connections must be a list or a tuple\.$"):
        management.sync_table(Plain, connections="c")
    assert sent.sent == []


def test_sync_table_syncs_user_types_first(cluster: FakeCluster, sent: Recorder) -> None:
    management.sync_table(Holder)
    assert sent.sent == [
        "CREATE TYPE ks.address (street text, zipcode int)",
        'CREATE TABLE ks.holder ("k" int , "home" frozen<address> , PRIMARY KEY (("k")))',
    ]
    assert ("ks", "address") in cluster.refreshed


# --- options -----------------------------------------------------------------------------


def _compacted_table(cluster: FakeCluster, compaction: dict[str, str]) -> None:
    cluster.metadata.keyspaces["ks"].tables["compacted"] = live_table(
        "ks", "compacted", ["k"], [], {"k": "int"},
        options={"compaction": compaction, "comment": "", "cdc": None})


def test_update_options_same_values_send_nothing(cluster: FakeCluster, sent: Recorder) -> None:
    _compacted_table(cluster, {
        "class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
        "sstable_size_in_mb": "64", "max_threshold": "32"})
    assert management._update_options(Compacted) is False
    assert sent.sent == []


def test_update_options_changed_entry_resends_the_map(cluster: FakeCluster,
                                                      sent: Recorder) -> None:
    _compacted_table(cluster, {
        "class": "org.apache.cassandra.db.compaction.LeveledCompactionStrategy",
        "sstable_size_in_mb": "160"})
    assert management._update_options(Compacted) is True
    assert sent.sent == [
        "ALTER TABLE ks.compacted WITH compaction = "
        "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '64'}"
    ]


def test_update_options_scalars(cluster: FakeCluster, sent: Recorder,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    _compacted_table(cluster, {"class": "LeveledCompactionStrategy"})
    cluster.metadata.keyspaces["ks"].tables["compacted"].options.update(
        {"gc_grace_seconds": 864000, "bloom_filter_fp_chance": 0.01})
    monkeypatch.setattr(Compacted, "__options__", {
        "comment": "new", "gc_grace_seconds": 864000, "bloom_filter_fp_chance": 0.5})
    assert management._update_options(Compacted) is True
    assert sent.sent == [
        "ALTER TABLE ks.compacted WITH bloom_filter_fp_chance = 0.5 AND comment = 'new'"
    ]


def test_update_options_unknown_option(cluster: FakeCluster, sent: Recorder,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _compacted_table(cluster, {"class": "LeveledCompactionStrategy"})
    monkeypatch.setattr(Compacted, "__options__", {"cdc": True})  # None on the table: unknown
    with pytest.raises(KeyError) as raised:
        management._update_options(Compacted)
    assert raised.value.args == (
        "[Connection: DEFAULT_CONNECTION, Keyspace: ks] Invalid table option: 'cdc'; "
        "known options: ['comment', 'compaction']",
    )


def test_sync_table_calls_update_options_on_existing_tables(
        cluster: FakeCluster, sent: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    _compacted_table(cluster, {"class": "LeveledCompactionStrategy"})
    calls: list[Any] = []
    monkeypatch.setattr(management, "_update_options",
                        lambda model, connection=None: calls.append((model.__name__, connection)))
    management.sync_table(Compacted)
    assert calls == [("Compacted", None)]


# --- indexes -----------------------------------------------------------------------------


def test_get_index_name_by_column() -> None:
    table = live_table("ks", "t", ["k"], [], {"k": "int", "a": "int", "b": "set<int>",
                                              "Mixed": "int", "f": "frozen<list<int>>"},
                       indexes={"i1": "a", "i2": "values(b)", "i3": '"Mixed"', "i4": "full(f)",
                                "i5": "keys(m)"})
    assert management._get_index_name_by_column(table, "a") == "i1"
    assert management._get_index_name_by_column(table, "b") == "i2"
    assert management._get_index_name_by_column(table, "Mixed") == "i3"
    assert management._get_index_name_by_column(table, "f") == "i4"
    assert management._get_index_name_by_column(table, "m") is None
    assert management._get_index_name_by_column(table, "k") is None


# --- drop, keyspaces, the environment rule -----------------------------------------------


def test_drop_table_only_when_present(cluster: FakeCluster, sent: Recorder) -> None:
    management.drop_table(Plain)
    assert sent.sent == []
    cluster.metadata.keyspaces["ks"].tables["plain"] = live_table(
        "ks", "plain", ["k"], [], {"k": "uuid"})
    management.drop_table(Plain)
    assert sent.sent == ["DROP TABLE IF EXISTS ks.plain"]


def test_keyspaces(cluster: FakeCluster, sent: Recorder) -> None:
    management.create_keyspace_simple("ks", 3)  # exists: nothing sent
    management.create_keyspace_simple("fresh", 2, durable_writes=False, connections=["c1"])
    management.create_keyspace_network_topology("Topo", {"dc1": 1, "dc2": 3})
    management.drop_keyspace("absent")
    management.drop_keyspace("ks", connections=("c1", "c2"))
    assert sent.sent == [
        "CREATE KEYSPACE IF NOT EXISTS fresh WITH replication = {'class': "
        "'NetworkTopologyStrategy', 'replication_factor': 2} AND durable_writes = false",
        "CREATE KEYSPACE IF NOT EXISTS \"Topo\" WITH replication = {'class': "
        "'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 3} AND durable_writes = true",
        "DROP KEYSPACE IF EXISTS ks",
        "DROP KEYSPACE IF EXISTS ks",
    ]
    assert sent.connections == ["c1", None, "c1", "c2"]
    with pytest.raises(ValueError, match=r"^Connections must be a list or a tuple\.$"):
        management.create_keyspace_simple("x", 1, connections="c1")
    with pytest.raises(ValueError, match=r"^Connections must be a list or a tuple\.$"):
        management.drop_keyspace("x", connections="c1")


def test_schema_management_warning_when_variable_unset(
        cluster: FakeCluster, sent: Recorder, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv(management.CQLENG_ALLOW_SCHEMA_MANAGEMENT)
    expected = ("CQLENG_ALLOW_SCHEMA_MANAGEMENT environment variable is not set. Future "
                "versions of this package will require this variable to enable management "
                "functions.")
    with pytest.warns(UserWarning) as caught, caplog.at_level(logging.WARNING,
                                                              logger=management.__name__):
        management.drop_keyspace("absent")
    assert [str(w.message) for w in caught] == [expected]
    assert [r.getMessage() for r in caplog.records] == [expected]


# --- sync_type ---------------------------------------------------------------------------


def _address_type(cluster: FakeCluster, names: list[str], types: list[str]) -> None:
    cluster.metadata.keyspaces["ks"].user_types["address"] = UserTypeMetadata(
        "ks", "address", names, types)


def test_sync_type_adds_missing_fields(cluster: FakeCluster, sent: Recorder) -> None:
    _address_type(cluster, ["street"], ["text"])
    management.sync_type("ks", Address)
    assert sent.sent == ['ALTER TYPE ks.address ADD "zipcode" int ']
    assert connection.udt_by_keyspace["ks"]["address"] is Address


def test_sync_type_field_type_mismatch_warns(cluster: FakeCluster, sent: Recorder,
                                             caplog: pytest.LogCaptureFixture) -> None:
    _address_type(cluster, ["street", "zipcode"], ["text", "text"])
    expected = ('[Connection: DEFAULT_CONNECTION, Keyspace: ks] Existing user type ks.address '
                'has field "zipcode" with a type (text) differing from the model user type '
                "(int). UserType should be updated.")
    with pytest.warns(UserWarning) as caught, caplog.at_level(logging.WARNING,
                                                              logger=management.__name__):
        management.sync_type("ks", Address)
    assert [str(w.message) for w in caught] == [expected]
    assert [r.getMessage() for r in caplog.records] == [expected]
    assert sent.sent == []


def test_sync_type_refuses_non_user_types(cluster: FakeCluster, sent: Recorder) -> None:
    with pytest.raises(CQLEngineException, match=r"^Types must be derived from base UserType\.$"):
        management.sync_type("ks", Plain)


class _no_warnings:
    """Fail if any warning is emitted inside the block."""

    def __enter__(self) -> None:
        import warnings

        self._catcher = warnings.catch_warnings(record=True)
        self._caught = self._catcher.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc: object) -> None:
        self._catcher.__exit__(*exc)
        assert [str(w.message) for w in self._caught] == []
