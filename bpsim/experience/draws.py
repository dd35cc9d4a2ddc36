"""Per-ticket random draws keyed by the ticket itself: (seed, purpose, replication, case).

The customer's mood (the satisfaction score's noise) and whether the customer answers the
survey are one draw per ticket. Each draw is a **counter-based** hash of four integers (the
run's seed, the purpose of the draw, the replication and the case number) through the
SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014; the mixer of Java's
``SplittableRandom``), the top 53 bits giving a uniform in (0, 1); a normal draw is the
inverse normal CDF of that uniform. A draw depends on nothing else: not on how many
tickets the run had, nor on which others are computed with it. So

* the same ticket gets the same draw in two scenarios run with the same seed (common random
  numbers: differences are what the service did, not the dice);
* the record-based path (all tickets at once) and streaming statistics (the tickets of one
  chunk at a time) draw the same numbers;
* any subset of tickets is drawn in one vectorised step.
"""

from __future__ import annotations

import numpy as np

__all__ = ["uniform", "normal", "inverse_normal_cdf", "MOOD", "SURVEY"]

#: Purposes (the second integer of the key): one independent stream per use.
MOOD, SURVEY = 1, 2

_MASK = (1 << 64) - 1
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser (a bijection of 64-bit integers; arithmetic wraps)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _u64(x) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind in "iu":
        return a.astype(np.int64).view(np.uint64) if a.dtype.kind == "i" else a.astype(np.uint64)
    return np.asarray(int(x) & _MASK, dtype=np.uint64)


def _hash(seed: int | None, purpose: int, replication, case) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = _mix(np.asarray((int(seed or 0) & _MASK), dtype=np.uint64) + _GAMMA)
        h = _mix(h ^ (_u64(purpose) * _GAMMA + _GAMMA))
        h = _mix(h ^ (_u64(replication) * _GAMMA + _GAMMA))
        return _mix(h ^ (_u64(case) * _GAMMA + _GAMMA))


def uniform(seed: int | None, purpose: int, replication, case) -> np.ndarray:
    """One uniform draw in the open interval (0, 1) per (replication, case) pair
    (arrays broadcast; ``seed`` ``None`` counts as 0)."""
    h = np.broadcast_to(_hash(seed, purpose, replication, case),
                        np.broadcast(np.asarray(replication), np.asarray(case)).shape)
    return ((h >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / (1 << 53))


def normal(seed: int | None, purpose: int, replication, case) -> np.ndarray:
    """One standard normal draw per (replication, case) pair: the inverse normal CDF of
    :func:`uniform` (:func:`inverse_normal_cdf`)."""
    return inverse_normal_cdf(uniform(seed, purpose, replication, case))


# Acklam's rational approximation of the inverse normal CDF (relative error below 1.15e-9)
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00)
_LOW = 0.02425


def inverse_normal_cdf(p) -> np.ndarray:
    """The standard normal quantile of each ``p`` in (0, 1), with numpy only (P. J.
    Acklam's rational approximation: relative error below 1.15e-9, far inside what a
    customer's mood needs), so that the draws are the same on every install, with or
    without SciPy."""
    p = np.asarray(p, dtype=float)
    out = np.empty_like(p)
    lo, hi = p < _LOW, p > 1.0 - _LOW
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    a, b = _A, _B
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0))
    c, d = _C, _D
    for side, sign in ((lo, 1.0), (hi, -1.0)):
        if side.any():
            x = p[side] if sign > 0 else 1.0 - p[side]
            t = np.sqrt(-2.0 * np.log(x))
            out[side] = sign * ((((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t
                                 + c[5])
                                / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0))
    return out
