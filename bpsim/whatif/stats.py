"""Statistics of replications: means, confidence intervals and paired differences.

A what-if study asks "does a third agent shorten the wait?". Each replication of a variant
is one independent sample of the answer, so a metric's confidence interval is the Student-t
interval over replications. Because every variant is run with the same seed and the same
replication indices, replication ``r`` of "3 agents" sees exactly the tickets replication
``r`` of "2 agents" saw (common random numbers). The difference is then measured *per
replication* and the interval is taken over those differences (a paired t-interval), which
is far narrower than comparing two independent intervals: the noise of the arrivals cancels.

Only :mod:`math` and :mod:`numpy` are used (scipy is not a run-time dependency); the
Student-t quantile is computed by inverting the regularised incomplete beta function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["t_quantile", "Estimate", "estimate", "paired_difference", "upper_bound"]


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def _t_cdf(t: float, df: float) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2.0, 0.5, x)
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    >>> round(t_quantile(0.975, 9), 4)
    2.2622
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if df <= 0:
        raise ValueError(f"df must be positive, got {df}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2.0
    for _ in range(200):  # bisection: monotone, exact to double precision
        mid = 0.5 * (lo + hi)
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its two-sided confidence half-width.

    ``half_width`` is NaN when fewer than two replications have a value (no interval can
    be formed); ``n`` counts the replications that had one.
    """

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    @property
    def significant(self) -> bool:
        """True when the interval excludes 0 (a difference that is not noise)."""
        if math.isnan(self.half_width):
            return False
        return self.low > 0.0 or self.high < 0.0


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[~np.isnan(arr)]


def estimate(values: Sequence[float] | np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mean of per-replication ``values`` with a Student-t interval (NaNs ignored).

    >>> e = estimate([1.0, 2.0, 3.0])
    >>> e.mean, round(e.half_width, 4)
    (2.0, 2.4841)
    """
    arr = _clean(values)
    n = int(arr.size)
    if n == 0:
        return Estimate(math.nan, math.nan, 0)
    mean = float(arr.mean())
    if n < 2:
        return Estimate(mean, math.nan, n)
    sd = float(arr.std(ddof=1))
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return Estimate(mean, half, n)


def paired_difference(
    variant: Sequence[float] | np.ndarray, baseline: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
) -> Estimate:
    """Mean of ``variant[r] - baseline[r]`` over replications with a paired t-interval.

    Replications where either side is NaN (e.g. no ticket completed) are left out of the
    pairs.
    """
    v = np.asarray(variant, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if v.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {v.shape} vs {b.shape}")
    return estimate(v - b, confidence)


def upper_bound(values: Sequence[float] | np.ndarray, confidence: float = 0.95) -> float:
    """One-sided upper confidence bound of the mean: the mean is below it with probability
    ``confidence`` (NaN with fewer than two values; the mean itself when they all agree)."""
    arr = _clean(values)
    n = int(arr.size)
    if n < 2:
        return math.nan
    sd = float(arr.std(ddof=1))
    return float(arr.mean()) + t_quantile(confidence, n - 1) * sd / math.sqrt(n)
