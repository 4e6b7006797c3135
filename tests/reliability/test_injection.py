"""Hostile values are data, never CQL.

Property-based (hypothesis, derandomized, modest example counts): arbitrary
text, bytes and unicode, with quotes, semicolons, comment markers, NUL, bind
marker look-alikes and long strings mixed in, round-trip exactly through save,
get, filter (key, ``IN``, ``ALLOW FILTERING``, secondary index), update, LWT
conditions (applied and not applied), ``IF NOT EXISTS``, batches and delete, in
core (sync and asyncio) and compat. Identifiers from configuration or
``NamedTable`` are validated and quoted. ``x'); DROP TABLE t; --`` is stored as
data and table ``t`` survives every test of the module.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coodie_compat import columns
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model, ModelDefinitionException
from coodie_compat.named import NamedKeyspace, NamedTable
from coodie_compat.query import BatchQuery, LWTException
from coodie_core import (
    BatchWriter,
    ClusteringKey,
    Document,
    Indexed,
    InvalidIdentifier,
    PartitionKey,
    sync_table,
)
from coodie_core.identifiers import RESERVED_KEYWORDS, quote, validate_identifier
from tests.reliability.support import RELIABILITY, RELIABILITY_COMPAT, reliability_keyspace

KS = reliability_keyspace()
DROP = "x'); DROP TABLE t; --"
HOSTILE = [
    DROP, "'", "''", '"', "`", ";", "--", "//", "/*", "*/", "\x00", "a\x00b", "\\", "\\'",
    "%s", "%(0)s", "%%", "?", ":name", "$$", "{}", "\n", "\r\n", "\t", "\u2028", "\ufeff",
    "😀", "ǅ", "' OR '1'='1", "'; DELETE FROM t WHERE k = 1; --", "APPLY BATCH;",
    "\U0010ffff",
]  # fmt: skip
LONG = "'; --" * 20_000  # 100,000 characters

#: Derandomized (the same examples on every run) and small enough for CI.
RELIABLE = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _joined(parts: list[str]) -> str:
    return "".join(parts)


hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4)), max_size=8).map(_joined),
)
#: Values (not keys) may also be long: ``(text, True)`` means the text repeated to
#: 100,000 characters (kept as a flag so failing examples print short).
value_text = st.tuples(hostile_text, st.booleans())


def _value(drawn: tuple[str, bool]) -> str:
    text, long = drawn
    if not long:
        return text
    unit = text or LONG[:5]
    return (unit * (100_000 // len(unit) + 1))[:100_000]


def _differs(first: str, second: str) -> str:
    """``second``, changed if needed so that it differs from ``first``."""
    return second if second != first else second + "'"


blobs = st.one_of(st.binary(max_size=200), st.sampled_from([DROP.encode(), b"\x00", b"'"]))


class Note(Document):
    """Core: text keys, text/bytes/collection values, an indexed text column."""

    key: Annotated[str, PartitionKey()]
    slot: Annotated[str, ClusteringKey()]
    body: str | None = None
    raw: bytes | None = None
    tags: set[str] = set()
    attrs: dict[str, str] = {}
    label: Annotated[str | None, Indexed()] = None

    class Settings:
        connection = RELIABILITY


class CNote(Model):
    """Compat twin of :class:`Note`."""

    __keyspace__ = KS
    __connection__ = RELIABILITY_COMPAT
    __table_name__ = "c_note"
    key = columns.Text(partition_key=True)
    slot = columns.Text(primary_key=True)
    body = columns.Text()
    raw = columns.Blob()
    tags = columns.Set(columns.Text)
    attrs = columns.Map(columns.Text, columns.Text)
    label = columns.Text(index=True)


@pytest.fixture(scope="module", autouse=True)
def tables(rel_keyspace: str, compat_rel: Any, cassandra_session: Any) -> Any:
    """The two models' tables and the canary table ``t``, checked after the module."""
    sync_table(Note)
    compat_sync_table(CNote)
    cassandra_session.execute(f"CREATE TABLE IF NOT EXISTS {KS}.t (k int PRIMARY KEY, v text)")
    cassandra_session.execute(f"INSERT INTO {KS}.t (k, v) VALUES (1, 'canary')")
    yield
    assert cassandra_session.execute(f"SELECT v FROM {KS}.t WHERE k = 1").one()[0] == "canary"


