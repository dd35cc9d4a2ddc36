"""Roles and staff: how busy the people are, and what their work amounts to.

The service desk's agents and specialists work shifts. For each person the engine records,
within the measured window [warm-up, end], the seconds they were **on shift** and the seconds
they were **busy** on a task. From those and the visits they served:

``utilization``     busy / (on shift + overtime): the share of the hours they were at work
                    that they spent working (over the hours they were on shift, so a night
                    with nobody on shift does not dilute it). A person finishes the task in
                    hand after the shift ends; that **overtime** counts as time at work, so
                    utilisation never exceeds 100 %
``busy_hours``      hours worked (person-hours spent on tickets)
``on_shift_hours``  hours on shift (paid hours)
``overtime_hours``  hours worked outside the shift (finishing the task in hand)
``tasks``           tasks started in the window
``cases_handled``   distinct tickets the person (the role) worked on in the window
``handling_mean``   mean service time (start -> complete) of the tasks they completed
``person_hours_per_case``  busy hours / cases handled
``engaged_share``   share of the hours at work with at least one ticket in hand (equals
                    ``utilization`` for people who hold one ticket at a time)

People who hold several tickets at once (``concurrency: N``, chat) are busy for the share
of their N places in use: ``busy`` is the place-seconds occupied / N, so ``utilization``
is the mean share of places occupied and ``busy_hours`` what the role pays for work; their
overtime counts the same way (the tickets' time after the shift / N), and
``engaged_share`` says how often they had any conversation open at all.

The per-role figures add up the role's members per replication (utilisation = total busy /
total on shift). Every figure is a mean across replications with a 95 % CI half-width.
These are the operator metrics of the service-desk literature: cases handled, mean
handling time, person-hours (per operator and overall).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpsim.analysis.stats import ci_table
from bpsim.analysis.visits import per_replication

__all__ = ["staff_table", "role_table", "handled"]

_FIGS = ["utilization", "busy_hours", "on_shift_hours", "overtime_hours", "tasks",
         "cases_handled", "handling_mean", "person_hours_per_case", "engaged_share"]


def shift_calendars(scenario) -> dict[str, object]:
    """Staff member name -> the calendar of their shift (``None``: around the clock).

    Members are numbered across a role's shifts in order, as the engine names them.
    """
    out: dict[str, object] = {}
    for name, role in (getattr(scenario, "roles", None) or {}).items():
        i = 0
        for shift in role.shifts:
            for _ in range(shift.staff):
                i += 1
                out[f"{name} {i}"] = shift.calendar
    return out


def overtime(visits: pd.DataFrame, wins: pd.DataFrame, scenario) -> pd.DataFrame:
    """Per replication x staff member: seconds worked outside their shift within the window
    (``overtime``), from the served visits' start -> end intervals.

    Vectorised: each shift calendar's open time is tabulated once
    (:class:`~bpsim.analysis.slas.WorkClock`) and read at every visit's two ends.
    """
    from bpsim.analysis.slas import WorkClock

    cals = shift_calendars(scenario)
    v = visits.loc[visits["resource"].notna() & visits["start"].notna(),
                   ["replication", "resource", "start", "end"]]     # (the columns read)
    cols = ["replication", "resource", "overtime"]
    if v.empty or not cals:
        return pd.DataFrame(columns=cols)
    w0 = per_replication(v["replication"], wins["warmup"])
    w1 = per_replication(v["replication"], wins["end"])
    a = np.maximum(v["start"].to_numpy(float), w0)
    b = np.minimum(np.nan_to_num(v["end"].to_numpy(float), nan=np.inf), w1)
    extra = np.zeros(len(v))
    resource = v["resource"]
    res = resource.astype(object).to_numpy()
    by_cal: dict[int, tuple[object, list[str]]] = {}
    for name, cal in cals.items():
        if cal is not None:
            by_cal.setdefault(id(cal), (cal, []))[1].append(name)
    ok = b > a
    if ok.any():
        lo, hi = float(a[ok].min()), float(b[ok].max())
        for cal, names in by_cal.values():
            rows = np.nonzero(ok & _is_in(resource, names))[0]
            if len(rows):
                clock = WorkClock(cal, lo, hi)
                extra[rows] = (b[rows] - a[rows]) - (clock(b[rows]) - clock(a[rows]))
    frame = pd.DataFrame({"replication": v["replication"].to_numpy(), "resource": res,
                          "overtime": extra})
    return frame.groupby(["replication", "resource"], sort=False, observed=True)["overtime"].sum().reset_index()


def _is_in(col: pd.Series, names: list[str]) -> np.ndarray:
    """``col.isin(names)`` as a numpy mask, from the codes of a categorical column."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return col.astype(object).isin(names).to_numpy()
    table = np.append(col.cat.categories.isin(names), False)
    return table[col.cat.codes.to_numpy()]


