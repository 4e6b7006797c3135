"""Unit tests: bad values refused before anything is sent, with exact messages naming
the model, the field and the value (timeuuid versions, CQL range errors, TTL and
timestamp ranges, unknown constructor keywords, positive counts, filter values,
batch kinds)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import pydantic
import pytest

from coodie_core.batch import BatchWriter
from coodie_core.cqltypes import TimeUUID, TinyInt, check_value
from coodie_core.document import Document
from coodie_core.errors import InvalidQuery, InvalidValue
from coodie_core.fields import ClusteringKey, Counter, Indexed, PartitionKey
from coodie_core.lookups import check_filter_value, positive
from coodie_core.rows import DocumentDecoder
from coodie_core.statements import render
from coodie_core.usertype import UserType

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
V1 = uuid.UUID("5a4e9f60-0a7b-11ef-9262-0242ac120002")
V4 = uuid.UUID("4d1b4f7e-2f6a-4c1e-9a55-6f2b8d7c0e11")
LOG = "Log.ttl: invalid value"


class Log(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    seq: Annotated[int, ClusteringKey()] = 0
    tu: TimeUUID | None = None
    tus: list[TimeUUID] = []
    tiny: TinyInt | None = None
    names: list[str] = []
    label: Annotated[str | None, Indexed()] = None

    class Settings:
        keyspace = "app"


class Tally(Document):
    page: Annotated[str, PartitionKey()]
    n: Annotated[int, Counter()] = 0

    class Settings:
        keyspace = "app"


def message(call: Any) -> str:
    with pytest.raises((InvalidValue, InvalidQuery, pydantic.ValidationError)) as info:
        call()
    return str(info.value)


# -- timeuuid -------------------------------------------------------------------------


def test_timeuuid_needs_a_version_1_uuid() -> None:
    assert check_value("timeuuid", V1) is None
    why = "timeuuid needs a version-1 (time-based) UUID, not version 4"
    assert check_value("timeuuid", V4) == why
    assert check_value("list<timeuuid>", [V1, V4]) == why
    assert check_value("uuid", V4) is None  # a plain uuid column takes any version


def test_timeuuid_v4_is_refused_on_every_path() -> None:
    doc = Log(id=UID, tu=V1)
    shown = f"invalid value {V4!r}: timeuuid needs a version-1 (time-based) UUID, not version 4"
    assert f"tu: {shown}" in message(lambda: Log(id=UID, tu=V4))
    assert f"tus: invalid value [{V4!r}]" in message(lambda: Log(id=UID, tus=[V4]))
    assert message(lambda: doc.update_op(tu=V4)) == f"Log.tu: {shown}"
    assert message(lambda: Log.find(id=UID, tu=V4)) == f"Log.tu: {shown}"
    doc.tu = V4  # plain assignment is not validated, the write is
    assert message(doc.save_op) == f"Log.tu: {shown}"
    assert doc.update_op(tu=V1) is not None


# -- the value in the constructor's CQL check messages --------------------------------


def test_range_errors_name_the_value_even_in_long_inputs() -> None:
    text = message(lambda: Log(id=UID, tiny=300, names=["n" * 50] * 40))
    assert text.startswith("1 validation error for Log\n")
    assert "tiny: invalid value 300: out of range for tinyint (-128..127)" in text


def test_a_long_bad_value_is_cut_in_the_message() -> None:
    text = message(lambda: Log(id=UID, tus=[V1] * 30 + [V4]))
    assert "tus: invalid value [UUID(" in text
    assert "... (1426 characters): timeuuid needs a version-1" in text


# -- TTL and timestamps ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        (630_720_001, f"{LOG} 630720001: must be at most 630720000 seconds (20 years)"),
        (10**9, f"{LOG} 1000000000: must be at most 630720000 seconds (20 years)"),
        (-1, f"{LOG} -1: must be a non-negative int"),
    ],
)
def test_ttl_range(ttl: int, expected: str) -> None:
    doc = Log(id=UID)
    assert message(lambda: doc.save_op(ttl=ttl)) == expected
    assert message(lambda: doc.update_op(tiny=1, ttl=ttl)) == expected
    assert message(lambda: Log.find(id=UID).ttl(ttl)) == expected


def test_the_maximum_ttl_is_accepted() -> None:
    _, values = render(Log(id=UID).save_op(ttl=630_720_000).statement)
    assert values[-1] == 630_720_000


@pytest.mark.parametrize("timestamp", [2**63, -(2**63) - 1, 2**70])
def test_timestamps_must_fit_a_bigint(timestamp: int) -> None:
    expected = (
        f"Log.timestamp: invalid value {timestamp}: microseconds must fit a signed 64-bit "
        "int (-9223372036854775808..9223372036854775807)"
    )
    doc = Log(id=UID)
    assert message(lambda: doc.save_op(timestamp=timestamp)) == expected
    assert message(lambda: doc.delete_op(timestamp=timestamp)) == expected
    assert message(lambda: Log.find(id=UID).timestamp(timestamp)) == expected
    batch_expected = expected.replace("Log.", "BatchWriter.")
    assert message(lambda: BatchWriter(timestamp=timestamp)) == batch_expected


def test_timestamp_bounds_are_accepted() -> None:
    for timestamp in (2**63 - 1, -(2**63)):
        _, values = render(Log(id=UID).save_op(timestamp=timestamp).statement)
        assert values[-1] == timestamp
    aware = datetime.datetime(9999, 12, 31, tzinfo=datetime.timezone.utc)
    assert Log(id=UID).save_op(timestamp=aware) is not None


# -- unknown keywords -----------------------------------------------------------------


def test_unknown_keywords_are_refused_on_construction() -> None:
    text = message(lambda: Log(id=UID, bodyy="typo"))
    assert text.startswith("1 validation error for Log\nbodyy\n  Extra inputs are not permitted")
    assert "input_value='typo'" in text
    assert "bodyy" in message(lambda: Log.model_validate({"id": UID, "bodyy": "typo"}))


def test_rows_with_columns_the_model_lacks_still_load() -> None:
    """A table may hold more columns than the model (added by another app, or by a
    subclass); reads load the model's columns and ignore the rest."""
    row = {"id": UID, "seq": 1, "tu": None, "tus": None, "tiny": 3, "names": None}
    row.update({"label": "x", "extra_col": "ignored", "other": 5})
    columns = tuple(row)
    for decoder in (
        DocumentDecoder(Log, Log.table_meta(), columns),
        DocumentDecoder(Log, Log.table_meta(), columns, partial=True),
    ):
        for shaped in (row, tuple(row.values())):
            doc = decoder(shaped)
            assert (doc.id, doc.seq, doc.tiny, doc.label) == (UID, 1, 3, "x")
            assert "extra_col" not in doc.__dict__


