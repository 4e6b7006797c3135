"""Keyspaces, tables, preloaded rows and the driver options every contender shares.

Each contender gets its own keyspace holding the same two tables, created here
with plain CQL (identical physical schema for all) and filled with the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, replace
from typing import Any

from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile, Session
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
from cassandra.query import BatchStatement, BatchType, tuple_factory

from benchmarks.dataset import Dataset, ItemData

__all__ = [
    "EVENT_COLUMNS",
    "ITEM_COLUMNS",
    "Endpoint",
    "cluster_options",
    "connect_admin",
    "create_keyspace",
    "drop_keyspace",
    "keyspace_for",
    "preload",
]

ITEM_COLUMNS = ("id", "name", "score", "created", "tags")
EVENT_COLUMNS = ("bucket", "seq", "kind", "value", "at")
_TABLES = (
    "CREATE TABLE {ks}.item (id uuid PRIMARY KEY, name text, score int, "
    "created timestamp, tags list<text>)",
    "CREATE TABLE {ks}.event (bucket int, seq int, kind text, value double, "
    "at timestamp, PRIMARY KEY (bucket, seq))",
)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoint:
    """Where the database is and which data center is local."""

    hosts: tuple[str, ...]
    port: int
    local_dc: str = ""  # empty: the data center of the first contact point


def keyspace_for(contender: str) -> str:
    """The keyspace a contender writes to."""
    return f"coodie_bench_{contender}"


def cluster_options(endpoint: Endpoint, row_factory: Any = None) -> dict[str, Any]:
    """Fresh ``Cluster`` keyword arguments, identical for every contender.

    Only the row factory may differ: raw asks for ``tuple_factory``; the ORMs keep
    the driver default or set their own, as their users would.
    """
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=endpoint.local_dc)),
        request_timeout=60.0,
    )
    if row_factory is not None:
        profile.row_factory = row_factory
    return {
        "port": endpoint.port,
        "protocol_version": 5,
        "execution_profiles": {EXEC_PROFILE_DEFAULT: profile},
        "compression": False,
    }


def connect_admin(endpoint: Endpoint) -> tuple[Cluster, Session, Endpoint]:
    """A session for DDL, loading and checks (never timed), and the endpoint with
    its local data center filled in (so every contender names the same one)."""
    cluster = Cluster(list(endpoint.hosts), **cluster_options(endpoint, tuple_factory))
    session = cluster.connect()
    local_dc = session.execute("SELECT data_center FROM system.local").one()[0]
    return cluster, session, replace(endpoint, local_dc=local_dc)


def drop_keyspace(session: Session, keyspace: str) -> None:
    """Drop a benchmark keyspace if it exists."""
    session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}", timeout=120)


def create_keyspace(session: Session, keyspace: str) -> None:
    """(Re)create a keyspace with the benchmark tables, empty."""
    drop_keyspace(session, keyspace)
    session.execute(
        f"CREATE KEYSPACE {keyspace} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        timeout=120,
    )
    for ddl in _TABLES:
        session.execute(ddl.format(ks=keyspace), timeout=120)


def _write(session: Session, cql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    prepared = session.prepare(cql)
    results = execute_concurrent_with_args(
        session, prepared, rows, concurrency=100, raise_on_first_error=True
    )
    if not all(ok for ok, _ in results):
        raise RuntimeError(f"preload failed: {cql}")


def preload(session: Session, keyspace: str, dataset: Dataset) -> None:
    """Write the rows every operation expects to find."""
    marks = ", ".join("?" * len(ITEM_COLUMNS))
    items: Iterator[ItemData] = dataset.preload_items()
    _write(session, f"INSERT INTO {keyspace}.item ({', '.join(ITEM_COLUMNS)}) VALUES ({marks})",
           (astuple(row) for row in items))
    marks = ", ".join("?" * len(EVENT_COLUMNS))
    insert = session.prepare(
        f"INSERT INTO {keyspace}.event ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})")
    batches = []
    for rows in (list(dataset.wide_rows()), list(dataset.count_rows())):
        for start in range(0, len(rows), 50):  # one partition: an unlogged batch is cheap
            batch = BatchStatement(batch_type=BatchType.UNLOGGED)
            for row in rows[start:start + 50]:
                batch.add(insert, astuple(row))
            batches.append(batch)
    for future in [session.execute_async(batch, timeout=120) for batch in batches]:
        future.result()
