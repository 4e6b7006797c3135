"""Unit tests of ``coodie_compat.columns``: exact values, CQL types and messages."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal as PyDecimal
from typing import Any

import pytest
from cassandra import util
from cassandra.cqltypes import CounterColumnType, Int32Type, UTF8Type

from coodie_compat import ValidationError, columns
from coodie_compat.columns import (
    BaseValueManager,
    Column,
    CounterValueManager,
    UDTValueManager,
)


def named(column: Column, name: str = "c") -> Column:
    """Give a column the attribute name a model metaclass would."""
    column.set_column_name(name)
    return column


class TestColumnBase:
    def test_key_flags(self) -> None:
        assert Column(partition_key=True).primary_key is True
        assert Column(primary_key=True).partition_key is False
        assert Column(primary_key=True).can_delete is False
        assert Column().can_delete is True
        assert Column(custom_index=True).has_index is True
        assert Column().has_index is False

    def test_names(self) -> None:
        plain = named(columns.Integer())
        renamed = named(columns.Integer(db_field="real"))
        assert (plain.db_field_name, plain.cql, plain.db_index_name) == ("c", '"c"', "index_c")
        assert (renamed.db_field_name, renamed.get_cql()) == ("real", '"real"')

    def test_column_def_keeps_trailing_space_when_not_static(self) -> None:
        assert named(columns.Integer()).get_column_def() == '"c" int '
        assert named(columns.Text(static=True)).get_column_def() == '"c" text static'
        frozen = named(columns.List(columns.Text, frozen=True))
        assert frozen.get_column_def() == '"c" frozen<list<text>> '

    def test_ddl_type_text_is_db_type(self) -> None:
        assert columns.Map(columns.Text, columns.List(columns.Integer)).cql_parameterized_type() \
            == "map<text, frozen<list<int>>>"
        assert columns.Counter().cql_parameterized_type() == "counter"
        assert Column().cql_parameterized_type() is None

    def test_defaults(self) -> None:
        assert Column(default=3).get_default() == 3
        assert Column(default=lambda: [1]).get_default() == [1]
        assert Column().get_default() is None
        assert Column(default=0).has_default is True
        assert Column().has_default is False

    def test_required_message_uses_column_name_then_db_field(self) -> None:
        with pytest.raises(ValidationError, match=r"^c - None values are not allowed$"):
            named(Column(required=True)).validate(None)
        with pytest.raises(ValidationError, match=r"^f - None values are not allowed$"):
            Column(required=True, db_field="f").validate(None)
        assert Column(required=True).validate(0) == 0

    def test_positions_count_every_column(self) -> None:
        before = Column.instance_counter
        first, second = Column(), columns.Text()
        assert (first.position, second.position) == (before, before + 1)
        assert Column.instance_counter == before + 2
        assert first < second and second >= first and first != second

    def test_identity_conversions_and_sub_types(self) -> None:
        value = object()
        assert Column().to_python(value) is value
        assert Column().to_database(value) is value
        assert Column().sub_types == []
        assert Column()._val_is_null(None) and not Column()._val_is_null(0)


class TestScalars:
    def test_blob_sends_a_bytearray(self) -> None:
        result = columns.Blob().to_database(b"ab")
        assert (type(result), result) == (bytearray, bytearray(b"ab"))
        assert columns.Bytes is columns.Blob

    def test_blob_rejects_text_with_a_plain_exception(self) -> None:
        with pytest.raises(Exception, match=r"^expecting a binary, got a <class 'str'>$") as info:
            columns.Blob().to_database("ab")
        assert type(info.value) is Exception

    def test_text_bounds(self) -> None:
        assert columns.Text(required=True).min_length == 1
        assert columns.Text(required=True, min_length=0).min_length == 0
        for kwargs, message in [
            ({"min_length": -1}, "Minimum length is not allowed to be negative."),
            ({"max_length": -1}, "Maximum length is not allowed to be negative."),
            ({"min_length": 3, "max_length": 2},
             "Maximum length must be greater or equal to minimum length."),
        ]:
            with pytest.raises(ValueError) as info:
                columns.Text(**kwargs)
            assert str(info.value) == message

    @pytest.mark.parametrize(
        ("kwargs", "value", "message"),
        [
            ({}, 5, "c <class 'int'> is not a string"),
            ({"max_length": 3}, "abcd", "c is longer than 3 characters"),
            ({"min_length": 2}, "a", "c is shorter than 2 characters"),
            ({"min_length": 2}, None, "c is shorter than 2 characters"),
        ],
    )
    def test_text_messages(self, kwargs: dict[str, Any], value: Any, message: str) -> None:
        with pytest.raises(ValidationError) as info:
            named(columns.Text(**kwargs)).validate(value)
        assert str(info.value) == message

    def test_ascii(self) -> None:
        assert columns.Ascii().validate(bytearray(b"abc")) == bytearray(b"abc")
        with pytest.raises(ValidationError) as info:
            columns.Ascii().validate("Beyonc\xe9")
        assert str(info.value) == "'Beyoncé' is not an ASCII string."
        with pytest.raises(ValidationError):
            columns.Ascii().validate(bytearray([200]))

    @pytest.mark.parametrize(
        "column_class",
        [columns.Integer, columns.TinyInt, columns.SmallInt, columns.BigInt, columns.VarInt,
         columns.Counter],
    )
    def test_integers(self, column_class: type[Column]) -> None:
        column = named(column_class())
        assert [column.validate("7"), column.to_python(7.9), column.to_database("8")] == [7, 7, 8]
        assert column.validate(None) is None
        with pytest.raises(ValidationError) as info:
            column.validate("x")
        assert str(info.value) == "c x can't be converted to integral value"

    def test_varint_is_not_an_integer_subclass(self) -> None:
        assert not issubclass(columns.VarInt, columns.Integer)
        assert columns.VarInt().validate(2**100) == 2**100

    def test_counter(self) -> None:
        counter = columns.Counter(db_field="n")
        assert (counter.default, counter.primary_key, counter.db_type) == (0, False, "counter")
        assert counter.value_manager is CounterValueManager
        assert counter.cql_type is CounterColumnType
        with pytest.raises(TypeError):
            columns.Counter(primary_key=True)  # type: ignore[call-arg]

    def test_datetime_to_database_is_epoch_milliseconds(self) -> None:
        column = named(columns.DateTime())
        plus_one = timezone(timedelta(hours=1))
        assert column.to_database(datetime(1970, 1, 1, 0, 0, 1, 500000)) == 1500
        assert column.to_database(datetime(1970, 1, 1, 1, tzinfo=plus_one)) == 0
        assert column.to_database(date(1970, 1, 2)) == 86_400_000
        assert column.to_database(datetime(2017, 4, 13, 18, 34, 24, 317000)) == 1492108464317
        assert column.to_database(None) is None
        with pytest.raises(ValidationError) as info:
            column.to_database("x")
        assert str(info.value) == "c 'x' is not a datetime object"

    def test_datetime_to_python(self) -> None:
        column = columns.DateTime()
        moment = datetime(2020, 1, 2, 3, 4, 5, 678901)
        assert column.to_python(moment) is moment
        assert column.to_python(date(2020, 1, 2)) == datetime(2020, 1, 2)
        assert column.to_python(86400) == datetime(1970, 1, 2)
        with pytest.raises(TypeError):
            column.to_python("2020-01-02")

    def test_datetime_truncation_flag(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(columns.DateTime, "truncate_microseconds", True)
        moment = datetime(2020, 1, 2, 3, 4, 5, 678901)
        assert columns.DateTime().to_python(moment) == datetime(2020, 1, 2, 3, 4, 5, 678000)

    def test_date(self) -> None:
        column = columns.Date()
        assert column.to_database(date(1970, 1, 2)) == 2**31 + 1
        assert column.to_database(util.Date(-1)) == 2**31 - 1
        assert column.to_python(datetime(2020, 5, 6, 7)) == util.Date(date(2020, 5, 6))
        assert column.to_python("2020-05-06") == util.Date(date(2020, 5, 6))
        day = util.Date(3)
        assert column.to_python(day) is day
        assert (column.to_python(None), column.to_database(None)) == (None, None)

    def test_time(self) -> None:
        column = columns.Time()
        assert column.to_database(time(1, 2, 3)) == util.Time(time(1, 2, 3))
        assert column.to_python(1_000_000_000) == util.Time(time(0, 0, 1))
        assert type(column.to_database("01:02:03")) is util.Time
        assert column.to_python(None) is None

    def test_duration_raises_type_error(self) -> None:
        duration = util.Duration(1, 2, 3)
        assert columns.Duration().validate(duration) is duration
        with pytest.raises(TypeError) as info:
            named(columns.Duration()).validate(5)
        assert str(info.value) == "c 5 is not a valid Duration."

    @pytest.mark.parametrize("column_class", [columns.UUID, columns.TimeUUID])
    def test_uuid(self, column_class: type[Column]) -> None:
        value = uuid.uuid1() if column_class is columns.TimeUUID else uuid.uuid4()
        column = named(column_class())
        for text in (str(value), value.hex, str(value).upper()):
            assert column.validate(text) == value
        assert column.to_python(value) is value
        assert column.to_database(str(value)) == value
        with pytest.raises(ValidationError) as info:
            column.validate("nope")
        assert str(info.value) == "c nope is not a valid uuid"

    def test_boolean(self) -> None:
        column = columns.Boolean()
        assert [column.validate(0), column.validate("x"), column.to_python(1)] == [
            False, True, True]
        assert column.validate(None) is None
        assert column.to_database(1) == 1

    @pytest.mark.parametrize("column_class", [columns.Float, columns.Double])
    def test_floats(self, column_class: type[Column]) -> None:
        column = named(column_class())
        assert [column.validate("1.5"), column.to_python(2), column.to_database("3")] == [
            1.5, 2.0, 3.0]
        with pytest.raises(ValidationError) as info:
            column.validate("x")
        assert str(info.value) == "c x is not a valid float"

    def test_decimal(self) -> None:
        column = named(columns.Decimal())
        assert str(column.validate(0.1)) == "0.1"
        assert column.to_database("1.50") == PyDecimal("1.50")
        assert column.to_python(5) == PyDecimal(5)
        with pytest.raises(ValidationError) as info:
            column.validate("x")
        assert str(info.value) == "c 'x' can't be coerced to decimal"

    def test_scalar_cql_types(self) -> None:
        assert columns.Integer().cql_type is Int32Type
        assert columns.Text().cql_type is UTF8Type
        assert columns.Inet().db_type == "inet"


class TestCollections:
    def test_sub_type_checks(self) -> None:
        with pytest.raises(ValidationError) as info:
            columns.List(int)  # type: ignore[arg-type]
        assert str(info.value) == "<class 'int'> is not a column class"
        with pytest.raises(ValidationError) as info:
            columns.List(Column)
        assert str(info.value) == "<class 'coodie_compat.columns.Column'> is an abstract type"

    def test_nested_collection_instances_are_frozen(self) -> None:
        inner = columns.List(columns.Integer)
        outer = columns.Map(columns.Text, inner)
        assert outer.db_type == "map<text, frozen<list<int>>>"
        assert inner.db_type == "frozen<list<int>>"
        assert columns.Set(columns.Tuple(columns.Integer, columns.Text)).db_type \
            == "set<frozen<tuple<int, text>>>"

    def test_cql_types_ignore_frozen(self) -> None:
        assert columns.List(columns.Integer).cql_type.cql_parameterized_type() == "list<int>"
        assert columns.Set(columns.Text, frozen=True).cql_type.cql_parameterized_type() \
            == "set<text>"
        assert columns.Map(columns.Text, columns.Integer).cql_type.cql_parameterized_type() \
            == "map<text, int>"
        assert columns.Tuple(columns.Integer, columns.Text).cql_type.cql_parameterized_type() \
            == "frozen<tuple<int, text>>"  # the driver's rendering of a tuple type

    def test_unhashable_sub_types(self) -> None:
        with pytest.raises(ValidationError) as info:
            columns.Set(columns.List(columns.Integer))
        assert str(info.value) == "Cannot create a Set with unhashable value type (see PYTHON-494)"
        with pytest.raises(ValidationError) as info:
            columns.Map(columns.Set(columns.Integer), columns.Integer)
        assert str(info.value) == "Cannot create a Map with unhashable key type (see PYTHON-494)"
        assert columns.Set(columns.Tuple(columns.Integer)).db_type == "set<frozen<tuple<int>>>"

    def test_set(self) -> None:
        column = named(columns.Set(columns.Integer))
        assert column.validate({"1", 2}) == {1, 2}
        assert column.validate(util.SortedSet([3])) == {3}
        assert named(columns.Set(columns.Integer, strict=False)).validate([1, 1]) == {1}
        for col, value, message in [
            (column, [1], "c [1] is not a set object"),
            (named(columns.Set(columns.Integer, strict=False)), {"a": 1},
             "c {'a': 1} cannot be coerced to a set object"),
            (column, {None}, "c None not allowed in a set"),
        ]:
            with pytest.raises(ValidationError) as info:
                col.validate(value)
            assert str(info.value) == message
        assert (column.to_python(None), column.to_database(None)) == (set(), None)
        assert column.get_default() == set()

    def test_list(self) -> None:
        column = named(columns.List(columns.Text))
        assert column.validate(("a", "b")) == ["a", "b"]
        for value, message in [("ab", "c ab is not a list object"),
                               (["a", None], "c None is not allowed in a list")]:
            with pytest.raises(ValidationError) as info:
                column.validate(value)
            assert str(info.value) == message
        assert (column.to_python(None), column.to_database(None)) == ([], None)
        assert column.to_database(("a",)) == ["a"]

    def test_map(self) -> None:
        column = named(columns.Map(columns.Text, columns.Integer))
        assert column.validate({"a": "1"}) == {"a": 1}
        ordered = util.OrderedMap([("b", 2)])
        assert column.validate(ordered) == {"b": 2}
        for value, message in [([], "c [] is not a dict object"),
                               ({None: 1}, "c None is not allowed in a map")]:
            with pytest.raises(ValidationError) as info:
                column.validate(value)
            assert str(info.value) == message
        assert (column.to_python(None), column.to_database(None)) == ({}, None)

    def test_element_limit(self) -> None:
        column = named(columns.List(columns.Integer))
        assert len(column.validate(list(range(65535)))) == 65535
        with pytest.raises(ValidationError) as info:
            column.validate(list(range(65536)))
        assert str(info.value) == "c Collection can't have more than 65535 elements."

    def test_empty_collections_are_null(self) -> None:
        for column in (columns.Set(columns.Integer), columns.List(columns.Integer),
                       columns.Map(columns.Integer, columns.Integer),
                       columns.Tuple(columns.Integer)):
            assert column._val_is_null(column.to_python(None))
            assert not column._val_is_null(column.to_python([1] if not isinstance(
                column, columns.Map) else {1: 1}))

    def test_tuple(self) -> None:
        column = columns.Tuple(columns.Integer, columns.Text)
        assert column.db_type == "tuple<int, text>"
        assert column.validate(["1", "a"]) == (1, "a")
        assert column.validate((1,)) == (1,)
        assert column.to_python(None) == ()
        assert column.to_database(None) is None
        assert column.to_database([1, "a", "extra"]) == (1, "a")
        with pytest.raises(ValueError, match=r"^Tuple must specify at least one inner type$"):
            columns.Tuple()

    def test_tuple_too_long_is_a_validation_and_a_type_error(self) -> None:
        column = columns.Tuple(columns.Integer, columns.Text)
        with pytest.raises(ValidationError) as info:
            column.validate((1, "a", 3))
        assert isinstance(info.value, TypeError)
        assert str(info.value) == "Value (1, 'a', 3) has more fields than tuple definition " \
                                  "(int, text)"

    def test_instance_sub_types_are_kept(self) -> None:
        value_col = columns.Text(min_length=3)
        column = columns.List(value_col)
        assert column.value_col is value_col
        assert column.sub_types == [value_col]


class Address:
    """A stand-in user type: what ``UserDefinedType`` needs from ``UserType``."""

    _fields = OrderedDict(
        [("street", named(columns.Text(), "street")), ("moved", named(columns.Date(), "moved")),
         ("tags", named(columns.List(columns.Text), "tags"))]
    )

    def __init__(self, **values: Any) -> None:
        self.values = {name: values.get(name) for name in self._fields}
        self.validated = False
        self.changed_fields = False

    @classmethod
    def type_name(cls) -> str:
        return "address"

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = value

    def validate(self) -> None:
        self.validated = True

    def has_changed_fields(self) -> bool:
        return self.changed_fields

    def reset_changed_fields(self) -> None:
        self.changed_fields = False


class TestUserDefinedType:
    def test_declaration(self) -> None:
        column = columns.UserDefinedType(Address)
        assert column.db_type == "frozen<address>"
        assert column.sub_types == list(Address._fields.values())
        assert column.value_manager is UDTValueManager
        driver_type = column.cql_type
        assert driver_type.typename == "address"
        assert driver_type.fieldnames == ["street", "moved", "tags"]

    def test_to_database_converts_a_copy(self) -> None:
        value = Address(street="x", moved=date(1970, 1, 2))
        converted = columns.UserDefinedType(Address).to_database(value)
        assert converted is not value
        assert converted.values == {"street": "x", "moved": 2**31 + 1, "tags": None}
        assert value.values == {"street": "x", "moved": date(1970, 1, 2), "tags": None}

    def test_to_python_converts_in_place(self) -> None:
        value = Address(moved=date(1970, 1, 2))
        assert columns.UserDefinedType(Address).to_python(value) is value
        assert value.values == {"street": None, "moved": util.Date(1), "tags": []}

    def test_validate_delegates_and_keeps_none(self) -> None:
        column = columns.UserDefinedType(Address)
        value = Address()
        assert column.validate(value) is value and value.validated
        assert column.validate(None) is None
        assert column.to_python(None) is None and column.to_database(None) is None

    def test_resolve_udts(self) -> None:
        found: list[Any] = []
        columns.resolve_udts(columns.Map(columns.Text, columns.List(
            columns.UserDefinedType(Address))), found)
        assert found == [Address]


class TestPartitionKeysToken:
    def test_db_field_name_lists_partition_keys(self) -> None:
        class FakeModel:
            _partition_keys = OrderedDict(
                [("a", named(columns.Integer(), "a")), ("b", named(columns.Text(db_field="bb")))]
            )

        token = columns._PartitionKeysToken(FakeModel)
        assert token.db_field_name == 'token("a", "bb")'
        assert token.partition_columns == list(FakeModel._partition_keys.values())
        assert token.partition_key is True


class TestValueManagers:
    def test_explicit_values_compare_with_previous(self) -> None:
        manager = BaseValueManager(None, columns.Integer(), 1)
        assert manager.changed is False
        manager.setval(2)
        assert (manager.explicit, manager.changed) == (True, True)
        manager.reset_previous_value()
        assert manager.changed is False

    def test_containers_track_in_place_changes(self) -> None:
        column = columns.Set(columns.Integer)
        manager = BaseValueManager(None, column, set())
        assert manager.changed is False
        manager.value.add(1)
        assert manager.changed is True
        manager.reset_previous_value()
        manager.value.add(2)
        assert manager.previous_value == {1} and manager.changed is True

    def test_containers_with_a_default_compare_with_it(self) -> None:
        column = columns.List(columns.Integer, default=[1])
        manager = BaseValueManager(None, column, [1])
        assert manager.changed is False
        manager.value.append(2)
        assert manager.changed is True

    def test_deleted(self) -> None:
        manager = BaseValueManager(None, columns.Text(), None)
        assert manager.deleted is False
        manager.setval(None)
        assert manager.deleted is True
        loaded = BaseValueManager(None, columns.List(columns.Integer), [])
        loaded.previous_value = [1]
        assert loaded.deleted is True

    def test_property_deleter_only_for_deletable_columns(self) -> None:
        manager = BaseValueManager(None, columns.Integer(), 1)
        assert manager.get_property().fdel is not None
        key = BaseValueManager(None, columns.Integer(primary_key=True), 1)
        assert key.get_property().fdel is None
        manager.get_property().fdel(None)
        assert manager.value is None

    def test_counter_starts_at_zero(self) -> None:
        manager = CounterValueManager(None, columns.Counter(), None)
        assert (manager.value, manager.previous_value) == (0, 0)

    def test_udt_changes(self) -> None:
        column = columns.UserDefinedType(Address)
        value = Address()
        manager = UDTValueManager(None, column, value)
        assert manager.changed is False
        value.changed_fields = True
        assert manager.changed is True
        manager.reset_previous_value()
        assert value.changed_fields is False
        assert manager.previous_value is not value and manager.changed is False
