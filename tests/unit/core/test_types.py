"""Unit tests for identifiers, field markers and annotation -> CQL type mapping."""

from __future__ import annotations

import datetime
import decimal
import enum
import ipaddress
import uuid
from typing import Annotated, Literal, Optional

import pytest
from cassandra.util import Duration

from coodie_core.cqltypes import (
    Ascii,
    Float32,
    Int,
    SmallInt,
    TimeUUID,
    TinyInt,
    VarInt,
    check_value,
    cql_type_for,
    normalize_type,
    parse_type,
)
from coodie_core.document import Document
from coodie_core.errors import InvalidIdentifier, ModelDefinitionError
from coodie_core.fields import (
    ClusteringKey,
    Counter,
    CqlType,
    Frozen,
    Indexed,
    PartitionKey,
    Vector,
)
from coodie_core.identifiers import quote, validate_identifier


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("users", "users"),
        ("Users", '"Users"'),
        ("select", '"select"'),
        ("_x", '"_x"'),
        ("1abc", '"1abc"'),
        ("a_b2", "a_b2"),
    ],
)
def test_quote(name: str, quoted: str) -> None:
    assert quote(name) == quoted


@pytest.mark.parametrize("bad", ["", "a-b", 'x"; DROP', "a b", "é", None, 3])
def test_invalid_identifiers_are_refused(bad: object) -> None:
    with pytest.raises(InvalidIdentifier):
        validate_identifier(bad)


def test_long_table_name_is_refused() -> None:
    with pytest.raises(InvalidIdentifier, match="longer than 48"):
        validate_identifier("t" * 49, "table")
    assert validate_identifier("c" * 60, "column") == "c" * 60


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    LOW = 1


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (bool, "boolean"),
        (int, "bigint"),
        (float, "double"),
        (str, "text"),
        (bytes, "blob"),
        (decimal.Decimal, "decimal"),
        (uuid.UUID, "uuid"),
        (datetime.datetime, "timestamp"),
        (datetime.date, "date"),
        (datetime.time, "time"),
        (ipaddress.IPv4Address, "inet"),
        (ipaddress.IPv6Address, "inet"),
        (Duration, "duration"),
        (Ascii, "ascii"),
        (TinyInt, "tinyint"),
        (SmallInt, "smallint"),
        (Int, "int"),
        (VarInt, "varint"),
        (Float32, "float"),
        (TimeUUID, "timeuuid"),
        (Color, "text"),
        (Level, "int"),
        (Literal["a", "b"], "text"),
        (Optional[int], "bigint"),  # noqa: UP045 - the old spelling must work too
        (int | None, "bigint"),
        (list[int], "list<bigint>"),
        (set[str], "set<text>"),
        (frozenset[str], "set<text>"),
        (dict[str, int], "map<text, bigint>"),
        (tuple[int, str], "tuple<bigint, text>"),
        (list[list[int]], "list<frozen<list<bigint>>>"),
        (dict[str, set[int]], "map<text, frozen<set<bigint>>>"),
        (list[tuple[int, str]], "list<frozen<tuple<bigint, text>>>"),
        (list[TinyInt], "list<tinyint>"),
        (Annotated[list[int], Frozen()], "frozen<list<bigint>>"),
        (Annotated[list[float], Vector(3)], "vector<float, 3>"),
        (Annotated[str, CqlType("VARCHAR")], "varchar"),
        (Annotated[int, Counter()], "counter"),
    ],
)
def test_cql_type_for(annotation: object, expected: str) -> None:
    assert cql_type_for(annotation) == expected


def test_unmappable_annotation_is_a_model_error() -> None:
    with pytest.raises(ModelDefinitionError, match="no CQL type"):
        cql_type_for(object)
    with pytest.raises(ModelDefinitionError, match="no CQL type"):
        cql_type_for(tuple[int, ...])


def test_marker_validation() -> None:
    with pytest.raises(ModelDefinitionError):
        ClusteringKey(order="UP")  # type: ignore[arg-type]
    with pytest.raises(ModelDefinitionError):
        CqlType("text; DROP")
    with pytest.raises(ModelDefinitionError):
        Vector(0)
    # an index name is checked when the model is created, so the error names it
    assert Indexed(name="bad name").name == "bad name"
    with pytest.raises(InvalidIdentifier, match=r"^Bad\.v: invalid index name 'bad name'"):

        class Bad(Document):
            id: Annotated[int, PartitionKey()]
            v: Annotated[int, Indexed(name="bad name")] = 0


def test_parse_and_normalize_types() -> None:
    node = parse_type("frozen<map<text, list<int>>>")
    assert node.render() == "frozen<map<text, list<int>>>"
    assert node.unfrozen().name == "map"
    assert normalize_type("tuple<int,varchar>") == "frozen<tuple<int, text>>"
    assert normalize_type("frozen<tuple<int, text>>") == "frozen<tuple<int, text>>"
    assert normalize_type("vector<float, 3>") == "vector<float, 3>"


@pytest.mark.parametrize(
    ("cql_type", "value", "reason"),
    [
        ("tinyint", 127, None),
        ("tinyint", 128, "out of range for tinyint (-128..127)"),
        ("smallint", -32769, "out of range for smallint (-32768..32767)"),
        ("int", 2**31, "out of range for int (-2147483648..2147483647)"),
        ("bigint", -(2**63), None),
        ("bigint", 2**63, "out of range for bigint (-9223372036854775808..9223372036854775807)"),
        ("varint", 2**100, None),
        ("ascii", "abc", None),
        ("ascii", "é", "not ascii text"),
        ("vector<float, 2>", [1.0], "vector needs 2 elements, got 1"),
        ("list<tinyint>", [1, 200], "out of range for tinyint (-128..127)"),
        ("map<text, tinyint>", {"a": -129}, "out of range for tinyint (-128..127)"),
        ("frozen<tuple<int, tinyint>>", (1, 999), "out of range for tinyint (-128..127)"),
        ("int", None, None),
    ],
)
def test_check_value(cql_type: str, value: object, reason: str | None) -> None:
    assert check_value(cql_type, value) == reason
