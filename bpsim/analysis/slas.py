"""SLA clocks: did each ticket meet its service-level target?

The service catalogue promises "a request is taken in charge within 4 working hours": the
clock starts when the ticket arrives, stops when an agent starts Triage, and only runs while
the office is open. An SLA names:

* a **start point** and an **end point** (:class:`~bpsim.scenario.spec.SLAPoint`): the case's
  arrival or end (``element=None``), or an element's ``arrive`` (the token reaches it: a task
  enabled, an end event reached), ``start`` (taken in charge) or ``end`` (completed). The
  start point is the ticket's first such moment; the end point is the first one at or after
  the start point;
* a **target** per priority class (seconds of calendar time; the ``None`` key covers the
  classes not listed);
* a **calendar**: elapsed SLA time is ``calendar.working_time(t0, t1)``, the open seconds
  between the two points (no calendar: the wall clock, ``t1 - t0``);
* **pause points** (``pause_at``): while a ticket waits at one of those elements (from
  ``enabled`` to completion, e.g. waiting for the customer's reply) the clock stops; the
  working time of those intervals inside ``[t0, t1]`` is subtracted.

A ticket **breaches** when its elapsed SLA time is strictly greater than its target (4 h 00 min
exactly meets a 4 h target). Every ticket that arrived after the warm-up counts, finished or
not. Tickets that never reached the start point are excluded (``not-started``), and so is a
ticket that finished without ever reaching the end point (it left by another end event:
``never``). A ticket still open at the run's end (it reached the start point, not yet the end
point) is either

* ``open-breached``: its clock already exceeds the target: it cannot meet it any more, it is
  a **breach**;
* ``censored``: its clock is still within the target: its outcome is unknown. It is never
  dropped: it is reported (``censored``, ``censored_share``) and enters the estimate below.

**The estimator.** Per replication, the breach rate is the Kaplan-Meier estimate of
``P(elapsed > target)`` on the SLA clock: each ticket is an observation of its margin
``elapsed - target`` (closed tickets: observed; censored tickets: at least their margin so
far). With ``n(x)`` tickets whose margin is at least ``x`` and ``m(x)`` closed tickets whose
margin is exactly ``x``, the share still "running" past the target is

    breach_rate = prod over closed margins x <= 0 of (1 - m(x) / n(x))

(censored tickets stay in the risk set up to their margin, open-breached ones throughout).
Without censored tickets it is plain ``breached / counted``. With censoring it assumes a
censored ticket would have behaved like the tickets still open at its margin (the usual
Kaplan-Meier assumption; true for a steady desk, where the horizon cuts tickets at random).
Two bounds need no assumption: ``breach_rate_low`` counts every censored ticket as met,
``breach_rate_high`` as breached. The rate and each bound are averaged over replications
with a 95 % CI half-width across them. Per class the margin is on that class's target; in the
row over all classes, each ticket's margin is on its own class's target.

A ticket that **left unserved** (its customer abandoned a queue, or a full queue turned it
away: ``patience:`` / ``capacity:``) after the start point and before the end point counts as
**breached** (status ``left``, a closed observation past its target): the promise was not
kept.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci, percentiles
from bpsim.analysis.visits import per_replication

__all__ = ["sla_cases", "sla_table", "describe_point", "sla_target", "km_breach_rate",
           "breach_bounds", "target_text", "day_unit_on_calendar"]

_MOMENTS = {
    "arrive": ["arrive", "enabled", "pass", "end"],
    "start": ["start"],
    "end": ["complete", "end", "pass"],
}


def describe_point(point, process=None) -> str:
    """``"case arrival"``, ``"case end"`` or ``"<element name>.<moment>"``."""
    from bpsim.analysis.stages import element_name, element_type

    if point.element is None:
        return "case end" if point.moment == "end" else "case arrival"
    name = element_name(process, point.element)
    kind = element_type(process, point.element) or ""
    if point.moment == "arrive" and kind.endswith("Event"):
        return name                           # reaching a start / end event: just its name
    return f"{name}.{point.moment}"


def sla_target(sla, cls) -> float | None:
    """The SLA's target (seconds) for priority class ``cls`` (``None``: not measured)."""
    if cls in sla.target:
        return sla.target[cls]
    return sla.target.get(None)


