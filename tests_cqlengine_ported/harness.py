"""What the upstream cqlengine test harness provided, for the ported suite.

Upstream spreads these names over ``tests/__init__.py``, ``tests/util.py``,
``tests/integration/__init__.py`` (ccm-based) and
``tests/integration/cqlengine/{__init__,base}.py``.  Here they live in one
module and talk to the node the coodie pytest plugin provides
(``cassandra_node``) instead of a ccm cluster.  Version gates are answered
for the Cassandra 5.0 node the suite runs on; nothing is ScyllaDB.

:func:`pending` gives the skip marker for ported tests whose compat modules
are not built yet (a no-op now that every module exists).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import re
import unittest
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import uuid4

import pytest
from cassandra import (
    AlreadyExists,
    ConfigurationException,
    ConsistencyLevel,
    OperationTimedOut,
    ReadFailure,
    ReadTimeout,
    WriteFailure,
    WriteTimeout,
)
from cassandra.cluster import Cluster
from packaging.version import Version

from coodie_compat import columns, connection
from coodie_compat.models import Model
from coodie_core.testing.provider import DEFAULT_PORT, parse_contact_points

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# --- where the node is -------------------------------------------------------------------


def _env_endpoint() -> tuple[str, int]:
    """First contact point and port: ``COODIE_CONTACT_POINTS``, else ``CLUSTER_IP``."""
    points = os.environ.get("COODIE_CONTACT_POINTS", "").strip()
    if points:
        hosts, port = parse_contact_points(points)
        return hosts[0], port
    return os.environ.get("CLUSTER_IP", "127.0.0.1"), DEFAULT_PORT


@dataclass
class NodeEndpoint:
    """Contact points and port the harness connects to (see :func:`bind_node`)."""

    hosts: tuple[str, ...]
    port: int


#: The node's address, as upstream's ``CASSANDRA_IP`` (env ``CLUSTER_IP`` there).
CASSANDRA_IP, _ENV_PORT = _env_endpoint()
ENDPOINT = NodeEndpoint((CASSANDRA_IP,), _ENV_PORT)


def bind_node(node: Any) -> None:
    """Point :func:`setup_connection` and :class:`TestCluster` at the plugin's node."""
    ENDPOINT.hosts = tuple(node.contact_points)
    ENDPOINT.port = int(node.port)


# --- versions and gates (answered for one Cassandra 5.0 node) ---------------------------

CASSANDRA_VERSION = Version(os.environ.get("CASSANDRA_VERSION", "5.0.6"))
SCYLLA_VERSION: str | None = None
#: Native protocol v5, upstream's default for Cassandra 4.0 and later.
PROTOCOL_VERSION = int(os.environ.get("PROTOCOL_VERSION", "5"))
ALLOW_BETA_PROTOCOL = False
#: Upstream picks the driver's event loop from the environment; the default is used here.
connection_class = None
EVENT_LOOP_MANAGER = ""


def _at_least(version: str) -> Callable[[F], F]:
    supported = Version(version) <= CASSANDRA_VERSION
    return unittest.skipUnless(supported, f"Cassandra version {version} or greater required")


greaterthancass20 = _at_least("2.1")
greaterthancass21 = _at_least("2.2")
greaterthanorequalcass30 = _at_least("3.0")
greaterthanorequalcass3_10 = _at_least("3.10")
greaterthanorequalcass3_11 = _at_least("3.11")

#: ScyllaDB < 5.2 has no collection indexes; never true on Cassandra.
requires_collection_indexes = pytest.mark.skipif(
    SCYLLA_VERSION is not None, reason="Scylla supports collection indexes from 5.2 onwards"
)
#: ScyllaDB has no SASI custom indexes; never true on Cassandra.
requires_custom_indexes = pytest.mark.skipif(
    SCYLLA_VERSION is not None,
    reason="Scylla does not support SASI or any other CUSTOM INDEX class",
)


def xfail_scylla(reason: str, *args: Any, **kwargs: Any) -> pytest.MarkDecorator:
    """Expected failure on ScyllaDB only: a no-op marker on Cassandra."""
    return pytest.mark.xfail(SCYLLA_VERSION is not None, *args, reason=reason, **kwargs)


def get_tablets_disabled_ddl_suffix(scylla_version: str = "2026.1") -> str:
    """DDL suffix disabling ScyllaDB tablets; empty on Cassandra."""
    return ""


def _local_decorator() -> Callable[[F], F]:
    if not CASSANDRA_IP.startswith("127.0.0."):
        return unittest.skip("Tests only runs against local C*")

    def mark_local(f: F) -> F:
        f.local = True  # type: ignore[attr-defined]
        return f

    return mark_local


#: Runs a test only against a node on a loopback address.
local = _local_decorator()

# --- clusters and retries ----------------------------------------------------------------


