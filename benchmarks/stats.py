"""Medians, distribution-free 95% intervals and per-round ratios.

The interval for a median is the order-statistics (binomial) interval: with ``n``
sorted samples it is ``[x(k), x(n-k+1)]`` (1-based) for the largest ``k`` whose
two tails each hold at most 2.5% of Binomial(n, 1/2). It assumes nothing about
the shape of the distribution. Below 6 samples no such ``k`` exists; the interval
is then ``[min, max]`` and its coverage (reported) is below 95%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary", "median", "median_interval", "ratios", "summarize"]


@dataclass(frozen=True)
class Summary:
    """A median with its interval: ``low <= median <= high`` at ``coverage``."""

    median: float
    low: float
    high: float
    coverage: float
    n: int


def median(values: Sequence[float]) -> float:
    """The median (the mean of the two middle values for an even count)."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _lower_tail(n: int, k: int) -> float:
    """P(Binomial(n, 1/2) <= k)."""
    favourable: int = sum(math.comb(n, i) for i in range(k + 1))
    return favourable / (1 << n)


def median_interval(n: int, level: float = 0.95) -> tuple[int, int, float]:
    """1-based ranks ``(lo, hi)`` of the interval for a median of ``n``, and its coverage."""
    if n < 1:
        raise ValueError("need at least one sample")
    alpha = (1 - level) / 2
    k = 0
    while k + 1 <= n // 2 and _lower_tail(n, k) <= alpha:
        k += 1
    k = max(k, 1)
    coverage = 1 - 2 * _lower_tail(n, k - 1)
    return k, n - k + 1, coverage


def summarize(values: Sequence[float], level: float = 0.95) -> Summary:
    """Median of ``values`` with its order-statistics interval."""
    ordered = sorted(values)
    lo, hi, coverage = median_interval(len(ordered), level)
    return Summary(median(ordered), ordered[lo - 1], ordered[hi - 1], coverage, len(ordered))


def ratios(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    """Per-round ratios ``numerator[r] / denominator[r]`` (rounds paired by index)."""
    if len(numerator) != len(denominator):
        raise ValueError("ratio of series of different lengths")
    return [a / b for a, b in zip(numerator, denominator, strict=True)]
