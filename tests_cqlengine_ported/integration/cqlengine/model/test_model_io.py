"""Model I/O: create, save, load, update, delete, change tracking, types, routing keys.

Every test here works on tables, so the module needs ``coodie_compat.management``
and is skipped until it exists.  (Upstream defines ``test_none_filter_fails``
twice at module level, so pytest collects one; it is defined once here.)
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timezone
from decimal import Decimal
from operator import itemgetter
from typing import Any
from uuid import UUID, uuid4

import pytest
from cassandra.query import SimpleStatement
from cassandra.util import Date, Duration, Time

from coodie_compat import CQLEngineException, columns
from coodie_compat.models import Model
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import DeleteStatement, SelectStatement, WhereClause
from tests_cqlengine_ported.harness import (
    DEFAULT_KEYSPACE,
    BaseCassEngTestCase,
    assertSetEqual,
    greaterthanorequalcass3_10,
    pending,
    pending_call,
)

try:
    from coodie_compat.management import drop_table, sync_table
except ImportError:  # management not built yet: the whole module is skipped
    drop_table = sync_table = pending_call

pytestmark = pending("management")


class TestModel(Model):
    __test__ = False

    id = columns.UUID(primary_key=True, default=lambda: uuid4())
    count = columns.Integer()
    text = columns.Text(required=False)
    a_bool = columns.Boolean(default=False)


class TestModelSave(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer(required=False)
    text = columns.Text(required=False, index=True)
    text_set = columns.Set(columns.Text, required=False)
    text_list = columns.List(columns.Text, required=False)
    text_map = columns.Map(columns.Text, columns.Text, required=False)


def _same_columns(written: Any, read: Any) -> None:
    for name in written._columns:
        assert getattr(written, name) == getattr(read, name), name


class TestModelIO(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestModel)

    def test_model_save_and_load(self) -> None:
        written = TestModel.create(count=8, text="123456789")
        assert isinstance(written, TestModel)
        read = TestModel.objects(id=written.pk).first()
        assert isinstance(read, TestModel)
        _same_columns(written, read)

    def test_model_instantiation_save_and_load(self) -> None:
        written = TestModel(count=8, text="123456789")
        assert written["id"] is not None
        assert (written.count, written.text) == (8, "123456789")
        written.save()
        _same_columns(written, TestModel.objects(id=written.id).first())

    def test_model_read_as_dict(self) -> None:
        row = TestModel.create(count=8, text="123456789", a_bool=True)
        expected = {"id": row.id, "count": row.count, "text": row.text, "a_bool": row.a_bool}
        assert sorted(row.keys()) == sorted(expected)
        assertSetEqual(set(row.values()), set(expected.values()))
        assert sorted(row.items(), key=itemgetter(0)) == sorted(expected.items(),
                                                                key=itemgetter(0))
        assert len(row) == len(expected)
        for name, value in expected.items():
            assert row[name] == value
        row["count"] = 6
        assert row.count == 6

    def test_model_updating_works_properly(self) -> None:
        row = TestModel.objects.create(count=8, text="123456789")
        row.count = 100
        row.a_bool = True
        row.save()
        read = TestModel.objects(id=row.pk).first()
        assert (read.count, read.a_bool) == (100, True)

    def test_model_deleting_works_properly(self) -> None:
        row = TestModel.create(count=8, text="123456789")
        row.delete()
        assert TestModel.objects(id=row.pk).first() is None

    def test_column_deleting_works_properly(self) -> None:
        row = TestModel.create(count=8, text="123456789")
        row.text = None
        row.save()
        read = TestModel.objects(id=row.pk).first()
        assert isinstance(read, TestModel)
        assert read.text is None
        assert read._values["text"].previous_value is None

    def test_a_sensical_error_is_raised_if_you_try_to_create_a_table_twice(self) -> None:
        sync_table(TestModel)
        sync_table(TestModel)

    @greaterthanorequalcass3_10
    def test_can_insert_model_with_all_column_types(self) -> None:
        class AllDatatypesModel(Model):
            id = columns.Integer(primary_key=True)
            a = columns.Ascii()
            b = columns.BigInt()
            c = columns.Blob()
            d = columns.Boolean()
            e = columns.DateTime()
            f = columns.Decimal()
            g = columns.Double()
            h = columns.Float()
            i = columns.Inet()
            j = columns.Integer()
            k = columns.Text()
            l = columns.TimeUUID()  # noqa: E741 - one column per letter
            m = columns.UUID()
            n = columns.VarInt()
            o = columns.Duration()

        sync_table(AllDatatypesModel)
        self.addCleanup(drop_table, AllDatatypesModel)
        moment = datetime.fromtimestamp(872835240, tz=timezone.utc)
        values = {
            "a": "ascii", "b": 2**63 - 1, "c": bytearray(b"hello world"), "d": True,
            "e": moment, "f": Decimal("12.3E+7"), "g": 2.39, "h": 3.4028234663852886e38,
            "i": "123.123.123.123", "j": 2147483647, "k": "text",
            "l": UUID("FE2B4360-28C6-11E2-81C1-0800200C9A66"),
            "m": UUID("067e6162-3b6f-4ae2-a171-2470b63dff00"),
            "n": int(str(2147483647) + "000"), "o": Duration(2, 3, 4),
        }
        AllDatatypesModel.create(id=0, **values)
        assert AllDatatypesModel.objects.count() == 1
        read = AllDatatypesModel.objects.first()
        expected = dict(values, e=moment.replace(tzinfo=None))
        for name in "abcdefghijklmn":
            assert read[name] == expected[name], name

    def test_can_specify_none_instead_of_default(self) -> None:
        default = TestModel.a_bool.column.default
        assert default is not None
        overridden = TestModel.create(a_bool=None)
        assert overridden.a_bool is None
        assert TestModel.objects(id=overridden.id).first().a_bool is None
        defaulted = TestModel.create()
        assert defaulted.a_bool == default
        assert TestModel.objects(id=defaulted.id).first().a_bool == default

    def test_can_insert_model_with_all_protocol_v4_column_types(self) -> None:
        class v4DatatypesModel(Model):
            id = columns.Integer(primary_key=True)
            a = columns.Date()
            b = columns.SmallInt()
            c = columns.Time()
            d = columns.TinyInt()

        sync_table(v4DatatypesModel)
        self.addCleanup(drop_table, v4DatatypesModel)
        v4DatatypesModel.create(id=0, a=date(1970, 1, 1), b=32523, c=time(16, 47, 25, 7), d=123)
        assert v4DatatypesModel.objects.count() == 1
        read = v4DatatypesModel.objects.first()
        expected = [Date(date(1970, 1, 1)), 32523, Time(time(16, 47, 25, 7)), 123]
        assert [read[name] for name in "abcd"] == expected

    def test_can_insert_double_and_float(self) -> None:
        class FloatingPointModel(Model):
            id = columns.Integer(primary_key=True)
            f = columns.Float()
            d = columns.Double()

        sync_table(FloatingPointModel)
        self.addCleanup(drop_table, FloatingPointModel)
        FloatingPointModel.create(id=0, f=2.39)
        assert FloatingPointModel.objects.first().f == 2.390000104904175  # single precision
        FloatingPointModel.create(id=0, f=3.4028234663852886e38, d=2.39)
        read = FloatingPointModel.objects.first()
        assert (read.f, read.d) == (3.4028234663852886e38, 2.39)
        FloatingPointModel.create(id=0, d=3.4028234663852886e38)
        assert FloatingPointModel.objects.first().d == 3.4028234663852886e38


class TestMultiKeyModel(Model):
    __test__ = False

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer(required=False)
    text = columns.Text(required=False)


class TestDeleting(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        drop_table(TestMultiKeyModel)
        sync_table(TestMultiKeyModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestMultiKeyModel)

    def test_deleting_only_deletes_one_object(self) -> None:
        partition = random.randint(0, 1000)
        for i in range(5):
            TestMultiKeyModel.create(partition=partition, cluster=i, count=i, text=str(i))
        assert TestMultiKeyModel.filter(partition=partition).count() == 5
        TestMultiKeyModel.get(partition=partition, cluster=0).delete()
        assert TestMultiKeyModel.filter(partition=partition).count() == 4
        TestMultiKeyModel.filter(partition=partition).delete()


class TestUpdating(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        for model in (TestModelSave, TestMultiKeyModel):
            drop_table(model)
            sync_table(model)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestMultiKeyModel)
        drop_table(TestModelSave)

    def setUp(self) -> None:
        super().setUp()
        self.instance = TestMultiKeyModel.create(
            partition=random.randint(0, 1000), cluster=random.randint(0, 1000),
            count=0, text="happy",
        )

    def _reload(self) -> Any:
        return TestMultiKeyModel.get(partition=self.instance.partition,
                                     cluster=self.instance.cluster)

    def _changed(self) -> list[str]:
        return self.instance.get_changed_columns()  # type: ignore[no-any-return]

    def _previous(self, name: str) -> Any:
        return self.instance._values[name].previous_value

    def test_vanilla_update(self) -> None:
        self.instance.count = 5
        self.instance.save()
        check = self._reload()
        assert (check.count, check.text) == (5, "happy")

    def test_deleting_only(self) -> None:
        self.instance.count = None
        self.instance.text = None
        self.instance.save()
        check = self._reload()
        assert (check.count, check.text) == (None, None)

    def test_get_changed_columns(self) -> None:
        assert self._changed() == []
        self.instance.count = 1
        assert self._changed() == ["count"]
        self.instance.save()
        assert self._changed() == []

    def test_previous_value_tracking_of_persisted_instance(self) -> None:
        assert (self._changed(), self._previous("count")) == ([], 0)
        self.instance.count = 1
        assert (self._changed(), self._previous("count")) == (["count"], 0)
        self.instance.save()
        assert (self._changed(), self._previous("count")) == ([], 1)

        # two changes before a save: the baseline stays the saved value
        self.instance.count = 2
        assert (self._changed(), self._previous("count")) == (["count"], 1)
        self.instance.count = 3
        assert (self._changed(), self._previous("count")) == (["count"], 1)
        self.instance.save()
        assert (self._changed(), self._previous("count")) == ([], 3)

        # changing a value and changing it back is no change
        self.instance.count = 2
        assert (self._changed(), self._previous("count")) == (["count"], 3)
        self.instance.count = 3
        assert (self._changed(), self._previous("count")) == ([], 3)
        self.instance.save()
        assert (self._changed(), self._previous("count")) == ([], 3)

        # several columns at once
        self.instance.count = 4
        self.instance.text = "changed"
        assert sorted(self._changed()) == ["count", "text"]
        self.instance.save()
        assert self._changed() == []
        self.instance.count = 5
        self.instance.text = "changed"
        assert self._changed() == ["count"]
        self.instance.text = "changed2"
        assert sorted(self._changed()) == ["count", "text"]
        self.instance.count = 4
        self.instance.text = "changed"
        assert self._changed() == []

    def test_previous_value_tracking_on_instantiation(self) -> None:
        self.instance = TestMultiKeyModel(
            partition=random.randint(0, 1000), cluster=random.randint(0, 1000),
            count=0, text="happy",
        )
        # nothing persisted yet: every given column is changed, with no previous value
        assert set(self._changed()) == {"partition", "cluster", "count", "text"}
        for name in ("partition", "cluster", "count", "text"):
            assert self._previous(name) is None
        for value in (1, 2):
            self.instance.count = value
            assert "count" in self._changed()
            assert self._previous("count") is None
        self.instance.count = None
        assert "count" not in self._changed()
        assert self._previous("count") is None
        self.instance.save()
        assert self._changed() == []
        assert self._previous("count") is None
        assert self.instance.count is None

    def test_previous_value_tracking_on_instantiation_with_default(self) -> None:
        class TestDefaultValueTracking(Model):
            id = columns.Integer(partition_key=True)
            int1 = columns.Integer(default=123)
            int2 = columns.Integer(default=456)
            int3 = columns.Integer(default=lambda: random.randint(0, 1000))
            int4 = columns.Integer(default=lambda: random.randint(0, 1000))
            int5 = columns.Integer()
            int6 = columns.Integer()

        instance = TestDefaultValueTracking(id=1, int1=9999, int3=7777, int5=5555)
        assert (instance.id, instance.int1, instance.int2, instance.int3) == (1, 9999, 456, 7777)
        assert isinstance(instance.int4, int) and 0 <= instance.int4 <= 1000
        assert (instance.int5, instance.int6) == (5555, None)
        for manager in instance._values.values():
            assert manager.previous_value is None
        # only the explicitly given columns count as changed, not the defaulted ones
        assert set(instance.get_changed_columns()) == {"id", "int1", "int3", "int5"}

    def test_save_to_none(self) -> None:
        partition, cluster = uuid4(), 1
        values = {"text": "set", "text_list": ["set"], "text_set": {"set"},
                  "text_map": {"set": "set"}}
        TestModelSave(partition=partition, cluster=cluster, **values).save()
        current = TestModelSave.objects.get(partition=partition, cluster=cluster)
        for name, value in values.items():
            assert current[name] == value
        TestModelSave(partition=partition, cluster=cluster, text=None, text_list=None,
                      text_set=None, text_map=None).save()
        current = TestModelSave.objects.get(partition=partition, cluster=cluster)
        assert current.text is None
        assert (current.text_list, current.text_set, current.text_map) == ([], set(), {})


def test_none_filter_fails() -> None:
    class NoneFilterModel(Model):
        pk = columns.Integer(primary_key=True)
        v = columns.Integer()

    sync_table(NoneFilterModel)
    with pytest.raises(CQLEngineException):
        NoneFilterModel.objects(pk=None)


class TestCanUpdate(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        drop_table(TestModel)
        sync_table(TestModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestModel)

    def test_success_case(self) -> None:
        row = TestModel(count=8, text="123456789")
        assert not row._is_persisted
        assert not row._can_update()
        row.save()
        assert row._is_persisted
        assert row._can_update()
        row.count = 200
        assert row._can_update()
        row.save()
        row.id = uuid4()
        assert not row._can_update()


class IndexDefinitionModel(Model):
    key = columns.UUID(primary_key=True)
    val = columns.Text(index=True)


class TestIndexedColumnDefinition(BaseCassEngTestCase):
    def test_exception_isnt_raised_if_an_index_is_defined_more_than_once(self) -> None:
        sync_table(IndexDefinitionModel)
        sync_table(IndexDefinitionModel)


class ReservedWordModel(Model):
    token = columns.Text(primary_key=True)
    insert = columns.Integer(index=True)


class TestQueryQuoting(BaseCassEngTestCase):
    def test_reserved_cql_words_can_be_used_as_column_names(self) -> None:
        sync_table(ReservedWordModel)
        written = ReservedWordModel.create(token="1", insert=5)
        found = ReservedWordModel.filter(token="1")
        assert len(found) == 1
        assert (found[0].token, found[0].insert) == (written.token, written.insert)


class TestQueryModel(Model):
    __test__ = False

    test_id = columns.UUID(primary_key=True, default=uuid4)
    date = columns.Date(primary_key=True)
    description = columns.Text()


class TestQuerying(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        drop_table(TestQueryModel)
        sync_table(TestQueryModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestQueryModel)

    def test_query_with_date(self) -> None:
        uid, day = uuid4(), date(2013, 11, 26)
        created = TestQueryModel.create(test_id=uid, date=day, description="foo")
        assert created.description == "foo"
        found = TestQueryModel.filter(TestQueryModel.test_id == uid,
                                      TestQueryModel.date == day).limit(1).first()
        assert (found.test_id, found.date) == (uid, day)


class BasicModelNoRouting(Model):
    __table_name__ = "basic_model_no_routing"
    __compute_routing_key__ = False
    k = columns.Integer(primary_key=True)
    v = columns.Integer()


class BasicModel(Model):
    __table_name__ = "basic_model_routing"
    k = columns.Integer(primary_key=True)
    v = columns.Integer()


class BasicModelMulti(Model):
    __table_name__ = "basic_model_routing_multi"
    k = columns.Integer(partition_key=True)
    v = columns.Integer(partition_key=True)


class ComplexModelRouting(Model):
    __table_name__ = "complex_model_routing"
    partition = columns.UUID(partition_key=True, default=uuid4)
    cluster = columns.Integer(partition_key=True)
    count = columns.Integer()
    text = columns.Text(partition_key=True)
    float = columns.Float(partition_key=True)
    text_2 = columns.Text()


_ROUTED = (BasicModelNoRouting, BasicModel, BasicModelMulti, ComplexModelRouting)


class TestModelRoutingKeys(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        for model in _ROUTED:
            sync_table(model)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        for model in _ROUTED:
            drop_table(model)

    def _bound_routing_key(self, table: str, names: str, values: tuple[Any, ...]) -> Any:
        markers = ", ".join("?" for _ in values)
        prepared = self.session.prepare(
            f"INSERT INTO {DEFAULT_KEYSPACE}.{table} ({names}) VALUES ({markers})"
        )
        return prepared.bind(values).routing_key

    def _model_routing_key(self, model: Any, values: list[Any]) -> Any:
        simple = SimpleStatement("")
        simple.routing_key = model._routing_key_from_values(
            values, self.session.cluster.protocol_version
        )
        return simple.routing_key

    def test_routing_key_is_ignored(self) -> None:
        bound = self._bound_routing_key("basic_model_no_routing", "k, v", (1, 2))
        assert bound != self._model_routing_key(BasicModelNoRouting, [1])
        # writes, updates and deletes work without a routing key
        row = BasicModelNoRouting.create(k=2, v=3)
        row.update(v=4).save()
        assert BasicModelNoRouting.objects.filter(k=2).first() == row
        row.delete()
        assert BasicModelNoRouting.objects.count() == 0

    def test_routing_key_generation_basic(self) -> None:
        bound = self._bound_routing_key("basic_model_routing", "k, v", (1, 2))
        assert bound == self._model_routing_key(BasicModel, [1])

    def test_routing_key_generation_multi(self) -> None:
        bound = self._bound_routing_key("basic_model_routing_multi", "k, v", (1, 2))
        assert bound == self._model_routing_key(BasicModelMulti, [1, 2])

    def test_routing_key_generation_complex(self) -> None:
        partition = uuid4()
        bound = self._bound_routing_key(
            "complex_model_routing", "partition, cluster, count, text, float, text_2",
            (partition, 1, 2, "text", 1.2, "text_2"),
        )
        assert bound == self._model_routing_key(ComplexModelRouting,
                                                [partition, 1, "text", 1.2])

    def test_partition_key_index(self) -> None:
        for reverse in (False, True):
            for model in (BasicModel, BasicModelMulti, ComplexModelRouting):
                for statement in (SelectStatement, DeleteStatement):
                    self._check_partition_value_generation(
                        model, statement(model.__table_name__), reverse=reverse
                    )

    def _check_partition_value_generation(self, model: Any, statement: Any,
                                          reverse: bool = False) -> None:
        """Where clauses added in any order yield values in partition-key order."""
        values = {"k": 5, "v": 3, "partition": uuid4(), "cluster": 6, "count": 42,
                  "text": "text", "float": 3.1415, "text_2": "text_2"}
        name_of = {v: k for k, v in values.items()}
        items = list(model._partition_key_index.items())
        if reverse:
            items.reverse()
        for name, _position in items:
            statement._add_where_clause(WhereClause(name, EqualsOperator(), values[name]))
        generated = statement.partition_key_values(model._partition_key_index)
        for position, value in enumerate(generated):
            assert model._partition_key_index[name_of[value]] == position
