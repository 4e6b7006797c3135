"""Root conftest of the ported cqlengine suite: the upstream package fixtures, on our node.

- ``unit/``: runs without a node.  Each module gets an empty compat
  connection registry (upstream's unit tests require one) and the previous
  registry and default keyspace are put back afterwards.
- ``integration/``: mirrors upstream ``tests/integration/cqlengine/conftest.py``.
  Once per session: schema management allowed, the ``'default'`` compat
  connection set up on the plugin's ``cassandra_node`` (keyspace
  ``cqlengine_test``, consistency ONE) and the keyspace created (SimpleStrategy,
  RF 1, through the driver session); at the end the connection is
  unregistered and the keyspace dropped (by the last session using it).
  Every test lets all warnings through, as upstream's
  ``warnings.simplefilter('always')`` means to.

The fixtures are module-scoped and autouse, so they run before any
``setUpClass`` of the module's test classes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coodie_compat import connection
from tests_cqlengine_ported import harness

_ROOT = Path(__file__).resolve().parent
_INTEGRATION = _ROOT / "integration"
_UNIT = _ROOT / "unit"
_SCHEMA_MANAGEMENT_ENV = "CQLENG_ALLOW_SCHEMA_MANAGEMENT"


def _under(path: Path, tree: Path) -> bool:
    return tree in path.resolve().parents


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the integration tree ``integration`` (it needs the node)."""
    for item in items:
        if _under(item.path, _INTEGRATION):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def cqlengine_keyspace(cassandra_node: Any) -> Iterator[str]:
    """The ``'default'`` compat connection and keyspace ``cqlengine_test``, for the session."""
    os.environ[_SCHEMA_MANAGEMENT_ENV] = "1"
    harness.bind_node(cassandra_node)
    harness.setup_connection(harness.DEFAULT_KEYSPACE)
    users = _KeyspaceUsers(cassandra_node)
    users.change(+1)
    connection.get_session().execute(
        f"CREATE KEYSPACE IF NOT EXISTS {harness.DEFAULT_KEYSPACE} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    yield harness.DEFAULT_KEYSPACE
    if connection.DEFAULT_CONNECTION not in connection._connections:
        harness.setup_connection(harness.DEFAULT_KEYSPACE)
    if users.change(-1) == 0:
        connection.get_session().execute(f"DROP KEYSPACE IF EXISTS {harness.DEFAULT_KEYSPACE}")
    connection.unregister_connection("default")


class _KeyspaceUsers:
    """How many test sessions on this machine use ``cqlengine_test`` of one node.

    Several sessions may share a development node; the last one to finish
    drops the keyspace, so one session's teardown never pulls it from under
    another.  (A crashed session leaves its count behind: the keyspace then
    simply stays, which the next session tolerates.)
    """

    def __init__(self, node: Any) -> None:
        endpoint = f"{node.contact_points[0]}-{node.port}".replace(":", "_")
        self.path = Path(tempfile.gettempdir()) / f"coodie-cqlengine-test-{endpoint}.users"

    def change(self, delta: int) -> int:
        """Add ``delta`` to the count, under an exclusive file lock; return the new count."""
        with self.path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            count = max(int(handle.read().strip() or 0) + delta, 0)
            handle.seek(0)
            handle.truncate()
            handle.write(str(count))
            return count


@pytest.fixture(scope="module", autouse=True)
def _cqlengine_tree(request: pytest.FixtureRequest) -> Iterator[None]:
    """Give integration modules the shared connection and unit modules an empty registry."""
    if _under(request.path, _INTEGRATION):
        request.getfixturevalue("cqlengine_keyspace")
        _restore_default_connection()
        yield
    elif _under(request.path, _UNIT):
        with _isolated_registry():
            yield
    else:
        yield


def _restore_default_connection() -> None:
    """Re-create the harness's default connection if an earlier module replaced it.

    Connection tests unregister the default or register their own (with the
    driver's LOCAL_ONE); later modules expect the harness's (CL ONE), as
    upstream's package setup provided.
    """
    current = connection._connections.get(connection.DEFAULT_CONNECTION)
    session = getattr(current, "session", None)
    if session is None or session.default_consistency_level != harness.ConsistencyLevel.ONE:
        harness.setup_connection(harness.DEFAULT_KEYSPACE)


@contextlib.contextmanager
def _isolated_registry() -> Iterator[None]:
    """Empty the compat connection registry; restore it (and the default keyspace) after."""
    saved = dict(connection._connections)
    keyspace = connection._get_default_keyspace()
    connection._connections.clear()
    connection._sync_default_globals()
    try:
        yield
    finally:
        for name in [n for n in connection._connections if n is not connection.DEFAULT_CONNECTION]:
            connection.unregister_connection(name)
        connection._connections.clear()
        connection._connections.update(saved)
        connection._sync_default_globals()
        connection._set_default_keyspace(keyspace)


@pytest.fixture(autouse=True)
def _all_warnings(request: pytest.FixtureRequest) -> None:
    """Let every warning through in integration tests, as upstream's conftest does."""
    if _under(request.path, _INTEGRATION):
        warnings.simplefilter("always")
