"""Integration: conditional writes, TTL, USING TIMESTAMP and ttl()/writetime() reads on
a real node, each body through the sync and the asyncio front."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import pytest
from cassandra import ConsistencyLevel

from coodie_core.document import Document
from coodie_core.errors import LWTException
from coodie_core.fields import PartitionKey
from coodie_core.management import sync_table

UTC = datetime.timezone.utc


class Wallet(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    owner: str = ""
    balance: int = 0
    note: str | None = None


class Token(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    value: str = ""

    class Settings:
        default_ttl = 1000


class Expiring(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    value: str = ""

    class Settings:
        default_time_to_live = 500


@pytest.fixture(scope="module", autouse=True)
def tables(core_keyspace: str) -> None:
    for model in (Wallet, Token, Expiring):
        sync_table(model)


async def test_insert_if_not_exists_reports_the_existing_row(front: Any) -> None:
    key = uuid.uuid4()
    assert (await front(Wallet(id=key, owner="ann", balance=5), "insert")).applied
    result = await front(Wallet(id=key, owner="bob"), "insert")
    assert (result.applied, result.existing) == (
        False,
        {"id": key, "owner": "ann", "balance": 5, "note": None},
    )
    with pytest.raises(LWTException) as info:
        await front(Wallet(id=key), "insert", raise_on_failure=True)
    assert info.value.existing["owner"] == "ann"


async def test_update_and_delete_if_exists(front: Any) -> None:
    ghost = Wallet(id=uuid.uuid4())
    result = await front(ghost, "update", owner="x", if_exists=True)
    assert (result.applied, result.existing, ghost.owner) == (False, None, "")
    assert not (await front(ghost, "delete", if_exists=True)).applied
    assert (await front(Wallet.find(id=ghost.id), "count")) == 0
    real = Wallet(id=uuid.uuid4(), owner="a")
    # written with IF NOT EXISTS: a plain write carries a client timestamp that a
    # conditional write in the same millisecond can lose to (Paxos timestamps are
    # the server's milliseconds), so rows that get conditional writes start with one
    await front(real, "insert")
    assert (await front(real, "update", owner="b", if_exists=True)).applied
    assert (await front(Wallet, "get", id=real.id)).owner == "b"
    assert (await front(real, "delete", if_exists=True)).applied


async def test_conditional_updates_and_deletes(front: Any) -> None:
    doc = Wallet(id=uuid.uuid4(), owner="ann", balance=10)
    await front(doc, "insert")  # conditional from the start (see above)
    serial = ConsistencyLevel.LOCAL_SERIAL
    ok = await front(doc, "update", balance=7, iff={"balance": 10}, serial_consistency=serial)
    assert ok.applied and doc.balance == 7
    missed = await front(doc, "update", balance=0, iff={"balance__gt": 100})
    assert (missed.applied, missed.existing, doc.balance) == (False, {"balance": 7}, 7)
    assert await front(doc, "update", note="n", iff={"owner__ne": "bob", "balance__in": [7, 8]})
    assert await front(doc, "update", owner="c", iff={"note": "n", "balance__lte": 7})
    with pytest.raises(LWTException) as info:
        await front(doc, "update", owner="d", iff={"owner": "zzz"}, raise_on_failure=True)
    assert info.value.existing == {"owner": "c"}
    assert not (await front(doc, "delete", iff={"balance__lt": 7})).applied
    assert (await front(doc, "delete", iff={"balance__gte": 7})).applied
    assert (await front(Wallet.find(id=doc.id), "first")) is None


async def test_queryset_conditions(front: Any) -> None:
    doc = Wallet(id=uuid.uuid4(), owner="q", balance=1)
    await front(doc, "insert")  # conditional from the start (see above)
    qs = Wallet.find(id=doc.id)
    assert not (await front(qs.iff(balance=2), "update", owner="x")).applied
    assert (await front(qs.iff(balance=1), "update", owner="x")).applied
    with pytest.raises(LWTException):
        await front(qs.iff(owner="nope").raise_on_failure(), "delete")
    assert (await front(qs.if_exists(), "delete")).applied


async def test_ttl_at_class_call_and_queryset_level(front: Any) -> None:
    token = Token(id=uuid.uuid4(), value="v")
    await front(token, "save")
    assert 990 <= await front(token, "ttl_of", "value") <= 1000  # Settings.default_ttl
    await front(token, "update", value="w", ttl=50)
    assert 40 <= await front(token, "ttl_of", "value") <= 50
    await front(Token.find(id=token.id).ttl(20), "update", value="z")
    assert 10 <= await front(Token.find(id=token.id), "ttl_of", "value") <= 20
    wallet = Wallet(id=uuid.uuid4(), owner="o")
    await front(wallet, "save")
    assert await front(wallet, "ttl_of", "owner") is None


async def test_table_default_time_to_live(front: Any) -> None:
    doc = Expiring(id=uuid.uuid4(), value="v")
    await front(doc, "save")
    assert 490 <= await front(doc, "ttl_of", "value") <= 500


async def test_using_timestamp_on_insert_update_delete(front: Any) -> None:
    doc = Wallet(id=uuid.uuid4(), owner="old")
    when = datetime.datetime(2030, 1, 1, tzinfo=UTC)
    await front(doc, "save", timestamp=when)
    assert await front(doc, "writetime_of", "owner") == 1893456000000000
    await front(doc, "update", owner="older", timestamp=1000)  # older write loses
    assert (await front(Wallet, "get", id=doc.id)).owner == "old"
    await front(Wallet.find(id=doc.id).timestamp(2000), "delete")  # older delete loses too
    assert (await front(Wallet, "get", id=doc.id)).owner == "old"
    await front(doc, "delete", timestamp=when + datetime.timedelta(seconds=1))
    assert await front(Wallet.find(id=doc.id), "first") is None