def target_text(seconds, calendar=None) -> str:
    """An SLA target as a reader takes it: wall-clock time without a calendar ("4.0 h"); on a
    calendar, in its open hours ("48 office hours") or, when written in working days, in
    those ("2 working days (18 office hours)")."""
    from bpsim.report.format import fmt_duration

    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "n/a"
    if calendar is None:
        return fmt_duration(float(seconds))
    name = getattr(calendar, "name", None) or "open"
    hours = float(seconds) / 3600.0
    amount = (f"{hours:.0f} {name} hours" if hours >= 1 and float(hours).is_integer() else
              f"{hours:.2g} {name} hours" if hours >= 1 else
              f"{float(seconds) / 60:.0f} {name} minutes")
    if amount.startswith("1 ") and " hours" in amount:
        amount = amount.replace(" hours", " hour")
    wd = getattr(seconds, "working_days", 0.0)
    if wd and not getattr(seconds, "plain", 0.0):
        days = f"{wd:g} working day" + ("" if wd == 1 else "s")
        return f"{days} ({amount})"
    return amount


def day_unit_on_calendar(sla) -> list[tuple[object, str]]:
    """The targets of an SLA on a calendar written with a day or week unit ("2d"): on a
    calendar they count open hours (48 of them), which a reader takes for working days.
    ``[(class, text)]``."""
    if sla.calendar is None:
        return []
    return [(cls, getattr(t, "text", "")) for cls, t in sla.target.items()
            if getattr(t, "units", frozenset()) & {"d", "w"}]


def _occurrences(events: pd.DataFrame, cases: pd.DataFrame, point) -> pd.DataFrame:
    if point.element is None:
        col = "end" if point.moment == "end" else "arrival"
        occ = cases[["replication", "case", col]].rename(columns={col: "time"})
        return occ.dropna(subset=["time"])
    lcs = _MOMENTS.get(point.moment, _MOMENTS["arrive"])
    # compare the categorical columns by their codes (no copy of every record into objects)
    el = events["element"]
    if isinstance(el.dtype, pd.CategoricalDtype):
        at = el.cat.categories.get_indexer([point.element])[0]
        rows = np.flatnonzero(el.cat.codes.to_numpy() == at) if at >= 0 else np.zeros(0, int)
    else:
        rows = np.flatnonzero(el.to_numpy(object) == point.element)
    rows = rows[_is_in(events["lifecycle"].iloc[rows], lcs)]
    return events[["replication", "case", "time"]].iloc[rows]


