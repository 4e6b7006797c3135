"""Unit tests for row decoding: the per-class readers (compiled once per shape), the
read validator, what a loaded document remembers, and the decoder cache; exact
values from driver-shaped rows (tuples, named tuples, dicts)."""

from __future__ import annotations

import copy
import datetime
import uuid
from collections import namedtuple
from typing import Annotated, Any

import pydantic
import pytest

from coodie_core.cqltypes import Int
from coodie_core.document import Document
from coodie_core.fields import ClusteringKey, PartitionKey
from coodie_core.meta import TableMeta
from coodie_core.operations import ResultPage, list_of
from coodie_core.readers import LOADED, read_validator, row_reader
from coodie_core.rowcode import compile_reader
from coodie_core.rows import DocumentDecoder, decoder_for
from coodie_core.statements import render

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
UTC = datetime.timezone.utc
NAIVE = datetime.datetime(2024, 5, 1, 12, 0, 0, 5000)
AWARE = NAIVE.replace(tzinfo=UTC)


class Event(Document):
    bucket: Annotated[Int, PartitionKey()]
    seq: Annotated[Int, ClusteringKey()]
    kind: str | None = None
    at: datetime.datetime | None = None
    tags: list[str] = []
    level: int = 3  # not Optional: a null reads back as the default

    class Settings:
        keyspace = "ks"


