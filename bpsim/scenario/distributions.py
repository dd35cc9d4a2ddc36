"""Distributions: how long things take, as laws rather than single numbers.

No two tickets take the same time: a password reset takes 3 minutes, a broken mailbox an hour.
A scenario therefore gives each task a *law* of durations: "exponential with a mean of 6
minutes", "between 5 and 15 minutes", "usually 10, at worst 30". Each law here is a small
object with

* ``sample(rng)``: one draw, in seconds (never negative),
* ``sample_many(rng, n)``: ``n`` draws at once as a numpy array (the fast path),
* ``mean`` (and ``variance``): exact values, not estimates,
* a ``repr`` that reads like its constructor, ``Exponential(mean=360.0)``, and
* ``spec()``: the scenario-file text that builds it again, ``"exponential(mean=6m)"``.

Parameters are checked when the law is built; a bad one raises
:class:`~bpsim.errors.ScenarioError`. Draws use a :class:`numpy.random.Generator`.

The text forms (see :func:`~bpsim.scenario.parse.parse_distribution`) are
``exponential(mean=6m)``, ``fixed(30m)``, ``uniform(5m, 15m)``, ``triangular(5m, 10m, 30m)``,
``normal(mean=10m, sd=2m)``, ``lognormal(mean=10m, sd=5m)``, ``gamma(shape=2, scale=5m)`` or
``gamma(mean=10m, sd=5m)``, ``erlang(k=3, mean=9m)``, ``empirical([4m, 6m, 7m])`` and
``histogram(bins=[0, 5m, 15m], weights=[3, 1])``, ``weibull(shape=1.5, scale=10m)`` and
``truncnormal(mean=10m, sd=5m, low=2m, high=30m)``; ``empirical`` takes optional ``weights``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bpsim.errors import ScenarioError
from bpsim.scenario.durations import duration_text

__all__ = [
    "Distribution",
    "Fixed",
    "Exponential",
    "Uniform",
    "Triangular",
    "Normal",
    "LogNormal",
    "Gamma",
    "Erlang",
    "Empirical",
    "Histogram",
    "Weibull",
    "TruncatedNormal",
]


def _check(ok: bool, law: str, message: str) -> None:
    if not ok:
        raise ScenarioError(f"{law}: {message}.", hint="fix the law's parameters.")


def _finite_nonneg(law: str, **values: float) -> None:
    for name, v in values.items():
        _check(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0,
            law,
            f"{name} must be a finite non-negative number of seconds, got {v!r}",
        )


class Distribution:
    """Base class of bpsim's laws (durations in seconds, never negative)."""

    #: The name used in scenario text, e.g. ``"exponential"``.
    keyword: str = ""

    def sample(self, rng: np.random.Generator) -> float:
        """One draw in seconds."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws in seconds, as a float array."""
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """The exact mean in seconds."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """The exact variance in seconds squared."""
        raise NotImplementedError

    def _params(self) -> dict[str, object]:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def spec(self) -> str:
        """Scenario-file text that builds this law again: ``"exponential(mean=6m)"``."""

        def text(v: object) -> str:
            if isinstance(v, (list, tuple)):
                return "[" + ", ".join(text(x) for x in v) + "]"
            if isinstance(v, float):
                return duration_text(v)
            return repr(v)

        args = ", ".join(f"{k}={text(v)}" for k, v in self._params().items())
        return f"{self.keyword}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._params() == other._params()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


class Fixed(Distribution):
    """Always the same value: ``fixed(30m)``, or a bare duration ``30m``."""

    keyword = "fixed"

    def __init__(self, value: float) -> None:
        _finite_nonneg("fixed", value=value)
        self.value = float(value)

    def sample(self, rng: np.random.Generator) -> float:
        return self.value

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def _params(self) -> dict[str, object]:
        return {"value": self.value}

    def spec(self) -> str:
        return f"fixed({duration_text(self.value)})"


class Exponential(Distribution):
    """Memoryless times, e.g. between two independent e-mails: ``exponential(mean=6m)``."""

    keyword = "exponential"

    def __init__(self, mean: float) -> None:
        _finite_nonneg("exponential", mean=mean)
        _check(mean > 0, "exponential", "mean must be positive")
        self._mean = float(mean)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self._mean))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self._mean, n)

    @property
    def mean(self) -> float:
        return self._mean

    @property
    def variance(self) -> float:
        return self._mean**2

    def _params(self) -> dict[str, object]:
        return {"mean": self._mean}


class Uniform(Distribution):
    """Any value between ``low`` and ``high`` equally likely: ``uniform(5m, 15m)``."""

    keyword = "uniform"

    def __init__(self, low: float, high: float) -> None:
        _finite_nonneg("uniform", low=low, high=high)
        _check(low <= high, "uniform", f"low ({low}) must not exceed high ({high})")
        self.low, self.high = float(low), float(high)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def _params(self) -> dict[str, object]:
        return {"low": self.low, "high": self.high}


class Triangular(Distribution):
    """Three-point estimate, at least / usually / at most: ``triangular(5m, 10m, 30m)``."""

    keyword = "triangular"

    def __init__(self, low: float, mode: float, high: float) -> None:
        _finite_nonneg("triangular", low=low, mode=mode, high=high)
        _check(low <= mode <= high, "triangular", "need low <= mode <= high")
        _check(low < high, "triangular", "low must be below high (use fixed() for one value)")
        self.low, self.mode, self.high = float(low), float(mode), float(high)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.triangular(self.low, self.mode, self.high))

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def _params(self) -> dict[str, object]:
        return {"low": self.low, "mode": self.mode, "high": self.high}


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _Phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


class Normal(Distribution):
    """A bell curve around ``mean`` with spread ``sd``, cut at 0: ``normal(mean=10m, sd=2m)``.

    ``mean`` and ``sd`` are those of the bell curve *before* negative values are removed
    (they are redrawn). The exact mean of the law is therefore slightly above ``mean`` when
    ``sd`` is large: ``mean + sd * phi(a) / (1 - Phi(a))`` with ``a = -mean / sd``.
    """

    keyword = "normal"

    def __init__(self, mean: float, sd: float) -> None:
        _finite_nonneg("normal", mean=mean, sd=sd)
        _check(mean > 0, "normal", "mean must be positive (the law is cut at 0)")
        self.mu, self.sd = float(mean), float(sd)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        out = rng.normal(self.mu, self.sd, n)
        bad = out < 0
        while bad.any():  # at least half the mass is >= 0: a few rounds at most
            out[bad] = rng.normal(self.mu, self.sd, int(bad.sum()))
            bad = out < 0
        return out

    def sample(self, rng: np.random.Generator) -> float:
        while True:
            x = rng.normal(self.mu, self.sd)
            if x >= 0:
                return float(x)

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mu
        a = -self.mu / self.sd
        return self.mu + self.sd * _phi(a) / (1 - _Phi(a))

    @property
    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        a = -self.mu / self.sd
        lam = _phi(a) / (1 - _Phi(a))
        return self.sd**2 * (1 + a * lam - lam**2)

    def _params(self) -> dict[str, object]:
        return {"mean": self.mu, "sd": self.sd}


class LogNormal(Distribution):
    """A right-skewed law (most short, a few very long), given by its own ``mean`` and ``sd``:
    ``lognormal(mean=10m, sd=5m)``."""

    keyword = "lognormal"

    def __init__(self, mean: float, sd: float) -> None:
        _finite_nonneg("lognormal", mean=mean, sd=sd)
        _check(mean > 0, "lognormal", "mean must be positive")
        self._mean, self.sd = float(mean), float(sd)
        self.sigma = math.sqrt(math.log1p((sd / mean) ** 2))
        self.mu = math.log(mean) - self.sigma**2 / 2

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(self.mu, self.sigma, n)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.lognormal(self.mu, self.sigma))

    @property
    def mean(self) -> float:
        return self._mean

    @property
    def variance(self) -> float:
        return self.sd**2

    def _params(self) -> dict[str, object]:
        return {"mean": self._mean, "sd": self.sd}


class Gamma(Distribution):
    """``gamma(shape=2, scale=5m)`` or, by its moments, ``gamma(mean=10m, sd=5m)``."""

    keyword = "gamma"

    def __init__(
        self,
        shape: float | None = None,
        scale: float | None = None,
        *,
        mean: float | None = None,
        sd: float | None = None,
    ) -> None:
        by_moments = mean is not None or sd is not None
        self._moments: tuple[float, float] | None = None
        if by_moments:
            _check(shape is None and scale is None and mean is not None and sd is not None,
                   "gamma", "give either shape and scale, or mean and sd")  # fmt: skip
            assert mean is not None and sd is not None  # checked just above
            _finite_nonneg("gamma", mean=mean, sd=sd)
            _check(mean > 0 and sd > 0, "gamma", "mean and sd must be positive")
            shape, scale = (mean / sd) ** 2, sd**2 / mean
            self._moments = (float(mean), float(sd))
        _check(shape is not None and scale is not None, "gamma", "give shape and scale")
        assert shape is not None and scale is not None  # checked just above
        _finite_nonneg("gamma", shape=shape, scale=scale)
        _check(shape > 0 and scale > 0, "gamma", "shape and scale must be positive")
        self.shape, self.scale = float(shape), float(scale)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, n)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.gamma(self.shape, self.scale))

    @property
    def mean(self) -> float:
        return self._moments[0] if self._moments else self.shape * self.scale

    @property
    def variance(self) -> float:
        return self._moments[1] ** 2 if self._moments else self.shape * self.scale**2

    def _params(self) -> dict[str, object]:
        if self._moments:
            return {"mean": self._moments[0], "sd": self._moments[1]}
        return {"shape": self.shape, "scale": self.scale}

    def spec(self) -> str:
        if self._moments:
            return super().spec()
        return f"gamma(shape={self.shape!r}, scale={duration_text(self.scale)})"


class Erlang(Distribution):
    """The sum of ``k`` equal exponential phases, total mean ``mean``: ``erlang(k=3, mean=9m)``."""

    keyword = "erlang"

    def __init__(self, k: int | float, mean: float) -> None:
        _check(isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 1
               or (isinstance(k, float) and k.is_integer() and k >= 1),
               "erlang", f"k must be a whole number >= 1, got {k!r}")  # fmt: skip
        _finite_nonneg("erlang", mean=mean)
        _check(mean > 0, "erlang", "mean must be positive")
        self.k, self._mean = int(k), float(mean)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.k, self._mean / self.k, n)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.gamma(self.k, self._mean / self.k))

    @property
    def mean(self) -> float:
        return self._mean

    @property
    def variance(self) -> float:
        return self._mean**2 / self.k

    def _params(self) -> dict[str, object]:
        return {"k": self.k, "mean": self._mean}

    def spec(self) -> str:
        return f"erlang(k={self.k}, mean={duration_text(self._mean)})"


class Empirical(Distribution):
    """Resample observed durations, each equally likely: ``empirical([4m, 6m, 7m, 30m])``;
    with ``weights`` each value is drawn in proportion to its weight:
    ``empirical([5m, 10m], weights=[3, 1])`` (a discrete law)."""

    keyword = "empirical"

    def __init__(self, values: Sequence[float], weights: Sequence[float] | None = None) -> None:
        observed = [] if isinstance(values, (int, float, str)) else list(values)
        _check(bool(observed), "empirical", "give a non-empty list of observed durations")
        _finite_nonneg("empirical", **{f"values[{i}]": v for i, v in enumerate(observed)})
        self.values = np.asarray(observed, dtype=float)
        self.weights: np.ndarray | None = None
        self._p: np.ndarray | None = None
        if weights is not None:
            weights = list(weights)
            _check(len(weights) == len(observed), "empirical",
                   f"need one weight per value: {len(observed)} values, {len(weights)} weights")  # fmt: skip
            _finite_nonneg("empirical", **{f"weights[{i}]": w for i, w in enumerate(weights)})
            _check(sum(weights) > 0, "empirical", "weights must not all be zero")
            self.weights = np.asarray(weights, dtype=float)
            self._p = self.weights / self.weights.sum()

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self._p is not None:
            return self.values[rng.choice(len(self.values), size=n, p=self._p)]
        return self.values[rng.integers(0, len(self.values), n)]

    def sample(self, rng: np.random.Generator) -> float:
        if self._p is not None:
            return float(self.sample_many(rng, 1)[0])
        return float(self.values[rng.integers(0, len(self.values))])

    @property
    def mean(self) -> float:
        if self._p is not None:
            return float((self._p * self.values).sum())
        return float(self.values.mean())

    @property
    def variance(self) -> float:
        if self._p is not None:
            return float((self._p * self.values**2).sum() - self.mean**2)
        return float(self.values.var())

    def _params(self) -> dict[str, object]:
        params: dict[str, object] = {"values": [float(v) for v in self.values]}
        if self.weights is not None:
            params["weights"] = [float(w) for w in self.weights]
        return params

    def spec(self) -> str:
        text = "empirical([" + ", ".join(duration_text(v) for v in self.values) + "]"
        if self.weights is not None:
            text += ", weights=[" + ", ".join(repr(float(w)) for w in self.weights) + "]"
        return text + ")"


class Histogram(Distribution):
    """Binned observations: pick a bin by weight, then a uniform value inside it:
    ``histogram(bins=[0, 5m, 15m, 1h], weights=[60, 30, 10])``."""

    keyword = "histogram"

    def __init__(self, bins: Sequence[float], weights: Sequence[float]) -> None:
        bins, weights = list(bins), list(weights)
        _check(len(bins) >= 2, "histogram", "give at least two bin edges")
        _check(len(weights) == len(bins) - 1, "histogram",
               f"need one weight per bin: {len(bins) - 1} bins, {len(weights)} weights")  # fmt: skip
        _finite_nonneg("histogram", **{f"bins[{i}]": v for i, v in enumerate(bins)})
        _finite_nonneg("histogram", **{f"weights[{i}]": v for i, v in enumerate(weights)})
        _check(all(a < b for a, b in zip(bins, bins[1:])), "histogram", "bin edges must increase")
        _check(sum(weights) > 0, "histogram", "weights must not all be zero")
        self.bins = np.asarray(bins, dtype=float)
        self.weights = np.asarray(weights, dtype=float)
        self._p = self.weights / self.weights.sum()

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        i = rng.choice(len(self._p), size=n, p=self._p)
        return rng.uniform(self.bins[i], self.bins[i + 1])

    @property
    def mean(self) -> float:
        mids = (self.bins[:-1] + self.bins[1:]) / 2
        return float((self._p * mids).sum())

    @property
    def variance(self) -> float:
        a, b = self.bins[:-1], self.bins[1:]
        second = (self._p * (a * a + a * b + b * b) / 3).sum()
        return float(second - self.mean**2)

    def _params(self) -> dict[str, object]:
        return {"bins": [float(v) for v in self.bins], "weights": [float(w) for w in self.weights]}

    def spec(self) -> str:
        bins = ", ".join(duration_text(v) for v in self.bins)
        weights = ", ".join(repr(float(w)) for w in self.weights)
        return f"histogram(bins=[{bins}], weights=[{weights}])"


class Weibull(Distribution):
    """Times whose hazard rises (``shape`` > 1) or falls (< 1) with age; ``scale`` is the
    63rd percentile: ``weibull(shape=1.5, scale=10m)``. Mean ``scale * Gamma(1 + 1/shape)``."""

    keyword = "weibull"

    def __init__(self, shape: float, scale: float) -> None:
        _finite_nonneg("weibull", shape=shape, scale=scale)
        _check(shape > 0 and scale > 0, "weibull", "shape and scale must be positive")
        self.shape, self.scale = float(shape), float(scale)

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, n)

    @property
    def mean(self) -> float:
        return self.scale * math.gamma(1 + 1 / self.shape)

    @property
    def variance(self) -> float:
        g1, g2 = math.gamma(1 + 1 / self.shape), math.gamma(1 + 2 / self.shape)
        return self.scale**2 * (g2 - g1 * g1)

    def _params(self) -> dict[str, object]:
        return {"shape": self.shape, "scale": self.scale}

    def spec(self) -> str:
        return f"weibull(shape={self.shape!r}, scale={duration_text(self.scale)})"


class TruncatedNormal(Distribution):
    """A bell curve around ``mean`` with spread ``sd``, kept between ``low`` and ``high``
    (values outside are redrawn): ``truncnormal(mean=10m, sd=5m, low=2m, high=30m)``.

    ``mean`` and ``sd`` are the bell curve's before truncation; the exact mean of the law is
    ``mean + sd * (phi(a) - phi(b)) / (Phi(b) - Phi(a))`` with ``a = (low - mean) / sd`` and
    ``b = (high - mean) / sd``.
    """

    keyword = "truncnormal"

    def __init__(self, mean: float, sd: float, low: float = 0.0, high: float = math.inf) -> None:
        _finite_nonneg("truncnormal", mean=mean, sd=sd, low=low)
        _check(isinstance(high, (int, float)) and high > low, "truncnormal",
               f"high must be above low, got low={low!r}, high={high!r}")  # fmt: skip
        self.mu, self.sd, self.low, self.high = float(mean), float(sd), float(low), float(high)
        if self.sd > 0:
            a, b = self._ab()
            mass = _Phi(b) - _Phi(a)
            _check(mass > 1e-6, "truncnormal",
                   "almost none of the bell curve lies between low and high")  # fmt: skip
        else:
            _check(self.low <= self.mu <= self.high, "truncnormal",
                   "with sd 0 the mean must lie between low and high")  # fmt: skip

    def _ab(self) -> tuple[float, float]:
        return (self.low - self.mu) / self.sd, (self.high - self.mu) / self.sd

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.sd == 0:
            return np.full(n, self.mu)
        out = rng.normal(self.mu, self.sd, n)
        bad = (out < self.low) | (out > self.high)
        while bad.any():
            out[bad] = rng.normal(self.mu, self.sd, int(bad.sum()))
            bad = (out < self.low) | (out > self.high)
        return out

    @property
    def mean(self) -> float:
        if self.sd == 0:
            return self.mu
        a, b = self._ab()
        z = _Phi(b) - _Phi(a)
        return self.mu + self.sd * (_phi(a) - _phi(b)) / z

    @property
    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        a, b = self._ab()
        z = _Phi(b) - _Phi(a)
        pa, pb = _phi(a), _phi(b)
        ta = a * pa if math.isfinite(a) else 0.0
        tb = b * pb if math.isfinite(b) else 0.0
        return self.sd**2 * (1 + (ta - tb) / z - ((pa - pb) / z) ** 2)

    def _params(self) -> dict[str, object]:
        params: dict[str, object] = {"mean": self.mu, "sd": self.sd, "low": self.low}
        if math.isfinite(self.high):
            params["high"] = self.high
        return params
