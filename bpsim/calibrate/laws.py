"""Choose a duration law for a sample of observed times, by a stated criterion.

The criterion: **Wasserstein distance on held-back data**, by four-fold cross-validation. The
sample is split at random (fixed seed) into four quarters; each quarter in turn is held back,
each candidate law is fitted by maximum likelihood to the other three, and scored by the
Wasserstein-1 distance (the mean absolute difference between quantiles, in seconds) between
the law and the held-back times; a law's score is the mean over the four folds. The law
with the smallest distance wins and is refitted on the whole sample. The ``empirical`` law
(resampling the three fitted quarters) competes too; a parametric law is preferred unless it
is more than 10 % worse than ``empirical``, since a law with two parameters generalises and
reads better than a list of numbers. Samples of fewer than 20 times get ``empirical``
(or ``fixed`` when all are equal).

Candidates: ``exponential``, ``gamma``, ``weibull``, ``lognormal``, ``normal``, ``uniform`` (all fitted
with ``scipy.stats``; above 5,000 times, on a random subsample of 5,000). The AIC of each fit
on the whole sample is reported too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bpsim.errors import BpsimError

__all__ = ["LawFit", "fit_law", "require_scipy", "wasserstein"]

MIN_PARAMETRIC = 20
EMPIRICAL_POINTS = 100
PREFER_PARAMETRIC = 1.10
FOLDS = 4
MAX_FIT = 5000


def require_scipy():
    """Import scipy.stats or say how to install it."""
    try:
        from scipy import stats
    except ImportError:  # pragma: no cover (scipy is in the dev extra)
        raise BpsimError(
            "fitting needs scipy, which is not installed.",
            hint="pip install 'bpsim[calibrate]'  (or: pip install scipy).") from None
    return stats


@dataclass
class LawFit:
    """The chosen law (bpsim text), its sample size, distance and the competitors' scores."""

    law: str
    name: str
    n: int
    distance: float | None          # seconds, on held-back data (None: too few to hold back)
    mean: float
    scores: dict[str, float] = field(default_factory=dict)
    aic: dict[str, float] = field(default_factory=dict)

    def comment(self) -> str:
        from bpsim.scenario.durations import format_duration
        d = "" if self.distance is None else f", W1 on held-back {format_duration(self.distance)}"
        return f"n={self.n:,}, {self.name}{d}, observed mean {format_duration(self.mean)}"


def _q(values: np.ndarray, points: int) -> np.ndarray:
    return np.quantile(values, (np.arange(points) + 0.5) / points)


def wasserstein(a: np.ndarray, b: np.ndarray) -> float:
    """Wasserstein-1 distance between two samples (same units as the samples)."""
    a = np.sort(np.asarray(a, float))
    b = np.sort(np.asarray(b, float))
    if not len(a) or not len(b):
        return float("nan")
    grid = (np.arange(512) + 0.5) / 512
    return float(np.mean(np.abs(np.quantile(a, grid) - np.quantile(b, grid))))


def _secs(x: float) -> str:
    """Seconds as exact scenario text, to 0.1 s below 100 s and to the second above."""
    from bpsim.scenario.durations import duration_text
    x = max(float(x), 0.0)
    return duration_text(round(x, 1) if x < 100 else float(round(x)))


