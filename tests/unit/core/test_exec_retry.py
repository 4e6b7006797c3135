"""Unit tests: the idempotence-aware retry policy's decisions, where coodie
installs it, and the typed error for a request refused for lack of replicas.
Driver clusters are built but never connected; no database."""

from __future__ import annotations

import pickle
import warnings
from typing import Any

import pytest
from cassandra import ConsistencyLevel, OperationTimedOut, Unavailable, WriteTimeout
from cassandra.cluster import (
    EXEC_PROFILE_DEFAULT,
    Cluster,
    ExecutionProfile,
    NoHostAvailable,
    _ConfigMode,
)
from cassandra.connection import ConnectionException
from cassandra.policies import FallthroughRetryPolicy, RetryPolicy, WriteType
from cassandra.protocol import IsBootstrappingErrorMessage, OverloadedErrorMessage
from cassandra.query import SimpleStatement

from coodie_core import CoodieError, NotEnoughReplicas, execution
from coodie_core.failures import unavailable_error
from coodie_core.operations import Operation, ignore
from coodie_core.retry import (
    IdempotenceAwareRetryPolicy,
    SessionRetryGuard,
    current_retry_policy,
    guard_cluster,
)
from coodie_core.statements import Select, Table

RETRY, RETHROW, RETRY_NEXT_HOST = (
    RetryPolicy.RETRY,
    RetryPolicy.RETHROW,
    RetryPolicy.RETRY_NEXT_HOST,
)
QUORUM = ConsistencyLevel.QUORUM
SAFE = SimpleStatement("SELECT 1", is_idempotent=True)
UNSAFE = SimpleStatement("UPDATE t SET n = n + 1 WHERE k = 1")