def handled(visits: pd.DataFrame, wins: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per replication x ``by`` (``"resource"`` or ``"role"``): ``cases_handled`` and
    ``handling_mean`` over the visits taken in charge within the window."""
    v = visits.loc[visits["resource"].notna(),
                   list(dict.fromkeys(["replication", "case", "start", "service", by]))]
    if v.empty:
        return pd.DataFrame(columns=["replication", by, "cases_handled", "handling_mean"])
    w0 = per_replication(v["replication"], wins["warmup"])
    w1 = per_replication(v["replication"], wins["end"])
    start = v["start"].to_numpy(float)
    v = v.loc[(start >= w0) & (start <= w1)]
    g = v.groupby(["replication", by], sort=False, observed=True)
    return pd.DataFrame({"cases_handled": g["case"].nunique(),
                         "handling_mean": g["service"].mean()}).reset_index()


def _per_replication(staff: pd.DataFrame, visits: pd.DataFrame, wins: pd.DataFrame,
                     by: str, scenario=None, ot: pd.DataFrame | None = None,
                     h: pd.DataFrame | None = None) -> pd.DataFrame:
    keys = ["replication", by] if by == "role" else ["replication", "role", "resource"]
    if ot is None:
        ot = overtime(visits, wins, scenario)
    staff = staff.merge(ot, on=["replication", "resource"], how="left")
    staff["overtime"] = staff["overtime"].astype(float).fillna(0.0).clip(lower=0.0)
    places = {n: int(getattr(r, "concurrency", 1) or 1) for n, r in (getattr(scenario, "roles", None) or {}).items()}
    if any(n > 1 for n in places.values()):  # overlapping tickets of one person: place-seconds / N
        staff["overtime"] = staff["overtime"] / staff["role"].astype(object).map(places).fillna(1).astype(float)
    if "engaged" not in staff:
        staff["engaged"] = staff["busy"]
    s = staff.groupby(keys, sort=False, observed=True).agg(
        busy=("busy", "sum"), on_shift=("on_shift", "sum"), tasks=("tasks", "sum"),
        overtime=("overtime", "sum"), engaged=("engaged", "sum"),
        staff=("resource", "nunique")).reset_index()
    at_work = s["on_shift"] + s["overtime"]
    s["utilization"] = (s["busy"] / at_work.where(at_work > 0)).clip(upper=1.0)
    s["engaged_share"] = (s["engaged"] / at_work.where(at_work > 0)).clip(upper=1.0)
    s["overtime_hours"] = s["overtime"] / 3600.0
    s["busy_hours"] = s["busy"] / 3600.0
    s["on_shift_hours"] = s["on_shift"] / 3600.0
    if h is None:
        h = handled(visits, wins, by)
    s = s.merge(h, on=["replication", by], how="left")
    s["cases_handled"] = s["cases_handled"].astype(float).fillna(0)
    s["person_hours_per_case"] = s["busy_hours"] / s["cases_handled"].where(
        s["cases_handled"] > 0)
    return s


def _clean_staff(staff: pd.DataFrame) -> pd.DataFrame:
    s = staff.copy()
    for c in ("role", "resource"):
        s[c] = s[c].astype(object)
    if "shift" not in s:
        s["shift"] = None
    if "tasks" not in s:
        s["tasks"] = 0
    return s


def staff_table(staff: pd.DataFrame, visits: pd.DataFrame, wins: pd.DataFrame,
                scenario=None, overtime: pd.DataFrame | None = None,
                handled: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``staff`` table: one row per staff member (see the module docstring).

    ``overtime``: :func:`overtime` of these visits when already computed (else computed);
    ``handled``: likewise :func:`handled` by ``"resource"`` (streaming statistics pass
    both and no visits)."""
    cols = ["resource", "role", "shift"] + [c for f in _FIGS for c in (f, f"{f}_ci95")]
    if staff.empty:
        return pd.DataFrame(columns=cols)
    s = _clean_staff(staff)
    per = _per_replication(s, visits, wins, "resource", scenario, overtime, handled)
    out = ci_table(per, ["role", "resource"], _FIGS)
    shifts = s.drop_duplicates("resource").set_index("resource")["shift"]
    out["shift"] = out["resource"].map(shifts)
    return out[cols]


def role_table(staff: pd.DataFrame, visits: pd.DataFrame, wins: pd.DataFrame,
               scenario=None, overtime: pd.DataFrame | None = None,
               handled: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``roles`` table: one row per role of the scenario that has staff, with its
    head-count (``staff``), the figures above and the role's ``cost_per_hour``
    (``overtime``, ``handled``: as in :func:`staff_table`, by ``"role"``)."""
    figs = _FIGS
    cols = ["name", "staff", "cost_per_hour"] + [c for f in figs for c in (f, f"{f}_ci95")]
    roles = dict(getattr(scenario, "roles", None) or {})
    if staff.empty:
        per = pd.DataFrame(columns=["replication", "role", *figs])
    else:
        per = _per_replication(_clean_staff(staff), visits, wins, "role", scenario, overtime,
                               handled)
    out = ci_table(per, "role", figs).rename(columns={"role": "name"})
    names = list(dict.fromkeys(list(roles) + list(out["name"])))
    out = out.set_index("name").reindex(names).reset_index()
    out = out.rename(columns={"index": "name"})
    head = per.groupby("role", observed=True)["staff"].max() if not per.empty else pd.Series(dtype=float)
    out["staff"] = [roles[n].staff if n in roles else int(head.get(n, 0)) for n in out["name"]]
    out["cost_per_hour"] = [roles[n].cost_per_hour if n in roles else 0.0 for n in out["name"]]
    return out[cols]
