"""Priority classes: how each class (P1, P2, P3) fared.

Per class: tickets arrived after the warm-up (``count``, per replication), ``completed``
and ``open`` at the horizon, cycle time of the completed ones (mean, 95 % CI half-width
across replications) and the mean wait per visit at staffed stages (``wait_mean``: until
taken in charge). Cycle times cover only completed tickets: ``open`` says how many it
leaves out.
"""

from __future__ import annotations

import pandas as pd

from bpsim.analysis.stats import mean_ci

__all__ = ["class_table"]


def class_table(cases: pd.DataFrame, visits: pd.DataFrame, replications: list[int],
                classes=()) -> pd.DataFrame:
    """One row per priority class (see the module docstring)."""
    cols = ["name", "count", "completed", "open", "cycle_time_mean", "cycle_time_ci95",
            "wait_mean", "wait_ci95"]
    reps = pd.Index(replications, name="replication")
    m = cases.loc[cases["measured"]].assign(cls=lambda d: d["cls"].astype(object))
    # (only the columns read: not a copy of every column of the visits)
    v = visits.loc[visits["measured"] & visits["role"].notna(), ["replication", "cls", "wait"]] \
        if not visits.empty else visits
    # (the visits' class stays categorical: compared by its codes, not copied into objects)
    names = list(dict.fromkeys(list(classes) + sorted(m["cls"].dropna().unique(), key=str)))
    rows = []
    for name in names:
        g = m.loc[m["cls"] == name]
        if g.empty:
            continue
        done = g.loc[g["completed"].astype(bool)]
        row = {"name": name,
               "count": mean_ci(g.groupby("replication").size().reindex(reps, fill_value=0))[0],
               "completed": mean_ci(done.groupby("replication").size()
                                    .reindex(reps, fill_value=0))[0]}
        row["open"] = mean_ci(g.loc[g["end"].isna()].groupby("replication").size()
                              .reindex(reps, fill_value=0))[0]  # not abandoned or blocked ones
        row["cycle_time_mean"], row["cycle_time_ci95"] = mean_ci(
            done.groupby("replication")["cycle_time"].mean())
        gv = v.loc[(v["cls"] == name).to_numpy(bool)] if not v.empty else v
        row["wait_mean"], row["wait_ci95"] = mean_ci(
            gv.groupby("replication")["wait"].mean()) if not gv.empty else (float("nan"),) * 2
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)
