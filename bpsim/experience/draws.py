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

__all__ = ["uniform", "normal", "MOOD", "SURVEY"]

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
    :func:`uniform` (``scipy.special.ndtri``)."""
    from scipy.special import ndtri

    return ndtri(uniform(seed, purpose, replication, case))
