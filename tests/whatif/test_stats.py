"""Confidence intervals and paired differences, checked against scipy's textbook formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from bpsim.whatif.stats import estimate, paired_difference, t_quantile, upper_bound


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 19, 29, 100, 1000])
@pytest.mark.parametrize("p", [0.6, 0.9, 0.95, 0.975, 0.995])
def test_t_quantile_matches_scipy(p, df):
    assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9)
    assert t_quantile(1 - p, df) == pytest.approx(-sps.t.ppf(p, df), rel=1e-9)


def test_estimate_is_the_student_t_interval():
    rng = np.random.default_rng(8)
    x = rng.normal(10.0, 3.0, size=12)
    e = estimate(x, 0.95)
    low, high = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    assert e.mean == pytest.approx(x.mean())
    assert e.low == pytest.approx(low) and e.high == pytest.approx(high)
    assert e.n == 12


def test_estimate_ignores_nan_and_needs_two_values_for_an_interval():
    e = estimate([1.0, math.nan, 3.0])
    assert e.n == 2 and e.mean == 2.0
    one = estimate([5.0])
    assert one.mean == 5.0 and math.isnan(one.half_width) and not one.significant
    none = estimate([math.nan])
    assert none.n == 0 and math.isnan(none.mean)


def test_paired_difference_is_the_interval_of_the_differences():
    rng = np.random.default_rng(3)
    common = rng.exponential(100.0, size=20)          # the arrivals both variants share
    base = common + rng.normal(0, 1, 20)
    variant = common - 5.0 + rng.normal(0, 1, 20)     # 5 s shorter, same noise source
    d = paired_difference(variant, base)
    ref = sps.ttest_rel(variant, base)
    assert d.mean == pytest.approx(np.mean(variant - base))
    # the interval excludes 0 exactly when the paired t-test rejects at 5 %
    assert d.significant == (ref.pvalue < 0.05)
    assert d.significant and d.high < 0
    # unpaired intervals would overlap: pairing is what reveals the difference
    assert estimate(variant).high > estimate(base).low


def test_paired_difference_of_identical_samples_is_zero_and_not_significant():
    x = [3.0, 4.0, 8.0]
    d = paired_difference(x, x)
    assert d.mean == 0.0 and d.half_width == 0.0 and not d.significant


def test_paired_difference_drops_incomplete_pairs():
    d = paired_difference([1.0, math.nan, 3.0, 5.0], [0.0, 1.0, math.nan, 4.0])
    assert d.n == 2 and d.mean == 1.0
    with pytest.raises(ValueError):
        paired_difference([1.0], [1.0, 2.0])


def test_upper_bound_is_one_sided():
    x = np.array([0.02, 0.05, 0.03, 0.04, 0.06])
    expected = x.mean() + sps.t.ppf(0.95, 4) * x.std(ddof=1) / math.sqrt(5)
    assert upper_bound(x, 0.95) == pytest.approx(expected)
    assert upper_bound([0.0, 0.0, 0.0]) == 0.0
    assert math.isnan(upper_bound([0.1]))
