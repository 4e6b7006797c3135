"""A compat Model and a core Document declared for one table share its rows.

``CompatRow`` (cqlengine style) and ``CoreRow`` (Pydantic style) describe the
same table with every common column type: text and ascii, the integer
types, boolean, double, float, decimal, uuid and timeuuid, timestamp, date,
time, blob, inet, list, set, map and tuple.  The compat side creates the
table; the core side must then find nothing to change.  Rows written by
one are read, updated and deleted by the other, the core side through both
its sync and its asyncio front.  Each test uses its own partition.

The two stacks keep their own connection registries; both point at the
node, under the name ``interop``.
"""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from cassandra.util import Date, Time, uuid_from_time

from coodie_compat import columns
from coodie_compat import connection as compat_connection
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_core import execution
from coodie_core.cqltypes import Ascii, Float32, Int, SmallInt, TimeUUID, TinyInt, VarInt
from coodie_core.document import Document
from coodie_core.fields import ClusteringKey, PartitionKey
from coodie_core.management import sync_table as core_sync_table

UTC = datetime.timezone.utc
CONNECTION = "interop"


class CompatRow(Model):
    __table_name__ = "interop_row"
    __connection__ = CONNECTION

    id = columns.UUID(partition_key=True)
    seq = columns.Integer(primary_key=True)
    v_text = columns.Text()
    v_ascii = columns.Ascii()
    v_int = columns.Integer()
    v_bigint = columns.BigInt()
    v_smallint = columns.SmallInt()
    v_tinyint = columns.TinyInt()
    v_varint = columns.VarInt()
    v_boolean = columns.Boolean()
    v_double = columns.Double()
    v_float = columns.Float()
    v_decimal = columns.Decimal()
    v_uuid = columns.UUID()
    v_timeuuid = columns.TimeUUID()
    v_timestamp = columns.DateTime()
    v_date = columns.Date()
    v_time = columns.Time()
    v_blob = columns.Blob()
    v_inet = columns.Inet()
    v_list = columns.List(columns.Integer)
    v_set = columns.Set(columns.Text)
    v_map = columns.Map(columns.Text, columns.Double)
    v_tuple = columns.Tuple(columns.Integer, columns.Text)


class CoreRow(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    seq: Annotated[Int, ClusteringKey()]
    v_text: str | None = None
    v_ascii: Ascii | None = None
    v_int: Int | None = None
    v_bigint: int | None = None
    v_smallint: SmallInt | None = None
    v_tinyint: TinyInt | None = None
    v_varint: VarInt | None = None
    v_boolean: bool | None = None
    v_double: float | None = None
    v_float: Float32 | None = None
    v_decimal: decimal.Decimal | None = None
    v_uuid: uuid.UUID | None = None
    v_timeuuid: TimeUUID | None = None
    v_timestamp: datetime.datetime | None = None
    v_date: datetime.date | None = None
    v_time: datetime.time | None = None
    v_blob: bytes | None = None
    v_inet: ipaddress.IPv6Address | None = None
    v_list: list[Int] = []
    v_set: set[str] = set()
    v_map: dict[str, float] = {}
    v_tuple: tuple[Int, str] | None = None

    class Settings:
        name = "interop_row"
        connection = CONNECTION


STAMP = datetime.datetime(2024, 2, 29, 8, 30, 15, 123000, tzinfo=UTC)
TIMEUUID = uuid_from_time(1_700_000_000)
OTHER_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")

#: One row's values as core reads them (aware UTC datetimes, ``date``/``time``, ip objects).
CORE_VALUES: dict[str, Any] = {
    "v_text": "unicode ✓", "v_ascii": "plain", "v_int": -(2**31), "v_bigint": 2**63 - 1,
    "v_smallint": 2**15 - 1, "v_tinyint": -128, "v_varint": 2**100, "v_boolean": True,
    "v_double": 3.141592653589793, "v_float": 1.5, "v_decimal": decimal.Decimal("-12.340"),
    "v_uuid": OTHER_UUID, "v_timeuuid": TIMEUUID, "v_timestamp": STAMP,
    "v_date": datetime.date(1999, 12, 31), "v_time": datetime.time(23, 59, 58, 123456),
    "v_blob": b"\x00\xff", "v_inet": ipaddress.IPv6Address("2001:db8::1"),
    "v_list": [3, 1, 2], "v_set": {"a", "b"}, "v_map": {"k": 0.25}, "v_tuple": (7, "seven"),
}


def as_compat(values: dict[str, Any]) -> dict[str, Any]:
    """The same values as cqlengine reads them back."""
    return {**values,
            "v_timestamp": values["v_timestamp"].astimezone(UTC).replace(tzinfo=None),
            "v_date": Date(values["v_date"]), "v_time": Time(values["v_time"]),
            "v_inet": str(values["v_inet"])}


@pytest.fixture(scope="module", autouse=True)
def interop_table(cassandra_node: Any, cassandra_session: Any) -> Iterator[str]:
    """A keyspace with the table created by compat; both stacks connected as ``interop``."""
    keyspace = f"coodie_interop_{uuid.uuid4().hex[:10]}"
    cassandra_session.execute(f"CREATE KEYSPACE {keyspace} WITH replication = "
                              "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    compat_connection.register_connection(CONNECTION, list(cassandra_node.contact_points),
                                          cluster_options={"port": cassandra_node.port})
    execution.register_connection(CONNECTION, cassandra_session, keyspace=keyspace)
    CompatRow.__keyspace__ = keyspace
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")
            compat_sync_table(CompatRow)
        yield keyspace
    finally:
        execution.unregister_connection(CONNECTION)
        compat_connection.unregister_connection(CONNECTION)
        cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}")


