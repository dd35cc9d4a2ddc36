"""Roles: who works which tasks, when the role works, and how many people are on duty.

For each role (by default the lane a task is drawn in):

* **resources**: the distinct ``org:resource`` values of the events of its tasks;
* **calendar**: the hours of the week in which its work happens, at the events' (logged or
  estimated) start times, else their completion. An hour of the week is open when it holds
  at least 5 % of the busiest hour's events; one-hour gaps inside a day (a
  lunch dip) stay open. A role whose events are spread over at least 150 hours of the week
  works around the clock. Holidays: weekdays on which none of its resources worked although
  at least four events were expected (as for arrivals);
* **staff**: the mean number of distinct resources active per open day over the recent weeks
  (a person who logs one event that day counts), and never fewer than the offered load needs
  at 85 % utilisation (events per open hour x mean processing time / 0.85), rounded up;
* ``staff_by_hour``: the mean number of distinct resources active in each hour of the week,
  reported for shift planning;
* **shifts**: an agent is *present* on a day from the hour of their first completed event to
  that of their last. The mean presence per hour of the day, scaled so that the busiest hour
  has ``staff`` people (at least one in every open hour), gives a head-count per hour; shifts
  are stacked under it: the first covers every hour with at least one person, the next the
  hours needing more, and so on, levels covering the same hours (or all but one of them)
  forming one shift. With two
  or three such shifts (each at least two hours long) the role gets them, each with its
  calendar (the role's open hours at those hours of the day); otherwise one head-count on the
  role's calendar.

Without a resource column, staff comes from the offered load alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bpsim.calibrate.arrivals import find_holidays
from bpsim.calibrate.weektime import HourCalendar, hour_of_week

__all__ = ["RoleFit", "fit_calendar", "fit_staff"]

OPEN_SHARE = 0.05
TARGET_UTILISATION = 0.85
MAX_SHIFTS = 3


@dataclass
class RoleFit:
    name: str
    tasks: list[str]
    resources: list[str]
    events: int
    calendar: HourCalendar
    staff: int = 1
    staff_active: float | None = None
    staff_load: float | None = None
    staff_by_hour: list[float] = field(default_factory=list)
    calendar_name: str | None = None
    shifts: list[dict] = field(default_factory=list)   # {name, staff, calendar: HourCalendar}
    presence: list[float] = field(default_factory=list)  # mean agents present per hour of day


def fit_calendar(times: pd.Series, lo: pd.Timestamp, hi: pd.Timestamp) -> HourCalendar:
    """The open hours of the week of the work done at ``times`` (see the module text)."""
    counts = np.bincount(hour_of_week(times), minlength=168).astype(float)
    if counts.max() <= 0:
        return HourCalendar(np.ones(168, bool))
    open_ = counts >= OPEN_SHARE * counts.max()
    if open_.sum() >= 150:
        return HourCalendar(np.ones(168, bool))
    grid = open_.reshape(7, 24)
    for d in range(7):
        for h in range(1, 23):
            if not grid[d, h] and grid[d, h - 1] and grid[d, h + 1]:
                grid[d, h] = True
    open_days = {d for d in range(7) if grid[d].any()}
    holidays = find_holidays(pd.Series(pd.to_datetime(times)), lo, hi, open_days)
    return HourCalendar(grid.reshape(168), holidays)


def fit_shifts(role: RoleFit, ends: pd.Series, resources: pd.Series,
               recent_lo: pd.Timestamp) -> None:
    """Stack shifts that follow the role's presence through the day (see the module text)."""
    cal = role.calendar
    if cal.always or resources is None or not resources.notna().any():
        return
    frame = pd.DataFrame({"e": pd.to_datetime(ends).to_numpy(),
                          "r": resources.to_numpy()}).dropna()
    frame = frame.loc[frame["e"] >= recent_lo]
    if len(frame) < 50:
        return
    frame["day"] = frame["e"].dt.normalize()
    span = frame.groupby(["day", "r"])["e"].agg(["min", "max"]).reset_index()
    a = (span["min"] - span["day"]).dt.total_seconds().to_numpy() / 3600
    b = (span["max"] - span["day"]).dt.total_seconds().to_numpy() / 3600
    days = span["day"].nunique()
    presence = np.array([float(((np.floor(a) <= h) & (b >= h)).sum()) / days
                         for h in range(24)])
    role.presence = [round(float(x), 2) for x in presence]
    grid = cal.open.reshape(7, 24)
    hours = grid.any(axis=0)
    if presence[hours].max() <= 0:
        return
    level = np.where(hours, np.maximum(np.round(presence * role.staff / presence[hours].max()),
                                       1), 0).astype(int)
    groups: list[tuple[tuple[int, ...], int]] = []   # (hours of the day, staff)
    for j in range(1, int(level.max()) + 1):
        at = tuple(int(h) for h in np.flatnonzero(level >= j))
        if groups and groups[-1][0] == at:
            groups[-1] = (at, groups[-1][1] + 1)
        else:
            groups.append((at, 1))
    merged: list[tuple[tuple[int, ...], int]] = []
    for at, staff in groups:  # a level covering nearly the same hours joins the one below
        if merged and len(merged[-1][0]) - len(at) < 2:
            merged[-1] = (merged[-1][0], merged[-1][1] + staff)
        else:
            merged.append((at, staff))
    groups = merged
    if len(groups) < 2 or len(groups) > MAX_SHIFTS or min(len(g[0]) for g in groups) < 2:
        return
    names = ["all day", "peak"] if len(groups) == 2 else [f"shift {k + 1}"
                                                            for k in range(len(groups))]
    role.shifts = []
    for name, (at, staff) in zip(names, groups):
        mask = np.zeros((7, 24), bool)
        mask[:, list(at)] = True
        role.shifts.append({"name": name, "staff": int(staff),
                            "calendar": HourCalendar((grid & mask).reshape(168), cal.holidays),
                            "presence": round(float(presence[list(at)].mean()), 2)})


