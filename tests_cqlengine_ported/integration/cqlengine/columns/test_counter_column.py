"""Counter columns: declaration rules and increments (upstream `columns/test_counter_column.py`)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model, ModelDefinitionException
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestCounterModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    cluster = columns.UUID(primary_key=True, default=uuid4)
    counter = columns.Counter()


class TestClassConstruction(BaseCassEngTestCase):
    def test_defining_a_non_counter_column_fails(self) -> None:
        """A model with a counter may not have other data columns."""
        with pytest.raises(ModelDefinitionException):

            class model(Model):
                partition = columns.UUID(primary_key=True, default=uuid4)
                counter = columns.Counter()
                text = columns.Text()

    def test_defining_a_primary_key_counter_column_fails(self) -> None:
        """A counter cannot be a primary key: refused by Counter, then by the model."""
        with pytest.raises(TypeError):

            class model(Model):
                partition = columns.UUID(primary_key=True, default=uuid4)
                cluster = columns.Counter(primary_ley=True)  # type: ignore[call-arg]
                counter = columns.Counter()

        with pytest.raises(ModelDefinitionException):

            class forced(Model):
                partition = columns.UUID(primary_key=True, default=uuid4)
                cluster = columns.Counter()
                cluster.primary_key = True
                counter = columns.Counter()


class TestCounterColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestCounterModel)
        sync_table(TestCounterModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestCounterModel)

    def test_updates(self) -> None:
        """An increment on a saved instance is applied."""
        instance = TestCounterModel.create()
        instance.counter += 5
        instance.save()

        actual = TestCounterModel.get(partition=instance.partition)
        assert actual.counter == 5

    def test_concurrent_updates(self) -> None:
        """Increments from two copies of the same row both apply."""
        instance = TestCounterModel.create()
        new1 = TestCounterModel.get(partition=instance.partition)
        new2 = TestCounterModel.get(partition=instance.partition)

        new1.counter += 5
        new1.save()
        new2.counter += 5
        new2.save()

        actual = TestCounterModel.get(partition=instance.partition)
        assert actual.counter == 10

    def test_update_from_none(self) -> None:
        """Saving a new instance with an increment creates the row."""
        instance = TestCounterModel()
        instance.counter += 1
        instance.save()

        new = TestCounterModel.get(partition=instance.partition)
        assert new.counter == 1

    def test_new_instance_defaults_to_zero(self) -> None:
        """A new instance's counter is 0."""
        instance = TestCounterModel()
        assert instance.counter == 0

    def test_save_after_no_update(self) -> None:
        """Saving an unchanged loaded instance does not increment."""
        expected_value = 15
        instance = TestCounterModel.create()
        instance.update(counter=expected_value)

        instance = TestCounterModel.get(partition=instance.partition)
        assert instance.counter == expected_value

        instance.save()
        assert instance.counter == expected_value

        instance = TestCounterModel.get(partition=instance.partition)
        assert instance.counter == expected_value
