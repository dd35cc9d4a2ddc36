"""The collector's step functions: queue and in-stage counts of every element, settled
slice by slice between hand-overs (:class:`bpsim.stream.levels.QueueLevel`).

A part of :class:`bpsim.stream.collect.Collector` (a mixin: the collector's attributes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bpsim.stream.groups import Groups, index_of, stable_order
from bpsim.stream.levels import QueueLevel

__all__ = ["StepFunctions"]

_NO_CHANGES = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))


class StepFunctions:
    """The step-function side of :class:`~bpsim.stream.collect.Collector`."""

    eidx: dict
    elements: list
    levels: dict
    pending: dict
    inst: Any
    warmup: float
    mid: float
    last: float

    def _changes(self, v: pd.DataFrame, what: str) -> tuple:
        """The step function's changes (element number, time, +1/-1) of visits ``v``."""
        if v.empty:
            return _NO_CHANGES
        leave = (v["start"].where(v["start"].notna(), v["end"]) if what == "queue"
                 else v["end"]).to_numpy(float)
        el = index_of(v["element"], self.eidx)
        t = np.concatenate([v["enabled"].to_numpy(float), leave])
        d = np.concatenate([np.ones(len(v)), -np.ones(len(v))])
        e = np.concatenate([el, el])
        ok = ~np.isnan(t)
        return e[ok], t[ok], d[ok]

    def _levels(self, v_done: pd.DataFrame, v_open: pd.DataFrame, now: float, final: bool) -> None:
        w0 = self.warmup
        mid = self.mid
        pending: dict[str, tuple] = {}
        for what in ("queue", "stage"):
            mine = self._changes(v_done, what)
            old = self.pending.get(what)
            if old is not None:
                mine = tuple(np.concatenate([a, b]) for a, b in zip(mine, old))
            opened = self._changes(v_open, what)
            e, t, d = (np.concatenate([a, b]) for a, b in zip(mine, opened))
            keep = (t >= self.last) & (t < now)
            e, t, d = e[keep], t[keep], d[keep]
            if not final:  # handed-over tickets' changes at ``now`` wait for the next slice
                later = mine[1] >= now
                pending[what] = tuple(a[later] for a in mine)
            g = Groups(e, len(self.elements))
            # per element, by time: by time, then stably by element (a radix sort on 16-bit
            # integers). Changes at one instant are summed exactly (+1s and -1s) whatever
            # their order, so the time sort need not be stable
            order = np.argsort(t)
            order = order[stable_order(e[order], len(self.elements))]
            e, t, d = e[order], t[order], d[order]
            lo = np.searchsorted(e, g.present, side="left")
            hi = np.searchsorted(e, g.present, side="right")
            for k, a, b in zip(g.present, lo, hi):
                tt, dd = t[a:b], d[a:b]
                new = np.ones(len(tt), dtype=bool)
                new[1:] = tt[1:] != tt[:-1]
                starts = np.nonzero(new)[0]
                dsum = np.add.reduceat(dd, starts)
                key = (what, self.elements[k])
                lvl = self.levels.get(key)
                if lvl is None:
                    lvl = self.levels[key] = QueueLevel(self.inst if what == "queue" else None)
                lvl.advance(tt[starts], dsum, w0, mid, now)
            for (wh, _e), lvl in self.levels.items():
                if wh == what:
                    lvl.settle(now)
        self.pending = pending
