"""Keyspaces, table and type sync, options, indexes and warnings on the live node.

Ported from upstream ``tests/integration/cqlengine/management/test_management.py``:
same classes and test names, our own code.  ``TestModel`` comes from the
ported ``query/test_queryset.py``, as upstream.
"""

from __future__ import annotations

import unittest
from typing import Any
from unittest import mock

import pytest
from packaging.version import Version

from coodie_compat import CQLEngineException, columns, management
from coodie_compat.connection import get_cluster, get_session
from coodie_compat.management import _get_table_metadata, drop_table, sync_table, sync_type
from coodie_compat.models import Model
from coodie_compat.usertype import UserType
from tests_cqlengine_ported.harness import (
    CASSANDRA_VERSION,
    DEFAULT_KEYSPACE,
    PROTOCOL_VERSION,
    SCYLLA_VERSION,
    BaseCassEngTestCase,
    MockLoggingHandler,
    greaterthancass20,
    requires_collection_indexes,
    xfail_scylla,
)
from tests_cqlengine_ported.integration.cqlengine.query.test_queryset import TestModel

# Repair-chance options exist before Cassandra 4.0 only.
INCLUDE_REPAIR = Version("4-a") > CASSANDRA_VERSION and SCYLLA_VERSION is None


class KeyspaceManagementTest(BaseCassEngTestCase):
    def test_create_drop_succeeeds(self) -> None:
        cluster = get_cluster()

        simple = "test_ks_ss"
        assert simple not in cluster.metadata.keyspaces
        management.create_keyspace_simple(simple, 2)
        assert simple in cluster.metadata.keyspaces
        management.drop_keyspace(simple)
        assert simple not in cluster.metadata.keyspaces

        topology = "test_ks_nts"
        assert topology not in cluster.metadata.keyspaces
        management.create_keyspace_network_topology(topology, {"dc1": 1})
        assert topology in cluster.metadata.keyspaces
        management.drop_keyspace(topology)
        assert topology not in cluster.metadata.keyspaces


class DropTableTest(BaseCassEngTestCase):
    def test_multiple_deletes_dont_fail(self) -> None:
        sync_table(TestModel)
        drop_table(TestModel)
        drop_table(TestModel)


class LowercaseKeyModel(Model):
    first_key = columns.Integer(primary_key=True)
    second_key = columns.Integer(primary_key=True)
    some_data = columns.Text()


class CapitalizedKeyModel(Model):
    firstKey = columns.Integer(primary_key=True)
    secondKey = columns.Integer(primary_key=True)
    someData = columns.Text()


class PrimaryKeysOnlyModel(Model):
    __table_name__ = "primary_keys_only"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}

    first_key = columns.Integer(primary_key=True)
    second_key = columns.Integer(primary_key=True)


class PrimaryKeysModelChanged(Model):
    __table_name__ = "primary_keys_only"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}

    new_first_key = columns.Integer(primary_key=True)
    second_key = columns.Integer(primary_key=True)


class PrimaryKeysModelTypeChanged(Model):
    __table_name__ = "primary_keys_only"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}

    first_key = columns.Float(primary_key=True)
    second_key = columns.Integer(primary_key=True)


class PrimaryKeysRemovedPk(Model):
    __table_name__ = "primary_keys_only"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}

    second_key = columns.Integer(primary_key=True)


class PrimaryKeysAddedClusteringKey(Model):
    __table_name__ = "primary_keys_only"
    __options__ = {"compaction": {"class": "LeveledCompactionStrategy"}}

    new_first_key = columns.Float(primary_key=True)
    second_key = columns.Integer(primary_key=True)


class CapitalizedKeyTest(BaseCassEngTestCase):
    def test_table_definition(self) -> None:
        """Column names with capitals create a table as well as lower-case ones."""
        sync_table(LowercaseKeyModel)
        sync_table(CapitalizedKeyModel)

        drop_table(LowercaseKeyModel)
        drop_table(CapitalizedKeyModel)


class FirstModel(Model):
    __table_name__ = "first_model"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.UUID()
    third_key = columns.Text()


class SecondModel(Model):
    __table_name__ = "first_model"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.UUID()
    third_key = columns.Text()
    fourth_key = columns.Text()


class ThirdModel(Model):
    __table_name__ = "first_model"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.UUID()
    third_key = columns.Text()
    # fourth_key is gone from the model; the column stays in the table
    blah = columns.Map(columns.Text, columns.Text)


class FourthModel(Model):
    __table_name__ = "first_model"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.UUID()
    third_key = columns.Text()
    # a new attribute name over the existing column
    renamed = columns.Map(columns.Text, columns.Text, db_field="blah")


