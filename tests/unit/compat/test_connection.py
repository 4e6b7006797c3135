"""Unit tests of ``coodie_compat.connection`` with fake driver objects (no node)."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import _NOT_SET, NoHostAvailable, UserTypeDoesNotExist, _ConfigMode
from cassandra.encoder import Encoder
from cassandra.query import SimpleStatement, dict_factory, tuple_factory

from coodie_compat import CQLEngineException, columns, connection, models
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import SelectStatement
from coodie_core import execution
from coodie_core.errors import ConnectionNotFound


@pytest.fixture(autouse=True)
def empty_registry() -> Iterator[None]:
    """Each test starts with no connection, no known UDT and no default keyspace.

    Compat shares its connections with coodie_core's registry: that is restored too.
    """
    saved_core = (dict(execution._connections), list(execution._default))
    saved = dict(connection._connections)
    saved_udts = dict(connection.udt_by_keyspace)
    saved_keyspace = models.DEFAULT_KEYSPACE
    connection._connections.clear()
    connection.udt_by_keyspace.clear()
    connection._sync_default_globals()
    models.DEFAULT_KEYSPACE = None
    yield
    connection._connections.clear()
    connection._connections.update(saved)
    connection.udt_by_keyspace.clear()
    connection.udt_by_keyspace.update(saved_udts)
    connection._sync_default_globals()
    models.DEFAULT_KEYSPACE = saved_keyspace
    execution._connections.clear()
    execution._connections.update(saved_core[0])
    execution._default[:] = saved_core[1]


def fake_session(mode: Any = _ConfigMode.LEGACY, keyspace: str | None = None,
                 row_factory: Any = dict_factory) -> mock.Mock:
    """A driver-like session (and cluster) with a real encoder."""
    cluster = mock.Mock(_config_mode=mode)
    session = mock.Mock(row_factory=row_factory, encoder=Encoder(), cluster=cluster,
                        keyspace=keyspace, hosts=["h1"])
    cluster.connect.return_value = session
    cluster.profile_manager.default.row_factory = row_factory
    return session


@pytest.fixture
def cluster_class() -> Iterator[mock.Mock]:
    """``Cluster`` as seen by the connection module, returning a fake cluster."""
    with mock.patch.object(connection, "Cluster") as patched:
        patched.return_value = fake_session().cluster
        yield patched


def test_not_set_is_the_driver_marker() -> None:
    assert connection.NOT_SET is _NOT_SET


def test_format_log_context() -> None:
    assert connection.format_log_context("m") == "[Connection: DEFAULT_CONNECTION] m"
    assert connection.format_log_context("m", connection="c") == "[Connection: c] m"
    assert connection.format_log_context("m", "c", "ks") == "[Connection: c, Keyspace: ks] m"


class TestRegistryErrors:
    def test_unknown_connection(self) -> None:
        with pytest.raises(CQLEngineException) as info:
            connection.get_connection("nope")
        assert str(info.value) == "Connection name 'nope' doesn't exist in the registry."

    def test_unknown_default(self) -> None:
        with pytest.raises(CQLEngineException) as info:
            connection.set_default_connection("nope")
        assert str(info.value) == "Connection 'nope' doesn't exist."

    def test_session_excludes_host_options(self) -> None:
        with pytest.raises(CQLEngineException) as info:
            connection.register_connection("c", hosts=["h"], session=fake_session())
        assert str(info.value) == (
            "Session configuration arguments and 'session' argument are mutually exclusive"
        )

    def test_credentials_in_cluster_options(self, cluster_class: mock.Mock) -> None:
        with pytest.raises(CQLEngineException) as info:
            connection.register_connection("c", hosts=["h"], cluster_options={"username": "u"})
        assert str(info.value) == (
            "Username & Password are now handled by using the native driver's auth_provider"
        )
        cluster_class.assert_not_called()

    def test_cluster_not_configured(self) -> None:
        conn = connection.register_connection("c", session=fake_session())
        conn.cluster = None
        with pytest.raises(CQLEngineException) as info:
            connection.get_cluster("c")
        assert str(info.value) == (
            "coodie_compat.connection.cluster is not configured. "
            "Call one of the setup or default functions first."
        )

    def test_execute_without_session(self) -> None:
        conn = connection.register_connection("c", session=fake_session(), default=True)
        conn.session = None
        with pytest.raises(CQLEngineException) as info:
            connection.execute("SELECT 1")
        assert str(info.value) == "It is required to setup() cqlengine before executing queries"


class TestRegistration:
    def test_hosts_make_one_cluster_and_configure_the_session(
            self, cluster_class: mock.Mock) -> None:
        conn = connection.register_connection(
            "c", hosts=["h1"], consistency=ConsistencyLevel.ONE, cluster_options={"port": 9}
        )
        cluster_class.assert_called_once_with(["h1"], port=9)
        session = conn.session
        assert session.row_factory is dict_factory
        assert session.default_consistency_level == ConsistencyLevel.ONE
        assert session.encoder.mapping[tuple] == session.encoder.cql_encode_tuple
        assert connection._connections["c"] is conn
        assert connection.DEFAULT_CONNECTION not in connection._connections

    def test_profiles_mode_configures_the_default_profile(self) -> None:
        session = fake_session(mode=_ConfigMode.PROFILES, row_factory=tuple_factory)
        session.cluster.profile_manager.default.row_factory = dict_factory
        connection.register_connection("c", session=session)
        profile = session.cluster.profile_manager.default
        assert profile.row_factory is dict_factory
        assert session.row_factory is tuple_factory

    def test_default_updates_the_globals(self) -> None:
        session = fake_session()
        connection.register_connection("c", session=session, default=True)
        assert (connection.session, connection.cluster) == (session, session.cluster)
        assert connection.get_session() is session
        assert connection.get_cluster() is session.cluster

    def test_unregister_shuts_down_and_clears_the_default(self) -> None:
        session = fake_session()
        connection.register_connection("c", session=session, default=True)
        connection.unregister_connection("c")
        session.cluster.shutdown.assert_called_once_with()
        assert connection._connections == {}
        assert (connection.session, connection.cluster) == (None, None)
        connection.unregister_connection("c")

    def test_reregistering_warns(self, caplog: pytest.LogCaptureFixture) -> None:
        connection.register_connection("c", session=fake_session())
        with caplog.at_level(logging.WARNING, logger="coodie_compat.connection"):
            connection.register_connection("c", session=fake_session())
        assert caplog.messages == ["Registering connection 'c' when it already exists."]

    def test_cloud_options_ignore_hosts(self, cluster_class: mock.Mock) -> None:
        connection.register_connection("c", hosts=["h"], cluster_options={"cloud": {"x": 1}})
        cluster_class.assert_called_once_with(cloud={"x": 1})


class TestLazyConnections:
    def test_connects_on_first_use_only(self, cluster_class: mock.Mock) -> None:
        conn = connection.register_connection("lazy", hosts=["h"], lazy_connect=True)
        cluster_class.assert_not_called()
        assert conn.session is None
        assert connection.get_connection("lazy") is conn
        cluster_class.assert_called_once_with(["h"])
        connection.get_connection("lazy")
        assert cluster_class.call_count == 1

    def test_retry_connect_fails_on_every_use(self, cluster_class: mock.Mock) -> None:
        cluster_class.return_value.connect.side_effect = NoHostAvailable("down", {})
        connection.register_connection("fake", hosts=["1.2.3.4"], lazy_connect=True,
                                       retry_connect=True, default=True)
        for attempt in (1, 2):
            with pytest.raises(NoHostAvailable):
                connection.get_session()
            assert cluster_class.call_count == attempt
            assert connection._connections["fake"].lazy_connect is True

    def test_failed_connect_without_retry_is_final(self, cluster_class: mock.Mock) -> None:
        cluster_class.return_value.connect.side_effect = NoHostAvailable("down", {})
        with pytest.raises(NoHostAvailable):
            connection.register_connection("c", hosts=["h"])
        assert "c" not in connection._connections


class TestSetupAndSessions:
    def test_setup_sets_keyspace_and_registers_the_default(
            self, cluster_class: mock.Mock) -> None:
        connection.setup(["h"], "ks", consistency=ConsistencyLevel.ONE, protocol_version=5)
        cluster_class.assert_called_once_with(["h"], protocol_version=5)
        assert models.DEFAULT_KEYSPACE == "ks"
        assert connection.get_connection() is connection._connections["default"]

    def test_default_uses_driver_default_hosts(self, cluster_class: mock.Mock,
                                               caplog: pytest.LogCaptureFixture) -> None:
        connection.default()
        cluster_class.assert_called_once_with(None)
        with caplog.at_level(logging.WARNING, logger="coodie_compat.connection"):
            connection.default()
        assert caplog.messages[0] == (
            "configuring new default connection for cqlengine when one was already set"
        )

    def test_set_session_registers_a_default(self) -> None:
        session = fake_session(keyspace="ks1")
        connection.set_session(session)
        assert connection.get_session() is session
        assert models.DEFAULT_KEYSPACE == "ks1"

    def test_set_session_replaces_the_default_session(self) -> None:
        first, second = fake_session(keyspace="ks1"), fake_session()
        connection.set_session(first)
        connection.set_session(second)
        conn = connection.get_connection()
        assert (conn.session, conn.cluster) == (second, second.cluster)
        assert (connection.session, connection.cluster) == (second, second.cluster)
        assert models.DEFAULT_KEYSPACE == "ks1"

    @pytest.mark.parametrize(
        ("mode", "session_factory", "profile_factory", "accepted"),
        [
            (_ConfigMode.LEGACY, dict_factory, tuple_factory, True),
            (_ConfigMode.LEGACY, tuple_factory, dict_factory, False),
            (_ConfigMode.PROFILES, tuple_factory, dict_factory, True),
            (_ConfigMode.PROFILES, dict_factory, tuple_factory, False),
            (_ConfigMode.UNCOMMITTED, tuple_factory, dict_factory, True),
            (_ConfigMode.UNCOMMITTED, dict_factory, tuple_factory, True),
        ],
    )
    def test_set_session_requires_dict_rows(self, mode: Any, session_factory: Any,
                                            profile_factory: Any, accepted: bool) -> None:
        connection.register_connection("default", session=fake_session(), default=True)
        session = fake_session(mode=mode, row_factory=session_factory)
        session.cluster.profile_manager.default.row_factory = profile_factory
        if accepted:
            connection.set_session(session)
            assert connection.get_session() is session
            return
        with pytest.raises(CQLEngineException) as info:
            connection.set_session(session)
        assert str(info.value) == "Failed to initialize: row_factory must be 'dict_factory'"


class TestExecute:
    @pytest.fixture
    def session(self) -> mock.Mock:
        session = fake_session()
        connection.register_connection("default", session=session, default=True)
        connection.register_connection("other", session=fake_session())
        return session

    def test_string_becomes_a_simple_statement(self, session: mock.Mock) -> None:
        connection.execute("SELECT 1", {"a": 1}, ConsistencyLevel.QUORUM)
        (statement, params), kwargs = session.execute.call_args
        assert type(statement) is SimpleStatement
        assert (statement.query_string, statement.consistency_level) == (
            "SELECT 1", ConsistencyLevel.QUORUM)
        assert params == {"a": 1}
        assert kwargs == {"timeout": connection.NOT_SET}
        assert kwargs["timeout"] is _NOT_SET

    def test_simple_statement_is_sent_as_is(self, session: mock.Mock) -> None:
        statement = SimpleStatement("SELECT 2")
        result = connection.execute(statement, timeout=None)
        session.execute.assert_called_once_with(statement, None, timeout=None)
        assert result is session.execute.return_value

    def test_cqlengine_statement_sends_its_text_and_context(self, session: mock.Mock) -> None:
        select = SelectStatement("ks.t", fetch_size=100)
        select.add_where(columns.Integer(db_field="a"), EqualsOperator(), "7")
        connection.execute(select, consistency_level=ConsistencyLevel.ONE, timeout=5)
        (statement, params), kwargs = session.execute.call_args
        assert statement.query_string == 'SELECT * FROM ks.t WHERE "a" = %(0)s'
        assert (statement.consistency_level, statement.fetch_size) == (ConsistencyLevel.ONE, 100)
        assert params == {"0": 7}
        assert kwargs == {"timeout": 5}

    def test_named_connection(self, session: mock.Mock) -> None:
        connection.execute("SELECT 3", connection="other")
        session.execute.assert_not_called()
        connection.get_session("other").execute.assert_called_once()


class TestUserTypes:
    def test_register_udt_without_connection_only_records(self) -> None:
        klass = type("Addr", (), {})
        connection.register_udt("ks", "addr", klass)
        assert connection.udt_by_keyspace == {"ks": {"addr": klass}}

    def test_register_udt_registers_on_the_cluster(self) -> None:
        session = fake_session()
        connection.register_connection("default", session=session, default=True)
        session.cluster.register_user_type.side_effect = UserTypeDoesNotExist
        connection.register_udt("ks", "addr", object)
        session.cluster.register_user_type.assert_called_once_with("ks", "addr", object)

    def test_known_types_use_the_default_keyspace(self) -> None:
        connection.udt_by_keyspace[None]["a"] = int
        connection.udt_by_keyspace["ks"]["b"] = str
        models.DEFAULT_KEYSPACE = "dflt"
        cluster = mock.Mock()
        cluster.register_user_type.side_effect = [UserTypeDoesNotExist, None]
        connection._register_known_types(cluster)
        assert cluster.register_user_type.call_args_list == [
            mock.call("dflt", "a", int), mock.call("ks", "b", str)]


def test_never_imports_cassandra_cqlengine() -> None:
    code = (
        "import sys; import coodie_compat.connection, coodie_compat.columns; "
        "import coodie_compat.connection as c; c._get_default_keyspace(); "
        "print(sorted(m for m in sys.modules if m.startswith('cassandra.cqlengine')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


# ---- the registry shared with coodie_core (mixed use) --------------------------


def test_set_session_shares_the_session_with_core() -> None:
    session = fake_session(keyspace="ks1")
    connection.set_session(session)
    shared = execution.get_connection("default")
    assert shared.session is session and shared.keyspace == "ks1"
    assert execution.get_connection() is shared
    connection.unregister_connection("default")
    with pytest.raises(ConnectionNotFound):
        execution.get_connection("default")


def test_named_connections_are_shared_and_the_default_follows(cluster_class: mock.Mock) -> None:
    models.DEFAULT_KEYSPACE = "ks2"
    connection.register_connection("one", hosts=["h"])
    connection.register_connection("two", session=fake_session())
    assert execution.get_connection("two").session is connection.get_session("two")
    assert execution.get_connection("one").keyspace == "ks2"
    connection.set_default_connection("two")
    assert execution.get_connection().session is connection.get_session("two")


def test_lazy_connections_are_shared_when_they_connect(cluster_class: mock.Mock) -> None:
    connection.register_connection("lazy", hosts=["h"], lazy_connect=True)
    with pytest.raises(ConnectionNotFound):
        execution.get_connection("lazy")
    session = connection.get_session("lazy")
    assert execution.get_connection("lazy").session is session


def test_a_core_entry_core_repointed_is_left_alone() -> None:
    connection.register_connection("mine", session=fake_session())
    other = fake_session()
    execution.register_connection("mine", other)
    connection.unregister_connection("mine")
    assert execution.get_connection("mine").session is other


def test_only_names_core_can_take_are_shared() -> None:
    connection.register_connection(7, session=fake_session())
    with pytest.raises(ConnectionNotFound):
        execution.get_connection(7)  # type: ignore[arg-type]
    models.DEFAULT_KEYSPACE = "not a keyspace!"
    connection.register_connection("odd", session=fake_session())
    assert execution.get_connection("odd").keyspace is None
