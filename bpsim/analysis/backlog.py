"""Open tickets: what is still on the desk when the run's horizon ends.

A run stops at its horizon; the tickets not finished by then are the **open backlog**. A
manager needs them counted, not dropped: an overloaded desk finishes few tickets and its
finished ones look fast, while hundreds wait in the in-tray. Every open ticket is counted
where it is at the horizon, in one of three states:

``waiting``      at a staffed (or automatic) task, not yet taken in charge (in the queue);
``in service``   a person (or an automatic step) is working on it;
``on hold``      waiting at a catch event or receive task (the customer's reply, a timer),
                 holding nobody.

Its **age** is the time from its arrival to the horizon (``age``), and its time at the stage
so far (``at_stage``). A ticket waiting at two places at once (parallel branches) counts once
per place in :func:`open_by_stage` and once in :func:`open_summary`'s total. A ticket still
open but at no stage (between elements, e.g. at a parallel join) counts in the total only.

Two tables:

* :func:`open_visits` - one row per open ticket x stage (replication, case, cls, element,
  state, arrival, enabled, age, at_stage, measured);
* :func:`open_by_stage` - per stage x class x state: open tickets per replication (mean,
  CI) and their age (mean, max).

Counts are per replication (the mean over replications, with its 95 % CI half-width). All
open tickets count, also those that arrived during the warm-up (they are on the desk too);
``measured`` says how many arrived in the measured window.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci

__all__ = ["STATES", "open_visits", "open_by_stage", "open_summary"]

STATES = ("waiting", "in service", "on hold")
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess", "callActivity"}


def _state(element_types: pd.Series, roles: pd.Series, started: pd.Series,
           is_task: pd.Series) -> np.ndarray:
    kind = element_types.fillna("").astype(str)
    hold = kind.str.endswith("Event") | (kind == "receiveTask") | ~is_task
    hold = hold & roles.isna()
    return np.select([hold, started], ["on hold", "in service"], default="waiting")


def open_visits(visits: pd.DataFrame, wins: pd.DataFrame, process=None,
                scenario=None) -> pd.DataFrame:
    """The stages where tickets still were at the horizon (see the module docstring)."""
    from bpsim.analysis.stages import element_type, stage_role

    cols = ["replication", "case", "cls", "element", "state", "arrival", "enabled", "age",
            "at_stage", "measured"]
    if visits.empty:
        return pd.DataFrame(columns=cols)
    v = visits.loc[visits["outcome"].isna() & visits["end"].isna()].copy()
    elements = v["element"].astype(object)
    kinds = {e: element_type(process, e) for e in elements.unique()}
    v["_kind"] = elements.map(kinds)
    v = v.loc[~v["_kind"].isin(_CONTAINERS)]
    if v.empty:
        return pd.DataFrame(columns=cols)
    roles = {e: stage_role(scenario, e) for e in v["element"].astype(object).unique()}
    role = v["element"].astype(object).map(roles)
    tasks = getattr(scenario, "tasks", None) or {}
    is_task = v["element"].astype(object).isin(list(tasks))
    v["state"] = _state(v["_kind"], role, v["start"].notna(), is_task)
    end = v["replication"].map(wins["end"]).astype(float)
    v["age"] = end - v["arrival"].astype(float)
    v["at_stage"] = end - v["enabled"].astype(float)
    return v[cols].reset_index(drop=True)


def _per_rep(counts: pd.Series, reps: pd.Index) -> tuple[float, float]:
    return mean_ci(counts.reindex(reps, fill_value=0).astype(float))


def open_by_stage(open_v: pd.DataFrame, replications: list[int], process=None) -> pd.DataFrame:
    """Per stage (``id``, ``name``) x class x state: ``count`` (open tickets per
    replication), ``count_ci95``, ``measured`` (of them, arrived after the warm-up),
    ``age_mean`` (s, from arrival to the horizon), ``age_max``, ``at_stage_mean`` (s at this
    stage so far). One row per stage with ``cls = "all"`` and ``state = "all"`` first."""
    from bpsim.analysis.stages import element_name

    cols = ["id", "name", "cls", "state", "count", "count_ci95", "measured", "age_mean",
            "age_max", "at_stage_mean"]
    if open_v.empty:
        return pd.DataFrame(columns=cols)
    reps = pd.Index(replications, name="replication")
    rows = []

    def row(element, cls, state, g):
        count, ci = _per_rep(g.groupby("replication").size(), reps)
        meas, _ = _per_rep(g.loc[g["measured"]].groupby("replication").size(), reps)
        rows.append({"id": element, "name": element_name(process, element), "cls": cls,
                     "state": state, "count": count, "count_ci95": ci, "measured": meas,
                     "age_mean": float(g["age"].mean()), "age_max": float(g["age"].max()),
                     "at_stage_mean": float(g["at_stage"].mean())})

    ov = open_v.assign(element=open_v["element"].astype(object),
                       cls=open_v["cls"].astype(object))
    for element, g in ov.groupby("element", sort=False):
        row(element, "all", "all", g)
        for state in STATES:
            gs = g.loc[g["state"] == state]
            if not gs.empty:
                row(element, "all", state, gs)
        for cls, gc in g.groupby("cls", sort=True):
            row(element, cls, "all", gc)
    out = pd.DataFrame(rows, columns=cols)
    top = out.loc[(out["cls"] == "all") & (out["state"] == "all")]
    order = top.sort_values("count", ascending=False, kind="stable")["id"].tolist()
    out["_o"] = out["id"].map({e: i for i, e in enumerate(order)})
    return out.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def open_summary(cases: pd.DataFrame, open_v: pd.DataFrame, wins: pd.DataFrame,
                 replications: list[int]) -> dict:
    """The open backlog at the horizon, per replication (mean over replications):
    ``total`` (tickets not finished; a ticket that abandoned or was blocked has ended, unserved,
    and is not open), ``total_ci95``, ``measured`` (of them, arrived after
    the warm-up), ``age_mean`` / ``age_max`` (s since arrival), ``by_state`` (tickets per
    state; a ticket at two stages counts in each), ``by_class`` ({class: {count,
    age_mean}}), ``share`` (open / arrived in the measured window)."""
    reps = pd.Index(replications, name="replication")
    c = cases.loc[cases["end"].isna()]
    age = c["replication"].map(wins["end"]).astype(float) - c["arrival"].astype(float)
    total, total_ci = _per_rep(c.groupby("replication").size(), reps)
    measured, _ = _per_rep(c.loc[c["measured"]].groupby("replication").size(), reps)
    arrived, _ = _per_rep(cases.loc[cases["measured"]].groupby("replication").size(), reps)
    by_state = {}
    for state in STATES:
        g = open_v.loc[open_v["state"] == state] if not open_v.empty else open_v
        by_state[state] = _per_rep(g.groupby("replication").size(), reps)[0] if len(g) else 0.0
    by_class = {}
    for cls, g in c.assign(cls=c["cls"].astype(object), _age=age).groupby("cls", sort=True):
        by_class[cls] = {"count": _per_rep(g.groupby("replication").size(), reps)[0],
                         "measured": _per_rep(g.loc[g["measured"]].groupby("replication")
                                              .size(), reps)[0],
                         "age_mean": float(g["_age"].mean())}
    return {"total": total, "total_ci95": total_ci, "measured": measured,
            "age_mean": float(age.mean()) if len(age) else math.nan,
            "age_max": float(age.max()) if len(age) else math.nan,
            "share": measured / arrived if arrived > 0 else math.nan,
            "by_state": by_state, "by_class": by_class}
