"""A queue's length over time, settled slice by slice as the engine hands records over.

A queue length (or the count of tickets in one stage) is a step function of time over all
tickets, finished or not. At each hand-over at time ``now`` every change before ``now`` is
known, so :class:`QueueLevel` integrates the step function over ``[previous hand-over,
now)`` and keeps only what the report reads: the time integral over the window, the
maximum, the integral of each half of the window (for the growing-queue test) and the value
at the instants the trend tests read.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["QueueLevel"]


class QueueLevel:
    """One step function (queue or in-stage count of one element), settled slice by slice."""

    __slots__ = ("level", "tp", "area", "first", "second", "mx", "at_warm", "seen", "peak",
                 "inst", "vals", "k")

    def __init__(self, inst: np.ndarray | None = None) -> None:
        self.level = 0
        self.tp = -math.inf     # time of the last change
        self.area = self.first = self.second = 0.0
        self.mx = -math.inf
        self.at_warm = False
        self.seen = False
        self.peak = 0           # the largest value at any time (warm-up included)
        self.inst = inst        # sorted instants the trend test reads (None: none)
        self.vals = np.zeros(0 if inst is None else len(inst))
        self.k = 0              # instants resolved so far

    def settle(self, upto: float, t: np.ndarray | None = None, lv: np.ndarray | None = None
               ) -> None:
        """Resolve the instants before ``upto``: the value after the changes at or before
        each (``t``, ``lv``: this slice's changes and levels after them)."""
        if self.inst is None:
            return
        j = int(np.searchsorted(self.inst, upto, side="left"))
        if j <= self.k:
            return
        tau = self.inst[self.k:j]
        if t is None or lv is None or not len(t):
            self.vals[self.k:j] = self.level
        else:
            i = np.searchsorted(t, tau, side="right") - 1
            self.vals[self.k:j] = np.where(i >= 0, lv[np.clip(i, 0, None)], self.level)
        self.k = j

    def advance(self, t: np.ndarray, d: np.ndarray, w0: float, mid: float, upto: float) -> None:
        """Changes ``d`` at increasing distinct times ``t`` (all before ``upto``, the slice's
        end)."""
        self.seen = True
        lv = self.level + np.cumsum(d)
        self.settle(upto, t, lv)
        self.peak = max(self.peak, int(lv.max()))
        seg_t0 = np.concatenate([[self.tp], t[:-1]])
        seg_lv = np.concatenate([[self.level], lv[:-1]]).astype(float)
        self._integrate(seg_t0, t, seg_lv, w0, mid)
        inside = t > w0
        if inside.any():
            if not self.at_warm:
                j = int(np.argmax(inside))
                self.mx = max(self.mx, float(seg_lv[j]))
                self.at_warm = True
            self.mx = max(self.mx, float(lv[inside].max()))
        self.level = int(lv[-1])
        self.tp = float(t[-1])

    def _integrate(self, a, b, lv, w0: float, mid: float) -> None:
        a = np.maximum(a, w0)
        span = np.clip(b - a, 0.0, None)
        self.area += float(np.sum(lv * span))
        if not math.isnan(mid):
            s1 = np.clip(np.minimum(b, mid) - a, 0.0, None)
            self.first += float(np.sum(lv * s1))
            a2 = np.maximum(a, mid)
            self.second += float(np.sum(lv * np.clip(b - a2, 0.0, None)))

    def close(self, end: float, w0: float, mid: float) -> dict:
        self.settle(math.inf)
        self._integrate(np.array([self.tp]), np.array([end]), np.array([float(self.level)]),
                        w0, mid)
        if not self.at_warm:
            self.mx = max(self.mx, float(self.level))
        T = end - w0
        if T <= 0:
            return {"mean": math.nan, "max": math.nan, "first_half": math.nan,
                    "second_half": math.nan}
        half = (mid - w0) if not math.isnan(mid) else math.nan
        return {"mean": self.area / T, "max": self.mx,
                "first_half": self.first / half if half > 0 else math.nan,
                "second_half": self.second / (end - mid) if end > mid else math.nan}