@pytest.fixture(params=["sync", "async"])
def front(request: pytest.FixtureRequest) -> str:
    """Run the core side through its sync and its asyncio front."""
    return str(request.param)


async def core_get(front: str, **key: Any) -> CoreRow:
    return await CoreRow.aget(**key) if front == "async" else CoreRow.get(**key)


async def core_save(front: str, doc: CoreRow) -> None:
    if front == "async":
        await doc.asave()
    else:
        doc.save()


def compat_values(row: CompatRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in CORE_VALUES}


def core_values(doc: CoreRow) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in CORE_VALUES}


def test_both_declarations_describe_the_same_table() -> None:
    assert core_sync_table(CoreRow, dry_run=True) == []
    compat_types = {c.name: c.cql_type for c in CompatRow._table_meta.columns}
    core_types = {c.name: c.cql_type for c in CoreRow.table_meta().columns}
    assert compat_types == core_types


async def test_core_reads_what_compat_wrote(front: str) -> None:
    key = {"id": uuid.uuid4(), "seq": 1}
    CompatRow.create(**key, **as_compat(CORE_VALUES))
    doc = await core_get(front, **key)
    assert core_values(doc) == CORE_VALUES


async def test_compat_reads_what_core_wrote(front: str) -> None:
    key = {"id": uuid.uuid4(), "seq": 2}
    await core_save(front, CoreRow(**key, **CORE_VALUES))
    row = CompatRow.objects.get(**key)
    assert compat_values(row) == as_compat(CORE_VALUES)


async def test_updates_cross_over(front: str) -> None:
    key = {"id": uuid.uuid4(), "seq": 3}
    await core_save(front, CoreRow(**key, **CORE_VALUES))

    row = CompatRow.get(**key)
    row.v_set.add("c")
    row.v_list.append(9)
    row.v_map["z"] = 2.0
    row.v_text = None  # cqlengine deletes the column
    row.v_timestamp = datetime.datetime(2030, 1, 2, 3, 4, 5)
    row.save()

    doc = await core_get(front, **key)
    assert (doc.v_set, doc.v_list, doc.v_map, doc.v_text, doc.v_timestamp) == (
        {"a", "b", "c"}, [3, 1, 2, 9], {"k": 0.25, "z": 2.0}, None,
        datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))

    doc.v_set = {"only"}
    doc.v_list = []
    doc.v_decimal = decimal.Decimal("1.5")
    await core_save(front, doc)
    row = CompatRow.get(**key)
    assert (row.v_set, row.v_list, row.v_decimal, row.v_int) == (
        {"only"}, [], decimal.Decimal("1.5"), CORE_VALUES["v_int"])


async def test_queries_and_deletes_cross_over(front: str) -> None:
    partition = uuid.uuid4()
    for seq in (10, 11, 12):
        CompatRow.create(id=partition, seq=seq, v_text=f"row {seq}")
    docs = CoreRow.find(id=partition, seq__gte=11).all()
    assert [(d.seq, d.v_text) for d in docs] == [(11, "row 11"), (12, "row 12")]

    doc = await core_get(front, id=partition, seq=11)
    if front == "async":
        await doc.adelete()
    else:
        doc.delete()
    assert [r.seq for r in CompatRow.objects(id=partition)] == [10, 12]

    CompatRow.objects(id=partition, seq=12).delete()
    with pytest.raises(CoreRow.DoesNotExist):
        await core_get(front, id=partition, seq=12)
    assert CoreRow.find(id=partition).count() == 1