class Always(RetryPolicy):  # type: ignore[misc]
    """Retries everything, so a decision that is not RETRY_NEXT_HOST came from the wrapper."""

    def on_read_timeout(self, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        return self.RETRY_NEXT_HOST, None

    on_write_timeout = on_unavailable = on_read_timeout

    def on_request_error(self, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        return self.RETRY_NEXT_HOST, None


def decisions(policy: RetryPolicy, query: Any) -> dict[str, int]:
    return {
        "read_timeout": policy.on_read_timeout(query, QUORUM, 2, 1, False, 0)[0],
        "write_timeout": policy.on_write_timeout(query, QUORUM, WriteType.SIMPLE, 2, 1, 0)[0],
        "unavailable": policy.on_unavailable(query, QUORUM, 2, 1, 0)[0],
        "connection": policy.on_request_error(query, QUORUM, ConnectionException("x"), 0)[0],
        "overloaded": policy.on_request_error(
            query, QUORUM, OverloadedErrorMessage(1, "o", None), 0
        )[0],
        "bootstrapping": policy.on_request_error(
            query, QUORUM, IsBootstrappingErrorMessage(1, "b", None), 0
        )[0],
    }


def test_idempotent_statements_get_the_wrapped_policys_decisions() -> None:
    policy = IdempotenceAwareRetryPolicy(Always())
    assert set(decisions(policy, SAFE).values()) == {RETRY_NEXT_HOST}


def test_other_statements_are_never_retried_after_an_uncertain_failure() -> None:
    policy = IdempotenceAwareRetryPolicy(Always())
    assert decisions(policy, UNSAFE) == {
        "read_timeout": RETRY_NEXT_HOST,  # a read applies nothing
        "write_timeout": RETHROW,
        "unavailable": RETRY_NEXT_HOST,  # no replica was sent the write
        "connection": RETHROW,
        "overloaded": RETHROW,
        "bootstrapping": RETRY_NEXT_HOST,  # the coordinator ran nothing
    }


def test_the_default_inner_policy_is_the_drivers() -> None:
    policy = IdempotenceAwareRetryPolicy()
    assert type(policy.inner) is RetryPolicy
    assert decisions(policy, SAFE) == decisions(RetryPolicy(), SAFE)


def profile_cluster(policy: RetryPolicy | None = None) -> Any:
    profile = ExecutionProfile(retry_policy=policy)
    return Cluster(["127.0.0.1"], execution_profiles={EXEC_PROFILE_DEFAULT: profile})


def test_guard_cluster_wraps_the_default_profile_once_keeping_its_policy() -> None:
    mine = FallthroughRetryPolicy()
    cluster = profile_cluster(mine)
    guard_cluster(cluster)
    installed = current_retry_policy(cluster)
    assert isinstance(installed, IdempotenceAwareRetryPolicy) and installed.inner is mine
    guard_cluster(cluster)
    assert current_retry_policy(cluster) is installed
    replaced = RetryPolicy()  # the application's later choice is left alone
    cluster.profile_manager.default.retry_policy = replaced
    guard_cluster(cluster)
    assert current_retry_policy(cluster) is replaced


def test_guard_cluster_without_profiles_and_in_legacy_mode() -> None:
    plain = Cluster(["127.0.0.1"])
    guard_cluster(plain)
    assert isinstance(current_retry_policy(plain), IdempotenceAwareRetryPolicy)
    plain._config_mode = _ConfigMode.LEGACY  # as a session-wide consistency level commits it
    assert isinstance(current_retry_policy(plain), IdempotenceAwareRetryPolicy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        legacy = Cluster(["127.0.0.1"], default_retry_policy=FallthroughRetryPolicy())
    guard_cluster(legacy)
    installed = legacy.default_retry_policy
    assert isinstance(installed, IdempotenceAwareRetryPolicy)
    assert isinstance(installed.inner, FallthroughRetryPolicy)
    guard_cluster(legacy)
    assert legacy.default_retry_policy is installed
    guard_cluster(object())  # not a driver cluster: ignored


def test_session_guard_defers_to_the_sessions_current_policy() -> None:
    cluster = profile_cluster(Always())
    session = type("Session", (), {"cluster": cluster})()
    guard = SessionRetryGuard(session)
    assert guard.on_unavailable(UNSAFE, QUORUM, 2, 1, 0)[0] == RETRY_NEXT_HOST
    assert guard.on_request_error(UNSAFE, QUORUM, ConnectionException("x"), 0)[0] == RETHROW
    cluster.profile_manager.default.retry_policy = FallthroughRetryPolicy()
    assert guard.on_unavailable(UNSAFE, QUORUM, 2, 1, 0)[0] == RETHROW


def test_connect_wraps_the_policy_of_the_cluster_it_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []

    def fake_connect(self: Cluster, *args: Any, **kwargs: Any) -> Any:
        made.append(self)
        return type("Session", (), {"cluster": self, "keyspace": None})()

    monkeypatch.setattr(Cluster, "connect", fake_connect)
    saved = dict(execution._connections), list(execution._default)
    try:
        mine = FallthroughRetryPolicy()
        profile = ExecutionProfile(retry_policy=mine)
        conn = execution.connect(["127.0.0.1"], "wrapped", execution_profiles={
            EXEC_PROFILE_DEFAULT: profile})  # fmt: skip
        assert conn.guard is None and conn.recipe is not None
        assert isinstance(profile.retry_policy, IdempotenceAwareRetryPolicy)
        assert profile.retry_policy.inner is mine
        # the same session registered again by the application stays coodie's
        again = execution.register_connection("wrapped", conn.session, keyspace="other")
        assert again.guard is None and again.recipe is not None
        assert again.recipe.keyspace == "other"
    finally:
        execution._connections.clear()
        execution._connections.update(saved[0])
        execution._default[:] = saved[1]


# -- NotEnoughReplicas ------------------------------------------------------------------


def unavailable(alive: int = 1) -> Unavailable:
    return Unavailable(
        'Error from server: code=1000 [Unavailable exception] message="Cannot achieve '
        'consistency level QUORUM"', QUORUM, 2, alive
    )  # fmt: skip


def test_an_unavailable_answer_becomes_not_enough_replicas() -> None:
    error = unavailable_error(unavailable())
    assert isinstance(error, NotEnoughReplicas)
    assert isinstance(error, CoodieError) and isinstance(error, Unavailable)
    assert isinstance(error, NoHostAvailable)  # what callers caught before
    assert (error.consistency, error.required_replicas, error.alive_replicas) == (QUORUM, 2, 1)
    assert str(error).startswith("not enough replicas alive for consistency QUORUM: 2 required")
    assert "'alive_replicas': 1" in str(error)  # the server's answer is quoted


def test_no_host_available_holding_refusals_becomes_not_enough_replicas() -> None:
    errors = {"h1": ConnectionException("broke"), "h2": unavailable(), "h3": OperationTimedOut()}
    error = unavailable_error(NoHostAvailable("Unable to complete", errors))
    assert isinstance(error, NotEnoughReplicas)
    assert error.errors == errors and error.alive_replicas == 1


def test_other_failures_are_left_as_they_are() -> None:
    assert unavailable_error(NoHostAvailable("x", {"h1": ConnectionException("broke")})) is None
    assert unavailable_error(NoHostAvailable("x", {})) is None
    mixed = {"h1": unavailable(), "h2": WriteTimeout("w", write_type=WriteType.SIMPLE)}
    assert unavailable_error(NoHostAvailable("x", mixed)) is None
    assert unavailable_error(ValueError("x")) is None
    assert unavailable_error(NotEnoughReplicas(QUORUM, 2, 1)) is None


def test_not_enough_replicas_pickles() -> None:
    error = unavailable_error(unavailable(0))
    assert error is not None
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.alive_replicas) == (NotEnoughReplicas, str(error), 0)


class Refusing:
    """A session whose requests all fail with ``error``."""

    keyspace = None

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def prepare(self, cql: str) -> Any:
        return type("Prepared", (), {"bind": lambda self, values: SimpleStatement(cql)})()

    def execute(self, request: Any, **kwargs: Any) -> Any:
        raise self.error

    def execute_async(self, request: Any, **kwargs: Any) -> Any:
        error = self.error

        class Future:
            def add_callbacks(self, callback: Any, errback: Any) -> None:
                errback(error)

        return Future()


async def test_run_and_arun_raise_not_enough_replicas(registry: None) -> None:
    cause = NoHostAvailable("Unable to complete the operation", {"h1": unavailable()})
    execution.register_connection("main", Refusing(cause))  # type: ignore[arg-type]
    op = Operation(Select(Table("ks", "t"), ("k",)), ignore)
    with pytest.raises(NotEnoughReplicas) as sync_error:
        execution.run(op)
    assert sync_error.value.__cause__ is cause
    with pytest.raises(NotEnoughReplicas) as async_error:
        await execution.arun(op)
    assert async_error.value.alive_replicas == 1


def test_run_lets_other_failures_through(registry: None) -> None:
    cause = NoHostAvailable("Unable to connect", {"h1": ConnectionException("refused")})
    execution.register_connection("main", Refusing(cause))  # type: ignore[arg-type]
    with pytest.raises(NoHostAvailable) as caught:
        execution.run(Operation(Select(Table("ks", "t"), ("k",)), ignore))
    assert caught.value is cause
