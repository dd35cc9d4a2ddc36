"""A queue's length over time, settled slice by slice as the engine hands records over.

A queue length (or the count of tickets in one stage) is a step function of time over all
tickets, finished or not. At each hand-over at time ``now`` every change before ``now`` is
known, so :class:`QueueLevel` integrates the step function over ``[previous hand-over,
now)`` and keeps only what the report reads: the time integral over the window, the
maximum, the integral of each half of the window (for the growing-queue test), the value
at the instants the trend tests read, and the **curve** the queue plot draws.

The curve is the step function read on a grid of instants ``k * step`` (``k = 0, 1, ...``),
the value after every change at or before each instant, as
:func:`bpsim.analysis.queues.queue_curve` reads the record-based series. The run's end is
not always known in advance (a run ended by a number of tickets), so the grid starts fine
(:data:`CURVE_STEP0`) and doubles its step whenever the run outgrows :data:`CURVE_POINTS`
instants: the curve ends with between half and all of :data:`CURVE_POINTS` instants, and
its step is :func:`curve_step` of the run's end, whatever the hand-overs were. The step
is a power of two (in seconds), so ``t / step`` and ``k * step`` are exact and an instant
sees exactly the changes at or before it, like the record-based path on
:func:`curve_grid`. It is kept as runs ``(first instant, value)``, at most
:data:`CURVE_POINTS` of them: memory does not grow with the tickets.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["QueueLevel", "CURVE_POINTS", "CURVE_STEP0", "curve_step", "curve_grid",
           "mean_curves"]

#: Instants of the plotted curve, at most (the grid's step doubles beyond).
CURVE_POINTS = 1024
#: The grid's finest step (s): a power of two, so instants and ratios are exact.
CURVE_STEP0 = 2.0 ** -6


def curve_step(end: float) -> float:
    """The step of the curve of a run that ended at ``end``: the finest ``CURVE_STEP0 *
    2^j`` with ``end < CURVE_POINTS * step`` (what :class:`QueueLevel` reaches)."""
    step = CURVE_STEP0
    while not end < CURVE_POINTS * step:
        step *= 2.0
    return step


def curve_grid(end: float) -> np.ndarray:
    """The instants ``0, step, 2 step, ... <= end`` of the curve of a run that ended at
    ``end`` (the queue plot's time axis, for records and streaming alike)."""
    step = curve_step(end)
    return np.arange(int(math.floor(end / step)) + 1, dtype=float) * step


def _last_per_index(k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs with non-decreasing ``k``: the last of each index, then runs that change the
    value only (the first run is kept)."""
    last = np.ones(len(k), dtype=bool)
    last[:-1] = k[1:] != k[:-1]
    k, v = k[last], v[last]
    keep = np.ones(len(k), dtype=bool)
    keep[1:] = v[1:] != v[:-1]
    return k[keep], v[keep]


def _coarsen(step: float, k: np.ndarray, v: np.ndarray, to: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Runs on the grid of ``step`` read on the coarser grid of ``to`` (a power-of-two
    multiple): the value at coarse instant ``m`` is the fine one at ``m * to / step``."""
    f = int(round(to / step))
    if f <= 1:
        return k, v
    return _last_per_index(-((-k) // f), v)


def _dense(k: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """The curve's values at instants ``0 .. n-1`` from its runs (the last one holds)."""
    i = np.searchsorted(k, np.arange(n), side="right") - 1
    return np.where(i >= 0, v[np.clip(i, 0, None)], 0).astype(float)


def mean_curves(curves: list[dict[str, tuple]], replications: int, end: float
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The mean curve across replications per element, on :func:`curve_grid` of ``end``
    (the latest replication's). ``curves``: per replication ``{element: (step, end, k, v)}`` (what
    :meth:`QueueLevel.close` leaves under ``"curve"``); a replication without an element
    counts an empty queue, one that ended earlier holds its last value, as
    :func:`bpsim.analysis.queues.queue_curve` reads them."""
    step = curve_step(end)
    n = int(math.floor(end / step)) + 1
    grid = np.arange(n, dtype=float) * step
    out: dict[str, np.ndarray] = {}
    for per in curves:
        for element, (st, _end, k, v) in per.items():
            kk, vv = _coarsen(st, k, v, step)
            acc = out.get(element)
            if acc is None:
                acc = out[element] = np.zeros(n)
            acc += _dense(kk, vv, n)
    return grid, {e: c / max(replications, 1) for e, c in out.items()}


class QueueLevel:
    """One step function (queue or in-stage count of one element), settled slice by slice."""

    __slots__ = ("level", "tp", "area", "first", "second", "mx", "at_warm", "seen", "peak",
                 "inst", "vals", "k", "cstep", "ck", "cv")

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
        self.cstep = CURVE_STEP0  # the curve: runs (first instant ck, value cv)
        self.ck = np.zeros(1, dtype=np.int64)
        self.cv = np.zeros(1, dtype=np.int64)

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
        self._curve(t, lv)

    # -- the curve ----------------------------------------------------------------------------
    def _cover(self, x: float) -> None:
        """Coarsen the grid until instant ``x`` is on it."""
        step = self.cstep
        while not x < CURVE_POINTS * step:
            step *= 2.0
        if step != self.cstep:
            self.ck, self.cv = _coarsen(self.cstep, self.ck, self.cv, step)
            self.cstep = step

    def _curve(self, t: np.ndarray, lv: np.ndarray) -> None:
        """Changes at increasing times ``t`` (after every earlier one), levels ``lv``
        after them: a change at ``t`` shows from instant ``ceil(t / step)`` on."""
        self._cover(float(t[-1]))
        k = np.ceil(t / self.cstep).astype(np.int64)
        j = int(np.searchsorted(self.ck, k[0], side="left"))
        self.ck, self.cv = _last_per_index(np.concatenate([self.ck[:j], k]),
                                           np.concatenate([self.cv[:j],
                                                           lv.astype(np.int64)]))

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
        """The window figures (``mean``, ``max``, ``first_half``, ``second_half``) and
        ``curve``: ``(step, end, first instants, values)``, the runs of the curve."""
        self.settle(math.inf)
        self._integrate(np.array([self.tp]), np.array([end]), np.array([float(self.level)]),
                        w0, mid)
        if not self.at_warm:
            self.mx = max(self.mx, float(self.level))
        self._cover(float(end))
        curve = (self.cstep, float(end), self.ck, self.cv)
        T = end - w0
        if T <= 0:
            return {"mean": math.nan, "max": math.nan, "first_half": math.nan,
                    "second_half": math.nan, "curve": curve}
        half = (mid - w0) if not math.isnan(mid) else math.nan
        return {"mean": self.area / T, "max": self.mx,
                "first_half": self.first / half if half > 0 else math.nan,
                "second_half": self.second / (end - mid) if end > mid else math.nan,
                "curve": curve}
