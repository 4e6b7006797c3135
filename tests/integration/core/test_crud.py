"""Integration: save/insert/get/update/delete and querysets on a real node, each body
through the sync and the asyncio front."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import pytest

from coodie_core.cqltypes import SmallInt
from coodie_core.document import Document
from coodie_core.errors import DoesNotExist, MultipleObjectsReturned
from coodie_core.fields import ClusteringKey, Counter, Indexed, PartitionKey, Static
from coodie_core.management import sync_table

UTC = datetime.timezone.utc


class Message(Document):
    room: Annotated[uuid.UUID, PartitionKey()]
    at: Annotated[datetime.datetime, ClusteringKey(order="DESC")]
    author: Annotated[str, Indexed()]
    body: str = ""
    score: SmallInt = 0
    tags: set[str] = set()
    topic: Annotated[str, Static()] = ""
    edited: datetime.datetime | None = None


class Visits(Document):
    page: Annotated[str, PartitionKey()]
    hits: Annotated[int, Counter()] = 0


@pytest.fixture(scope="module", autouse=True)
def tables(core_keyspace: str) -> None:
    sync_table(Message)
    sync_table(Visits)


def at(minute: int) -> datetime.datetime:
    return datetime.datetime(2024, 1, 1, 12, minute, tzinfo=UTC)


async def fill(front: Any, room: uuid.UUID, n: int) -> None:
    for i in range(n):
        await front(Message(room=room, at=at(i), author=f"u{i % 2}", body=f"m{i}"), "save")


async def test_save_and_get_round_trip(front: Any) -> None:
    room = uuid.uuid4()
    msg = Message(room=room, at=at(1), author="ann", body="hi", tags={"a", "b"}, score=5)
    await front(msg, "save")
    got = await front(Message, "get", room=room, at=at(1))
    assert got == msg
    assert got.at.tzinfo is not None and got.at == at(1)


async def test_save_does_not_write_unset_fields(
    front: Any, cassandra_session: Any, core_keyspace: str
) -> None:
    room = uuid.uuid4()
    await front(Message(room=room, at=at(1), author="ann", body="first", edited=at(2)), "save")
    await front(Message(room=room, at=at(1), author="ann", body="second"), "save")
    got = await front(Message, "get", room=room, at=at(1))
    assert (got.body, got.edited) == ("second", at(2))  # edited was not overwritten
    row = cassandra_session.execute(
        f"SELECT writetime(body), writetime(edited) FROM {core_keyspace}.message "
        "WHERE room = %s AND at = %s",
        (room, at(1)),
    ).one()
    assert row[0] > row[1]


async def test_insert_if_not_exists(front: Any) -> None:
    room = uuid.uuid4()
    first = await front(Message(room=room, at=at(1), author="a", body="one"), "insert")
    assert (bool(first), first.applied, first.existing) == (True, True, None)
    second = await front(Message(room=room, at=at(1), author="a", body="two"), "insert")
    assert (bool(second), second.applied) == (False, False)
    assert second.existing is not None and second.existing["body"] == "one"
    assert (await front(Message, "get", room=room, at=at(1))).body == "one"


async def test_get_errors_are_typed_per_model(front: Any) -> None:
    room = uuid.uuid4()
    with pytest.raises(Message.DoesNotExist):
        await front(Message, "get", room=room, at=at(1))
    await fill(front, room, 2)
    with pytest.raises(MultipleObjectsReturned):
        await front(Message, "get", room=room)
    with pytest.raises(DoesNotExist):
        await front(Message.find(room=room), "get", at=at(9))


async def test_update_and_delete(front: Any) -> None:
    room = uuid.uuid4()
    msg = Message(room=room, at=at(1), author="a", body="old", score=1)
    await front(msg, "save")
    await front(msg, "update", body="new", edited=at(3))
    assert msg.body == "new"
    got = await front(Message, "get", room=room, at=at(1))
    assert (got.body, got.score, got.edited) == ("new", 1, at(3))
    await front(msg, "delete")
    with pytest.raises(Message.DoesNotExist):
        await front(Message, "get", room=room, at=at(1))


async def test_ttl_is_applied(front: Any, cassandra_session: Any, core_keyspace: str) -> None:
    room = uuid.uuid4()
    await front(Message(room=room, at=at(1), author="a", body="x"), "save", ttl=500)
    row = cassandra_session.execute(
        f"SELECT ttl(body) FROM {core_keyspace}.message WHERE room = %s", (room,)
    ).one()
    assert 490 < row[0] <= 500


async def test_counters(front: Any) -> None:
    page = f"p-{uuid.uuid4()}"
    visits = Visits(page=page)
    await front(visits, "increment", hits=2)
    await front(visits, "increment", hits=3)
    assert (await front(Visits, "get", page=page)).hits == 5


async def test_queryset_filters_order_limit_count(front: Any) -> None:
    room = uuid.uuid4()
    await fill(front, room, 6)
    qs = Message.find(room=room)
    assert [m.body for m in await front(qs, "all")] == ["m5", "m4", "m3", "m2", "m1", "m0"]
    asc = await front(qs.order_by("at").limit(2), "all")
    assert [m.body for m in asc] == ["m0", "m1"]
    assert [m.body for m in await front(qs.filter(at__gte=at(4)), "all")] == ["m5", "m4"]
    assert [m.body for m in await front(qs.filter(at__in=[at(1), at(3)]), "all")] == ["m3", "m1"]
    assert await front(qs, "count") == 6
    assert (await front(qs, "first")).body == "m5"
    authors = await front(qs.filter(author="u1"), "all")  # secondary index
    assert [m.body for m in authors] == ["m5", "m3", "m1"]
    filtered = await front(qs.filter(body="m2").allow_filtering(), "all")
    assert [m.body for m in filtered] == ["m2"]


async def test_contains_only_and_static(front: Any) -> None:
    room = uuid.uuid4()
    await front(Message(room=room, at=at(1), author="a", tags={"x", "y"}, topic="t1"), "save")
    await front(Message(room=room, at=at(2), author="a", tags={"z"}, topic="t2"), "save")
    found = await front(Message.find(room=room, tags__contains="x").allow_filtering(), "all")
    assert [m.at for m in found] == [at(1)]
    partial = await front(Message.find(room=room).only("at", "topic"), "all")
    assert [(m.at, m.topic) for m in partial] == [(at(2), "t2"), (at(1), "t2")]
    assert partial[0].model_fields_set == {"at", "topic"}


async def test_paging(front: Any) -> None:
    room = uuid.uuid4()
    await fill(front, room, 7)
    qs = Message.find(room=room).page_size(3)
    assert [m.body for m in await front.collect(qs)] == [f"m{i}" for i in range(6, -1, -1)]
    first = await front(qs, "page")
    assert [m.body for m in first.items] == ["m6", "m5", "m4"]
    assert first.paging_state is not None
    second = await front(Message.find(room=room), "page", first.paging_state, 3)
    assert [m.body for m in second.items] == ["m3", "m2", "m1"]
    third = await front(Message.find(room=room), "page", second.paging_state, 3)
    assert [m.body for m in third.items] == ["m0"]


async def test_distinct_keys_and_token_range(front: Any) -> None:
    rooms = sorted(uuid.uuid4() for _ in range(3))
    for room in rooms:
        await fill(front, room, 2)
    keys = await front(Message.find(), "distinct_keys")
    assert {k["room"] for k in keys} >= set(rooms)
    everything = await front(Message.find().token_range(gte=-(2**63)), "distinct_keys")
    assert {k["room"] for k in everything} >= set(rooms)
    per_partition = await front(Message.find(room__in=rooms).per_partition_limit(1), "all")
    assert sorted(m.room for m in per_partition) == rooms


async def test_bulk_update_delete_and_batch(front: Any) -> None:
    from coodie_core.batch import BatchWriter

    room = uuid.uuid4()
    await fill(front, room, 3)
    await front(Message.find(room=room, at__in=[at(0), at(1)]), "update", body="bulk")
    bodies = [m.body for m in await front(Message.find(room=room), "all")]
    assert bodies == ["m2", "bulk", "bulk"]
    batch = BatchWriter()
    first = Message(room=room, at=at(7), author="b", body="batched")
    batch.save(first).update(first, edited=at(5)).delete(Message(room=room, at=at(2), author="x"))
    await front(batch, "execute")
    assert len(batch) == 0
    got = await front(Message, "get", room=room, at=at(7))
    assert (got.body, got.edited, first.edited) == ("batched", at(5), at(5))
    await front(Message.find(room=room), "delete")
    assert await front(Message.find(room=room), "count") == 0
    counter = BatchWriter("COUNTER")
    page = f"p-{uuid.uuid4()}"
    await front(counter.increment(Visits(page=page), hits=4), "execute")
    assert (await front(Visits, "get", page=page)).hits == 4


async def test_saving_a_partial_document_writes_only_what_it_holds(front: Any) -> None:
    room = uuid.uuid4()
    await front(Message(room=room, at=at(1), author="a", body="old", score=9), "save")
    (partial,) = await front(Message.find(room=room).only("room", "at", "body"), "all")
    partial.body = "new"
    await front(partial, "save")
    got = await front(Message, "get", room=room, at=at(1))
    assert (got.body, got.score, got.author) == ("new", 9, "a")
