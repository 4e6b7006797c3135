"""Integration: collection updates without a read, change tracking, counters and
batches on a real node, each body through the sync and the asyncio front; round
trips are counted where the number matters."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest

from coodie_core import execution
from coodie_core.batch import BatchWriter
from coodie_core.document import Document
from coodie_core.errors import InvalidQuery
from coodie_core.fields import ClusteringKey, Counter, PartitionKey
from coodie_core.management import sync_table


class Board(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    title: str = ""
    note: str | None = None
    items: list[int] = []
    labels: set[str] = set()
    owners: dict[str, int] = {}


class Tally(Document):
    key: Annotated[str, PartitionKey()]
    slot: Annotated[int, ClusteringKey()]
    hits: Annotated[int, Counter()] = 0
    misses: Annotated[int, Counter()] = 0


class Entry(Document):
    part: Annotated[uuid.UUID, PartitionKey()]
    seq: Annotated[int, ClusteringKey()]
    text: str = ""


@pytest.fixture(scope="module", autouse=True)
def tables(core_keyspace: str) -> None:
    for model in (Board, Tally, Entry):
        sync_table(model)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every operation run, sync or async."""
    calls: list[Any] = []
    run, arun = execution.run, execution.arun

    def counted(op: Any) -> Any:
        calls.append(op)
        return run(op)

    async def acounted(op: Any) -> Any:
        calls.append(op)
        return await arun(op)

    for module in ("coodie_core.document", "coodie_core.queryset", "coodie_core.batch"):
        monkeypatch.setattr(f"{module}.run", counted)
        monkeypatch.setattr(f"{module}.arun", acounted)
    monkeypatch.setattr("coodie_core.queryset_base.run", counted)
    monkeypatch.setattr("coodie_core.queryset_base.arun", acounted)
    yield calls


async def test_collection_updates_without_a_read(front: Any) -> None:
    board = Board(id=uuid.uuid4(), items=[2, 3], labels={"a"}, owners={"x": 1, "y": 2})
    await front(board, "save")
    stale = Board(id=board.id)  # knows nothing of the row: no read needed
    await front(stale, "update", items__append=[4], labels__add={"b"}, owners__put={"z": 3})
    await front(stale, "update", items__prepend=[1], owners__remove={"x"})
    await front(stale, "update", items__set_item=(0, 0), labels__remove={"a"})
    await front(stale, "update", items__remove=[3], owners__set_item=("y", 20))
    got = await front(Board, "get", id=board.id)
    assert (got.items, got.labels, got.owners) == ([0, 2, 4], {"b"}, {"y": 20, "z": 3})
    qs = Board.find(id=board.id)
    await front(qs, "update", items__append=[9], note="n")
    assert (await front(Board, "get", id=board.id)).items == [0, 2, 4, 9]


async def test_change_tracking_sends_only_changes(front: Any, sent: list[Any]) -> None:
    board = Board(id=uuid.uuid4(), title="t", items=[1], labels={"a"}, owners={"k": 1})
    await front(board, "save")
    loaded = await front(Board, "get", id=board.id)
    sent.clear()
    await front(loaded, "save")
    assert sent == []  # no change, no query
    Board(id=board.id).update(items__append=[2])  # a concurrent writer
    sent.clear()
    loaded.items.append(3)
    loaded.labels.add("b")
    loaded.owners.pop("k")
    loaded.note = "set"
    await front(loaded, "save")
    assert len(sent) == 1
    got = await front(Board, "get", id=board.id)
    # appended, not replaced: the concurrent append survives
    assert (got.items, got.labels, got.owners, got.note) == ([1, 2, 3], {"a", "b"}, {}, "set")
    loaded.note = None  # deletes the cell
    await front(loaded, "save")
    assert (await front(Board, "get", id=board.id)).note is None
    loaded.id = uuid.uuid4()
    with pytest.raises(InvalidQuery, match="cannot change the primary key"):
        await front(loaded, "save")


async def test_counters(front: Any) -> None:
    tally = Tally(key=str(uuid.uuid4()), slot=1)
    await front(tally, "increment", hits=5, misses=1)
    await front(tally, "decrement", hits=2)
    await front(tally, "increment", misses=-1)
    got = await front(Tally, "get", key=tally.key, slot=1)
    assert (got.hits, got.misses, tally.hits, tally.misses) == (3, 0, 3, 0)
    with pytest.raises(InvalidQuery, match="counters cannot be saved"):
        await front(got, "save")
    with pytest.raises(InvalidQuery, match="use increment"):
        await front(got, "update", hits=1)


async def test_counter_batch(front: Any) -> None:
    key = str(uuid.uuid4())
    batch = BatchWriter("COUNTER")
    batch.increment(Tally(key=key, slot=1), hits=2).decrement(Tally(key=key, slot=2), misses=3)
    await front(batch, "execute")
    rows = await front(Tally.find(key=key), "all")
    assert [(r.slot, r.hits, r.misses) for r in rows] == [(1, 2, 0), (2, 0, -3)]


async def test_batch_of_mixed_writes_in_one_round_trip(front: Any, sent: list[Any]) -> None:
    part = uuid.uuid4()
    await front(Entry(part=part, seq=9, text="gone"), "save")
    old = await front(Entry, "get", part=part, seq=9)
    sent.clear()
    stamp = int(time.time() * 1e6) + 10**6  # later than the row's own write
    batch = BatchWriter("UNLOGGED", timestamp=stamp)
    batch.save(Entry(part=part, seq=1, text="a")).update(Entry(part=part, seq=2), text="b")
    batch.delete(old)
    assert (await front(batch, "execute")).applied
    assert len(sent) == 1
    rows = await front(Entry.find(part=part), "all")
    assert [(r.seq, r.text) for r in rows] == [(1, "a"), (2, "b")]
    assert await front(Entry.find(part=part, seq=1), "writetime_of", "text") == stamp
    sent.clear()
    assert (await front(BatchWriter(), "execute")).applied
    assert sent == []  # an empty batch sends nothing


async def test_conditional_batch(front: Any) -> None:
    part = uuid.uuid4()
    first = BatchWriter()
    first.insert(Entry(part=part, seq=1, text="a")).save(Entry(part=part, seq=2, text="b"))
    assert (await front(first, "execute")).applied
    second = BatchWriter()
    second.insert(Entry(part=part, seq=1, text="again")).save(Entry(part=part, seq=3, text="c"))
    result = await front(second, "execute")
    assert not result.applied and result.existing is not None
    assert result.existing["text"] == "a"
    rows = await front(Entry.find(part=part), "all")
    assert [(r.seq, r.text) for r in rows] == [(1, "a"), (2, "b")]  # nothing applied
    third = BatchWriter()
    doc = Entry(part=part, seq=2)
    third.update(doc, text="B", iff={"text": "b"}).delete(Entry(part=part, seq=1), if_exists=True)
    assert (await front(third, "execute")).applied
    assert doc.text == "B"
    rows = await front(Entry.find(part=part), "all")
    assert [(r.seq, r.text) for r in rows] == [(2, "B")]
