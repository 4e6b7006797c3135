"""Unit tests: which core statements are idempotent, how the flag reaches the
driver statements (once per prepared shape), and the per-statement retry guard
of sessions coodie did not create. No database: fake sessions, real driver
statement classes."""

from __future__ import annotations

from typing import Any

import pytest
from cassandra.cqltypes import (
    CounterColumnType,
    Int32Type,
    ListType,
    MapType,
    SetType,
    UTF8Type,
)
from cassandra.policies import RetryPolicy
from cassandra.protocol import ColumnMetadata
from cassandra.query import BatchStatement, PreparedStatement

from coodie_core import driver, execution
from coodie_core.operations import DEFAULT_OPTIONS, Operation, ignore
from coodie_core.retry import SessionRetryGuard
from coodie_core.statements import (
    Assignment,
    Batch,
    Ddl,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    Where,
    is_idempotent,
)

T = Table("ks", "t")
KEY = (Where("k", "=", 1),)
TEXT_LIST = ListType.apply_parameters([UTF8Type])
TEXT_SET = SetType.apply_parameters([UTF8Type])
TEXT_INT_MAP = MapType.apply_parameters([UTF8Type, Int32Type])


def update(*assignments: Assignment, **options: Any) -> Update:
    return Update(T, assignments, KEY, **options)


PLAIN = {
    "select": Select(T, ("k",), KEY),
    "count": Select(T, (), count=True),
    "insert": Insert(T, ("k", "v"), (1, "x")),
    "insert-ttl": Insert(T, ("k", "v"), (1, "x"), ttl=5, timestamp=7),
    "set": update(Assignment("v", "set", "x")),
    "set-null": update(Assignment("v", "set", None)),
    "set-item": update(Assignment("l", "set_item", "x", 0)),
    "set-add": update(Assignment("s", "add", {"a"})),
    "set-remove": update(Assignment("s", "remove", {"a"})),
    "map-put": update(Assignment("m", "add", {"a": 1})),
    "map-remove": update(Assignment("m", "remove", {"a"})),
    "delete": Delete(T, KEY),
    "delete-columns": Delete(T, KEY, ("v",), timestamp=3),
}
ACCUMULATING = {
    "counter": update(Assignment("n", "add", 1)),
    "decrement": update(Assignment("n", "remove", 1)),
    "append": update(Assignment("l", "add", ["a"])),
    "prepend": update(Assignment("l", "prepend", ["a"])),
    "list-remove": update(Assignment("l", "remove", ["a"])),
    "mixed": update(Assignment("v", "set", "x"), Assignment("l", "add", ["a"])),
}
CONDITIONAL = {
    "insert-if-not-exists": Insert(T, ("k",), (1,), if_not_exists=True),
    "update-if-exists": update(Assignment("v", "set", "x"), if_exists=True),
    "update-if": update(Assignment("v", "set", "x"), if_conditions=(Where("v", "=", "y"),)),
    "delete-if-exists": Delete(T, KEY, if_exists=True),
    "delete-if": Delete(T, KEY, if_conditions=(Where("v", "!=", "y"),)),
}
#: The counter and list columns of table ``t``, as the server's bind metadata says.
COUNTERS_AND_LISTS = frozenset({"n", "l"})


@pytest.mark.parametrize("name", PLAIN)
def test_reads_and_plain_writes_are_idempotent(name: str) -> None:
    assert is_idempotent(PLAIN[name], COUNTERS_AND_LISTS)


@pytest.mark.parametrize("name", ACCUMULATING)
def test_counter_and_list_accumulation_is_not(name: str) -> None:
    assert not is_idempotent(ACCUMULATING[name], COUNTERS_AND_LISTS)


@pytest.mark.parametrize("name", CONDITIONAL)
def test_conditional_writes_are_not(name: str) -> None:
    assert not is_idempotent(CONDITIONAL[name], COUNTERS_AND_LISTS)


def test_unknown_column_types_make_every_add_and_remove_not_idempotent() -> None:
    assert not is_idempotent(PLAIN["set-add"])
    assert not is_idempotent(PLAIN["map-remove"])
    assert is_idempotent(PLAIN["set"]) and is_idempotent(PLAIN["set-item"])


def test_a_batch_is_idempotent_when_every_statement_is() -> None:
    plain = Batch((PLAIN["insert"], PLAIN["set"], PLAIN["delete"]))
    assert is_idempotent(plain, COUNTERS_AND_LISTS)
    assert not is_idempotent(Batch((PLAIN["insert"], ACCUMULATING["append"])), COUNTERS_AND_LISTS)
    assert not is_idempotent(Batch((ACCUMULATING["counter"],), "COUNTER"), COUNTERS_AND_LISTS)
    lwt = Batch((PLAIN["insert"], CONDITIONAL["insert-if-not-exists"]))
    assert not is_idempotent(lwt, COUNTERS_AND_LISTS)


def test_ddl_is_not_idempotent() -> None:
    assert not is_idempotent(Ddl("CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)"))


def prepared(cql: str, *markers: tuple[str, Any]) -> PreparedStatement:
    """A driver PreparedStatement whose bind metadata names ``markers``."""
    metadata = [ColumnMetadata("ks", "t", name, cql_type) for name, cql_type in markers]
    return PreparedStatement(metadata, b"id", [], cql, "ks", 4, None, None)


