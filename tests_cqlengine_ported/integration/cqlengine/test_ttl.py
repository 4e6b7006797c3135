"""USING TTL on creates, saves, updates and blind updates; the default_time_to_live option."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock
from uuid import uuid4

from coodie_compat import columns
from coodie_compat.connection import get_session
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestTTLModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)


class BaseTTLTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestTTLModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestTTLModel)


class TestDefaultTTLModel(Model):
    __test__ = False

    __options__ = {"default_time_to_live": 20}
    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)


class BaseDefaultTTLTest(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestDefaultTTLModel)
        sync_table(TestTTLModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestDefaultTTLModel)
        drop_table(TestTTLModel)


_TTL_TABLE = "cqlengine_test.test_ttlmodel"


def _sent(session_execute: mock.MagicMock) -> Any:
    return session_execute.call_args[0][0].query_string


class TTLQueryTests(BaseTTLTest):
    def test_update_queryset_ttl_success_case(self) -> None:
        row = TestTTLModel.create(text="short lived")
        with mock.patch.object(get_session(), "execute") as session_execute:
            TestTTLModel.objects(id=row.id).ttl(60).update(text="shorter lived")
        assert _sent(session_execute) == (
            f'UPDATE {_TTL_TABLE} USING TTL 60 SET "text" = %(1)s WHERE "id" = %(0)s')

    def test_select_ttl_failure(self) -> None:
        # Upstream leaves this empty; a TTL only applies to writes, a SELECT ignores it.
        qs = TestTTLModel.objects(id=uuid4()).ttl(60)
        assert "TTL" not in str(qs)
        assert list(qs) == []


class TTLModelTests(BaseTTLTest):
    def test_ttl_included_on_create(self) -> None:
        with mock.patch.object(get_session(), "execute") as session_execute:
            TestTTLModel.ttl(60).create(text="hello blake")
        assert _sent(session_execute) == (
            f'INSERT INTO {_TTL_TABLE} ("id", "text") VALUES (%(0)s, %(1)s) USING TTL 60')

    def test_queryset_is_returned_on_class(self) -> None:
        qs = TestTTLModel.ttl(60)
        assert isinstance(qs, TestTTLModel.__queryset__), type(qs)


_TTL_UPDATE = f'UPDATE {_TTL_TABLE} USING TTL 60 SET "text" = %(0)s WHERE "id" = %(1)s'


class TTLInstanceUpdateTest(BaseTTLTest):
    def test_update_includes_ttl(self) -> None:
        row = TestTTLModel.create(text="goodbye blake")
        with mock.patch.object(get_session(), "execute") as session_execute:
            row.ttl(60).update(text="goodbye forever")
        assert _sent(session_execute) == _TTL_UPDATE

    def test_update_syntax_valid(self) -> None:
        row = TestTTLModel.create(text="goodbye blake")
        row.ttl(60).update(text="goodbye forever")  # the server accepts the syntax
        assert TestTTLModel.get(id=row.id).text == "goodbye forever"


class TTLInstanceTest(BaseTTLTest):
    def test_instance_is_returned(self) -> None:
        row = TestTTLModel.create(text="whatever")
        row.text = "new stuff"
        assert row.ttl(60) is row
        assert row._ttl == 60

    def test_ttl_is_include_with_query_on_update(self) -> None:
        row = TestTTLModel.create(text="whatever")
        row.text = "new stuff"
        row = row.ttl(60)
        with mock.patch.object(get_session(), "execute") as session_execute:
            row.save()
        assert _sent(session_execute) == _TTL_UPDATE


class TTLBlindUpdateTest(BaseTTLTest):
    def test_ttl_included_with_blind_update(self) -> None:
        row = TestTTLModel.create(text="whatever")
        with mock.patch.object(get_session(), "execute") as session_execute:
            TestTTLModel.objects(id=row.id).ttl(60).update(text="bacon")
        assert _sent(session_execute) == (
            f'UPDATE {_TTL_TABLE} USING TTL 60 SET "text" = %(1)s WHERE "id" = %(0)s')


class TTLDefaultTest(BaseDefaultTTLTest):
    def get_default_ttl(self, table_name: str) -> int:
        """The table's ``default_time_to_live`` option, read from the schema tables."""
        row = get_session().execute(
            "SELECT default_time_to_live FROM system_schema.tables WHERE keyspace_name = "
            f"'cqlengine_test' AND table_name = '{table_name}'").one()
        return int(row["default_time_to_live"])

    def _check_no_ttl_in_update(self, model: Any, row_id: Any, **options: Any) -> None:
        qs = model.objects(id=row_id)
        if "ttl" in options:
            qs = qs.ttl(options["ttl"])
        with mock.patch.object(get_session(), "execute") as session_execute:
            qs.update(text="aligators expired")
        assert not re.search("USING TTL", _sent(session_execute))

    def test_default_ttl_not_set(self) -> None:
        row = TestTTLModel.create(text="some text")
        assert row._ttl is None
        assert self.get_default_ttl("test_ttlmodel") == 0
        self._check_no_ttl_in_update(TestTTLModel, row.id)

    def test_default_ttl_set(self) -> None:
        row = TestDefaultTTLModel.create(text="some text on ttl")
        # The table option applies on the server; the client never sends USING TTL.
        assert row._ttl is None
        assert self.get_default_ttl("test_default_ttlmodel") == 20
        self._check_no_ttl_in_update(TestTTLModel, row.id)

    def test_default_ttl_modify(self) -> None:
        assert self.get_default_ttl("test_default_ttlmodel") == 20
        TestDefaultTTLModel.__options__ = {"default_time_to_live": 10}
        try:
            sync_table(TestDefaultTTLModel)
            assert self.get_default_ttl("test_default_ttlmodel") == 10
        finally:
            TestDefaultTTLModel.__options__ = {"default_time_to_live": 20}
            sync_table(TestDefaultTTLModel)

    def test_override_default_ttl(self) -> None:
        row = TestDefaultTTLModel.create(text="some text on ttl")
        row.ttl(3600)
        assert row._ttl == 3600
        self._check_no_ttl_in_update(TestDefaultTTLModel, row.id, ttl=None)
