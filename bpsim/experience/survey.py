"""The closing survey: what a satisfaction survey would measure, and how far off it can be.

Seed 003 ends the service with "ask for feedback on satisfaction". Not every customer
answers: with ``survey: {response_rate: 30%}`` each ticket's customer answers with that
probability, so the survey's mean is an estimate of the true mean (every customer's score)
with a sampling error. With ``bias: 2`` the least satisfied customers are twice as likely to
answer as the most satisfied (a common pattern: complaints are more motivating than quiet
content); the probability of answering is proportional to ``bias ** ((scale - s) / (scale - 1))``
for a score ``s``, scaled so that the overall response rate stays ``response_rate`` (capped at
1 per customer). With a bias the survey reads low: the report shows both figures.

The sampling error of one period's survey (one replication: e.g. a month of tickets) is the
95 % half-width ``1.96 * sd / sqrt(n) * sqrt(1 - n / N)`` for ``n`` answers out of ``N``
tickets (the finite-population correction: the survey samples the period's own customers).
Without bias the interval covers the period's true mean in about 95 % of surveys.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["response_probabilities", "survey_sample", "survey_estimate", "survey_columns"]

Z975 = 1.959963984540054


def response_probabilities(scores: np.ndarray, rate: float, bias: float = 1.0,
                           scale: int = 5) -> np.ndarray:
    """Each customer's probability of answering (see the module docstring)."""
    scores = np.asarray(scores, dtype=float)
    if bias == 1.0 or len(scores) == 0:
        return np.full(len(scores), float(rate))
    w = bias ** ((scale - scores) / max(scale - 1, 1))
    p = rate * w / w.mean()
    return np.minimum(p, 1.0)


def survey_sample(scores: np.ndarray, rate: float, bias: float, scale: int,
                  rng: np.random.Generator) -> np.ndarray:
    """A boolean mask: which customers answer."""
    p = response_probabilities(scores, rate, bias, scale)
    return rng.random(len(p)) < p


def survey_estimate(scores: np.ndarray, answered: np.ndarray) -> tuple[float, float, int]:
    """``(mean, ci95 half-width, n)`` of the answers, with the finite-population correction;
    NaN mean with no answer, NaN half-width with fewer than two."""
    scores = np.asarray(scores, dtype=float)
    answers = scores[np.asarray(answered, dtype=bool)]
    n, total = len(answers), len(scores)
    if n == 0:
        return math.nan, math.nan, 0
    mean = float(answers.mean())
    if n < 2:
        return mean, math.nan, n
    sd = float(answers.std(ddof=1))
    fpc = math.sqrt(max(1.0 - n / total, 0.0)) if total else 1.0
    return mean, Z975 * sd / math.sqrt(n) * fpc, n


def survey_columns(estimates: list) -> dict[str, float]:
    """The satisfaction table's survey columns from one :func:`survey_estimate` result per
    replication: the mean of the replications' survey CSAT and of their CI half-widths, and
    the mean number of responses (``NaN`` / 0 without any)."""
    if not estimates:
        return {"survey_csat_mean": math.nan, "survey_ci95": math.nan, "survey_responses": 0.0}
    means = [e[0] for e in estimates if not math.isnan(e[0])]
    halves = [e[1] for e in estimates if not math.isnan(e[1])]
    return {"survey_csat_mean": float(np.mean(means)) if means else math.nan,
            "survey_ci95": float(np.mean(halves)) if halves else math.nan,
            "survey_responses": float(np.mean([e[2] for e in estimates]))}
