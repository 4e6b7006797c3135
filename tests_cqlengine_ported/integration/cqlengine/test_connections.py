"""Named connections: ContextQuery priority, management, batches, ``using()``, querysets.

Most classes swap the ``'default'`` connection for ``'fake_cluster'``, a
lazy connection to an address where no node listens, and register
``'cluster'`` for the real node: anything that falls back to the default
raises ``NoHostAvailable``, anything routed to ``'cluster'`` works.  The
``*NoDefault`` classes re-run query/test_queryset.py suites with no default
connection at all, through a queryset class pinned to ``'cluster'``.
"""

from __future__ import annotations

import unittest
from typing import Any, ClassVar

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import NoHostAvailable

from coodie_compat import CQLEngineException, columns
from coodie_compat import connection as conn
from coodie_compat.management import (
    create_keyspace_simple,
    drop_keyspace,
    drop_table,
    sync_table,
)
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, ContextQuery, ModelQuerySet
from tests_cqlengine_ported.harness import (
    CASSANDRA_IP,
    DEFAULT_KEYSPACE,
    ENDPOINT,
    BaseCassEngTestCase,
    TestCluster,
    setup_connection,
)
from tests_cqlengine_ported.integration.cqlengine.query import test_queryset

#: Lazy connections to addresses without a node: every use fails with NoHostAvailable.
_NOWHERE = "127.0.0.100"
_NOWHERE_REMOTE = "1.2.3.4"


class TestModel(Model):
    __test__ = False
    __keyspace__ = "ks1"

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer()
    text = columns.Text()


class AnotherTestModel(Model):
    __keyspace__ = "ks1"

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer()
    text = columns.Text()


def _register_real(name: str = "cluster") -> None:
    """Register ``name`` as a connection to the harness node."""
    conn.register_connection(name, list(ENDPOINT.hosts), cluster_options={"port": ENDPOINT.port})


def _fake_default(address: str = _NOWHERE) -> None:
    """Replace the default connection by a lazy one to ``address``, and add ``'cluster'``."""
    conn.unregister_connection("default")
    conn.register_connection("fake_cluster", [address], lazy_connect=True, retry_connect=True,
                             default=True)
    _register_real()


def _restore_default() -> None:
    """Drop the test connections and bring the harness's default connection back."""
    conn.unregister_connection("fake_cluster")
    conn.unregister_connection("cluster")
    setup_connection(DEFAULT_KEYSPACE)


class _NoSessionSetUp(BaseCassEngTestCase):
    """Tests whose default connection is fake: no default session is fetched in setUp."""

    def setUp(self) -> None:
        unittest.TestCase.setUp(self)

    def _model_connection(self, model: Any, name: str | None) -> None:
        """Set ``model.__connection__`` for this test only."""
        model.__connection__ = name
        self.addCleanup(setattr, model, "__connection__", None)


class ContextQueryConnectionTests(_NoSessionSetUp):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        create_keyspace_simple("ks1", 1)
        _fake_default(_NOWHERE_REMOTE)
        with ContextQuery(TestModel, connection="cluster") as tm:
            sync_table(tm)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        with ContextQuery(TestModel, connection="cluster") as tm:
            drop_table(tm)
        drop_keyspace("ks1", connections=["cluster"])
        _restore_default()

    def test_context_connection_priority(self) -> None:
        # The model's own connection is used inside a ContextQuery that names none.
        self._model_connection(TestModel, "cluster")
        with ContextQuery(TestModel) as tm:
            tm.objects.create(partition=1, cluster=1)

        # A ContextQuery connection wins over the model's.
        with ContextQuery(TestModel, connection="fake_cluster") as tm, \
                pytest.raises(NoHostAvailable):
            tm.objects.create(partition=1, cluster=1)

        # An explicit using() wins over the ContextQuery connection.
        with ContextQuery(TestModel, connection="fake_cluster") as tm:
            tm.objects.using(connection="cluster").create(partition=1, cluster=1)

        # Neither the model nor the context names one: the (fake) default is used.
        TestModel.__connection__ = None
        with ContextQuery(TestModel) as tm, pytest.raises(NoHostAvailable):
            tm.objects.create(partition=1, cluster=1)

    def test_context_connection_with_keyspace(self) -> None:
        # The right connection, but keyspace ks2 does not exist there.
        with ContextQuery(TestModel, connection="cluster", keyspace="ks2") as tm, \
                pytest.raises(InvalidRequest):
            tm.objects.create(partition=1, cluster=1)