def _candidates(stats, x: np.ndarray):
    """(name, frozen scipy law, bpsim text, number of parameters) fitted to ``x``."""
    out = []
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    if mean > 0:
        out.append(("exponential", stats.expon(scale=mean), f"exponential(mean={_secs(mean)})", 1))
    pos = x[x > 0]
    if len(pos) >= 2 and pos.std() > 0:
        try:
            a, _, scale = stats.gamma.fit(pos, floc=0)
            if math.isfinite(a) and a > 0 and scale > 0:
                out.append(("gamma", stats.gamma(a, scale=scale),
                            f"gamma(shape={a:.4g}, scale={_secs(scale)})", 2))
        except (ValueError, RuntimeError, FloatingPointError):
            pass
        try:
            c, _, scale = stats.weibull_min.fit(pos, floc=0)
            if math.isfinite(c) and 0.05 < c < 50 and scale > 0:
                out.append(("weibull", stats.weibull_min(c, scale=scale),
                            f"weibull(shape={c:.4g}, scale={_secs(scale)})", 2))
        except (ValueError, RuntimeError, FloatingPointError):
            pass
        logs = np.log(pos)
        mu, s = float(logs.mean()), float(logs.std(ddof=1))
        if s > 0 and s < 8:
            m = math.exp(mu + s * s / 2)
            v = (math.exp(s * s) - 1) * math.exp(2 * mu + s * s)
            if math.isfinite(m) and math.isfinite(v):
                out.append(("lognormal", stats.lognorm(s, scale=math.exp(mu)),
                            f"lognormal(mean={_secs(m)}, sd={_secs(math.sqrt(v))})", 2))
    if sd > 0:
        out.append(("normal", stats.truncnorm(-mean / sd, np.inf, loc=mean, scale=sd),
                    f"normal(mean={_secs(mean)}, sd={_secs(sd)})", 2))
        lo, hi = float(x.min()), float(x.max())
        if hi > lo:
            out.append(("uniform", stats.uniform(lo, hi - lo),
                        f"uniform({_secs(lo)}, {_secs(hi)})", 2))
    return out


def _empirical_text(x: np.ndarray) -> str:
    values = np.sort(x) if len(x) <= EMPIRICAL_POINTS else _q(x, EMPIRICAL_POINTS)
    return "empirical([" + ", ".join(_secs(v) for v in values) + "])"


def fit_law(values, seed: int = 0) -> LawFit:
    """Choose and fit a law for ``values`` (seconds); see the module text for the rule."""
    x = np.asarray(values, float)
    x = x[np.isfinite(x) & (x >= 0)]
    n = len(x)
    if n == 0:
        raise ValueError("no values to fit")
    mean = float(x.mean())
    if np.ptp(x) == 0 or mean == 0:
        return LawFit(f"fixed({_secs(mean)})", "fixed", n, 0.0, mean)
    if n < MIN_PARAMETRIC:
        return LawFit(_empirical_text(x), "empirical", n, None, mean)
    stats = require_scipy()
    rng = np.random.default_rng(seed)
    if n > MAX_FIT:  # laws are fitted on a random subsample; the mean stays the whole one's
        x = x[rng.choice(n, MAX_FIT, replace=False)]
    idx = rng.permutation(len(x))
    folds = np.array_split(idx, FOLDS)
    sums: dict[str, list[float]] = {}
    with np.errstate(all="ignore"):
        for k in range(FOLDS):
            test = np.sort(x[folds[k]])
            train = x[np.concatenate([f for j, f in enumerate(folds) if j != k])]
            grid = (np.arange(len(test)) + 0.5) / len(test)
            for name, law, _, _ in _candidates(stats, train):
                try:
                    q = law.ppf(grid)
                except (ValueError, FloatingPointError):  # pragma: no cover
                    continue
                if np.all(np.isfinite(q)):
                    sums.setdefault(name, []).append(float(np.mean(np.abs(q - test))))
            sums.setdefault("empirical", []).append(wasserstein(train, test))
    scores = {k: float(np.mean(v)) for k, v in sums.items() if len(v) == FOLDS}
    aic: dict[str, float] = {}
    final = {}
    with np.errstate(all="ignore"):
        for name, law, text, k in _candidates(stats, x):
            final[name] = text
            ll = float(np.sum(law.logpdf(np.maximum(x, 1e-9))))
            if math.isfinite(ll):
                aic[name] = 2 * k - 2 * ll
    parametric = {k: v for k, v in scores.items() if k != "empirical" and k in final}
    best = min(parametric, key=parametric.__getitem__) if parametric else None
    if best is None or parametric[best] > PREFER_PARAMETRIC * scores["empirical"]:
        return LawFit(_empirical_text(x), "empirical", n, scores["empirical"], mean, scores, aic)
    return LawFit(final[best], best, n, parametric[best], mean, scores, aic)
