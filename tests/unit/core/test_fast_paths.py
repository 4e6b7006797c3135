"""Unit tests for the per-column fast paths built once per class: compiled CQL value
checks, the write-side shortcut past Pydantic, driver value converters and the
statement text cache; exact values, and the same errors as the slow paths."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import replace
from typing import Annotated

import pytest
from cassandra.cqltypes import UTF8Type
from cassandra.util import Date, OrderedMapSerializedKey, SortedSet, Time
from pydantic import Field

from coodie_core import statements
from coodie_core.cqltypes import Int, TinyInt, parse_type, value_checker
from coodie_core.document import Document
from coodie_core.driver_values import from_driver, read_converter, utc_datetime
from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.fastpaths import MISS, plain_acceptor, plain_type
from coodie_core.fields import PartitionKey
from coodie_core.statements import (
    Assignment,
    Delete,
    Insert,
    Select,
    Table,
    TokenWhere,
    Update,
    Where,
    bound_values,
    render,
    shape_of,
)

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
UTC = datetime.timezone.utc
T = Table("ks", "t")


class Row(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    small: TinyInt | None = None
    tags: list[str] = []
    limited: Annotated[str, Field(max_length=3)] = ""

    class Settings:
        keyspace = "ks"


# -- compiled CQL checks --------------------------------------------------------


def test_value_checker_is_none_for_types_that_need_no_check() -> None:
    plain = ("text", "double", "uuid", "list<text>", "map<text, uuid>", "frozen<set<blob>>")
    for cql_type in plain:
        assert value_checker(cql_type) is None
    assert value_checker("int") is value_checker("int")  # compiled once per type text


def test_value_checker_reasons() -> None:
    assert value_checker("map<text, int>")({"a": 2**31}) == (  # type: ignore[misc]
        "out of range for int (-2147483648..2147483647)"
    )
    assert value_checker("map<tinyint, text>")({300: "x"}) == (  # type: ignore[misc]
        "out of range for tinyint (-128..127)"
    )
    assert value_checker("list<frozen<tuple<text, int>>>")([("a", 1), None]) is None  # type: ignore[misc]
    assert value_checker("set<ascii>")({"ok", "é"}) == "not ascii text"  # type: ignore[misc]
    assert value_checker("int")(True) is None  # type: ignore[misc]  # bools are not ints here


# -- write-side fast path ----------------------------------------------------------


def test_plain_type_and_acceptor() -> None:
    assert plain_type(Annotated[int, PartitionKey()] | None) is int
    assert plain_type(Annotated[str, Field(max_length=3)]) is None  # a constraint: no shortcut
    accept = plain_acceptor(list[str])
    assert accept is not None
    value = ["a", "b"]
    copied = accept(value)
    assert copied == value and copied is not value  # a fresh list, as Pydantic returns
    assert accept(("a",)) is MISS and accept([1]) is MISS


def test_column_check_fast_and_slow_paths_agree() -> None:
    table = Row.table_meta()
    small, tags, limited = table.column("small"), table.column("tags"), table.column("limited")
    assert small.validate(5) == 5
    assert small.validate("5") == 5  # coerced by Pydantic (slow path)
    assert tags.validate(("a", "b")) == ["a", "b"]
    assert limited.validate("abc") == "abc"
    with pytest.raises(InvalidValue) as info:
        small.validate(300)  # right type: the fast path's CQL check fails
    assert (info.value.model, info.value.field, info.value.value) == ("Row", "small", 300)
    assert "out of range for tinyint" in str(info.value)
    with pytest.raises(InvalidValue, match="at most 3 characters"):
        limited.validate("abcd")  # constraints always take the slow path
    with pytest.raises(InvalidValue, match="valid integer"):
        small.validate("x")


def test_bad_values_are_refused_before_any_query() -> None:
    doc = Row(id=UID)
    doc.small = 1000  # plain assignment is not validated...
    with pytest.raises(InvalidValue, match="out of range for tinyint"):
        doc.save_op()  # ...but every write is
    with pytest.raises(ValueError, match="small: invalid value -129: out of range for tinyint"):
        Row(id=UID, small=-129)


# -- driver values -----------------------------------------------------------------


def test_read_converters_per_cql_type() -> None:
    naive = datetime.datetime(2024, 5, 1, 12, 30, 0, 123000)
    aware = datetime.datetime(2024, 5, 1, 12, 30, 0, 123000, tzinfo=UTC)
    for plain in ("text", "int", "varint", "uuid", "list<text>", "vector<float, 3>", "inet"):
        assert read_converter(parse_type(plain)) is None
    assert read_converter(parse_type("timestamp")) is utc_datetime
    assert utc_datetime(naive) == aware and utc_datetime(naive).tzinfo is UTC
    offset = datetime.timezone(datetime.timedelta(hours=2))
    assert utc_datetime(aware.replace(tzinfo=offset)) == aware - datetime.timedelta(hours=2)
    as_set = read_converter(parse_type("set<int>"))
    assert as_set is not None and as_set(SortedSet([2, 1])) == {1, 2}
    as_map = read_converter(parse_type("frozen<map<text, int>>"))
    driver_map = OrderedMapSerializedKey(UTF8Type, 5)
    driver_map._insert_unchecked("a", UTF8Type.serialize("a", 5), 1)
    assert as_map is not None and as_map(driver_map) == {"a": 1}
    assert type(as_map(driver_map)) is dict
    nested = read_converter(parse_type("list<timestamp>"))
    assert nested is from_driver and nested([naive]) == [aware]
    assert from_driver(Date(datetime.date(2024, 1, 2))) == datetime.date(2024, 1, 2)
    assert from_driver(Time(datetime.time(1, 2, 3))) == datetime.time(1, 2, 3)


# -- statement text cache ----------------------------------------------------------


WHERE_A = (Where("a", "=", 1),)
STATEMENTS = [
    Select(
        T,
        ("a", "b"),
        (Where("a", "=", 1), TokenWhere(("a",), ">", (5,), raw=True)),
        order_by=(("b", True),),
        limit=3,
        per_partition_limit=2,
    ),
    Select(T, (), (Where("a", "IN", [1, 2]),), count=True),
    Insert(T, ("a", "b"), (1, [2]), if_not_exists=True, ttl=5, timestamp=7),
    Update(
        T,
        (Assignment("b", "set_item", "v", 2), Assignment("c", "add", {1})),
        WHERE_A,
        ttl=3,
        timestamp=4,
        if_conditions=(Where("c", "!=", 0),),
    ),
    Update(T, (Assignment("b", "set", 1),), WHERE_A, if_exists=True),
    Delete(T, WHERE_A, ("b",), timestamp=9, if_conditions=(Where("b", "=", 2),)),
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_cached_text_and_values_match_a_fresh_render(statement: statements.Statement) -> None:
    statements._TEXTS.clear()
    fresh = render(statement)  # built, then cached by shape
    assert statements._TEXTS[shape_of(statement)] == fresh[0]
    assert render(statement) == fresh  # served from the cache
    assert bound_values(statement) == fresh[1]


def test_shapes_separate_texts_and_values_do_not() -> None:
    one = Select(T, ("a",), (Where("a", "=", 1),), limit=1)
    assert shape_of(one) == shape_of(replace(one, where=(Where("a", "=", 99),), limit=500))
    assert shape_of(one) != shape_of(replace(one, limit=None))
    assert shape_of(one) != shape_of(replace(one, where=(Where("a", ">", 1),)))
    assert render(replace(one, limit=None))[0] == "SELECT a FROM ks.t WHERE a = ?"
    with pytest.raises(InvalidQuery, match="one value per column"):
        render(Insert(T, ("a", "b"), (1,)))
    unhashable = Insert(T, ["a"], [1])  # type: ignore[arg-type]
    assert render(unhashable) == ("INSERT INTO ks.t (a) VALUES (?)", (1,))

    assert plain_type(Int) is int