def _is_in(col: pd.Series, values: list) -> np.ndarray:
    """``col.isin(values)`` as a numpy mask, read from the codes of a categorical column."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return col.isin(values).to_numpy()
    table = np.append(col.cat.categories.isin(values), False)   # code -1 (missing): False
    return table[col.cat.codes.to_numpy()]


class WorkClock:
    """Cumulative open time of a calendar, vectorised: ``clock(t1) - clock(t0)`` equals
    ``calendar.working_time(t0, t1)``.

    The calendar's open intervals over ``[lo, hi]`` are listed once with ``next_open`` /
    ``next_close`` (a few hundred for a year of office hours); the cumulative open time at
    any instant is then one ``searchsorted``. No calendar: the wall clock.
    """

    def __init__(self, calendar, lo: float, hi: float) -> None:
        self.calendar = calendar
        if calendar is None:
            return
        starts, ends = [], []
        t = float(lo)
        for _ in range(1_000_000):
            o = float(calendar.next_open(t))
            if not math.isfinite(o) or o > hi:
                break
            c = float(calendar.next_close(o))
            starts.append(o)
            ends.append(c)
            if not math.isfinite(c) or c <= o:
                break
            t = c
        self.starts = np.asarray(starts, dtype=float)
        self.lengths = np.asarray(ends, dtype=float) - self.starts
        self.before = np.concatenate([[0.0], np.cumsum(self.lengths)[:-1]]) if starts else \
            np.zeros(0)

    def __call__(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        if self.calendar is None:
            return t
        if len(self.starts) == 0:
            return np.zeros_like(t)
        i = np.searchsorted(self.starts, t, side="right") - 1
        j = np.clip(i, 0, None)
        inside = np.minimum(np.maximum(t - self.starts[j], 0.0), self.lengths[j])
        out = np.where(i >= 0, self.before[j] + inside, 0.0)
        return np.where(np.isnan(t), np.nan, out)


def _pauses(visits: pd.DataFrame, elements, wins: pd.DataFrame) -> pd.DataFrame:
    """Waits at pause elements per ticket, overlapping waits merged (a ticket waiting for
    "Customer replies" and "No reply within 5 days" at once pauses once):
    ``replication``, ``case``, ``a``, ``b`` (open waits end at the run's end)."""
    cols = ["replication", "case", "a", "b"]
    if not elements or visits.empty:
        return pd.DataFrame(columns=cols)
    el = visits["element"]
    if isinstance(el.dtype, pd.CategoricalDtype):      # (the codes of those elements)
        table = np.append(el.cat.categories.isin(list(elements)), False)
        rows = np.flatnonzero(table[el.cat.codes.to_numpy()])
    else:
        rows = np.flatnonzero(el.isin(list(elements)).to_numpy())
    p = visits[["replication", "case", "enabled", "end"]].iloc[rows]
    rep, case = p["replication"].to_numpy(), p["case"].to_numpy()
    a = p["enabled"].to_numpy(float)
    b = p["end"].to_numpy(float)
    b = np.where(np.isnan(b), per_replication(rep, wins["end"]), b)
    order = np.lexsort((a, case, rep))                # by ticket, then start (stable)
    rep, case, a, b = rep[order], case[order], a[order], b[order]
    if len(rep) == 0:
        return pd.DataFrame(columns=cols)
    new = np.r_[True, (rep[1:] != rep[:-1]) | (case[1:] != case[:-1])]
    reach = pd.Series(b).groupby(np.cumsum(new)).cummax().to_numpy()
    prev = np.r_[np.nan, reach[:-1]]
    prev[new] = np.nan
    starts = np.flatnonzero(np.isnan(prev) | (a > prev))   # each merged wait's first visit
    return pd.DataFrame({"replication": rep[starts], "case": case[starts],
                         "a": np.minimum.reduceat(a, starts),
                         "b": np.maximum.reduceat(b, starts)}, columns=cols)


#: An SLA clock's statuses (the categories of ``sla_cases``' ``status``, sorted).
_STATUS = sorted(["met", "breached", "open-breached", "left", "censored", "never",
                  "not-started"])


class _RowOf:
    """The row of ``cases`` of each (replication, case) of another table (-1: none), by one
    integer key per ticket, sorted once and searched (not a merge per lookup)."""

    def __init__(self, cases: pd.DataFrame, *others: pd.DataFrame) -> None:
        top = [int(t["case"].max()) for t in (cases, *others) if len(t) and "case" in t]
        self.width = max(top, default=0) + 1
        key = self.key(cases)
        self.order = np.argsort(key, kind="stable")
        self.sorted = key[self.order]

    def key(self, frame: pd.DataFrame) -> np.ndarray:
        return frame["replication"].to_numpy(np.int64) * self.width \
            + frame["case"].to_numpy(np.int64)

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        key = self.key(frame)
        if not len(self.sorted):
            return np.full(len(key), -1, dtype=np.int64)
        pos = np.searchsorted(self.sorted, key).clip(max=len(self.sorted) - 1)
        return np.where(self.sorted[pos] == key, self.order[pos], -1)


def _first(rows: np.ndarray, times: np.ndarray, n: int) -> np.ndarray:
    """Per row ``0..n-1``: the least of ``times`` whose ``rows`` entry names it (NaN: none)."""
    out = np.full(n, np.inf)
    ok = (rows >= 0) & ~np.isnan(times)
    np.minimum.at(out, rows[ok], times[ok])
    out[np.isinf(out)] = np.nan
    return out


def sla_cases(sla, events: pd.DataFrame, cases: pd.DataFrame, visits: pd.DataFrame,
              wins: pd.DataFrame) -> pd.DataFrame:
    """One row per measured ticket of one SLA.

    Columns: ``sla``, ``replication``, ``case``, ``cls``, ``target``, ``t0``, ``t1``
    (NaN when not reached), ``elapsed`` (seconds on the SLA clock, up to ``t1`` or the run's
    end), ``status`` (``met``, ``breached``, ``open-breached``, ``left``, ``censored``,
    ``never``, ``not-started``) and ``breached`` (bool; NaN for excluded tickets).
    ``sla`` and ``status`` are categorical columns (compare them with strings as usual).
    """
    c = cases.loc[cases["measured"]].copy()
    if sla.classes is not None:
        c = c.loc[c["cls"].astype(object).isin(list(sla.classes))]
    codes, classes = pd.factorize(c["cls"].astype(object), use_na_sentinel=True)
    per_class = [sla_target(sla, k) for k in classes] + [sla_target(sla, math.nan)]
    c["target"] = np.array(per_class, dtype=float)[codes]      # (None: NaN, not measured)
    c = c.loc[c["target"].notna()]
    c = c.reset_index(drop=True)
    row_of = _RowOf(c, events, cases, visits)
    # t0: the first start point; t1: the first end point at or after it (each ticket's row
    # found by its (replication, case) key, the minimum taken per row)
    occ = _occurrences(events, c, sla.start)
    c["t0"] = _first(row_of(occ), occ["time"].to_numpy(float), len(c))
    occ = _occurrences(events, c, sla.end)
    rows, times = row_of(occ), occ["time"].to_numpy(float)
    t0 = c["t0"].to_numpy(float)
    after = rows >= 0
    after[after] = times[after] >= t0[rows[after]]
    c["t1"] = _first(np.where(after, rows, -1), times, len(c))
    run_end = c["replication"].map(wins["end"]).astype(float)
    left = np.zeros(len(c), dtype=bool)                  # left unserved: abandoned or blocked
    for col in ("abandoned", "blocked"):
        if col in c:
            left |= c[col].astype(bool).to_numpy()
    gone = c["end"].astype(float).where(left) if "end" in c else None
    stop = c["t1"].fillna(gone).fillna(run_end) if gone is not None else c["t1"].fillna(run_end)
    # open tickets: up to the run's end; tickets that left: up to when they left
    lo = float(wins["warmup"].min()) if len(wins) else 0.0
    hi = float(wins["end"].max()) if len(wins) else 0.0
    clock = WorkClock(sla.calendar, min(lo, float(c["t0"].min()) if len(c) else lo), hi)
    elapsed = pd.Series(np.maximum(clock(stop) - clock(c["t0"]), 0.0), index=c.index)
    pauses = _pauses(visits, sla.pause_at, wins)
    if not pauses.empty and len(c):
        rows = row_of(pauses)
        pz = pauses.loc[rows >= 0]                      # (the pauses of these tickets)
        rows = rows[rows >= 0]
        a = np.maximum(pz["a"].to_numpy(float), c["t0"].to_numpy(float)[rows])
        b = np.minimum(pz["b"].to_numpy(float), stop.to_numpy(float)[rows])
        paused = np.where(b > a, clock(b) - clock(a), 0.0)
        paused = pd.Series(paused).groupby(rows).sum()
        elapsed = (elapsed - paused.reindex(c.index, fill_value=0.0)).clip(lower=0.0)
    started = c["t0"].notna()
    reached = c["t1"].notna()
    done = c["completed"].astype(bool)
    late = elapsed > c["target"].astype(float)
    # the status as a category (a byte per ticket, not a string), in alphabetical order
    chosen = np.select(
        [~started, reached & late, reached, left, done, late],
        [_STATUS.index(k) for k in ("not-started", "breached", "met", "left", "never",
                                    "open-breached")], default=_STATUS.index("censored"))
    c["elapsed"] = elapsed.where(started & (reached | ~done))
    c["status"] = pd.Categorical.from_codes(chosen.astype(np.int8), categories=_STATUS)
    counted = c["status"].isin(["met", "breached", "open-breached", "left"])
    c["breached"] = (c["status"] != "met").where(counted)
    c["sla"] = pd.Categorical.from_codes(np.zeros(len(c), dtype=np.int8), categories=[sla.name])
    return c[["sla", "replication", "case", "cls", "target", "t0", "t1", "elapsed", "status",
              "breached"]].reset_index(drop=True)


def km_breach_rate(margin, closed) -> float:
    """Kaplan-Meier estimate of ``P(margin > 0)``, the breach rate (see the module docstring).

    ``margin``: ``elapsed - target`` per ticket (seconds); ``closed``: whether the ticket
    reached the SLA's end point (else its margin is censored: at least that much). NaN for
    no ticket.

    >>> km_breach_rate([-80, -60, -30, 50, 30], [True, False, True, True, False])  # 8/15
    0.5333333333333334
    """
    d = np.asarray(margin, dtype=float)
    c = np.asarray(closed, dtype=bool)
    if len(d) == 0:
        return math.nan
    if c.all() or not (~c & (d <= 0)).any():
        return float(np.mean(d > 0))             # no censoring within the target: a share
    ds = np.sort(d)
    times, deaths = np.unique(d[c & (d <= 0)], return_counts=True)
    at_risk = len(ds) - np.searchsorted(ds, times, side="left")   # margin >= x
    return float(np.prod(1.0 - deaths / at_risk))


def breach_bounds(margin, closed) -> tuple[float, float]:
    """The breach rate if every censored ticket meets its target (low) and if every one
    breaches it (high)."""
    d = np.asarray(margin, dtype=float)
    c = np.asarray(closed, dtype=bool)
    if len(d) == 0:
        return math.nan, math.nan
    late = d > 0
    censored = ~c & ~late
    return float(np.mean(late)), float(np.mean(late | censored))


_COLUMNS = ["name", "cls", "from", "to", "calendar", "target", "target_text", "attain", "counted",
            "excluded", "censored", "censored_share", "open_breached", "breach_rate",
            "breach_rate_ci95", "breach_rate_low", "breach_rate_high", "elapsed_mean", "elapsed_ci95",
            "elapsed_p50", "elapsed_p90", "elapsed_p95", "met"]


def _row_target_text(sla, cls) -> str:
    if cls == "all":
        if len(sla.target) != 1:
            return "by class"
        return target_text(next(iter(sla.target.values())), sla.calendar)
    t = sla_target(sla, cls)
    return target_text(t, sla.calendar) if t is not None else "n/a"


def _row(sla, cls, g: pd.DataFrame, replications, process) -> dict:
    counted = g.loc[g["status"].isin(["met", "breached", "open-breached", "censored", "left"])]
    margin = counted["elapsed"].astype(float) - counted["target"].astype(float)
    gone = counted["status"] == "left"  # left unserved: a closed observation past the target
    margin = margin.where(~gone, math.inf)
    closed = counted["status"].isin(["met", "breached"]) | gone
    parts = pd.DataFrame({"replication": counted["replication"], "m": margin, "c": closed})
    rates, lows, highs = [], [], []
    by_rep = dict(tuple(parts.groupby("replication")))
    for rep in replications:
        p = by_rep.get(rep)
        if p is None or p.empty:
            rates.append(math.nan)
            lows.append(math.nan)
            highs.append(math.nan)
            continue
        rates.append(km_breach_rate(p["m"], p["c"]))
        lo, hi = breach_bounds(p["m"], p["c"])
        lows.append(lo)
        highs.append(hi)
    n = max(len(replications), 1)
    targets = np.unique(g["target"].dropna().to_numpy(float))
    ncens = float((counted["status"] == "censored").sum())
    row = {"name": sla.name, "cls": cls, "from": describe_point(sla.start, process),
           "to": describe_point(sla.end, process),
           "calendar": getattr(sla.calendar, "name", None) if sla.calendar else None,
           "target": float(targets[0]) if len(targets) == 1 else math.nan,
           "target_text": _row_target_text(sla, cls),
           "attain": sla.attain, "counted": len(counted) / n,
           "excluded": (len(g) - len(counted)) / n,
           "censored": ncens / n,
           "censored_share": ncens / len(counted) if len(counted) else math.nan,
           "open_breached": float((counted["status"] == "open-breached").sum()) / n}
    row["breach_rate"], row["breach_rate_ci95"] = mean_ci(rates)
    row["breach_rate_low"] = mean_ci(lows)[0]
    row["breach_rate_high"] = mean_ci(highs)[0]
    done = g.loc[g["status"].isin(["met", "breached"])]
    row["elapsed_mean"], row["elapsed_ci95"] = mean_ci(
        done.groupby("replication")["elapsed"].mean())
    for k, v in percentiles(done["elapsed"].to_numpy()).items():
        row[f"elapsed_{k}"] = v
    br = row["breach_rate"]
    row["met"] = None if math.isnan(br) else bool(br <= 1.0 - sla.attain + 1e-12)
    return row


def sla_table(slas, per_case: pd.DataFrame, replications: list[int], classes=(),
              process=None) -> pd.DataFrame:
    """The ``slas`` table: per SLA one row over all classes (``cls = "all"``), then one row
    per priority class it measures, with the breach rate and the elapsed-time distribution
    (``elapsed_*``: of the tickets that reached the end point)."""
    rows = []
    if len(per_case) and not isinstance(per_case["status"].dtype, pd.CategoricalDtype):
        # the status compared as categories: a few codes, not strings per ticket and row
        per_case = per_case.assign(status=per_case["status"].astype("category"))
    for sla in slas:
        g = per_case.loc[per_case["sla"] == sla.name]
        rows.append(_row(sla, "all", g, replications, process))
        cls_of = g["cls"]                # (categorical: compared by its codes)
        present = list(dict.fromkeys(list(classes) + list(pd.unique(cls_of))))
        if sla.classes is not None:
            present = [k for k in present if k in sla.classes]
        for cls in present:
            gc = g.loc[(cls_of == cls).to_numpy(bool)]
            if gc.empty and sla_target(sla, cls) is None:
                continue
            if len(present) > 1 or len(sla.target) > 1 or None not in sla.target:
                rows.append(_row(sla, cls, gc, replications, process))
    return pd.DataFrame(rows, columns=_COLUMNS)
