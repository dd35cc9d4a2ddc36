"""Crossover: how much of each task's work was done by roles other than its first choice.

With skills-based routing (``role: [Agent, Specialist]``) a task's tickets go to the first
qualified role with someone idle. Per task with several qualified roles and per role that
served it, over the visits of tickets arriving after the warm-up that someone took in
charge: ``served`` (per replication, mean), ``share`` (of the task's served visits, per
replication, mean with a 95 % CI half-width) and ``preferred`` (whether it is the task's
first role).
"""

from __future__ import annotations

import pandas as pd

from bpsim.analysis.stages import element_name
from bpsim.analysis.stats import mean_ci

__all__ = ["crossover_table"]

_COLUMNS = ["id", "name", "role", "preferred", "served", "share", "share_ci95"]


def crossover_table(visits: pd.DataFrame, replications: list[int], process=None,
                    scenario=None) -> pd.DataFrame:
    """The ``crossover`` table (see the module docstring)."""
    tasks = getattr(scenario, "tasks", None) or {}
    multi = {e: list(t.roles) for e, t in tasks.items() if len(getattr(t, "roles", None) or []) > 1}
    if visits.empty or not multi:
        return pd.DataFrame(columns=_COLUMNS)
    m = visits.loc[visits["measured"] & visits["start"].notna() & visits["element"].isin(list(multi))]
    n = max(len(replications), 1)
    rows = []
    for element, roles in multi.items():
        g = m.loc[m["element"] == element]
        total = g.groupby("replication").size().reindex(replications, fill_value=0)
        for role in roles:
            k = g.loc[g["role"].astype(object) == role].groupby("replication").size().reindex(
                replications, fill_value=0)
            share, ci = mean_ci((k / total.where(total > 0)).to_numpy())
            rows.append({"id": element, "name": element_name(process, element), "role": role,
                         "preferred": role == roles[0], "served": float(k.sum()) / n,
                         "share": share, "share_ci95": ci})
    return pd.DataFrame(rows, columns=_COLUMNS)
