"""Unit tests of the execution fixes on compat's side (no database; compat lives
with core's execution here because it shares core's registry, retry policy and
error types): idempotence of cqlengine statement objects, the retry guard on
an application's session, ``NotEnoughReplicas`` from ``connection.execute``,
and the fork hook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import NoHostAvailable, _ConfigMode
from cassandra.encoder import Encoder
from cassandra.query import SimpleStatement, dict_factory

from coodie_compat import CQLEngineException, columns, connection, models
from coodie_compat._clauses import AssignmentClause, WhereClause
from coodie_compat._prepared import is_idempotent
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import (
    DeleteStatement,
    InsertStatement,
    SelectStatement,
    UpdateStatement,
)
from coodie_core import NotEnoughReplicas, StaleConnection, execution
from coodie_core.retry import SessionRetryGuard


@pytest.fixture(autouse=True)
def registries() -> Iterator[None]:
    saved_core = (
        dict(execution._connections),
        list(execution._default),
        dict(execution._forked),
        dict(execution._owner),
    )
    saved = dict(connection._connections), dict(connection._fork_state)
    saved_keyspace = models.DEFAULT_KEYSPACE
    connection._connections.clear()
    connection._sync_default_globals()
    models.DEFAULT_KEYSPACE = None
    yield
    connection._connections.clear()
    connection._connections.update(saved[0])
    connection._fork_state.update(saved[1])
    connection._sync_default_globals()
    models.DEFAULT_KEYSPACE = saved_keyspace
    execution._connections.clear()
    execution._connections.update(saved_core[0])
    execution._default[:] = saved_core[1]
    execution._forked.clear()
    execution._forked.update(saved_core[2])
    execution._owner.update(saved_core[3])


def where() -> list[WhereClause]:
    return [WhereClause("k", EqualsOperator(), 1)]


def update_of(column: Any, value: Any, operation: str | None = None, previous: Any = None,
              **options: Any) -> UpdateStatement:  # fmt: skip
    statement = UpdateStatement("ks.t", where=where(), **options)
    column.set_column_name("c")
    statement.add_update(column, value, operation, previous)
    return statement


def test_compat_statements_are_idempotent_exactly_when_safe() -> None:
    text_list = columns.List(columns.Text)
    assert is_idempotent(SelectStatement("ks.t", where=where()))
    assert is_idempotent(InsertStatement("ks.t", [AssignmentClause("k", 1)]))
    assert is_idempotent(DeleteStatement("ks.t", where=where()))
    assert is_idempotent(update_of(columns.Text(), "x"))
    assert is_idempotent(update_of(columns.Set(columns.Text), {"a"}, "add"))
    assert is_idempotent(update_of(columns.Map(columns.Text, columns.Integer), {"a": 1}, "update"))
    assert is_idempotent(update_of(text_list, ["a", "b"]))  # assigned whole
    assert not is_idempotent(update_of(columns.List(columns.Text), ["a"], "append"))
    assert not is_idempotent(update_of(columns.List(columns.Text), ["a"], "prepend"))
    assert not is_idempotent(update_of(columns.List(columns.Text), ["a", "b"], previous=["a"]))
    assert not is_idempotent(update_of(columns.Counter(), 1))
    assert not is_idempotent(InsertStatement("ks.t", [AssignmentClause("k", 1)],
                                             if_not_exists=True))  # fmt: skip
    assert not is_idempotent(update_of(columns.Text(), "x", if_exists=True))
    assert not is_idempotent(DeleteStatement("ks.t", where=where(), if_exists=True))
    conditional = update_of(columns.Text(), "x")
    conditional.add_conditional_clause(WhereClause("c", EqualsOperator(), "y"))
    assert not is_idempotent(conditional)


def fake_session(mode: Any = _ConfigMode.PROFILES) -> mock.Mock:
    cluster = mock.Mock(_config_mode=mode)
    session = mock.Mock(row_factory=dict_factory, encoder=Encoder(), cluster=cluster,
                        keyspace=None, hosts=["h1"])  # fmt: skip
    cluster.connect.return_value = session
    cluster.profile_manager.default.row_factory = dict_factory
    return session


def test_non_idempotent_statements_on_an_application_session_carry_the_guard() -> None:
    session = fake_session()
    conn = connection.register_connection("app", session=session)
    assert isinstance(conn.retry_guard, SessionRetryGuard)
    connection.execute(update_of(columns.Counter(), 1), connection="app")
    connection.execute(SelectStatement("ks.t", where=where()), connection="app")
    mine = SimpleStatement("UPDATE ks.t SET n = n + 1 WHERE k = 1")
    connection.execute(mine, connection="app")
    sent = [call.args[0] for call in session.execute.call_args_list]
    assert [s.is_idempotent for s in sent] == [False, True, False]
    assert [s.retry_policy is conn.retry_guard for s in sent] == [True, False, False]


def test_a_cluster_compat_makes_gets_an_idempotence_aware_policy() -> None:
    cluster = mock.Mock(_config_mode=_ConfigMode.UNCOMMITTED, _coodie_retry_guarded=False)
    cluster.connect.return_value = fake_session()
    cluster.profile_manager.default = mock.Mock(spec=[])
    with mock.patch.object(connection, "Cluster", return_value=cluster):
        conn = connection.register_connection("made", hosts=["h"],
                                              consistency=ConsistencyLevel.ONE)  # fmt: skip
    assert conn.retry_guard is None
    assert type(cluster._default_retry_policy).__name__ == "IdempotenceAwareRetryPolicy"


def test_execute_raises_not_enough_replicas() -> None:
    session = fake_session()
    refusal = Unavailable("Cannot achieve consistency level QUORUM", ConsistencyLevel.QUORUM, 2, 1)
    session.execute.side_effect = NoHostAvailable("Unable to complete", {"h1": refusal})
    connection.register_connection("app", session=session)
    with pytest.raises(connection.NotEnoughReplicas) as caught:
        connection.execute("SELECT * FROM ks.t", connection="app")
    error = caught.value
    for kind in (NotEnoughReplicas, Unavailable, NoHostAvailable, CQLEngineException):
        assert isinstance(error, kind)
    assert (error.required_replicas, error.alive_replicas, error.errors) == (2, 1, {"h1": refusal})


def test_after_a_fork_host_connections_reconnect_and_sessions_go_stale() -> None:
    first, second = fake_session(), fake_session()
    with mock.patch.object(connection, "Cluster", side_effect=[first.cluster, second.cluster]):
        made = connection.register_connection("made", hosts=["h"])
        connection.register_connection("app", session=fake_session())
        assert execution.get_connection("made").session is first
        connection._fork_state["pid"] = -1  # pretend this is a forked child
        execution._owner["pid"] = -1
        connection.reconnect_after_fork()
        assert (made.session, made.cluster, made.lazy_connect) == (None, None, True)
        with pytest.raises(StaleConnection, match="connection 'app' was made from a driver "
                           "session before this process was forked"):  # fmt: skip
            connection.get_connection("app")
        with pytest.raises(StaleConnection):
            execution.get_connection("app")
        # core's first use makes compat's connection again and shares it
        assert execution.get_connection("made").session is second
        assert connection.get_connection("made") is made and made.session is second
    first.cluster.shutdown.assert_not_called()
