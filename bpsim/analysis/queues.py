"""Queue lengths over time, their time averages, and Little's law.

The queue at a stage is the tickets that reached it but that nobody has taken in charge yet
(``enabled`` but not ``start``-ed): the pile of tickets in the agents' inbox. It is a step
function of time that rises by one at each ``enabled`` and falls by one at each ``start``
(or when a queued ticket leaves unserved: interrupted, withdrawn). Unlike the wait figures,
the queue counts every ticket physically present, warm-up arrivals included: it is what an
observer would see in the inbox.

* :func:`queue_series` - the step function per replication and element (table ``queues``).
* :func:`time_average` - the time-weighted mean and the maximum over ``[warmup, end]``.
* :func:`queue_curve` - the mean curve across replications on a common time grid (plots).
* :func:`littles_law` - ``L = lambda * W`` per stage, a consistency check of the pipeline:
  ``L`` the time-weighted mean number in queue (in stage) over the window, ``lambda`` the
  tickets present in it during the window (arrived in it, or already queued when the
  warm-up ended) per second, ``W`` their mean time in queue (stage) inside the window.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci
from bpsim.analysis.visits import per_replication

__all__ = ["queue_series", "time_average", "queue_stats", "queue_curve", "littles_law",
           "little_sums", "little_table", "replication_slices", "pair_blocks"]


def _leave_queue(v: pd.DataFrame) -> pd.Series:
    return v["start"].where(v["start"].notna(), v["end"])


def replication_slices(visits: pd.DataFrame) -> list[pd.DataFrame]:
    """``visits`` cut into one slice per replication when its rows come replication by
    replication in increasing order (as :func:`bpsim.analysis.visits.visits` builds them),
    else ``[visits]``. A figure computed per slice and put together in slice order is the
    figure of the whole table, with working arrays the size of one replication's visits."""
    rep = visits["replication"].to_numpy()
    if len(rep) < 2:
        return [visits]
    starts = np.concatenate([[0], np.flatnonzero(rep[1:] != rep[:-1]) + 1])
    if len(starts) < 2 or not bool(np.all(np.diff(rep[starts]) > 0)):
        return [visits]
    ends = np.append(starts[1:], len(rep))
    return [visits.iloc[a:b] for a, b in zip(starts, ends)]


def _by_replication(func, visits: pd.DataFrame, *args) -> pd.DataFrame:
    parts = replication_slices(visits)
    if len(parts) == 1:
        return func(visits, *args)
    return pd.concat([func(part, *args) for part in parts], ignore_index=True)


def queue_series(visits: pd.DataFrame, what: str = "queue") -> pd.DataFrame:
    """The number in queue (``what="queue"``) or in stage (``"stage"``) after each change.

    Returns columns ``replication``, ``element``, ``time``, ``length``: the step function's
    value from ``time`` until the next row of the same replication and element (0 before
    the first row). Simultaneous changes are merged, so no zero-length spike appears.
    Computed one replication at a time (:func:`replication_slices`).
    """
    cols = ["replication", "element", "time", "length"]
    if visits.empty:
        return pd.DataFrame(columns=cols)
    return _by_replication(_queue_series, visits, what)