def test_accumulating_columns_come_from_the_bind_metadata() -> None:
    statement = prepared(
        "UPDATE ks.t SET n = n + ?, l = l + ?, s = s + ?, m = m + ? WHERE k IN ?",
        ("n", CounterColumnType),
        ("l", TEXT_LIST),
        ("s", TEXT_SET),
        ("m", TEXT_INT_MAP),
        ("in(k)", ListType.apply_parameters([Int32Type])),
    )
    assert driver.accumulating_columns(statement) == {"n", "l", "in(k)"}
    assert driver.accumulating_columns(object()) == frozenset()


def test_mark_prepared_flags_the_shape_and_bound_statements_inherit_it() -> None:
    guard = RetryPolicy()
    append = prepared("UPDATE ks.t SET l = l + ? WHERE k = ?", ("l", TEXT_LIST), ("k", Int32Type))
    driver.mark_prepared(append, ACCUMULATING["append"], guard)
    add = prepared("UPDATE ks.t SET s = s + ? WHERE k = ?", ("s", TEXT_SET), ("k", Int32Type))
    driver.mark_prepared(add, PLAIN["set-add"], guard)
    assert (append.is_idempotent, append.retry_policy) == (False, guard)
    assert (add.is_idempotent, add.retry_policy) == (True, None)
    bound = driver.bind(add, (["a"], 1), DEFAULT_OPTIONS)
    assert (bound.is_idempotent, bound.retry_policy) == (True, None)
    bound = driver.bind(append, (["a"], 1), DEFAULT_OPTIONS)
    assert (bound.is_idempotent, bound.retry_policy) == (False, guard)


def test_bind_batch_is_idempotent_only_when_every_part_is() -> None:
    guard = RetryPolicy()
    plain = prepared("INSERT INTO ks.t (k) VALUES (?)", ("k", Int32Type))
    driver.mark_prepared(plain, PLAIN["insert"])
    counter = prepared(
        "UPDATE ks.c SET n = n + ? WHERE k = ?", ("n", CounterColumnType), ("k", Int32Type)
    )
    driver.mark_prepared(counter, ACCUMULATING["counter"])
    batch = driver.bind_batch("LOGGED", [(plain, (1,)), (plain, (2,))], DEFAULT_OPTIONS, guard)
    assert isinstance(batch, BatchStatement)
    assert (batch.is_idempotent, batch.retry_policy) == (True, None)
    batch = driver.bind_batch("COUNTER", [(counter, (1, 1))], DEFAULT_OPTIONS, guard)
    assert (batch.is_idempotent, batch.retry_policy) == (False, guard)


# -- through the executor, on a fake session ---------------------------------------


class Cluster:
    """Enough of a driver cluster for a retry guard (profiles mode)."""

    class profile_manager:
        default = type("Profile", (), {"retry_policy": RetryPolicy()})()

    _config_mode = 2


class Session:
    """Prepares real driver statements whose bind metadata the test chooses."""

    keyspace = None

    def __init__(self, markers: dict[str, tuple[tuple[str, Any], ...]]) -> None:
        self.cluster = Cluster()
        self.markers = markers
        self.prepares: list[str] = []
        self.sent: list[Any] = []

    def prepare(self, cql: str) -> PreparedStatement:
        self.prepares.append(cql)
        return prepared(cql, *self.markers.get(cql, ()))

    def execute(self, request: Any, **kwargs: Any) -> Any:
        self.sent.append(request)
        return type("Result", (), {"current_rows": [], "paging_state": None})()


APPEND_CQL = "UPDATE ks.t SET l = l + ? WHERE k = ?"
ADD_CQL = "UPDATE ks.t SET s = s + ? WHERE k = ?"
INSERT_CQL = "INSERT INTO ks.t (k, v) VALUES (?, ?)"


def test_run_marks_once_per_shape_and_guards_an_application_session(registry: None) -> None:
    session = Session({APPEND_CQL: (("l", TEXT_LIST), ("k", Int32Type)),
                       ADD_CQL: (("s", TEXT_SET), ("k", Int32Type))})  # fmt: skip
    conn = execution.register_connection("app", session)  # type: ignore[arg-type]
    assert isinstance(conn.guard, SessionRetryGuard)
    for _ in range(2):
        execution.run(Operation(ACCUMULATING["append"], ignore))
        execution.run(Operation(PLAIN["set-add"], ignore))
    assert session.prepares == [APPEND_CQL, ADD_CQL]  # marked once, when prepared
    flags = [(r.is_idempotent, r.retry_policy is conn.guard) for r in session.sent]
    assert flags == [(False, True), (True, False)] * 2
    execution.run(Operation(Batch((PLAIN["set-add"], ACCUMULATING["append"])), ignore))
    batch = session.sent[-1]
    assert (batch.is_idempotent, batch.retry_policy) == (False, conn.guard)


async def test_arun_marks_statements_prepared_asynchronously(
    registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session({APPEND_CQL: (("l", TEXT_LIST), ("k", Int32Type)),
                       INSERT_CQL: (("k", Int32Type), ("v", UTF8Type))})  # fmt: skip
    execution.register_connection("app", session)  # type: ignore[arg-type]

    async def aprepare(target: Any, cql: str) -> PreparedStatement:
        return target.prepare(cql)

    sent: list[Any] = []

    def send(target: Any, request: Any, options: Any, profile: Any) -> Any:
        sent.append(request)
        return None

    async def wait(future: Any) -> Any:
        return None

    monkeypatch.setattr(driver, "aprepare", aprepare)
    monkeypatch.setattr(driver, "send", send)
    monkeypatch.setattr(driver, "wait", wait)
    await execution.arun(Operation(ACCUMULATING["append"], ignore))
    await execution.arun(Operation(PLAIN["insert"], ignore))
    assert [r.is_idempotent for r in sent] == [False, True]
