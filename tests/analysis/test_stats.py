"""Confidence half-widths from known per-replication values."""

import math

import numpy as np
import pytest

from bpsim.analysis.stats import mean_ci, percentiles, t_quantile_975


def test_t_quantiles_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    for df in list(range(1, 40)) + [50, 100, 1000]:
        assert t_quantile_975(df) == pytest.approx(stats.t.ppf(0.975, df), abs=2e-5)


def test_mean_ci_by_hand():
    # values 10, 12, 14, 16: mean 13, s = sqrt(20/3), t(0.975, 3) = 3.182446305
    mean, hw = mean_ci([10, 12, 14, 16])
    assert mean == 13
    assert hw == pytest.approx(3.182446305 * math.sqrt(20 / 3) / 2)


def test_single_value_and_nan():
    assert mean_ci([5.0])[0] == 5.0 and math.isnan(mean_ci([5.0])[1])
    assert all(math.isnan(x) for x in mean_ci([]))
    assert mean_ci([1.0, np.nan, 3.0])[0] == 2.0


def test_identical_values_have_zero_width():
    assert mean_ci([2.0, 2.0, 2.0]) == (2.0, 0.0)


def test_percentiles():
    p = percentiles(np.arange(1, 101, dtype=float))
    assert p["p50"] == pytest.approx(50.5) and p["p90"] == pytest.approx(90.1)
