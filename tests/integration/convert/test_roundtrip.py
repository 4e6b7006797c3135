"""Integration: rows written by the legacy cqlengine models are read by the converted
coodie_core Documents, and rows written by the Documents are read by the legacy
models, for every model of the corpus (coodie_core side through both fronts)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

import pydantic
import pytest
from cassandra.util import Date, Duration, Time

from .conftest import Converted, Front, Legacy

UTC = datetime.timezone.utc
# the corpus names two tables the deprecated ways on purpose; cqlengine warns when used
pytestmark = [
    pytest.mark.filterwarnings("ignore:Model __table_name__ will be case sensitive:UserWarning"),
    pytest.mark.filterwarnings(
        "ignore:Model __table_name_case_sensitive__:PendingDeprecationWarning"
    ),
]


def plain(value: Any) -> Any:
    """One comparable form for what either side reads: UDTs as ``{CQL field: value}``,
    driver dates and times as ``datetime`` ones, timestamps aware in UTC."""
    from cassandra.cqlengine.usertype import UserType as LegacyUserType

    if isinstance(value, LegacyUserType):
        fields = type(value)._fields
        return {col.db_field_name: plain(getattr(value, attr)) for attr, col in fields.items()}
    if isinstance(value, pydantic.BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Date):
        return value.date()
    if isinstance(value, Time):
        return value.time()
    if isinstance(value, datetime.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)) or type(value).__name__ == "SortedSet":
        return frozenset(plain(v) for v in value)
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def fields_of(obj: Any, names: list[str]) -> dict[str, Any]:
    """``{name: plain(obj.name)}``."""
    return {name: plain(getattr(obj, name)) for name in names}


ALL_TYPES: dict[str, Any] = {
    "v_ascii": "plain",
    "v_bigint": -(2**63),
    "v_blob": b"\x00\xffblob",
    "v_bytes": b"bytes",
    "v_boolean": True,
    "v_date": datetime.date(1999, 12, 31),
    "v_datetime": datetime.datetime(2024, 2, 29, 8, 30, 15, 123000),
    # stock cqlengine renders decimals as CQL literals through the driver's encoder,
    # which keeps 17 significant digits: stay within them
    "v_decimal": decimal.Decimal("-12345.6789012345"),
    "v_double": 3.141592653589793,
    "v_duration": Duration(1, 2, 3_000_000_004),
    "v_float": 1.5,
    "v_inet": "10.1.2.3",
    "v_integer": 2**31 - 1,
    "v_smallint": -(2**15),
    "v_text": "unicode ✓ text",
    "v_time": datetime.time(23, 59, 58, 123456),
    "v_timeuuid": uuid.uuid1(),
    "v_tinyint": 127,
    "v_uuid": uuid.uuid4(),
    "v_varint": 2**100,
}


async def test_all_types(legacy: Legacy, converted: Converted, front: Front) -> None:
    names = list(ALL_TYPES)
    key = uuid.uuid4()
    legacy.models.AllTypes.create(id=key, **ALL_TYPES)
    doc = await front(converted.models.AllTypes, "get", id=key)
    assert fields_of(doc, names) == plain(ALL_TYPES)

    other = uuid.uuid4()
    await front(converted.models.AllTypes(id=other, **ALL_TYPES), "save")
    assert fields_of(legacy.models.AllTypes.get(id=other), names) == plain(ALL_TYPES)


def _collections(side: Any, zip_field: str) -> dict[str, Any]:
    """The same collection values built from one side's UDT classes."""

    def address(street: str, zipcode: int) -> Any:
        return side.Address(**{"street": street, zip_field: zipcode})

    owner = side.Person(name="Ann", birthday=datetime.date(1990, 1, 2), home=address("Main", 12345))
    return {
        "tags": {"a", "b"},
        "scores": [3, 1, 2],
        "attrs": {"x": 1.5, "y": -2.0},
        "pair": (1, "one"),
        "nested": {"k": [1, 2], "l": []},
        "sets": [{"a"}, {"b", "c"}],
        "pairs": [(1, "a"), (2, "b")],
        "deep": ([1, 2], {"t": True}),
        "owner": owner,
        "addresses": [address("A", 1), address("B", 2)],
        "by_name": {"home": address("C", 3)},
    }


async def test_collections_and_udts(legacy: Legacy, converted: Converted, front: Front) -> None:
    legacy_values = _collections(legacy.models, "zipcode")
    core_values = _collections(converted.models, "zip")
    expected = plain(legacy_values)
    assert plain(core_values) == expected
    names = list(legacy_values)
    key = uuid.uuid4().int % 2**31
    legacy.models.Collections.create(id=key, **legacy_values)
    doc = await front(converted.models.Collections, "get", id=key)
    assert fields_of(doc, names) == expected

    other = key + 1 if key < 2**31 - 1 else key - 1
    await front(converted.models.Collections(id=other, **core_values), "save")
    assert fields_of(legacy.models.Collections.get(id=other), names) == expected


