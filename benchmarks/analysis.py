"""Turn per-round timings into the results document (plain JSON-ready dicts).

Ratios are per round (``a[r] / b[r]``, both measured in the same round) and then
summarised, so a slow round slows both sides of a ratio and cancels out.
Ratios are of *time per call*: below 1 means the numerator is faster. For the
throughput operation a time ratio of ``x`` is a throughput of ``1/x`` times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from benchmarks.catalogue import OpSpec
from benchmarks.stats import ratios, summarize

__all__ = ["NOISE_TOLERANCE", "PAIRS", "analyse_op", "noise_verdict"]

#: The ratios reported, as (numerator, denominator) contender names.
PAIRS: tuple[tuple[str, str], ...] = (
    ("raw2", "raw"),
    ("cqlengine", "raw"),
    ("compat", "raw"),
    ("core", "raw"),
    ("compat", "cqlengine"),
    ("core", "cqlengine"),
)
#: raw2/raw must have its median within 1 +- this, else the run is noisy.
NOISE_TOLERANCE = 0.03


def analyse_op(
    spec: OpSpec,
    calls: int,
    times: Mapping[str, Sequence[float]],
    unavailable: Mapping[str, str],
    requests: Mapping[str, int],
    failures: Sequence[str],
) -> dict[str, Any]:
    """The results entry of one operation."""
    absolute: dict[str, Any] = {}
    for name, samples in times.items():
        if not samples:
            continue
        summary = summarize(samples)
        absolute[name] = {
            "median_s": summary.median,
            "low_s": summary.low,
            "high_s": summary.high,
            "rows_per_s": spec.rows_per_call / summary.median,
        }
    ratio_entries: dict[str, Any] = {}
    for top, bottom in PAIRS:
        a, b = times.get(top), times.get(bottom)
        if a and b and len(a) == len(b):
            ratio_entries[f"{top}/{bottom}"] = asdict(summarize(ratios(a, b)))
    return {
        "title": spec.title,
        "group": spec.group,
        "rows_per_call": spec.rows_per_call,
        "calls_per_block": calls,
        "absolute": absolute,
        "ratios": ratio_entries,
        "unavailable": dict(unavailable),
        "requests": dict(requests),
        "failures": list(failures),
        "samples_s": {name: list(samples) for name, samples in times.items()},
    }


def noise_verdict(ops: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Which operations have raw2/raw outside ``1 +- NOISE_TOLERANCE``."""
    noisy = []
    for name, entry in ops.items():
        control = entry["ratios"].get("raw2/raw")
        if control is not None and not (
            1 - NOISE_TOLERANCE <= control["median"] <= 1 + NOISE_TOLERANCE
        ):
            noisy.append(name)
    return {"tolerance": NOISE_TOLERANCE, "noisy": bool(noisy), "noisy_ops": noisy}
