"""pytest fixtures for a real Cassandra: usable by any test suite.

Loaded automatically (entry point ``pytest11``). Fixtures:

- ``cassandra_node`` (session): a :class:`~coodie_core.testing.provider.Database`,
  started on first use only, so unit tests never need a node;
- ``cassandra_cluster`` / ``cassandra_session`` (session): a connected driver
  ``Cluster`` and ``Session`` (no keyspace set);
- ``fresh_keyspace`` (function): the name of a new SimpleStrategy keyspace,
  dropped after the test.

Every test that uses ``cassandra_node`` (directly or not) gets the
``integration`` marker, so ``-m "not integration"`` runs the unit tests only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from coodie_core.testing.provider import Database, acquire_database


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``integration`` marker."""
    config.addinivalue_line("markers", "integration: needs a live Cassandra node")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the node as ``integration``."""
    for item in items:
        if "cassandra_node" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def cassandra_node() -> Iterator[Database]:
    """The session's database (see :func:`acquire_database` for the order)."""
    database = acquire_database()
    try:
        yield database
    finally:
        database.release()


def make_cluster(database: Database, **options: Any) -> Any:
    """Return a driver ``Cluster`` for ``database`` (not yet connected)."""
    from cassandra.cluster import Cluster

    options.setdefault("connect_timeout", 20)
    return Cluster(list(database.contact_points), port=database.port, **options)


@pytest.fixture(scope="session")
def cassandra_cluster(cassandra_node: Database) -> Iterator[Any]:
    """A driver ``Cluster`` connected to the session's database."""
    cluster = make_cluster(cassandra_node)
    try:
        yield cluster
    finally:
        cluster.shutdown()


@pytest.fixture(scope="session")
def cassandra_session(cassandra_cluster: Any) -> Any:
    """A driver ``Session`` with no keyspace set."""
    return cassandra_cluster.connect()


@pytest.fixture
def fresh_keyspace(cassandra_session: Any) -> Iterator[str]:
    """A newly created keyspace (SimpleStrategy, RF 1), dropped afterwards."""
    name = f"coodie_test_{uuid.uuid4().hex[:12]}"
    cassandra_session.execute(
        f"CREATE KEYSPACE {name} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    try:
        yield name
    finally:
        cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {name}")
