"""Mixed use: compat models and core documents in one application, on the node.

The two stacks share one connection registry: what compat's
``connection.setup`` / ``register_connection`` / ``set_session`` configure is
registered in ``coodie_core`` under the same name (compat's default is core's
default, with compat's default keyspace), and ``unregister_connection``
removes it.  A compat ``BatchQuery`` also takes core write operations
(``save_op``, ``update_op``, ``delete_op``...): everything goes as one driver
batch through ``connection.execute``, and the documents' own effects apply
only once the batch is applied.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import Iterator
from typing import Annotated, Any
from unittest import mock

import pytest
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.query import BatchStatement, dict_factory

from coodie_compat import CQLEngineException, columns, connection, models
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, LWTException
from coodie_core import Document, execution
from coodie_core.errors import ConnectionNotFound
from coodie_core.fields import PartitionKey
from coodie_core.management import sync_table as core_sync_table


class Ledger(Model):
    """A legacy model, still on compat."""

    __table_name__ = "mixed_ledger"
    id = columns.UUID(primary_key=True)
    label = columns.Text()


class Account(Document):
    """A model already moved to the core; no connection or keyspace named."""

    id: Annotated[uuid.UUID, PartitionKey()]
    owner: str | None = None
    balance: int | None = None

    class Settings:
        name = "mixed_account"


@pytest.fixture(autouse=True)
def schema_management(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")


@pytest.fixture
def compat_setup(cassandra_node: Any, fresh_keyspace: str) -> Iterator[str]:
    """``connection.setup`` as a legacy application does it; both tables created."""
    before = models.DEFAULT_KEYSPACE
    connection.setup(list(cassandra_node.contact_points), fresh_keyspace,
                     port=cassandra_node.port)
    try:
        compat_sync_table(Ledger)
        core_sync_table(Account)
        yield fresh_keyspace
    finally:
        connection.unregister_connection("default")
        models.DEFAULT_KEYSPACE = before


def _profiles_session(node: Any, keyspace: str | None = None) -> Any:
    """A session of a cluster in execution-profile mode, with ``dict_factory`` rows."""
    profile = ExecutionProfile(row_factory=dict_factory)
    cluster = Cluster(list(node.contact_points), port=node.port,
                      execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster.connect(keyspace)


# ---- the shared registry ------------------------------------------------------


def test_setup_makes_the_session_and_keyspace_core_defaults(compat_setup: str) -> None:
    shared = execution.get_connection()
    assert shared.session is connection.get_session()
    assert execution.get_connection("default") is shared
    assert shared.default_keyspace() == compat_setup


def test_core_document_without_connection_uses_the_compat_default(compat_setup: str) -> None:
    doc = Account(id=uuid.uuid4(), owner="ada", balance=10)
    doc.save()
    assert Account.get(id=doc.id) == doc
    Ledger.create(id=doc.id, label="opened")
    rows = connection.get_session().execute(
        f"SELECT owner FROM {compat_setup}.mixed_account WHERE id = %s", (doc.id,))
    assert rows.one() == {"owner": "ada"}
    assert Ledger.get(id=doc.id).label == "opened"


def test_core_asyncio_front_on_the_compat_session(compat_setup: str) -> None:
    async def round_trip() -> Account:
        doc = Account(id=uuid.uuid4(), owner="grace")
        await doc.asave()
        return await Account.aget(id=doc.id)

    assert asyncio.run(round_trip()).owner == "grace"


def test_unregistering_removes_the_core_connection(cassandra_node: Any,
                                                   fresh_keyspace: str) -> None:
    connection.register_connection("reporting", list(cassandra_node.contact_points),
                                   cluster_options={"port": cassandra_node.port})
    try:
        assert execution.get_connection("reporting").session is (
            connection.get_session("reporting"))
    finally:
        connection.unregister_connection("reporting")
    with pytest.raises(ConnectionNotFound):
        execution.get_connection("reporting")


def test_set_default_connection_moves_the_core_default(compat_setup: str,
                                                       cassandra_node: Any) -> None:
    connection.register_connection("second", list(cassandra_node.contact_points),
                                   cluster_options={"port": cassandra_node.port})
    try:
        assert execution.get_connection().session is connection.get_session()
        connection.set_default_connection("second")
        assert execution.get_connection().session is connection.get_session("second")
        connection.set_default_connection("default")
        assert execution.get_connection().session is connection.get_session("default")
    finally:
        connection.unregister_connection("second")


def test_set_session_shares_a_profile_mode_session(cassandra_node: Any,
                                                  fresh_keyspace: str) -> None:
    before = models.DEFAULT_KEYSPACE
    session = _profiles_session(cassandra_node, fresh_keyspace)
    connection.set_session(session)
    try:
        assert execution.get_connection().session is session
        assert execution.get_connection().default_keyspace() == fresh_keyspace
        compat_sync_table(Ledger)
        core_sync_table(Account)
        doc = Account(id=uuid.uuid4(), balance=3)
        doc.save()
        assert Account.get(id=doc.id).balance == 3
        Ledger.create(id=doc.id, label="profiles")
        assert Ledger.get(id=doc.id).label == "profiles"
    finally:
        connection.unregister_connection("default")
        models.DEFAULT_KEYSPACE = before


# ---- one batch for both ---------------------------------------------------------


def test_mixed_batch_is_one_driver_batch(compat_setup: str) -> None:
    kept = Account(id=uuid.uuid4(), owner="kept", balance=1)
    gone = Account(id=uuid.uuid4(), owner="gone")
    kept.save()
    gone.save()
    new = Account(id=uuid.uuid4(), owner="new", balance=5)
    ledger_id = uuid.uuid4()
    session = connection.get_session()
    with (mock.patch.object(connection, "execute", wraps=connection.execute) as compat_execute,
          mock.patch.object(session, "execute", wraps=session.execute) as driver_execute,
          BatchQuery() as batch):
        Ledger.batch(batch).create(id=ledger_id, label="moved")
        batch.add_query(new.save_op())
        batch.add_query(kept.update_op(balance=2))
        batch.add_query(gone.delete_op())
        assert kept.balance == 1  # core effects wait for the batch
    assert compat_execute.call_count == 1
    assert driver_execute.call_count == 1
    assert isinstance(driver_execute.call_args[0][0], BatchStatement)
    assert kept.balance == 2
    assert Account.get(id=kept.id).balance == 2
    assert Account.get(id=new.id) == new
    assert Account.find(id=gone.id).first() is None
    assert Ledger.get(id=ledger_id).label == "moved"


def test_mixed_batch_of_core_writes_only(compat_setup: str) -> None:
    docs = [Account(id=uuid.uuid4(), balance=n) for n in range(3)]
    batch = BatchQuery()
    for doc in docs:
        batch.add_query(doc.save_op())
    batch.execute()
    assert [Account.get(id=d.id).balance for d in docs] == [0, 1, 2]


def test_failed_condition_applies_nothing(compat_setup: str) -> None:
    existing = Account(id=uuid.uuid4(), owner="first")
    existing.save()
    other = Account(id=existing.id, owner="second")
    ran: list[bool] = []
    batch = BatchQuery()
    batch.add_callback(ran.append, True)
    batch.add_query(other.save_op(if_not_exists=True))
    batch.add_query(existing.update_op(balance=9))
    with pytest.raises(LWTException) as failure:
        batch.execute()
    assert failure.value.existing["owner"] == "first"
    assert ran == [] and existing.balance is None
    assert Account.get(id=existing.id).owner == "first"


def test_batch_timestamp_applies_to_core_writes(compat_setup: str) -> None:
    doc = Account(id=uuid.uuid4(), owner="stamped")
    moment = datetime.datetime(2020, 1, 2, 3, 4, 5)
    with BatchQuery(timestamp=moment) as batch:
        Ledger.batch(batch).create(id=doc.id, label="stamped")
        batch.add_query(doc.save_op())
    session = connection.get_session()
    core_time = session.execute(
        f"SELECT WRITETIME(owner) AS t FROM {compat_setup}.mixed_account WHERE id = %s",
        (doc.id,)).one()["t"]
    compat_time = session.execute(
        f"SELECT WRITETIME(label) AS t FROM {compat_setup}.mixed_ledger WHERE id = %s",
        (doc.id,)).one()["t"]
    assert core_time == compat_time == batch._request().timestamp


def test_core_write_on_another_session_is_refused(compat_setup: str, cassandra_node: Any,
                                                  cassandra_session: Any) -> None:
    execution.register_connection("elsewhere", cassandra_session, keyspace=compat_setup)
    try:
        class Elsewhere(Account):
            class Settings:
                name = "mixed_account"
                connection = "elsewhere"

        batch = BatchQuery()
        Ledger.batch(batch).create(id=uuid.uuid4(), label="here")
        batch.add_query(Elsewhere(id=uuid.uuid4()).save_op())
        with pytest.raises(CQLEngineException, match="same connection"):
            batch.execute()
    finally:
        execution.unregister_connection("elsewhere")


def test_batch_refuses_core_reads(compat_setup: str) -> None:
    with pytest.raises(CQLEngineException):
        BatchQuery().add_query(Account.find(id=uuid.uuid4()).count_op())
