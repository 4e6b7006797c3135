"""The models the fault tests write (core and compat, keyspace ``coodie_faults``,
connection ``fault``) and :class:`Ledger`, the record of acknowledged writes
that every check reads back."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

from cassandra import ConsistencyLevel
from cassandra.query import SimpleStatement

from coodie_compat import columns
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_core import ClusteringKey, Counter, Document, PartitionKey, sync_table
from tests.reliability.support import FAULT, FAULT_COMPAT, FAULT_KEYSPACE


class Reading(Document):
    """A core row: one sensor partition, one clustering row per write."""

    sensor: Annotated[str, PartitionKey()]
    seq: Annotated[int, ClusteringKey()]
    value: str
    tags: list[str] = []

    class Settings:
        connection = FAULT
        keyspace = FAULT_KEYSPACE


class Tally(Document):
    """A core counter row."""

    name: Annotated[str, PartitionKey()]
    hits: Annotated[int, Counter()] = 0

    class Settings:
        connection = FAULT
        keyspace = FAULT_KEYSPACE


class CReading(Model):
    """The compat twin of :class:`Reading` (its own table)."""

    __keyspace__ = FAULT_KEYSPACE
    __connection__ = FAULT_COMPAT
    __table_name__ = "c_reading"
    sensor = columns.Text(partition_key=True)
    seq = columns.Integer(primary_key=True)
    value = columns.Text()
    tags = columns.List(columns.Text)


class CTally(Model):
    """The compat twin of :class:`Tally`."""

    __keyspace__ = FAULT_KEYSPACE
    __connection__ = FAULT_COMPAT
    __table_name__ = "c_tally"
    name = columns.Text(partition_key=True)
    hits = columns.Counter()


def sync_models() -> None:
    """Create the four tables (idempotent)."""
    for model in (Reading, Tally):
        sync_table(model)
    for compat_model in (CReading, CTally):
        compat_sync_table(compat_model)


@dataclass
class Ledger:
    """Acknowledged writes: ``rows[(api, sensor)][seq] = value`` (api ``core`` or
    ``compat``), filled by writers in any thread."""

    rows: dict[tuple[str, str], dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    failed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledged(self, api: str, sensor: str, seq: int, value: str) -> None:
        """Record a write whose call returned without error."""
        with self._lock:
            self.rows[(api, sensor)][seq] = value

    def failure(self) -> None:
        """Count a write that raised (its outcome is unknown, so it is not checked)."""
        with self._lock:
            self.failed += 1

    def __len__(self) -> int:
        return sum(len(v) for v in self.rows.values())


_SELECT = {
    "core": f"SELECT seq, value FROM {FAULT_KEYSPACE}.reading WHERE sensor = %s",
    "compat": f"SELECT seq, value FROM {FAULT_KEYSPACE}.c_reading WHERE sensor = %s",
}


def read_partition(api: str, sensor: str, level: int) -> dict[int, str]:
    """A partition read back through the API that wrote it, at ``level``."""
    if api == "core":
        docs = Reading.find(sensor=sensor).consistency(level).all()
        return {d.seq: d.value for d in docs}
    rows = CReading.objects(sensor=sensor).consistency(level).limit(None)
    return {r.seq: r.value for r in rows}


def read_partition_at(session: Any, api: str, sensor: str) -> dict[int, str]:
    """A partition read at ONE through ``session`` (plain driver; a session from
    :func:`~tests.reliability.support.pinned_session` fixes the coordinator)."""
    statement = SimpleStatement(_SELECT[api], consistency_level=ConsistencyLevel.ONE)
    rows = session.execute(statement, (sensor,), timeout=30)
    return {row[0]: row[1] for row in rows}


def missing(ledger: Ledger, read: Any) -> int:
    """How many acknowledged writes ``read(api, sensor)`` does not return exactly."""
    lost = 0
    for (api, sensor), expected in ledger.rows.items():
        found = read(api, sensor)
        lost += sum(1 for seq, value in expected.items() if found.get(seq) != value)
    return lost
