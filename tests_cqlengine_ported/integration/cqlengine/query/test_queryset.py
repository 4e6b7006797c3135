"""The model queryset: parsing, immutability, evaluation, ordering, slicing, validation,
deletes, time functions, IN/CONTAINS, values_list, paging, timeouts and db_field models.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo
from typing import Any
from unittest import mock
from uuid import uuid4

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Session
from cassandra.util import uuid_from_time

from coodie_compat import columns, functions, operators, query, statements
from coodie_compat.connection import NOT_SET, get_session
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, QueryException
from tests_cqlengine_ported.harness import (
    DEFAULT_KEYSPACE,
    BaseCassEngTestCase,
    TestCluster,
    execute_count,
    greaterthancass20,
    greaterthancass21,
    greaterthanorequalcass30,
    requires_collection_indexes,
)


class TzOffset(tzinfo):
    """A fixed offset from UTC, for timezone-aware datetimes."""

    def __init__(self, offset: int) -> None:
        self._offset = timedelta(hours=offset)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self._offset

    def tzname(self, dt: datetime | None) -> str:
        return f"TzOffset: {self._offset}"

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


class TestModel(Model):
    __test__ = False

    test_id = columns.Integer(primary_key=True)
    attempt_id = columns.Integer(primary_key=True)
    description = columns.Text()
    expected_result = columns.Integer()
    test_result = columns.Integer()


class IndexedTestModel(Model):
    test_id = columns.Integer(primary_key=True)
    attempt_id = columns.Integer(index=True)
    description = columns.Text()
    expected_result = columns.Integer()
    test_result = columns.Integer(index=True)


class CustomIndexedTestModel(Model):
    test_id = columns.Integer(primary_key=True)
    description = columns.Text(custom_index=True)
    indexed = columns.Text(index=True)
    data = columns.Text()


class IndexedCollectionsTestModel(Model):
    test_id = columns.Integer(primary_key=True)
    attempt_id = columns.Integer(index=True)
    description = columns.Text()
    expected_result = columns.Integer()
    test_result = columns.Integer(index=True)
    test_list = columns.List(columns.Integer, index=True)
    test_set = columns.Set(columns.Integer, index=True)
    test_map = columns.Map(columns.Text, columns.Integer, index=True)
    test_list_no_index = columns.List(columns.Integer, index=False)
    test_set_no_index = columns.Set(columns.Integer, index=False)
    test_map_no_index = columns.Map(columns.Text, columns.Integer, index=False)


class TestMultiClusteringModel(Model):
    __test__ = False

    one = columns.Integer(primary_key=True)
    two = columns.Integer(primary_key=True)
    three = columns.Integer(primary_key=True)


def _check_where(clause: Any, operator: type, value: Any) -> None:
    assert isinstance(clause, statements.WhereClause)
    assert isinstance(clause.operator, operator)
    assert clause.value == value


class TestQuerySetOperation(BaseCassEngTestCase):
    def test_query_filter_parsing(self) -> None:
        query1 = TestModel.objects(test_id=5)
        assert len(query1._where) == 1
        _check_where(query1._where[0], operators.EqualsOperator, 5)
        query2 = query1.filter(expected_result__gte=1)
        assert len(query2._where) == 2
        _check_where(query2._where[1], operators.GreaterThanOrEqualOperator, 1)

    def test_query_expression_parsing(self) -> None:
        query1 = TestModel.filter(TestModel.test_id == 5)
        assert len(query1._where) == 1
        _check_where(query1._where[0], operators.EqualsOperator, 5)
        query2 = query1.filter(TestModel.expected_result >= 1)
        assert len(query2._where) == 2
        _check_where(query2._where[1], operators.GreaterThanOrEqualOperator, 1)

    def test_using_invalid_column_names_in_filter_kwargs_raises_error(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects(nonsense=5)

    def test_using_nonexistant_column_names_in_query_args_raises_error(self) -> None:
        with pytest.raises(AttributeError):
            TestModel.objects(TestModel.nonsense == 5)

    def test_using_non_query_operators_in_query_args_raises_error(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects(5)

    def test_queryset_is_immutable(self) -> None:
        query1 = TestModel.objects(test_id=5)
        query2 = query1.filter(expected_result__gte=1)
        assert len(query2._where) == 2
        assert len(query1._where) == 1

    def test_queryset_limit_immutability(self) -> None:
        query1 = TestModel.objects(test_id=5).limit(1)
        assert query1._limit == 1
        assert query1.filter(expected_result__gte=1)._limit == 1
        query3 = query1.filter(expected_result__gte=1).limit(2)
        assert query1._limit == 1
        assert query3._limit == 2

    def test_the_all_method_duplicates_queryset(self) -> None:
        query2 = TestModel.objects(test_id=5).filter(expected_result__gte=1)
        assert len(query2._where) == 2
        assert query2.all() == query2

    def test_queryset_with_distinct(self) -> None:
        assert len(TestModel.objects.distinct()._distinct_fields) == 1
        assert len(TestModel.objects.distinct(["test_id"])._distinct_fields) == 1
        assert len(TestModel.objects.distinct(["test_id", "attempt_id"])._distinct_fields) == 2

    def test_defining_only_fields(self) -> None:
        qs = TestModel.objects.only(["attempt_id", "description"])
        assert qs._select_fields() == ["attempt_id", "description"]
        with pytest.raises(query.QueryException):
            TestModel.objects.only(["nonexistent_field"])
        with pytest.raises(query.QueryException):  # only() once per queryset
            TestModel.objects.only(["description"]).only(["attempt_id"])
        qs = TestModel.objects.only(["attempt_id", "description"]).defer(["description"])
        assert qs._select_fields() == ["attempt_id"]
        with pytest.raises(query.QueryException):
            TestModel.objects.only(["description"]).defer(["description"])._select_fields()
        qs = TestModel.objects.filter(test_id=0).only(["test_id", "attempt_id", "description"])
        assert qs._select_fields() == ["attempt_id", "description"]
        with pytest.raises(query.QueryException):
            TestModel.objects.only(["test_id"]).defer(["test_id"])._select_fields()
        with pytest.raises(query.QueryException):
            TestModel.objects.filter(test_id=0).only(["test_id"])._select_fields()

    def test_defining_defer_fields(self) -> None:
        qs = TestModel.objects.defer(["attempt_id", "description"])
        assert qs._select_fields() == ["test_id", "expected_result", "test_result"]
        with pytest.raises(query.QueryException):
            TestModel.objects.defer(["nonexistent_field"])
        qs = TestModel.objects.defer(["attempt_id", "description"]).defer(["expected_result"])
        assert qs._select_fields() == ["test_id", "test_result"]
        qs = TestModel.objects.defer(["description", "attempt_id"]).only(["description", "test_id"])
        assert qs._select_fields() == ["test_id"]
        with pytest.raises(query.QueryException):
            TestModel.objects.defer(["description", "attempt_id"]).only(
                ["description"])._select_fields()
        qs = TestModel.objects.filter(test_id=0)  # implicit defer of the equality column
        assert qs._select_fields() == ["attempt_id", "description", "expected_result",
                                       "test_result"]
        everything = ["test_id", "attempt_id", "description", "expected_result", "test_result"]
        assert TestModel.objects.defer(everything)._select_fields() == ["test_id"]


_TEST_MODEL_ROWS = [
    (0, 0, "try1", 5, 30), (0, 1, "try2", 10, 30), (0, 2, "try3", 15, 30),
    (0, 3, "try4", 20, 25), (1, 0, "try5", 5, 25), (1, 1, "try6", 10, 25),
    (1, 2, "try7", 15, 25), (1, 3, "try8", 20, 20), (2, 0, "try9", 50, 40),
    (2, 1, "try10", 60, 40), (2, 2, "try11", 70, 45), (2, 3, "try12", 75, 45),
]
_FIELDS = ("test_id", "attempt_id", "description", "expected_result", "test_result")


def _fill_collections() -> None:
    common = {"attempt_id": 3, "expected_result": 75, "test_result": 45}
    create = IndexedCollectionsTestModel.objects.create
    create(test_id=12, description="list12", test_list=[1, 2, 42], test_set={1, 2, 3},
           test_map={"1": 1, "2": 2, "3": 3}, **common)
    create(test_id=13, description="list13", test_list=[3, 4, 5], test_set={4, 5, 42},
           test_map={"1": 5, "2": 6, "3": 7}, **common)
    create(test_id=14, description="list14", test_list=[1, 2, 3], test_set={1, 2, 3},
           test_map={"1": 1, "2": 2, "3": 42}, **common)
    create(test_id=15, attempt_id=4, description="list14", expected_result=75, test_result=45,
           test_list_no_index=[1, 2, 3], test_set_no_index={1, 2, 3},
           test_map_no_index={"1": 1, "2": 2, "3": 42})


class BaseQuerySetUsage(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        for model in (TestModel, IndexedTestModel, CustomIndexedTestModel):
            drop_table(model)
        for model in (TestModel, IndexedTestModel, CustomIndexedTestModel,
                      TestMultiClusteringModel):
            sync_table(model)
        for row in _TEST_MODEL_ROWS:
            TestModel.objects.create(**dict(zip(_FIELDS, row, strict=True)))
        for position, (_, attempt, description, expected, result) in enumerate(_TEST_MODEL_ROWS):
            IndexedTestModel.objects.create(test_id=position, attempt_id=attempt,
                                            description=description,
                                            expected_result=expected, test_result=result)
        drop_table(IndexedCollectionsTestModel)
        sync_table(IndexedCollectionsTestModel)
        _fill_collections()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        for model in (TestModel, IndexedTestModel, CustomIndexedTestModel,
                      TestMultiClusteringModel):
            drop_table(model)


def _pairs(rows: Any, first: str, second: str) -> set[tuple[Any, Any]]:
    found = [(getattr(row, first), getattr(row, second)) for row in rows]
    assert len(found) == len(set(found))
    return set(found)


@requires_collection_indexes
class TestQuerySetCountSelectionAndIteration(BaseQuerySetUsage):
    @execute_count(2)
    def test_count(self) -> None:
        assert TestModel.objects.count() == 12
        assert TestModel.objects(test_id=0).count() == 4

    @execute_count(2)
    def test_query_expression_count(self) -> None:
        assert TestModel.objects.count() == 12
        assert TestModel.objects(TestModel.test_id == 0).count() == 4

    @execute_count(3)
    def test_iteration(self) -> None:
        qs = TestModel.objects(test_id=0)
        assert _pairs(qs, "attempt_id", "expected_result") == {(0, 5), (1, 10), (2, 15), (3, 20)}
        for qs in (TestModel.objects(attempt_id=3).allow_filtering(),
                   TestModel.objects(TestModel.attempt_id == 3).allow_filtering()):
            assert len(qs) == 3
            assert _pairs(qs, "test_id", "expected_result") == {(0, 20), (1, 20), (2, 75)}

    @execute_count(2)
    def test_multiple_iterations_work_properly(self) -> None:
        for qs in (TestModel.objects(test_id=0), TestModel.objects(TestModel.test_id == 0)):
            expected = {(0, 5), (1, 10), (2, 15), (3, 20)}
            assert _pairs(qs, "attempt_id", "expected_result") == expected
            assert _pairs(qs, "attempt_id", "expected_result") == expected  # from the cache

    @execute_count(2)
    def test_multiple_iterators_are_isolated(self) -> None:
        for qs in (TestModel.objects(test_id=0), TestModel.objects(TestModel.test_id == 0)):
            qs = qs.order_by("attempt_id")
            first, second = iter(qs), iter(qs)
            for attempt_id in [0, 1, 2, 3]:
                assert next(first).attempt_id == attempt_id
                assert next(second).attempt_id == attempt_id

    def _check_got(self, row: Any, kind: type = TestModel) -> None:
        assert isinstance(row, kind)
        assert (row.test_id, row.attempt_id) == (0, 0)

    @execute_count(3)
    def test_get_success_case(self) -> None:
        self._check_got(TestModel.objects.get(test_id=0, attempt_id=0))
        self._check_got(TestModel.objects(test_id=0, attempt_id=0).get())
        self._check_got(TestModel.objects(test_id=0).get(attempt_id=0))

    @execute_count(3)
    def test_query_expression_get_success_case(self) -> None:
        self._check_got(TestModel.get(TestModel.test_id == 0, TestModel.attempt_id == 0))
        self._check_got(TestModel.objects(TestModel.test_id == 0, TestModel.attempt_id == 0).get())
        self._check_got(TestModel.objects(TestModel.test_id == 0).get(TestModel.attempt_id == 0))

    @execute_count(1)
    def test_get_doesnotexist_exception(self) -> None:
        with pytest.raises(TestModel.DoesNotExist):
            TestModel.objects.get(test_id=100)

    @execute_count(1)
    def test_get_multipleobjects_exception(self) -> None:
        with pytest.raises(TestModel.MultipleObjectsReturned):
            TestModel.objects.get(test_id=1)

    def test_allow_filtering_flag(self) -> None:
        # Upstream leaves this test empty; check what the flag does to the statement.
        assert not TestModel.objects(attempt_id=0)._allow_filtering
        qs = TestModel.objects(attempt_id=0).allow_filtering()
        assert str(qs).endswith(" ALLOW FILTERING")


@execute_count(4)
def test_non_quality_filtering() -> None:
    class NonEqualityFilteringModel(Model):
        example_id = columns.UUID(primary_key=True, default=uuid.uuid4)
        sequence_id = columns.Integer(primary_key=True)  # a clustering key
        example_type = columns.Integer(index=True)
        created_at = columns.DateTime()

    drop_table(NonEqualityFilteringModel)
    sync_table(NonEqualityFilteringModel)
    for sequence_id, example_type in ((1, 0), (3, 0), (5, 1)):
        NonEqualityFilteringModel.create(sequence_id=sequence_id, example_type=example_type,
                                         created_at=datetime.now())
    qs = NonEqualityFilteringModel.objects(
        NonEqualityFilteringModel.sequence_id > 3).allow_filtering()
    assert qs.count() == 1


@requires_collection_indexes
class TestQuerySetDistinct(BaseQuerySetUsage):
    @execute_count(1)
    def test_distinct_without_parameter(self) -> None:
        assert len(TestModel.objects.distinct()) == 3

    @execute_count(1)
    def test_distinct_with_parameter(self) -> None:
        assert len(TestModel.objects.distinct(["test_id"])) == 3

    @execute_count(1)
    def test_distinct_with_filter(self) -> None:
        assert len(TestModel.objects.distinct(["test_id"]).filter(test_id__in=[1, 2])) == 2

    @execute_count(1)
    def test_distinct_with_non_partition(self) -> None:
        with pytest.raises(InvalidRequest):
            len(TestModel.objects.distinct(["description"]).filter(test_id__in=[1, 2]))

    @execute_count(1)
    def test_zero_result(self) -> None:
        assert len(TestModel.objects.distinct(["test_id"]).filter(test_id__in=[52])) == 0

    @greaterthancass21
    @execute_count(2)
    def test_distinct_with_explicit_count(self) -> None:
        assert TestModel.objects.distinct(["test_id"]).count() == 3
        assert TestModel.objects.distinct(["test_id"]).filter(test_id__in=[1, 2]).count() == 2


@requires_collection_indexes
class TestQuerySetOrdering(BaseQuerySetUsage):
    @execute_count(2)
    def test_order_by_success_case(self) -> None:
        qs = TestModel.objects(test_id=0).order_by("attempt_id")
        assert [row.attempt_id for row in qs] == [0, 1, 2, 3]
        qs = qs.order_by().order_by("-attempt_id")
        assert [row.attempt_id for row in qs] == [3, 2, 1, 0]

    def test_ordering_by_non_second_primary_keys_fail(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects(test_id=0).order_by("test_id")
        with pytest.raises(query.QueryException):
            TestModel.objects(TestModel.test_id == 0).order_by("test_id")

    def test_ordering_by_non_primary_keys_fails(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects(test_id=0).order_by("description")

    def test_ordering_on_indexed_columns_fails(self) -> None:
        with pytest.raises(query.QueryException):
            IndexedTestModel.objects(test_id=0).order_by("attempt_id")

    @execute_count(8)
    def test_ordering_on_multiple_clustering_columns(self) -> None:
        for three in (4, 2, 5, 1, 3):
            TestMultiClusteringModel.create(one=1, two=1, three=three)
        rows = TestMultiClusteringModel.objects.filter(one=1, two=1)
        assert [r.three for r in rows.order_by("-two", "-three")] == [5, 4, 3, 2, 1]
        assert [r.three for r in rows.order_by("two", "three")] == [1, 2, 3, 4, 5]
        assert [r.three for r in rows.order_by("two").order_by("three")] == [1, 2, 3, 4, 5]


@requires_collection_indexes
class TestQuerySetSlicing(BaseQuerySetUsage):
    def _ordered(self) -> Any:
        return TestModel.objects(test_id=0).order_by("attempt_id")

    @execute_count(1)
    def test_out_of_range_index_raises_error(self) -> None:
        with pytest.raises(IndexError):
            self._ordered()[10]

    @execute_count(1)
    def test_array_indexing_works_properly(self) -> None:
        qs = self._ordered()
        assert [qs[i].attempt_id for i in range(len(qs))] == [0, 1, 2, 3]

    @execute_count(1)
    def test_negative_indexing_works_properly(self) -> None:
        qs = self._ordered()
        assert (qs[-1].attempt_id, qs[-2].attempt_id) == (3, 2)

    @execute_count(1)
    def test_slicing_works_properly(self) -> None:
        qs = self._ordered()
        assert [row.attempt_id for row in qs[1:3]] == [1, 2]
        assert [row.attempt_id for row in qs[0:3:2]] == [0, 2]

    @execute_count(1)
    def test_negative_slicing(self) -> None:
        qs, expected = self._ordered(), [0, 1, 2, 3]
        for piece in (slice(-3, None), slice(None, -1), slice(1, -1), slice(-3, -1),
                      slice(-3, -1, 2)):
            assert [row.attempt_id for row in qs[piece]] == expected[piece]


@requires_collection_indexes
class TestQuerySetValidation(BaseQuerySetUsage):
    def test_primary_key_or_index_must_be_specified(self) -> None:
        with pytest.raises(query.QueryException):
            list(TestModel.objects(test_result=25))

    def test_primary_key_or_index_must_have_equal_relation_filter(self) -> None:
        with pytest.raises(query.QueryException):
            list(TestModel.objects(test_id__gt=0))

    @greaterthancass20
    @execute_count(7)
    def test_indexed_field_can_be_queried(self) -> None:
        assert IndexedTestModel.objects(test_result=25).count() == 4
        for column, hits in (("test_list", 1), ("test_set", 1), ("test_map", 1)):
            objects = IndexedCollectionsTestModel.objects
            assert objects.filter(**{f"{column}__contains": 42}).count() == hits
            assert objects.filter(**{f"{column}__contains": 13}).count() == 0

    def test_custom_indexed_field_can_be_queried(self) -> None:
        objects = CustomIndexedTestModel.objects
        with pytest.raises(query.QueryException):
            list(objects.filter(data="test"))  # data has no index of any kind
        # The custom index passes local validation; the server refuses without a real index.
        for filters in ({"indexed": "test", "data": "test"},
                        {"description": "test", "data": "test"}, {"description": "test"},
                        {"test_id": 1, "description": "test"}, {"description__gte": "test"}):
            with pytest.raises(InvalidRequest):
                list(objects.filter(**filters))
        with TestCluster().connect() as session:
            session.execute(f"CREATE INDEX custom_index_cqlengine ON {DEFAULT_KEYSPACE}."
                            f"{CustomIndexedTestModel._table_name} (description)")
        list(objects.filter(description="test"))
        list(objects.filter(test_id=1, description="test"))


@requires_collection_indexes
class TestQuerySetDelete(BaseQuerySetUsage):
    @execute_count(9)
    def test_delete(self) -> None:
        for attempt_id, (description, expected, result) in enumerate(
                (("try9", 50, 40), ("try10", 60, 40), ("try11", 70, 45), ("try12", 75, 45))):
            TestModel.objects.create(test_id=3, attempt_id=attempt_id, description=description,
                                     expected_result=expected, test_result=result)
        assert TestModel.objects.count() == 16
        assert TestModel.objects(test_id=3).count() == 4
        TestModel.objects(test_id=3).delete()
        assert TestModel.objects.count() == 12
        assert TestModel.objects(test_id=3).count() == 0

    def test_delete_without_partition_key(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects(attempt_id=0).delete()

    def test_delete_without_any_where_args(self) -> None:
        with pytest.raises(query.QueryException):
            TestModel.objects.delete()

    @greaterthanorequalcass30
    @execute_count(18)
    def test_range_deletion(self) -> None:
        for i in range(10):
            TestMultiClusteringModel.objects().create(one=1, two=i, three=i)
        TestMultiClusteringModel.objects(one=1, two__gte=0, two__lte=3).delete()
        assert len(TestMultiClusteringModel.objects.all()) == 6
        TestMultiClusteringModel.objects(one=1, two__gt=3, two__lt=5).delete()
        assert len(TestMultiClusteringModel.objects.all()) == 5
        TestMultiClusteringModel.objects(one=1, two__in=[8, 9]).delete()
        assert len(TestMultiClusteringModel.objects.all()) == 3
        TestMultiClusteringModel.objects(one__in=[1], two__gte=0).delete()
        assert len(TestMultiClusteringModel.objects.all()) == 0


class TimeUUIDQueryModel(Model):
    partition = columns.UUID(primary_key=True)
    time = columns.TimeUUID(primary_key=True)
    data = columns.Text(required=False)


class TestMinMaxTimeUUIDFunctions(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TimeUUIDQueryModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TimeUUIDQueryModel)

    @staticmethod
    def _datas(*clauses: Any, **filters: Any) -> list[str]:
        return [row.data for row in TimeUUIDQueryModel.filter(*clauses, **filters)]

    @execute_count(7)
    def test_tzaware_datetime_support(self) -> None:
        pk = uuid4()
        midpoint_utc = datetime.utcnow().replace(tzinfo=TzOffset(0))
        midpoint_helsinki = midpoint_utc.astimezone(TzOffset(3))
        # The same instant, written in two zones.
        assert midpoint_utc.utctimetuple() == midpoint_helsinki.utctimetuple()
        assert midpoint_utc.timetuple() != midpoint_helsinki.timetuple()
        for data, minutes in (("1", -1), ("2", 0), ("3", 1)):
            TimeUUIDQueryModel.create(
                partition=pk, time=uuid_from_time(midpoint_utc + timedelta(minutes=minutes)),
                data=data)
        same_partition = TimeUUIDQueryModel.partition == pk
        for midpoint in (midpoint_utc, midpoint_helsinki):
            assert self._datas(same_partition,
                               TimeUUIDQueryModel.time <= functions.MaxTimeUUID(midpoint)) == [
                "1", "2"]
        for midpoint in (midpoint_utc, midpoint_helsinki):
            assert self._datas(same_partition,
                               TimeUUIDQueryModel.time >= functions.MinTimeUUID(midpoint)) == [
                "2", "3"]

    @execute_count(8)
    def test_success_case(self) -> None:
        pk = uuid4()
        start = datetime.utcnow()
        for data, seconds in (("1", 1), ("2", 2), ("3", 4), ("4", 5)):
            TimeUUIDQueryModel.create(
                partition=pk, time=uuid_from_time(start + timedelta(seconds=seconds)), data=data)
        midpoint = start + timedelta(seconds=3)
        assert sorted(self._datas(partition=pk, time__lte=functions.MaxTimeUUID(midpoint))) == [
            "1", "2"]
        assert sorted(self._datas(partition=pk, time__gte=functions.MinTimeUUID(midpoint))) == [
            "3", "4"]
        same_partition = TimeUUIDQueryModel.partition == pk
        assert sorted(self._datas(
            same_partition, TimeUUIDQueryModel.time <= functions.MaxTimeUUID(midpoint))) == [
            "1", "2"]
        assert sorted(self._datas(
            same_partition, TimeUUIDQueryModel.time >= functions.MinTimeUUID(midpoint))) == [
            "3", "4"]


@requires_collection_indexes
class TestInOperator(BaseQuerySetUsage):
    @execute_count(1)
    def test_kwarg_success_case(self) -> None:
        assert TestModel.filter(test_id__in=[0, 1]).count() == 8

    @execute_count(1)
    def test_query_expression_success_case(self) -> None:
        assert TestModel.filter(TestModel.test_id.in_([0, 1])).count() == 8

    @execute_count(5)
    def test_bool(self) -> None:
        class bool_model(Model):  # upstream's name: it sets the table name
            k = columns.Integer(primary_key=True)
            b = columns.Boolean(primary_key=True)
            v = columns.Integer(default=3)

        sync_table(bool_model)
        bool_model.create(k=0, b=True)
        bool_model.create(k=0, b=False)
        assert len(bool_model.objects.all()) == 2
        assert len(bool_model.objects.filter(k=0, b=True)) == 1
        assert len(bool_model.objects.filter(k=0, b=False)) == 1

    @execute_count(3)
    def test_bool_filter(self) -> None:
        class bool_model2(Model):  # upstream's name: it sets the table name
            k = columns.Boolean(primary_key=True)
            b = columns.Integer(primary_key=True)
            v = columns.Text()

        drop_table(bool_model2)
        sync_table(bool_model2)
        bool_model2.create(k=True, b=1, v="a")
        bool_model2.create(k=False, b=1, v="b")
        assert len(list(bool_model2.objects(k__in=(True, False)))) == 2


@greaterthancass20
@requires_collection_indexes
class TestContainsOperator(BaseQuerySetUsage):
    @execute_count(6)
    def test_kwarg_success_case(self) -> None:
        filt = IndexedCollectionsTestModel.filter
        for column, value, count in (("test_list", 1, 2), ("test_list", 13, 0),
                                     ("test_set", 3, 2), ("test_set", 13, 0),
                                     ("test_map", 42, 1), ("test_map", 13, 0)):
            assert filt(**{f"{column}__contains": value}).count() == count
        for column in ("test_list_no_index", "test_set_no_index", "test_map_no_index"):
            with pytest.raises(QueryException):
                filt(**{f"{column}__contains": 1}).count()

    @execute_count(6)
    def test_query_expression_success_case(self) -> None:
        model = IndexedCollectionsTestModel
        for column, value, count in ((model.test_list, 1, 2), (model.test_list, 13, 0),
                                     (model.test_set, 3, 2), (model.test_set, 13, 0),
                                     (model.test_map, 42, 1), (model.test_map, 13, 0)):
            assert model.filter(column.contains_(value)).count() == count
        for column in (model.test_list_no_index, model.test_set_no_index,
                       model.test_map_no_index):
            with pytest.raises(QueryException):
                model.filter(column.contains_(1)).count()


@requires_collection_indexes
class TestValuesList(BaseQuerySetUsage):
    @execute_count(2)
    def test_values_list(self) -> None:
        qs = TestModel.objects.filter(test_id=0, attempt_id=1)
        assert qs.values_list(*_FIELDS).first() == [0, 1, "try2", 10, 30]
        assert qs.values_list("expected_result", flat=True).first() == 10


@requires_collection_indexes
class TestObjectsProperty(BaseQuerySetUsage):
    @execute_count(1)
    def test_objects_property_returns_fresh_queryset(self) -> None:
        assert TestModel.objects._result_cache is None
        len(TestModel.objects)
        assert TestModel.objects._result_cache is None


class PageQueryTests(BaseCassEngTestCase):
    @execute_count(3)
    def test_paged_result_handling(self) -> None:
        class PagingTest(Model):
            id = columns.Integer(primary_key=True)
            val = columns.Integer()

        sync_table(PagingTest)
        PagingTest.create(id=1, val=1)
        PagingTest.create(id=2, val=2)
        with mock.patch.object(get_session(), "default_fetch_size", 1):
            rows = PagingTest.objects()[:]
        assert len(rows) == 2


def _sent_timeout(session_execute: mock.MagicMock) -> Any:
    return session_execute.call_args[-1]["timeout"]


@requires_collection_indexes
class ModelQuerySetTimeoutTestCase(BaseQuerySetUsage):
    def test_default_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            list(TestModel.objects())
        assert _sent_timeout(session_execute) is NOT_SET

    def test_float_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            list(TestModel.objects().timeout(0.5))
        assert _sent_timeout(session_execute) == 0.5

    def test_none_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            list(TestModel.objects().timeout(None))
        assert _sent_timeout(session_execute) is None


@requires_collection_indexes
class DMLQueryTimeoutTestCase(BaseQuerySetUsage):
    def setUp(self) -> None:
        self.model = TestModel(test_id=1, attempt_id=1, description="timeout test")
        super().setUp()

    def test_default_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            self.model.save()
        assert _sent_timeout(session_execute) is NOT_SET

    def test_float_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            self.model.timeout(0.5).save()
        assert _sent_timeout(session_execute) == 0.5

    def test_none_timeout(self) -> None:
        with mock.patch.object(Session, "execute") as session_execute:
            self.model.timeout(None).save()
        assert _sent_timeout(session_execute) is None

    def test_timeout_then_batch(self) -> None:
        row = self.model.timeout(None)
        with pytest.raises(AssertionError):
            row.batch(query.BatchQuery())

    def test_batch_then_timeout(self) -> None:
        row = self.model.batch(query.BatchQuery())
        with pytest.raises(AssertionError):
            row.timeout(0.5)


class DBFieldModel(Model):
    k0 = columns.Integer(partition_key=True, db_field="a")
    k1 = columns.Integer(partition_key=True, db_field="b")
    c0 = columns.Integer(primary_key=True, db_field="c")
    v0 = columns.Integer(db_field="d")
    v1 = columns.Integer(db_field="e", index=True)


class DBFieldModelMixed1(Model):
    k0 = columns.Integer(partition_key=True, db_field="a")
    k1 = columns.Integer(partition_key=True)
    c0 = columns.Integer(primary_key=True, db_field="c")
    v0 = columns.Integer(db_field="d")
    v1 = columns.Integer(index=True)


class DBFieldModelMixed2(Model):
    k0 = columns.Integer(partition_key=True)
    k1 = columns.Integer(partition_key=True, db_field="b")
    c0 = columns.Integer(primary_key=True)
    v0 = columns.Integer(db_field="d")
    v1 = columns.Integer(index=True, db_field="e")


class TestModelQueryWithDBField(BaseCassEngTestCase):
    model_list = (DBFieldModel, DBFieldModelMixed1, DBFieldModelMixed2)

    def setUp(self) -> None:
        super().setUp()
        for model in self.model_list:
            sync_table(model)

    def tearDown(self) -> None:
        for model in self.model_list:
            drop_table(model)

    @execute_count(33)
    def test_basic_crud(self) -> None:
        for model in self.model_list:
            values = {"k0": 1, "k1": 2, "c0": 3, "v0": 4, "v1": 5}
            row = model.create(**values)
            row = model.objects(k0=row.k0, k1=row.k1).first()
            assert row == model(**values)
            values["v0"] = 101
            row.update(v0=values["v0"])
            row = model.objects(k0=row.k0, k1=row.k1).first()
            assert row == model(**values)
            model.objects(k0=row.k0, k1=row.k1).delete()
            assert model.objects(k0=row.k0, k1=row.k1).first() is None
            row = model.create(**values)
            row = model.objects(k0=row.k0, k1=row.k1).first()
            assert row == model(**values)
            row.delete()
            model.objects(k0=row.k0, k1=row.k1).delete()
            assert model.objects(k0=row.k0, k1=row.k1).first() is None

    def _create_clustered(self, model: Any, k1: int, **values: Any) -> Any:
        row = None
        for c0 in range(3):
            row = model.create(k0=1, k1=k1, c0=c0, **values)
        return row

    @execute_count(21)
    def test_slice(self) -> None:
        for model in self.model_list:
            row = self._create_clustered(model, 3, v0=4, v1=5)
            assert model.objects(k0=row.k0, k1=row.k1).count() == 3
            assert model.objects(k0=row.k0, k1=row.k1, c0=row.c0).count() == 1
            assert model.objects(k0=row.k0, k1=row.k1, c0__lt=row.c0).count() == 2
            assert model.objects(k0=row.k0, k1=row.k1, c0__gt=0).count() == 2

    @execute_count(15)
    def test_order(self) -> None:
        for model in self.model_list:
            row = self._create_clustered(model, 4, v0=4, v1=5)
            rows = model.objects(k0=row.k0, k1=row.k1)
            assert rows.order_by("c0").first().c0 == 0
            assert rows.order_by("-c0").first().c0 == 2

    @execute_count(15)
    def test_index(self) -> None:
        for model in self.model_list:
            for c0 in range(3):
                row = model.create(k0=1, k1=5, c0=c0, v0=4, v1=c0)
            assert model.objects(k0=row.k0, k1=row.k1).count() == 3
            assert model.objects(k0=row.k0, k1=row.k1, v1=0).count() == 1

    @execute_count(1)
    def test_db_field_names_used(self) -> None:
        names = ("k0", "k1", "c0", "v0", "v1")
        batch = BatchQuery()
        DBFieldModel.objects(k0=1).batch(batch).update(v0=0, v1=9)
        assert not [name for name in names if name in str(batch.queries[0])]
        batch2 = BatchQuery()
        row = DBFieldModel.create(k0=1, k1=5, c0=3, v0=4, v1=5)
        row.batch(batch2).update(v0=0, v1=9)
        assert not [name for name in names if name in str(batch2.queries[0])]

    def test_db_field_value_list(self) -> None:
        DBFieldModel.create(k0=0, k1=0, c0=0, v0=4, v1=5)
        qs = DBFieldModel.objects.filter(c0=0, k0=0, k1=0).values_list("c0", "v0")
        assert qs._defer_fields == {"a", "c", "b"}
        assert qs._only_fields == ["c", "d"]
        assert list(qs) == [[0, 4]]


class TestModelSmall(Model):
    __test__ = False

    test_id = columns.Integer(primary_key=True)


class TestModelQueryWithFetchSize(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestModelSmall)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestModelSmall)

    @execute_count(19)
    def test_defaultFetchSize(self) -> None:
        # Batches of 500 stay under the server's batch size limits.
        for start in range(0, 5100, 500):
            with BatchQuery() as batch:
                for test_id in range(start, min(start + 500, 5100)):
                    TestModelSmall.batch(batch).create(test_id=test_id)
        for size in (1, 500, 4999, 5000, 5001, 5100, 5101, 1):
            assert len(TestModelSmall.objects.fetch_size(size)) == 5100
        with pytest.raises(QueryException):
            TestModelSmall.objects.fetch_size(0)
        with pytest.raises(QueryException):
            TestModelSmall.objects.fetch_size(-1)


class People(Model):
    __table_name__ = "people"
    last_name = columns.Text(primary_key=True, partition_key=True)
    first_name = columns.Text(primary_key=True)
    birthday = columns.DateTime()


class People2(Model):
    __table_name__ = "people"
    last_name = columns.Text(primary_key=True, partition_key=True)
    first_name = columns.Text(primary_key=True)
    middle_name = columns.Text()
    birthday = columns.DateTime()


class TestModelQueryWithDifferedFeld(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(People)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(People)

    @execute_count(8)
    def test_defaultFetchSize(self) -> None:
        for last, first in (("Smith", "John"), ("Bestwater", "Alan"), ("Smith", "Greg"),
                            ("Smith", "Adam")):
            People.objects.create(last_name=last, first_name=first, birthday=datetime.now())
        # The filtered partition key is not selected; its value is put back in each row.
        assert People.filter(last_name="Smith")._select_fields() == ["first_name", "birthday"]
        smiths = list(People.filter(last_name="Smith"))
        assert len(smiths) == 3
        assert {row.last_name for row in smiths} == {"Smith"}

        sync_table(People2)
        for first, middle in (("Chris", "Raymond"), ("Andrew", "Micheal")):
            People2.objects.create(last_name="Smith", first_name=first, middle_name=middle,
                                   birthday=datetime.now())
        assert People2.filter(last_name="Smith")._select_fields() == [
            "first_name", "middle_name", "birthday"]
        smiths = list(People2.filter(last_name="Smith"))
        assert len(smiths) == 5
        assert {row.last_name for row in smiths} == {"Smith"}
