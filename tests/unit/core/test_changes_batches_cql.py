"""Unit tests: collection updates without a read, change tracking on loaded documents,
counters and batches; exact CQL and values."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest
from cassandra import ConsistencyLevel

from coodie_core.batch import BatchWriter
from coodie_core.document import Document
from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.fields import ClusteringKey, Counter, Frozen, PartitionKey
from coodie_core.operations import ResultPage
from coodie_core.rows import DocumentDecoder
from coodie_core.statements import Batch, render

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Profile(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    name: str = ""
    nick: str | None = None
    tags: list[str] = []
    roles: set[str] = set()
    prefs: dict[str, int] = {}
    fixed: Annotated[list[int], Frozen()] = []

    class Settings:
        keyspace = "app"


class Hits(Document):
    page: Annotated[str, PartitionKey()]
    day: Annotated[int, ClusteringKey()]
    views: Annotated[int, Counter()] = 0
    likes: Annotated[int, Counter()] = 0

    class Settings:
        keyspace = "app"


def cql(op: object) -> tuple[str, tuple[object, ...]]:
    return render(op.statement)  # type: ignore[attr-defined]


def loaded(**values: object) -> Profile:
    """A Profile as a read returns it (so it remembers its row)."""
    row = {"id": UID, "name": "", "nick": None, "tags": None, "roles": None, "prefs": None}
    row.update({"fixed": None, **values})
    decoder = DocumentDecoder(Profile, Profile.table_meta(), tuple(row))
    return decoder(row)


WHERE = "WHERE id = ?"


@pytest.mark.parametrize(
    ("key", "value", "text", "bound"),
    [
        ("tags__append", ["a"], "tags = tags + ?", (["a"],)),
        ("tags__prepend", ["a", "b"], "tags = ? + tags", (["a", "b"],)),
        ("tags__remove", ["a"], "tags = tags - ?", (["a"],)),
        ("tags__set_item", (2, "z"), "tags[?] = ?", (2, "z")),
        ("roles__add", {"admin"}, "roles = roles + ?", ({"admin"},)),
        ("roles__remove", {"admin"}, "roles = roles - ?", ({"admin"},)),
        ("prefs__put", {"a": 1}, "prefs = prefs + ?", ({"a": 1},)),
        ("prefs__remove", {"a"}, "prefs = prefs - ?", ({"a"},)),
        ("prefs__set_item", ("k", 3), "prefs[?] = ?", ("k", 3)),
        ("nick", None, "nick = ?", (None,)),
    ],
)
def test_collection_updates_without_a_read(
    key: str, value: object, text: str, bound: tuple[object, ...]
) -> None:
    values: dict[str, Any] = {key: value}
    op = Profile(id=UID).update_op(**values)
    assert cql(op) == (f"UPDATE app.profile SET {text} {WHERE}", (*bound, UID))


def test_collection_updates_are_checked() -> None:
    with pytest.raises(InvalidQuery, match="tags__add needs a non-frozen set"):
        Profile(id=UID).update_op(tags__add={"a"})
    with pytest.raises(InvalidQuery, match="fixed__append needs a non-frozen list"):
        Profile(id=UID).update_op(fixed__append=[1])
    with pytest.raises(InvalidValue) as info:
        Profile(id=UID).update_op(prefs__put={"a": "x"})
    assert (info.value.field, info.value.value) == ("prefs", {"a": "x"})
    with pytest.raises(InvalidValue, match="list index"):
        Profile(id=UID).update_op(tags__set_item=(-1, "a"))
    with pytest.raises(InvalidQuery, match="unknown update 'pop'"):
        Profile(id=UID).update_op(tags__pop=1)


def test_collection_update_applies_locally_after_success() -> None:
    doc = Profile(id=UID, tags=["a"], roles={"x"}, prefs={"k": 1})
    doc.update_op(tags__prepend=["z"]).result(ResultPage([]))
    doc.update_op(roles__remove={"x"}).result(ResultPage([]))
    doc.update_op(prefs__put={"j": 2}).result(ResultPage([]))
    doc.update_op(tags__set_item=(1, "b")).result(ResultPage([]))
    assert (doc.tags, doc.roles, doc.prefs) == (["z", "b"], set(), {"k": 1, "j": 2})


def test_new_document_saves_with_an_insert() -> None:
    text, _ = cql(Profile(id=UID, name="a").changes_op())
    assert text.startswith("INSERT INTO app.profile")


def test_loaded_document_without_change_sends_nothing() -> None:
    assert loaded(name="ann", tags=["a"]).changes_op() is None


def test_loaded_document_sends_only_changed_columns() -> None:
    doc = loaded(name="ann", nick="a", tags=["a"], roles=["x"], prefs={"k": 1, "j": 2})
    doc.name = "bob"
    doc.nick = None
    doc.tags.append("b")
    doc.roles.add("y")
    doc.roles.discard("x")
    doc.prefs["k"] = 5
    del doc.prefs["j"]
    assert cql(doc.changes_op()) == (
        "UPDATE app.profile SET name = ?, nick = ?, tags = tags + ?, roles = roles + ?, "
        f"roles = roles - ?, prefs = prefs + ?, prefs = prefs - ? {WHERE}",
        ("bob", None, ["b"], {"y"}, {"x"}, {"k": 5}, {"j"}, UID),
    )


@pytest.mark.parametrize(
    ("old", "new", "text", "bound"),
    [
        (["a", "b"], ["z", "a", "b"], "tags = ? + tags", (["z"],)),
        (["a", "b", "a", "c"], ["b", "c"], "tags = tags - ?", (["a"],)),
        (["a", "b", "c"], ["a", "x", "c"], "tags[?] = ?", (1, "x")),
        (["a", "b"], ["c"], "tags = ?", (["c"],)),
        (["a"], [], "tags = ?", (None,)),
    ],
)
def test_list_changes(old: list[str], new: list[str], text: str, bound: tuple[object, ...]) -> None:
    doc = loaded(tags=old)
    doc.tags = new
    assert cql(doc.changes_op()) == (f"UPDATE app.profile SET {text} {WHERE}", (*bound, UID))


def test_frozen_collections_are_replaced_whole() -> None:
    doc = loaded(fixed=[1])
    doc.fixed.append(2)
    assert cql(doc.changes_op()) == (f"UPDATE app.profile SET fixed = ? {WHERE}", ([1, 2], UID))


def test_changing_a_primary_key_of_a_loaded_document_is_refused() -> None:
    doc = loaded()
    doc.id = uuid.uuid4()
    with pytest.raises(InvalidQuery, match=r"Profile.id: cannot change the primary key"):
        doc.changes_op()
    fresh = Profile(id=UID)
    fresh.id = uuid.uuid4()
    assert cql(fresh.changes_op())[0].startswith("INSERT")


def test_after_a_save_only_later_changes_are_sent() -> None:
    doc = Profile(id=UID, name="a")
    op = doc.changes_op()
    assert op is not None
    op.result(ResultPage([]))
    assert doc.changes_op() is None
    doc.tags.append("t")  # was empty: the whole list is set, as cqlengine does
    assert cql(doc.changes_op()) == (f"UPDATE app.profile SET tags = ? {WHERE}", (["t"], UID))
    doc.changes_op().result(ResultPage([]))  # type: ignore[union-attr]
    doc.tags.append("u")
    assert cql(doc.changes_op()) == (
        f"UPDATE app.profile SET tags = tags + ? {WHERE}",
        (["u"], UID),
    )


def test_documents_compare_by_values_only() -> None:
    assert loaded(name="a") == Profile(id=UID, name="a")


def test_counters_increment_decrement_and_refuse_saves() -> None:
    hits = Hits(page="p", day=1)
    assert cql(hits.increment_op(views=2, likes=-1)) == (
        "UPDATE app.hits SET views = views + ?, likes = likes + ? WHERE page = ? AND day = ?",
        (2, -1, "p", 1),
    )
    assert cql(hits.decrement_op(views=3)) == (
        "UPDATE app.hits SET views = views - ? WHERE page = ? AND day = ?",
        (3, "p", 1),
    )
    for write in (hits.save_op, hits.changes_op, lambda: hits.save_op(if_not_exists=True)):
        with pytest.raises(InvalidQuery, match="counter table: counters cannot be saved"):
            write()
    with pytest.raises(InvalidQuery, match=r"Hits\.views is a counter: use increment"):
        hits.update_op(views=3)
    with pytest.raises(InvalidValue, match="delta must be an int"):
        hits.increment_op(views=1.5)  # type: ignore[arg-type]


def batch_cql(batch: BatchWriter) -> list[tuple[str, tuple[object, ...]]]:
    statement = batch.batch_op().statement
    assert isinstance(statement, Batch)
    return [render(s) for s in statement.statements]


def test_batch_mixes_writes_and_applies_a_batch_timestamp() -> None:
    doc = loaded(name="a")
    doc.name = "b"
    batch = BatchWriter("UNLOGGED", timestamp=10, consistency=ConsistencyLevel.QUORUM)
    batch.save(doc).update(Profile(id=UID), roles__add={"r"}).delete(Profile(id=UID), timestamp=3)
    batch.save(loaded())  # no change: nothing added
    assert len(batch) == 3
    assert batch_cql(batch) == [
        (f"UPDATE app.profile USING TIMESTAMP ? SET name = ? {WHERE}", (10, "b", UID)),
        (f"UPDATE app.profile USING TIMESTAMP ? SET roles = roles + ? {WHERE}", (10, {"r"}, UID)),
        (f"DELETE FROM app.profile USING TIMESTAMP ? {WHERE}", (3, UID)),
    ]
    op = batch.batch_op()
    assert (op.statement.kind, op.options.consistency) == ("UNLOGGED", ConsistencyLevel.QUORUM)  # type: ignore[union-attr]


def test_batch_with_conditional_statements() -> None:
    batch = BatchWriter(serial_consistency=ConsistencyLevel.LOCAL_SERIAL)
    batch.insert(Profile(id=UID, name="n")).update(Profile(id=UID), nick="x", iff={"name": "n"})
    texts = [text for text, _ in batch_cql(batch)]
    assert texts[0].endswith("IF NOT EXISTS")
    assert texts[1] == f"UPDATE app.profile SET nick = ? {WHERE} IF name = ?"
    assert batch.batch_op().options.serial_consistency == ConsistencyLevel.LOCAL_SERIAL
    with pytest.raises(InvalidQuery, match="timestamp cannot hold conditional"):
        BatchWriter(timestamp=1).insert(Profile(id=UID))


def test_batch_effects_apply_only_when_applied() -> None:
    doc = Profile(id=UID, name="a")
    batch = BatchWriter().update(doc, name="b", if_exists=True)
    batch.batch_op().result(ResultPage([{"[applied]": False}]))
    assert doc.name == "a"
    assert batch.batch_op().result(ResultPage([])).applied
    assert doc.name == "b"


def test_counter_batches_take_only_counter_writes() -> None:
    counter = BatchWriter("COUNTER").increment(Hits(page="p", day=1), views=1)
    counter.decrement(Hits(page="p", day=2), likes=2).delete(Hits(page="p", day=3))
    assert [t for t, _ in batch_cql(counter)] == [
        "UPDATE app.hits SET views = views + ? WHERE page = ? AND day = ?",
        "UPDATE app.hits SET likes = likes - ? WHERE page = ? AND day = ?",
        "DELETE FROM app.hits WHERE page = ? AND day = ?",
    ]
    with pytest.raises(InvalidQuery, match="non-counter write cannot go in a COUNTER batch"):
        counter.save(Profile(id=UID))
    with pytest.raises(InvalidQuery, match="counter update cannot go in a LOGGED batch"):
        BatchWriter().increment(Hits(page="p", day=1), views=1)


def test_empty_batch_sends_nothing() -> None:
    # no connection is registered: sending anything would raise ConnectionNotFound
    assert BatchWriter().execute().applied
