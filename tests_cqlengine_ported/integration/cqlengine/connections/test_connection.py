"""Default connection set-up, sessions and config modes (upstream `connections/`)."""

from __future__ import annotations

import unittest

from cassandra import ConsistencyLevel
from cassandra.cluster import (
    EXEC_PROFILE_DEFAULT,
    ExecutionProfile,
    _clusters_for_shutdown,
    _ConfigMode,
)
from cassandra.policies import RoundRobinPolicy
from cassandra.query import dict_factory

from coodie_compat import columns, connection, models
from coodie_compat.management import sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import (
    CASSANDRA_IP,
    DEFAULT_KEYSPACE,
    BaseCassEngTestCase,
    TestCluster,
    execute_with_long_wait_retry,
    local,
    setup_connection,
)


class TestConnectModel(Model):
    __test__ = False

    id = columns.Integer(primary_key=True)
    keyspace = columns.Text()


class ConnectionTest(unittest.TestCase):
    def tearDown(self) -> None:
        connection.unregister_connection("default")

    @local
    def test_connection_setup_with_setup(self) -> None:
        connection.setup(hosts=None, default_keyspace=None)
        default_cluster = connection.get_connection("default").cluster
        assert default_cluster.metadata.get_host("127.0.0.1") is not None

    @local
    def test_connection_setup_with_default(self) -> None:
        connection.default()
        default_cluster = connection.get_connection("default").cluster
        assert default_cluster.metadata.get_host("127.0.0.1") is not None

    def test_only_one_connection_is_created(self) -> None:
        """register_connection creates exactly one driver Cluster (PYTHON-814)."""
        number_of_clusters_before = len(_clusters_for_shutdown)
        connection.default()
        number_of_clusters_after = len(_clusters_for_shutdown)
        assert number_of_clusters_after - number_of_clusters_before == 1


class SeveralConnectionsTest(BaseCassEngTestCase):
    keyspace1 = "ctest1"
    keyspace2 = "ctest2"

    @classmethod
    def setUpClass(cls) -> None:
        connection.unregister_connection("default")
        super().setUpClass()
        cls.setup_cluster = TestCluster()
        cls.setup_session = cls.setup_cluster.connect()
        for keyspace in (cls.keyspace1, cls.keyspace2):
            ddl = (f"CREATE KEYSPACE {keyspace} WITH replication = "
                   "{'class': 'NetworkTopologyStrategy', 'replication_factor': '1'}")
            execute_with_long_wait_retry(cls.setup_session, ddl)

    @classmethod
    def tearDownClass(cls) -> None:
        execute_with_long_wait_retry(cls.setup_session, f"DROP KEYSPACE {cls.keyspace1}")
        execute_with_long_wait_retry(cls.setup_session, f"DROP KEYSPACE {cls.keyspace2}")
        models.DEFAULT_KEYSPACE = DEFAULT_KEYSPACE
        cls.setup_cluster.shutdown()
        setup_connection(DEFAULT_KEYSPACE)

    def setUp(self) -> None:
        self.c = TestCluster()
        self.session1 = self.c.connect(keyspace=self.keyspace1)
        self.session1.row_factory = dict_factory
        self.session2 = self.c.connect(keyspace=self.keyspace2)
        self.session2.row_factory = dict_factory

    def tearDown(self) -> None:
        self.c.shutdown()

    def test_connection_session_switch(self) -> None:
        """A session set with set_session brings its keyspace as the default (PYTHON-486)."""
        connection.set_session(self.session1)
        sync_table(TestConnectModel)
        tcm1 = TestConnectModel.create(id=1, keyspace=self.keyspace1)
        connection.set_session(self.session2)
        sync_table(TestConnectModel)
        tcm2 = TestConnectModel.create(id=1, keyspace=self.keyspace2)
        connection.set_session(self.session1)
        assert TestConnectModel.objects.count() == 1
        assert TestConnectModel.objects.first() == tcm1
        connection.set_session(self.session2)
        assert TestConnectModel.objects.count() == 1
        assert TestConnectModel.objects.first() == tcm2


class ConnectionModel(Model):
    key = columns.Integer(primary_key=True)
    some_data = columns.Text()


class ConnectionInitTest(unittest.TestCase):
    def test_default_connection_uses_legacy(self) -> None:
        connection.default()
        conn = connection.get_connection()
        assert conn.cluster._config_mode == _ConfigMode.LEGACY

    def test_connection_with_legacy_settings(self) -> None:
        connection.setup(hosts=[CASSANDRA_IP], default_keyspace=DEFAULT_KEYSPACE,
                         consistency=ConsistencyLevel.LOCAL_ONE)
        conn = connection.get_connection()
        assert conn.cluster._config_mode == _ConfigMode.LEGACY

    def test_connection_from_session_with_execution_profile(self) -> None:
        profiles = {EXEC_PROFILE_DEFAULT: ExecutionProfile(row_factory=dict_factory)}
        session = TestCluster(execution_profiles=profiles).connect()
        connection.default()
        connection.set_session(session)
        conn = connection.get_connection()
        assert conn.cluster._config_mode == _ConfigMode.PROFILES

    def test_connection_from_session_with_legacy_settings(self) -> None:
        session = TestCluster(load_balancing_policy=RoundRobinPolicy()).connect()
        session.row_factory = dict_factory
        connection.set_session(session)
        conn = connection.get_connection()
        assert conn.cluster._config_mode == _ConfigMode.LEGACY

    def test_uncommitted_session_uses_legacy(self) -> None:
        session = TestCluster().connect()
        session.row_factory = dict_factory
        connection.set_session(session)
        conn = connection.get_connection()
        assert conn.cluster._config_mode == _ConfigMode.LEGACY

    def test_legacy_insert_query(self) -> None:
        connection.setup(hosts=[CASSANDRA_IP], default_keyspace=DEFAULT_KEYSPACE,
                         consistency=ConsistencyLevel.LOCAL_ONE)
        assert connection.get_connection().cluster._config_mode == _ConfigMode.LEGACY

        sync_table(ConnectionModel)
        ConnectionModel.objects.create(key=0, some_data="text0")
        ConnectionModel.objects.create(key=1, some_data="text1")
        assert ConnectionModel.objects(key=0)[0].some_data == "text0"

    def test_execution_profile_insert_query(self) -> None:
        profiles = {EXEC_PROFILE_DEFAULT: ExecutionProfile(row_factory=dict_factory)}
        session = TestCluster(execution_profiles=profiles).connect()
        connection.default()
        connection.set_session(session)
        assert connection.get_connection().cluster._config_mode == _ConfigMode.PROFILES

        sync_table(ConnectionModel)
        ConnectionModel.objects.create(key=0, some_data="text0")
        ConnectionModel.objects.create(key=1, some_data="text1")
        assert ConnectionModel.objects(key=0)[0].some_data == "text0"
