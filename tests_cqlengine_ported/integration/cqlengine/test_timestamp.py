"""USING TIMESTAMP on batches, creates, updates and deletes; future and past timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from unittest import mock
from uuid import uuid4

from coodie_compat import columns
from coodie_compat.management import sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestTimestampModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()


class BaseTimestampTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestTimestampModel)


_TABLE = "cqlengine_test.test_timestamp_model"
_INSERT = f'INSERT INTO {_TABLE} ("id", "count") VALUES (%(0)s, %(1)s)'
_UPDATE = f'UPDATE {_TABLE} USING TIMESTAMP <ts> SET "count" = %(0)s WHERE "id" = %(1)s'


def _matches(template: str, sent: mock.MagicMock) -> bool:
    """Does the last CQL sent equal ``template``, with ``<ts>`` standing for any number?"""
    pattern = re.escape(template).replace(re.escape("<ts>"), r"\d+")
    return re.fullmatch(pattern, sent.call_args[0][0].query_string) is not None


class BatchTest(BaseTimestampTest):
    def test_batch_is_included(self) -> None:
        with mock.patch.object(self.session, "execute") as sent, \
                BatchQuery(timestamp=timedelta(seconds=30)) as batch:
            TestTimestampModel.batch(batch).create(count=1)
        assert _matches(f"BEGIN  BATCH USING TIMESTAMP <ts>\n  {_INSERT}\nAPPLY BATCH;", sent)


class CreateWithTimestampTest(BaseTimestampTest):
    def test_batch(self) -> None:
        with mock.patch.object(self.session, "execute") as sent, BatchQuery() as batch:
            TestTimestampModel.timestamp(timedelta(seconds=10)).batch(batch).create(count=1)
        # The statement's own timestamp stays inside the statement.
        assert _matches(f"BEGIN  BATCH\n  {_INSERT} USING TIMESTAMP <ts>\nAPPLY BATCH;", sent)

    def test_timestamp_not_included_on_normal_create(self) -> None:
        with mock.patch.object(self.session, "execute") as sent:
            TestTimestampModel.create(count=2)
        assert _matches(_INSERT, sent)

    def test_timestamp_is_set_on_model_queryset(self) -> None:
        delta = timedelta(seconds=30)
        assert TestTimestampModel.timestamp(delta)._timestamp == delta

    def test_non_batch_syntax_integration(self) -> None:
        assert TestTimestampModel.timestamp(timedelta(seconds=30)).create(count=1)

    def test_non_batch_syntax_with_tll_integration(self) -> None:
        assert TestTimestampModel.timestamp(timedelta(seconds=30)).ttl(30).create(count=1)

    def test_non_batch_syntax_unit(self) -> None:
        with mock.patch.object(self.session, "execute") as sent:
            TestTimestampModel.timestamp(timedelta(seconds=30)).create(count=1)
        assert _matches(f"{_INSERT} USING TIMESTAMP <ts>", sent)

    def test_non_batch_syntax_with_ttl_unit(self) -> None:
        with mock.patch.object(self.session, "execute") as sent:
            TestTimestampModel.timestamp(timedelta(seconds=30)).ttl(30).create(count=1)
        assert _matches(f"{_INSERT} USING TTL 30 AND TIMESTAMP <ts>", sent)


class UpdateWithTimestampTest(BaseTimestampTest):
    def setUp(self) -> None:
        self.instance = TestTimestampModel.create(count=1)
        super().setUp()

    def test_instance_update_includes_timestamp_in_query(self) -> None:
        with mock.patch.object(self.session, "execute") as sent:
            self.instance.timestamp(timedelta(seconds=30)).update(count=2)
        assert _matches(_UPDATE, sent)

    def test_instance_update_in_batch(self) -> None:
        with mock.patch.object(self.session, "execute") as sent, BatchQuery() as batch:
            self.instance.batch(batch).timestamp(timedelta(seconds=30)).update(count=2)
        # A batch renumbers each statement: WHERE values first, then assignments.
        renumbered = f'UPDATE {_TABLE} USING TIMESTAMP <ts> SET "count" = %(1)s WHERE "id" = %(0)s'
        assert _matches(f"BEGIN  BATCH\n  {renumbered}\nAPPLY BATCH;", sent)


def _absent(uid: object) -> bool:
    try:
        TestTimestampModel.get(id=uid)
    except TestTimestampModel.DoesNotExist:
        return True
    return False


class DeleteWithTimestampTest(BaseTimestampTest):
    def test_non_batch(self) -> None:
        uid = uuid4()
        row = TestTimestampModel.create(id=uid, count=1)
        assert TestTimestampModel.get(id=uid)
        # A delete 5 s in the future also hides a row written now.
        row.timestamp(timedelta(seconds=5)).delete()
        assert _absent(uid)
        row = TestTimestampModel.create(id=uid, count=1)
        assert _absent(uid)

        row.timestamp(timedelta(seconds=5))
        assert row._timestamp
        row.save()
        assert not row._timestamp  # a write clears the instance timestamp
        row.timestamp(timedelta(seconds=5))
        row.update()
        assert not row._timestamp

    def test_blind_delete(self) -> None:
        uid = uuid4()
        TestTimestampModel.create(id=uid, count=1)
        assert TestTimestampModel.get(id=uid)
        TestTimestampModel.objects(id=uid).timestamp(timedelta(seconds=5)).delete()
        assert _absent(uid)
        TestTimestampModel.create(id=uid, count=1)
        assert _absent(uid)

    def test_blind_delete_with_datetime(self) -> None:
        uid = uuid4()
        TestTimestampModel.create(id=uid, count=1)
        assert TestTimestampModel.get(id=uid)
        TestTimestampModel.objects(id=uid).timestamp(datetime.now() + timedelta(seconds=5)).delete()
        assert _absent(uid)
        TestTimestampModel.create(id=uid, count=1)
        assert _absent(uid)

    def test_delete_in_the_past(self) -> None:
        uid = uuid4()
        TestTimestampModel.create(id=uid, count=1)
        assert TestTimestampModel.get(id=uid)
        # A delete older than the write leaves the row alone.
        TestTimestampModel.objects(id=uid).timestamp(timedelta(seconds=-60)).delete()
        assert not _absent(uid)
