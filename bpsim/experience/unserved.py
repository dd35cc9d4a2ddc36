"""Customers who left unserved in the satisfaction figures: abandoned and blocked tickets.

A caller who hung up after three minutes on hold, or who heard "all lines busy", has no
journey to score driver by driver, yet leaving them out makes a desk that loses callers look
better than one that answers them late. The rule is simple and documented: a measured
ticket that **abandoned** (left a queue, ``patience:``) gets the score
``satisfaction.abandoned``, one that was **blocked** (found the line full, ``capacity:``)
gets ``satisfaction.blocked``; both default to the lowest score, 1. No noise, no drivers.
A ticket that abandoned or was blocked and came back (``retrial:``) or was routed to a
named flow (voicemail) and then completed is a completed ticket, scored as any other.

:func:`add_unserved` adds, beside each ``overall``, ``class`` and ``channel`` row of
``Results.satisfaction`` (whose ``csat_mean`` stays the completed tickets' CSAT):
``abandoned_tickets`` and ``blocked_tickets`` (measured tickets per replication),
``csat_with_unserved_mean`` / ``_ci95`` and ``share_satisfied_with_unserved`` / ``_ci95``
(completed, abandoned and blocked tickets together).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci

__all__ = ["unserved_tickets", "add_unserved", "UNSERVED_COLUMNS"]

UNSERVED_COLUMNS = ["abandoned_tickets", "blocked_tickets", "csat_with_unserved_mean",
                    "csat_with_unserved_ci95", "share_satisfied_with_unserved",
                    "share_satisfied_with_unserved_ci95"]


def unserved_tickets(results, params) -> pd.DataFrame:
    """The measured tickets that left unserved: ``replication``, ``case``, ``cls``,
    ``channel`` (the start event's name), ``left`` (``"abandoned"`` / ``"blocked"``),
    ``score`` (by the rule above) and ``satisfied``."""
    from bpsim.experience.journey import measured

    cols = ["replication", "case", "cls", "channel", "left", "score", "satisfied"]
    c = measured(results)
    if "abandoned" not in c or "blocked" not in c:
        return pd.DataFrame(columns=cols)
    ab = c["abandoned"].to_numpy(bool)
    bl = c["blocked"].to_numpy(bool)
    keep = c["measured"].to_numpy(bool) & (ab | bl)
    if not keep.any():
        return pd.DataFrame(columns=cols)
    c = c.loc[keep]
    ab = ab[keep]
    proc = results.process
    start = c["start"].astype(object)
    score = np.where(ab, float(params.abandoned), float(params.blocked))
    return pd.DataFrame({
        "replication": c["replication"].to_numpy(),
        "case": c["case"].to_numpy(),
        "cls": c["cls"].to_numpy(),
        "channel": start.map(lambda e: (proc.name_of(e) if proc is not None else None) or e).to_numpy(),
        "left": np.where(ab, "abandoned", "blocked"),
        "score": score,
        "satisfied": score >= params.satisfied,
    })


def add_unserved(table: pd.DataFrame, tickets: pd.DataFrame, unserved: pd.DataFrame,
                 reps: list[int]) -> pd.DataFrame:
    """``table`` (``Results.satisfaction``) with the :data:`UNSERVED_COLUMNS` (NaN on the
    ``phase`` rows)."""
    out = table.copy()
    for col in UNSERVED_COLUMNS:
        out[col] = math.nan
    both = pd.concat([tickets[["replication", "cls", "channel", "score", "satisfied"]].assign(left=""),
                      unserved[["replication", "cls", "channel", "score", "satisfied", "left"]]],
                     ignore_index=True)
    both["satisfied"] = both["satisfied"].astype(bool)
    both["score"] = both["score"].astype(float)
    for i, row in out.iterrows():
        scope = row["scope"]
        if scope == "overall":
            g = both
        elif scope in ("class", "channel"):
            key = "cls" if scope == "class" else "channel"
            g = both.loc[both[key].astype(str) == str(row["name"])]
        else:
            continue
        per = g.groupby("replication")
        m, ci = mean_ci(per["score"].mean().reindex(reps).dropna())
        s, sci = mean_ci(per["satisfied"].mean().reindex(reps).dropna())
        left = g["left"].to_numpy()
        counts = {k: float(g.loc[left == k].groupby("replication").size().reindex(reps, fill_value=0).mean())
                  if reps else 0.0 for k in ("abandoned", "blocked")}
        out.loc[i, UNSERVED_COLUMNS] = [counts["abandoned"], counts["blocked"], m, ci, s, sci]
    return out
