"""Bad input to compat querysets and write options, offline (issue 9).

Filters, ordering, limits, TTLs and timestamps: every error names the model,
the column or option and the value, and ``connection.execute`` (replaced by a
function that fails the test) is never reached.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from coodie_compat import CQLEngineException, ValidationError, columns, connection
from coodie_compat._filters import UnknownOperator
from coodie_compat._input_errors import MAX_TTL
from coodie_compat.models import Model
from coodie_compat.operators import QueryOperatorException
from coodie_compat.query import BatchQuery, QueryException

V4 = uuid.UUID("4d1b4f7e-2f6a-4c1e-9a55-6f2b8d7c0e11")


@pytest.fixture(autouse=True)
def _nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a statement was sent: {args[0]}")

    monkeypatch.setattr(connection, "execute", refuse)


class Item(Model):
    __keyspace__ = "ks"
    id = columns.UUID(partition_key=True)
    seq = columns.Integer(primary_key=True, default=0)
    tiny = columns.TinyInt()
    body = columns.Text()
    label = columns.Text(index=True)


class Tag(Model):
    __keyspace__ = "ks"
    name = columns.Text(partition_key=True)
    n = columns.Integer()


def message(call: Any, error: type[BaseException] = CQLEngineException) -> str:
    with pytest.raises(error) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize(
    ("call", "parts"),
    [
        (lambda: Item.objects(seq=2**40), ("Item.seq", str(2**40), "int")),
        (lambda: Item.objects(id="zzz"), ("Item.id", "zzz")),
        (lambda: Item.objects(id=None), ("Item.id", "None")),
        (lambda: Item.objects(id__in="abc"), ("Item.id", "'abc'", "list/tuple")),
        (lambda: Item.objects(nope=1), ("Item", "'nope'")),
        (lambda: Item.objects(id=V4).iff(tiny=1000), ("Item.tiny", "1000")),
        (lambda: Item.objects(id=V4).iff(nope=1), ("Item", "'nope'")),
        (lambda: Item.objects(id=V4).order_by("nope"), ("Item.nope", "resolve")),
        (lambda: Item.objects(id=V4).order_by("body"), ("Item.body", "clustered")),
        (lambda: Item.objects(id=V4).order_by("id"), ("Item.id", "partition key")),
        (lambda: str(Item.objects(body="x")), ("Item.body", "Where clauses")),
        (lambda: str(Item.objects(seq=1)), ("Item.seq", "allow_filtering")),
        (lambda: Item.objects(id=V4).limit(-1), ("Item.limit", "-1")),
        (lambda: Item.objects(id=V4).fetch_size(0), ("Item.fetch_size", "0")),
        (lambda: Item.objects(id=V4, seq=0).update(tiny=300), ("Item.tiny", "300")),
        (lambda: Tag.objects(name=""), ("Tag.name", "''", "empty")),
        (lambda: Tag.objects(name__in=["a", ""]), ("Tag.name", "''")),
        (lambda: Tag.objects(name="k" * 70000), ("Tag.name", "65535")),
    ],
)
def test_query_errors_name_model_column_and_value(call: Any, parts: tuple[str, ...]) -> None:
    text = message(call)
    assert all(part in text for part in parts), text


def test_text_key_ranges_are_not_size_checked() -> None:
    str(Tag.objects(name__gt="").allow_filtering())  # only = and IN name a partition


class Page(Model):
    __keyspace__ = "ks"
    site = columns.Text(partition_key=True)
    path = columns.Text(primary_key=True, db_field="p")


def test_clustering_filter_values_over_65535_bytes_are_refused() -> None:
    str(Page.objects(site="a", path="x" * 65535))
    text = message(lambda: Page.objects(site="a", path="x" * 65536))
    assert text.startswith("Page.path: ") and "the clustering value is 65536 bytes" in text
    text = message(lambda: Page.objects(site="a", path__in=["x", "y" * 70000]))
    assert text.startswith("Page.path: ") and "70000" in text


def test_unknown_operator_is_both_exception_types() -> None:
    text = message(lambda: Item.objects(id__regex=1), QueryOperatorException)
    assert text == "Item.id: regex doesn't map to a QueryOperator (got 1)"
    with pytest.raises(UnknownOperator) as info:
        Item.objects(id__regex=1)
    assert isinstance(info.value, QueryException)


def test_limit_and_fetch_size_of_the_wrong_type_are_type_errors_too() -> None:
    for call in (lambda: Item.objects.limit("x"), lambda: Item.objects.fetch_size("x")):
        with pytest.raises(TypeError) as info:
            call()
        assert isinstance(info.value, ValidationError) and "'x'" in str(info.value)
        assert str(info.value).startswith("Item.")


@pytest.mark.parametrize("ttl", ["abc", -1, MAX_TTL + 1, 1.5, True])
def test_bad_ttls_are_refused_at_the_call(ttl: Any) -> None:
    item = Item(id=V4)
    for call in (lambda: Item.ttl(ttl), lambda: Item.objects.ttl(ttl), lambda: item.ttl(ttl)):
        text = message(call, ValidationError)
        assert text.startswith("Item.ttl") and repr(ttl) in text


@pytest.mark.parametrize("ttl", [None, 0, 60, MAX_TTL])
def test_good_ttls_are_kept(ttl: Any) -> None:
    assert Item.ttl(ttl)._ttl == ttl
    assert Item.objects.ttl(ttl)._ttl == ttl
    assert Item(id=V4).ttl(ttl)._ttl == ttl


def test_text_timestamps_are_attribute_errors_too() -> None:
    item = Item(id=V4)
    for call in (lambda: item.timestamp("x"), lambda: Item.timestamp(1.5)):
        with pytest.raises(AttributeError) as info:
            call()
        assert isinstance(info.value, ValidationError)
        assert str(info.value).startswith("Item.timestamp")
    text = message(lambda: Item.objects.timestamp(2**70), ValidationError)
    assert str(2**70) in text and text.startswith("Item.timestamp")


@pytest.mark.parametrize("stamp", [None, 5, datetime(2024, 1, 1), timedelta(seconds=3)])
def test_good_timestamps_are_kept(stamp: Any) -> None:
    assert Item.timestamp(stamp)._timestamp == stamp
    assert Item(id=V4).timestamp(stamp)._timestamp == stamp


def test_batch_timestamp_error_names_the_value() -> None:
    assert message(lambda: BatchQuery(timestamp="x")).endswith("got 'x'")  # type: ignore[arg-type]
