"""Unit tests: conditional writes (IF ...), their results, TTL and USING TIMESTAMP at
class, call and queryset level, and ttl()/writetime() reads; exact CQL and values."""

from __future__ import annotations

import datetime
import uuid
from collections import namedtuple
from typing import Annotated

import pytest
from cassandra import ConsistencyLevel

from coodie_core.document import Document
from coodie_core.errors import InvalidQuery, InvalidValue, LWTException
from coodie_core.fields import ClusteringKey, PartitionKey
from coodie_core.lwt import LWTResult, read_lwt
from coodie_core.operations import ResultPage
from coodie_core.statements import render

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")
UTC = datetime.timezone.utc


class Account(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    owner: str = ""
    balance: int = 0
    note: str | None = None

    class Settings:
        keyspace = "bank"


class Session_(Document):
    user: Annotated[str, PartitionKey()]
    at: Annotated[int, ClusteringKey()]
    token: str = ""

    class Settings:
        keyspace = "bank"
        name = "sessions"
        default_ttl = 3600


def cql(op: object) -> tuple[str, tuple[object, ...]]:
    return render(op.statement)  # type: ignore[attr-defined]


def test_update_if_exists() -> None:
    op = Account(id=UID).update_op(owner="ann", if_exists=True)
    assert cql(op) == ("UPDATE bank.account SET owner = ? WHERE id = ? IF EXISTS", ("ann", UID))


def test_update_with_every_kind_of_condition() -> None:
    op = Account(id=UID).update_op(
        balance=5,
        iff={"owner": "ann", "note__ne": None, "balance__in": [1, 2], "balance__gte": 0},
    )
    assert cql(op) == (
        "UPDATE bank.account SET balance = ? WHERE id = ? "
        "IF owner = ? AND note != ? AND balance IN ? AND balance >= ?",
        (5, UID, "ann", None, [1, 2], 0),
    )


def test_delete_conditions_and_if_exists() -> None:
    acc = Account(id=UID)
    assert cql(acc.delete_op(iff={"balance__lt": 10})) == (
        "DELETE FROM bank.account WHERE id = ? IF balance < ?",
        (UID, 10),
    )
    assert cql(acc.delete_op(if_exists=True)) == (
        "DELETE FROM bank.account WHERE id = ? IF EXISTS",
        (UID,),
    )


def test_serial_consistency_is_an_option() -> None:
    op = Account(id=UID).update_op(
        owner="x", if_exists=True, serial_consistency=ConsistencyLevel.LOCAL_SERIAL
    )
    assert op.options.serial_consistency == ConsistencyLevel.LOCAL_SERIAL


def test_bad_conditions_are_refused_before_sending() -> None:
    acc = Account(id=UID)
    with pytest.raises(InvalidQuery, match="key column cannot be a condition"):
        acc.update_op(owner="x", iff={"id": UID})
    with pytest.raises(InvalidQuery, match="unknown condition 'like'"):
        acc.update_op(owner="x", iff={"owner__like": "a%"})
    with pytest.raises(InvalidValue) as info:
        acc.update_op(owner="x", iff={"balance": "lots"})
    assert (info.value.model, info.value.field, info.value.value) == ("Account", "balance", "lots")
    with pytest.raises(InvalidQuery, match="not both"):
        acc.update_op(owner="x", if_exists=True, iff={"owner": "y"})
    with pytest.raises(InvalidQuery, match="custom timestamp"):
        acc.delete_op(if_exists=True, timestamp=5)


Applied = namedtuple("Applied", ["applied", "owner", "balance"])


def test_result_carries_applied_and_the_existing_row() -> None:
    assert read_lwt(ResultPage([])) == LWTResult(True)
    failed = read_lwt(ResultPage([Applied(False, "ann", 3)]))
    assert (failed.applied, bool(failed), failed.existing) == (
        False,
        False,
        {"owner": "ann", "balance": 3},
    )
    missing = read_lwt(ResultPage([{"[applied]": False}]))
    assert (missing.applied, missing.existing) == (False, None)


def test_not_applied_sets_nothing_and_can_raise() -> None:
    acc = Account(id=UID, owner="old")
    op = acc.update_op(owner="new", iff={"owner": "zzz"})
    result = op.result(ResultPage([Applied(False, "old", 0)]))
    assert (result.applied, acc.owner) == (False, "old")
    strict = acc.update_op(owner="new", iff={"owner": "zzz"}, raise_on_failure=True)
    with pytest.raises(LWTException) as info:
        strict.result(ResultPage([Applied(False, "old", 0)]))
    assert info.value.existing == {"owner": "old", "balance": 0}
    assert strict.result(ResultPage([Applied(True, None, None)])).applied
    assert acc.owner == "new"


def test_insert_raise_on_failure_reader() -> None:
    op = Account(id=UID).save_op(if_not_exists=True, raise_on_failure=True)
    with pytest.raises(LWTException):
        op.result(ResultPage([Applied(False, "x", 1)]))


def test_class_default_ttl_and_overrides() -> None:
    s = Session_(user="u", at=1, token="t")
    assert cql(s.save_op()) == (
        'INSERT INTO bank.sessions (user, at, "token") VALUES (?, ?, ?) USING TTL ?',
        ("u", 1, "t", 3600),
    )
    assert cql(s.update_op(token="v", ttl=5, timestamp=99)) == (
        'UPDATE bank.sessions USING TTL ? AND TIMESTAMP ? SET "token" = ? '
        "WHERE user = ? AND at = ?",
        (5, 99, "v", "u", 1),
    )


def test_datetime_timestamps_become_microseconds() -> None:
    when = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    assert cql(Account(id=UID).delete_op(timestamp=when)) == (
        "DELETE FROM bank.account USING TIMESTAMP ? WHERE id = ?",
        (1704067200000000, UID),
    )
    with pytest.raises(InvalidValue, match="must be aware"):
        Account(id=UID).delete_op(timestamp=datetime.datetime(2024, 1, 1))
    with pytest.raises(InvalidValue, match="non-negative"):
        Account(id=UID).save_op(ttl=-1)


def test_queryset_ttl_timestamp_and_conditions() -> None:
    qs = Account.find(id=UID)
    assert cql(qs.ttl(60).timestamp(7).update_op(owner="b")) == (
        "UPDATE bank.account USING TTL ? AND TIMESTAMP ? SET owner = ? WHERE id = ?",
        (60, 7, "b", UID),
    )
    assert cql(qs.iff(balance__gt=1).update_op(owner="b")) == (
        "UPDATE bank.account SET owner = ? WHERE id = ? IF balance > ?",
        ("b", UID, 1),
    )
    assert cql(qs.if_exists().delete_op()) == (
        "DELETE FROM bank.account WHERE id = ? IF EXISTS",
        (UID,),
    )
    assert cql(qs.timestamp(8).delete_op()) == (
        "DELETE FROM bank.account USING TIMESTAMP ? WHERE id = ?",
        (8, UID),
    )
    op = qs.if_exists().serial_consistency(ConsistencyLevel.SERIAL).update_op(owner="c")
    assert op.options.serial_consistency == ConsistencyLevel.SERIAL
    with pytest.raises(InvalidQuery, match="cannot use timestamp"):
        qs.if_exists().timestamp(1).delete_op()


def test_reading_ttl_and_writetime() -> None:
    qs = Account.find(id=UID)
    assert cql(qs.ttl_of_op("owner")) == (
        "SELECT TTL(owner) FROM bank.account WHERE id = ? LIMIT ?",
        (UID, 1),
    )
    assert cql(Account(id=UID)._by_key().writetime_of_op("note")) == (
        "SELECT WRITETIME(note) FROM bank.account WHERE id = ? LIMIT ?",
        (UID, 1),
    )
    assert qs.ttl_of_op("owner").result(ResultPage([(42,)])) == 42
    assert qs.ttl_of_op("owner").result(ResultPage([(None,)])) is None
    with pytest.raises(InvalidQuery, match="only kept for non-key"):
        qs.ttl_of_op("id")


def test_default_ttl_setting_is_checked() -> None:
    from coodie_core.errors import ModelDefinitionError

    with pytest.raises(ModelDefinitionError, match="default_ttl"):

        class Bad(Document):
            k: Annotated[int, PartitionKey()]

            class Settings:
                default_ttl = "soon"
