"""Unit tests of the connection registry's execution fixes (no database):

- ``QuerySet.using(name)`` takes the keyspace of the connection it runs on;
- the prepared cache is safe under threads and emptied by schema changes;
- after ``os.fork()`` connections made by ``connect`` are made again, and
  sessions the application registered are refused by name until registered again.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Annotated, Any

import pytest
from cassandra import cluster as driver_cluster
from cassandra.cluster import Cluster

from coodie_core import Document, PartitionKey, StaleConnection, execution
from coodie_core.execution import PreparedCache, get_connection, register_connection
from coodie_core.management import _ddl
from coodie_core.operations import Operation, ignore
from coodie_core.statements import Insert, Table


class FakePrepared:
    def __init__(self, cql: str) -> None:
        self.cql = cql

    def bind(self, values: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
        return (self.cql, values)


class FakeSession:
    """Records what it prepares and executes; answers no rows."""

    keyspace = None

    def __init__(self) -> None:
        self.prepared: list[str] = []
        self.executed: list[Any] = []

    def prepare(self, cql: str) -> FakePrepared:
        self.prepared.append(cql)
        return FakePrepared(cql)

    def execute(self, request: Any, **kwargs: Any) -> Any:
        self.executed.append(request)
        return type("R", (), {"current_rows": [], "paging_state": None})()


class Visit(Document):
    """A model whose keyspace comes from its connection's default."""

    id: Annotated[int, PartitionKey()]
    who: str = ""

    class Settings:
        connection = "home"


# -- QuerySet.using --------------------------------------------------------------------


def test_using_takes_the_keyspace_of_the_connection_it_runs_on(registry: None) -> None:
    home, away = FakeSession(), FakeSession()
    register_connection("home", home, keyspace="ks_home")  # type: ignore[arg-type]
    register_connection("away", away, keyspace="ks_away")  # type: ignore[arg-type]
    Visit.find(id=1).all()
    Visit.find(id=1).using("away").all()
    Visit.find(id=1).using("away").update(who="x")
    Visit.find(id=1).using("home").delete()
    assert home.prepared == [
        "SELECT id, who FROM ks_home.visit WHERE id = ?",
        "DELETE FROM ks_home.visit WHERE id = ?",
    ]
    assert away.prepared == [
        "SELECT id, who FROM ks_away.visit WHERE id = ?",
        "UPDATE ks_away.visit SET who = ? WHERE id = ?",
    ]


def test_resolve_table_takes_the_named_connection(registry: None) -> None:
    register_connection("home", FakeSession(), keyspace="ks_home")  # type: ignore[arg-type]
    register_connection("away", FakeSession(), keyspace="ks_away")  # type: ignore[arg-type]
    meta = Visit.table_meta()
    assert execution.resolve_table(meta) == Table("ks_home", "visit")
    assert execution.resolve_table(meta, "away") == Table("ks_away", "visit")
    assert execution.resolve_table(meta, "away").via == "away"


def test_an_explicit_keyspace_is_kept_on_any_connection(registry: None) -> None:
    away = FakeSession()
    register_connection("away", away, keyspace="ks_away")  # type: ignore[arg-type]
    fixed = Insert(Table("ks_fixed", "visit"), ("id",), (1,))
    execution.run(Operation(fixed, ignore, connection="away"))
    assert away.prepared == ["INSERT INTO ks_fixed.visit (id) VALUES (?)"]


# -- the prepared cache ------------------------------------------------------------------