class AddColumnTest(BaseCassEngTestCase):
    def setUp(self) -> None:
        drop_table(FirstModel)

    def test_add_column(self) -> None:
        sync_table(FirstModel)
        live = _get_table_metadata(FirstModel).columns
        assert set(live) == set(FirstModel._columns)

        sync_table(SecondModel)
        live = _get_table_metadata(FirstModel).columns
        assert set(live) == set(SecondModel._columns)

        sync_table(ThirdModel)
        live = _get_table_metadata(FirstModel).columns
        assert len(live) == 5
        assert len(ThirdModel._columns) == 4
        assert "fourth_key" in live
        assert "fourth_key" not in ThirdModel._columns
        assert "blah" in ThirdModel._columns
        assert "blah" in live

        sync_table(FourthModel)
        live = _get_table_metadata(FirstModel).columns
        assert len(live) == 5
        assert len(ThirdModel._columns) == 4
        assert "fourth_key" in live
        assert "fourth_key" not in FourthModel._columns
        assert "renamed" in FourthModel._columns
        assert "renamed" not in live
        assert "blah" in live


class ModelWithTableProperties(Model):
    __options__: dict[str, Any] = {
        "bloom_filter_fp_chance": "0.76328",
        "comment": "TxfguvBdzwROQALmQBOziRMbkqVGFjqcJfVhwGR",
        "gc_grace_seconds": "2063",
    }
    if INCLUDE_REPAIR:
        __options__.update({"read_repair_chance": "0.17985",
                            "dclocal_read_repair_chance": "0.50811"})

    key = columns.UUID(primary_key=True)


class TablePropertiesTests(BaseCassEngTestCase):
    def setUp(self) -> None:
        drop_table(ModelWithTableProperties)

    def test_set_table_properties(self) -> None:
        sync_table(ModelWithTableProperties)
        expected: dict[str, Any] = {
            "bloom_filter_fp_chance": 0.76328,
            "comment": "TxfguvBdzwROQALmQBOziRMbkqVGFjqcJfVhwGR",
            "gc_grace_seconds": 2063,
        }
        if INCLUDE_REPAIR:
            expected["read_repair_chance"] = 0.17985
        options = management._get_table_metadata(ModelWithTableProperties).options
        assert {k: options.get(k) for k in expected} == expected

    def test_table_property_update(self) -> None:
        options = ModelWithTableProperties.__options__
        options["bloom_filter_fp_chance"] = 0.66778
        options["comment"] = "xirAkRWZVVvsmzRvXamiEcQkshkUIDINVJZgLYSdnGHweiBrAiJdLJkVohdRy"
        options["gc_grace_seconds"] = 96362
        if INCLUDE_REPAIR:
            options["read_repair_chance"] = 0.2989
            options["dclocal_read_repair_chance"] = 0.12732

        sync_table(ModelWithTableProperties)

        table_options = management._get_table_metadata(ModelWithTableProperties).options
        assert options.items() <= table_options.items()

    def test_bogus_option_update(self) -> None:
        sync_table(ModelWithTableProperties)
        option = "no way will this ever be an option"
        try:
            ModelWithTableProperties.__options__[option] = "what was I thinking?"
            with pytest.raises(KeyError, match=f"Invalid table option.*{option}.*"):
                sync_table(ModelWithTableProperties)
        finally:
            ModelWithTableProperties.__options__.pop(option, None)


class SyncTableTests(BaseCassEngTestCase):
    def setUp(self) -> None:
        drop_table(PrimaryKeysOnlyModel)

    def test_sync_table_works_with_primary_keys_only_tables(self) -> None:
        sync_table(PrimaryKeysOnlyModel)
        # raises KeyError when the table does not exist
        table_meta = management._get_table_metadata(PrimaryKeysOnlyModel)
        assert "LeveledCompactionStrategy" in table_meta.as_cql_query()

        PrimaryKeysOnlyModel.__options__["compaction"]["class"] = "SizeTieredCompactionStrategy"
        sync_table(PrimaryKeysOnlyModel)

        table_meta = management._get_table_metadata(PrimaryKeysOnlyModel)
        assert "SizeTieredCompactionStrategy" in table_meta.as_cql_query()

    def test_primary_key_validation(self) -> None:
        """Changing, adding or removing a primary key column raises CQLEngineException."""
        sync_table(PrimaryKeysOnlyModel)
        with pytest.raises(CQLEngineException):
            sync_table(PrimaryKeysModelChanged)
        with pytest.raises(CQLEngineException):
            sync_table(PrimaryKeysAddedClusteringKey)
        with pytest.raises(CQLEngineException):
            sync_table(PrimaryKeysRemovedPk)


class IndexModel(Model):
    __table_name__ = "index_model"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.Text(index=True)


