"""Consistency levels on create, save, batch, blind update and delete."""

from __future__ import annotations

from typing import Any
from unittest import mock
from uuid import uuid4

from cassandra import ConsistencyLevel
from cassandra import ConsistencyLevel as CL
from cassandra.cluster import Session

from coodie_compat import columns, connection
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestConsistencyModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)


class BaseConsistencyTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestConsistencyModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestConsistencyModel)


def _sent_consistency(session_execute: mock.MagicMock) -> Any:
    """The consistency level of the last statement handed to the session."""
    return session_execute.call_args[0][0].consistency_level


class TestConsistency(BaseConsistencyTest):
    def test_create_uses_consistency(self) -> None:
        qs = TestConsistencyModel.consistency(CL.ALL)
        with mock.patch.object(self.session, "execute") as session_execute:
            qs.create(text="i am not fault tolerant this way")
        assert _sent_consistency(session_execute) == CL.ALL

    def test_queryset_is_returned_on_create(self) -> None:
        qs = TestConsistencyModel.consistency(CL.ALL)
        assert isinstance(qs, TestConsistencyModel.__queryset__), type(qs)

    def test_update_uses_consistency(self) -> None:
        row = TestConsistencyModel.create(text="bacon and eggs")
        row.text = "ham sandwich"
        with mock.patch.object(self.session, "execute") as session_execute:
            row.consistency(CL.ALL).save()
        assert _sent_consistency(session_execute) == CL.ALL

    def test_batch_consistency(self) -> None:
        with mock.patch.object(self.session, "execute") as session_execute, \
                BatchQuery(consistency=CL.ALL) as batch:
            TestConsistencyModel.batch(batch).create(text="monkey")
        assert _sent_consistency(session_execute) == CL.ALL

        # The model's consistency does not leak into a batch without one.
        with mock.patch.object(self.session, "execute") as session_execute, \
                BatchQuery() as batch:
            TestConsistencyModel.batch(batch).create(text="monkey")
        assert _sent_consistency(session_execute) != CL.ALL

    def test_blind_update(self) -> None:
        row = TestConsistencyModel.create(text="bacon and eggs")
        row.text = "ham sandwich"
        with mock.patch.object(self.session, "execute") as session_execute:
            TestConsistencyModel.objects(id=row.id).consistency(CL.ALL).update(
                text="grilled cheese")
        assert _sent_consistency(session_execute) == CL.ALL

    def test_delete(self) -> None:
        row = TestConsistencyModel.create(text="bacon and eggs")
        row.text = "ham and cheese sandwich"
        with mock.patch.object(self.session, "execute") as session_execute:
            row.consistency(CL.ALL).delete()
        assert _sent_consistency(session_execute) == CL.ALL
        with mock.patch.object(self.session, "execute") as session_execute:
            TestConsistencyModel.objects(id=row.id).consistency(CL.ALL).delete()
        assert _sent_consistency(session_execute) == CL.ALL

    def test_default_consistency(self) -> None:
        # The driver's default, and the session default set by connection.setup (ONE).
        assert Session._default_consistency_level == ConsistencyLevel.LOCAL_ONE
        assert connection.get_session().default_consistency_level == ConsistencyLevel.ONE
