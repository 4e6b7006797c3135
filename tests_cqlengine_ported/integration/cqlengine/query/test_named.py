"""NamedKeyspace / NamedTable: filter parsing, counts, iteration, get() and views."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from cassandra import ConsistencyLevel
from cassandra.concurrent import execute_concurrent_with_args

from coodie_compat import models, operators
from coodie_compat.named import NamedKeyspace, NamedTable
from coodie_compat.operators import EqualsOperator, GreaterThanOrEqualOperator
from coodie_compat.query import ResultObject
from tests_cqlengine_ported.harness import (
    BaseCassEngTestCase,
    BasicSharedKeyspaceUnitTestCase,
    execute_count,
    execute_with_long_wait_retry,
    get_tablets_disabled_ddl_suffix,
    greaterthanorequalcass30,
    requires_collection_indexes,
)
from tests_cqlengine_ported.integration.cqlengine.query.test_queryset import (
    BaseQuerySetUsage,
    TestModel,
)


def _check_clause(clause: Any, field: str, operator: type, value: Any) -> None:
    assert clause.field == field
    assert isinstance(clause.operator, operator)
    assert clause.value == value


class TestQuerySetOperation(BaseCassEngTestCase):
    table: ClassVar[NamedTable]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.keyspace = NamedKeyspace("cqlengine_test")
        cls.table = cls.keyspace.table("test_model")

    def test_query_filter_parsing(self) -> None:
        query1 = self.table.objects(test_id=5)
        assert len(query1._where) == 1
        assert isinstance(query1._where[0].operator, operators.EqualsOperator)
        assert query1._where[0].value == 5
        query2 = query1.filter(expected_result__gte=1)
        assert len(query2._where) == 2
        assert isinstance(query2._where[1].operator, operators.GreaterThanOrEqualOperator)
        assert query2._where[1].value == 1

    def test_query_expression_parsing(self) -> None:
        query1 = self.table.filter(self.table.column("test_id") == 5)
        assert len(query1._where) == 1
        assert isinstance(query1._where[0].operator, operators.EqualsOperator)
        assert query1._where[0].value == 5
        query2 = query1.filter(self.table.column("expected_result") >= 1)
        assert len(query2._where) == 2
        assert isinstance(query2._where[1].operator, operators.GreaterThanOrEqualOperator)
        assert query2._where[1].value == 1

    def test_filter_method_where_clause_generation(self) -> None:
        query1 = self.table.objects(test_id=5)
        assert len(query1._where) == 1
        _check_clause(query1._where[0], "test_id", EqualsOperator, 5)
        query2 = query1.filter(expected_result__gte=1)
        assert len(query2._where) == 2
        _check_clause(query2._where[0], "test_id", EqualsOperator, 5)
        _check_clause(query2._where[1], "expected_result", GreaterThanOrEqualOperator, 1)

    def test_query_expression_where_clause_generation(self) -> None:
        query1 = self.table.objects(self.table.column("test_id") == 5)
        assert len(query1._where) == 1
        _check_clause(query1._where[0], "test_id", EqualsOperator, 5)
        query2 = query1.filter(self.table.column("expected_result") >= 1)
        assert len(query2._where) == 2
        _check_clause(query2._where[0], "test_id", EqualsOperator, 5)
        _check_clause(query2._where[1], "expected_result", GreaterThanOrEqualOperator, 1)


def _pairs(rows: Any, first: str, second: str) -> set[tuple[Any, Any]]:
    found = [(getattr(row, first), getattr(row, second)) for row in rows]
    assert len(found) == len(set(found))
    return set(found)


@requires_collection_indexes
class TestQuerySetCountSelectionAndIteration(BaseQuerySetUsage):
    table: ClassVar[NamedTable]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        keyspace, table = TestModel.column_family_name().split(".")
        cls.keyspace = NamedKeyspace(keyspace)
        cls.table = cls.keyspace.table(table)

    def _col(self, name: str) -> Any:
        return self.table.column(name)

    @execute_count(2)
    def test_count(self) -> None:
        assert self.table.objects.count() == 12
        assert self.table.objects(test_id=0).count() == 4

    @execute_count(2)
    def test_query_expression_count(self) -> None:
        assert self.table.objects.count() == 12
        assert self.table.objects(self._col("test_id") == 0).count() == 4

    @execute_count(3)
    def test_iteration(self) -> None:
        rows = self.table.objects(test_id=0)
        assert _pairs(rows, "attempt_id", "expected_result") == {
            (0, 5), (1, 10), (2, 15), (3, 20)}
        for rows in (self.table.objects(attempt_id=3).allow_filtering(),
                     self.table.objects(self._col("attempt_id") == 3).allow_filtering()):
            assert len(rows) == 3
            assert _pairs(rows, "test_id", "expected_result") == {(0, 20), (1, 20), (2, 75)}

    @execute_count(2)
    def test_multiple_iterations_work_properly(self) -> None:
        expected = {(0, 5), (1, 10), (2, 15), (3, 20)}
        for rows in (self.table.objects(test_id=0),
                     self.table.objects(self._col("test_id") == 0)):
            assert _pairs(rows, "attempt_id", "expected_result") == expected
            assert _pairs(rows, "attempt_id", "expected_result") == expected

    @execute_count(2)
    def test_multiple_iterators_are_isolated(self) -> None:
        for rows in (self.table.objects(test_id=0),
                     self.table.objects(self._col("test_id") == 0)):
            rows = rows.order_by("attempt_id")
            first, second = iter(rows), iter(rows)
            for attempt_id in [0, 1, 2, 3]:
                assert next(first).attempt_id == attempt_id
                assert next(second).attempt_id == attempt_id

    @staticmethod
    def _check_got(row: Any) -> None:
        assert isinstance(row, ResultObject)
        assert (row.test_id, row.attempt_id) == (0, 0)

    @execute_count(3)
    def test_get_success_case(self) -> None:
        self._check_got(self.table.objects.get(test_id=0, attempt_id=0))
        self._check_got(self.table.objects(test_id=0, attempt_id=0).get())
        self._check_got(self.table.objects(test_id=0).get(attempt_id=0))

    @execute_count(3)
    def test_query_expression_get_success_case(self) -> None:
        test_id, attempt_id = self._col("test_id") == 0, self._col("attempt_id") == 0
        self._check_got(self.table.get(test_id, attempt_id))
        self._check_got(self.table.objects(test_id, attempt_id).get())
        self._check_got(self.table.objects(test_id).get(attempt_id))

    @execute_count(1)
    def test_get_doesnotexist_exception(self) -> None:
        with pytest.raises(self.table.DoesNotExist):
            self.table.objects.get(test_id=100)

    @execute_count(1)
    def test_get_multipleobjects_exception(self) -> None:
        with pytest.raises(self.table.MultipleObjectsReturned):
            self.table.objects.get(test_id=1)


_SCORES = (
    ("pcmanus", "Coup", 2015, 5, 1, 4000), ("jbellis", "Coup", 2015, 5, 3, 1750),
    ("yukim", "Coup", 2015, 5, 3, 2250), ("tjake", "Coup", 2015, 5, 3, 500),
    ("iamaleksey", "Coup", 2015, 6, 1, 2500), ("tjake", "Coup", 2015, 6, 2, 1000),
    ("pcmanus", "Coup", 2015, 6, 2, 2000), ("jmckenzie", "Coup", 2015, 6, 9, 2700),
    ("jbellis", "Coup", 2015, 6, 20, 3500), ("jbellis", "Checkers", 2015, 6, 20, 1200),
    ("jbellis", "Chess", 2015, 6, 21, 3500), ("pcmanus", "Chess", 2015, 1, 25, 3200),
)


class TestNamedWithMV(BasicSharedKeyspaceUnitTestCase):
    default_keyspace: ClassVar[str | None]

    @classmethod
    def create_keyspace(cls, rf: int) -> None:
        ddl = (f"CREATE KEYSPACE {cls.ks_name} WITH replication = {{'class': "
               f"'NetworkTopologyStrategy', 'replication_factor': '{rf}'}}"
               f"{get_tablets_disabled_ddl_suffix()}")
        execute_with_long_wait_retry(cls.session, ddl)

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.default_keyspace = models.DEFAULT_KEYSPACE
        models.DEFAULT_KEYSPACE = cls.ks_name

    @classmethod
    def tearDownClass(cls) -> None:
        models.DEFAULT_KEYSPACE = cls.default_keyspace
        super().tearDownClass()

    def _create_scores_and_views(self, ks: str) -> None:
        for name in ("alltimehigh", "monthlyhigh"):
            self.session.execute(f"DROP MATERIALIZED VIEW IF EXISTS {ks}.{name}")
        self.session.execute(f"DROP TABLE IF EXISTS {ks}.scores")
        self.session.execute(
            f"CREATE TABLE {ks}.scores (user TEXT, game TEXT, year INT, month INT, day INT, "
            "score INT, PRIMARY KEY (user, game, year, month, day))")
        not_null = ("game IS NOT NULL AND year IS NOT NULL AND month IS NOT NULL AND score IS NOT "
                    "NULL AND user IS NOT NULL AND day IS NOT NULL")
        self.session.execute(
            f"CREATE MATERIALIZED VIEW {ks}.monthlyhigh AS SELECT game, year, month, score, "
            f"user, day FROM {ks}.scores WHERE {not_null} "
            "PRIMARY KEY ((game, year, month), score, user, day) "
            "WITH CLUSTERING ORDER BY (score DESC, user ASC, day ASC)")
        self.session.execute(
            f"CREATE MATERIALIZED VIEW {ks}.alltimehigh AS SELECT * FROM {ks}.scores "
            f"WHERE {not_null} PRIMARY KEY (game, score, user, year, month, day) "
            "WITH CLUSTERING ORDER BY (score DESC, user DESC, year DESC, month DESC, day DESC)")

    @greaterthanorequalcass30
    @execute_count(5)
    def test_named_table_with_mv(self) -> None:
        ks = models.DEFAULT_KEYSPACE
        assert ks is not None
        self._create_scores_and_views(ks)
        insert = self.session.prepare(
            f"INSERT INTO {ks}.scores (user, game, year, month, day, score) "
            "VALUES (?, ?, ?, ?, ?, ?)")
        insert.consistency_level = ConsistencyLevel.ALL
        execute_concurrent_with_args(self.session, insert, _SCORES)

        keyspace = NamedKeyspace(ks)
        for table in ("scores", "monthlyhigh", "alltimehigh"):
            assert self.check_table_size(table, keyspace, len(_SCORES))
        monthly = keyspace.table("monthlyhigh").objects.filter(game="Chess", year=2015, month=6)
        assert len(monthly) == 1
        assert (monthly[0]["score"], monthly[0]["user"]) == (3500, "jbellis")
        alltime = keyspace.table("alltimehigh").objects.filter(game="Chess")
        assert len(alltime) == 2
        assert alltime[0]["score"] == 3500

    def check_table_size(self, table_name: str, key_space: NamedKeyspace,
                         expected_size: int) -> bool:
        """Wait (up to 10 reads) until the table or view holds ``expected_size`` rows."""
        table = key_space.table(table_name)
        return any(len(table.objects.all()) == expected_size for _ in range(10))