async def test_keys_static_db_field_and_defaults(
    legacy: Legacy, converted: Converted, front: Front
) -> None:
    sensor = f"s-{uuid.uuid4().hex[:8]}"
    day = datetime.date(2024, 3, 1)
    first = {"sensor": sensor, "day": day, "seq": 1}
    first["at"] = datetime.datetime(2024, 3, 1, 12, 0, 0, 123000)
    legacy.models.Reading.create(**first, sensor_name="roof", temperature=21.5, unit="C")
    written = legacy.models.Reading.get(**first)
    doc = await front(converted.models.Reading, "get", **first)
    assert (doc.temp_c, doc.sensor_name, doc.status, doc.unit) == (21.5, "roof", "ok", "C")
    assert plain(doc.recorded) == plain(written.recorded)

    second = {**first, "seq": 2, "at": datetime.datetime(2024, 3, 1, 13, 0, 0)}
    await front(
        converted.models.Reading(**second, sensor_name="attic", temp_c=19.0, unit="F"), "save"
    )
    row = legacy.models.Reading.get(**second)
    assert (row.temperature, row.status, row.unit) == (19.0, "ok", "F")
    assert row.recorded is not None
    assert legacy.models.Reading.get(**first).sensor_name == "attic"  # static: one per partition
    rows = list(legacy.models.Reading.objects(sensor=sensor, day=day))
    assert [r.seq for r in rows] == [2, 1]  # clustering order: at DESC
    found = await front.collect(converted.models.Reading.find(sensor=sensor, day=day))
    assert [d.seq for d in found] == [2, 1]


async def test_case_sensitive_table_and_columns(
    legacy: Legacy, converted: Converted, front: Front
) -> None:
    key = uuid.uuid4().int % 2**31
    legacy.models.CamelTable.create(userId=key, displayName="Ann")
    doc = await front(converted.models.CamelTable, "get", userId=key)
    assert doc.displayName == "Ann"
    await front(converted.models.CamelTable(userId=key, displayName="Bob"), "save")
    assert legacy.models.CamelTable.get(userId=key).displayName == "Bob"


async def test_counters(legacy: Legacy, converted: Converted, front: Front) -> None:
    url = f"/page/{uuid.uuid4().hex}"
    legacy.models.PageViews.create(url=url, views=5, clicks=2)
    doc = await front(converted.models.PageViews, "get", url=url)
    assert (doc.views, doc.click_count) == (5, 2)
    await front(doc, "increment", views=3, click_count=1)
    row = legacy.models.PageViews.get(url=url)
    assert (row.views, row.clicks) == (8, 3)


async def test_polymorphism(legacy: Legacy, converted: Converted, front: Front) -> None:
    owner = uuid.uuid4()
    cat = legacy.models.Cat.create(owner=owner, name="Tom", lives=7)
    pets = await front.collect(converted.models.Pet.find(owner=owner))
    assert [(type(p).__name__, p.name, p.lives, p.pet_type) for p in pets] == [
        ("Cat", "Tom", 7, "cat")
    ]
    again = await front(converted.models.Cat, "get", owner=owner, pet_id=cat.pet_id)
    assert again.lives == 7

    dog = converted.models.Dog(owner=owner, name="Rex", good_boy=False)
    await front(dog, "save")
    rows = {type(r).__name__: r.pet_id for r in legacy.models.Pet.objects(owner=owner)}
    assert rows == {"Cat": cat.pet_id, "Dog": dog.pet_id}
    # cqlengine reads a subclass's own columns only through the subclass
    legacy_dog = legacy.models.Dog.objects(owner=owner).get()
    assert (legacy_dog.name, legacy_dog.good_boy, legacy_dog.pet_type) == ("Rex", False, "dog")


async def test_explicit_keyspace_and_inherited_columns(
    legacy: Legacy, converted: Converted, front: Front
) -> None:
    note = legacy.models.Note.create(body="hi")
    doc = await front(converted.models.Note, "get", id=note.id)
    written = legacy.models.Note.get(id=note.id)
    assert (doc.body, plain(doc.created)) == ("hi", plain(written.created))
    assert converted.models.Note.table_meta().keyspace == legacy.models.EXPLICIT_KEYSPACE

    mine = converted.models.Note(body="yo")
    await front(mine, "save")
    row = legacy.models.Note.get(id=mine.id)
    millis = mine.created.replace(microsecond=mine.created.microsecond // 1000 * 1000)
    assert (row.body, plain(row.created)) == ("yo", plain(millis))


async def test_named_connection(legacy: Legacy, converted: Converted, front: Front) -> None:
    key = uuid.uuid4().int % 2**31
    legacy.models.AltNote.create(id=key, body="first")
    doc = await front(converted.models.AltNote, "get", id=key)
    assert doc.body == "first"
    await front(converted.models.AltNote(id=key, body="second"), "save")
    assert legacy.models.AltNote.get(id=key).body == "second"


async def test_star_import_model(legacy: Legacy, converted: Converted, front: Front) -> None:
    kind = f"k-{uuid.uuid4().hex[:8]}"
    at = uuid.uuid1()
    legacy.star.Event.create(kind=kind, at=at, payload={"a": "b"})
    doc = await front(converted.star.Event, "get", kind=kind, at=at)
    assert (doc.payload, doc.weight) == ({"a": "b"}, 1.0)
    later = uuid.uuid1()
    await front(converted.star.Event(kind=kind, at=later, payload={"c": "d"}, weight=2.5), "save")
    rows = list(legacy.star.Event.objects(kind=kind))
    assert [(r.at, r.payload, r.weight) for r in rows] == [
        (later, {"c": "d"}, 2.5),
        (at, {"a": "b"}, 1.0),
    ]
