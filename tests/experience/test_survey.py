"""The survey's estimate and its sampling error (bpsim.experience.survey)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bpsim.experience.survey import response_probabilities, survey_estimate, survey_sample


def _population(n=600, seed=1):
    rng = np.random.default_rng(seed)
    return rng.choice([1, 2, 3, 4, 5], p=[0.03, 0.05, 0.12, 0.4, 0.4], size=n).astype(float)


@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_the_ci_covers_the_true_score_at_the_stated_rate(rate):
    scores = _population()
    true = scores.mean()
    rng = np.random.default_rng(7)
    n = 2000
    hits = 0
    for _ in range(n):
        m, half, _ = survey_estimate(scores, survey_sample(scores, rate, 1.0, 5, rng))
        hits += abs(m - true) <= half
    # 95 % stated; the binomial sd of the observed share over n surveys is about 0.005
    assert abs(hits / n - 0.95) < 4 * math.sqrt(0.95 * 0.05 / n) + 0.005, hits / n


def test_a_bias_towards_the_unhappy_reads_low_and_keeps_the_rate():
    scores = _population()
    p = response_probabilities(scores, 0.3, 3.0, 5)
    assert p.mean() == pytest.approx(0.3)
    assert p[scores == 1].mean() == pytest.approx(3 * p[scores == 5].mean())
    rng = np.random.default_rng(3)
    reads = [survey_estimate(scores, survey_sample(scores, 0.3, 3.0, 5, rng))[0]
             for _ in range(300)]
    assert np.mean(reads) < scores.mean() - 0.05


def test_no_answer_gives_nan_not_an_error():
    m, half, n = survey_estimate(np.array([4.0, 5.0]), np.array([False, False]))
    assert n == 0 and math.isnan(m) and math.isnan(half)
