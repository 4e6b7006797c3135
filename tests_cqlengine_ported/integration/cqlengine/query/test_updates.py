"""Queryset ``update()``: values, validation, None as delete, collection operations."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from coodie_compat import ValidationError, columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import (
    BaseCassEngTestCase,
    TestQueryUpdateModel,
    execute_count,
    greaterthancass20,
    is_prepend_reversed,
)


def _five_rows() -> UUID:
    """Create clusters 0-4 (count=i, text=str(i)) in a new partition; check them (6 queries)."""
    partition = uuid4()
    for i in range(5):
        TestQueryUpdateModel.create(partition=partition, cluster=i, count=i, text=str(i))
    rows = list(TestQueryUpdateModel.objects(partition=partition))
    assert [(r.cluster, r.count, r.text) for r in rows] == [(i, i, str(i)) for i in range(5)]
    return partition


def _rows(partition: UUID) -> list[tuple[int, int | None, str | None]]:
    return [(r.cluster, r.count, r.text) for r in TestQueryUpdateModel.objects(partition=partition)]


class QueryUpdateTests(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestQueryUpdateModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestQueryUpdateModel)

    @staticmethod
    def _one(partition: UUID) -> Any:
        return TestQueryUpdateModel.objects(partition=partition, cluster=1)

    @staticmethod
    def _get(partition: UUID) -> Any:
        return TestQueryUpdateModel.objects.get(partition=partition, cluster=1)

    @execute_count(8)
    def test_update_values(self) -> None:
        partition = _five_rows()
        TestQueryUpdateModel.objects(partition=partition, cluster=3).update(count=6)
        assert _rows(partition) == [(i, 6 if i == 3 else i, str(i)) for i in range(5)]

    @execute_count(6)
    def test_update_values_validation(self) -> None:
        partition = _five_rows()
        with pytest.raises(ValidationError):
            TestQueryUpdateModel.objects(partition=partition, cluster=3).update(count="asdf")

    def test_invalid_update_kwarg(self) -> None:
        with pytest.raises(ValidationError):
            TestQueryUpdateModel.objects(partition=uuid4(), cluster=3).update(bacon=5000)

    def test_primary_key_update_failure(self) -> None:
        with pytest.raises(ValidationError):
            TestQueryUpdateModel.objects(partition=uuid4(), cluster=3).update(cluster=5000)

    @execute_count(8)
    def test_null_update_deletes_column(self) -> None:
        partition = _five_rows()
        TestQueryUpdateModel.objects(partition=partition, cluster=3).update(text=None)
        assert _rows(partition) == [(i, i, None if i == 3 else str(i)) for i in range(5)]

    @execute_count(9)
    def test_mixed_value_and_null_update(self) -> None:
        partition = _five_rows()
        TestQueryUpdateModel.objects(partition=partition, cluster=3).update(count=6, text=None)
        assert _rows(partition) == [
            (i, 6 if i == 3 else i, None if i == 3 else str(i)) for i in range(5)]

    @execute_count(3)
    def test_set_add_updates(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1, text_set={"foo"})
        self._one(partition).update(text_set__add={"bar"})
        assert self._get(partition).text_set == {"foo", "bar"}

    @execute_count(2)
    def test_set_add_updates_new_record(self) -> None:
        partition = uuid4()
        self._one(partition).update(text_set__add={"bar"})  # an update creates the row
        assert self._get(partition).text_set == {"bar"}

    @execute_count(3)
    def test_set_remove_updates(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1,
                                            text_set={"foo", "baz"})
        self._one(partition).update(text_set__remove={"foo"})
        assert self._get(partition).text_set == {"baz"}

    @execute_count(3)
    def test_set_remove_new_record(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1, text_set={"foo"})
        self._one(partition).update(text_set__remove={"afsd"})  # absent: nothing happens
        assert self._get(partition).text_set == {"foo"}

    @execute_count(3)
    def test_list_append_updates(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1, text_list=["foo"])
        self._one(partition).update(text_list__append=["bar"])
        assert self._get(partition).text_list == ["foo", "bar"]

    @execute_count(3)
    def test_list_prepend_updates(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1, text_list=["foo"])
        prepended = ["bar", "baz"]
        self._one(partition).update(text_list__prepend=prepended)
        head = prepended[::-1] if is_prepend_reversed() else prepended
        assert self._get(partition).text_list == [*head, "foo"]

    @execute_count(3)
    def test_map_update_updates(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1,
                                            text_map={"foo": "1", "bar": "2"})
        self._one(partition).update(text_map__update={"bar": "3", "baz": "4"})
        assert self._get(partition).text_map == {"foo": "1", "bar": "3", "baz": "4"}

    @execute_count(3)
    def test_map_update_none_deletes_key(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1,
                                            text_map={"foo": "1", "bar": "2"})
        self._one(partition).update(text_map__update={"bar": None})  # a null value deletes
        assert self._get(partition).text_map == {"foo": "1"}

    @greaterthancass20
    @execute_count(5)
    def test_map_update_remove(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1,
                                            text_map={"foo": "1", "bar": "2"},
                                            bin_map={123: b"1", 789: b"2"})
        self._one(partition).update(
            text_map__remove={"bar"}, text_map__update={"foz": "4", "foo": "2"},
            bin_map__remove={789}, bin_map__update={456: b"4", 123: b"2"})
        row = self._get(partition)
        assert row.text_map == {"foo": "2", "foz": "4"}
        assert row.bin_map == {123: b"2", 456: b"4"}
        self._one(partition).update(text_map__remove={"foo", "foz"}, bin_map__remove={123, 456})
        row = self._get(partition)
        assert row.text_map == {}
        assert row.bin_map == {}

    def test_map_remove_rejects_non_sets(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1,
                                            text_map={"foo": "1", "bar": "2"})
        with pytest.raises(ValidationError):
            self._one(partition).update(text_map__remove=["bar"])

    @execute_count(3)
    def test_an_extra_delete_is_not_sent(self) -> None:
        partition = uuid4()
        TestQueryUpdateModel.objects.create(partition=partition, cluster=1)
        row = self._one(partition).first()
        # Nulls read from the server are not "deleted": saving sends one UPDATE only.
        assert not [name for name, value in row._values.items() if value.deleted]
        row.text = "foo"
        row.save()


class StaticDeleteModel(Model):
    example_id = columns.Integer(partition_key=True, primary_key=True, default=uuid4)
    example_static1 = columns.Integer(static=True)
    example_static2 = columns.Integer(static=True)
    example_clust = columns.Integer(primary_key=True)


class StaticDeleteTests(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(StaticDeleteModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(StaticDeleteModel)

    def test_static_deletion(self) -> None:
        StaticDeleteModel.create(example_id=5, example_clust=5, example_static2=1)
        row = StaticDeleteModel.filter(example_id=5).first()
        assert row.example_static2 == 1
        # Only static columns change: the DELETE must not name the clustering key.
        row.update(example_static2=None)
        assert row.example_static2 is None
        assert StaticDeleteModel.filter(example_id=5).first().example_static2 is None
