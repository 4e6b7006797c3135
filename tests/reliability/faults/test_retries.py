"""Retries happen only for statements marked idempotent: reads and plain writes
are sent again to another coordinator when theirs fails mid-request; counter
updates, list appends and LWT are not (their first attempt may have been
applied), so the caller gets the error.

The fault is made deterministic: node 2 is frozen (SIGSTOP), one request of
each kind is sent to it as first coordinator (its kernel accepts the bytes, the
JVM never reads them), then it is killed (SIGKILL). Every request is then in
flight on a connection that breaks, which is exactly the case where a retry
can apply a write twice. The connections are made the way an application
makes them (``coodie_core.connect``, ``coodie_compat.connection.register_connection``);
only the load balancing is pinned so that node 2 coordinates first.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, ExecutionProfile

from coodie_compat import connection as compat_connection
from coodie_core import execution
from tests.reliability.faults.models import CReading, CTally, Reading, Tally, sync_models
from tests.reliability.support import (
    FAULT,
    FAULT_KEYSPACE,
    FirstHostPolicy,
    RetryCall,
    wrap_retry_policy,
)

VICTIM = 2
IDEMPOTENT = ("read", "insert", "update", "delete")
NOT_IDEMPOTENT = ("counter", "list-append", "lwt-insert", "lwt-update")


@dataclass
class Outcome:
    """What one request did when its coordinator died under it."""

    ok: bool
    error: str = ""


@dataclass
class Probe:
    """Every caller's outcome and every retry decision the drivers took."""

    outcomes: dict[tuple[str, str], Outcome]
    retries: dict[str, list[RetryCall]]

    def retried_kinds(self, api: str) -> set[str]:
        """The kinds of request sent again after a connection error."""
        return {
            kind_of(call.statement)
            for call in self.retries[api]
            if call.retried and call.event == "request_error"
        }


def kind_of(cql: str) -> str:
    """The probe kind of a statement, from its CQL text (core or compat)."""
    text = cql.upper().replace('"', "")
    if "IF NOT EXISTS" in text:
        return "lwt-insert"
    if " IF " in text:
        return "lwt-update"
    if "HITS = HITS +" in text:
        return "counter"
    if "TAGS = TAGS +" in text:
        return "list-append"
    return {"SELECT": "read", "INSERT": "insert", "UPDATE": "update", "DELETE": "delete"}.get(
        text.split(" ", 1)[0], text
    )


@pytest.fixture(scope="module")
def probe(fault_env: Any) -> Iterator[Probe]:
    """Run one request of each kind through core and compat into a frozen node 2,
    kill it, and collect what each caller got."""
    fault_env.heal()
    sync_models()
    victim = fault_env.nodes.address(VICTIM)
    run = uuid.uuid4().hex[:8]
    compat_connection.register_connection(
        "probe", hosts=list(fault_env.nodes.addresses),
        cluster_options={"execution_profiles": {EXEC_PROFILE_DEFAULT: _profile(victim)}},
    )  # fmt: skip
    compat_retries = wrap_retry_policy(compat_connection.get_cluster("probe"))
    outcomes: dict[tuple[str, str], Outcome] = {}
    with _core_pinned_to(victim, fault_env) as core_cluster:
        core_retries = wrap_retry_policy(core_cluster)
        core_ops, compat_ops = _core_ops(run), _compat_ops(run)
        for op in [*core_ops.values(), *compat_ops.values()]:  # warm up: prepare statements
            _call(op)
        core_retries.calls.clear()
        compat_retries.calls.clear()
        fault_env.nodes.pause_node(VICTIM)
        try:
            with ThreadPoolExecutor(len(compat_ops)) as pool:
                compat_futures = {k: pool.submit(_outcome, op) for k, op in compat_ops.items()}
                core_results = asyncio.run(_core_in_flight(core_ops, fault_env))
                for kind, future in compat_futures.items():
                    outcomes[("compat", kind)] = future.result()
            outcomes.update({("core", k): v for k, v in core_results.items()})
        finally:
            fault_env.nodes.kill_node(VICTIM)
    compat_connection.unregister_connection("probe")
    fault_env.figures.add("faults injected: node frozen then killed under requests")
    fault_env.figures.add("requests caught in flight by a dying coordinator", len(outcomes))
    fault_env.figures.note(
        "retry probe: " + ", ".join(f"{a}/{k}={'ok' if o.ok else o.error}"
                                    for (a, k), o in sorted(outcomes.items()))
    )  # fmt: skip
    probe = Probe(
        outcomes, {"core": list(core_retries.calls), "compat": list(compat_retries.calls)}
    )
    errors = [c for calls in probe.retries.values() for c in calls if c.event == "request_error"]
    fault_env.figures.add("retry probe: requests sent again after a connection error",
                          sum(c.retried for c in errors))  # fmt: skip
    fault_env.figures.add("retry probe: requests not sent again (not idempotent)",
                          sum(not c.retried for c in errors))  # fmt: skip
    yield probe
    fault_env.heal()


def _profile(victim: str) -> ExecutionProfile:
    return ExecutionProfile(
        load_balancing_policy=FirstHostPolicy(victim),
        consistency_level=ConsistencyLevel.QUORUM,
        request_timeout=30,
    )


