"""One of three replicas stopped: QUORUM reads and writes keep working through the
core (sync and asyncio) and compat APIs, and every write acknowledged while the
node was down is readable, at QUORUM, ALL and through the returned node, once
it is back.

The tests of this module share one window: node 3 is stopped before the first
and started again by the last, which checks everything the others acknowledged.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cassandra import ConsistencyLevel

from coodie_core import BatchWriter
from tests.reliability.faults.models import (
    CReading,
    CTally,
    Ledger,
    Reading,
    Tally,
    missing,
    read_partition,
    read_partition_at,
    sync_models,
)
from tests.reliability.support import pinned_session

QUORUM = ConsistencyLevel.QUORUM
DOWN = 3  # the node stopped for this module
WRITES = 40  # per API


@dataclass
class Window:
    """The module's run: node ``DOWN`` stopped, the writes acknowledged meanwhile."""

    env: Any
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    ledger: Ledger = field(default_factory=Ledger)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def window(fault_env: Any) -> Iterator[Window]:
    """Stop node 3 (cleanly) for the module; bring it back afterwards if a test
    did not."""
    fault_env.heal()
    sync_models()
    fault_env.nodes.stop_node(DOWN)
    fault_env.wait_down(DOWN)
    fault_env.figures.add("faults injected: node stopped")
    yield Window(fault_env)
    fault_env.heal()


def test_core_sync_quorum_writes_and_reads(window: Window) -> None:
    sensor = f"{window.run}-sync"
    for seq in range(WRITES):
        Reading(sensor=sensor, seq=seq, value=f"v{seq}").save()
        window.ledger.acknowledged("core", sensor, seq, f"v{seq}")
    assert read_partition("core", sensor, QUORUM) == {s: f"v{s}" for s in range(WRITES)}
    doc = Reading.find(sensor=sensor, seq=7).consistency(QUORUM).get()
    doc.update(value="v7-updated")
    window.ledger.acknowledged("core", sensor, 7, "v7-updated")
    assert Reading.find(sensor=sensor, seq=7).consistency(QUORUM).get().value == "v7-updated"


async def test_core_async_quorum_writes_and_reads(window: Window) -> None:
    sensor = f"{window.run}-async"
    await asyncio.gather(
        *(Reading(sensor=sensor, seq=s, value=f"a{s}").asave() for s in range(WRITES))
    )
    for seq in range(WRITES):
        window.ledger.acknowledged("core", sensor, seq, f"a{seq}")
    docs = await Reading.find(sensor=sensor).consistency(QUORUM).aall()
    assert {d.seq: d.value for d in docs} == {s: f"a{s}" for s in range(WRITES)}


def test_compat_quorum_writes_and_reads(window: Window) -> None:
    sensor = f"{window.run}-compat"
    for seq in range(WRITES):
        CReading.create(sensor=sensor, seq=seq, value=f"c{seq}")
        window.ledger.acknowledged("compat", sensor, seq, f"c{seq}")
    row = CReading.objects(sensor=sensor, seq=3).consistency(QUORUM).get()
    row.update(value="c3-updated")
    window.ledger.acknowledged("compat", sensor, 3, "c3-updated")
    assert read_partition("compat", sensor, QUORUM) == {
        s: ("c3-updated" if s == 3 else f"c{s}") for s in range(WRITES)
    }


def test_lwt_counters_and_batches_with_one_node_down(window: Window) -> None:
    """Paxos and counters need a quorum too, and have one."""
    sensor = f"{window.run}-lwt"
    assert Reading(sensor=sensor, seq=0, value="first").insert()
    assert not Reading(sensor=sensor, seq=0, value="second").insert()
    window.ledger.acknowledged("core", sensor, 0, "first")
    doc = Reading.find(sensor=sensor, seq=0).consistency(QUORUM).get()
    assert doc.update(value="third", iff={"value": "first"})
    window.ledger.acknowledged("core", sensor, 0, "third")
    with BatchWriter() as batch:
        for seq in range(1, 6):
            batch.save(Reading(sensor=sensor, seq=seq, value=f"b{seq}"))
    for seq in range(1, 6):
        window.ledger.acknowledged("core", sensor, seq, f"b{seq}")
    tally = Tally(name=f"{window.run}-hits")
    for _ in range(5):
        tally.increment(hits=2)
    CTally(name=f"{window.run}-chits").update(hits=4)  # compat counters: update adds
    window.counters = {("core", f"{window.run}-hits"): 10, ("compat", f"{window.run}-chits"): 4}
    assert Tally.find(name=f"{window.run}-hits").consistency(QUORUM).get().hits == 10


def test_acknowledged_while_down_readable_after_return(window: Window, fault_env: Any) -> None:
    """Node 3 comes back; every acknowledged write reads back exactly, at QUORUM
    and ALL through the APIs, and at ONE with the returned node as coordinator."""
    if not len(window.ledger):  # run alone: write something while the node is down
        test_core_sync_quorum_writes_and_reads(window)
        test_compat_quorum_writes_and_reads(window)
    fault_env.heal()
    ledger = window.ledger
    lost_quorum = missing(ledger, lambda api, s: read_partition(api, s, QUORUM))
    lost_all = missing(ledger, lambda api, s: read_partition(api, s, ConsistencyLevel.ALL))
    with pinned_session(fault_env.nodes.address(DOWN)) as session:
        lost_there = missing(ledger, lambda api, s: read_partition_at(session, api, s))
    all_ = ConsistencyLevel.ALL
    for (api, name), hits in window.counters.items():
        if api == "core":
            assert Tally.find(name=name).consistency(all_).get().hits == hits
        else:
            assert CTally.objects(name=name).consistency(all_).get().hits == hits
    lost = max(lost_quorum, lost_all, lost_there)
    fault_env.figures.add("writes acknowledged during faults", len(ledger))
    fault_env.figures.add("acknowledged writes verified", len(ledger) - lost)
    fault_env.figures.add("acknowledged writes lost", lost)
    assert (lost_quorum, lost_all, lost_there) == (0, 0, 0)