class Shouting(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    name: str = ""

    @pydantic.field_validator("name")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()

    class Settings:
        keyspace = "ks"


COLUMNS = ("bucket", "seq", "kind", "at", "tags", "level")


def reader(model: type[Document] = Event, columns: tuple[str, ...] = COLUMNS) -> Any:
    return row_reader(model, model.table_meta(), columns)


def values_of(doc: Document) -> dict[str, Any]:
    return dict(doc.__dict__)


def test_tuple_rows_become_validated_documents() -> None:
    doc = reader().read((1, 2, "click", NAIVE, None, None))
    assert values_of(doc) == {
        "bucket": 1, "seq": 2, "kind": "click", "at": AWARE, "tags": [], "level": 3,
    }  # fmt: skip
    assert doc.at is not None and doc.at.tzinfo is UTC
    assert doc.model_fields_set == {"bucket", "seq", "kind", "at", "tags"}  # level left out


def test_named_tuple_and_dict_rows_decode_the_same() -> None:
    row = (1, 2, None, NAIVE, ["a"], 7)
    named = namedtuple("Row", COLUMNS)._make(row)  # type: ignore[attr-defined]
    as_dict = dict(zip(COLUMNS, row, strict=True))
    docs = [reader().read(r) for r in (row, named, as_dict)]
    assert docs[0] == docs[1] == docs[2] == Event(bucket=1, seq=2, at=AWARE, tags=["a"], level=7)


def test_read_all_equals_one_by_one_and_list_of_uses_it() -> None:
    rows = [(1, i, "k", None, ["x"], i) for i in range(5)]
    decoder = DocumentDecoder(Event, Event.table_meta(), COLUMNS)
    assert decoder.decode_all(rows) == [decoder(r) for r in rows]
    read = list_of(decoder)
    assert read.decode_all is not None  # type: ignore[attr-defined]  # page by page
    assert read(ResultPage(rows)) == [Event(bucket=1, seq=i, kind="k", tags=["x"], level=i)
                                      for i in range(5)]  # fmt: skip


def test_loaded_document_remembers_its_row_and_sends_only_changes() -> None:
    doc = reader().read((1, 2, "click", NAIVE, ["a"], 4))
    assert doc.__pydantic_private__ is not None and LOADED in doc.__pydantic_private__
    assert doc._snapshot == {
        "bucket": 1, "seq": 2, "kind": "click", "at": AWARE, "tags": ["a"], "level": 4,
    }  # fmt: skip
    assert doc.changes_op() is None  # nothing changed
    doc.tags.append("b")  # in place: the snapshot is not the document's list
    doc.kind = "view"
    op = doc.changes_op()
    assert op is not None
    assert render(op.statement) == (
        "UPDATE ks.event SET kind = ?, tags = tags + ? WHERE bucket = ? AND seq = ?",
        ("view", ["b"], 1, 2),
    )
    op.result(ResultPage([]))
    assert doc._snapshot is not None and doc._snapshot["tags"] == ["a", "b"]
    assert LOADED not in doc.__pydantic_private__  # now an ordinary state dict
    assert doc.changes_op() is None


def test_copies_keep_what_the_document_knows() -> None:
    doc = reader().read((1, 2, "click", None, [], 3))
    clone = doc.model_copy()
    clone.kind = "other"
    op = clone.changes_op()
    assert op is not None and render(op.statement)[1] == ("other", 1, 2)
    assert copy.deepcopy(doc)._snapshot == doc._snapshot
    assert doc.changes_op() is None


def test_user_validators_run_on_reads_and_snapshot_is_what_was_loaded() -> None:
    doc = reader(Shouting, ("id", "name")).read((UID, "ann"))
    assert doc.name == "ANN"
    assert doc._snapshot == {"id": UID, "name": "ANN"}  # copied from the document
    assert doc.changes_op() is None


def test_read_validator_skips_only_coodie_checks() -> None:
    validator = read_validator(Event)
    assert validator is not Event.__pydantic_validator__
    assert read_validator(Event) is validator  # built once
    row = {"bucket": 1, "seq": 2**40}  # a value an int column could never hold
    assert validator.validate_python(row).seq == 2**40
    with pytest.raises(pydantic.ValidationError, match=f"seq: invalid value {2**40}: out of range"):
        Event.model_validate(row)
    with pytest.raises(pydantic.ValidationError, match="valid integer"):
        validator.validate_python({"bucket": "x", "seq": 1})  # types are still checked
    assert read_validator(Shouting).validate_python({"id": UID, "name": "x"}).name == "X"


def test_generated_reader_source_shape() -> None:
    table = Event.table_meta()
    used = [(i, table.column(n)) for i, n in enumerate(COLUMNS) if n != "kind"]
    read, read_all = compile_reader(
        len(COLUMNS), used, validate=lambda v: v, as_tuple=tuple, finish=""
    )
    assert read((1, 2, "ignored", NAIVE, None, None)) == {
        "bucket": 1, "seq": 2, "at": AWARE, "tags": [],
    }  # fmt: skip
    assert read_all([(1, 2, "x", None, ["t"], 5)]) == [
        {"bucket": 1, "seq": 2, "at": None, "tags": ["t"], "level": 5}
    ]


def test_readers_and_decoders_are_cached_per_shape() -> None:
    table = Event.table_meta()
    assert reader() is reader()
    assert reader(columns=COLUMNS[:3]) is not reader()
    first = decoder_for(Event, table, COLUMNS, False, None)
    assert decoder_for(Event, table, COLUMNS, False, None) is first
    other_table = TableMeta(table.model_name, table.name, table.columns, table.settings)
    assert decoder_for(Event, other_table, COLUMNS, False, None) is not first
    assert Event.find(bucket=1)._decoder() is Event.find(bucket=2)._decoder()


class Cached(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    name: str = ""
    _hits: int = pydantic.PrivateAttr(default=0)

    class Settings:
        keyspace = "ks"


def test_models_with_their_own_private_attributes() -> None:
    doc = reader(Cached, ("id", "name")).read((UID, "a"))
    assert doc._hits == 0 and doc._snapshot == {"id": UID, "name": "a"}
    doc._hits += 1
    assert doc.changes_op() is None and doc._hits == 1
    doc.name = "b"
    op = doc.changes_op()
    assert op is not None and render(op.statement)[1] == ("b", UID)  # type: ignore[arg-type]
    op.result(ResultPage([]))
    assert (doc._hits, doc._snapshot) == (1, {"id": UID, "name": "b"})
    fresh = Cached(id=UID)
    assert (fresh._hits, fresh._snapshot, fresh._partial) == (0, None, False)