class TestCluster:
    """Factory of driver ``Cluster`` objects for the harness node (``Cluster`` kwargs allowed)."""

    __test__ = False

    def __new__(cls, **kwargs: Any) -> Any:  # type: ignore[misc]
        kwargs.setdefault("protocol_version", PROTOCOL_VERSION)
        kwargs.setdefault("contact_points", list(ENDPOINT.hosts))
        kwargs.setdefault("port", ENDPOINT.port)
        kwargs.setdefault("allow_beta_protocol_version", ALLOW_BETA_PROTOCOL)
        return Cluster(**kwargs)


_TIMEOUTS = (OperationTimedOut, ReadTimeout, ReadFailure, WriteTimeout, WriteFailure)


def execute_with_long_wait_retry(session: Any, query: str, timeout: float = 30) -> Any:
    """Run ``query``, retrying timeouts up to 10 times; "already exists" errors are ignored."""
    for _ in range(10):
        try:
            return session.execute(query, timeout=timeout)
        except (ConfigurationException, AlreadyExists):
            log.warning("Received already exists from query %s; not exiting", query)
            return None
        except _TIMEOUTS as exc:
            log.warning("%s: %s", type(exc).__name__, exc)
    raise RuntimeError(f"Failed to execute query after 10 attempts: {query}")


@functools.cache
def get_server_versions() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(release_version, cql_version)`` of the node as int tuples, read once."""
    cluster = TestCluster()
    try:
        row = cluster.connect().execute(
            "SELECT cql_version, release_version FROM system.local WHERE key='local'"
        ).one()
    finally:
        cluster.shutdown()
    return _tuple_version(row.release_version), _tuple_version(row.cql_version)


def _tuple_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("-")[0]))


class BasicKeyspaceUnitTestCase(unittest.TestCase):
    """A test case with its own cluster, session and keyspace helpers (upstream's base)."""

    cluster: Any
    session: Any
    ks_name: str

    @property
    def keyspace_name(self) -> str:
        """The keyspace of the test class."""
        return self.ks_name

    @property
    def class_table_name(self) -> str:
        """A table named after the class."""
        return self.ks_name

    @property
    def function_table_name(self) -> str:
        """A table named after the running test."""
        return self._testMethodName.lower()

    @property
    def keyspace_table_name(self) -> str:
        """``keyspace.test_name``."""
        return f"{self.keyspace_name}.{self._testMethodName.lower()}"

    @classmethod
    def create_keyspace(cls, rf: int) -> None:
        """Create the class keyspace with replication factor ``rf``."""
        ddl = (f"CREATE KEYSPACE {cls.ks_name} WITH replication = "
               f"{{'class': 'NetworkTopologyStrategy', 'replication_factor': '{rf}'}}")
        execute_with_long_wait_retry(cls.session, ddl)

    @classmethod
    def drop_keyspace(cls) -> None:
        """Drop the class keyspace."""
        execute_with_long_wait_retry(cls.session, f"DROP KEYSPACE {cls.ks_name}")

    @classmethod
    def common_setup(cls, rf: int, keyspace_creation: bool = True, **cluster_kwargs: Any) -> None:
        """Connect, name the keyspace after the class and create it."""
        cls.cluster = TestCluster(**cluster_kwargs)
        cls.session = cls.cluster.connect(wait_for_all_pools=True)
        cls.ks_name = cls.__name__.lower()
        if keyspace_creation:
            cls.create_keyspace(rf)
        cls.cass_version, cls.cql_version = get_server_versions()


class BasicSharedKeyspaceUnitTestCase(BasicKeyspaceUnitTestCase):
    """A keyspace (RF 1) named after the test class, created and dropped around it."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.common_setup(1)

    @classmethod
    def tearDownClass(cls) -> None:
        try:
            execute_with_long_wait_retry(cls.session, f"DROP KEYSPACE {cls.ks_name}")
        finally:
            cls.cluster.shutdown()


class MockLoggingHandler(logging.Handler):
    """Collects log messages by level; use as ``with MockLoggingHandler().set_module_name(n)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.reset()
        super().__init__(*args, **kwargs)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages[record.levelname.lower()].append(record.getMessage())

    def reset(self) -> None:
        """Forget every collected message."""
        self.messages: dict[str, list[str]] = {
            "debug": [], "info": [], "warning": [], "error": [], "critical": [],
        }

    def get_message_count(self, level: str, sub_string: str) -> int:
        """How many ``level`` messages contain ``sub_string``."""
        return sum(sub_string in msg for msg in self.messages.get(level, []))

    def set_module_name(self, module_name: str) -> MockLoggingHandler:
        """Choose the logger to attach to; returns self."""
        self.module_name = module_name
        return self

    def __enter__(self) -> MockLoggingHandler:
        self.logger = logging.getLogger(self.module_name)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *args: object) -> None:
        self.logger.removeHandler(self)


# --- tests/util.py -----------------------------------------------------------------------


def assertRegex(text: str, pattern: str) -> None:
    """Assert that ``pattern`` is found in ``text``."""
    assert re.search(pattern, text)


