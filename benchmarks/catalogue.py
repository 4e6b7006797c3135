"""The operations measured, what each one counts, and how many calls make a block.

In each round every contender runs each operation ``calls`` times, split into
``passes`` interleaved passes (contenders in a random order in each pass); its
total time divided by ``calls`` is that contender's per-call time for the round
(for DB-free operations, its fastest pass; see :attr:`OpSpec.fastest_pass`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CONTENDERS", "OPS", "OpSpec", "Plan", "plan_for"]

#: Contenders in report order. ``raw2`` is an identical copy of ``raw`` (noise control).
CONTENDERS: tuple[str, ...] = ("raw", "raw2", "cqlengine", "compat", "core")

Group = Literal["single", "bulk_read", "other_db", "no_db", "throughput", "hydration"]


@dataclass(frozen=True)
class OpSpec:
    """One measured operation."""

    name: str
    title: str
    group: Group
    rows_per_call: int
    calls: int
    quick_calls: int
    passes: int = 3

    @property
    def fastest_pass(self) -> bool:
        """DB-free operations keep their fastest pass of a round (as ``timeit`` does):
        what slows their other passes is other processes on the CPU, not the library.
        Operations that touch the DB keep the total, server variation included."""
        return not self.uses_db

    @property
    def uses_db(self) -> bool:
        """True when the operation talks to Cassandra."""
        return self.group not in ("no_db", "hydration")


#: Rows in the wide partition read whole, and in the one that is counted.
WIDE_ROWS = 10_000
COUNT_ROWS = 1_000
RANGE_ROWS = 1_000
BATCH_ROWS = 100
THROUGHPUT_ROWS = 2_000
HYDRATE_ROWS = 1_000
CONCURRENCY = 100

OPS: tuple[OpSpec, ...] = (
    OpSpec("insert", "insert one row", "single", 1, 300, 150),
    OpSpec("get", "get by primary key", "single", 1, 300, 150),
    OpSpec("range_1k", "range read, 1k rows of a partition", "bulk_read", RANGE_ROWS, 12, 6),
    OpSpec("full_10k", "full read of a 10k-row partition", "bulk_read", WIDE_ROWS, 3, 2),
    OpSpec("update", "partial update (one column)", "single", 1, 300, 150),
    OpSpec("append", "list append", "single", 1, 300, 150),
    OpSpec("delete", "delete by primary key", "single", 1, 300, 150),
    OpSpec("batch_100", "logged batch of 100 inserts", "other_db", BATCH_ROWS, 12, 6),
    OpSpec("insert_lwt", "insert if not exists (LWT)", "single", 1, 60, 30),
    OpSpec("count_1k", "count over a 1k-row partition", "other_db", COUNT_ROWS, 60, 30),
    OpSpec("instantiate", "instantiate an object (no DB)", "no_db", 1, 20_000, 10_000, 5),
    OpSpec("serialize", "serialize to a dict (no DB)", "no_db", 1, 20_000, 10_000, 5),
    OpSpec(
        "async_insert",
        f"async insert throughput, concurrency {CONCURRENCY}",
        "throughput",
        THROUGHPUT_ROWS,
        3,
        1,
    ),
    OpSpec("hydrate", "hydration only, 1k driver rows (no DB)", "hydration", HYDRATE_ROWS, 40, 20,
           5),
)


@dataclass(frozen=True)
class Plan:
    """How long a run is: rounds, warm-up and the operations chosen."""

    rounds: int
    warmup_calls: int
    quick: bool
    ops: tuple[OpSpec, ...]

    def calls(self, spec: OpSpec) -> int:
        """Calls per block for ``spec`` in this plan."""
        return spec.quick_calls if self.quick else spec.calls


def plan_for(*, quick: bool, rounds: int | None, ops: list[str] | None) -> Plan:
    """The plan for the command-line options; unknown operation names are an error."""
    by_name = {spec.name: spec for spec in OPS}
    chosen = tuple(OPS)
    if ops:
        unknown = [name for name in ops if name not in by_name]
        if unknown:
            raise ValueError(f"unknown operation(s) {unknown}; known: {', '.join(by_name)}")
        chosen = tuple(by_name[name] for name in ops)
    default_rounds = 10 if quick else 25
    return Plan(rounds or default_rounds, 2 if quick else 3, quick, chosen)