def _key(text: str) -> str:
    """A fresh partition key around ``text`` (keys cannot be empty; examples must not
    see each other's rows)."""
    return f"{uuid.uuid4().hex[:8]}:{text}"


@RELIABLE
@given(key=hostile_text, slot=hostile_text, body=value_text, body2=value_text,
       raw=blobs, tag=hostile_text, label=hostile_text)  # fmt: skip
def test_core_round_trip(
    key: str, slot: str, body: Any, body2: Any, raw: bytes, tag: str, label: str, figures: Any
) -> None:
    key, body = _key(key), _value(body)
    body2 = _differs(body, _value(body2))
    doc = Note(key=key, slot=slot, body=body, raw=raw, tags={tag}, attrs={tag: body},
               label=_key(label))  # fmt: skip
    doc.save()
    assert Note.get(key=key, slot=slot) == doc
    assert Note.find(key=key, slot__in=[slot, slot + "'"]).all() == [doc]
    assert Note.find(key=key, body=body).allow_filtering().all() == [doc]
    assert Note.find(label=doc.label).all() == [doc]
    assert Note.find(key=key, tags__contains=tag).allow_filtering().all() == [doc]
    doc.update(body=body2, attrs__put={tag + "'": body2})
    assert Note.get(key=key, slot=slot) == doc
    assert doc.update(body=body, iff={"body": body2})  # condition holds: applied
    refused = doc.update(body="never", iff={"body": body2})
    assert not refused and refused.existing == {"body": body}
    taken = Note(key=key, slot=slot, body=body2).insert()
    assert not taken and taken.existing is not None and taken.existing["body"] == body
    with BatchWriter() as batch:
        batch.save(Note(key=key, slot=slot + ";", body=body2, raw=raw))
        batch.update(doc, body=body2)
    assert [n.body for n in Note.find(key=key).all()] == [body2, body2]
    assert Note.get(key=key, slot=slot + ";").raw == raw
    assert doc.delete(iff={"body": body2})
    assert Note.find(key=key, slot=slot).first() is None
    figures.add("hostile values round-tripped (core examples)")


@settings(RELIABLE, max_examples=15)
@given(key=hostile_text, body=value_text, raw=blobs)
def test_core_async_round_trip(key: str, body: Any, raw: bytes, figures: Any) -> None:
    body = _value(body)

    async def scenario() -> None:
        doc = Note(key=_key(key), slot=body[:100], body=body, raw=raw)
        await doc.asave()
        assert await Note.aget(key=doc.key, slot=doc.slot) == doc
        assert await Note.find(key=doc.key, body=body).allow_filtering().aall() == [doc]
        assert await doc.aupdate(body=body + "'", iff={"body": body})
        assert (await Note.aget(key=doc.key, slot=doc.slot)).body == body + "'"

    asyncio.run(scenario())
    figures.add("hostile values round-tripped (core asyncio examples)")


def _crow(key: str, slot: str) -> Any:
    return CNote.objects(key=key, slot=slot).get()


@RELIABLE
@given(key=hostile_text, slot=hostile_text, body=value_text, body2=value_text,
       raw=blobs, tag=hostile_text, label=hostile_text)  # fmt: skip
def test_compat_round_trip(
    key: str, slot: str, body: Any, body2: Any, raw: bytes, tag: str, label: str, figures: Any
) -> None:
    key, label, body = _key(key), _key(label), _value(body)
    body2 = _differs(body, _value(body2))
    CNote.create(key=key, slot=slot, body=body, raw=raw, tags={tag}, attrs={tag: body},
                 label=label)  # fmt: skip
    row = _crow(key, slot)
    assert (row.body, bytes(row.raw), row.tags, row.attrs) == (body, raw, {tag}, {tag: body})
    assert [r.slot for r in CNote.objects(key=key, slot__in=[slot, slot + "'"])] == [slot]
    assert [r.slot for r in CNote.objects(key=key, body=body).allow_filtering()] == [slot]
    assert [r.key for r in CNote.objects(label=label)] == [key]
    row.update(body=body2)
    assert _crow(key, slot).body == body2
    row.iff(body=body2).update(body=body)
    with pytest.raises(LWTException) as refused:
        _crow(key, slot).iff(body=body2).update(body="never")
    assert refused.value.existing["body"] == body
    with pytest.raises(LWTException):
        CNote.if_not_exists().create(key=key, slot=slot, body=body2)
    with BatchQuery() as batch:
        CNote.batch(batch).create(key=key, slot=slot + ";", body=body2, raw=raw)
        CNote.objects(key=key, slot=slot).batch(batch).update(body=body2)
    assert [r.body for r in CNote.objects(key=key)] == [body2, body2]
    assert bytes(_crow(key, slot + ";").raw) == raw
    CNote.objects(key=key, slot=slot).iff(body=body2).delete()
    assert CNote.objects(key=key, slot=slot).first() is None
    figures.add("hostile values round-tripped (compat examples)")


