"""The statistics: medians, order-statistics intervals, per-round ratios (exact values)."""

from __future__ import annotations

import pytest

from benchmarks.stats import Summary, median, median_interval, ratios, summarize


def test_median_of_odd_count_is_the_middle_value() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0


def test_median_of_even_count_is_the_mean_of_the_middle_pair() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="median of no values"):
        median([])


def test_interval_ranks_for_twenty_rounds() -> None:
    # P(Binomial(20, 1/2) <= 5) = 21700 / 2**20 <= 0.025 < P(... <= 6)
    assert median_interval(20) == (6, 15, 1 - 2 * 21700 / 2**20)


def test_interval_ranks_for_twenty_five_rounds() -> None:
    # P(Binomial(25, 1/2) <= 7) = 726206 / 2**25 <= 0.025 < P(... <= 8)
    assert median_interval(25) == (8, 18, 1 - 2 * 726206 / 2**25)


def test_six_rounds_is_the_fewest_reaching_95_percent() -> None:
    assert median_interval(6) == (1, 6, 1 - 2 / 64)
    assert median_interval(5) == (1, 5, 1 - 2 / 32)


def test_one_round_has_a_zero_coverage_interval() -> None:
    assert median_interval(1) == (1, 1, 0.0)


def test_interval_needs_a_sample() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        median_interval(0)


def test_summarize_takes_the_order_statistics() -> None:
    values = [float(v) for v in range(20, 0, -1)]  # 20.0 down to 1.0
    assert summarize(values) == Summary(
        median=10.5, low=6.0, high=15.0, coverage=1 - 2 * 21700 / 2**20, n=20
    )


def test_summarize_of_few_rounds_spans_min_to_max() -> None:
    assert summarize([2.0, 0.5, 1.0]) == Summary(
        median=1.0, low=0.5, high=2.0, coverage=1 - 2 / 8, n=3
    )


def test_ratios_pair_rounds_by_index() -> None:
    assert ratios([2.0, 3.0, 1.0], [1.0, 2.0, 4.0]) == [2.0, 1.5, 0.25]


def test_ratios_of_unequal_series_are_an_error() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        ratios([1.0], [1.0, 2.0])