class ManagementConnectionTests(_NoSessionSetUp):
    keyspaces: ClassVar[list[str]] = ["ks1", "ks2"]
    conns: ClassVar[list[str]] = ["cluster"]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        _fake_default()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        _restore_default()

    def test_create_drop_keyspace(self) -> None:
        # Management falls back to the default connection, which is fake.
        with pytest.raises(NoHostAvailable):
            create_keyspace_simple(self.keyspaces[0], 1)

        for keyspace in self.keyspaces:
            create_keyspace_simple(keyspace, 1, connections=self.conns)
        assert set(self.keyspaces) <= set(conn.get_cluster("cluster").metadata.keyspaces)
        for keyspace in self.keyspaces:
            drop_keyspace(keyspace, connections=self.conns)
        assert not set(self.keyspaces) & set(conn.get_cluster("cluster").metadata.keyspaces)

    def _has_table(self) -> bool:
        keyspace = conn.get_cluster("cluster").metadata.keyspaces["ks1"]
        return TestModel._raw_column_family_name() in keyspace.tables

    def test_create_drop_table(self) -> None:
        for keyspace in self.keyspaces:
            create_keyspace_simple(keyspace, 1, connections=self.conns)
        self.addCleanup(lambda: [drop_keyspace(k, connections=self.conns)
                                 for k in self.keyspaces])

        with pytest.raises(NoHostAvailable):
            sync_table(TestModel)

        # Explicit connections.
        sync_table(TestModel, connections=self.conns)
        assert self._has_table()
        drop_table(TestModel, connections=self.conns)
        assert not self._has_table()

        # The model's connection.
        self._model_connection(TestModel, "cluster")
        sync_table(TestModel)
        assert self._has_table()
        TestModel.__connection__ = None

        with pytest.raises(NoHostAvailable):
            drop_table(TestModel)

        TestModel.__connection__ = "cluster"
        drop_table(TestModel)
        assert not self._has_table()
        TestModel.__connection__ = None

    def test_connection_creation_from_session(self) -> None:
        cluster = TestCluster()
        self.addCleanup(cluster.shutdown)
        session = cluster.connect()
        conn.register_connection("from_session", session=session)
        self.addCleanup(conn.unregister_connection, "from_session")
        registered = conn.get_connection("from_session")
        assert registered.session is session
        assert registered.cluster.metadata.get_host(CASSANDRA_IP) is not None

    def test_connection_from_hosts(self) -> None:
        conn.register_connection("from_hosts", hosts=[CASSANDRA_IP],
                                 cluster_options={"port": ENDPOINT.port})
        self.addCleanup(conn.unregister_connection, "from_hosts")
        assert conn.get_connection("from_hosts").cluster.metadata.get_host(CASSANDRA_IP) is not None

    def test_connection_param_validation(self) -> None:
        cluster = TestCluster()
        self.addCleanup(cluster.shutdown)
        session = cluster.connect()
        # Host options and an existing session exclude each other.
        for name, options in (("bad_coonection1", {"consistency": "not_null"}),
                              ("bad_coonection2", {"lazy_connect": "not_null"}),
                              ("bad_coonection3", {"retry_connect": "not_null"}),
                              ("bad_coonection4", {"cluster_options": "not_null"}),
                              ("bad_coonection5", {"hosts": "not_null"})):
            with pytest.raises(CQLEngineException):
                conn.register_connection(name, session=session, **options)
            assert name not in conn._connections