def assertSetEqual(a: Any, b: Any) -> None:
    """Assert that two sets are equal, with unittest's diff on failure."""
    unittest.TestCase().assertSequenceEqual(a, b, seq_type=set)


# --- tests/integration/cqlengine ---------------------------------------------------------

DEFAULT_KEYSPACE = "cqlengine_test"
CQL_SKIP_EXECUTE = bool(os.getenv("CQL_SKIP_EXECUTE", ""))


def setup_connection(keyspace_name: str | None) -> None:
    """Register the ``'default'`` compat connection to the harness node, CL ONE."""
    connection.setup(list(ENDPOINT.hosts), keyspace_name, consistency=ConsistencyLevel.ONE,
                     port=ENDPOINT.port, protocol_version=PROTOCOL_VERSION,
                     allow_beta_protocol_version=ALLOW_BETA_PROTOCOL)
    # Server-side write timestamps: the suite mixes plain writes and LWT on the
    # same rows within a millisecond; a client timestamp can then run ahead of
    # the Paxos ballot (millisecond-based) and shadow the conditional write.
    connection.get_session().use_client_timestamp = False


def is_prepend_reversed() -> bool:
    """True on servers with CASSANDRA-8733 (before 2.0.13 / 2.1.3): never on 5.0."""
    version, _ = get_server_versions()
    return not (version >= (2, 0, 13) or version >= (2, 1, 3))


class StatementCounter:
    """Wraps a function and counts its calls."""

    def __init__(self, patched_func: Callable[..., Any]) -> None:
        self.func = patched_func
        self.counter = 0

    def wrapped_execute(self, *args: Any, **kwargs: Any) -> Any:
        """Count the call and delegate it."""
        self.counter += 1
        return self.func(*args, **kwargs)

    def get_counter(self) -> int:
        """The number of calls so far."""
        return self.counter


def execute_count(expected: int) -> Callable[[F], F]:
    """Assert that the test calls ``coodie_compat.connection.execute`` exactly ``expected`` times.

    The module attribute is swapped for a counting wrapper for the test's
    duration and always restored.  ``CQL_SKIP_EXECUTE`` disables the check.
    """

    def decorate(fn: F) -> F:
        if CQL_SKIP_EXECUTE:
            return fn

        @functools.wraps(fn)
        def counted(*args: Any, **kwargs: Any) -> Any:
            original = connection.execute
            counter = StatementCounter(original)
            connection.execute = counter.wrapped_execute  # type: ignore[assignment]
            try:
                result = fn(*args, **kwargs)
            finally:
                connection.execute = original  # type: ignore[assignment]
            actual = counter.get_counter()
            assert actual == expected, (
                f"Expected number of coodie_compat.connection.execute calls ({expected}) "
                f"doesn't match actual number invoked ({actual})"
            )
            return result

        return counted  # type: ignore[return-value]

    return decorate


class BaseCassEngTestCase(unittest.TestCase):
    """Base of the integration test cases: ``self.session`` is the default compat session."""

    session: Any = None

    def setUp(self) -> None:
        self.session = connection.get_session()


# --- compat modules not built yet ---------------------------------------------------------


def compat_missing(*names: str) -> list[str]:
    """The ``coodie_compat`` submodules among ``names`` that do not exist yet.

    A module that exists but fails to import is an error, not "missing".
    """
    missing = []
    for name in names:
        module = f"coodie_compat.{name}"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            missing.append(module)
    return missing


def pending(*names: str) -> pytest.MarkDecorator:
    """Skip marker for tests needing compat modules that are not built yet (no-op after)."""
    missing = compat_missing(*names)
    return pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} not built yet")


class TestQueryUpdateModel(Model):
    """The model upstream's ``cqlengine/base.py`` shares between test modules."""

    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer(required=False)
    text = columns.Text(required=False, index=True)
    text_set = columns.Set(columns.Text, required=False)
    text_list = columns.List(columns.Text, required=False)
    text_map = columns.Map(columns.Text, columns.Text, required=False)
    bin_map = columns.Map(columns.BigInt, columns.Bytes, required=False, default={})


class PendingModel:
    """Stand-in base for models a ported module declares while ``models`` is not built.

    Declaring a subclass works, so the module imports; every test using
    such a model carries a :func:`pending` marker and is skipped.
    """


class PendingUserType:
    """Stand-in base for user types declared while ``usertype`` is not built."""

    _fields: dict[str, Any] = {}

    @classmethod
    def type_name(cls) -> str:
        """The lower-cased class name (what ``UserDefinedType`` reads at declaration)."""
        return cls.__name__.lower()


class PendingException(Exception):
    """Stand-in for exception classes of compat modules not built yet."""


def pending_call(*args: Any, **kwargs: Any) -> None:
    """Stand-in for schema functions (``sync_table``...) while ``management`` is not built.

    It does nothing: it is only reached from ``setUpClass`` of classes
    mixing ready and :func:`pending` tests, and only the ready ones run.
    """