def _queue_series(visits: pd.DataFrame, what: str) -> pd.DataFrame:
    cols = ["replication", "element", "time", "length"]
    leave = (_leave_queue(visits) if what == "queue" else visits["end"]).to_numpy(float)
    el = visits["element"]
    if not isinstance(el.dtype, pd.CategoricalDtype):
        el = el.astype("category")
    cats = el.cat.categories
    # group codes in the order of the sorted element names
    rank = np.empty(len(cats), dtype=np.int64)
    rank[np.argsort(np.array([str(c) for c in cats], dtype=object), kind="stable")] = \
        np.arange(len(cats))
    ecode = rank[el.cat.codes.to_numpy()]
    rep = visits["replication"].to_numpy()
    group = rep.astype(np.int64) * max(len(cats), 1) + ecode
    en = visits["enabled"].to_numpy(float)
    times = np.concatenate([en, leave])
    delta = np.concatenate([np.ones(len(en), np.int64), -np.ones(len(leave), np.int64)])
    groups = np.concatenate([group, group])
    ok = ~np.isnan(times)
    times, delta, groups = times[ok], delta[ok], groups[ok]
    # by group, then time: a sort on the times, then a stable one on the groups (numbered
    # from 0 here, so that it is a radix sort on small integers): 3x faster than lexsort
    if len(groups) and (int(groups.max()) - int(groups.min())) < 2 ** 15:
        order = np.argsort(times)
        order = order[np.argsort((groups - groups.min()).astype(np.int16)[order], kind="stable")]
    else:
        order = np.lexsort((times, groups))
    times, delta, groups = times[order], delta[order], groups[order]
    new = np.ones(len(times), dtype=bool)
    new[1:] = (groups[1:] != groups[:-1]) | (times[1:] != times[:-1])
    starts = np.nonzero(new)[0]
    d = np.add.reduceat(delta, starts) if len(starts) else delta[:0]
    t, g = times[starts], groups[starts]
    total = np.cumsum(d)
    first = np.ones(len(g), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    base = (total - d)[first]
    length = total - base[np.cumsum(first) - 1]
    width = max(len(cats), 1)
    inv = np.argsort(rank)                     # rank -> category code
    rep_dtype = rep.dtype if rep.dtype.kind in "iu" else np.int64
    return pd.DataFrame({
        "replication": (g // width).astype(rep_dtype),
        "element": pd.Categorical.from_codes(inv[g % width], categories=cats),
        "time": t.astype(float),
        "length": length.astype(np.int32),         # (a count: 4 bytes a change)
    }, columns=cols)


def time_average(times: np.ndarray, lengths: np.ndarray, t0: float, t1: float,
                 ) -> tuple[float, float]:
    """Time-weighted mean and maximum of a step function over ``[t0, t1]``.

    ``lengths[i]`` holds from ``times[i]`` to ``times[i+1]``; the value is 0 before
    ``times[0]``.

    Examples
    --------
    >>> time_average(np.array([1.0, 3.0]), np.array([2, 0]), 0.0, 4.0)   # 2 for 2 s of 4
    (1.0, 2.0)
    """
    if t1 <= t0:
        return math.nan, math.nan
    times = np.asarray(times, dtype=float)
    lengths = np.asarray(lengths, dtype=float)
    before = times <= t0
    level0 = float(lengths[before][-1]) if before.any() else 0.0
    inside = (times > t0) & (times < t1)
    t = np.concatenate([[t0], times[inside], [t1]])
    vals = np.concatenate([[level0], lengths[inside]])
    area = float(np.sum(vals * np.diff(t)))
    return area / (t1 - t0), float(vals.max())


def pair_blocks(rep: np.ndarray, codes: np.ndarray, times: np.ndarray, values: np.ndarray
                ) -> dict:
    """``{(replication, code): (times, values)}``: the rows of each pair of a step-function
    table (code -1, a missing element, left out), in time order, as slices of the arrays
    (sorted once when the pairs' rows are not already together and in time order, as
    :func:`queue_series` gives them); in order of first appearance of the pairs."""
    keep = codes >= 0
    if not keep.all():
        rep, codes, times, values = rep[keep], codes[keep], times[keep], values[keep]
    if len(rep) == 0:
        return {}
    change = np.r_[True, (rep[1:] != rep[:-1]) | (codes[1:] != codes[:-1])]
    starts = np.flatnonzero(change)
    width = int(codes.max()) + 1
    keys = rep[starts].astype(np.int64) * width + codes[starts]
    in_order = bool(np.all(np.diff(times)[~change[1:]] >= 0))
    if not in_order or len(pd.unique(keys)) != len(keys):
        at, _ = pd.factorize(rep.astype(np.int64) * width + codes)
        order = np.lexsort((times, at))
        rep, codes, times, values = rep[order], codes[order], times[order], values[order]
        change = np.r_[True, (rep[1:] != rep[:-1]) | (codes[1:] != codes[:-1])]
        starts = np.flatnonzero(change)
    ends = np.r_[starts[1:], len(rep)]
    return {(int(rep[a]), int(codes[a])): (times[a:b], values[a:b]) for a, b in zip(starts, ends)}


def _sorted_average(times: np.ndarray, lengths: np.ndarray, t0: float, t1: float,
                    ) -> tuple[float, float]:
    """:func:`time_average` of times in increasing order, the window found by bisection."""
    if t1 <= t0:
        return math.nan, math.nan
    a = int(np.searchsorted(times, t0, side="right"))     # times[:a] <= t0
    b = int(np.searchsorted(times, t1, side="left"))      # times[a:b] inside (t0, t1)
    level0 = float(lengths[a - 1]) if a > 0 else 0.0
    b = max(a, b)
    t = np.concatenate([[t0], times[a:b], [t1]])
    vals = np.concatenate([[level0], lengths[a:b].astype(float)])
    area = float(np.sum(vals * np.diff(t)))
    return area / (t1 - t0), float(vals.max())


def queue_stats(series: pd.DataFrame, wins: pd.DataFrame) -> pd.DataFrame:
    """Per replication and element: ``mean`` (time-weighted), ``max``, and the means of the
    first and second half of the window (``first_half``, ``second_half``) for the growth
    figure used by the bottleneck score (rows in order of first appearance of the pair).

    Each pair's rows are cut from whole arrays (one sort when they are not already grouped
    and in time order, as :func:`queue_series` gives them), not split by a groupby."""
    cols = ["replication", "element", "mean", "max", "first_half", "second_half"]
    if series.empty:
        return pd.DataFrame(columns=cols)
    el = series["element"]
    if not isinstance(el.dtype, pd.CategoricalDtype):
        el = el.astype("category")
    blocks = pair_blocks(series["replication"].to_numpy(), el.cat.codes.to_numpy(),
                         series["time"].to_numpy(), series["length"].to_numpy())
    names = np.asarray(el.cat.categories, dtype=object)
    warm, end = wins["warmup"], wins["end"]
    rows = []
    for (r, code), (tk, lk) in blocks.items():
        t0, t1 = float(warm.loc[r]), float(end.loc[r])
        mean, mx = _sorted_average(tk, lk, t0, t1)
        mid = (t0 + t1) / 2
        first, _ = _sorted_average(tk, lk, t0, mid)
        second, _ = _sorted_average(tk, lk, mid, t1)
        rows.append((r, names[code], mean, mx, first, second))
    return pd.DataFrame(rows, columns=cols)


def queue_curve(series: pd.DataFrame, element: str, grid: np.ndarray,
                replications: list[int] | None = None) -> np.ndarray:
    """Mean queue length across replications at each ``grid`` time (for plots).

    Each replication's step function is read at the grid instants; replications with no
    change at this element count as an empty queue.
    """
    grid = np.asarray(grid, dtype=float)
    s = series.loc[series["element"] == element]
    reps = replications if replications is not None else sorted(series["replication"].unique())
    if not reps:
        return np.zeros_like(grid)
    total = np.zeros_like(grid)
    for rep in reps:
        g = s.loc[s["replication"] == rep]
        if g.empty:
            continue
        idx = np.searchsorted(g["time"].to_numpy(), grid, side="right") - 1
        vals = g["length"].to_numpy(dtype=float)
        total += np.where(idx >= 0, vals[np.clip(idx, 0, None)], 0.0)
    return total / len(reps)


def littles_law(visits: pd.DataFrame, wins: pd.DataFrame, what: str = "queue",
                series: pd.DataFrame | None = None,
                stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check ``L = lambda * W`` per stage (``what="queue"``: waiting; ``"stage"``: sojourn).

    Both sides count the same tickets over the same window ``[warmup, end]`` of length
    ``T``, per replication: the visits present in the queue (stage) at some instant of the
    window, that is those that entered it during the window plus those already there when
    the warm-up ended (``carried``). ``lambda`` = these visits / ``T``; ``W`` = their mean
    time in queue (in stage) *inside* the window: from ``max(enabled, warmup)`` to
    ``min(leave, end)``, so a ticket still queued at the horizon counts until the horizon
    and one queued before the warm-up's end counts from it; ``L`` = the time-weighted mean
    number in queue (in stage) over the window, read from the queue's step function.

    With that accounting ``L * T`` and ``lambda * W * T`` are the same area summed two ways
    (over time and over tickets), so ``gap = |L - lambda W| / L`` is zero up to rounding on
    consistent records: a gap means the queue's step function and the visits disagree (a
    series or statistics of other visits, a lost ``enabled`` or ``start``). Returns per
    element the means across replications of ``L``, ``lambda``, ``W``, ``lambda_W``,
    ``carried`` and the relative ``gap``. ``series``: the :func:`queue_series` of these
    visits for ``what`` when already computed, ``stats`` its :func:`queue_stats`.
    """
    if stats is None and series is None:
        # one replication's step functions at a time: their statistics are kept, the series
        # let go (the same rows as queue_stats of the whole series)
        parts = [queue_stats(_queue_series(part, what), wins)
                 for part in replication_slices(visits) if len(part)]
        stats = pd.concat(parts, ignore_index=True) if parts else queue_stats(
            queue_series(visits, what), wins)
    elif stats is None:
        stats = queue_stats(series, wins)
    stats = stats.set_index(["replication", "element"])
    return little_table(little_sums(visits, wins, what), stats, wins, what)


def little_sums(visits: pd.DataFrame, wins: pd.DataFrame, what: str = "queue") -> pd.DataFrame:
    """Per replication and element (in order of first appearance), the sums
    :func:`littles_law` divides: ``n`` visits present in the window, ``c`` of them carried
    over the warm-up, ``w`` their seconds inside the window up to the last change seen, and
    ``open_n``, ``open_lo`` the count and summed in-window start of the visits still there
    (they stay until the window's end: ``w + open_n * end - open_lo``). Sums add up over
    disjoint sets of tickets (streaming statistics fold them chunk by chunk)."""
    cols = ["replication", "element", "n", "c", "w", "open_n", "open_lo"]
    if visits.empty:
        return pd.DataFrame(columns=cols)
    return _by_replication(_little_sums, visits, wins, what)


def _little_sums(visits: pd.DataFrame, wins: pd.DataFrame, what: str) -> pd.DataFrame:
    cols = ["replication", "element", "n", "c", "w", "open_n", "open_lo"]
    leave = _leave_queue(visits) if what == "queue" else visits["end"]
    rep = visits["replication"]
    t0 = per_replication(rep, wins["warmup"])
    t1 = per_replication(rep, wins["end"])
    en = visits["enabled"].to_numpy(float)
    out_at = leave.to_numpy(float)
    still = np.isnan(out_at)                                # still there at the horizon
    out_at = np.where(still, np.inf, out_at)
    entered = (en >= t0) & (en <= t1)
    carried = (en < t0) & (out_at > t0)                     # there when the warm-up ended
    present = entered | carried
    lo = np.maximum(en, t0)
    stay = np.minimum(out_at, t1) - lo                      # time inside the window
    # every (replication, element) pair that has visits, in order of first appearance,
    # summed with np.bincount over the pair's number (a pandas groupby costs 4x as much)
    el = visits["element"]
    if not isinstance(el.dtype, pd.CategoricalDtype):
        el = el.astype("category")
    codes = el.cat.codes.to_numpy().astype(np.int64)
    width = max(len(el.cat.categories), 1)
    pair = rep.to_numpy().astype(np.int64) * width + codes
    valid = codes >= 0
    if not valid.all():
        pair, present, carried, still, stay, lo = (
            a[valid] for a in (pair, present, carried, still, stay, lo))
    at, ordered = pd.factorize(pair)             # numbered in order of first appearance
    k = len(ordered)
    is_open = present & still

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(at[mask], minlength=k).astype(np.int64)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(at[mask], weights=values[mask], minlength=k).astype(float)

    return pd.DataFrame({
        "replication": (ordered // width).astype(rep.dtype),
        "element": pd.Categorical.from_codes(ordered % width, dtype=el.dtype),
        "n": count(present), "c": count(carried), "w": total(present & ~still, stay),
        "open_n": count(is_open), "open_lo": total(is_open, lo)}, columns=cols)


def little_table(per: pd.DataFrame, stats: pd.DataFrame, wins: pd.DataFrame,
                 what: str = "queue") -> pd.DataFrame:
    """:func:`littles_law`'s table from :func:`little_sums` and the
    :func:`queue_stats` (indexed by replication and element) of the same visits."""
    cols = ["replication", "element", "L", "lambda", "W", "lambda_W", "carried"]
    if per.empty:
        per = pd.DataFrame(columns=cols)
    else:
        per = per.copy()
        end = per["replication"].map(wins["end"]).astype(float)
        span = (end - per["replication"].map(wins["warmup"])).astype(float)
        w = per["w"].astype(float) + per["open_n"].astype(float) * end - per["open_lo"].astype(float)
        per["lambda"] = (per["n"] / span.where(span > 0)).astype(float)
        per["W"] = (w / per["n"].where(per["n"] > 0)).fillna(0.0).astype(float)
        per["carried"] = per["c"].astype(float)
        idx = pd.MultiIndex.from_arrays([per["replication"], per["element"].astype(object)])
        per["L"] = stats["mean"].reindex(idx).fillna(0.0).to_numpy(float) if len(stats) \
            else 0.0
        per["lambda_W"] = per["lambda"] * per["W"]
        per = per[cols]
    out = []
    for element, g in per.groupby("element", sort=False, observed=True):
        L, _ = mean_ci(g["L"])
        lw, _ = mean_ci(g["lambda_W"])
        lam, _ = mean_ci(g["lambda"])
        W, _ = mean_ci(g["W"])
        carried, _ = mean_ci(g["carried"])
        gap = abs(L - lw) / L if L > 0 else (0.0 if lw == 0 else math.inf)
        out.append({"element": element, "what": what, "L": L, "lambda": lam, "W": W,
                    "lambda_W": lw, "carried": carried, "gap": gap})
    return pd.DataFrame(out, columns=["element", "what", "L", "lambda", "W", "lambda_W",
                                      "carried", "gap"])
