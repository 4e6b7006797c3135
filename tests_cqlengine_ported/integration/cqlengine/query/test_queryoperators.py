"""MinTimeUUID/MaxTimeUUID rendering, and token() queries on models and named tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from coodie_compat import columns, functions, query
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.named import NamedTable
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import WhereClause
from tests_cqlengine_ported.harness import DEFAULT_KEYSPACE, BaseCassEngTestCase, execute_count


def _rendered(where: WhereClause, context_id: int) -> tuple[str, dict[str, Any]]:
    where.set_context_id(context_id)
    ctx: dict[str, Any] = {}
    where.update_context(ctx)
    return str(where), ctx


class TestQuerySetOperation(BaseCassEngTestCase):
    def test_maxtimeuuid_function(self) -> None:
        now = datetime.now()
        where = WhereClause("time", EqualsOperator(), functions.MaxTimeUUID(now))
        assert _rendered(where, 5) == ('"time" = MaxTimeUUID(%(5)s)',
                                       {"5": columns.DateTime().to_database(now)})

    def test_mintimeuuid_function(self) -> None:
        now = datetime.now()
        where = WhereClause("time", EqualsOperator(), functions.MinTimeUUID(now))
        assert _rendered(where, 5) == ('"time" = MinTimeUUID(%(5)s)',
                                       {"5": columns.DateTime().to_database(now)})


class TokenTestModel(Model):
    __table_name__ = "token_test_model"
    key = columns.Integer(primary_key=True)
    val = columns.Integer()


class TestTokenFunction(BaseCassEngTestCase):
    def setUp(self) -> None:
        super().setUp()
        sync_table(TokenTestModel)

    def tearDown(self) -> None:
        super().tearDown()
        drop_table(TokenTestModel)

    @execute_count(15)
    def test_token_function(self) -> None:
        assert TokenTestModel.objects.count() == 0
        for i in range(10):
            TokenTestModel.create(key=i, val=i)
        assert TokenTestModel.objects.count() == 10
        # Page through the table in token order: 5 rows, then everything after the last.
        seen = set()
        last_key = None
        for row in TokenTestModel.objects().limit(5):
            last_key = row.key
            seen.add(last_key)
        assert len(seen) == 5
        seen.update(row.key for row in
                    TokenTestModel.objects(pk__token__gt=functions.Token(last_key)))
        assert seen == set(range(10))
        same_token = TokenTestModel.objects(pk__token=functions.Token(last_key))
        assert len(same_token) == 1
        same_token.all()  # cloning an evaluated token queryset used to fail

    def test_compound_pk_token_function(self) -> None:
        class TestModel(Model):
            p1 = columns.Text(partition_key=True)
            p2 = columns.Text(partition_key=True)

        for token in (functions.Token("a", "b"), functions.Token(("a", "b"))):
            qs = TestModel.objects.filter(pk__token__gt=token)
            where = qs._where[0]
            where.set_context_id(1)
            assert str(where) == 'token("p1", "p2") > token(%(1)s, %(2)s)'
            assert str(qs._select_query()) == (
                'SELECT * FROM cqlengine_test.test_model '
                'WHERE token("p1", "p2") > token(%(0)s, %(1)s) LIMIT 10000')
        with pytest.raises(query.QueryException):  # pk__token takes a Token only
            TestModel.objects.filter(pk__token__gt=10)
        with pytest.raises(query.QueryException):  # a Token goes with pk__token only
            TestModel.objects.filter(p1__gt=functions.Token("a", "b"))
        with pytest.raises(query.QueryException):  # one value per partition key
            TestModel.objects.filter(pk__token__gt=functions.Token("a"))

    @execute_count(7)
    def test_named_table_pk_token_function(self) -> None:
        for i in range(5):
            TokenTestModel.create(key=i, val=i)
        named = NamedTable(DEFAULT_KEYSPACE, TokenTestModel.__table_name__)
        first_query = named.all().limit(1)
        first_page = list(first_query)
        assert len(first_page) == 1
        next_page = list(first_query.filter(pk__token__gt=functions.Token(first_page[-1].key)))
        assert len(next_page) == 1
