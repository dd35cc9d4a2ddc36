"""Bottlenecks: which stage holds tickets up, and why.

A stage is a bottleneck when the people who staff it are saturated, when tickets spend much
of their life waiting in front of it, and when its queue keeps growing. bpsim scores every
stage on those three facts, each a share between 0 and 1:

``u`` utilisation of the stage's role (busy / on shift; 0 for a stage without staff),
``w`` the share of the cycle time spent waiting at the stage: total wait at the stage /
      total cycle time, over the tickets that arrived after the warm-up and completed,
``g`` queue growth: the time-weighted mean queue in the second half of the measured window
      minus that of the first half, divided by the second half's (at least 1 ticket),
      clipped to [0, 1] (0 for a stable queue, near 1 for a queue that only grows),

and ranks them by

    score = 0.4 u + 0.4 w + 0.2 g            (0 <= score <= 1)

each share being the mean over replications. Waiting carries as much weight as a busy role
because a busy role whose tickets do not wait (the work is spread evenly) is no bottleneck;
growth carries less because it only shows in overloaded runs. Each bottleneck comes with its
reason in words: "Specialist: 94 % busy; tickets wait 2.1 h ± 0.3 h here, 58 % of the cycle
time; queue grows by 3.2 tickets/day".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.queues import replication_slices
from bpsim.analysis.stats import mean_ci
from bpsim.report.format import fmt_pct, fmt_pm

__all__ = ["WEIGHTS", "bottleneck_table"]

#: Weights of utilisation, wait share and queue growth in the score.
WEIGHTS = {"utilization": 0.4, "wait_share": 0.4, "growth": 0.2}


def _wait_share(visits: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    done = cases.loc[cases["measured"] & cases["completed"].astype(bool)]
    cycle = done.groupby("replication")["cycle_time"].sum()
    width = int(max(cases["case"].max() if len(cases) else 0,
                    visits["case"].max() if len(visits) else 0)) + 1
    vrep = visits["replication"]
    ends = ([int(done["replication"].min()), int(done["replication"].max())] if len(done)
            else []) + ([int(vrep.min()), int(vrep.max())] if len(vrep) else [])
    low, high = (min(ends), max(ends)) if ends else (0, 0)
    # whether each (replication, case) ticket is done: a flag per key when that table is
    # small (a byte per ticket), else the sorted keys, searched
    size = (high - low + 1) * width
    done_key = (done["replication"].to_numpy(np.int64) - low) * width \
        + done["case"].to_numpy(np.int64)
    if size <= 1 << 26:
        flags = np.zeros(size, dtype=bool)
        flags[done_key] = True
        done_key = flags
    else:
        done_key = np.sort(done_key)
    # one replication's visits at a time (working arrays the size of one replication's):
    # the waits summed per stage and replication are the same sums
    parts = [_waits_of_done(part, done_key, width, low)
             for part in replication_slices(visits)]
    w = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        w = w.sort_values(["element", "replication"], kind="stable", ignore_index=True)
    w["share"] = w["wait"] / w["replication"].map(cycle)
    return w


def _waits_of_done(visits: pd.DataFrame, done: np.ndarray, width: int, low: int
                   ) -> pd.DataFrame:
    """Seconds waited per stage and replication by the measured visits of done tickets:
    ``done`` flags each (replication - low, case) key, or lists the done keys sorted."""
    v_key = (visits["replication"].to_numpy(np.int64) - low) * width \
        + visits["case"].to_numpy(np.int64)
    if done.dtype == bool:
        hit = done[v_key]
    elif len(done):
        pos = np.searchsorted(done, v_key).clip(max=len(done) - 1)
        hit = done[pos] == v_key
    else:
        hit = np.zeros(len(v_key), dtype=bool)
    rows = np.flatnonzero(hit & visits["measured"].to_numpy(bool))
    v = visits[["element", "replication", "case", "wait"]].iloc[rows]
    return v.groupby(["element", "replication"], observed=True)["wait"].sum().reset_index()


def bottleneck_table(stages: pd.DataFrame, roles: pd.DataFrame, visits: pd.DataFrame,
                     cases: pd.DataFrame, qstats: pd.DataFrame, wins: pd.DataFrame,
                     replications: list[int], shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Stages ranked by bottleneck score (highest first), with ``utilization``,
    ``wait_share``, ``growth``, ``growth_per_day`` (tickets/day), ``score`` and ``reason``.
    ``shares``: the wait shares (``element``, ``replication``, ``share``) when already
    known (streaming statistics), else computed from ``visits`` and ``cases``."""
    util = dict(zip(roles["name"], roles["utilization"])) if not roles.empty else {}
    if shares is None:
        shares = _wait_share(visits, cases) if not visits.empty else pd.DataFrame(
            columns=["element", "replication", "share"])
    rows = []
    for st in stages.itertuples(index=False):
        staffed = isinstance(st.role, str)
        u = util.get(st.role, math.nan) if staffed else math.nan
        u = 0.0 if u is None or math.isnan(u) else float(u)
        sh = shares.loc[shares["element"] == st.id].set_index("replication")["share"]
        w, _ = mean_ci(sh.reindex(replications).fillna(0.0))
        w = 0.0 if math.isnan(w) else w
        q = qstats.loc[qstats["element"] == st.id]
        growth, per_day, per_day_ci = 0.0, 0.0, math.nan
        if not q.empty:
            g = ((q["second_half"] - q["first_half"]) / q["second_half"].clip(lower=1.0))
            growth = float(g.clip(0.0, 1.0).mean())
            half = ((q["replication"].map(wins["end"]) - q["replication"].map(wins["warmup"]))
                    / 2.0)
            per_day, per_day_ci = mean_ci((q["second_half"] - q["first_half"]) / half * 86400.0)
        score = (WEIGHTS["utilization"] * u + WEIGHTS["wait_share"] * w
                 + WEIGHTS["growth"] * growth)
        who = f"{st.role}: {fmt_pct(u)} busy" if staffed else "no staff"
        reason = (f"{who}; tickets wait {fmt_pm(st.wait_mean, st.wait_ci95)} here, "
                  f"{fmt_pct(w)} of the cycle time")
        # say so only when the growth stands out of the noise: beyond its CI, or (with a
        # single replication) when the late queue is at least twice the early one
        clear = per_day - per_day_ci > 0 if not math.isnan(per_day_ci) else growth >= 0.5
        if per_day > 0 and clear:
            reason += f"; queue grows by {per_day:.1f} tickets/day"
        rows.append({"id": st.id, "name": st.name, "role": st.role, "utilization": u,
                     "wait_share": w, "growth": growth, "growth_per_day": per_day,
                     "score": score, "reason": reason})
    out = pd.DataFrame(rows, columns=["id", "name", "role", "utilization", "wait_share",
                                      "growth", "growth_per_day", "score", "reason"])
    return out.sort_values("score", ascending=False, kind="stable", ignore_index=True)