class BatchQueryConnectionTests(_NoSessionSetUp):
    conns: ClassVar[list[str]] = ["cluster"]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        create_keyspace_simple("ks1", 1)
        sync_table(TestModel)
        sync_table(AnotherTestModel)
        _fake_default()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        _restore_default()
        drop_keyspace("ks1")

    def test_basic_batch_query(self) -> None:
        # A batch without a connection goes to the (fake) default.
        with pytest.raises(NoHostAvailable), BatchQuery() as b:
            TestModel.objects.batch(b).create(partition=1, cluster=1)

        with BatchQuery(connection="cluster") as b:
            TestModel.objects.batch(b).create(partition=1, cluster=1)

        with ContextQuery(TestModel, connection="cluster") as tm:
            obj = tm.objects.get(partition=1, cluster=1)
            obj.__connection__ = None

        with pytest.raises(NoHostAvailable), BatchQuery() as b:
            obj.count = 2
            obj.batch(b).save()

        with BatchQuery(connection="cluster") as b:
            obj.count = 2
            obj.batch(b).save()

    def test_batch_query_different_connection(self) -> None:
        # Models bound to different connections cannot share a batch.
        self._model_connection(TestModel, "cluster")
        self._model_connection(AnotherTestModel, "cluster2")
        with pytest.raises(CQLEngineException), BatchQuery() as b:
            TestModel.objects.batch(b).create(partition=1, cluster=1)
            AnotherTestModel.objects.batch(b).create(partition=1, cluster=1)
        TestModel.__connection__ = None
        AnotherTestModel.__connection__ = None

        with BatchQuery(connection="cluster") as b:
            TestModel.objects.batch(b).create(partition=1, cluster=1)
            AnotherTestModel.objects.batch(b).create(partition=1, cluster=1)

        # The same with instances carrying different connections.
        with ContextQuery(TestModel, AnotherTestModel, connection="cluster") as (tm, atm):
            obj1 = tm.objects.get(partition=1, cluster=1)
            obj2 = atm.objects.get(partition=1, cluster=1)
            obj1.__connection__ = "cluster"
            obj2.__connection__ = "cluster2"
            obj1.count = 4
            obj2.count = 4

        with pytest.raises(CQLEngineException), BatchQuery() as b:
            obj1.batch(b).save()
            obj2.batch(b).save()

    def test_batch_query_connection_override(self) -> None:
        # A batch with a connection refuses a per-query connection, in either order.
        with pytest.raises(CQLEngineException), BatchQuery(connection="cluster") as b:
            TestModel.batch(b).using(connection="test").save()

        with pytest.raises(CQLEngineException), BatchQuery(connection="cluster") as b:
            TestModel.using(connection="test").batch(b).save()

        with ContextQuery(TestModel, AnotherTestModel, connection="cluster") as (tm, _atm):
            obj1 = tm.objects.get(partition=1, cluster=1)
            obj1.__connection__ = None

        with pytest.raises(CQLEngineException), BatchQuery(connection="cluster") as b:
            obj1.using(connection="test").batch(b).save()

        with pytest.raises(CQLEngineException), BatchQuery(connection="cluster") as b:
            obj1.batch(b).using(connection="test").save()


class UsingDescriptorTests(_NoSessionSetUp):
    conns: ClassVar[list[str]] = ["cluster"]
    keyspaces: ClassVar[list[str]] = ["ks1", "ks2"]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        _fake_default()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        _restore_default()
        for keyspace in cls.keyspaces:
            drop_keyspace(keyspace)

    def _reset_data(self) -> None:
        for keyspace in self.keyspaces:
            drop_keyspace(keyspace, connections=self.conns)
        for keyspace in self.keyspaces:
            create_keyspace_simple(keyspace, 1, connections=self.conns)
        sync_table(TestModel, keyspaces=self.keyspaces, connections=self.conns)

    def test_keyspace(self) -> None:
        self._reset_data()

        with ContextQuery(TestModel, connection="cluster") as tm:
            tm.objects.using(keyspace="ks2").create(partition=1, cluster=1)
            tm.objects.using(keyspace="ks2").create(partition=2, cluster=2)

            with pytest.raises(TestModel.DoesNotExist):
                tm.objects.get(partition=1, cluster=1)  # the model's keyspace, ks1
            obj1 = tm.objects.using(keyspace="ks2").get(partition=1, cluster=1)
            obj1.count = 2
            obj1.save()  # back to ks2, where it was read

        # Outside the context the model has no connection: the fake default.
        with pytest.raises(NoHostAvailable):
            TestModel.objects.using(keyspace="ks2").get(partition=1, cluster=1)

        obj2 = TestModel.objects.using(connection="cluster", keyspace="ks2").get(
            partition=1, cluster=1)
        assert obj2.count == 2

        TestModel.objects(partition=2, cluster=2).using(
            connection="cluster", keyspace="ks2").update(count=5)
        obj3 = TestModel.objects.using(connection="cluster", keyspace="ks2").get(
            partition=2, cluster=2)
        assert obj3.count == 5

        TestModel.objects(partition=2, cluster=2).using(
            connection="cluster", keyspace="ks2").delete()
        with pytest.raises(TestModel.DoesNotExist):
            TestModel.objects.using(connection="cluster", keyspace="ks2").get(
                partition=2, cluster=2)

    def test_connection(self) -> None:
        self._reset_data()

        with pytest.raises(NoHostAvailable):
            TestModel.objects.create(partition=1, cluster=1)

        TestModel.objects.using(connection="cluster").create(partition=1, cluster=1)
        TestModel.objects(partition=1, cluster=1).using(connection="cluster").update(count=2)
        obj1 = TestModel.objects.using(connection="cluster").get(partition=1, cluster=1)
        assert obj1.count == 2

        obj1.using(connection="cluster").update(count=5)
        obj1 = TestModel.objects.using(connection="cluster").get(partition=1, cluster=1)
        assert obj1.count == 5

        obj1.using(connection="cluster").delete()
        with pytest.raises(TestModel.DoesNotExist):
            TestModel.objects.using(connection="cluster").get(partition=1, cluster=1)


