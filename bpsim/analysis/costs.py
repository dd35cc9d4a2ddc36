"""Costs: what the staff cost, and what the customer is billed.

Two different questions, two figures:

* **Staff cost** (the desk's expense). Each role has a ``cost_per_hour``. bpsim charges it
  two ways and says which is which:

  - ``cost_worked`` = hours worked (busy on a task) x cost_per_hour: the cost of the work
    itself, which grows with demand. This is the figure called ``cost`` elsewhere.
  - ``cost_paid`` = hours on shift (paid time, busy or idle) x cost_per_hour: the payroll,
    which grows with head-count.

* **Customer billing** (the desk's revenue, "65 EUR per hour, in 30-minute fractions rounded
  up"): each task a person performs on a ticket is billed separately: its service time
  (start -> complete) is rounded **up** to the role's ``billing_increment``, then multiplied
  by the role's ``bill_rate`` (or its ``cost_per_hour`` when no bill rate is set). A
  40-minute task at 65 EUR/h in 30-minute increments bills 60 minutes: 65 EUR.

**Person-hours** are the hours of staffed work a ticket needed (the sum of its tasks'
service times). All amounts are per replication (one run of the scenario's horizon), after
warm-up: staff cost over the measured window, billing over the tickets that arrived after the
warm-up. ``per_case`` divides by the tickets arrived in the window. Means carry 95 % CI
half-widths across replications.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci

__all__ = ["billed_seconds", "billing", "cost_table", "weekly_payroll", "priced", "WEEKLY_BASIS"]

#: What "weekly cost" means, said in every output that shows one.
WEEKLY_BASIS = ("payroll of a normal week (the calendars' weekly pattern, holidays aside): "
                "staff x hours on duty x cost_per_hour")


def priced(scenario) -> bool:
    """Whether the scenario prices any work: a role with a ``cost_per_hour`` or a
    ``bill_rate`` above 0. Without one every amount is 0 and the reports leave money out."""
    return any((getattr(r, "cost_per_hour", 0) or 0) > 0 or (getattr(r, "bill_rate", 0) or 0) > 0
               for r in (getattr(scenario, "roles", None) or {}).values())


def billed_seconds(service: np.ndarray | float, increment: float | None):
    """Service seconds rounded up to a whole number of ``increment`` (None: unrounded).

    >>> billed_seconds(40 * 60.0, 30 * 60.0) / 60
    60.0
    """
    s = np.asarray(service, dtype=float)
    if not increment or (isinstance(increment, float) and math.isnan(increment)):
        return s if s.ndim else float(s)
    out = np.ceil(s / increment - 1e-9) * increment
    out = np.maximum(out, 0.0)
    return out if out.ndim else float(out)


def billing(visits: pd.DataFrame, scenario) -> pd.DataFrame:
    """One row per completed, staffed task of a measured ticket: ``replication``, ``case``,
    ``cls``, ``element``, ``role``, ``service``, ``billed_seconds``, ``amount``."""
    roles = dict(getattr(scenario, "roles", None) or {})
    v = visits.loc[visits["measured"] & (visits["outcome"] == "complete")
                   & visits["role"].notna(),
                   ["replication", "case", "cls", "element", "role", "service"]].copy()
    v = v.loc[v["role"].isin(list(roles))] if roles else v.iloc[0:0]
    # per role's increment, as whole arrays (a role without increment: unrounded)
    role = v["role"].astype(object)
    inc = role.map({n: r.billing_increment for n, r in roles.items()})
    rate = role.map({n: r.bill_rate if r.bill_rate is not None else r.cost_per_hour
                     for n, r in roles.items()})
    billed = v["service"].to_numpy(dtype=float).copy()
    for increment in {r.billing_increment for r in roles.values()}:
        if increment:
            rows = (inc == increment).to_numpy()
            billed[rows] = billed_seconds(billed[rows], increment)
    v["billed_seconds"] = billed
    v["amount"] = v["billed_seconds"] / 3600.0 * rate.astype(float)
    return v[["replication", "case", "cls", "element", "role", "service", "billed_seconds",
              "amount"]].reset_index(drop=True)


def weekly_payroll(scenario) -> dict[str, float]:
    """Weekly payroll per role in a normal week (see :data:`WEEKLY_BASIS`):
    ``{role: staff x normal-week hours x cost_per_hour}`` summed over its shifts."""
    from bpsim.analysis.stability import normal_week_hours

    out: dict[str, float] = {}
    for name, role in (getattr(scenario, "roles", None) or {}).items():
        out[name] = float(sum(s.staff * normal_week_hours(s.calendar) for s in role.shifts)
                          * role.cost_per_hour)
    return out


_COLUMNS = ["scope", "name", "cases", "person_hours", "person_hours_ci95", "paid_hours",
            "cost_worked", "cost_worked_ci95", "cost_paid", "cost_paid_ci95",
            "billed_hours", "billed", "billed_ci95", "cost_per_case", "cost_per_case_ci95",
            "billed_per_case", "billed_per_case_ci95", "person_hours_per_case"]


def _ci(row: dict, name: str, values) -> None:
    row[name], ci = mean_ci(values)
    if f"{name}_ci95" in _COLUMNS:
        row[f"{name}_ci95"] = ci


def cost_table(staff: pd.DataFrame, visits: pd.DataFrame | None, cases: pd.DataFrame,
               replications: list[int], scenario, bills: pd.DataFrame | None = None
               ) -> pd.DataFrame:
    """The ``costs`` table, in rows of three scopes: ``role`` (one per role), ``class``
    (one per priority class: the customer's view) and ``total``. See the module docstring.

    ``bills``: :func:`billing` rows when already known (streaming statistics pass rows
    summed per replication, role and class, and no visits). ``cases`` may carry a
    ``tickets`` column: how many tickets each row stands for (default one)."""
    roles = dict(getattr(scenario, "roles", None) or {})
    if bills is None:
        bills = billing(visits, scenario)
    reps = pd.Index(replications, name="replication")
    def count(frame: pd.DataFrame) -> pd.Series:
        g = frame.groupby("replication")
        per = g["tickets"].sum() if "tickets" in frame else g.size()
        return per.reindex(reps, fill_value=0).astype(float)

    ncases = count(cases.loc[cases["measured"]])
    rows = []
    s = staff.copy()
    if not s.empty:
        s["role"] = s["role"].astype(object)
    worked_total = pd.Series(0.0, index=reps)
    paid_total = pd.Series(0.0, index=reps)
    busy_total = pd.Series(0.0, index=reps)
    for name, role in roles.items():
        r = s.loc[s["role"] == name] if not s.empty else s
        busy = (r.groupby("replication")["busy"].sum().reindex(reps, fill_value=0.0)
                if not r.empty else pd.Series(0.0, index=reps))
        on = (r.groupby("replication")["on_shift"].sum().reindex(reps, fill_value=0.0)
              if not r.empty else pd.Series(0.0, index=reps))
        b = bills.loc[bills["role"] == name]
        billed = b.groupby("replication")["amount"].sum().reindex(reps, fill_value=0.0)
        bh = b.groupby("replication")["billed_seconds"].sum().reindex(reps, fill_value=0.0)
        worked = busy / 3600.0 * role.cost_per_hour
        paid = on / 3600.0 * role.cost_per_hour
        worked_total += worked
        paid_total += paid
        busy_total += busy
        row = {"scope": "role", "name": name, "paid_hours": mean_ci(on / 3600.0)[0],
               "billed_hours": mean_ci(bh / 3600.0)[0]}
        _ci(row, "person_hours", busy / 3600.0)
        _ci(row, "cost_worked", worked)
        _ci(row, "cost_paid", paid)
        _ci(row, "billed", billed)
        rows.append(row)
    classes = list(dict.fromkeys(list(getattr(scenario, "classes", None) or [])
                                 + list(cases["cls"].astype(object).unique())))
    measured = cases.loc[cases["measured"]]
    for cls in classes:
        # (a categorical column compared as it is: its codes, not a copy into objects)
        nc = count(measured.loc[(measured["cls"] == cls).to_numpy(bool)])
        if nc.sum() == 0:
            continue
        b = bills.loc[(bills["cls"] == cls).to_numpy(bool)]
        amount = b.groupby("replication")["amount"].sum().reindex(reps, fill_value=0.0)
        ph = b.groupby("replication")["service"].sum().reindex(reps, fill_value=0.0) / 3600
        row = {"scope": "class", "name": cls, "cases": mean_ci(nc)[0],
               "billed_hours": mean_ci(b.groupby("replication")["billed_seconds"].sum()
                                       .reindex(reps, fill_value=0.0) / 3600.0)[0]}
        _ci(row, "person_hours", ph)
        _ci(row, "billed", amount)
        _ci(row, "billed_per_case", amount / nc.where(nc > 0))
        row["person_hours_per_case"] = mean_ci(ph / nc.where(nc > 0))[0]
        rows.append(row)
    billed = bills.groupby("replication")["amount"].sum().reindex(reps, fill_value=0.0)
    per = ncases.where(ncases > 0)
    row = {"scope": "total", "name": "total", "cases": mean_ci(ncases)[0],
           "paid_hours": math.nan,
           "billed_hours": mean_ci(bills.groupby("replication")["billed_seconds"].sum()
                                   .reindex(reps, fill_value=0.0) / 3600.0)[0],
           "person_hours_per_case": mean_ci(busy_total / 3600.0 / per)[0]}
    _ci(row, "person_hours", busy_total / 3600.0)
    _ci(row, "cost_worked", worked_total)
    _ci(row, "cost_paid", paid_total)
    _ci(row, "billed", billed)
    _ci(row, "cost_per_case", worked_total / per)
    _ci(row, "billed_per_case", billed / per)
    rows.append(row)
    return pd.DataFrame(rows, columns=_COLUMNS)
