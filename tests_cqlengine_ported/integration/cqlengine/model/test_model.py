"""Model behaviour without much I/O: equality, naming, keywords, conflicts, warnings.

Tests that create tables or keyspaces need ``coodie_compat.management`` and
are skipped until it exists.
"""

from __future__ import annotations

import unittest
import warnings
from unittest.mock import patch
from uuid import uuid1

import pytest

from coodie_compat import CQLEngineException, columns, models
from coodie_compat.models import Model, ModelDefinitionException
from tests_cqlengine_ported import harness

needs_management = harness.pending("management")


class TestModel(unittest.TestCase):
    """Model features that need no table."""

    def test_instance_equality(self) -> None:
        class EqualityModel(Model):
            pk = columns.Integer(primary_key=True)

        first, second = EqualityModel(pk=0), EqualityModel(pk=1)
        assert first == first
        assert first != second

    def test_model_equality(self) -> None:
        class EqualityModel0(Model):
            pk = columns.Integer(primary_key=True)

        class EqualityModel1(Model):
            kk = columns.Integer(primary_key=True)

        first, other = EqualityModel0(pk=0), EqualityModel1(kk=1)
        assert first == first
        assert first != other

    @needs_management
    def test_keywords_as_names(self) -> None:
        from coodie_compat.management import (
            create_keyspace_simple,
            drop_keyspace,
            drop_table,
            sync_table,
        )

        create_keyspace_simple("keyspace", 1)
        self.addCleanup(drop_keyspace, "keyspace")

        class table(Model):
            __keyspace__ = "keyspace"
            select = columns.Integer(primary_key=True)
            table = columns.Text()

        drop_table(table)
        sync_table(table)
        created = table.create(select=0, table="table")
        selected = table.objects(select=0)[0]
        assert (created.select, created.table) == (selected.select, selected.table)

        class table(Model):  # type: ignore[no-redef]
            __keyspace__ = "keyspace"
            select = columns.Integer(primary_key=True)
            table = columns.Text()
            where = columns.Text()

        sync_table(table)
        created = table.create(select=1, table="table")
        selected = table.objects(select=1)[0]
        assert (created.select, created.table, created.where) == (
            selected.select, selected.table, selected.where,
        )

    def test_column_family(self) -> None:
        class TestModel(Model):
            k = columns.Integer(primary_key=True)

        assert TestModel.column_family_name() == f"{models.DEFAULT_KEYSPACE}.test_model"
        TestModel.__keyspace__ = "my_test_keyspace"
        assert TestModel.column_family_name() == "my_test_keyspace.test_model"
        del TestModel.__keyspace__
        with patch("coodie_compat.models.DEFAULT_KEYSPACE", None):
            with pytest.raises(CQLEngineException):
                TestModel.column_family_name()
            assert TestModel.column_family_name(include_keyspace=False) == "test_model"

    def test_column_family_case_sensitive(self) -> None:
        class TestModel(Model):
            __table_name__ = "TestModel"
            __table_name_case_sensitive__ = True
            k = columns.Integer(primary_key=True)

        assert TestModel.column_family_name() == f'{models.DEFAULT_KEYSPACE}."TestModel"'
        TestModel.__keyspace__ = "my_test_keyspace"
        assert TestModel.column_family_name() == 'my_test_keyspace."TestModel"'
        del TestModel.__keyspace__
        with patch("coodie_compat.models.DEFAULT_KEYSPACE", None):
            with pytest.raises(CQLEngineException):
                TestModel.column_family_name()
            assert TestModel.column_family_name(include_keyspace=False) == '"TestModel"'


class BuiltInAttributeConflictTest(unittest.TestCase):
    """Columns may not shadow the model's own attributes and methods."""

    def test_model_with_attribute_name_conflict(self) -> None:
        with pytest.raises(ModelDefinitionException):

            class IllegalTimestampColumnModel(Model):
                my_primary_key = columns.Integer(primary_key=True)
                timestamp = columns.BigInt()

    def test_model_with_method_name_conflict(self) -> None:
        with pytest.raises(ModelDefinitionException):

            class IllegalFilterColumnModel(Model):
                my_primary_key = columns.Integer(primary_key=True)
                filter = columns.Text()


class ModelOverWriteTest(unittest.TestCase):
    @needs_management
    def test_model_over_write(self) -> None:
        from coodie_compat.management import drop_table, sync_table

        class TimeModelBase(Model):
            uuid = columns.TimeUUID(primary_key=True)

        class DerivedTimeModel(TimeModelBase):
            __table_name__ = "derived_time"
            uuid = columns.TimeUUID(primary_key=True, partition_key=True)
            value = columns.Text(required=False)

        drop_table(DerivedTimeModel)
        sync_table(DerivedTimeModel)
        self.addCleanup(drop_table, DerivedTimeModel)
        first, second = uuid1(), uuid1()
        DerivedTimeModel.create(uuid=first, value="first")
        DerivedTimeModel.create(uuid=second, value="second")
        assert [r.value for r in DerivedTimeModel.objects.filter(uuid=first)] == ["first"]


class TestColumnComparison(unittest.TestCase):
    def test_comparison(self) -> None:
        model = harness.TestQueryUpdateModel
        cols = [model.partition.column, model.cluster.column, model.count.column,
                model.text.column, model.text_set.column, model.text_list.column,
                model.text_map.column]
        assert cols == sorted(cols)
        partition, cluster = model.partition.column, model.cluster.column
        assert partition != cluster
        assert partition <= cluster
        assert cluster > partition
        assert cluster >= partition


class TestDeprecationWarning(unittest.TestCase):
    @needs_management
    def test_deprecation_warnings(self) -> None:
        from coodie_compat.management import drop_table, sync_table

        class SensitiveModel(Model):
            __table_name__ = "SensitiveModel"
            __table_name_case_sensitive__ = True
            k = columns.Integer(primary_key=True)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sync_table(SensitiveModel)
            self.addCleanup(drop_table, SensitiveModel)
            SensitiveModel.create(k=0)
            rows = SensitiveModel.objects().all().allow_filtering()
            rows[-1]
            rows[-1:]

        messages = [str(w.message) for w in caught]

        def count(text: str) -> int:
            return sum(text in message for message in messages)

        assert count("__table_name_case_sensitive__ will be removed in 4.0.") == 2
        negative = "ModelQuerySet {} with negative indices support will be removed in 4.0."
        assert count(negative.format("indexing")) == 1
        assert count(negative.format("slicing")) == 1
