"""A node killed (SIGKILL) in the middle of a stream of QUORUM writes loses no
acknowledged write.

Core writes run as concurrent asyncio tasks and compat writes in a thread, both
before, across and after the kill. A write counts as acknowledged when its call
returned without error; writes that raised are counted but not checked (their
outcome is unknown by definition). Every acknowledged write must then read back
exactly: at QUORUM while the node is still dead, and at ALL and through the
returned node once it is back.

``COODIE_FAULT_SCALE=full`` kills each of the three nodes in turn with longer
streams; the default (``ci``) kills node 2 once.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from typing import Any

import pytest
from cassandra import ConsistencyLevel

from tests.reliability.faults.models import (
    CReading,
    Ledger,
    Reading,
    missing,
    read_partition,
    read_partition_at,
    sync_models,
)
from tests.reliability.support import fault_scale, pinned_session

FULL = fault_scale() == "full"
VICTIMS = [1, 2, 3] if FULL else [2]
BEFORE, AFTER = (4.0, 8.0) if FULL else (2.0, 4.0)  # seconds of writes around the kill
CORE_TASKS = 16
PARTITIONS = 8


class Stream:
    """Writers that record every acknowledged write in a :class:`Ledger`."""

    def __init__(self) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.seq = itertools.count()
        self.attempted = 0

    def _next(self, api: str) -> tuple[str, int, str]:
        seq = next(self.seq)
        self.attempted += 1
        return f"{self.run}-{api}-{seq % PARTITIONS}", seq, f"{seq}:{uuid.uuid4().hex[:8]}"

    async def core_writer(self) -> None:
        """Write through coodie_core's asyncio front until told to stop."""
        while not self.stop.is_set():
            sensor, seq, value = self._next("core")
            try:
                await Reading(sensor=sensor, seq=seq, value=value).asave()
            except Exception:
                self.ledger.failure()
            else:
                self.ledger.acknowledged("core", sensor, seq, value)

    def compat_writer(self) -> None:
        """Write through coodie_compat until told to stop."""
        while not self.stop.is_set():
            sensor, seq, value = self._next("compat")
            try:
                CReading.create(sensor=sensor, seq=seq, value=value)
            except Exception:
                self.ledger.failure()
            else:
                self.ledger.acknowledged("compat", sensor, seq, value)


@pytest.mark.parametrize("victim", VICTIMS)
async def test_kill_during_write_stream_loses_no_acknowledged_write(
    fault_env: Any, victim: int
) -> None:
    fault_env.heal()
    sync_models()
    fault_env.core_retries.calls.clear()
    fault_env.compat_retries.calls.clear()
    stream = Stream()
    compat = threading.Thread(target=stream.compat_writer, daemon=True)
    compat.start()
    tasks = [asyncio.ensure_future(stream.core_writer()) for _ in range(CORE_TASKS)]
    await asyncio.sleep(BEFORE)
    acknowledged_before_kill = len(stream.ledger)
    fault_env.nodes.kill_node(victim)
    killed_at = time.monotonic()
    await asyncio.sleep(AFTER)
    stream.stop.set()
    await asyncio.gather(*tasks)
    await asyncio.get_running_loop().run_in_executor(None, compat.join)
    ledger = stream.ledger
    assert len(ledger) > acknowledged_before_kill > 0  # writes went on across the kill

    quorum = ConsistencyLevel.QUORUM
    lost_while_dead = missing(ledger, lambda api, s: read_partition(api, s, quorum))
    fault_env.heal()
    lost_all = missing(ledger, lambda api, s: read_partition(api, s, ConsistencyLevel.ALL))
    with pinned_session(fault_env.nodes.address(victim)) as session:
        lost_there = missing(ledger, lambda api, s: read_partition_at(session, api, s))

    retried = fault_env.core_retries.retried() + fault_env.compat_retries.retried()
    lost = max(lost_while_dead, lost_all, lost_there)
    figures = fault_env.figures
    figures.add("faults injected: node killed (SIGKILL) during writes")
    figures.add("writes attempted during kill streams", stream.attempted)
    figures.add("writes acknowledged during faults", len(ledger))
    figures.add("writes failed (unknown outcome, not counted)", ledger.failed)
    figures.add("acknowledged writes verified", len(ledger) - lost)
    figures.add("acknowledged writes lost", lost)
    figures.add("driver retries during kill streams", len(retried))
    figures.note(
        f"kill node {victim}: {stream.attempted} writes, {len(ledger)} acknowledged, "
        f"{ledger.failed} failed, {len(retried)} retried by the driver, lost "
        f"{lost_while_dead}/{lost_all}/{lost_there} (QUORUM dead/ALL/ONE at node), "
        f"{time.monotonic() - killed_at:.0f}s from kill to verified"
    )
    assert (lost_while_dead, lost_all, lost_there) == (0, 0, 0)
