"""Set, List, Map, Tuple and nested collections (upstream ``columns/test_container_columns.py``)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from cassandra import OperationTimedOut, WriteTimeout
from packaging.version import Version

from coodie_compat import columns
from coodie_compat.functions import get_total_seconds
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model, ValidationError
from tests_cqlengine_ported.harness import (
    CASSANDRA_IP,
    CASSANDRA_VERSION,
    BaseCassEngTestCase,
    greaterthancass20,
    is_prepend_reversed,
)

log = logging.getLogger(__name__)


def _create_through_timeouts(create: Any) -> None:
    """Call ``create()`` until it succeeds; a big collection may time out on a busy node."""
    while True:
        try:
            create()
            return
        except WriteTimeout as exc:
            log.warning("WriteTimeout: %s", exc)
        except OperationTimedOut:
            assert not CASSANDRA_IP.startswith("127.0.0."), "a local node should not time out"


class TestSetModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    int_set = columns.Set(columns.Integer, required=False)
    text_set = columns.Set(columns.Text, required=False)


class JsonTestColumn(columns.Column):
    """A custom column storing any JSON value as text."""

    db_type = "text"

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        return json.loads(value) if isinstance(value, str) else value

    def to_database(self, value: Any) -> Any:
        return None if value is None else json.dumps(value)


class TestSetColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestSetModel)
        sync_table(TestSetModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestSetModel)

    def test_add_none_fails(self) -> None:
        with pytest.raises(ValidationError):
            TestSetModel.create(int_set={None})

    def test_empty_set_initial(self) -> None:
        """A set column starts as an empty set, never None."""
        m = TestSetModel.create()
        m.int_set.add(5)
        m.save()
        assert TestSetModel.get(partition=m.partition).int_set == {5}

    def test_deleting_last_item_should_succeed(self) -> None:
        m = TestSetModel.create()
        m.int_set.add(5)
        m.save()
        m.int_set.remove(5)
        m.save()

        m = TestSetModel.get(partition=m.partition)
        assert 5 not in m.int_set

    def test_blind_deleting_last_item_should_succeed(self) -> None:
        m = TestSetModel.create()
        m.int_set.add(5)
        m.save()

        TestSetModel.objects(partition=m.partition).update(int_set=set())

        m = TestSetModel.get(partition=m.partition)
        assert 5 not in m.int_set

    def test_empty_set_retrieval(self) -> None:
        m = TestSetModel.create()
        m2 = TestSetModel.get(partition=m.partition)
        m2.int_set.add(3)
        assert m2.int_set == {3}

    def test_io_success(self) -> None:
        """Sets are written and read back as Python sets."""
        m1 = TestSetModel.create(int_set={1, 2}, text_set={"kai", "andreas"})
        m2 = TestSetModel.get(partition=m1.partition)

        assert isinstance(m2.int_set, set)
        assert isinstance(m2.text_set, set)
        assert m2.int_set == {1, 2}
        assert m2.text_set == {"kai", "andreas"}

    def test_type_validation(self) -> None:
        """Elements of the wrong type are rejected."""
        with pytest.raises(ValidationError):
            TestSetModel.create(int_set={"string", True}, text_set={1, 3.0})

    def test_element_count_validation(self) -> None:
        """65535 elements are accepted, 65536 rejected."""
        _create_through_timeouts(
            lambda: TestSetModel.create(text_set={str(uuid4()) for _ in range(65535)})
        )
        with pytest.raises(ValidationError):
            TestSetModel.create(text_set={str(uuid4()) for _ in range(65536)})

    def test_partial_updates(self) -> None:
        """In-place additions and removals are saved."""
        m1 = TestSetModel.create(int_set={1, 2, 3, 4})

        m1.int_set.add(5)
        m1.int_set.remove(1)
        assert m1.int_set == {2, 3, 4, 5}

        m1.save()

        m2 = TestSetModel.get(partition=m1.partition)
        assert m2.int_set == {2, 3, 4, 5}

    def test_instantiation_with_column_class(self) -> None:
        """A value type given as a class is instantiated."""
        column = columns.Set(columns.Text)
        assert isinstance(column.value_col, columns.Text)

    def test_instantiation_with_column_instance(self) -> None:
        """A value type given as an instance is used as is."""
        value_col = columns.Text(min_length=100)
        column = columns.Set(value_col)
        assert column.value_col is value_col

    def test_to_python(self) -> None:
        """The value column's conversions are applied to each element."""
        column = columns.Set(JsonTestColumn)
        val = {1, 2, 3}
        db_val = column.to_database(val)
        assert db_val == {json.dumps(v) for v in val}
        assert column.to_python(db_val) == val

    def test_default_empty_container_saving(self) -> None:
        """An untouched default (empty) set is not written over existing data."""
        pkey = uuid4()
        TestSetModel.create(partition=pkey, int_set={3, 4})
        TestSetModel.create(partition=pkey)

        m = TestSetModel.get(partition=pkey)
        assert m.int_set == {3, 4}


class TestListModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    int_list = columns.List(columns.Integer, required=False)
    text_list = columns.List(columns.Text, required=False)


class TestListColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestListModel)
        sync_table(TestListModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestListModel)

    def test_initial(self) -> None:
        tmp = TestListModel.create()
        tmp.int_list.append(1)
        assert tmp.int_list == [1]

    def test_initial_retrieve(self) -> None:
        tmp = TestListModel.create()
        tmp2 = TestListModel.get(partition=tmp.partition)
        tmp2.int_list.append(1)
        assert tmp2.int_list == [1]

    def test_io_success(self) -> None:
        """Lists are written and read back in order."""
        m1 = TestListModel.create(int_list=[1, 2], text_list=["kai", "andreas"])
        m2 = TestListModel.get(partition=m1.partition)

        assert isinstance(m2.int_list, list)
        assert isinstance(m2.text_list, list)
        assert m2.int_list == [1, 2]
        assert m2.text_list == ["kai", "andreas"]

    def test_type_validation(self) -> None:
        """Elements of the wrong type are rejected."""
        with pytest.raises(ValidationError):
            TestListModel.create(int_list=["string", True], text_list=[1, 3.0])

    def test_element_count_validation(self) -> None:
        """65535 elements are accepted, 65536 rejected."""
        _create_through_timeouts(
            lambda: TestListModel.create(text_list=[str(uuid4()) for _ in range(65535)])
        )
        with pytest.raises(ValidationError):
            TestListModel.create(text_list=[str(uuid4()) for _ in range(65536)])

    def test_partial_updates(self) -> None:
        """Growing a list at both ends is saved as prepend and append."""
        full = list(range(10))
        initial = full[3:7]

        m1 = TestListModel.create(int_list=initial)
        m1.int_list = full
        m1.save()

        expected = full[2::-1] + full[3:] if is_prepend_reversed() else full
        m2 = TestListModel.get(partition=m1.partition)
        assert list(m2.int_list) == expected

    def test_instantiation_with_column_class(self) -> None:
        """A value type given as a class is instantiated."""
        column = columns.List(columns.Text)
        assert isinstance(column.value_col, columns.Text)

    def test_instantiation_with_column_instance(self) -> None:
        """A value type given as an instance is used as is."""
        value_col = columns.Text(min_length=100)
        column = columns.List(value_col)
        assert column.value_col is value_col

    def test_to_python(self) -> None:
        """The value column's conversions are applied to each element."""
        column = columns.List(JsonTestColumn)
        val = [1, 2, 3]
        db_val = column.to_database(val)
        assert db_val == [json.dumps(v) for v in val]
        assert column.to_python(db_val) == val

    def test_default_empty_container_saving(self) -> None:
        """An untouched default (empty) list is not written over existing data."""
        pkey = uuid4()
        TestListModel.create(partition=pkey, int_list=[1, 2, 3, 4])
        TestListModel.create(partition=pkey)

        m = TestListModel.get(partition=pkey)
        assert m.int_list == [1, 2, 3, 4]

    def test_remove_entry_works(self) -> None:
        pkey = uuid4()
        tmp = TestListModel.create(partition=pkey, int_list=[1, 2])
        tmp.int_list.pop()
        tmp.update()
        tmp = TestListModel.get(partition=pkey)
        assert tmp.int_list == [1]

    def test_update_from_non_empty_to_empty(self) -> None:
        pkey = uuid4()
        tmp = TestListModel.create(partition=pkey, int_list=[1, 2])
        tmp.int_list = []
        tmp.update()

        tmp = TestListModel.get(partition=pkey)
        assert tmp.int_list == []

    def test_insert_none(self) -> None:
        pkey = uuid4()
        with pytest.raises(ValidationError):
            TestListModel.create(partition=pkey, int_list=[None])

    def test_blind_list_updates_from_none(self) -> None:
        """A list saved over a null one, then emptied by a queryset update."""
        m = TestListModel.create(int_list=None)
        expected = [1, 2]
        m.int_list = expected
        m.save()

        m2 = TestListModel.get(partition=m.partition)
        assert m2.int_list == expected

        TestListModel.objects(partition=m.partition).update(int_list=[])

        m3 = TestListModel.get(partition=m.partition)
        assert m3.int_list == []


class TestMapModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    int_map = columns.Map(columns.Integer, columns.UUID, required=False)
    text_map = columns.Map(columns.Text, columns.DateTime, required=False)


class TestMapColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestMapModel)
        sync_table(TestMapModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestMapModel)

    def test_empty_default(self) -> None:
        tmp = TestMapModel.create()
        tmp.int_map["blah"] = 1
        assert tmp.int_map == {"blah": 1}

    def test_add_none_as_map_key(self) -> None:
        with pytest.raises(ValidationError):
            TestMapModel.create(int_map={None: uuid4()})

    def test_empty_retrieve(self) -> None:
        tmp = TestMapModel.create()
        tmp2 = TestMapModel.get(partition=tmp.partition)
        tmp2.int_map["blah"] = 1
        assert tmp2.int_map == {"blah": 1}

    def test_remove_last_entry_works(self) -> None:
        tmp = TestMapModel.create()
        tmp.text_map["blah"] = datetime.now()
        tmp.save()
        del tmp.text_map["blah"]
        tmp.save()

        tmp = TestMapModel.get(partition=tmp.partition)
        assert "blah" not in tmp.text_map

    def test_io_success(self) -> None:
        """Maps are written and read back as dicts (timestamps to the millisecond)."""
        k1 = uuid4()
        k2 = uuid4()
        now = datetime.now()
        then = now + timedelta(days=1)
        m1 = TestMapModel.create(int_map={1: k1, 2: k2}, text_map={"now": now, "then": then})
        m2 = TestMapModel.get(partition=m1.partition)

        assert isinstance(m2.int_map, dict)
        assert isinstance(m2.text_map, dict)
        assert m2.int_map == {1: k1, 2: k2}
        assert get_total_seconds(now - m2.text_map["now"]) == pytest.approx(0, abs=1e-2)
        assert get_total_seconds(then - m2.text_map["then"]) == pytest.approx(0, abs=1e-2)

    def test_type_validation(self) -> None:
        """Keys and values of the wrong type are rejected."""
        with pytest.raises(ValidationError):
            TestMapModel.create(int_map={"key": 2, uuid4(): "val"}, text_map={2: 5})

    def test_element_count_validation(self) -> None:
        """65535 entries are accepted, 65536 rejected."""
        _create_through_timeouts(
            lambda: TestMapModel.create(text_map={str(uuid4()): i for i in range(65535)})
        )
        with pytest.raises(ValidationError):
            TestMapModel.create(text_map={str(uuid4()): i for i in range(65536)})

    def test_partial_updates(self) -> None:
        """Replacing the map writes the changed keys and deletes the removed ones."""
        now = datetime(*datetime.now().timetuple()[:-3])
        early = now - timedelta(minutes=30)
        earlier = early - timedelta(minutes=30)
        later = now + timedelta(minutes=30)

        m1 = TestMapModel.create(text_map={"now": now, "early": earlier})
        final = {"later": later, "early": early}
        m1.text_map = final
        m1.save()

        m2 = TestMapModel.get(partition=m1.partition)
        assert m2.text_map == final

    def test_updates_from_none(self) -> None:
        """A map saved over a null one, then set back to None."""
        m = TestMapModel.create(int_map=None)
        expected = {1: uuid4()}
        m.int_map = expected
        m.save()

        m2 = TestMapModel.get(partition=m.partition)
        assert m2.int_map == expected

        m2.int_map = None
        m2.save()
        m3 = TestMapModel.get(partition=m.partition)
        assert m3.int_map != expected

    def test_blind_updates_from_none(self) -> None:
        """A map saved over a null one, then emptied by a queryset update."""
        m = TestMapModel.create(int_map=None)
        expected = {1: uuid4()}
        m.int_map = expected
        m.save()

        m2 = TestMapModel.get(partition=m.partition)
        assert m2.int_map == expected

        TestMapModel.objects(partition=m.partition).update(int_map={})

        m3 = TestMapModel.get(partition=m.partition)
        assert m3.int_map != expected

    def test_updates_to_none(self) -> None:
        """Setting the map to None clears it."""
        m = TestMapModel.create(int_map={1: uuid4()})
        m.int_map = None
        m.save()

        m2 = TestMapModel.get(partition=m.partition)
        assert m2.int_map == {}

    def test_instantiation_with_column_class(self) -> None:
        """Key and value types given as classes are instantiated."""
        column = columns.Map(columns.Text, columns.Integer)
        assert isinstance(column.key_col, columns.Text)
        assert isinstance(column.value_col, columns.Integer)

    def test_instantiation_with_column_instance(self) -> None:
        """Key and value types given as instances are used as is."""
        key_col, value_col = columns.Text(min_length=100), columns.Integer()
        column = columns.Map(key_col, value_col)
        assert column.key_col is key_col
        assert column.value_col is value_col

    def test_to_python(self) -> None:
        """The key and value columns' conversions are applied to each entry."""
        column = columns.Map(JsonTestColumn, JsonTestColumn)
        val = {1: 2, 3: 4, 5: 6}
        db_val = column.to_database(val)
        assert db_val == {json.dumps(k): json.dumps(v) for k, v in val.items()}
        assert column.to_python(db_val) == val

    def test_default_empty_container_saving(self) -> None:
        """An untouched default (empty) map is not written over existing data."""
        pkey = uuid4()
        tmap = {1: uuid4(), 2: uuid4()}
        TestMapModel.create(partition=pkey, int_map=tmap)
        TestMapModel.create(partition=pkey)

        m = TestMapModel.get(partition=pkey)
        assert m.int_map == tmap


class TestCamelMapModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    camelMap = columns.Map(columns.Text, columns.Integer, required=False)


class TestCamelMapColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestCamelMapModel)
        sync_table(TestCamelMapModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestCamelMapModel)

    def test_camelcase_column(self) -> None:
        created = TestCamelMapModel.create(camelMap={"blah": 1})
        assert TestCamelMapModel.get(partition=created.partition).camelMap == {"blah": 1}


class TestTupleModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    int_tuple = columns.Tuple(columns.Integer, columns.Integer, columns.Integer, required=False)
    text_tuple = columns.Tuple(columns.Text, columns.Text, required=False)
    mixed_tuple = columns.Tuple(columns.Text, columns.Integer, columns.Text, required=False)


@greaterthancass20
class TestTupleColumn(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # Skip decorators do not stop class-level set-up, hence the version check.
        if Version("2.1") <= CASSANDRA_VERSION:
            drop_table(TestTupleModel)
            sync_table(TestTupleModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestTupleModel)

    def test_initial(self) -> None:
        """A tuple can be assigned to a created instance (PYTHON-306)."""
        tmp = TestTupleModel.create()
        tmp.int_tuple = (1, 2, 3)
        assert tmp.int_tuple == (1, 2, 3)

    def test_initial_retrieve(self) -> None:
        """A tuple can be assigned to a loaded instance (PYTHON-306)."""
        tmp = TestTupleModel.create()
        tmp2 = tmp.get(partition=tmp.partition)
        tmp2.int_tuple = (1, 2, 3)
        assert tmp2.int_tuple == (1, 2, 3)

    def test_io_success(self) -> None:
        """Tuples of several types are written and read back (PYTHON-306)."""
        m1 = TestTupleModel.create(int_tuple=(1, 2, 3, 5, 6), text_tuple=("kai", "andreas"),
                                   mixed_tuple=("first", 2, "Third"))
        m2 = TestTupleModel.get(partition=m1.partition)

        assert isinstance(m2.int_tuple, tuple)
        assert isinstance(m2.text_tuple, tuple)
        assert isinstance(m2.mixed_tuple, tuple)
        assert m2.int_tuple == (1, 2, 3)
        assert m2.text_tuple == ("kai", "andreas")
        assert m2.mixed_tuple == ("first", 2, "Third")

    def test_type_validation(self) -> None:
        """Elements of the wrong type are rejected (PYTHON-306)."""
        bad_rows = [
            {"int_tuple": ("string", True), "text_tuple": ("test", "test"),
             "mixed_tuple": ("one", 2, "three")},
            {"int_tuple": ("string", "string"), "text_tuple": (1, 3.0),
             "mixed_tuple": ("one", 2, "three")},
            {"int_tuple": ("string", "string"), "text_tuple": ("test", "test"),
             "mixed_tuple": (1, "two", 3)},
        ]
        for row in bad_rows:
            with pytest.raises(ValidationError):
                TestTupleModel.create(**row)

    def test_instantiation_with_column_class(self) -> None:
        """Element types given as classes are instantiated, in order (PYTHON-306)."""
        mixed_tuple = columns.Tuple(columns.Text, columns.Integer, columns.Text, required=False)
        assert [type(t) for t in mixed_tuple.types] == [columns.Text, columns.Integer,
                                                         columns.Text]

    def test_default_empty_container_saving(self) -> None:
        """An untouched (null) tuple is not written over existing data (PYTHON-306)."""
        pkey = uuid4()
        TestTupleModel.create(partition=pkey, int_tuple=(1, 2, 3))
        TestTupleModel.create(partition=pkey)

        m = TestTupleModel.get(partition=pkey)
        assert m.int_tuple == (1, 2, 3)

    def test_updates(self) -> None:
        """A tuple is replaced as a whole (PYTHON-306)."""
        m1 = TestTupleModel.create(int_tuple=(1, 2))
        replacement = (1, 2, 3)
        m1.int_tuple = replacement
        m1.save()

        m2 = TestTupleModel.get(partition=m1.partition)
        assert tuple(m2.int_tuple) == replacement

    def test_update_from_non_empty_to_empty(self) -> None:
        """An explicit None replaces the tuple (PYTHON-306)."""
        pkey = uuid4()
        tmp = TestTupleModel.create(partition=pkey, int_tuple=(1, 2, 3))
        tmp.int_tuple = None
        tmp.update()

        tmp = TestTupleModel.get(partition=pkey)
        assert tmp.int_tuple is None

    def test_insert_none(self) -> None:
        """A tuple can be created as None (PYTHON-306)."""
        pkey = uuid4()
        tmp = TestTupleModel.create(partition=pkey, int_tuple=None)
        assert tmp.int_tuple is None

    def test_blind_tuple_updates_from_none(self) -> None:
        """A tuple saved over a null one, then nulled by a queryset update (PYTHON-306)."""
        m = TestTupleModel.create(int_tuple=None)
        expected = (1, 2, 3)
        m.int_tuple = expected
        m.save()

        m2 = TestTupleModel.get(partition=m.partition)
        assert m2.int_tuple == expected

        TestTupleModel.objects(partition=m.partition).update(int_tuple=None)

        m3 = TestTupleModel.get(partition=m.partition)
        assert m3.int_tuple is None


class TestNestedModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    list_list = columns.List(columns.List(columns.Integer), required=False)
    map_list = columns.Map(columns.Text, columns.List(columns.Text), required=False)
    set_tuple = columns.Set(columns.Tuple(columns.Integer, columns.Integer), required=False)


LIST_LIST = [[1, 2, 3], [2, 3, 4], [3, 4, 5]]
MAP_LIST = {key: ["text1", "text2", "text3"] for key in ("key1", "key2", "key3")}
SET_TUPLE = {(1, 2), (3, 5), (4, 5)}


@greaterthancass20
class TestNestedType(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        # Skip decorators do not stop class-level set-up, hence the version check.
        if Version("2.1") <= CASSANDRA_VERSION:
            drop_table(TestNestedModel)
            sync_table(TestNestedModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestNestedModel)

    def test_initial(self) -> None:
        """A nested collection can be assigned to a created instance (PYTHON-478)."""
        tmp = TestNestedModel.create()
        tmp.list_list = LIST_LIST
        assert tmp.list_list == LIST_LIST

    def test_initial_retrieve(self) -> None:
        """Nested collections can be assigned to a loaded instance (PYTHON-478)."""
        tmp = TestNestedModel.create()
        tmp2 = tmp.get(partition=tmp.partition)
        tmp2.list_list = LIST_LIST
        tmp2.map_list = MAP_LIST
        tmp2.set_tuple = SET_TUPLE
        assert (tmp2.list_list, tmp2.map_list, tmp2.set_tuple) == (LIST_LIST, MAP_LIST, SET_TUPLE)

    def test_io_success(self) -> None:
        """Nested collections are written and read back with their inner types (PYTHON-378)."""
        m1 = TestNestedModel.create(list_list=LIST_LIST, map_list=MAP_LIST, set_tuple=SET_TUPLE)
        m2 = TestNestedModel.get(partition=m1.partition)

        assert isinstance(m2.list_list, list)
        assert isinstance(m2.list_list[0], list)
        assert isinstance(m2.map_list, dict)
        assert isinstance(m2.map_list.get("key2"), list)

        assert m2.list_list == LIST_LIST
        assert m2.map_list == MAP_LIST
        assert m2.set_tuple == SET_TUPLE
        assert isinstance(m2.set_tuple.pop(), tuple)

    def test_type_validation(self) -> None:
        """Nested elements of the wrong type are rejected (PYTHON-478)."""
        bad_rows = [
            {"list_list": [["text", "text", "text"]] * 3},
            {"list_list": ["text", "text", "text"]},
            {"map_list": {"key1": [1, 2, 3], "key2": [1, 2, 3], "key3": [1, 2, 3]}},
            {"map_list": {1: ["text1", "text2", "text3"], 2: ["text1"], 3: ["text3"]}},
            {"set_tuple": {("text", "text")}},
            {"set_tuple": ["This", "is", "not", "a", "set"]},
        ]
        for row in bad_rows:
            with pytest.raises(ValidationError):
                TestNestedModel.create(**row)

    def test_instantiation_with_column_class(self) -> None:
        """Nested types given as classes or instances become column instances (PYTHON-478)."""
        list_list = columns.List(columns.List(columns.Integer), required=False)
        map_list = columns.Map(columns.Text, columns.List(columns.Text), required=False)
        set_tuple = columns.Set(columns.Tuple(columns.Integer, columns.Integer), required=False)

        assert isinstance(list_list, columns.List)
        assert isinstance(list_list.types[0], columns.List)
        assert isinstance(map_list.types[0], columns.Text)
        assert isinstance(map_list.types[1], columns.List)
        assert isinstance(set_tuple.types[0], columns.Tuple)

    def test_default_empty_container_saving(self) -> None:
        """Untouched nested collections are not written over existing data (PYTHON-478)."""
        pkey = uuid4()
        TestNestedModel.create(partition=pkey, list_list=LIST_LIST, map_list=MAP_LIST,
                               set_tuple=SET_TUPLE)
        TestNestedModel.create(partition=pkey)

        m = TestNestedModel.get(partition=pkey)
        assert (m.list_list, m.map_list, m.set_tuple) == (LIST_LIST, MAP_LIST, SET_TUPLE)

    def test_updates(self) -> None:
        """Nested collections are replaced by a save (PYTHON-478)."""
        list_list_replacement = [[1, 2, 3], [3, 4, 5]]
        map_list_replacement = {"key1": ["text1", "text2", "text3"],
                                "key3": ["text1", "text2", "text3"]}
        set_tuple_replacement = {(7, 7), (4, 5)}

        m1 = TestNestedModel.create(list_list=LIST_LIST, map_list=MAP_LIST, set_tuple=SET_TUPLE)
        m1.list_list = list_list_replacement
        m1.map_list = map_list_replacement
        m1.set_tuple = set_tuple_replacement
        m1.save()

        m2 = TestNestedModel.get(partition=m1.partition)
        assert m2.list_list == list_list_replacement
        assert m2.map_list == map_list_replacement
        assert m2.set_tuple == set_tuple_replacement

    def test_update_from_non_empty_to_empty(self) -> None:
        """Emptied nested collections are cleared (PYTHON-478)."""
        tmp = TestNestedModel.create(list_list=LIST_LIST, map_list=MAP_LIST, set_tuple=SET_TUPLE)
        tmp.list_list = []
        tmp.map_list = {}
        tmp.set_tuple = set()
        tmp.update()

        tmp = TestNestedModel.get(partition=tmp.partition)
        assert tmp.list_list == []
        assert tmp.map_list == {}
        assert tmp.set_tuple == set()

    def test_insert_none(self) -> None:
        """Nested collections created as None read as empty (PYTHON-478)."""
        pkey = uuid4()
        tmp = TestNestedModel.create(partition=pkey, list_list=None, map_list=None,
                                     set_tuple=None)
        assert tmp.list_list == []
        assert tmp.map_list == {}
        assert tmp.set_tuple == set()