class ModelQuerySetNew(ModelQuerySet):
    """A model queryset that always runs on the ``'cluster'`` connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connection = "cluster"


_PINNED_MODELS = (
    test_queryset.TestModel,
    test_queryset.IndexedTestModel,
    test_queryset.CustomIndexedTestModel,
    test_queryset.IndexedCollectionsTestModel,
    test_queryset.TestMultiClusteringModel,
)


class BaseConnectionTestNoDefault:
    """Run a test_queryset suite with no default connection, querysets on ``'cluster'``.

    The tables are created (by the suite's own ``setUpClass``) while the
    default connection still exists; it is then unregistered, so any query
    that does not go through the pinned queryset fails.  The models'
    queryset classes are put back afterwards.
    """

    conns: ClassVar[list[str]] = ["cluster"]
    _saved_querysets: ClassVar[list[type]] = []

    @classmethod
    def setUpClass(cls) -> None:
        _register_real()
        cls._saved_querysets = [model.__queryset__ for model in _PINNED_MODELS]
        for model in _PINNED_MODELS:
            model.__queryset__ = ModelQuerySetNew
        super().setUpClass()  # type: ignore[misc]
        conn.unregister_connection("default")

    @classmethod
    def tearDownClass(cls) -> None:
        conn.unregister_connection("cluster")
        setup_connection(DEFAULT_KEYSPACE)
        for model, queryset in zip(_PINNED_MODELS, cls._saved_querysets, strict=True):
            model.__queryset__ = queryset
        super().tearDownClass()  # type: ignore[misc]

    def setUp(self) -> None:
        # No default connection, hence no default session to fetch.
        assert conn.DEFAULT_CONNECTION not in conn._connections
        unittest.TestCase.setUp(self)  # type: ignore[arg-type]


class TestQuerySetOperationConnection(BaseConnectionTestNoDefault,
                                      test_queryset.TestQuerySetOperation):
    """test_queryset.TestQuerySetOperation on a non-default connection."""


class TestQuerySetDistinctNoDefault(BaseConnectionTestNoDefault,
                                    test_queryset.TestQuerySetDistinct):
    """test_queryset.TestQuerySetDistinct on a non-default connection."""


class TestQuerySetOrderingNoDefault(BaseConnectionTestNoDefault,
                                    test_queryset.TestQuerySetOrdering):
    """test_queryset.TestQuerySetOrdering on a non-default connection."""


class TestQuerySetCountSelectionAndIterationNoDefault(
        BaseConnectionTestNoDefault, test_queryset.TestQuerySetCountSelectionAndIteration):
    """test_queryset.TestQuerySetCountSelectionAndIteration on a non-default connection."""


class TestQuerySetSlicingNoDefault(BaseConnectionTestNoDefault,
                                  test_queryset.TestQuerySetSlicing):
    """test_queryset.TestQuerySetSlicing on a non-default connection."""


class TestQuerySetValidationNoDefault(BaseConnectionTestNoDefault,
                                     test_queryset.TestQuerySetValidation):
    """test_queryset.TestQuerySetValidation on a non-default connection."""


class TestQuerySetDeleteNoDefault(BaseConnectionTestNoDefault,
                                  test_queryset.TestQuerySetDelete):
    """test_queryset.TestQuerySetDelete on a non-default connection."""


class TestValuesListNoDefault(BaseConnectionTestNoDefault, test_queryset.TestValuesList):
    """test_queryset.TestValuesList on a non-default connection."""


class TestObjectsPropertyNoDefault(BaseConnectionTestNoDefault,
                                   test_queryset.TestObjectsProperty):
    """test_queryset.TestObjectsProperty on a non-default connection."""
