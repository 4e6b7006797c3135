"""Integration: named connections, the per-connection prepared cache and the asyncio
prepare path against the real node."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import NoHostAvailable
from cassandra.policies import RoundRobinPolicy
from cassandra.query import dict_factory

from coodie_core import execution
from coodie_core.document import Document
from coodie_core.fields import ClusteringKey, PartitionKey
from coodie_core.management import sync_table
from coodie_core.testing.pytest_plugin import make_cluster


class Routed(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    label: str = ""

    class Settings:
        connection = "analytics"


@pytest.fixture(scope="module")
def analytics(core_keyspace: str, cassandra_session: Any) -> Iterator[execution.Connection]:
    conn = execution.register_connection("analytics", cassandra_session, keyspace=core_keyspace)
    sync_table(Routed)
    yield conn
    execution.unregister_connection("analytics")


async def test_model_connection_serves_reads_and_writes(
    front: Any, analytics: execution.Connection
) -> None:
    default = execution.get_connection()
    before = set(default.cache.statements())
    doc = Routed(id=uuid.uuid4(), label="x")
    await front(doc, "save")
    await front(Routed, "get", id=doc.id)
    await front(Routed.find(id=doc.id), "all")
    await front(doc, "delete")
    assert set(default.cache.statements()) == before  # nothing went through "default"
    texts = set(analytics.cache.statements())
    ks = analytics.keyspace
    assert f"INSERT INTO {ks}.routed (id, label) VALUES (?, ?)" in texts
    assert f"SELECT id, label FROM {ks}.routed WHERE id = ? LIMIT ?" in texts
    assert f"DELETE FROM {ks}.routed WHERE id = ?" in texts


async def test_async_prepare_and_cache(core_keyspace: str, cassandra_session: Any) -> None:
    conn = execution.register_connection(
        "fresh", cassandra_session, keyspace=core_keyspace, cache_size=2
    )
    try:
        queries = [Routed.find(id=uuid.uuid4()).using("fresh").limit(n) for n in (1, 5)]
        for qs in queries:
            assert await qs.aall() == []  # prepared through the ResponseFuture bridge
        assert conn.cache.statements() == [
            f"SELECT id, label FROM {core_keyspace}.routed WHERE id = ? LIMIT ?"
        ]
        await Routed.find().using("fresh").acount()
        await Routed.find().using("fresh").afirst()
        assert len(conn.cache) == 2  # bounded: the oldest shape was evicted
    finally:
        execution.unregister_connection("fresh")


async def test_per_query_consistency_and_timeout_reach_the_node(
    front: Any, analytics: execution.Connection
) -> None:
    qs = Routed.find(id=uuid.uuid4())
    assert await front(qs.consistency(ConsistencyLevel.ONE).timeout(5.0), "all") == []
    with pytest.raises(NoHostAvailable, match="Cannot achieve consistency level THREE"):
        await front(qs.consistency(ConsistencyLevel.THREE), "all")


class Reading(Document):
    sensor: Annotated[uuid.UUID, PartitionKey()]
    n: Annotated[int, ClusteringKey()]
    tags: list[str] = []
    label: str | None = None

    class Settings:
        connection = "rows"


@pytest.fixture(params=["profiles", "legacy-dict", "legacy-named"])
def rows_connection(
    request: pytest.FixtureRequest, core_keyspace: str, cassandra_node: Any
) -> Iterator[str]:
    """A connection whose session answers tuples (coodie's own profile), or a
    legacy-mode session answering dicts or named tuples (no per-request profile)."""
    if request.param == "profiles":
        cluster = make_cluster(cassandra_node)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cluster = make_cluster(cassandra_node, load_balancing_policy=RoundRobinPolicy())
    session = cluster.connect()
    if request.param == "legacy-dict":
        session.row_factory = dict_factory
    execution.register_connection("rows", session, keyspace=core_keyspace)
    sync_table(Reading)
    try:
        yield request.param
    finally:
        execution.unregister_connection("rows", shutdown=True)


async def test_rows_of_every_session_mode_decode_the_same(front: Any, rows_connection: str) -> None:
    sensor = uuid.uuid4()
    assert (await front(Reading(sensor=sensor, n=1, tags=["a"]), "insert")).applied
    lost = await front(Reading(sensor=sensor, n=1, label="x"), "insert")
    assert (lost.applied, lost.existing) == (False, {"sensor": sensor, "n": 1, "label": None,
                                                     "tags": ["a"]})  # fmt: skip
    await front(Reading(sensor=sensor, n=2, label="b"), "save")
    got = await front(Reading.find(sensor=sensor).page_size(1), "all")  # two pages
    assert got == [Reading(sensor=sensor, n=1, tags=["a"]), Reading(sensor=sensor, n=2, label="b")]
    assert await front(Reading.find(sensor=sensor), "count") == 2
    first = got[0]
    first.tags.append("b")
    await front(first, "save")
    assert (await front(Reading, "get", sensor=sensor, n=1)).tags == ["a", "b"] == first.tags
