"""Customers who left unserved in the satisfaction figures: abandoned and blocked tickets.

A caller who hung up after three minutes on hold, or who heard "all lines busy", has no
journey to score driver by driver, yet leaving them out makes a desk that loses callers look
better than one that answers them late. The rule is simple and documented: a measured
ticket that **abandoned** (left a queue, ``patience:``) gets the score
``satisfaction.abandoned``, one that was **blocked** (found the line full, ``capacity:``)
gets ``satisfaction.blocked``; both default to the lowest score, 1. No noise, no drivers.
A ticket that abandoned or was blocked and came back (``retrial:``) or was routed to a
named flow (voicemail) and then completed is a completed ticket, scored as any other.

Each ``overall``, ``class`` and ``channel`` row of ``Results.satisfaction`` (whose
``csat_mean`` stays the completed tickets' CSAT) also has
``abandoned_tickets`` and ``blocked_tickets`` (measured tickets per replication),
``csat_with_unserved_mean`` / ``_ci95`` and ``share_satisfied_with_unserved`` / ``_ci95``
(completed, abandoned and blocked tickets together).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["unserved_tickets", "UNSERVED_COLUMNS"]

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


