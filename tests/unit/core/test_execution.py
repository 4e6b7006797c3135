"""Unit tests for the connection registry, the prepared cache and run/arun, on a
recording fake session (no database)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from coodie_core.errors import ConnectionNotFound
from coodie_core.execution import (
    PreparedCache,
    arun,
    get_connection,
    register_connection,
    run,
    unregister_connection,
)
from coodie_core.operations import Operation, Options, list_of
from coodie_core.statements import Select, Table, Where


class FakePrepared:
    def __init__(self, cql: str) -> None:
        self.cql = cql

    def bind(self, values: tuple[object, ...]) -> FakeBound:
        return FakeBound(self.cql, values)


class FakeBound:
    def __init__(self, cql: str, values: tuple[object, ...]) -> None:
        self.cql = cql
        self.values = values
        self.fetch_size: int | None = None
        self.consistency_level: int | None = None


class FakeFuture:
    """Delivers its result from another thread, as the driver's I/O thread does."""

    def __init__(self, rows: list[Any], state: bytes | None) -> None:
        self.rows = rows
        self._paging_state = state
        self._col_names = None
        self._col_types = None

    def add_callbacks(self, callback: Any, errback: Any) -> None:
        threading.Thread(target=callback, args=(self.rows,)).start()


class FakeSession:
    """Serves ``pages`` in order, following paging states b"1", b"2", ..."""

    keyspace = None

    def __init__(self, pages: list[list[Any]]) -> None:
        self.pages = pages
        self.prepared: list[str] = []
        self.executed: list[tuple[str, tuple[object, ...], dict[str, Any]]] = []

    def prepare(self, cql: str) -> FakePrepared:
        self.prepared.append(cql)
        return FakePrepared(cql)

    def _serve(self, request: FakeBound, kwargs: dict[str, Any]) -> tuple[list[Any], bytes | None]:
        self.executed.append((request.cql, request.values, kwargs))
        index = int(kwargs.get("paging_state") or b"0")
        state = str(index + 1).encode() if index + 1 < len(self.pages) else None
        return self.pages[index], state

    def execute(self, request: FakeBound, **kwargs: Any) -> Any:
        rows, state = self._serve(request, kwargs)
        return type("R", (), {"current_rows": rows, "paging_state": state})()

    def execute_async(self, request: FakeBound, **kwargs: Any) -> FakeFuture:
        return FakeFuture(*self._serve(request, kwargs))


def select_op(limit: int, connection: str | None = None, fetch_all: bool = False) -> Operation[Any]:
    stmt = Select(Table("ks", "t"), ("id",), where=(Where("id", "=", 1),), limit=limit)
    return Operation(stmt, list_of(lambda r: r[0]), Options(), connection, fetch_all)


def test_prepared_cache_is_a_bounded_lru() -> None:
    cache = PreparedCache(2)
    cache.put("a", "A")  # type: ignore[arg-type]
    cache.put("b", "B")  # type: ignore[arg-type]
    assert cache.get("a") == "A"
    cache.put("c", "C")  # type: ignore[arg-type]
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, False, True)
    assert len(cache) == 2


def test_one_prepare_per_statement_shape(registry: None) -> None:
    session = FakeSession([[(1,)]])
    register_connection("main", session)  # type: ignore[arg-type]
    assert run(select_op(5)) == [1]
    assert run(select_op(500)) == [1]
    assert session.prepared == ["SELECT id FROM ks.t WHERE id = ? LIMIT ?"]
    assert [(c, v) for c, v, _ in session.executed] == [
        ("SELECT id FROM ks.t WHERE id = ? LIMIT ?", (1, 5)),
        ("SELECT id FROM ks.t WHERE id = ? LIMIT ?", (1, 500)),
    ]


def test_named_connections_and_default(registry: None) -> None:
    first, second = FakeSession([[(1,)]]), FakeSession([[(2,)]])
    register_connection("a", first)  # type: ignore[arg-type]
    register_connection("b", second, keyspace="other")  # type: ignore[arg-type]
    assert get_connection().name == "a"
    assert run(select_op(1, "b")) == [2]
    assert (len(first.executed), len(second.executed)) == (0, 1)
    assert get_connection("b").default_keyspace() == "other"
    register_connection("c", first, default=True)  # type: ignore[arg-type]
    assert get_connection().name == "c"
    unregister_connection("c")
    assert get_connection().name == "a"
    with pytest.raises(ConnectionNotFound, match="no connection named 'zzz'"):
        get_connection("zzz")


def test_fetch_all_follows_paging_state(registry: None) -> None:
    session = FakeSession([[(1,), (2,)], [(3,)], [(4,)]])
    register_connection("main", session)  # type: ignore[arg-type]
    assert run(select_op(10, fetch_all=True)) == [1, 2, 3, 4]
    assert [kw["paging_state"] for _, _, kw in session.executed] == [None, b"1", b"2"]


async def test_arun_bridges_driver_callbacks_from_another_thread(registry: None) -> None:
    session = FakeSession([[(1,)], [(2,)]])
    conn = register_connection("main", session)  # type: ignore[arg-type]
    cql = "SELECT id FROM ks.t WHERE id = ? LIMIT ?"
    conn.cache.put(cql, FakePrepared(cql))  # type: ignore[arg-type]
    assert await arun(select_op(3, fetch_all=True)) == [1, 2]
    assert [kw["paging_state"] for _, _, kw in session.executed] == [None, b"1"]
    assert session.prepared == []


def test_timeout_and_page_size_reach_the_driver(registry: None) -> None:
    session = FakeSession([[(1,)]])
    register_connection("main", session)  # type: ignore[arg-type]
    op = select_op(1)
    run(Operation(op.statement, op.result, Options(timeout=1.5, page_size=7)))
    assert session.executed[0][2] == {"paging_state": None, "timeout": 1.5}
