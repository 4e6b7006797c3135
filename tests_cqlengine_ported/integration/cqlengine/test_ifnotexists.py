"""IF NOT EXISTS on inserts, alone and in batches; never on updates; counters refuse it."""

from __future__ import annotations

from typing import Any
from unittest import mock
from uuid import uuid4

import pytest

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, IfNotExistsWithCounterColumn, LWTException
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestIfNotExistsModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)


class TestIfNotExistsWithCounterModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    likes = columns.Counter()


class BaseIfNotExistsTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestIfNotExistsModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestIfNotExistsModel)


class BaseIfNotExistsWithCounterTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestIfNotExistsWithCounterModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestIfNotExistsWithCounterModel)


def _check_untouched(row_id: Any) -> None:
    rows = TestIfNotExistsModel.objects(id=row_id)
    assert len(rows) == 1
    assert (rows.first().count, rows.first().text) == (8, "123456789")


class IfNotExistsInsertTests(BaseIfNotExistsTest):
    def test_insert_if_not_exists(self) -> None:
        row_id = uuid4()
        TestIfNotExistsModel.create(id=row_id, count=8, text="123456789")
        with pytest.raises(LWTException):
            TestIfNotExistsModel.if_not_exists().create(id=row_id, count=9, text="111111111111")
        # Filter values of the queryset are not copied into the created row.
        with pytest.raises(LWTException) as raised:
            TestIfNotExistsModel.objects(count=9, text="111111111111").if_not_exists().create(
                id=row_id)
        # A failed IF NOT EXISTS returns the whole existing row.
        assert raised.value.existing == {
            "count": 8, "id": row_id, "text": "123456789", "[applied]": False}
        _check_untouched(row_id)

    def test_batch_insert_if_not_exists(self) -> None:
        row_id = uuid4()
        with BatchQuery() as batch:
            TestIfNotExistsModel.batch(batch).if_not_exists().create(
                id=row_id, count=8, text="123456789")
        batch = BatchQuery()
        TestIfNotExistsModel.batch(batch).if_not_exists().create(
            id=row_id, count=9, text="111111111111")
        with pytest.raises(LWTException) as raised:
            batch.execute()
        assert raised.value.existing == {
            "count": 8, "id": row_id, "text": "123456789", "[applied]": False}
        _check_untouched(row_id)


_INSERT = ('INSERT INTO cqlengine_test.test_if_not_exists_model ("id", "count") '
           'VALUES (%(0)s, %(1)s) IF NOT EXISTS')


def _sent_cql(session_execute: mock.MagicMock) -> Any:
    return session_execute.call_args[0][0].query_string


class IfNotExistsModelTest(BaseIfNotExistsTest):
    def test_if_not_exists_included_on_create(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute:
            TestIfNotExistsModel.if_not_exists().create(count=8)
        assert _sent_cql(session_execute) == _INSERT

    def test_if_not_exists_included_on_save(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute:
            TestIfNotExistsModel(count=8).if_not_exists().save()
        assert _sent_cql(session_execute) == _INSERT

    def test_queryset_is_returned_on_class(self) -> None:
        qs = TestIfNotExistsModel.if_not_exists()
        assert isinstance(qs, TestIfNotExistsModel.__queryset__), type(qs)

    def test_batch_if_not_exists(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute, \
                BatchQuery() as batch:
            TestIfNotExistsModel.batch(batch).if_not_exists().create(count=8)
        assert _sent_cql(session_execute) == f"BEGIN  BATCH\n  {_INSERT}\nAPPLY BATCH;"


class IfNotExistsInstanceTest(BaseIfNotExistsTest):
    def test_instance_is_returned(self) -> None:
        row = TestIfNotExistsModel.create(text="whatever")
        row.text = "new stuff"
        assert row.if_not_exists() is row
        assert row._if_not_exists is True

    def test_if_not_exists_is_not_include_with_query_on_update(self) -> None:
        row = TestIfNotExistsModel.create(text="whatever")
        row.text = "new stuff"
        row = row.if_not_exists()
        with mock.patch.object(self.session, "execute") as session_execute:
            row.save()  # a persisted row takes the UPDATE path, which has no IF NOT EXISTS
        assert _sent_cql(session_execute) == (
            'UPDATE cqlengine_test.test_if_not_exists_model SET "text" = %(0)s '
            'WHERE "id" = %(1)s')


class IfNotExistWithCounterTest(BaseIfNotExistsWithCounterTest):
    def test_instance_raise_exception(self) -> None:
        with pytest.raises(IfNotExistsWithCounterColumn):
            TestIfNotExistsWithCounterModel.if_not_exists()
