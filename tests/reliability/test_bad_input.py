"""Bad input across the public APIs of core and compat, one table row each.

Every row must raise a typed error (a ``CoodieError`` or Pydantic's
``ValidationError`` in core, a ``CQLEngineException`` or ``CoodieError`` in
compat) whose message names the model, the field and the value the row lists,
before anything is sent: the driver requests of both sessions and compat's
``connection.execute`` calls are counted, and must stay at zero. A row written
first (with its own partition per case) must read back unchanged.

Rows marked ``gap`` show what core or compat does not do yet; each is an
``xfail(strict=True)`` naming the function to change, to be removed with the
fix.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import pydantic
import pytest

from coodie_compat import CQLEngineException, columns
from coodie_compat.management import create_keyspace_simple
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_compat.named import NamedKeyspace, NamedTable
from coodie_compat.query import BatchQuery
from coodie_core import (
    BatchWriter,
    BigInt,
    ClusteringKey,
    CoodieError,
    Counter,
    Document,
    Indexed,
    Int,
    PartitionKey,
    SmallInt,
    TimeUUID,
    TinyInt,
    create_keyspace,
    register_connection,
    sync_table,
)
from tests.reliability.support import (
    RELIABILITY,
    RELIABILITY_COMPAT,
    RequestCounter,
    reliability_keyspace,
)

KS = reliability_keyspace()
NAIVE = datetime.datetime(2024, 1, 1, 12, 0)
V4 = uuid.UUID("4d1b4f7e-2f6a-4c1e-9a55-6f2b8d7c0e11")


class Item(Document):
    """Core model with one column per kind of check."""

    id: Annotated[uuid.UUID, PartitionKey()]
    seq: Annotated[int, ClusteringKey()] = 0
    tiny: TinyInt | None = None
    small: SmallInt | None = None
    num: Int | None = None
    big: BigInt | None = None
    at: datetime.datetime | None = None
    tu: TimeUUID | None = None
    tags: set[str] = set()
    names: list[str] = []
    attrs: dict[str, int] = {}
    body: str | None = None
    flag: bool | None = None
    label: Annotated[str | None, Indexed()] = None

    class Settings:
        connection = RELIABILITY


class Hits(Document):
    """Core counter model."""

    page: Annotated[str, PartitionKey()]
    n: Annotated[int, Counter()] = 0

    class Settings:
        connection = RELIABILITY


class CItem(Model):
    """Compat twin of :class:`Item`."""

    __keyspace__ = KS
    __connection__ = RELIABILITY_COMPAT
    __table_name__ = "c_item"
    id = columns.UUID(partition_key=True)
    seq = columns.Integer(primary_key=True, default=0)
    tiny = columns.TinyInt()
    small = columns.SmallInt()
    num = columns.Integer()
    big = columns.BigInt()
    at = columns.DateTime()
    tu = columns.TimeUUID()
    tags = columns.Set(columns.Text)
    names = columns.List(columns.Text)
    attrs = columns.Map(columns.Text, columns.Integer)
    body = columns.Text(max_length=100)
    data = columns.Blob()
    dec = columns.Decimal()
    label = columns.Text(index=True)


class CTag(Model):
    """Compat model with a text partition key."""

    __keyspace__ = KS
    __connection__ = RELIABILITY_COMPAT
    __table_name__ = "c_tag"
    name = columns.Text(partition_key=True)
    n = columns.Integer()


@pytest.fixture(scope="module", autouse=True)
def tables(rel_keyspace: str, compat_rel: Any) -> None:
    sync_table(Item)
    sync_table(Hits)
    compat_sync_table(CItem)
    compat_sync_table(CTag)


@dataclass
class Ctx:
    """What a case may touch: its own partition, written and read before counting."""

    id: uuid.UUID = field(default_factory=uuid.uuid4)
    item: Item = field(init=False)
    citem: Any = field(init=False)
    hits: Hits = field(init=False)

    def write(self) -> None:
        """The sentinel rows (core and compat) and fresh copies read back."""
        Item(id=self.id, body="orig", tiny=1, tags={"a"}, names=["x"], attrs={"k": 1}).save()
        CItem.create(id=self.id, body="orig", tiny=1, tags={"a"}, names=["x"], attrs={"k": 1})
        self.item = Item.get(id=self.id, seq=0)
        self.citem = CItem.get(id=self.id, seq=0)
        self.hits = Hits(page=str(self.id))

    def stored(self) -> tuple[Any, ...]:
        """Everything the sentinel partitions hold."""
        core = [d.model_dump() for d in Item.find(id=self.id).all()]
        compat = [dict(r) for r in CItem.objects(id=self.id)]
        return core, compat, Hits.find(page=str(self.id)).first()


CORE_TYPED = (CoodieError, pydantic.ValidationError)
COMPAT_TYPED = (CQLEngineException, CoodieError)

# -- gaps (xfail reasons), each naming the function to change ------------------------


@dataclass(frozen=True)
class Case:
    """One bad input: the call, the API it uses, what the error must name."""

    id: str
    api: str
    call: Callable[[Ctx], Any]
    names: tuple[str, ...]
    gap: str | None = None


def core_model(**settings: Any) -> Callable[[Ctx], Any]:
    """A call that declares (and syncs) a core model with these ``Settings``."""

    def declare(ctx: Ctx) -> None:
        class Bad(Document):
            id: Annotated[int, PartitionKey()]

            class Settings:
                vars().update(settings)
                connection = RELIABILITY

        sync_table(Bad)

    return declare


def compat_model(attrs: dict[str, Any]) -> Callable[[Ctx], Any]:
    """A call that declares (and syncs) a compat model with these attributes."""

    def declare(ctx: Ctx) -> None:
        base = {"__keyspace__": KS, "__connection__": RELIABILITY_COMPAT,
                "id": columns.Integer(primary_key=True)}  # fmt: skip
        compat_sync_table(type("BadC", (Model,), {**base, **attrs}))

    return declare


def indexed_named(name: str) -> Callable[[Ctx], Any]:
    """A call declaring a core model whose index has this name."""

    def declare(ctx: Ctx) -> None:
        # a local of this frame: the (string) annotation below must resolve it, or
        # Pydantic leaves the class incomplete and nothing is checked at all
        marker = Indexed(name=name)

        class BadIndex(Document):
            id: Annotated[int, PartitionKey()]
            v: Annotated[int, marker] = 0

    return declare


def item(ctx: Ctx, **values: Any) -> Item:
    return Item(id=ctx.id, **values)


def citem(ctx: Ctx, **values: Any) -> Any:
    return CItem.create(id=ctx.id, **values)


CORE: list[Case] = [
    # out-of-range integers
    Case("ctor-tinyint-128", "core", lambda c: item(c, tiny=128), ("Item", "tiny", "128")),
    Case("ctor-tinyint-middle", "core",
         lambda c: item(c, tiny=300, body="y" * 200, names=["n"] * 40),
         ("Item", "tiny", "300")),
    Case("ctor-smallint", "core", lambda c: item(c, small=-32769), ("Item", "small", "-32769")),
    Case("ctor-int", "core", lambda c: item(c, num=2**31), ("Item", "num", str(2**31))),
    Case("ctor-bigint", "core", lambda c: item(c, big=2**63), ("Item", "big", str(2**63))),
    Case("ctor-map-value-bigint", "core", lambda c: item(c, attrs={"a": 2**70}),
         ("Item", "attrs", str(2**70))),
    Case("update-tinyint", "core", lambda c: c.item.update(tiny=-129), ("Item", "tiny", "-129")),
    Case("aupdate-smallint", "core", lambda c: c.item.aupdate(small=2**15),
         ("Item", "small", str(2**15))),
    Case("filter-int", "core", lambda c: Item.find(id=c.id, num=2**40).allow_filtering().all(),
         ("Item", "num", str(2**40))),
    Case("filter-bigint-key", "core", lambda c: Item.find(id=c.id, seq=2**64).all(),
         ("Item", "seq", str(2**64))),
    Case("counter-delta-bigint", "core", lambda c: c.hits.increment(n=2**63),
         ("Hits", "n", str(2**63))),
    # UUIDs and timeuuids
    Case("ctor-uuid-text", "core", lambda c: Item(id="not-a-uuid"),  # type: ignore[arg-type]
         ("Item", "id", "not-a-uuid")),
    Case("get-uuid-text", "core", lambda c: Item.get(id="zzz"), ("Item", "id", "zzz")),
    Case("ctor-uuid-int", "core", lambda c: Item(id=12345),  # type: ignore[arg-type]
         ("Item", "id", "12345")),
    Case("ctor-timeuuid-text", "core", lambda c: item(c, tu="xyz"), ("Item", "tu", "xyz")),
    Case("ctor-timeuuid-v4", "core", lambda c: item(c, tu=V4).save(), ("Item", "tu", str(V4))),
    Case("update-timeuuid-v4", "core", lambda c: c.item.update(tu=V4), ("Item", "tu", str(V4))),
    # datetimes: naive column values are UTC by design; naive write timestamps are refused
    Case("ctor-datetime-text", "core", lambda c: item(c, at="yesterday"),
         ("Item", "at", "yesterday")),
    Case("save-naive-timestamp", "core", lambda c: item(c, body="n").save(timestamp=NAIVE),
         ("Item", "timestamp", repr(NAIVE))),
    Case("update-naive-timestamp", "core", lambda c: c.item.update(body="n", timestamp=NAIVE),
         ("Item", "timestamp", repr(NAIVE))),
    Case("queryset-naive-timestamp", "core", lambda c: Item.find(id=c.id).timestamp(NAIVE),
         ("Item", "timestamp", repr(NAIVE))),
    Case("batch-naive-timestamp", "core", lambda c: BatchWriter(timestamp=NAIVE),
         ("BatchWriter", "timestamp", repr(NAIVE))),
    Case("save-timestamp-text", "core",
         lambda c: item(c, body="n").save(timestamp="now"),  # type: ignore[arg-type]
         ("Item", "timestamp", "now")),
    Case("save-timestamp-beyond-bigint", "core",
         lambda c: item(c, body="n").save(timestamp=2**70), ("Item", "timestamp", str(2**70))),
    # TTLs
    Case("save-ttl-negative", "core", lambda c: item(c, body="n").save(ttl=-1),
         ("Item", "ttl", "-1")),
    Case("asave-ttl-float", "core",
         lambda c: item(c, body="n").asave(ttl=1.5),  # type: ignore[arg-type]
         ("Item", "ttl", "1.5")),
    Case("update-ttl-text", "core", lambda c: c.item.update(body="n", ttl="10"),
         ("Item", "ttl", "10")),
    Case("save-ttl-above-max", "core", lambda c: item(c, body="n").save(ttl=10**9),
         ("Item", "ttl", str(10**9))),
    # collections with None, oversized elements
    Case("ctor-set-none", "core", lambda c: item(c, tags={"a", None}), ("Item", "tags", "None")),
    Case("ctor-list-none", "core", lambda c: item(c, names=["a", None]),
         ("Item", "names", "None")),
    Case("ctor-map-none-value", "core", lambda c: item(c, attrs={"a": None}),
         ("Item", "attrs", "None")),
    Case("ctor-map-none-key", "core", lambda c: item(c, attrs={None: 1}),
         ("Item", "attrs", "None")),
    Case("append-none-item", "core", lambda c: c.item.update(names__append=[None]),
         ("Item", "names", "None")),
    Case("append-none", "core", lambda c: c.item.update(names__append=None),
         ("Item", "names", "None")),
    Case("set-add-none", "core", lambda c: c.item.update(tags__add={None}),
         ("Item", "tags", "None")),
    # wrong types
    Case("ctor-text-int", "core", lambda c: item(c, body=5), ("Item", "body", "5")),
    Case("ctor-bool-text", "core", lambda c: item(c, flag="maybe"), ("Item", "flag", "maybe")),
    Case("counter-delta-text", "core", lambda c: c.hits.increment(n="1"),  # type: ignore[arg-type]
         ("Hits", "n", "1")),
    Case("set-item-bad-index", "core", lambda c: c.item.update(names__set_item=("a", "b")),
         ("Item", "names", "'a'")),
    Case("map-remove-text", "core", lambda c: c.item.update(attrs__remove="a"),
         ("Item", "attrs", "'a'")),
    Case("token-bound-text", "core", lambda c: Item.find().token_range(gt="abc"),
         ("Item", "abc")),
    Case("in-text", "core", lambda c: Item.find(id__in="abc"), ("Item", "id", "abc")),
    Case("like-int", "core", lambda c: Item.find(label__like=5), ("Item", "label", "5")),
    Case("filter-none", "core", lambda c: Item.find(id=None), ("Item", "id", "None")),
    Case("empty-partition-key", "core", lambda c: Hits(page="").increment(n=1),
         ("Hits", "page", "''")),
    Case("get-empty-partition-key", "core", lambda c: Hits.get(page=""), ("Hits", "page", "''")),
    Case("partition-key-over-64k", "core", lambda c: Hits(page="k" * 70000).increment(n=1),
         ("Hits", "page", "65535")),
    # unknown fields
    Case("ctor-unknown-field", "core", lambda c: item(c, bodyy="typo").save(),
         ("Item", "bodyy", "typo")),
    Case("filter-unknown", "core", lambda c: Item.find(nope=1), ("Item", "nope")),
    Case("update-unknown", "core", lambda c: c.item.update(nope=1), ("Item", "nope")),
    Case("order-by-unknown", "core", lambda c: Item.find(id=c.id).order_by("nope"),
         ("Item", "nope")),
    Case("only-unknown", "core", lambda c: Item.find(id=c.id).only("nope"), ("Item", "nope")),
    Case("iff-unknown", "core", lambda c: c.item.update(body="x", iff={"nope": 1}),
         ("Item", "nope")),
    Case("increment-unknown", "core", lambda c: c.hits.increment(nope=1), ("Hits", "nope")),
    Case("lookup-unknown", "core", lambda c: Item.find(id__regex="x"), ("Item", "id", "regex")),
    # queries the server would refuse
    Case("update-key-column", "core", lambda c: c.item.update(seq=3), ("Item", "seq")),
    Case("filter-needs-allow-filtering", "core", lambda c: Item.find(body="x").all(),
         ("Item", "body", "allow_filtering")),
    Case("order-by-non-clustering", "core", lambda c: Item.find(id=c.id).order_by("body"),
         ("Item", "body")),
    Case("contains-on-text", "core", lambda c: Item.find(body__contains="x"), ("Item", "body")),
    Case("iff-on-key", "core", lambda c: c.item.update(body="x", iff={"seq": 1}),
         ("Item", "seq")),
    Case("lwt-with-timestamp", "core",
         lambda c: c.item.update(body="x", iff={"body": "orig"}, timestamp=5),
         ("Item", "timestamp")),
    Case("update-nothing", "core", lambda c: c.item.update(), ("Item",)),
    Case("counter-save", "core", lambda c: c.hits.save(), ("Hits", "counter")),
    Case("increment-non-counter", "core", lambda c: c.item.increment(tiny=1), ("Item", "tiny")),
    Case("bulk-update-partial-key", "core", lambda c: Item.find(id=c.id).update(body="x"),
         ("Item", "seq")),
    Case("ttl-of-key", "core", lambda c: c.item.ttl_of("seq"), ("Item", "seq")),
    Case("limit-zero", "core", lambda c: Item.find(id=c.id).limit(0), ("Item", "limit", "0")),
    Case("page-size-zero", "core", lambda c: Item.find(id=c.id).page_size(0),
         ("Item", "page_size", "0")),
    Case("batch-kind", "core", lambda c: BatchWriter("FAST"),  # type: ignore[arg-type]
         ("kind", "FAST")),
    Case("counter-in-logged-batch", "core", lambda c: BatchWriter().increment(c.hits, n=1),
         ("Hits", "LOGGED")),
    # invalid identifiers
    Case("settings-table-name", "core", core_model(name="t; DROP TABLE x"),
         ("Bad", "name", "t; DROP TABLE x")),
    Case("settings-keyspace", "core", core_model(keyspace="ks'--"),
         ("Bad", "keyspace", "ks'--")),
    Case("settings-table-name-too-long", "core", core_model(name="t" * 60),
         ("Bad", "name", "t" * 60)),
    Case("index-name", "core", indexed_named("x y"), ("BadIndex", "index", "x y")),
    Case("create-keyspace-name", "core", lambda c: create_keyspace("bad name"),
         ("keyspace", "bad name")),
    Case("connection-keyspace", "core",
         lambda c: register_connection("bad", object(), keyspace="a-b"), ("keyspace", "a-b")),
    # bad table options
    Case("settings-unknown", "core", core_model(compactoin={}), ("Bad", "compactoin")),
    Case("settings-default-ttl", "core", core_model(default_ttl=-5),
         ("Bad", "default_ttl", "-5")),
    Case("option-not-literal", "core", core_model(gc_grace_seconds=object()),
         ("Bad", "gc_grace_seconds")),
    Case("option-nan", "core", core_model(bloom_filter_fp_chance=float("nan")),
         ("Bad", "bloom_filter_fp_chance", "nan")),
    Case("option-gc-text", "core", core_model(gc_grace_seconds="abc"),
         ("Bad", "gc_grace_seconds", "abc")),
    Case("option-gc-negative", "core", core_model(gc_grace_seconds=-1),
         ("Bad", "gc_grace_seconds", "-1")),
    Case("option-bloom-above-one", "core", core_model(bloom_filter_fp_chance=2.0),
         ("Bad", "bloom_filter_fp_chance", "2.0")),
    Case("option-caching-keys", "core", core_model(caching={"keys": "SOME"}),
         ("Bad", "caching", "SOME")),
]  # fmt: skip

COMPAT: list[Case] = [
    Case("create-tinyint", "compat", lambda c: citem(c, tiny=300), ("CItem", "tiny", "300")),
    Case("create-smallint", "compat", lambda c: citem(c, small=40000),
         ("CItem", "small", "40000")),
    Case("create-int", "compat", lambda c: citem(c, num=2**31), ("CItem", "num", str(2**31))),
    Case("create-bigint", "compat", lambda c: citem(c, big=2**63), ("CItem", "big", str(2**63))),
    Case("update-tinyint", "compat", lambda c: c.citem.update(tiny=-129),
         ("CItem", "tiny", "-129")),
    Case("filter-int-key", "compat", lambda c: list(CItem.objects(id=c.id, seq=2**40)),
         ("CItem", "seq", str(2**40))),
    Case("create-int-text", "compat", lambda c: citem(c, num="abc"), ("CItem", "num", "abc")),
    Case("create-uuid-text", "compat", lambda c: CItem.create(id="not-a-uuid"),
         ("CItem", "id", "not-a-uuid")),
    Case("filter-uuid-text", "compat", lambda c: list(CItem.objects(id="zzz")),
         ("CItem", "id", "zzz")),
    Case("create-uuid-int", "compat", lambda c: CItem.create(id=12345),
         ("CItem", "id", "12345")),
    Case("create-timeuuid-v4", "compat", lambda c: citem(c, tu=V4), ("CItem", "tu", str(V4))),
    Case("create-timeuuid-text", "compat", lambda c: citem(c, tu="xyz"),
         ("CItem", "tu", "xyz")),
    Case("create-datetime-text", "compat", lambda c: citem(c, at="yesterday"),
         ("CItem", "at", "yesterday")),
    Case("create-set-none", "compat", lambda c: citem(c, tags={"a", None}),
         ("CItem", "tags", "None")),
    Case("create-list-none", "compat", lambda c: citem(c, names=["a", None]),
         ("CItem", "names", "None")),
    Case("create-map-none-value", "compat", lambda c: citem(c, attrs={"a": None}),
         ("CItem", "attrs", "None")),
    Case("create-map-none-key", "compat", lambda c: citem(c, attrs={None: 1}),
         ("CItem", "attrs", "None")),
    Case("create-list-oversized", "compat", lambda c: citem(c, names=["x"] * 70000),
         ("CItem", "names", "65535")),
    Case("create-unknown-column", "compat", lambda c: citem(c, nope=1), ("CItem", "nope")),
    Case("ctor-unknown-column", "compat", lambda c: CItem(id=c.id, nope=1).save(),
         ("CItem", "nope")),
    Case("filter-unknown", "compat", lambda c: list(CItem.objects(nope=1)), ("CItem", "nope")),
    Case("update-unknown", "compat", lambda c: c.citem.update(nope=1), ("CItem", "nope")),
    Case("queryset-update-unknown", "compat",
         lambda c: CItem.objects(id=c.id, seq=0).update(nope=1), ("CItem", "nope")),
    Case("order-by-unknown", "compat", lambda c: list(CItem.objects(id=c.id).order_by("nope")),
         ("CItem", "nope")),
    Case("iff-unknown", "compat", lambda c: c.citem.iff(nope=1).update(body="x"),
         ("CItem", "nope")),
    Case("text-too-long", "compat", lambda c: citem(c, body="x" * 101),
         ("CItem", "body", "x" * 101)),
    Case("text-int", "compat", lambda c: citem(c, body=5), ("CItem", "body", "5")),
    Case("blob-text", "compat", lambda c: citem(c, data="text"), ("CItem", "data", "text")),
    Case("decimal-text", "compat", lambda c: citem(c, dec="abc"), ("CItem", "dec", "abc")),
    Case("update-key", "compat", lambda c: c.citem.update(seq=3), ("CItem", "seq")),
    Case("filter-needs-index", "compat", lambda c: list(CItem.objects(body="x")),
         ("CItem", "body")),
    Case("order-by-non-clustering", "compat",
         lambda c: list(CItem.objects(id=c.id).order_by("body")), ("CItem", "body")),
    Case("limit-negative", "compat", lambda c: list(CItem.objects(id=c.id).limit(-1)),
         ("CItem", "limit", "-1")),
    Case("limit-text", "compat", lambda c: list(CItem.objects(id=c.id).limit("x")),
         ("CItem", "limit", "x")),
    Case("in-text", "compat", lambda c: list(CItem.objects(id__in="abc")),
         ("CItem", "id", "abc")),
    Case("filter-none", "compat", lambda c: list(CItem.objects(id=None)),
         ("CItem", "id", "None")),
    Case("empty-partition-key", "compat", lambda c: CTag.create(name="", n=1),
         ("CTag", "name", "''")),
    Case("partition-key-over-64k", "compat", lambda c: CTag.create(name="k" * 70000, n=1),
         ("CTag", "name", "65535")),
    Case("lookup-unknown", "compat", lambda c: list(CItem.objects(id__regex=1)),
         ("CItem", "id", "regex")),
    Case("ttl-text", "compat", lambda c: CItem.ttl("abc").create(id=c.id, body="t"),
         ("CItem", "ttl", "abc")),
    Case("ttl-negative", "compat", lambda c: CItem.ttl(-1).create(id=c.id, body="t"),
         ("CItem", "ttl", "-1")),
    Case("ttl-above-max", "compat", lambda c: CItem.ttl(10**9).create(id=c.id, body="t"),
         ("CItem", "ttl", str(10**9))),
    Case("timestamp-text", "compat", lambda c: c.citem.timestamp("x").update(body="y"),
         ("CItem", "timestamp", "x")),
    Case("batch-timestamp-text", "compat",
         lambda c: BatchQuery(timestamp="x"),  # type: ignore[arg-type]
         ("timestamp", "x")),
    Case("named-table", "compat", lambda c: NamedTable(KS, "t; DROP TABLE x"),
         ("table", "t; DROP TABLE x")),
    Case("named-keyspace", "compat", lambda c: NamedKeyspace("k'"), ("keyspace", "k'")),
    Case("named-column", "compat",
         lambda c: list(NamedTable(KS, "c_item").objects.filter(**{"a-b": 1})),
         ("column", "a-b")),
    Case("create-keyspace-name", "compat", lambda c: create_keyspace_simple("bad name", 1),
         ("keyspace", "bad name")),
    Case("table-name", "compat", compat_model({"__table_name__": "t; DROP"}),
         ("BadC", "t; DROP")),
    Case("keyspace-missing", "compat", compat_model({"__keyspace__": "k'x"}), ("BadC", "k'x")),
    Case("option-text", "compat", compat_model({"__options__": {"gc_grace_seconds": "abc"}}),
         ("BadC", "gc_grace_seconds", "abc")),
    Case("option-unknown", "compat", compat_model({"__options__": {"gc_grace_secs": 5}}),
         ("BadC", "gc_grace_secs")),
    Case("no-primary-key", "compat",
         lambda c: type("BadP", (Model,), {"__keyspace__": KS, "__connection__": RELIABILITY_COMPAT,
                                           "v": columns.Integer()}),
         ("BadP", "primary key")),
]  # fmt: skip

CASES = CORE + COMPAT


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.gap)] if case.gap else []
    return pytest.param(case, id=f"{case.api}-{case.id}", marks=marks)


def test_table_size() -> None:
    """The issue asks for at least 50 bad inputs; both APIs are covered."""
    assert len(CASES) >= 50
    assert len({(c.api, c.id) for c in CASES}) == len(CASES)
    assert len(CORE) >= 25 and len(COMPAT) >= 25


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
async def test_bad_input_is_refused_before_sending(
    case: Case, counter: RequestCounter, figures: Any
) -> None:
    ctx = Ctx()
    ctx.write()
    before = ctx.stored()
    counter.reset()
    error: BaseException | None = None
    try:
        result = case.call(ctx)
        if asyncio.iscoroutine(result):
            await result
    except Exception as exc:
        error = exc
    sent, texts = counter.total, list(counter.texts)
    figures.add("bad inputs tried")
    after = ctx.stored()
    assert error is not None, f"accepted; sent {sent} request(s): {texts}"
    typed = CORE_TYPED if case.api == "core" else COMPAT_TYPED
    assert isinstance(error, typed), f"untyped {type(error).__name__}: {error}"
    assert sent == 0, f"{type(error).__name__} after {sent} request(s) {texts}: {error}"
    message = str(error)
    absent = [name for name in case.names if name not in message]
    assert not absent, f"message does not name {absent}: {message}"
    assert after == before
    figures.add("bad inputs refused before sending, named and typed")


@pytest.mark.parametrize("api", ["core", "compat"])
def test_oversized_value_is_refused_by_the_server_typed(api: str, figures: Any) -> None:
    """A 20 MiB value exceeds the server's frame limit (native_transport_max_frame_size,
    16 MiB by default), a server setting the client cannot know: the driver's typed
    ``InvalidRequest`` says so, and nothing is stored."""
    from cassandra import InvalidRequest

    ctx = Ctx()
    ctx.write()
    before = ctx.stored()
    huge = "x" * (20 * 1024 * 1024)
    with pytest.raises(InvalidRequest, match="exceeds allowed maximum"):
        if api == "core":
            ctx.item.update(body=huge)
        else:
            CItem.objects(id=ctx.id, seq=0).update(label=huge)
    figures.add("bad inputs tried")
    assert ctx.stored() == before