def test_user_types_keep_ignoring_unknown_fields() -> None:
    """A UDT read back may carry fields added to the type after the model was written."""

    class Spot(UserType):
        x: int = 0

    assert Spot.model_validate({"x": 1, "added_later": 2}) == Spot(x=1)


# -- positive counts ------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, True, 1.5, "3"])
def test_positive_names_the_model_and_the_setting(n: object) -> None:
    assert message(lambda: Log.find(id=UID).limit(n)) == (  # type: ignore[arg-type]
        f"Log.limit must be a positive int, not {n!r}"
    )
    assert message(lambda: Log.find(id=UID).page_size(n)) == (  # type: ignore[arg-type]
        f"Log.page_size must be a positive int, not {n!r}"
    )
    assert message(lambda: Log.find(id=UID).per_partition_limit(n)) == (  # type: ignore[arg-type]
        f"Log.per_partition_limit must be a positive int, not {n!r}"
    )
    assert positive("M", "limit", 3) == 3


# -- filter values --------------------------------------------------------------------


def test_in_and_like_errors_name_the_value() -> None:
    assert message(lambda: Log.find(id__in="abc")) == (
        "Log.id__in needs a list of values, not 'abc'"
    )
    assert message(lambda: Log.find(id__in=5)) == "Log.id__in needs a list of values, not 5"
    assert message(lambda: Log.find(label__like=5)) == (
        "Log.label: LIKE needs text (a str pattern), not 5"
    )
    assert message(lambda: Log.find(tiny__like="a%")) == (
        "Log.tiny: LIKE needs text, not a tinyint column"
    )
    column = Log.table_meta().column("label")
    assert check_filter_value(column, "LIKE", "a%") == "a%"


# -- batches --------------------------------------------------------------------------


def test_batch_kind_errors_name_the_model() -> None:
    with pytest.raises(InvalidQuery) as info:
        BatchWriter().increment(Tally(page="p"), n=1)
    assert str(info.value) == (
        "Tally: a counter update cannot go in a LOGGED batch; use BatchWriter('COUNTER')"
    )
    with pytest.raises(InvalidQuery) as info:
        BatchWriter("COUNTER").save(Log(id=UID))
    assert str(info.value) == (
        "Log: a non-counter write cannot go in a COUNTER batch; use a LOGGED or UNLOGGED batch"
    )
    with pytest.raises(InvalidQuery) as info:
        BatchWriter("UNLOGGED").add(Tally(page="p").increment_op(n=1), counter=True)
    assert str(info.value) == (
        "table app.tally: a counter update cannot go in a UNLOGGED batch; "
        "use BatchWriter('COUNTER')"
    )
    assert len(BatchWriter("COUNTER").increment(Tally(page="p"), n=1)) == 1
