"""Intervals and funnel limits against values computed by hand or published."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from dasbor import stats


def test_wilson_matches_the_published_interval_for_8_of_10():
    # Newcombe (1998), method 3: 8/10 → 0.4902 to 0.9433.
    lo, hi = stats.wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)


def test_wilson_at_the_edges_and_without_data():
    assert stats.wilson(0, 10)[0] == 0.0 and stats.wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    assert all(math.isnan(v) for v in stats.wilson(0, 0))


def test_exact_limit_interpolates_as_spiegelhalter_by_hand():
    # theta = 0.5, n = 10: F(7) = 968/1024, F(8) = 1013/1024, so r = 8 for p = 0.975,
    # alpha = (1013/1024 - 0.975) / (45/1024) and the limit is (8 - alpha) / 10.
    alpha = (1013 / 1024 - 0.975) / (45 / 1024)
    assert stats.exact_limit(0.5, 10, 0.975) == pytest.approx((8 - alpha) / 10, abs=1e-12)
    # symmetric lower limit at p = 0.025: r = 2, F(1) = 11/1024, F(2) = 56/1024.
    alpha_lo = (56 / 1024 - 0.025) / (45 / 1024)
    assert stats.exact_limit(0.5, 10, 0.025) == pytest.approx((2 - alpha_lo) / 10, abs=1e-12)


def test_limits_narrow_as_cohorts_grow_and_998_is_wider_than_95():
    n = np.array([10, 100, 1000])
    lim = stats.funnel_limits(0.3, n, stats.Dispersion(1.0, 0.0, False))
    width95 = lim["hi95"] - lim["lo95"]
    assert np.all(np.diff(width95) < 0)
    assert np.all(lim["hi998"] >= lim["hi95"]) and np.all(lim["lo998"] <= lim["lo95"])


def test_small_extreme_cohorts_are_within_limits_by_exact_tail_probability():
    # 3 of 3 when theta = 0.52: P(X >= 3) = 0.52^3 = 0.1406 > 0.025, so within.
    pos = stats.position(np.array([3, 0, 90, 5]), np.array([3, 3, 100, 100]), 0.52, stats.Dispersion(1, 0, False))
    assert list(pos) == ["dalam", "dalam", "atas_998", "bawah_998"]


def test_binomial_spread_is_not_overdispersed_but_a_wide_spread_is():
    rng = np.random.default_rng(1)
    n = rng.integers(50, 400, 200)
    chance = stats.dispersion(rng.binomial(n, 0.4), n, 0.4)
    assert not chance.overdispersed and chance.tau2 == 0
    p = np.clip(rng.normal(0.4, 0.15, 200), 0.01, 0.99)
    wide = stats.dispersion(rng.binomial(n, p), n, 0.4)
    assert wide.overdispersed and wide.phi > 3 and wide.tau2 > 0
    lim = stats.funnel_limits(0.4, np.array([100]), wide)
    plain = stats.funnel_limits(0.4, np.array([100]), chance)
    assert lim["hi95"][0] > plain["hi95"][0]


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [(0.6, 0.8, "lebih_tinggi"), (0.1, 0.3, "lebih_rendah"), (0.3, 0.6, "serupa"), (math.nan, math.nan, "tidak_ada")],
)
def test_verdict_against_the_benchmark(lo, hi, expected):
    assert stats.verdict(lo, hi, 0.5) == expected


def test_nearest_rank_percentile():
    values = [15, 20, 35, 40, 50]  # the textbook nearest-rank example
    assert [stats.nearest_rank(values, q) for q in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]


def test_bootstrap_median_interval_contains_the_median_and_is_stable():
    values = [1, 2, 3, 4, 100]
    med, lo, hi = stats.bootstrap_median(values)
    assert med == 3 and lo <= med <= hi
    assert stats.bootstrap_median(values) == (med, lo, hi)
    assert all(math.isnan(x) for x in stats.bootstrap_median([]))


def test_kaplan_meier_by_hand():
    # durations 2, 3+, 5, 5, 8+ (+ = still running): S(2) = 4/5, S(5) = 4/5 * (1 - 2/3) = 4/15.
    times, surv = stats.kaplan_meier([2, 3, 5, 5, 8], [True, False, True, True, False])
    assert list(times) == [0, 2, 5]
    assert surv == pytest.approx([1, 0.8, 0.8 / 3])


@settings(max_examples=80, deadline=None)
@given(hst.lists(hst.tuples(hst.integers(0, 40), hst.booleans(), hst.integers(1, 5)), min_size=1, max_size=60))
def test_kaplan_meier_on_counted_rows_equals_one_row_per_innovation(rows):
    # The database sends (days, stopped, count); the curve must be the one of the rows it stands for.
    days, stopped, counts = (list(c) for c in zip(*rows, strict=True))
    expanded_days = [d for d, n in zip(days, counts, strict=True) for _ in range(n)]
    expanded_stopped = [s for s, n in zip(stopped, counts, strict=True) for _ in range(n)]
    t1, s1 = stats.kaplan_meier(expanded_days, expanded_stopped)
    t2, s2 = stats.kaplan_meier(days, stopped, counts)
    assert t1.tolist() == t2.tolist()
    assert s1 == pytest.approx(s2, rel=1e-12, abs=0)


def test_large_samples_use_the_order_statistic_interval_which_agrees_with_the_bootstrap():
    rng = np.random.default_rng(3)
    small = rng.normal(10, 2, stats.BOOTSTRAP_MAX_N)
    large = np.concatenate([small, small[:1]])  # one value past the bootstrap limit
    boot = stats.bootstrap_median(small)
    order = stats.bootstrap_median(large)
    assert order[1] < order[0] < order[2]
    assert abs(order[1] - boot[1]) < 0.05 and abs(order[2] - boot[2]) < 0.05
