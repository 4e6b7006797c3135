"""Batches of model writes, batch callbacks and the repeated-execution warning."""

from __future__ import annotations

import warnings
from typing import Any
from unittest import mock

import pytest

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery
from tests_cqlengine_ported.harness import BaseCassEngTestCase, assertRegex


class TestMultiKeyModel(Model):
    __test__ = False

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer(required=False)
    text = columns.Text(required=False)


class BatchQueryTests(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        drop_table(TestMultiKeyModel)
        sync_table(TestMultiKeyModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestMultiKeyModel)

    def setUp(self) -> None:
        super().setUp()
        self.pkey = 1
        for row in TestMultiKeyModel.filter(partition=self.pkey):
            row.delete()

    def test_insert_success_case(self) -> None:
        batch = BatchQuery()
        TestMultiKeyModel.batch(batch).create(partition=self.pkey, cluster=2, count=3, text="4")
        with pytest.raises(TestMultiKeyModel.DoesNotExist):
            TestMultiKeyModel.get(partition=self.pkey, cluster=2)
        batch.execute()
        TestMultiKeyModel.get(partition=self.pkey, cluster=2)

    def test_update_success_case(self) -> None:
        row = TestMultiKeyModel.create(partition=self.pkey, cluster=2, count=3, text="4")
        batch = BatchQuery()
        row.count = 4
        row.batch(batch).save()
        assert TestMultiKeyModel.get(partition=self.pkey, cluster=2).count == 3
        batch.execute()
        assert TestMultiKeyModel.get(partition=self.pkey, cluster=2).count == 4

    def test_delete_success_case(self) -> None:
        row = TestMultiKeyModel.create(partition=self.pkey, cluster=2, count=3, text="4")
        batch = BatchQuery()
        row.batch(batch).delete()
        TestMultiKeyModel.get(partition=self.pkey, cluster=2)
        batch.execute()
        with pytest.raises(TestMultiKeyModel.DoesNotExist):
            TestMultiKeyModel.get(partition=self.pkey, cluster=2)

    def test_context_manager(self) -> None:
        with BatchQuery() as batch:
            for cluster in range(5):
                TestMultiKeyModel.batch(batch).create(
                    partition=self.pkey, cluster=cluster, count=3, text="4")
            for cluster in range(5):
                with pytest.raises(TestMultiKeyModel.DoesNotExist):
                    TestMultiKeyModel.get(partition=self.pkey, cluster=cluster)
        for cluster in range(5):
            TestMultiKeyModel.get(partition=self.pkey, cluster=cluster)

    def test_bulk_delete_success_case(self) -> None:
        for cluster in range(5):
            TestMultiKeyModel.create(partition=0, cluster=cluster, count=0, text=f"0:{cluster}")
        with BatchQuery() as batch:
            TestMultiKeyModel.objects.batch(batch).filter(partition=0).delete()
            assert TestMultiKeyModel.filter(partition=0).count() == 5
        assert TestMultiKeyModel.filter(partition=0).count() == 0
        for row in TestMultiKeyModel.all():
            row.delete()

    def test_empty_batch(self) -> None:
        with mock.patch("coodie_compat.connection.execute") as execute:
            BatchQuery().execute()
            with BatchQuery():
                pass
        assert execute.call_count == 0


class BatchQueryCallbacksTests(BaseCassEngTestCase):
    def test_API_managing_callbacks(self) -> None:
        def my_callback(*args: Any, **kwargs: Any) -> None:
            pass

        batch = BatchQuery()
        batch.add_callback(my_callback)
        batch.add_callback(my_callback, 2, named_arg="value")
        batch.add_callback(my_callback, 1, 3)
        assert batch._callbacks == [
            (my_callback, (), {}),
            (my_callback, (2,), {"named_arg": "value"}),
            (my_callback, (1, 3), {}),
        ]

    def test_callbacks_properly_execute_callables_and_tuples(self) -> None:
        history: list[tuple[Any, ...]] = []

        def my_callback(*args: Any, **kwargs: Any) -> None:
            history.append(args)

        batch = BatchQuery()
        batch.add_callback(my_callback)
        batch.add_callback(my_callback, "more", "args")
        batch.execute()
        assert history == [(), ("more", "args")]

    def test_callbacks_tied_to_execute(self) -> None:
        history: list[tuple[Any, ...]] = []

        def my_callback(*args: Any) -> None:
            history.append(args)

        class SomeError(Exception):
            pass

        with BatchQuery() as batch:
            batch.add_callback(my_callback)
        assert len(history) == 1

        # An exception leaving the block means no execute, hence no callback.
        with pytest.raises(SomeError), BatchQuery() as batch:
            batch.add_callback(my_callback)
            raise SomeError
        assert len(history) == 1

        with pytest.raises(SomeError), BatchQuery(execute_on_exception=True) as batch:
            batch.add_callback(my_callback)
            raise SomeError
        assert len(history) == 2

    def test_callbacks_work_multiple_times(self) -> None:
        history: list[tuple[Any, ...]] = []

        def my_callback(*args: Any) -> None:
            history.append(args)

        with pytest.warns() as caught:
            with BatchQuery() as batch:
                batch.add_callback(my_callback)
                batch.execute()
            batch.execute()
        assert len(caught) == 2
        assertRegex(str(caught[0].message), r"^Batch.*multiple.*")
        assert len(history) == 3

    def test_disable_multiple_callback_warning(self) -> None:
        history: list[tuple[Any, ...]] = []

        def my_callback(*args: Any) -> None:
            history.append(args)

        with mock.patch("coodie_compat.query.BatchQuery.warn_multiple_exec", False), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with BatchQuery() as batch:
                batch.add_callback(my_callback)
                batch.execute()
            batch.execute()
        assert not caught
        assert len(history) == 3
