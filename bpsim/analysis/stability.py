"""Stability: can the staff keep up, and does the backlog grow?

A plan whose people cannot do the week's work does not have long waits, it has an in-tray
that grows for ever; whatever the run's figures say, they describe a moment of an explosion.
bpsim checks it twice:

**On paper** (:func:`paper_loads`, from the scenario alone). Per role, the work the week
brings in (visit rate x mean duration, from :mod:`bpsim.whatif.load`) in hours, against the
hours its staff are on duty in a *normal week* (the calendars' weekly pattern, holidays
aside). Spread over the role's hours on duty, that is the **offered load while on duty**
(erlangs: people kept busy) against the **staff on duty** (mean head-count over those hours);
their ratio is the utilisation on paper. At or above 1 the role is **overloaded**: the queue
grows without end. One row per role (``shift = "all"``) and, for a role on several shifts, one
per shift with its head-count and hours (which shift does the work is decided at run time:
tickets left by one shift wait for the next).

**In the run** (:func:`trend`, :func:`queue_trends`, :func:`backlog_trend`). The queue-length
series of each stage, and the open backlog (tickets arrived and not finished), are compared
with themselves one *lag* earlier: ``D(t) = X(t) - X(t - lag)`` at ``points`` evenly spaced
instants ``t`` of the measured window's last part (``t - lag`` inside the window), per
replication. The lag is one week when the desk runs on calendars or arrival profiles (the
week repeats, so Friday evening is compared with Friday evening, never with a Monday
morning), else half the window. A calendar-driven run whose window is shorter than 1.25
weeks cannot be compared so and gets no run verdict (the on-paper check still applies). The
series **grows** when both

* the differences are consistently positive: ``D(t) > 0`` at >= 75 % of the instants (over
  all replications; a stable queue sits near 50 %, or at 0 when empty), and
* the growth matters: the mean ``D`` exceeds ``max(3 tickets, 2 %`` of the tickets that
  arrived (at the stage) within one lag ``)``.

A queue that passes both is **growing** (warning ``growing-queue``); a backlog that passes
both is **backlogged** (warning ``growing-backlog``). The optimiser calls no such plan
feasible. The warnings have stable codes (:data:`CODES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bpsim.analysis.queues import pair_blocks
from bpsim.analysis.visits import per_replication

__all__ = ["CODES", "paper_loads", "normal_week_hours", "trend", "queue_trends",
           "backlog_trend", "Trend", "is_periodic", "choose_lag"]

#: Stable warning codes (JSON ``warnings[].code``) and what they mean.
CODES = {
    "overloaded-role": "a role's offered load while on duty reaches its staff on duty (on paper)",
    "growing-queue": "a stage's queue grows steadily over the second half of the window",
    "growing-backlog": "the open backlog grows steadily over the second half of the window",
    "sla-censored": "many tickets of an SLA are still open within target (outcome unknown)",
    "no-warmup": "warm-up 0 on a busy system: early figures come from an empty start",
    "short-warmup": "the warm-up is shorter than the MSER-5 truncation point",
    "calendar-day-unit": "a day or week unit used with a calendar (wall-clock days of open time)",
}

WEEK = 7 * 86400.0
_GRID = 900.0


def _week_open(calendars) -> np.ndarray:
    """Open (bool) per 15-minute slot of a normal week (Monday 00:00 on), for the union of
    ``calendars`` (``None``: always open)."""
    slots = np.arange(0.0, WEEK, _GRID) + _GRID / 2
    out = np.zeros(len(slots), dtype=bool)
    for cal in calendars:
        if cal is None:
            return np.ones(len(slots), dtype=bool)
        intervals = getattr(cal, "week_intervals", None)
        if intervals is None:  # an unknown calendar kind: sample its first week
            out |= np.array([cal.is_open(float(t)) for t in slots])
            continue
        for a, b in intervals:
            out |= (slots >= a) & (slots < b)
    return out


def normal_week_hours(calendar) -> float:
    """Hours a calendar is open in a week without holidays (168 without a calendar)."""
    if calendar is None:
        return 168.0
    per_week = getattr(calendar, "open_per_week", None)
    if per_week is not None:
        return float(per_week) / 3600.0
    return float(_week_open([calendar]).sum()) * _GRID / 3600.0


def paper_loads(process, bound, loads=None) -> pd.DataFrame:
    """Per role (and shift): the on-paper offered load against the staff on duty.

    ``loads``: :func:`bpsim.whatif.load.role_loads` of ``process`` under a scenario that
    differs from ``bound`` at most in head-counts (the staffing search computes them once
    for all its plans); computed when not given.

    Columns: ``role``, ``shift`` (``"all"`` for the role's row), ``staff``, ``duty_hours``
    (hours on duty in a normal week: of the role, the union of its shifts), ``staff_hours``
    (person-hours on duty per week), ``work_hours`` (hours of work per week; role rows),
    ``offered_load`` (erlangs, 24/7 average), ``load_on_duty`` (erlangs while on duty),
    ``staff_on_duty`` (mean head-count while on duty), ``capacity_on_duty`` (what they can
    do, in one-at-a-time people: head-count x share not away (shrinkage) x ``per_person`` of
    :class:`~bpsim.whatif.load.RoleLoad`, the tickets held at once less their slowdown),
    ``utilization`` (work / (staff hours x the same two factors)), ``overloaded``
    (utilisation >= 1; role rows).
    """
    from bpsim.whatif.load import role_loads

    cols = ["role", "shift", "staff", "duty_hours", "staff_hours", "work_hours",
            "offered_load", "load_on_duty", "staff_on_duty", "capacity_on_duty", "utilization", "overloaded"]
    if loads is None:
        loads = role_loads(process, bound)
    rows = []
    for name, role in bound.roles.items():
        load = loads.get(name)
        if load is None or not load.tasks:
            continue
        shifts = [s for s in role.shifts if s.staff > 0]
        duty = float(_week_open([s.calendar for s in shifts]).sum()) * _GRID / 3600.0 \
            if shifts else 0.0
        staff_hours = sum(s.staff * normal_week_hours(s.calendar) for s in shifts)
        work = load.load * 168.0
        # what the staff hours can do: less the time away (shrinkage), times the tickets a
        # person holds at once (concurrency, less the slowdown of a full hand)
        able = staff_hours * load.available * load.per_person
        util = work / able if able > 0 else (math.inf if work > 0 else 0.0)
        rows.append({"role": name, "shift": "all",
                     "staff": int(sum(s.staff for s in role.shifts)),
                     "duty_hours": duty, "staff_hours": staff_hours, "work_hours": work,
                     "offered_load": load.load,
                     "load_on_duty": work / duty if duty > 0 else math.inf,
                     "staff_on_duty": staff_hours / duty if duty > 0 else 0.0,
                     "capacity_on_duty": able / duty if duty > 0 else 0.0,
                     "utilization": util, "overloaded": bool(util >= 1.0 and work > 0)})
        if len(role.shifts) > 1:
            for i, s in enumerate(role.shifts):
                hours = normal_week_hours(s.calendar)
                rows.append({"role": name, "shift": s.name or str(i), "staff": int(s.staff),
                             "duty_hours": hours, "staff_hours": s.staff * hours,
                             "work_hours": math.nan, "offered_load": math.nan,
                             "load_on_duty": math.nan, "staff_on_duty": float(s.staff),
                             "capacity_on_duty": float(s.staff) * load.available * load.per_person,
                             "utilization": math.nan, "overloaded": False})
    return pd.DataFrame(rows, columns=cols)


# -- trend tests ------------------------------------------------------------------------------
#: Share of positive lag differences that says "grows".
POSITIVE_SHARE = 0.75
_LAG_WEEK = WEEK


@dataclass
class Trend:
    """The verdict of :func:`trend` on one series over replications."""

    lag: float            # s
    positive_share: float # share of lag differences > 0
    growth: float         # mean lag difference (tickets per lag)
    slope_per_day: float  # growth / lag in days
    threshold: float      # the growth that matters (tickets per lag)
    level: float          # mean level at the instants tested
    growing: bool


def is_periodic(scenario) -> bool:
    """Whether the desk runs on calendars or arrival profiles (a weekly pattern)."""
    for role in (getattr(scenario, "roles", None) or {}).values():
        if any(getattr(s, "calendar", None) is not None for s in role.shifts):
            return True
    return any(getattr(a, "profile", None) is not None
               for a in (getattr(scenario, "arrivals", None) or {}).values())


def choose_lag(wins: pd.DataFrame, periodic: bool) -> float | None:
    """The comparison lag (s) for these windows, ``None`` when no test is possible."""
    if wins.empty:
        return None
    length = float((wins["end"] - wins["warmup"]).min())
    if length <= 0:
        return None
    if periodic:
        return _LAG_WEEK if length >= 1.25 * _LAG_WEEK else None
    return length / 2


def _instants(w0: float, w1: float, lag: float, points: int) -> np.ndarray:
    a = w0 + lag
    return a + (np.arange(points) + 0.5) * (w1 - a) / points


def trend(diffs: list[np.ndarray], levels: list[np.ndarray], lag: float, arrivals: float
          ) -> Trend:
    """The lag-difference test (see the module docstring) of per-replication differences
    ``diffs`` and levels; ``arrivals``: tickets arrived within one lag (per replication)."""
    d = np.concatenate(diffs) if diffs else np.zeros(0)
    lv = np.concatenate(levels) if levels else np.zeros(0)
    share = float(np.mean(d > 0)) if len(d) else 0.0
    growth = float(np.mean(d)) if len(d) else 0.0
    threshold = max(3.0, 0.02 * arrivals)
    return Trend(lag=lag, positive_share=share, growth=growth,
                 slope_per_day=growth / (lag / 86400.0) if lag else 0.0,
                 threshold=threshold, level=float(np.mean(lv)) if len(lv) else 0.0,
                 growing=bool(share >= POSITIVE_SHARE and growth > threshold))


def _step_at(times: np.ndarray, lengths: np.ndarray, grid: np.ndarray) -> np.ndarray:
    i = np.searchsorted(times, grid, side="right") - 1
    return np.where(i >= 0, lengths[np.clip(i, 0, None)], 0).astype(float)


def backlog_trend(cases: pd.DataFrame, wins: pd.DataFrame, periodic: bool,
                  points: int = 40) -> Trend | None:
    """:func:`trend` of the open backlog (tickets arrived, not finished); ``None`` when the
    window is too short for the lag."""
    lag = choose_lag(wins, periodic)
    if lag is None:
        return None
    diffs, levels, arrivals = [], [], []
    for rep, w in wins.iterrows():
        w0, w1 = float(w["warmup"]), float(w["end"])
        g = cases.loc[cases["replication"] == rep]
        arr = np.sort(g["arrival"].to_numpy(dtype=float))
        end = np.sort(g["end"].to_numpy(dtype=float))
        end = end[~np.isnan(end)]

        def wip(t, arr=arr, end=end):
            return (np.searchsorted(arr, t, side="right")
                    - np.searchsorted(end, t, side="right")).astype(float)

        grid = _instants(w0, w1, lag, points)
        now = wip(grid)
        diffs.append(now - wip(grid - lag))
        levels.append(now)
        arrivals.append(((arr >= w1 - lag) & (arr < w1)).sum())
    return trend(diffs, levels, lag, float(np.mean(arrivals)) if arrivals else 0.0)


def queue_trends(queues: pd.DataFrame, visits: pd.DataFrame, wins: pd.DataFrame,
                 periodic: bool, points: int = 40) -> pd.DataFrame:
    """Per stage with a queue: :func:`trend` of its queue length. Columns ``element``,
    ``positive_share``, ``growth`` (tickets per lag), ``slope_per_day``, ``threshold``,
    ``level``, ``growing``; the threshold counts the tickets reaching the stage."""
    cols = ["element", "lag", "positive_share", "growth", "slope_per_day", "threshold",
            "level", "growing"]
    lag = choose_lag(wins, periodic)
    if queues.empty or lag is None:
        return pd.DataFrame(columns=cols)
    rows = []
    # each (element, replication) step function as a slice of whole arrays (no copy of the
    # series per group, no object column); elements whose queue was never above 0 skipped
    el = queues["element"]
    if not isinstance(el.dtype, pd.CategoricalDtype):
        el = el.astype("category")
    names = list(el.cat.categories)
    blocks = pair_blocks(queues["replication"].to_numpy(), el.cat.codes.to_numpy(),
                         queues["time"].to_numpy(float), queues["length"].to_numpy())
    top: dict[int, float] = {}
    for (_rep, code), (_, x) in blocks.items():
        top[code] = max(top.get(code, x.max()), x.max())
    elements = [code for code in dict.fromkeys(code for _, code in blocks) if top[code] > 0]
    # tickets reaching each stage within the last lag of each replication's window
    reached: dict = {}
    if not visits.empty:
        ve = visits["element"]
        vcode = (ve.cat.codes.to_numpy() if isinstance(ve.dtype, pd.CategoricalDtype)
                 and list(ve.cat.categories) == names
                 else pd.Categorical(ve.astype(object), categories=names).codes)
        until = per_replication(visits["replication"], wins["end"])
        en = visits["enabled"].to_numpy(float)
        late = (en >= until - lag) & (en < until) & (vcode >= 0)
        pairs = pd.DataFrame({"code": vcode[late], "rep": visits["replication"].to_numpy()[late]})
        reached = {(int(c), int(r)): int(n) for (c, r), n in pairs.value_counts().items()}
    for code in elements:
        element = names[code]
        diffs, levels, arrivals = [], [], []
        for rep, w in wins.iterrows():
            w0, w1 = float(w["warmup"]), float(w["end"])
            grid = _instants(w0, w1, lag, points)
            g = blocks.get((rep, code))
            if g is None:
                now = before = np.zeros(len(grid))
            else:
                t, x = g
                now, before = _step_at(t, x, grid), _step_at(t, x, grid - lag)
            diffs.append(now - before)
            levels.append(now)
            arrivals.append(reached.get((code, int(rep)), 0))
        t = trend(diffs, levels, lag, float(np.mean(arrivals)) if arrivals else 0.0)
        rows.append({"element": element, "lag": lag, "positive_share": t.positive_share,
                     "growth": t.growth, "slope_per_day": t.slope_per_day,
                     "threshold": t.threshold, "level": t.level, "growing": t.growing})
    return pd.DataFrame(rows, columns=cols)
