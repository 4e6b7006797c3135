"""Unit tests for how requests reach the driver: coodie's tuple-rows execution
profile (and its legacy-mode fallback), which statements use it, conditional-write
answers read from tuple rows, and page-by-page decoding of ``all()``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import RoundRobinPolicy
from cassandra.query import tuple_factory

from coodie_core import driver
from coodie_core.document import Document
from coodie_core.execution import _profile, register_connection, resolve_table, run
from coodie_core.fields import ClusteringKey, PartitionKey
from coodie_core.lwt import read_lwt
from coodie_core.operations import ResultPage
from coodie_core.statements import Batch, Insert, Select, Table, Update, Where

UID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Reading(Document):
    sensor: Annotated[uuid.UUID, PartitionKey()]
    n: Annotated[int, ClusteringKey()]
    value: float = 0.0

    class Settings:
        keyspace = "ks"


class FakeSession:
    def __init__(self, cluster: Any = None) -> None:
        self.cluster = cluster


@pytest.fixture
def clusters() -> Iterator[list[Cluster]]:
    """Driver ``Cluster`` objects that never connect, shut down after the test."""
    made: list[Cluster] = []
    yield made
    for cluster in made:
        cluster.shutdown()


def test_tuple_rows_follow_the_default_profile(clusters: list[Cluster]) -> None:
    default = ExecutionProfile(consistency_level=ConsistencyLevel.QUORUM, request_timeout=7.0)
    cluster = Cluster(execution_profiles={EXEC_PROFILE_DEFAULT: default})
    clusters.append(cluster)
    profile = driver.TupleRows(cluster)
    assert driver.profile_for(FakeSession(cluster), profile) is profile
    assert profile.row_factory is tuple_factory
    assert (profile.consistency_level, profile.request_timeout) == (ConsistencyLevel.QUORUM, 7.0)
    default.request_timeout = 3.0  # later changes to the default apply too
    assert profile.request_timeout == 3.0
    assert profile.load_balancing_policy is default.load_balancing_policy
    registered = cluster.profile_manager.profiles.values()
    assert not any(isinstance(p, driver.TupleRows) for p in registered)  # passed, not added


@pytest.mark.filterwarnings("ignore:Legacy execution parameters:DeprecationWarning")
def test_legacy_sessions_and_test_doubles_keep_the_default(clusters: list[Cluster]) -> None:
    legacy = Cluster(load_balancing_policy=RoundRobinPolicy())  # legacy configuration mode
    clusters.append(legacy)
    assert driver.profile_for(FakeSession(legacy), driver.TupleRows(legacy)) is (
        EXEC_PROFILE_DEFAULT
    )
    assert driver.profile_for(FakeSession(None), None) is EXEC_PROFILE_DEFAULT


def test_only_statements_that_answer_rows_use_tuple_rows(
    registry: None, clusters: list[Cluster]
) -> None:
    clusters.append(Cluster())
    conn = register_connection("main", FakeSession(clusters[0]))
    rows = conn.profile()
    assert isinstance(rows, driver.TupleRows)
    table, key = Table("ks", "t"), (Where("k", "=", 1),)
    insert = Insert(table, ("k",), (1,))
    assert _profile(conn, Select(table, ("k",), key)) is rows
    assert _profile(conn, insert) is EXEC_PROFILE_DEFAULT
    assert _profile(conn, Insert(table, ("k",), (1,), if_not_exists=True)) is rows
    assert _profile(conn, Update(table, (), key, if_exists=True)) is rows
    assert _profile(conn, Batch((insert, insert))) is EXEC_PROFILE_DEFAULT
    assert _profile(conn, Batch((insert, Update(table, (), key, if_exists=True)))) is rows


def test_conditional_write_answer_from_tuple_rows() -> None:
    names = ("[applied]", "owner", "balance")
    result = read_lwt(ResultPage([(False, "ann", 3)], None, names))
    assert (result.applied, result.existing) == (False, {"owner": "ann", "balance": 3})
    assert read_lwt(ResultPage([(True,)], None, ("[applied]",))).applied
    with pytest.raises(TypeError, match="tuple"):
        read_lwt(ResultPage([(False, "x")]))  # tuple rows need their names


class Future:
    def __init__(self, rows: list[Any], state: bytes | None, log: list[str]) -> None:
        self.rows, self.state, self.log = rows, state, log

    def result(self) -> Any:
        self.log.append("wait")
        return type("R", (), {"current_rows": self.rows, "paging_state": self.state,
                              "column_names": ["sensor", "n", "value"]})()  # fmt: skip


class PagedSession:
    """Three pages; records the order of requests, waits and decoding."""

    keyspace = None
    cluster = None

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.pages = [[(UID, 1, 1.0)], [(UID, 2, 2.0)], [(UID, 3, 3.0)]]

    def prepare(self, cql: str) -> Any:
        return type("P", (), {"bind": lambda self, values: type("B", (), {})()})()

    def _page(self, state: bytes | None) -> tuple[list[Any], bytes | None]:
        index = int(state or b"0")
        return self.pages[index], (str(index + 1).encode() if index < 2 else None)

    def execute(self, request: Any, **kwargs: Any) -> Any:
        self.log.append(f"request {kwargs['paging_state']}")
        return Future(*self._page(kwargs["paging_state"]), self.log).result()

    def execute_async(self, request: Any, **kwargs: Any) -> Future:
        self.log.append(f"request {kwargs['paging_state']}")
        return Future(*self._page(kwargs["paging_state"]), self.log)


def test_all_decodes_each_page_while_the_next_is_fetched(
    registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    register_connection("main", PagedSession(log))
    op = Reading.find(sensor=UID).all_op()
    decoder = op.result.decode_all  # type: ignore[attr-defined]

    def logged(rows: Any) -> Any:
        log.append(f"decode {rows[0][1]}")
        return decoder(rows)

    monkeypatch.setattr(op.result, "decode_all", logged)
    docs = run(op)
    assert [(d.n, d.value) for d in docs] == [(1, 1.0), (2, 2.0), (3, 3.0)]
    assert log == [
        "request None", "wait", "request b'1'", "decode 1", "wait",
        "request b'2'", "decode 2", "wait", "decode 3",
    ]  # fmt: skip


def test_tables_are_resolved_once(registry: None) -> None:
    register_connection("main", FakeSession(), keyspace="app")
    meta = Reading.table_meta()
    assert resolve_table(meta) is resolve_table(meta) == Table("ks", "reading")
