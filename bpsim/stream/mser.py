"""The collector's MSER-5 sums: per batch of 5 tickets (in arrival order) their time in the
system and the first and last arrivals, for the warm-up cut
(:func:`bpsim.analysis.warmup.truncation`'s rule).

A part of :class:`bpsim.stream.collect.Collector` (a mixin: the collector's attributes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MserSums"]


class MserSums:
    """The MSER-5 side of :class:`~bpsim.stream.collect.Collector`."""

    m_sum: np.ndarray
    m_arr0: np.ndarray
    m_arr4: Any
    m_kept: int
    end_known: Any

    def _fold_mser(self, cases: pd.DataFrame, run_end: float | None) -> None:
        ids = cases["case"].to_numpy(np.int64)
        if not len(ids):
            return
        arr = cases["arrival"].to_numpy(float)
        fin = cases["end"].to_numpy(float)
        if run_end is not None:
            fin = np.where(np.isnan(fin), run_end, np.minimum(fin, run_end))
        b = ids // 5
        need = int(b.max()) + 1
        if need > len(self.m_sum):
            size = max(need, 2 * len(self.m_sum))
            self.m_sum = np.concatenate([self.m_sum, np.zeros(size - len(self.m_sum))])
            self.m_arr0 = np.concatenate([self.m_arr0, np.full(size - len(self.m_arr0), np.nan)])
            if self.m_arr4 is not None:
                self.m_arr4 = np.concatenate([self.m_arr4, np.full(size - len(self.m_arr4), np.nan)])
        np.add.at(self.m_sum, b, fin - arr)
        r = ids % 5
        self.m_arr0[b[r == 0]] = arr[r == 0]
        if self.m_arr4 is not None:
            self.m_arr4[b[r == 4]] = arr[r == 4]
        else:
            from bpsim.analysis.warmup import TAIL

            self.m_kept += int((arr < float(self.end_known or 0.0) * (1.0 - TAIL)).sum())

    def _mser(self, end: float) -> tuple[float, bool]:
        """This replication's MSER-5 cut and whether it is reliable, as
        :func:`bpsim.analysis.warmup.truncation` computes them."""
        from bpsim.analysis.warmup import BATCH, TAIL, mser5

        if self.m_arr4 is not None:
            ok = self.m_arr4 < end * (1.0 - TAIL)
            k = int(np.argmin(ok)) if not ok.all() else len(ok)
            kept = BATCH * k
        else:
            kept = self.m_kept
            k = kept // BATCH
        z = self.m_sum[:k] / BATCH
        d, kk = mser5(z, batch=1)
        reliable = not (kk >= 4 and d >= kk // 2)
        cut = float(self.m_arr0[d]) if d and kept > d * BATCH else 0.0
        return cut, reliable