def _hammer(cache: PreparedCache, threads: int = 8) -> list[BaseException]:
    """Threads looking up and adding three keys in a one-entry cache (every miss
    evicts); the errors they met."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(seed: int) -> None:
        start.wait()
        try:
            for i in range(20_000):
                key = f"q{(i * (seed + 1)) % 3}"
                if cache.get(key) is None:
                    cache.put(key, key)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def test_prepared_cache_survives_concurrent_gets_puts_and_evictions() -> None:
    # Before the fix, a lookup racing an eviction raised KeyError in most rounds.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(6):
            cache = PreparedCache(1)
            assert _hammer(cache) == []
            assert len(cache) == 1 and len(cache.statements()) == 1
    finally:
        sys.setswitchinterval(interval)


def test_schema_changes_empty_every_prepared_cache(registry: None) -> None:
    one, two = FakeSession(), FakeSession()
    register_connection("one", one, keyspace="ks")  # type: ignore[arg-type]
    register_connection("two", two, keyspace="ks")  # type: ignore[arg-type]
    insert = Insert(Table("ks", "t"), ("k",), (1,))
    for name in ("one", "two"):
        execution.run(Operation(insert, ignore, connection=name))
    assert len(get_connection("one").cache) == len(get_connection("two").cache) == 1
    execution.run(_ddl("DROP TABLE IF EXISTS ks.t", "one"))
    assert len(get_connection("one").cache) == len(get_connection("two").cache) == 0
    execution.run(Operation(insert, ignore, connection="two"))
    assert two.prepared == ["INSERT INTO ks.t (k) VALUES (?)"] * 2  # prepared again


# -- os.fork -------------------------------------------------------------------------------


def made_by_connect(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Let ``execution.connect`` make real (unconnected) clusters with fake sessions."""
    sessions: list[Any] = []

    def connect(self: Cluster, *args: Any, **kwargs: Any) -> Any:
        session = FakeSession()
        session.cluster = self  # type: ignore[attr-defined]
        sessions.append(session)
        driver_cluster._register_cluster_shutdown(self)  # as a connected cluster is
        return session

    monkeypatch.setattr(Cluster, "connect", connect)
    return sessions


def pretend_forked() -> None:
    execution._owner["pid"] = -1  # the registry now belongs to "another" process
    execution.reconnect_after_fork()


def test_after_a_fork_connect_connections_are_made_again_on_first_use(
    registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = made_by_connect(monkeypatch)
    parent = execution.connect(["127.0.0.1"], "made", keyspace="ks", port=9043)
    parent_cluster = parent.session.cluster
    pretend_forked()
    assert parent_cluster not in driver_cluster._clusters_for_shutdown  # never shut down here
    assert len(sessions) == 1  # nothing is made before it is used
    child = get_connection()  # the default, by name
    assert (child.name, child.keyspace, len(sessions)) == ("made", "ks", 2)
    assert child.session is sessions[1] and child.session is not parent.session
    assert child.session.cluster.port == 9043 and child.recipe == parent.recipe
    assert get_connection("made") is child
    execution.reconnect_after_fork()  # the same process again: nothing happens
    assert get_connection("made") is child


def test_after_a_fork_an_application_session_is_refused_until_registered_again(
    registry: None,
) -> None:
    register_connection("app", FakeSession(), keyspace="ks")  # type: ignore[arg-type]
    pretend_forked()
    with pytest.raises(StaleConnection, match=r"connection 'app' was registered from a driver "
                       r"session before this process was forked"):  # fmt: skip
        get_connection("app")
    fresh = FakeSession()
    register_connection("app", fresh, keyspace="ks")  # type: ignore[arg-type]
    assert get_connection("app").session is fresh


def test_an_inherited_connection_can_be_unregistered(registry: None) -> None:
    register_connection("app", FakeSession())  # type: ignore[arg-type]
    pretend_forked()
    assert execution.is_inherited("app")
    execution.unregister_connection("app")
    assert not execution.is_inherited("app")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_real_fork_runs_the_hook(registry: None, monkeypatch: pytest.MonkeyPatch) -> None:
    made_by_connect(monkeypatch)
    parent = execution.connect(["127.0.0.1"], "made", keyspace="ks")
    register_connection("app", FakeSession())  # type: ignore[arg-type]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, never return into pytest
        report: dict[str, Any] = {}
        try:
            report["made_is_new"] = get_connection("made").session is not parent.session
            try:
                get_connection("app")
            except StaleConnection as exc:
                report["app"] = type(exc).__name__
        except BaseException as exc:
            report["error"] = repr(exc)
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        report = json.loads(pipe.read())
    assert report == {"made_is_new": True, "app": "StaleConnection"}
    assert get_connection("made") is parent  # the parent's registry is untouched
