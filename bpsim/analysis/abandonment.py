"""Abandonment and blocking: who hung up, who found the line full, by stage, class and channel.

A caller who waits too long hangs up (``patience:``); one who finds every waiting place
taken is turned away (``capacity:``). Per stage where either happened (or could: the task
has patience or a capacity), over the tickets that arrived after the warm-up, the table
gives one row for all tickets (``scope`` ``all``), then one per priority class (``class``)
and one per channel, the start event the ticket came from (``channel``):

``offered``      tickets per replication that reached the stage (visits + blocked)
``abandoned``    visits per replication that ended with the customer leaving the queue
``abandon_rate`` abandoned / visits (the tickets that joined the queue or were served at
                 once), per replication, mean and 95 % CI half-width across replications
``blocked``      tickets per replication turned away by a full queue
``block_rate``   blocked / offered, per replication, mean and 95 % CI half-width

A customer who comes back (``retrial:``) makes a new visit, so one caller can abandon twice.
"""

from __future__ import annotations

import pandas as pd

from bpsim.analysis.stages import element_name
from bpsim.analysis.stats import mean_ci

__all__ = ["abandonment_table"]

_COLUMNS = ["id", "name", "scope", "group", "offered", "abandoned", "abandon_rate",
            "abandon_rate_ci95", "blocked", "block_rate", "block_rate_ci95"]


def _row(g: pd.DataFrame, replications: list[int]) -> dict:
    n = max(len(replications), 1)
    per = g.groupby("replication")["outcome"]
    visits = per.apply(lambda o: int(((o != "withdrawn") & (o != "blocked")).sum())).reindex(
        replications, fill_value=0)
    ab = per.apply(lambda o: int((o == "abandoned").sum())).reindex(replications, fill_value=0)
    bl = per.apply(lambda o: int((o == "blocked").sum())).reindex(replications, fill_value=0)
    offered = visits + bl
    row = {"offered": float(offered.sum()) / n, "abandoned": float(ab.sum()) / n,
           "blocked": float(bl.sum()) / n}
    row["abandon_rate"], row["abandon_rate_ci95"] = mean_ci((ab / visits.where(visits > 0)).to_numpy())
    row["block_rate"], row["block_rate_ci95"] = mean_ci((bl / offered.where(offered > 0)).to_numpy())
    return row


def abandonment_table(visits: pd.DataFrame, cases: pd.DataFrame, replications: list[int],
                      process=None, scenario=None) -> pd.DataFrame:
    """The ``abandonment`` table (see the module docstring).

    Parameters
    ----------
    visits : DataFrame
        From :func:`bpsim.analysis.visits.visits`.
    cases : DataFrame
        The cases table (``replication``, ``case``, ``start``: the channel's start event).
    """
    if visits.empty:
        return pd.DataFrame(columns=_COLUMNS)
    tasks = getattr(scenario, "tasks", None) or {}
    watched = {e for e, t in tasks.items()
               if getattr(t, "patience", None) or getattr(t, "capacity", None) is not None}
    # (only the columns read: not a copy of every column of the visits)
    m = visits.loc[visits["measured"], ["replication", "case", "cls", "element", "outcome"]]
    hit = set(m.loc[m["outcome"].isin(["abandoned", "blocked"]), "element"])
    elements = [e for e in pd.unique(m["element"]) if e in hit or e in watched]
    if not elements:
        return pd.DataFrame(columns=_COLUMNS)
    channel = cases.set_index(["replication", "case"])["start"].astype(object)
    m = m.loc[m["element"].isin(elements)].copy()
    m["channel"] = channel.reindex(pd.MultiIndex.from_arrays([m["replication"], m["case"]])).to_numpy()
    rows = []
    for element in elements:
        g = m.loc[m["element"] == element]
        base = {"id": element, "name": element_name(process, element)}
        rows.append({**base, "scope": "all", "group": "all", **_row(g, replications)})
        for scope, col in (("class", "cls"), ("channel", "channel")):
            groups = list(dict.fromkeys(g[col].astype(object)))
            if scope == "class":
                order = list(getattr(scenario, "classes", None) or [])
                groups.sort(key=lambda k: order.index(k) if k in order else len(order))
            if len(groups) < 2:
                continue
            for key in groups:
                label = element_name(process, key) if scope == "channel" else str(key)
                rows.append({**base, "scope": scope, "group": label,
                             **_row(g.loc[g[col].astype(object) == key], replications)})
    return pd.DataFrame(rows, columns=_COLUMNS)
