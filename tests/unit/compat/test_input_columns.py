"""Bad column values in coodie_compat: typed errors, offline (issue 9).

Integer ranges, time-based UUIDs, ``DateTime`` and ``Blob`` type errors that
are both the facade's ``ValidationError`` and the builtin cqlengine raises.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from coodie_compat import CQLEngineException, ValidationError, columns
from coodie_compat._input_errors import ValidationTypeError, qualify, shown


def named(column: columns.Column, name: str = "c") -> Any:
    column.set_column_name(name)
    return column


RANGES = [
    (columns.TinyInt, -128, 127),
    (columns.SmallInt, -32768, 32767),
    (columns.Integer, -(2**31), 2**31 - 1),
    (columns.BigInt, -(2**63), 2**63 - 1),
    (columns.Counter, -(2**63), 2**63 - 1),
]


@pytest.mark.parametrize(("kind", "low", "high"), RANGES)
def test_integer_columns_refuse_values_outside_their_cql_type(
    kind: type[columns.Column], low: int, high: int
) -> None:
    column = named(kind())
    assert column.validate(low) == low and column.validate(high) == high
    assert column.validate(str(high)) == high  # cqlengine's int() coercion is kept
    for bad in (low - 1, high + 1):
        with pytest.raises(ValidationError) as info:
            column.validate(bad)
        assert str(bad) in str(info.value) and str(info.value).startswith("c ")
        assert column.db_type in str(info.value)


def test_to_python_and_to_database_check_the_range_too() -> None:
    column = named(columns.TinyInt())
    with pytest.raises(ValidationError):
        column.to_database(200)
    with pytest.raises(ValidationError):
        column.to_python(-200)


def test_varint_is_unbounded() -> None:
    assert named(columns.VarInt()).validate(2**200) == 2**200


def test_timeuuid_refuses_other_versions() -> None:
    column = named(columns.TimeUUID(), "tu")
    v1 = uuid.uuid1()
    assert column.validate(v1) is v1
    assert column.validate(str(v1)) == v1
    assert column.validate(None) is None
    v4 = uuid.uuid4()
    for value in (v4, str(v4)):
        with pytest.raises(
            ValidationError,
            match=r"^tu UUID\('.*'\) is not a time-based \(version 1\) UUID: version 4$",
        ):
            column.validate(value)
    with pytest.raises(ValidationError, match="is not a valid uuid"):
        column.validate("xyz")


def test_plain_uuid_columns_still_take_any_version() -> None:
    v4 = uuid.uuid4()
    assert named(columns.UUID()).validate(v4) is v4


def test_datetime_text_is_a_validation_error_and_a_type_error() -> None:
    column = named(columns.DateTime(), "at")
    with pytest.raises(TypeError) as info:
        column.to_python("yesterday")
    assert isinstance(info.value, ValidationError)
    assert "'yesterday'" in str(info.value) and str(info.value).startswith("at ")


def test_blob_validate_refuses_text_before_to_database() -> None:
    column = named(columns.Blob(), "data")
    assert column.validate(b"x") == b"x" and column.validate(bytearray(b"x")) == b"x"
    assert column.validate(None) is None
    with pytest.raises(ValidationError, match=r"^data expecting a binary, got a <class 'str'>$"):
        column.validate("text")


def test_map_validate_still_allows_none_values() -> None:
    # A None value deletes the key in a key-by-key UPDATE; only an INSERT refuses it.
    column = named(columns.Map(columns.Text, columns.Integer), "attrs")
    assert column.validate({"a": None}) == {"a": None}
    with pytest.raises(ValidationError, match="None is not allowed in a map"):
        column.validate({None: 1})


def test_tuple_length_error_is_the_shared_dual_type() -> None:
    column = named(columns.Tuple(columns.Integer), "t")
    with pytest.raises(ValidationTypeError):
        column.validate((1, 2))


def test_qualify_names_model_column_and_value_once() -> None:
    error = ValidationError("body is longer than 3 characters")
    qualify(error, "Item", "body", "abcd")
    qualify(error, "Other", "x", 1)  # already named: left alone
    assert str(error) == "Item.body is longer than 3 characters (got 'abcd')"
    other = CQLEngineException("None values on filter are not allowed")
    qualify(other, "Item", "id")
    assert str(other) == "Item.id: None values on filter are not allowed"
    shown_value = CQLEngineException("x 5 is bad")
    qualify(shown_value, "Item", "x", 5)
    assert str(shown_value) == "Item.x 5 is bad"


def test_shown_cuts_long_values() -> None:
    assert shown("ab") == "'ab'"
    text = shown(["x"] * 70000)
    assert len(text) < 250 and text.endswith("(len 70000)")
