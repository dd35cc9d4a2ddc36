"""Rows grouped by small integer keys: sums and counts per group with numpy, no pandas.

The collector folds every chunk of records into per-group sums (per element, class, role
...). A pandas ``groupby`` on such keys costs a millisecond or more of fixed overhead per
call and per group; here a group key is one integer per row (the element's number, or
several numbers combined), and a group's sum is one ``numpy.bincount``. The groups are
listed in the order of their first row, as ``groupby(..., sort=False)`` lists them, so the
summaries' dictionaries are filled in the same order as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["Groups", "index_of", "stable_order", "add_row", "add_sketch"]


def stable_order(keys: np.ndarray, size: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of integer keys in ``[0, size)``: as 16-bit
    integers when they fit, which numpy sorts by radix (several times faster than the
    merge sort it runs on 64-bit integers); the same order."""
    k = np.asarray(keys)
    if size <= 1 << 15 and k.dtype != np.int16:
        k = k.astype(np.int16)
    return np.argsort(k, kind="stable")


def index_of(col: pd.Series | np.ndarray, where: dict) -> np.ndarray:
    """Each row's position in ``where`` (a ``{value: position}`` dict), -1 when missing or
    not in it; a categorical column is translated through its categories alone."""
    if isinstance(col, pd.Series) and isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        cats = col.cat.categories
    else:
        codes, cats = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
    lut = np.array([where.get(c, -1) for c in cats] + [-1], dtype=np.int64)
    return lut[codes]


class Groups:
    """Rows keyed by integers in ``[0, size)``; the groups present, in order of first row.

    >>> g = Groups(np.array([2, 0, 2, 1]), 3)
    >>> g.present.tolist(), g.count().tolist(), g.sum(np.array([1.0, 2.0, np.nan, 4.0])).tolist()
    ([2, 0, 1], [2.0, 1.0, 1.0], [1.0, 2.0, 4.0])
    """

    __slots__ = ("keys", "size", "present", "first", "_order", "_bounds")

    def __init__(self, keys: np.ndarray, size: int) -> None:
        self.keys = np.asarray(keys, dtype=np.int64)
        self.size = max(int(size), 1)
        n = len(self.keys)
        first = np.full(self.size, n, dtype=np.int64)
        if n:
            np.minimum.at(first, self.keys, np.arange(n, dtype=np.int64))
        seen = np.flatnonzero(first < n)
        self.present = seen[np.argsort(first[seen], kind="stable")]
        self.first = first[self.present]          # each group's first row
        self._order: np.ndarray | None = None
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.present)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (``mask``: only the rows where it is true)."""
        w = None if mask is None else np.asarray(mask, dtype=float)
        return np.bincount(self.keys, weights=w, minlength=self.size)[self.present].astype(float)

    def sum(self, x: np.ndarray) -> np.ndarray:
        """Sum per group, NaNs skipped (``numpy.nansum`` of each group)."""
        x = np.asarray(x, dtype=float)
        return np.bincount(self.keys, weights=np.where(np.isnan(x), 0.0, x),
                           minlength=self.size)[self.present]

    def valid(self, x: np.ndarray) -> np.ndarray:
        """Non-NaN values per group."""
        return self.count(~np.isnan(np.asarray(x, dtype=float)))

    def distinct(self, values: np.ndarray) -> np.ndarray:
        """Distinct ``values`` (non-negative integers) per group."""
        v = np.asarray(values, dtype=np.int64)
        if not len(v):
            return np.zeros(len(self.present))
        pair = np.unique(self.keys * (int(v.max()) + 1) + v)
        return np.bincount(pair // (int(v.max()) + 1), minlength=self.size)[self.present].astype(float)

    def split(self, x: np.ndarray) -> list[np.ndarray]:
        """``x``'s values of each group (in the groups' order; rows in their order)."""
        if self._order is None or self._bounds is None:
            self._order = stable_order(self.keys, self.size)
            sk = self.keys[self._order]
            self._bounds = (np.searchsorted(sk, self.present, side="left"),
                            np.searchsorted(sk, self.present, side="right"))
        xs = np.asarray(x)[self._order]
        lo, hi = self._bounds
        return [xs[a:b] for a, b in zip(lo, hi)]


def add_row(store: dict, key, values: dict) -> None:
    """Add ``values`` column by column into ``store[key]`` (a new row when missing)."""
    row = store.get(key)
    if row is None:
        store[key] = dict(values)
    else:
        for k, v in values.items():
            row[k] = row.get(k, 0.0) + v


def add_sketch(store: dict, key, values, exact: int | None = None) -> None:
    """Add ``values`` to the sketch ``store[key]`` (a new one, ``exact`` values kept exactly,
    when missing)."""
    from bpsim.stream.sketch import QuantileSketch

    sk = store.get(key)
    if sk is None:
        sk = store[key] = QuantileSketch(exact=exact)
    sk.add(values)
