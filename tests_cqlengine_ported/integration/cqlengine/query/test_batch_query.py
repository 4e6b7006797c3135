"""Queryset and instance writes inside batches, batch types and batch timeouts."""

from __future__ import annotations

from unittest import mock

import pytest
from cassandra.cluster import Session
from cassandra.query import BatchType as cassandra_BatchType

from coodie_compat import columns
from coodie_compat.connection import NOT_SET
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, DMLQuery
from coodie_compat.query import BatchType as cqlengine_BatchType
from tests_cqlengine_ported.harness import BaseCassEngTestCase, execute_count


class TestMultiKeyModel(Model):
    __test__ = False

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer(required=False)
    text = columns.Text(required=False)


class BatchQueryLogModel(Model):
    k = columns.Integer(primary_key=True)
    v = columns.Integer()


class CounterBatchQueryModel(Model):
    k = columns.Integer(primary_key=True)
    v = columns.Counter()


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

    @execute_count(3)
    def test_insert_success_case(self) -> None:
        batch = BatchQuery()
        TestMultiKeyModel.batch(batch).create(partition=self.pkey, cluster=2, count=3, text="4")
        with pytest.raises(TestMultiKeyModel.DoesNotExist):
            TestMultiKeyModel.get(partition=self.pkey, cluster=2)
        batch.execute()
        TestMultiKeyModel.get(partition=self.pkey, cluster=2)

    @execute_count(4)
    def test_update_success_case(self) -> None:
        row = TestMultiKeyModel.create(partition=self.pkey, cluster=2, count=3, text="4")
        batch = BatchQuery()
        row.count = 4
        row.batch(batch).save()
        assert TestMultiKeyModel.get(partition=self.pkey, cluster=2).count == 3
        batch.execute()
        assert TestMultiKeyModel.get(partition=self.pkey, cluster=2).count == 4

    @execute_count(4)
    def test_delete_success_case(self) -> None:
        row = TestMultiKeyModel.create(partition=self.pkey, cluster=2, count=3, text="4")
        batch = BatchQuery()
        row.batch(batch).delete()
        TestMultiKeyModel.get(partition=self.pkey, cluster=2)
        batch.execute()
        with pytest.raises(TestMultiKeyModel.DoesNotExist):
            TestMultiKeyModel.get(partition=self.pkey, cluster=2)

    @execute_count(11)
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

    @execute_count(9)
    def test_bulk_delete_success_case(self) -> None:
        for cluster in range(5):
            TestMultiKeyModel.create(partition=0, cluster=cluster, count=0, text=f"0:{cluster}")
        with BatchQuery() as batch:
            TestMultiKeyModel.objects.batch(batch).filter(partition=0).delete()
            assert TestMultiKeyModel.filter(partition=0).count() == 5
        assert TestMultiKeyModel.filter(partition=0).count() == 0
        for row in TestMultiKeyModel.all():
            row.delete()

    @execute_count(0)
    def test_none_success_case(self) -> None:
        batch = BatchQuery()
        qs = TestMultiKeyModel.objects.batch(batch)
        assert qs._batch == batch
        assert qs.batch(None)._batch is None

    @execute_count(0)
    def test_dml_none_success_case(self) -> None:
        batch = BatchQuery()
        dml = DMLQuery(TestMultiKeyModel, batch=batch)
        assert dml._batch == batch
        dml.batch(None)
        assert dml._batch is None

    @execute_count(3)
    def test_batch_execute_on_exception_succeeds(self) -> None:
        drop_table(BatchQueryLogModel)
        sync_table(BatchQueryLogModel)
        assert len(BatchQueryLogModel.objects(k=1)) == 0
        with pytest.raises(RuntimeError), BatchQuery(execute_on_exception=True) as batch:
            BatchQueryLogModel.batch(batch).create(k=1, v=1)
            raise RuntimeError("Blah")
        # The batch ran although the block raised.
        assert len(BatchQueryLogModel.objects(k=1)) == 1

    @execute_count(2)
    def test_batch_execute_on_exception_skips_if_not_specified(self) -> None:
        drop_table(BatchQueryLogModel)
        sync_table(BatchQueryLogModel)
        assert len(BatchQueryLogModel.objects(k=2)) == 0
        with pytest.raises(RuntimeError), BatchQuery() as batch:
            BatchQueryLogModel.batch(batch).create(k=2, v=2)
            raise RuntimeError("Blah")
        assert len(BatchQueryLogModel.objects(k=2)) == 0

    @execute_count(1)
    def test_batch_execute_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            with BatchQuery(timeout=1) as batch:
                BatchQueryLogModel.batch(batch).create(k=2, v=2)
            assert session_execute.call_args[-1]["timeout"] == 1

    @execute_count(1)
    def test_batch_execute_no_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            with BatchQuery() as batch:
                BatchQueryLogModel.batch(batch).create(k=2, v=2)
            assert session_execute.call_args[-1]["timeout"] is NOT_SET


class BatchTypeQueryTests(BaseCassEngTestCase):
    def setUp(self) -> None:
        super().setUp()
        sync_table(TestMultiKeyModel)
        sync_table(CounterBatchQueryModel)

    def tearDown(self) -> None:
        drop_table(TestMultiKeyModel)
        drop_table(CounterBatchQueryModel)

    def _check_batch_types(self, unlogged: object, counter: object) -> None:
        with BatchQuery(batch_type=unlogged) as batch:
            TestMultiKeyModel.batch(batch).create(partition=1, cluster=1)
            TestMultiKeyModel.batch(batch).create(partition=1, cluster=2)
        assert len(TestMultiKeyModel.objects(partition=1)) == 2

        # Counter "creates" are increments: 1 + 2 + 10.
        with BatchQuery(batch_type=counter) as batch:
            for step in (1, 2, 10):
                CounterBatchQueryModel.batch(batch).create(k=1, v=step)
        rows = CounterBatchQueryModel.objects(k=1)
        assert len(rows) == 1
        assert rows[0].v == 13

    @execute_count(6)
    def test_cassandra_batch_type(self) -> None:
        self._check_batch_types(cassandra_BatchType.UNLOGGED, cassandra_BatchType.COUNTER)
        with BatchQuery(batch_type=cassandra_BatchType.LOGGED) as batch:
            TestMultiKeyModel.batch(batch).create(partition=1, cluster=1)
            TestMultiKeyModel.batch(batch).create(partition=1, cluster=2)
        assert len(TestMultiKeyModel.objects(partition=1)) == 2

    @execute_count(4)
    def test_cqlengine_batch_type(self) -> None:
        self._check_batch_types(cqlengine_BatchType.Unlogged, cqlengine_BatchType.Counter)
