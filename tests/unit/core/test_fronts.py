"""Unit tests for the operations Document and QuerySet build: exact CQL and values,
and typed errors raised before anything could be sent."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

import pytest
from cassandra import ConsistencyLevel
from cassandra.query import UNSET_VALUE

from coodie_core.cqltypes import SmallInt
from coodie_core.document import Document
from coodie_core.errors import InvalidQuery, InvalidValue, UnknownField
from coodie_core.fields import ClusteringKey, Counter, Indexed, PartitionKey
from coodie_core.operations import Options, ResultPage
from coodie_core.statements import render

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
AT = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
COLS = "owner, at, title, score, tags, note, kind"


class Post(Document):
    owner: Annotated[uuid.UUID, PartitionKey()]
    at: Annotated[datetime.datetime, ClusteringKey(order="DESC")]
    title: str
    score: SmallInt = 0
    tags: list[str] = []
    note: str | None = None
    kind: Annotated[str, Indexed()] = "text"

    class Settings:
        keyspace = "blog"


class Likes(Document):
    post: Annotated[uuid.UUID, PartitionKey()]
    n: Annotated[int, Counter()] = 0

    class Settings:
        keyspace = "blog"


def cql(op: object) -> tuple[str, tuple[object, ...]]:
    return render(op.statement)  # type: ignore[attr-defined]


def test_save_binds_unset_for_fields_never_set() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    assert cql(post.save_op()) == (
        f"INSERT INTO blog.post ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (UID, AT, "hi", 0, UNSET_VALUE, UNSET_VALUE, "text"),
    )


def test_save_writes_explicit_values_including_none() -> None:
    post = Post(owner=UID, at=AT, title="hi", tags=["a"], note=None)
    assert cql(post.save_op(ttl=30, timestamp=7)) == (
        f"INSERT INTO blog.post ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?",
        (UID, AT, "hi", 0, ["a"], None, "text", 30, 7),
    )


def test_insert_if_not_exists() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    text, _ = cql(post.save_op(if_not_exists=True))
    assert text == f"INSERT INTO blog.post ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS"


def test_values_changed_after_construction_are_checked_before_sending() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    post.score = 40000
    with pytest.raises(InvalidValue) as info:
        post.save_op()
    assert (info.value.model, info.value.field, info.value.value) == ("Post", "score", 40000)
    assert str(info.value) == (
        "Post.score: invalid value 40000: out of range for smallint (-32768..32767)"
    )
    with pytest.raises(InvalidValue, match="ttl"):
        Post(owner=UID, at=AT, title="x").save_op(ttl=-1)


def test_update_names_fields_and_rejects_keys() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    assert cql(post.update_op(title="new", note=None, ttl=5)) == (
        "UPDATE blog.post USING TTL ? SET title = ?, note = ? WHERE owner = ? AND at = ?",
        (5, "new", None, UID, AT),
    )
    with pytest.raises(InvalidQuery, match="cannot update a key column"):
        post.update_op(at=AT)
    with pytest.raises(UnknownField):
        post.update_op(nope=1)
    with pytest.raises(InvalidValue):
        post.update_op(score="many")


def test_update_applies_values_only_after_success() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    op = post.update_op(title="new")
    assert post.title == "hi"
    op.result(ResultPage([]))
    assert post.title == "new"


def test_delete_and_increment() -> None:
    post = Post(owner=UID, at=AT, title="hi")
    assert cql(post.delete_op(timestamp=3)) == (
        "DELETE FROM blog.post USING TIMESTAMP ? WHERE owner = ? AND at = ?",
        (3, UID, AT),
    )
    likes = Likes(post=UID)
    assert cql(likes.increment_op(n=2)) == (
        "UPDATE blog.likes SET n = n + ? WHERE post = ?",
        (2, UID),
    )
    with pytest.raises(InvalidQuery, match="counter table"):
        likes.save_op()


def test_find_builds_exact_select() -> None:
    qs = Post.find(owner=str(UID), at__gte=AT).order_by("-at").limit(10)
    assert cql(qs.all_op()) == (
        f"SELECT {COLS} FROM blog.post WHERE owner = ? AND at >= ? ORDER BY at DESC LIMIT ?",
        (UID, AT, 10),  # the string was validated into a UUID
    )
    assert qs.all_op().fetch_all is True


def test_queryset_is_immutable() -> None:
    base = Post.find(owner=UID)
    limited = base.limit(3)
    assert base.state.limit is None
    assert limited.state.limit == 3
    assert base.state.where == limited.state.where


def test_lookups() -> None:
    qs = Post.find(owner__in=[UID], tags__contains="x", kind="a", title__like="h%")
    assert cql(qs.allow_filtering().per_partition_limit(1).all_op()) == (
        f"SELECT {COLS} FROM blog.post WHERE owner IN ? AND tags CONTAINS ? AND kind = ? "
        "AND title LIKE ? PER PARTITION LIMIT ? ALLOW FILTERING",
        ([UID], "x", "a", "h%", 1),
    )


def test_token_range() -> None:
    qs = Post.find().token_range(gt=(str(UID),), lte=2**62)
    assert cql(qs.all_op()) == (
        f"SELECT {COLS} FROM blog.post WHERE token(owner) > token(?) AND token(owner) <= ?",
        (UID, 2**62),
    )
    with pytest.raises(InvalidQuery, match="token bound"):
        Post.find().token_range(gt=(1, 2))


def test_count_first_get_distinct_page() -> None:
    qs = Post.find(owner=UID).limit(5)
    assert cql(qs.count_op()) == ("SELECT COUNT(*) FROM blog.post WHERE owner = ?", (UID,))
    assert cql(qs.first_op()) == (
        f"SELECT {COLS} FROM blog.post WHERE owner = ? LIMIT ?",
        (UID, 1),
    )
    assert cql(qs.get_op()) == (f"SELECT {COLS} FROM blog.post WHERE owner = ? LIMIT ?", (UID, 2))
    assert cql(Post.find().distinct_op()) == ("SELECT DISTINCT owner FROM blog.post", ())
    page = Post.find(owner=UID).page_size(20).page_op(b"state")
    assert cql(page) == (f"SELECT {COLS} FROM blog.post WHERE owner = ?", (UID,))
    assert page.options == Options(page_size=20, paging_state=b"state")


def test_only_defer_and_options() -> None:
    qs = Post.find(owner=UID).only("at", "title").consistency(ConsistencyLevel.QUORUM)
    op = qs.timeout(2.5).all_op()
    assert cql(op) == ("SELECT at, title FROM blog.post WHERE owner = ?", (UID,))
    assert op.options == Options(consistency=ConsistencyLevel.QUORUM, timeout=2.5)
    deferred = Post.find(owner=UID).defer("tags", "note")
    assert cql(deferred.all_op())[0] == (
        "SELECT owner, at, title, score, kind FROM blog.post WHERE owner = ?"
    )


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Post.find(nope=1), UnknownField, "Post has no field 'nope'"),
        (lambda: Post.find(title__near=1), InvalidQuery, "unknown lookup 'near'"),
        (lambda: Post.find(owner="not-a-uuid"), InvalidValue, "Post.owner: invalid value"),
        (lambda: Post.find(score=10**6), InvalidValue, "out of range for smallint"),
        (lambda: Post.find(owner=None), InvalidQuery, "cannot filter on None"),
        (lambda: Post.find(owner__in="abc"), InvalidQuery, "needs a list"),
        (lambda: Post.find(title__contains="a"), InvalidQuery, "CONTAINS needs a collection"),
        (lambda: Post.find(tags__contains_key="a"), InvalidValue, "list has no keys"),
        (lambda: Post.find(score__like="a"), InvalidQuery, "LIKE needs text"),
        (lambda: Post.find().order_by("title"), InvalidQuery, "needs a clustering column"),
        (lambda: Post.find().limit(0), InvalidQuery, "limit must be a positive int"),
        (
            lambda: Post.find(owner=UID, title="x").all_op(),
            InvalidQuery,
            "Post.title: filtering on a column that is neither a key nor indexed",
        ),
    ],
)
def test_bad_queries_raise_typed_errors(build: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        build()  # type: ignore[operator]


def test_model_connection_is_used_for_reads_and_writes() -> None:
    class Routed(Document):
        id: Annotated[int, PartitionKey()]

        class Settings:
            keyspace = "ks"
            connection = "analytics"

    doc = Routed(id=1)
    assert doc.save_op().connection == "analytics"
    assert doc.delete_op().connection == "analytics"
    assert doc.update_op is not None
    assert Routed.find(id=1).all_op().connection == "analytics"
    assert Routed.find(id=1).using("other").get_op().connection == "other"


def test_bulk_delete_and_update() -> None:
    assert cql(Post.find(owner__in=[UID]).delete_op()) == (
        "DELETE FROM blog.post WHERE owner IN ?",
        ([UID],),
    )
    assert cql(Post.find(owner=UID, at=AT).update_op(title="t", score=2)) == (
        "UPDATE blog.post SET title = ?, score = ? WHERE owner = ? AND at = ?",
        ("t", 2, UID, AT),
    )
    with pytest.raises(InvalidQuery, match=r"update needs = or IN on \['owner', 'at'\]"):
        Post.find(owner=UID).update_op(title="t")
    with pytest.raises(InvalidQuery, match="other \\['kind'\\]"):
        Post.find(owner=UID, kind="x").delete_op()
    with pytest.raises(InvalidQuery, match="cannot update a key column"):
        Post.find(owner=UID, at=AT).update_op(at=AT)


def test_batch_collects_the_same_statements() -> None:
    from coodie_core.batch import BatchWriter
    from coodie_core.statements import Batch

    first = Post(owner=UID, at=AT, title="a")
    batch = BatchWriter("UNLOGGED").save(first, ttl=9).delete(first).update(first, title="b")
    op = batch.batch_op()
    assert isinstance(op.statement, Batch)
    assert op.statement.kind == "UNLOGGED"
    assert [render(s) for s in op.statement.statements] == [
        cql(first.save_op(ttl=9)),
        ("DELETE FROM blog.post WHERE owner = ? AND at = ?", (UID, AT)),
        ("UPDATE blog.post SET title = ? WHERE owner = ? AND at = ?", ("b", UID, AT)),
    ]
    assert first.title == "a"
    op.result(ResultPage([], None))
    assert first.title == "b"
