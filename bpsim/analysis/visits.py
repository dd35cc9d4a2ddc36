"""Visits: one row per ticket x stage x pass, the unit every stage figure is built from.

A ticket reaches the Triage stage (``enabled``), waits in the agents' queue until an agent
takes it in charge (``start``), and leaves when the agent is done (``complete``), or when a
boundary event pulls it away (``interrupted``), or when it is withdrawn (``withdrawn``).
A ticket that loops ("need more information?") visits the same stage again: each ``enabled``
record opens a new visit, and the records that follow it for the same ticket and element
belong to that visit.

Columns of :func:`visits`:

``replication``, ``case``, ``cls``, ``element``, ``visit`` (1, 2, ... per ticket and element),
``enabled``, ``start``, ``end`` (seconds; ``NaN`` when it did not happen before the run
ended), ``outcome`` (``complete`` / ``interrupted`` / ``withdrawn`` / ``None`` when still
open), ``resource``, ``role`` (who took it in charge), ``arrival`` (the ticket's arrival),
``measured`` (the ticket arrived at or after the warm-up), and the derived durations
``wait`` (enabled -> start), ``service`` (start -> complete) and ``sojourn``
(enabled -> complete).

A delay without staff that the engine records without a ``start`` (a catch event waiting for
the customer) gets ``start = enabled``: it has no queue, all of its time is "service".
A visit interrupted or withdrawn before anyone took it in charge has no ``start``: it left the
queue unserved and counts in no wait figure (it still counts in the queue length).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpsim.engine.output import RunOutput

__all__ = ["visits", "windows", "measured_cases"]

_STAGE_LIFECYCLES = ["enabled", "start", "complete", "interrupted", "withdrawn"]


def windows(output: RunOutput) -> pd.DataFrame:
    """The measured window per replication: index ``replication``, columns ``warmup``, ``end``."""
    w = output.windows[["replication", "warmup", "end"]].copy()
    w["replication"] = w["replication"].astype(int)
    return w.set_index("replication")


def measured_cases(output: RunOutput) -> pd.DataFrame:
    """The cases table with ``measured`` (arrived at or after the warm-up) and
    ``cycle_time`` (end - arrival, NaN when unfinished)."""
    cases = output.cases.copy()
    if cases.empty:
        cases["measured"] = pd.Series(dtype=bool)
        cases["cycle_time"] = pd.Series(dtype=float)
        return cases
    w = windows(output)
    warm = cases["replication"].astype(int).map(w["warmup"]).astype(float)
    cases["measured"] = cases["arrival"].astype(float) >= warm
    cases["cycle_time"] = cases["end"].astype(float) - cases["arrival"].astype(float)
    if "completed" not in cases:
        cases["completed"] = cases["end"].notna()
    return cases


def visits(output: RunOutput) -> pd.DataFrame:
    """One row per ticket x stage x pass (see the module docstring)."""
    ev = output.events
    cols = ["replication", "case", "cls", "element", "visit", "enabled", "start", "end",
            "outcome", "resource", "role", "arrival", "measured", "wait", "service", "sojourn"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    ev = ev.loc[ev["lifecycle"].astype(str).isin(_STAGE_LIFECYCLES),
                ["replication", "case", "cls", "element", "lifecycle", "time", "resource",
                 "role"]].copy()
    for c in ("element", "lifecycle", "resource", "role", "cls"):
        ev[c] = ev[c].astype(object)
    ev["_open"] = (ev["lifecycle"] == "enabled").astype(np.int64)
    keys = ["replication", "case", "element"]
    ev["visit"] = ev.groupby(keys, sort=False)["_open"].cumsum()
    ev = ev.loc[ev["visit"] > 0]
    vkeys = keys + ["visit"]
    times = ev.pivot_table(index=vkeys, columns="lifecycle", values="time", aggfunc="first")
    for lc in _STAGE_LIFECYCLES:
        if lc not in times:
            times[lc] = np.nan
    starts = ev.loc[ev["lifecycle"] == "start"].drop_duplicates(vkeys).set_index(vkeys)
    first = ev.drop_duplicates(vkeys).set_index(vkeys)
    out = pd.DataFrame(index=times.index)
    out["cls"] = first["cls"]
    out["enabled"] = times["enabled"]
    out["start"] = times["start"]
    out["end"] = times["complete"].fillna(times["interrupted"]).fillna(times["withdrawn"])
    outcome = pd.Series(None, index=out.index, dtype=object)
    outcome[times["withdrawn"].notna()] = "withdrawn"
    outcome[times["interrupted"].notna()] = "interrupted"
    outcome[times["complete"].notna()] = "complete"
    out["outcome"] = outcome
    out["resource"] = starts["resource"].reindex(out.index)
    out["role"] = starts["role"].reindex(out.index)
    unstarted_done = out["start"].isna() & (out["outcome"] == "complete")
    out.loc[unstarted_done, "start"] = out.loc[unstarted_done, "enabled"]
    out = out.reset_index()

    cases = measured_cases(output)
    arr = cases.set_index(["replication", "case"])[["arrival", "measured"]]
    idx = pd.MultiIndex.from_arrays([out["replication"], out["case"]])
    out["arrival"] = arr["arrival"].reindex(idx).to_numpy()
    out["measured"] = arr["measured"].reindex(idx).fillna(False).astype(bool).to_numpy()
    out["wait"] = out["start"] - out["enabled"]
    out["service"] = (out["end"] - out["start"]).where(out["outcome"] == "complete")
    out["sojourn"] = (out["end"] - out["enabled"]).where(out["outcome"] == "complete")
    return out[cols].sort_values(["replication", "enabled", "case"], kind="stable",
                                 ignore_index=True)