@contextlib.contextmanager
def _core_pinned_to(victim: str, fault_env: Any) -> Iterator[Any]:
    """Serve the core models' connection ``fault`` from a session whose first
    coordinator is ``victim`` (made with ``coodie_core.connect``), then put the
    usual one back."""
    usual = execution.get_connection(FAULT)
    conn = execution.connect(
        list(fault_env.nodes.addresses), name=FAULT, keyspace=FAULT_KEYSPACE,
        execution_profiles={EXEC_PROFILE_DEFAULT: _profile(victim)},
    )  # fmt: skip
    try:
        yield conn.session.cluster
    finally:
        execution.register_connection(FAULT, usual.session, keyspace=FAULT_KEYSPACE)
        conn.session.cluster.shutdown()


Op = Callable[[], Any]


def _core_ops(run: str) -> dict[str, Op]:
    sensor = f"{run}-core"
    base = Reading(sensor=sensor, seq=0, value="v0")
    base.save()
    other = Reading(sensor=sensor, seq=2, value="v2")
    other.save()
    lwt_seq = iter(range(100, 200))
    return {
        "read": lambda: Reading.find(sensor=sensor).aall(),
        "insert": lambda: Reading(sensor=sensor, seq=1, value="v1").asave(),
        "update": lambda: base.aupdate(value="updated"),
        "delete": lambda: other.adelete(),
        "counter": lambda: Tally(name=sensor).aincrement(hits=1),
        "list-append": lambda: base.aupdate(tags__append=["t"]),
        "lwt-insert": lambda: Reading(sensor=sensor, seq=next(lwt_seq), value="l").ainsert(),
        "lwt-update": lambda: base.aupdate(value="lwt", iff={"value__ne": "never"}),
    }


def _compat_ops(run: str) -> dict[str, Op]:
    sensor = f"{run}-compat"

    def rows(**keys: Any) -> Any:
        return CReading.objects(sensor=sensor, **keys).using(connection="probe")

    CReading.using(connection="probe").create(sensor=sensor, seq=0, value="v0")
    lwt_seq = iter(range(100, 200))
    return {
        "read": lambda: list(rows()),
        "insert": lambda: rows().create(sensor=sensor, seq=1, value="v1"),
        "update": lambda: rows(seq=0).update(value="updated"),
        "delete": lambda: rows(seq=2).delete(),
        "counter": lambda: CTally.objects(name=sensor).using(connection="probe").update(hits=1),
        "list-append": lambda: rows(seq=0).update(tags__append=["t"]),
        "lwt-insert": lambda: (
            rows().if_not_exists().create(sensor=sensor, seq=next(lwt_seq), value="l")
        ),
        "lwt-update": lambda: rows(seq=0).iff(value__ne="never").update(value="lwt"),
    }


def _call(op: Op) -> Any:
    result = op()
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


def _outcome(op: Op) -> Outcome:
    try:
        _call(op)
    except Exception as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}"[:300])
    return Outcome(True)


async def _core_in_flight(ops: dict[str, Op], fault_env: Any) -> dict[str, Outcome]:
    async def one(op: Op) -> Outcome:
        try:
            await op()
        except Exception as exc:
            return Outcome(False, f"{type(exc).__name__}: {exc}"[:300])
        return Outcome(True)

    tasks = {kind: asyncio.ensure_future(one(op)) for kind, op in ops.items()}
    await asyncio.sleep(1.5)  # every request is now in the frozen node's socket
    fault_env.nodes.kill_node(VICTIM)
    return {kind: await task for kind, task in tasks.items()}


def _params(kinds: tuple[str, ...]) -> list[Any]:
    return [pytest.param(api, kind, id=f"{api}-{kind}") for api in ("core", "compat")
            for kind in kinds]  # fmt: skip


@pytest.mark.parametrize(("api", "kind"), _params(IDEMPOTENT))
def test_idempotent_requests_are_retried_elsewhere(probe: Probe, api: str, kind: str) -> None:
    outcome = probe.outcomes[(api, kind)]
    assert outcome.ok, outcome.error
    assert kind in probe.retried_kinds(api)


@pytest.mark.parametrize(("api", "kind"), _params(NOT_IDEMPOTENT))
def test_non_idempotent_requests_are_not_retried(probe: Probe, api: str, kind: str) -> None:
    assert kind not in probe.retried_kinds(api), f"{api} {kind} was sent again"
    outcome = probe.outcomes[(api, kind)]
    assert not outcome.ok, f"{api} {kind} succeeded after its coordinator died"


@pytest.mark.parametrize("api", ["core", "compat"])
def test_every_retried_statement_was_marked_idempotent(probe: Probe, api: str) -> None:
    retried = [c for c in probe.retries[api] if c.retried]
    assert retried, "the probe caused no retry at all"
    assert [c.statement for c in retried if not c.idempotent] == []


def test_probe_caught_every_request_in_flight(probe: Probe) -> None:
    """Sanity: each request of each kind met the dying coordinator."""
    assert len(probe.outcomes) == 2 * (len(IDEMPOTENT) + len(NOT_IDEMPOTENT))
    for api in ("core", "compat"):
        errors = {kind_of(c.statement) for c in probe.retries[api] if c.event == "request_error"}
        assert errors == set(IDEMPOTENT + NOT_IDEMPOTENT)