class IndexCaseSensitiveModel(Model):
    __table_name__ = "IndexModel"
    __table_name_case_sensitive__ = True
    first_key = columns.UUID(primary_key=True)
    second_key = columns.Text(index=True)


class BaseInconsistent(Model):
    __table_name__ = "inconsistent"
    first_key = columns.UUID(primary_key=True)
    second_key = columns.Integer(index=True)
    third_key = columns.Integer(index=True)


class ChangedInconsistent(Model):
    __table_name__ = "inconsistent"
    __table_name_case_sensitive__ = True
    first_key = columns.UUID(primary_key=True)
    second_key = columns.Text(index=True)


class BaseInconsistentType(UserType):
    __type_name__ = "type_inconsistent"
    age = columns.Integer()
    name = columns.Text()


class ChangedInconsistentType(UserType):
    __type_name__ = "type_inconsistent"
    age = columns.Integer()
    name = columns.Integer()


class InconsistentTable(BaseCassEngTestCase):
    def setUp(self) -> None:
        drop_table(IndexModel)

    def test_sync_warnings(self) -> None:
        """A table or type whose column type differs from the model is reported as a warning."""
        with MockLoggingHandler().set_module_name(management.__name__) as mock_handler:
            sync_table(BaseInconsistent)
            sync_table(ChangedInconsistent)
            assert "differing from the model type" in mock_handler.messages["warning"][0]
            if Version("2.1") <= CASSANDRA_VERSION:
                sync_type(DEFAULT_KEYSPACE, BaseInconsistentType)
                mock_handler.reset()
                sync_type(DEFAULT_KEYSPACE, ChangedInconsistentType)
                assert "differing from the model user type" in mock_handler.messages["warning"][0]


class TestIndexSetModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True)
    int_set = columns.Set(columns.Integer, index=True)
    int_list = columns.List(columns.Integer, index=True)
    text_map = columns.Map(columns.Text, columns.DateTime, index=True)
    mixed_tuple = columns.Tuple(columns.Text, columns.Integer, columns.Text, index=True)


class IndexTests(BaseCassEngTestCase):
    def setUp(self) -> None:
        drop_table(IndexModel)
        drop_table(IndexCaseSensitiveModel)

    def test_sync_index(self) -> None:
        """The index is created once and found by column on later syncs."""
        sync_table(IndexModel)
        table_meta = management._get_table_metadata(IndexModel)
        assert management._get_index_name_by_column(table_meta, "second_key") is not None

        sync_table(IndexModel)  # the index exists already
        table_meta = management._get_table_metadata(IndexModel)
        assert management._get_index_name_by_column(table_meta, "second_key") is not None

    def test_sync_index_case_sensitive(self) -> None:
        """The same with a case-sensitive table name."""
        sync_table(IndexCaseSensitiveModel)
        table_meta = management._get_table_metadata(IndexCaseSensitiveModel)
        assert management._get_index_name_by_column(table_meta, "second_key") is not None

        sync_table(IndexCaseSensitiveModel)  # the index exists already
        table_meta = management._get_table_metadata(IndexCaseSensitiveModel)
        assert management._get_index_name_by_column(table_meta, "second_key") is not None

    @greaterthancass20
    @requires_collection_indexes
    @xfail_scylla("scylladb/scylladb#22019 - Scylla reports the target of sets as keys(%s)")
    def test_sync_indexed_set(self) -> None:
        """Indexed set, list, map and tuple columns sync without a server error."""
        sync_table(TestIndexSetModel)
        table_meta = management._get_table_metadata(TestIndexSetModel)
        for name in ("int_set", "int_list", "text_map", "mixed_tuple"):
            assert management._get_index_name_by_column(table_meta, name) is not None


class NonModelFailureTest(BaseCassEngTestCase):
    class FakeModel:
        pass

    def test_failure(self) -> None:
        with pytest.raises(CQLEngineException):
            sync_table(self.FakeModel)


class StaticColumnTests(BaseCassEngTestCase):
    def test_static_columns(self) -> None:
        if PROTOCOL_VERSION < 2:
            raise unittest.SkipTest(f"Native protocol 2+ required, using {PROTOCOL_VERSION}")

        class StaticModel(Model):
            id = columns.Integer(primary_key=True)
            c = columns.Integer(primary_key=True)
            name = columns.Text(static=True)

        drop_table(StaticModel)
        session = get_session()

        with mock.patch.object(session, "execute", wraps=session.execute) as m:
            sync_table(StaticModel)
        assert m.call_count > 0
        statement = m.call_args[0][0].query_string
        assert '"name" text static' in statement

        # a second sync must not try to add the static column again
        sync_table(StaticModel)
        with mock.patch.object(session, "execute", wraps=session.execute) as m2:
            sync_table(StaticModel)
        assert len(m2.call_args_list) == 0
