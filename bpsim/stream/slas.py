"""The SLA figures of streamed results: breach rates with open tickets, from summaries.

Each replication's :class:`~bpsim.stream.collect.Summary` holds, per SLA and class, the
counts of every clock status (met, breached, open past target, left, censored ...), the
elapsed sums, a sketch of the met clocks' elapsed times and the clocks still open at the
horizon. From those this module builds the same rows as the record-based
:func:`bpsim.analysis.slas.sla_table`: breach rate (Kaplan-Meier when clocks are censored,
read on the met margins), its lower/upper bounds, elapsed mean and percentiles.

:func:`sla_clocks` is the collector's SLA clock for one chunk of tickets: the statuses and
elapsed times of :func:`bpsim.analysis.slas.sla_cases` computed from the chunk's numpy
columns (no DataFrame merges; ``tests/stream/test_sla_clocks.py`` compares the two).
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd

from bpsim.analysis import slas as _slas
from bpsim.analysis.stats import mean_ci
from bpsim.stream.sketch import QuantileSketch, pooled_sketch, sketch_values

__all__ = ["sla_table", "sla_row", "sla_clocks", "STATUSES"]

#: An SLA clock's statuses, numbered as :func:`sla_clocks` returns them.
STATUSES = ("met", "breached", "open-breached", "left", "censored", "never", "not-started")


def sla_table(res) -> pd.DataFrame:
    """The SLA table (:func:`bpsim.analysis.slas.sla_table`'s columns) of streamed results."""
    slas = getattr(res.scenario, "slas", None) or []
    rows = []
    declared = list(getattr(res.scenario, "classes", None) or ())
    for sla in slas:
        seen = list(dict.fromkeys(cls for s in res.summaries
                                  for (name, cls) in s.sums.get("sla", {}) if name == sla.name))
        rows.append(sla_row(res, sla, "all", seen))
        present = list(dict.fromkeys(declared + seen))
        if sla.classes is not None:
            present = [k for k in present if k in sla.classes]
        for cls in present:
            if cls not in seen and _slas.sla_target(sla, cls) is None:
                continue
            if len(present) > 1 or len(sla.target) > 1 or None not in sla.target:
                rows.append(sla_row(res, sla, cls, [cls] if cls in seen else []))
    return pd.DataFrame(rows, columns=_slas._COLUMNS)


def sla_row(res, sla, cls, classes: list) -> dict:
    """One row: SLA ``sla`` over the tickets of ``classes``, labelled ``cls``."""
    reps = res.replication_ids
    by = res._by_rep()
    statuses = ("met", "breached", "open-breached", "left", "censored", "never", "not-started")
    tot = dict.fromkeys(statuses + ("rows",), 0.0)
    rates, lows, highs, means = [], [], [], []
    for r in reps:
        s = by.get(r)
        c = dict.fromkeys(statuses + ("rows", "elapsed_sum", "elapsed_n"), 0.0)
        margins, closed = [], []
        for k in classes:
            v = s.sums.get("sla", {}).get((sla.name, k), {}) if s is not None else {}
            for key in c:
                c[key] += v.get(key, 0.0)
            if s is None:
                continue
            target = float(_slas.sla_target(sla, k) or 0.0)
            met = s.sketches.get(("sla_met", sla.name, k))
            if met is not None and len(met):
                margins.append(sketch_values(met) - target)
                closed.append(np.ones(len(met), bool))
            nb = int(v.get("breached", 0) + v.get("left", 0))
            margins.append(np.full(nb, math.inf))
            closed.append(np.ones(nb, bool))
            nob = int(v.get("open-breached", 0))
            margins.append(np.full(nob, math.inf))
            closed.append(np.zeros(nob, bool))
            if s.sla_open is not None:
                g = s.sla_open.loc[(s.sla_open["sla"] == sla.name)
                                   & (s.sla_open["cls"].astype(object) == k)
                                   & (s.sla_open["status"] == "censored")]
                margins.append(g["elapsed"].to_numpy(float) - g["target"].to_numpy(float))
                closed.append(np.zeros(len(g), bool))
        for key in tot:
            tot[key] += c[key]
        counted = c["met"] + c["breached"] + c["open-breached"] + c["censored"] + c["left"]
        if counted == 0:
            rates.append(math.nan)
            lows.append(math.nan)
            highs.append(math.nan)
        else:
            late = c["breached"] + c["open-breached"] + c["left"]
            cens = c["censored"]
            if cens == 0:
                rates.append(late / counted)
            else:
                rates.append(_slas.km_breach_rate(np.concatenate(margins),
                                                  np.concatenate(closed)))
            lows.append(late / counted)
            highs.append((late + cens) / counted)
        means.append(c["elapsed_sum"] / c["elapsed_n"] if c["elapsed_n"] > 0 else math.nan)
    n = max(len(reps), 1)
    counted = tot["met"] + tot["breached"] + tot["open-breached"] + tot["censored"] + tot["left"]
    targets = {_slas.sla_target(sla, k) for k in classes} - {None}
    row = {"name": sla.name, "cls": cls, "from": _slas.describe_point(sla.start, res.process),
           "to": _slas.describe_point(sla.end, res.process),
           "calendar": getattr(sla.calendar, "name", None) if sla.calendar else None,
           "target": targets.pop() if len(targets) == 1 else math.nan,
           "target_text": _slas._row_target_text(sla, cls), "attain": sla.attain,
           "counted": counted / n, "excluded": (tot["rows"] - counted) / n,
           "censored": tot["censored"] / n,
           "censored_share": tot["censored"] / counted if counted else math.nan,
           "open_breached": tot["open-breached"] / n}
    row["breach_rate"], row["breach_rate_ci95"] = mean_ci(rates)
    row["breach_rate_low"] = mean_ci(lows)[0]
    row["breach_rate_high"] = mean_ci(highs)[0]
    row["elapsed_mean"], row["elapsed_ci95"] = mean_ci(means)
    sk = QuantileSketch()
    for k in classes:
        sk.merge(pooled_sketch(res.summaries, ("sla", sla.name, k)))
    for k, v in sk.percentiles().items():
        row[f"elapsed_{k}"] = v
    br = row["breach_rate"]
    row["met"] = None if math.isnan(br) else bool(br <= 1.0 - sla.attain + 1e-12)
    return row


def _first_after(case: np.ndarray, time: np.ndarray, rows_case: np.ndarray,
                 after: np.ndarray | None) -> np.ndarray:
    """Per ticket of ``rows_case`` the earliest ``time`` of its occurrences (``case``),
    only those at or after ``after`` when given; NaN for none."""
    order = np.argsort(rows_case, kind="stable")
    sc = rows_case[order]
    pos = np.clip(np.searchsorted(sc, case), 0, max(len(sc) - 1, 0))
    ok = (sc[pos] == case) if len(sc) else np.zeros(len(case), bool)
    row = order[pos[ok]]
    t = time[ok]
    if after is not None:
        keep = t >= after[row]
        row, t = row[keep], t[keep]
    out = np.full(len(rows_case), np.inf)
    np.minimum.at(out, row, t)
    out[np.isinf(out)] = np.nan
    return out


def _merged_pauses(case: np.ndarray, a: np.ndarray, b: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Waits ``[a, b)`` per ticket with the overlapping ones merged (as
    :func:`bpsim.analysis.slas._pauses` merges them): ``case``, ``a``, ``b`` per block."""
    order = np.lexsort((a, case))                   # by ticket, then start (stable)
    pc, pa, pb = case[order], a[order], b[order]
    new_case = np.r_[True, pc[1:] != pc[:-1]] if len(pc) else np.zeros(0, bool)
    # running maximum of b within each ticket, exactly: on the ranks of b
    values, rank = np.unique(pb, return_inverse=True)
    width = len(values) + 1
    key = (np.cumsum(new_case) - 1) * width + rank.ravel()
    reach = values[np.maximum.accumulate(key) % width] if len(key) else pb
    prev = np.r_[np.nan, reach[:-1]] if len(reach) else reach
    prev[new_case] = np.nan
    starts = np.flatnonzero(np.isnan(prev) | (pa > prev))
    return pc[starts], np.minimum.reduceat(pa, starts), np.maximum.reduceat(pb, starts)


class _Growing:
    """The open intervals of a calendar from ``lo`` on, as
    :class:`~bpsim.analysis.slas.WorkClock` lists them, listed further when a later ``hi``
    is asked for (the same loop carried on from where it stopped: the same intervals and
    the same cumulative sums, bit for bit)."""

    def __init__(self, calendar, lo: float) -> None:
        self.calendar = calendar
        self.hi, self.t, self.closed = -math.inf, float(lo), False
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.clock = self._snapshot()

    def _snapshot(self) -> _slas.WorkClock:
        """A ``WorkClock`` of the intervals listed so far (its own arrays: a clock handed
        out never changes)."""
        clock = _slas.WorkClock.__new__(_slas.WorkClock)
        clock.calendar = self.calendar
        clock.starts = np.asarray(self.starts, dtype=float)
        clock.lengths = np.asarray(self.ends, dtype=float) - clock.starts
        clock.before = (np.concatenate([[0.0], np.cumsum(clock.lengths)[:-1]])
                        if self.starts else np.zeros(0))
        return clock

    def upto(self, hi: float) -> _slas.WorkClock:
        """The clock, its intervals listed at least up to ``hi``."""
        if hi <= self.hi or self.closed:
            return self.clock
        cal, starts, ends, t = self.calendar, self.starts, self.ends, self.t
        while True:
            if len(starts) >= 1_000_000:
                self.closed = True
                break
            o = float(cal.next_open(t))
            if not math.isfinite(o):
                self.closed = True
                break
            if o > hi:
                break
            c = float(cal.next_close(o))
            starts.append(o)
            ends.append(c)
            if not math.isfinite(c) or c <= o:
                self.closed = True
                break
            t = c
        self.t, self.hi = t, float(hi)
        self.clock = self._snapshot()
        return self.clock


#: The growing clocks of this process, ``{(id(calendar), lo): _Growing}``: a handful (one
#: per SLA calendar and warm-up). The chunks of a replication, and the next replications
#: of this worker, read the same intervals instead of listing a year of them each time.
_CLOCKS: dict[tuple[int, float], _Growing] = {}
_CLOCKS_LOCK = threading.Lock()


def work_clock(calendar, lo: float, hi: float) -> _slas.WorkClock:
    """``WorkClock(calendar, lo, hi)``: the same readings at every instant up to ``hi``,
    each calendar's intervals listed once per process (:class:`_Growing`)."""
    if calendar is None:
        return _slas.WorkClock(None, lo, hi)
    key = (id(calendar), float(lo))
    with _CLOCKS_LOCK:
        grown = _CLOCKS.get(key)
        if grown is None or grown.calendar is not calendar:
            if len(_CLOCKS) >= 64:
                _CLOCKS.clear()
            grown = _CLOCKS[key] = _Growing(calendar, lo)
        return grown.upto(float(hi))


def sla_clocks(sla, records: dict, cases: dict, pauses: dict, warmup: float, end: float,
               elements: dict, classes: list) -> dict:
    """One SLA's clock for every measured ticket of a chunk, as
    :func:`bpsim.analysis.slas.sla_cases` computes it for one replication.

    ``records``: ``case``, ``element`` (number in ``elements``), ``lifecycle`` (number in
    :data:`bpsim.engine.output.LIFECYCLES`), ``time``; ``cases``: ``case``, ``cls`` (number
    in ``classes``), ``arrival``, ``end``, ``left`` (bool: abandoned or blocked),
    ``measured``, ``completed``; ``pauses``: ``case``, ``element``, ``enabled``, ``end`` of the
    chunk's visits; ``end``: the run's end. Returns arrays ``case``, ``cls``, ``target``,
    ``t0``, ``t1``, ``elapsed`` (NaN when not counted) and ``status`` (numbers in
    :data:`STATUSES`).
    """
    from bpsim.analysis.slas import _MOMENTS, sla_target
    from bpsim.engine.output import LIFECYCLES

    def target(k):
        if sla.classes is not None and k not in sla.classes:
            return math.nan
        t = sla_target(sla, k)
        return math.nan if t is None else float(t)

    other = sla_target(sla, math.nan)                # a ticket without a class
    per_class = np.array([target(k) for k in classes]
                         + [math.nan if sla.classes is not None or other is None
                            else float(other)], dtype=float)
    tg = per_class[cases["cls"]]
    rows = np.flatnonzero(cases["measured"] & ~np.isnan(tg))
    case = cases["case"][rows]

    def first(point, after=None):
        if point.element is None:
            t = (cases["end"] if point.moment == "end" else cases["arrival"])[rows]
            return t if after is None else np.where(t >= after, t, np.nan)
        lcs = [LIFECYCLES.index(x) for x in _MOMENTS.get(point.moment, _MOMENTS["arrive"])
               if x in LIFECYCLES]
        sel = (records["element"] == elements.get(point.element, -1)) \
            & np.isin(records["lifecycle"], lcs)
        return _first_after(records["case"][sel], records["time"][sel], case, after)

    t0 = first(sla.start)
    t1 = first(sla.end, t0)
    left = cases["left"][rows]
    stop = np.where(np.isnan(t1), np.where(left, cases["end"][rows], np.nan), t1)
    stop = np.where(np.isnan(stop), end, stop)
    lo = float(warmup)
    if len(rows) and not np.isnan(t0).all():
        lo = min(lo, float(np.nanmin(t0)))
    clock = work_clock(sla.calendar, lo, float(end))
    elapsed = np.maximum(clock(stop) - clock(t0), 0.0)
    if sla.pause_at and len(rows) and len(pauses["case"]):
        at = np.isin(pauses["element"], [elements[e] for e in sla.pause_at if e in elements])
        if at.any():
            pend = pauses["end"][at]
            pc, pa, pb = _merged_pauses(pauses["case"][at], pauses["enabled"][at],
                                        np.where(np.isnan(pend), end, pend))
            order = np.argsort(case, kind="stable")
            pos = np.clip(np.searchsorted(case[order], pc), 0, len(case) - 1)
            ok = case[order][pos] == pc
            row = order[pos[ok]]
            a = np.maximum(pa[ok], t0[row])
            b = np.minimum(pb[ok], stop[row])
            with np.errstate(invalid="ignore"):
                paused = np.where(b > a, clock(b) - clock(a), 0.0)
            total = np.zeros(len(rows))
            np.add.at(total, row, paused)
            elapsed = np.clip(elapsed - total, 0.0, None)
    started, reached = ~np.isnan(t0), ~np.isnan(t1)
    done = cases["completed"][rows]
    with np.errstate(invalid="ignore"):
        late = elapsed > tg[rows]
    status = np.select([~started, reached & late, reached, left, done, late],
                       [6, 1, 0, 3, 5, 2], default=4)
    return {"case": case, "cls": cases["cls"][rows], "target": tg[rows], "t0": t0, "t1": t1,
            "elapsed": np.where(started & (reached | ~done), elapsed, np.nan),
            "status": status}
