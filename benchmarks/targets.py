"""The speed targets of the benchmark issue, checked against a results document.

A target *holds* when the median ratio meets it; it holds *firmly* when the whole
interval does and that interval has at least 95% coverage (enough rounds).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from benchmarks.catalogue import OPS

__all__ = ["TARGETS", "Target", "evaluate"]

SINGLE_ROW = ("insert", "get", "update", "append", "delete", "insert_lwt")
DB_OPS = tuple(spec.name for spec in OPS if spec.uses_db)
ALL_OPS = tuple(spec.name for spec in OPS)


@dataclass(frozen=True)
class Target:
    """``ratio`` must stay at or under ``limit`` (under it when ``strict``) on ``ops``."""

    label: str
    ratio: str
    ops: tuple[str, ...]
    limit: float
    strict: bool = False

    def meets(self, value: float) -> bool:
        """True when a ratio value satisfies the target."""
        return value < self.limit if self.strict else value <= self.limit


TARGETS: tuple[Target, ...] = (
    Target("core/raw <= 1.05 on single-row operations", "core/raw", SINGLE_ROW, 1.05),
    Target("core/raw <= 1.15 on the 1k/10k reads (full validation)", "core/raw",
           ("range_1k", "full_10k"), 1.15),
    Target("core async insert throughput >= 0.95x raw (time ratio <= 1/0.95)", "core/raw",
           ("async_insert",), 1 / 0.95),
    Target("compat/cqlengine <= 0.6 on every DB operation", "compat/cqlengine", DB_OPS, 0.6),
    Target("compat/cqlengine <= 0.1 on hydration", "compat/cqlengine", ("hydrate",), 0.1),
    Target("core ahead of cqlengine on every operation (core/cqlengine < 1)",
           "core/cqlengine", ALL_OPS, 1.0, strict=True),
)


def evaluate(ops: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per (target, operation) present in ``ops``: the verdict and the numbers."""
    rows = []
    for target in TARGETS:
        for op in target.ops:
            entry = ops.get(op)
            if entry is None:
                continue
            ratio = entry["ratios"].get(target.ratio)
            row: dict[str, Any] = {"target": target.label, "op": op, "ratio": target.ratio,
                                   "limit": target.limit}
            if ratio is None:
                row.update(verdict="not measured", median=None)
            elif target.meets(ratio["median"]):
                firm = target.meets(ratio["high"]) and ratio["coverage"] >= 0.95
                row.update(verdict="holds firmly" if firm else "holds", median=ratio["median"])
            else:
                row.update(verdict="missed", median=ratio["median"])
            rows.append(row)
    return rows
