"""Warm-up, correctness checks and the timed rounds.

Each round visits the operations in a fresh random order and, for each operation,
runs one block per contender, the contenders also in a fresh random order, so
slow drifts of the machine (and of the shared node) spread over all of them.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cassandra.cluster import Session

from benchmarks.catalogue import OpSpec
from benchmarks.contenders import Contender, OpFn, Unavailable
from benchmarks.counting import count_requests
from benchmarks.dataset import Dataset
from benchmarks.verify import REQUEST_PAIRS, SILENT, effects, plain

__all__ = ["OpOutcome", "Runner", "time_block"]


@dataclass
class OpOutcome:
    """Everything measured and checked for one operation."""

    spec: OpSpec
    times: dict[str, list[float]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def time_block(fn: OpFn, args: Sequence[Any]) -> float:
    """Seconds to call ``fn`` on each of ``args`` (garbage collected first, not timed)."""
    gc.collect()
    start = time.perf_counter()
    for arg in args:
        fn(arg)
    return time.perf_counter() - start


def _error(exc: BaseException) -> str:
    return f"error: {type(exc).__name__}: {str(exc)[:200]}"


class Runner:
    """Runs the plan over the contenders; results accumulate in ``outcomes``."""

    def __init__(
        self,
        contenders: Mapping[str, Contender],
        dataset: Dataset,
        admin: Session,
        rng: random.Random,
        progress: Callable[[str], None] = print,
    ) -> None:
        self.contenders = dict(contenders)
        self.dataset = dataset
        self.admin = admin
        self.rng = rng
        self.progress = progress
        self.outcomes = {spec.name: OpOutcome(spec) for spec in dataset.plan.ops}

    def _live(self, outcome: OpOutcome) -> list[str]:
        return [name for name in self.contenders if name not in outcome.unavailable]

    def warm_up(self) -> None:
        """Run slot 0 once per contender; an operation that fails is set aside."""
        for outcome in self.outcomes.values():
            args = self.dataset.args(outcome.spec, 0)
            for name, contender in self.contenders.items():
                try:
                    fn = contender.operation(outcome.spec.name)
                    for arg in args:
                        fn(arg)
                except Unavailable as exc:
                    outcome.unavailable[name] = str(exc)
                except Exception as exc:
                    outcome.unavailable[name] = _error(exc)

    def check(self) -> None:
        """Slot 1: compare answers, effects and request counts with the first contender."""
        for outcome in self.outcomes.values():
            spec = outcome.spec
            arg = self.dataset.args(spec, 1)[0]
            answers: dict[str, Any] = {}
            for name in self._live(outcome):
                contender = self.contenders[name]
                fn = contender.operation(spec.name)
                with count_requests() as counts:
                    try:
                        answer = fn(arg)
                    except Exception as exc:
                        outcome.unavailable[name] = _error(exc)
                        continue
                outcome.requests[name] = sum(counts[id(s)] for s in contender.sessions())
                answers[name] = (plain(answer),
                                 effects(self.admin, contender.keyspace, spec, arg))
            self._compare(outcome, answers)

    @staticmethod
    def _compare(outcome: OpOutcome, answers: dict[str, Any]) -> None:
        if not answers:
            return
        reference = next(iter(answers))
        ref_answer, ref_effect = answers[reference]
        for name, (answer, effect) in answers.items():
            if answer != ref_answer and outcome.spec.name not in SILENT:
                outcome.failures.append(f"{name}: answer differs from {reference}")
            if effect != ref_effect:
                outcome.failures.append(f"{name}: rows written differ from {reference}")
        for name, other in REQUEST_PAIRS:
            mine, theirs = outcome.requests.get(name), outcome.requests.get(other)
            if mine is not None and theirs is not None and mine != theirs:
                outcome.failures.append(
                    f"{name}: {mine} request(s) per call, {other} {theirs}")

    def run_rounds(self) -> None:
        """The timed rounds (slots 2..)."""
        plan = self.dataset.plan
        gc.collect()
        gc.freeze()  # long-lived setup objects leave the collector: per-block collects stay cheap
        started = time.monotonic()
        for index in range(plan.rounds):
            slot = index + 2
            specs = list(plan.ops)
            self.rng.shuffle(specs)
            for spec in specs:
                self._round_of(self.outcomes[spec.name], slot)
            self.progress(f"round {index + 1}/{plan.rounds} done "
                          f"({time.monotonic() - started:.0f}s)")

    def _round_of(self, outcome: OpOutcome, slot: int) -> None:
        """One round of one operation: ``passes`` interleaved passes over the contenders,
        each running its share of the calls, so neighbours in time are compared."""
        spec = outcome.spec
        args = self.dataset.args(spec, slot)
        passes = min(spec.passes, len(args))
        per_pass: dict[str, list[float]] = {name: [] for name in self._live(outcome)}
        for share in (args[i::passes] for i in range(passes)):
            order = [name for name in per_pass if name not in outcome.unavailable]
            self.rng.shuffle(order)
            for name in order:
                fn = self.contenders[name].operation(spec.name)
                try:
                    per_pass[name].append(time_block(fn, share) / len(share))
                except Exception as exc:
                    outcome.unavailable[name] = f"{_error(exc)} (round {slot - 1})"
                    outcome.times.pop(name, None)
        for name, seconds in per_pass.items():
            if name in outcome.unavailable:
                continue
            value = min(seconds) if spec.fastest_pass else _weighted_mean(seconds, args, passes)
            outcome.times.setdefault(name, []).append(value)


def _weighted_mean(per_call: list[float], args: Sequence[Any], passes: int) -> float:
    """Total time over total calls, from per-call times of unequal passes."""
    sizes = [len(args[i::passes]) for i in range(passes)]
    return sum(t * n for t, n in zip(per_call, sizes, strict=True)) / len(args)