def test_drop_table_text_is_stored_as_data(cassandra_session: Any) -> None:
    """The classic payload, as key, clustering key and value, through both APIs."""
    doc = Note(key=DROP, slot=DROP, body=DROP, raw=DROP.encode(), tags={DROP}, label=DROP)
    doc.save()
    assert Note.get(key=DROP, slot=DROP) == doc
    assert doc.update(body=DROP + DROP, iff={"body": DROP})
    CNote.create(key=DROP, slot=DROP, body=DROP, tags={DROP})
    assert _crow(DROP, DROP).body == DROP
    CNote.objects(key=DROP, slot=DROP).iff(body=DROP).update(body=DROP + DROP)
    assert _crow(DROP, DROP).body == DROP + DROP
    assert cassandra_session.execute(f"SELECT v FROM {KS}.t WHERE k = 1").one()[0] == "canary"


# -- identifiers from configuration ---------------------------------------------------

_QUOTED = re.compile(r'^"[A-Za-z0-9_]+"$')
_BARE = re.compile(r"^[a-z][a-z0-9_]*$")


@settings(RELIABLE, max_examples=300)
@given(name=st.one_of(hostile_text, st.from_regex(r"[A-Za-z0-9_]{1,20}", fullmatch=True),
                      st.sampled_from(sorted(RESERVED_KEYWORDS))))  # fmt: skip
def test_identifiers_are_validated_and_quoted(name: str) -> None:
    """Every name is refused or comes out as a bare lower-case identifier that is no
    keyword, or a double-quoted one made of safe characters; the same rule holds for
    NamedTable, NamedKeyspace and core ``Settings``."""
    safe = re.fullmatch(r"[A-Za-z0-9_]+", name) is not None
    if not safe:
        for attempt in (
            lambda: validate_identifier(name),
            lambda: NamedTable(KS, name),
            lambda: NamedKeyspace(name),
            lambda: NamedTable(name, "t"),
        ):
            with pytest.raises(InvalidIdentifier):
                attempt()
        return
    quoted = quote(name)
    assert _QUOTED.match(quoted) or (_BARE.match(quoted) and quoted not in RESERVED_KEYWORDS)
    assert quoted.strip('"') == name


TRICKY = ["select", "Order", "KEY_1", "1st", "token", "Where"]


def tricky_model(table: str) -> type[Document]:
    """A core model whose table is called ``table``."""

    class TrickyModel(Document):
        id: Annotated[int, PartitionKey()]
        value: str = ""

        class Settings:
            name = table
            connection = RELIABILITY

    return TrickyModel


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_but_valid_names_work_quoted(name: str) -> None:
    """Keywords, upper case and leading digits are legal once quoted: the table is
    created, written and read under exactly that name, through core and NamedTable."""
    model: Any = tricky_model(name)
    sync_table(model)
    model(id=1, value=DROP).save()
    assert model.get(id=1).value == DROP
    table = NamedTable(KS, name).using(connection=RELIABILITY_COMPAT)
    assert [r["value"] for r in table.objects.filter(id=1)] == [DROP]


def test_hostile_compat_table_name_is_refused_at_class_creation(cassandra_session: Any) -> None:
    """compat validates ``__table_name__`` when the class is defined: a hostile name
    never reaches a statement, and the canary table survives."""
    with pytest.raises(ModelDefinitionException, match="invalid __table_name__"):

        class Hostile(Model):
            __keyspace__ = KS
            __connection__ = RELIABILITY_COMPAT
            __table_name__ = 't" (k int PRIMARY KEY); DROP TABLE t; --'
            __table_name_case_sensitive__ = True
            id = columns.Integer(primary_key=True)

    assert cassandra_session.execute(f"SELECT v FROM {KS}.t WHERE k = 1").one()[0] == "canary"
