"""Integration: every CQL type makes the round trip through save and get, through
both fronts."""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import uuid
from typing import Annotated, Any

import pytest
from cassandra.util import Duration, uuid_from_time

from coodie_core.cqltypes import Ascii, Float32, Int, SmallInt, TimeUUID, TinyInt, VarInt
from coodie_core.document import Document
from coodie_core.fields import Frozen, PartitionKey, Vector
from coodie_core.management import sync_table

UTC = datetime.timezone.utc


class AllTypes(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    v_ascii: Ascii | None = None
    v_bigint: int | None = None
    v_blob: bytes | None = None
    v_boolean: bool | None = None
    v_date: datetime.date | None = None
    v_decimal: decimal.Decimal | None = None
    v_double: float | None = None
    v_duration: Duration | None = None
    v_float: Float32 | None = None
    v_inet4: ipaddress.IPv4Address | None = None
    v_inet6: ipaddress.IPv6Address | None = None
    v_int: Int | None = None
    v_smallint: SmallInt | None = None
    v_text: str | None = None
    v_time: datetime.time | None = None
    v_timestamp: datetime.datetime | None = None
    v_timeuuid: TimeUUID | None = None
    v_tinyint: TinyInt | None = None
    v_uuid: uuid.UUID | None = None
    v_varint: VarInt | None = None
    v_list: list[int] = []
    v_set: set[str] = set()
    v_map: dict[str, float] = {}
    v_tuple: tuple[int, str, bool] | None = None
    v_nested: dict[str, list[set[int]]] = {}
    v_frozen: Annotated[list[tuple[int, str]], Frozen()] = []
    v_vector: Annotated[list[float], Vector(3)] | None = None


@pytest.fixture(scope="module", autouse=True)
def table(core_keyspace: str) -> None:
    sync_table(AllTypes)


VALUES: dict[str, Any] = {
    "v_ascii": "plain",
    "v_bigint": -(2**63),
    "v_blob": b"\x00\xffbytes",
    "v_boolean": True,
    "v_date": datetime.date(1999, 12, 31),
    "v_decimal": decimal.Decimal("12345.678901234567890"),
    "v_double": 3.141592653589793,
    "v_duration": Duration(1, 2, 3_000_000_004),
    "v_float": 1.5,
    "v_inet4": ipaddress.IPv4Address("10.1.2.3"),
    "v_inet6": ipaddress.IPv6Address("2001:db8::1"),
    "v_int": 2**31 - 1,
    "v_smallint": -(2**15),
    "v_text": "unicode ✓ text",
    "v_time": datetime.time(23, 59, 58, 123456),
    "v_timestamp": datetime.datetime(2024, 2, 29, 8, 30, 15, 123000, tzinfo=UTC),
    "v_timeuuid": uuid_from_time(1_700_000_000),
    "v_tinyint": 127,
    "v_uuid": uuid.uuid4(),
    "v_varint": 2**100,
    "v_list": [3, 1, 2],
    "v_set": {"b", "a"},
    "v_map": {"x": 1.25, "y": -2.5},
    "v_tuple": (7, "seven", False),
    "v_nested": {"k": [{1, 2}, {3}]},
    "v_frozen": [(1, "a"), (2, "b")],
    "v_vector": [0.5, -1.0, 2.25],
}


@pytest.mark.parametrize("field", sorted(VALUES))
async def test_round_trip(front: Any, field: str) -> None:
    doc = AllTypes(id=uuid.uuid4(), **{field: VALUES[field]})
    await front(doc, "save")
    got = await front(AllTypes, "get", id=doc.id)
    assert getattr(got, field) == VALUES[field]
    assert type(getattr(got, field)) is type(VALUES[field])


async def test_all_at_once_and_empty(front: Any) -> None:
    full = AllTypes(id=uuid.uuid4(), **VALUES)
    await front(full, "save")
    assert await front(AllTypes, "get", id=full.id) == full
    empty = AllTypes(id=uuid.uuid4())
    await front(empty, "save")
    assert await front(AllTypes, "get", id=empty.id) == empty


async def test_naive_and_offset_datetimes_come_back_utc(front: Any) -> None:
    offset = datetime.timezone(datetime.timedelta(hours=2))
    aware = datetime.datetime(2024, 6, 1, 14, 0, tzinfo=offset)
    doc = AllTypes(id=uuid.uuid4(), v_timestamp=aware)
    await front(doc, "save")
    got = await front(AllTypes, "get", id=doc.id)
    assert got.v_timestamp == datetime.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    assert got.v_timestamp.tzinfo is UTC
