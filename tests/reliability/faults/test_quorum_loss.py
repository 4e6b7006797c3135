"""Two of three replicas stopped: QUORUM is impossible. Every read and write
fails with an error that names the consistency level and the live replicas, and
(the contract the issue sets) is typed as unavailability: it carries
``consistency`` and ``alive_replicas`` as ``cassandra.Unavailable`` does.

Through the driver's default retry policy the ``Unavailable`` answer is retried
on the next host; with no live host left the driver raises ``NoHostAvailable``.
Core (``run``/``arun``) and compat (``connection.execute``) turn it into
``NotEnoughReplicas``: a ``CoodieError`` and a ``cassandra.Unavailable``, still a
``NoHostAvailable`` (code that caught it keeps working; compat's is also a
``CQLEngineException``), whose text still quotes the server's answer.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import NoHostAvailable

from coodie_compat import CQLEngineException
from coodie_core import NotEnoughReplicas
from tests.reliability.faults.models import CReading, Reading, sync_models

DOWN = (2, 3)


@pytest.fixture(scope="module")
def quorum_lost(fault_env: Any) -> Iterator[str]:
    """Stop nodes 2 and 3 for the module (node 1 alone is no quorum)."""
    fault_env.heal()
    sync_models()
    Reading(sensor="quorum-lost", seq=0, value="before").save()
    CReading.create(sensor="quorum-lost", seq=0, value="before")
    for number in DOWN:
        fault_env.nodes.stop_node(number)
    fault_env.wait_down(*DOWN)
    fault_env.figures.add("faults injected: node stopped", len(DOWN))
    yield uuid.uuid4().hex[:8]
    fault_env.heal()


def _run(call: Callable[[], Any]) -> Any:
    result = call()
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


def _attempts(run: str) -> dict[str, Callable[[], Any]]:
    quorum = ConsistencyLevel.QUORUM
    return {
        "core-write": lambda: Reading(sensor=run, seq=1, value="x").save(),
        "core-read": lambda: Reading.find(sensor="quorum-lost").consistency(quorum).all(),
        "core-async-write": lambda: Reading(sensor=run, seq=2, value="x").asave(),
        "core-async-read": lambda: Reading.find(sensor="quorum-lost").consistency(quorum).aall(),
        "compat-write": lambda: CReading.create(sensor=run, seq=1, value="x"),
        "compat-read": lambda: list(CReading.objects(sensor="quorum-lost").consistency(quorum)),
    }


KINDS = list(_attempts("x"))


def _error(quorum_lost: str, kind: str, figures: Any) -> BaseException:
    with pytest.raises(Exception) as caught:
        _run(_attempts(quorum_lost)[kind])
    figures.add("requests refused for lack of quorum")
    return caught.value


@pytest.mark.parametrize("kind", KINDS)
def test_error_names_consistency_and_live_replicas(
    quorum_lost: str, kind: str, figures: Any
) -> None:
    text = str(_error(quorum_lost, kind, figures))
    assert "QUORUM" in text
    assert re.search(r"alive_replicas[\\']*: 1\b", text), text


@pytest.mark.parametrize("kind", KINDS)
def test_error_is_typed_unavailable(quorum_lost: str, kind: str, figures: Any) -> None:
    error = _error(quorum_lost, kind, figures)
    for typed in (NotEnoughReplicas, Unavailable, NoHostAvailable):
        assert isinstance(error, typed), repr(error)
    assert isinstance(error, CQLEngineException) == kind.startswith("compat")
    assert getattr(error, "consistency", None) == ConsistencyLevel.QUORUM, repr(error)
    assert (error.required_replicas, error.alive_replicas) == (2, 1)
    assert str(error).startswith("not enough replicas alive for consistency QUORUM: "
                                 "2 required, 1 alive"), str(error)  # fmt: skip


def test_nothing_written_while_quorum_lost(quorum_lost: str, fault_env: Any) -> None:
    """After the nodes return, none of the refused writes is visible."""
    for kind in ("core-write", "core-async-write", "compat-write"):
        with pytest.raises((NoHostAvailable, Unavailable)):
            _run(_attempts(quorum_lost)[kind])
    fault_env.heal()
    all_ = ConsistencyLevel.ALL
    assert Reading.find(sensor=quorum_lost).consistency(all_).all() == []
    assert list(CReading.objects(sensor=quorum_lost).consistency(all_)) == []
    assert [d.value for d in Reading.find(sensor="quorum-lost").consistency(all_).all()] == [
        "before"
    ]
