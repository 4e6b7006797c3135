"""IF EXISTS on updates and deletes, alone and in batches; counters refuse it."""

from __future__ import annotations

from typing import Any
from unittest import mock
from uuid import uuid4

import pytest

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, IfExistsWithCounterColumn, LWTException
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestIfExistsModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)


class TestIfExistsModel2(Model):
    __test__ = False

    id = columns.Integer(primary_key=True)
    count = columns.Integer(primary_key=True, required=False)
    text = columns.Text(required=False)


class TestIfExistsWithCounterModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    likes = columns.Counter()


class BaseIfExistsTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestIfExistsModel)
        sync_table(TestIfExistsModel2)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestIfExistsModel)
        drop_table(TestIfExistsModel2)


class BaseIfExistsWithCounterTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestIfExistsWithCounterModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestIfExistsWithCounterModel)


def _not_applied(raised: pytest.ExceptionInfo[LWTException]) -> bool:
    """A failed IF EXISTS reports ``[applied]`` false and nothing else to compare."""
    return raised.value.existing.get("[applied]") is False


class IfExistsUpdateTests(BaseIfExistsTest):
    def test_update_if_exists(self) -> None:
        row_id = uuid4()
        row = TestIfExistsModel.create(id=row_id, count=8, text="123456789")
        row.text = "changed"
        row.if_exists().update()
        assert TestIfExistsModel.get(id=row_id).text == "changed"

        row = TestIfExistsModel.get(id=row_id)
        row.text = "changed_again"
        row.if_exists().save()
        assert TestIfExistsModel.get(id=row_id).text == "changed_again"

        missing = TestIfExistsModel(id=uuid4(), count=44)
        with pytest.raises(LWTException) as raised:
            missing.if_exists().update()
        assert _not_applied(raised)

        with pytest.raises(LWTException) as raised:
            TestIfExistsModel.objects(id=uuid4()).if_exists().update(count=8)
        assert _not_applied(raised)

    def test_batch_update_if_exists_success(self) -> None:
        row_id = uuid4()
        row = TestIfExistsModel.create(id=row_id, count=8, text="123456789")
        with BatchQuery() as batch:
            row.text = "111111111"
            row.batch(batch).if_exists().update()

        with pytest.raises(LWTException) as raised, BatchQuery() as batch:
            TestIfExistsModel(id=uuid4(), count=42).batch(batch).if_exists().update()
        assert _not_applied(raised)

        rows = TestIfExistsModel.objects(id=row_id)
        assert len(rows) == 1
        assert (rows.first().count, rows.first().text) == (8, "111111111")

    def test_batch_mixed_update_if_exists_success(self) -> None:
        row = TestIfExistsModel2.create(id=1, count=8, text="123456789")
        # One statement of the batch targets a missing row: the whole batch fails.
        with pytest.raises(LWTException) as raised, BatchQuery() as batch:
            row.text = "111111112"
            row.batch(batch).if_exists().update()
            TestIfExistsModel2(id=1, count=10, text="Failure").batch(batch).if_exists().update()
        assert _not_applied(raised)

    def test_delete_if_exists(self) -> None:
        row_id = uuid4()
        TestIfExistsModel.create(id=row_id, count=8, text="123456789").if_exists().delete()
        assert len(TestIfExistsModel.objects(id=row_id)) == 0

        with pytest.raises(LWTException) as raised:
            TestIfExistsModel(id=uuid4(), count=44).if_exists().delete()
        assert _not_applied(raised)

        with pytest.raises(LWTException) as raised:
            TestIfExistsModel.objects(id=uuid4()).if_exists().delete()
        assert _not_applied(raised)

    def test_batch_delete_if_exists_success(self) -> None:
        row_id = uuid4()
        row = TestIfExistsModel.create(id=row_id, count=8, text="123456789")
        with BatchQuery() as batch:
            row.batch(batch).if_exists().delete()
        assert len(TestIfExistsModel.objects(id=row_id)) == 0

        with pytest.raises(LWTException) as raised, BatchQuery() as batch:
            TestIfExistsModel(id=uuid4(), count=42).batch(batch).if_exists().delete()
        assert _not_applied(raised)

    def test_batch_delete_mixed(self) -> None:
        row = TestIfExistsModel2.create(id=3, count=8, text="123456789")
        with pytest.raises(LWTException) as raised, BatchQuery() as batch:
            row.batch(batch).if_exists().delete()
            TestIfExistsModel2(id=3, count=42, text="1111111").batch(batch).if_exists().delete()
        assert _not_applied(raised)
        assert len(TestIfExistsModel2.objects(id=3, count=8)) == 1  # nothing was deleted


def _sent_cql(session_execute: mock.MagicMock) -> Any:
    return session_execute.call_args[0][0].query_string


class IfExistsQueryTest(BaseIfExistsTest):
    def test_if_exists_included_on_queryset_update(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute:
            TestIfExistsModel.objects(id=uuid4()).if_exists().update(count=42)
        assert _sent_cql(session_execute) == (
            'UPDATE cqlengine_test.test_if_exists_model SET "count" = %(1)s '
            'WHERE "id" = %(0)s IF EXISTS')

    def test_if_exists_included_on_update(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute:
            TestIfExistsModel(id=uuid4()).if_exists().update(count=8)
        assert _sent_cql(session_execute) == (
            'UPDATE cqlengine_test.test_if_exists_model SET "count" = %(0)s '
            'WHERE "id" = %(1)s IF EXISTS')

    def test_if_exists_included_on_delete(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute:
            TestIfExistsModel(id=uuid4()).if_exists().delete()
        assert _sent_cql(session_execute) == (
            'DELETE FROM cqlengine_test.test_if_exists_model WHERE "id" = %(0)s IF EXISTS')


class IfExistWithCounterTest(BaseIfExistsWithCounterTest):
    def test_instance_raise_exception(self) -> None:
        with pytest.raises(IfExistsWithCounterColumn):
            TestIfExistsWithCounterModel.if_exists()