def fit_staff(role: RoleFit, times: pd.Series, resources: pd.Series | None,
              busy_seconds: float, lo: pd.Timestamp, hi: pd.Timestamp,
              recent_weeks: int) -> None:
    """Set ``role.staff`` and its figures from the role's events in ``[lo, hi)``."""
    times = pd.Series(pd.to_datetime(times)).reset_index(drop=True)
    recent_lo = lo
    if recent_weeks:
        recent_lo = max(lo, hi - pd.Timedelta(weeks=recent_weeks))
    sel = (times >= recent_lo).to_numpy()
    if sel.sum() < 10:
        sel = np.ones(len(times), bool)
    t = times[sel]
    weeks = max((hi - (recent_lo if sel.sum() < len(times) else lo)) / pd.Timedelta(days=7),
                1 / 7)
    open_hours_week = float(role.calendar.open.sum()) or 168.0
    events_per_open_hour = len(t) / (weeks * open_hours_week)
    mean_busy = busy_seconds
    load = events_per_open_hour * mean_busy / 3600.0
    role.staff_load = float(load)
    need = math.ceil(load / TARGET_UTILISATION - 1e-9) if load > 0 else 1
    active = None
    if resources is not None and resources.notna().any():
        r = resources.reset_index(drop=True)[sel]
        frame = pd.DataFrame({"day": t.dt.normalize().to_numpy(), "res": r.to_numpy(),
                              "how": hour_of_week(t), "week": t.dt.to_period("W").to_numpy()})
        frame = frame.dropna(subset=["res"])
        if not frame.empty:
            per_day = frame.groupby("day")["res"].nunique()
            active = float(per_day.mean())
            by_hour = frame.groupby(["week", "how"])["res"].nunique().groupby("how").sum()
            n_weeks = max(frame["week"].nunique(), 1)
            role.staff_by_hour = [round(float(by_hour.get(h, 0)) / n_weeks, 2)
                                  for h in range(168)]
    role.staff_active = active
    role.staff = max(need, round(active) if active else 1, 1)
    if resources is not None:
        fit_shifts(role, times, resources, recent_lo)
