"""Conditional writes with ``iff()``: rendering, failures and ``existing``, batches, deletes."""

from __future__ import annotations

from typing import Any
from unittest import mock
from uuid import uuid4

import pytest

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, LWTException
from coodie_compat.statements import ConditionalClause
from tests_cqlengine_ported.harness import BaseCassEngTestCase, greaterthancass20


class TestConditionalModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=uuid4)
    count = columns.Integer()
    text = columns.Text(required=False)


class TestUpdateModel(Model):
    __test__ = False

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    value = columns.Integer(required=False)
    text = columns.Text(required=False, index=True)


_TABLE = "cqlengine_test.test_conditional_model"


def _new(**values: Any) -> Any:
    return TestConditionalModel.if_not_exists().create(**values)


def _count(row_id: Any) -> int:
    return int(TestConditionalModel.objects(id=row_id).count())


def _first(row_id: Any) -> Any:
    return TestConditionalModel.objects(id=row_id).first()


@greaterthancass20
class TestConditional(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestConditionalModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestConditionalModel)

    def test_update_using_conditional(self) -> None:
        row = _new(text="blah blah")
        row.text = "new blah"
        with mock.patch.object(self.session, "execute") as session_execute:
            row.iff(text="blah blah").save()
        # The instance's condition is numbered first, before the assignment.
        assert session_execute.call_args[0][0].query_string == (
            f'UPDATE {_TABLE} SET "text" = %(1)s WHERE "id" = %(2)s IF "text" = %(0)s')

    def test_update_conditional_success(self) -> None:
        row = _new(text="blah blah", count=5)
        row.text = "new blah"
        row.iff(text="blah blah").save()
        updated = _first(row.id)
        assert (updated.count, updated.text) == (5, "new blah")

    def test_update_failure(self) -> None:
        row = _new(text="blah blah")
        row.text = "new blah"
        row = row.iff(text="something wrong")
        with pytest.raises(LWTException) as raised:
            row.save()
        # Only the columns of the failed condition come back.
        assert raised.value.existing == {"text": "blah blah", "[applied]": False}

    def test_blind_update(self) -> None:
        row = _new(text="blah blah")
        with mock.patch.object(self.session, "execute") as session_execute:
            TestConditionalModel.objects(id=row.id).iff(text="blah blah").update(
                text="oh hey der")
        # A queryset numbers its WHERE clauses first, then the condition.
        assert session_execute.call_args[0][0].query_string == (
            f'UPDATE {_TABLE} SET "text" = %(2)s WHERE "id" = %(0)s IF "text" = %(1)s')

    def test_blind_update_fail(self) -> None:
        row = _new(text="blah blah")
        qs = TestConditionalModel.objects(id=row.id).iff(text="Not dis!")
        with pytest.raises(LWTException) as raised:
            qs.update(text="this will never work")
        assert raised.value.existing == {"text": "blah blah", "[applied]": False}

    def test_conditional_clause(self) -> None:
        clause = ConditionalClause("some_value", 23)
        clause.set_context_id(3)
        assert str(clause) == '"some_value" = %(3)s'
        assert str(clause) == '"some_value" = %(3)s'  # rendering twice changes nothing

    def test_batch_update_conditional(self) -> None:
        row = _new(text="something", count=5)
        with BatchQuery() as batch:
            row.batch(batch).iff(count=5).update(text="something else")
        updated = _first(row.id)
        assert updated.text == "something else"

        batch = BatchQuery()
        updated.batch(batch).iff(count=6).update(text="and another thing")
        with pytest.raises(LWTException) as raised:
            batch.execute()
        # A failed conditional batch returns the keys and the condition columns.
        assert raised.value.existing == {"id": row.id, "count": 5, "[applied]": False}
        assert _first(row.id).text == "something else"

    def test_batch_update_conditional_several_rows(self) -> None:
        # Upstream skips this test (PYTHON-943); it passes here, so it runs.
        sync_table(TestUpdateModel)
        self.addCleanup(drop_table, TestUpdateModel)
        first = TestUpdateModel.create(partition=1, cluster=1, value=5, text="something")
        second = TestUpdateModel.create(partition=1, cluster=2, value=5, text="something")
        batch = BatchQuery()
        for cluster in (1, 2, 3):
            TestUpdateModel.batch(batch).if_not_exists().create(
                partition=1, cluster=cluster, value=5, text="something else")
        # Two inserts find their row: the server answers with several rows.
        with pytest.raises(LWTException):
            batch.execute()
        # Conditional deletes: a plain delete carries a client timestamp that
        # the batch's Paxos ballot may not exceed within the same millisecond,
        # which would shadow the re-inserted rows (seen under load).
        first.if_exists().delete()
        second.if_exists().delete()
        with pytest.warns(UserWarning, match="Batch executed multiple times"):
            batch.execute()
        assert {r.cluster for r in TestUpdateModel.objects(partition=1)} == {1, 2, 3}

    def test_delete_conditional(self) -> None:
        row = _new(text="something", count=5)
        assert _count(row.id) == 1
        with pytest.raises(LWTException):
            row.iff(count=9999).delete()
        assert _count(row.id) == 1
        row.iff(count=5).delete()
        assert _count(row.id) == 0

        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            TestConditionalModel.objects(id=row.id).iff(count=9999).delete()
        assert _count(row.id) == 1
        TestConditionalModel.objects(id=row.id).iff(count=5).delete()
        assert _count(row.id) == 0

    def test_delete_lwt_ne(self) -> None:
        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            row.iff(count__ne=5).delete()
        row.iff(count__ne=2).delete()
        assert _count(row.id) == 0

        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            TestConditionalModel.objects(id=row.id).iff(count__ne=5).delete()
        TestConditionalModel.objects(id=row.id).iff(count__ne=2).delete()
        assert _count(row.id) == 0

    def test_update_lwt_ne(self) -> None:
        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            row.iff(count__ne=5).update(text="nothing")
        row.iff(count__ne=2).update(text="nothing")
        assert _first(row.id).text == "nothing"
        row.delete()

        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            TestConditionalModel.objects(id=row.id).iff(count__ne=5).update(text="nothing")
        TestConditionalModel.objects(id=row.id).iff(count__ne=2).update(text="nothing")
        assert _first(row.id).text == "nothing"
        row.delete()

    def test_update_to_none(self) -> None:
        # Setting a column to None becomes a conditional DELETE of that column.
        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            row.iff(count=9999).update(text=None)
        assert _first(row.id).text is not None
        row.iff(count=5).update(text=None)
        assert _first(row.id).text is None

        row = _new(text="something", count=5)
        with pytest.raises(LWTException):
            TestConditionalModel.objects(id=row.id).iff(count=9999).update(text=None)
        assert _first(row.id).text is not None
        TestConditionalModel.objects(id=row.id).iff(count=5).update(text=None)
        assert _first(row.id).text is None

    def test_column_delete_after_update(self) -> None:
        # The DELETE that follows drops the condition on "count", just updated.
        row = _new(text="something", count=5)
        row.iff(count=5).update(text=None, count=6)
        assert (row.text, row.count) == (None, 6)
        assert (_first(row.id).text, _first(row.id).count) == (None, 6)

        row = _new(text="something", count=5)
        TestConditionalModel.objects(id=row.id).iff(count=5).update(text=None, count=6)
        assert (_first(row.id).text, _first(row.id).count) == (None, 6)

    def test_conditional_without_instance(self) -> None:
        row_id = uuid4()
        _new(id=row_id, text="test_for_cassandra", count=5)
        TestConditionalModel.iff(count=5).filter(id=row_id).update(text=None, count=6)
        assert (_first(row_id).text, _first(row_id).count) == (None, 6)
