"""Pre-generated keys and rows, the same for every contender.

Everything derives from one seed through string-seeded ``random.Random`` instances
(deterministic across processes). Arguments are produced per *slot*: slot 0 is
the warm-up, slot 1 the correctness check, slots 2.. the timed rounds. Within a
slot every contender gets the very same argument objects, and each contender
writes to its own keyspace, so they all do identical work.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from benchmarks.catalogue import (
    BATCH_ROWS,
    COUNT_ROWS,
    RANGE_ROWS,
    THROUGHPUT_ROWS,
    WIDE_ROWS,
    OpSpec,
    Plan,
)

__all__ = ["COUNT_BUCKET", "WIDE_BUCKET", "Dataset", "EventData", "ItemData"]

WIDE_BUCKET = 0
COUNT_BUCKET = 1
POOL_SIZE = 1_000
_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
_KINDS = ("click", "view", "purchase", "signup", "logout")


@dataclass(frozen=True, slots=True)
class ItemData:
    """The values of one ``item`` row (id uuid key, name, score, created, tags)."""

    id: uuid.UUID
    name: str
    score: int
    created: datetime.datetime
    tags: list[str]


@dataclass(frozen=True, slots=True)
class EventData:
    """The values of one ``event`` row (bucket partition key, seq clustering key)."""

    bucket: int
    seq: int
    kind: str
    value: float
    at: datetime.datetime


def _moment(rng: random.Random) -> datetime.datetime:
    # millisecond precision: what a CQL timestamp keeps
    return _EPOCH + datetime.timedelta(milliseconds=rng.randrange(10**10))


def _item(rng: random.Random) -> ItemData:
    key = uuid.UUID(int=rng.getrandbits(128), version=4)
    tags = [f"tag{rng.randrange(100)}" for _ in range(rng.randrange(1, 4))]
    return ItemData(key, f"item-{rng.randrange(10**9)}", rng.randrange(-(10**6), 10**6),
                    _moment(rng), tags)


def _event(rng: random.Random, bucket: int, seq: int) -> EventData:
    return EventData(bucket, seq, rng.choice(_KINDS), round(rng.random() * 1000, 3),
                     _moment(rng))


class Dataset:
    """The rows preloaded into every keyspace and the arguments of every call."""

    def __init__(self, seed: int, plan: Plan) -> None:
        self.seed = seed
        self.plan = plan
        self.get_pool = self._items("get", POOL_SIZE)
        self.update_pool = self._items("update", POOL_SIZE)
        self.append_pool = self._items("append", POOL_SIZE)
        self._cache: dict[tuple[str, int], list[Any]] = {}

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def _items(self, label: str, n: int, slot: int = -1) -> list[ItemData]:
        rng = self._rng("items", label, slot)
        return [_item(rng) for _ in range(n)]

    @property
    def slots(self) -> int:
        """How many slots exist: warm-up, check, then one per round."""
        return self.plan.rounds + 2

    def calls_in(self, spec: OpSpec, slot: int) -> int:
        """Calls of ``spec`` in ``slot`` (warm-up, one for the check, else a block)."""
        if slot == 0:
            return self.plan.warmup_calls
        return 1 if slot == 1 else self.plan.calls(spec)

    def wide_rows(self) -> Iterator[EventData]:
        """The rows of the wide partition (read whole, ranges and hydration)."""
        rng = self._rng("wide")
        return (_event(rng, WIDE_BUCKET, seq) for seq in range(WIDE_ROWS))

    def count_rows(self) -> Iterator[EventData]:
        """The rows of the partition that is counted."""
        rng = self._rng("count")
        return (_event(rng, COUNT_BUCKET, seq) for seq in range(COUNT_ROWS))

    def delete_rows(self) -> Iterator[ItemData]:
        """Every row the delete operation will delete, across all slots."""
        spec = next((s for s in self.plan.ops if s.name == "delete"), None)
        if spec is None:
            return iter(())
        return (row for slot in range(self.slots)
                for row in self._items("delete", self.calls_in(spec, slot), slot))

    def preload_items(self) -> Iterator[ItemData]:
        """Every ``item`` row to write before the run."""
        yield from self.get_pool
        yield from self.update_pool
        yield from self.append_pool
        yield from self.delete_rows()

    def args(self, spec: OpSpec, slot: int) -> list[Any]:
        """The arguments of each call of ``spec`` in ``slot`` (shared by contenders)."""
        key = (spec.name, slot)
        if key not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[1] == slot}
            self._cache[key] = self._make(spec, slot, self.calls_in(spec, slot))
        return self._cache[key]

    def _make(self, spec: OpSpec, slot: int, n: int) -> list[Any]:
        rng = self._rng("args", spec.name, slot)
        name = spec.name
        pool_at = [(slot * n + i) % POOL_SIZE for i in range(n)]
        if name in ("insert", "insert_lwt"):
            return self._items(name, n, slot)
        if name == "delete":
            return [row.id for row in self._items("delete", n, slot)]
        if name == "get":
            return [self.get_pool[i].id for i in pool_at]
        if name == "update":
            return [(self.update_pool[i].id, rng.randrange(10**6)) for i in pool_at]
        if name == "append":
            return [(self.append_pool[i].id, f"app{rng.randrange(100)}") for i in pool_at]
        if name == "instantiate":
            return [self.get_pool[i] for i in pool_at]
        if name in ("serialize", "hydrate"):
            return pool_at
        if name == "range_1k":
            starts = [rng.randrange(WIDE_ROWS - RANGE_ROWS) for _ in range(n)]
            return [(WIDE_BUCKET, s, s + RANGE_ROWS) for s in starts]
        if name == "full_10k":
            return [WIDE_BUCKET] * n
        if name == "count_1k":
            return [COUNT_BUCKET] * n
        if name == "batch_100":
            first = 1_000 + slot * 10_000  # a fresh partition per batch
            return [[_event(rng, first + i, seq) for seq in range(BATCH_ROWS)] for i in range(n)]
        if name == "async_insert":
            return [self._items(f"{name}{i}", THROUGHPUT_ROWS, slot) for i in range(n)]
        raise ValueError(f"no arguments for operation {name!r}")
