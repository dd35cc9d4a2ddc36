"""Warm-up: how long the empty start biases the figures, by the MSER-5 rule.

A run starts with an empty desk: nobody waits, every agent is free. The first tickets go
straight through, and on a busy desk the figures of a short run come out optimistic. The
fix is to ignore the tickets of a **warm-up** period; ``warmup: auto`` lets bpsim choose it.

**The rule: MSER-5** (White 1997; Hoad, Robinson & Davies 2010 found it the most reliable of
the automatic truncation rules). Per replication, take the tickets in arrival order and their
time in the system (arrival to end; a ticket still open at the horizon counts its age), leave
out the tickets that arrived in the last 10 % of the run (the horizon cuts their times short),
and average them in batches of 5: ``Z_1 .. Z_k``. For each candidate truncation ``d`` (whole
batches, ``0 <= d <= k / 2``) the rule computes

    MSER(d) = sum over j > d of (Z_j - mean(Z_{d+1..k}))^2 / (k - d)^2

(the squared standard error of the mean left after truncating) and keeps the ``d`` that
minimises it: truncating removes the biased start until removing more only loses data.
The warm-up of the replication is the arrival time of the first ticket kept; the run's
warm-up is the mean over replications (one value, so every replication measures the same
window). A minimum at the half-way bound means the run is too short to find the end of the
transient (``reliable`` is then ``False``: make the horizon longer).

:func:`mser5` works on one series; :func:`truncation` on a run's cases table;
:func:`warmup_warnings` raises ``no-warmup`` / ``short-warmup`` for a busy desk whose warm-up
is shorter than the rule's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["mser5", "truncation", "Truncation", "warmup_warnings", "BATCH", "BUSY"]

#: Batch size of the rule (MSER-5).
BATCH = 5
#: A desk is busy when some role's utilisation (on paper or measured) reaches this.
BUSY = 0.8
#: Share of the horizon at the end whose tickets the rule leaves out (times cut short).
TAIL = 0.10
#: Below this share of the horizon a missing warm-up is not worth a warning.
NEGLIGIBLE = 0.02


def mser5(values, batch: int = BATCH) -> tuple[int, int]:
    """MSER truncation of one series: ``(d, k)``, the number of batches to drop and the
    number of batches (observations ``d * batch`` onwards are kept).

    >>> mser5([10.0] * 10 + [0.0, 1.0] * 20)   # a high start, then a steady level
    (2, 10)
    """
    x = np.asarray(values, dtype=float)
    k = len(x) // batch
    if k < 4:
        return 0, k
    z = x[: k * batch].reshape(k, batch).mean(axis=1)
    # suffix sums: S1[d] = sum z[d:], S2[d] = sum z[d:]^2
    s1 = np.cumsum(z[::-1])[::-1]
    s2 = np.cumsum((z * z)[::-1])[::-1]
    d = np.arange(k // 2 + 1)
    n = k - d
    sse = s2[d] - s1[d] ** 2 / n
    crit = sse / n**2
    return int(np.argmin(crit)), k


@dataclass
class Truncation:
    """The MSER-5 warm-up of a run: ``warmup`` (s, mean over replications), per replication
    ``per_replication`` (s), and ``reliable`` (no replication's minimum at the half-way
    bound)."""

    warmup: float
    per_replication: dict[int, float] = field(default_factory=dict)
    reliable: bool = True
    rule: str = ("MSER-5 on the tickets' time in the system (batches of 5 in arrival order), "
                 "mean over replications")


def truncation(cases: pd.DataFrame, wins: pd.DataFrame) -> Truncation:
    """MSER-5 (see the module docstring) on the cases table of a run (all tickets, from the
    start of the run)."""
    per: dict[int, float] = {}
    reliable = True
    for rep, w in wins.iterrows():
        end = float(w["end"])
        g = cases.loc[cases["replication"] == rep]
        arr = g["arrival"].to_numpy(dtype=float)
        order = np.argsort(arr, kind="stable")
        arr = arr[order]
        fin = g["end"].to_numpy(dtype=float)[order]
        keep = arr < end * (1.0 - TAIL)
        arr, fin = arr[keep], fin[keep]
        times = np.where(np.isnan(fin), end, np.minimum(fin, end)) - arr
        d, k = mser5(times)
        if k >= 4 and d >= k // 2:
            reliable = False
        per[int(rep)] = float(arr[d * BATCH]) if d and len(arr) > d * BATCH else 0.0
    warm = float(np.mean(list(per.values()))) if per else 0.0
    return Truncation(warmup=warm, per_replication=per, reliable=reliable)


def _busiest(results) -> tuple[str | None, float]:
    best, util = None, 0.0
    loads = getattr(results, "paper_loads", None)
    if loads is not None and not loads.empty:
        top = loads.loc[loads["shift"] == "all"]
        for r in top.itertuples(index=False):
            if r.utilization > util:
                best, util = r.role, float(r.utilization)
    roles = results.roles
    if not roles.empty:
        for r in roles.itertuples(index=False):
            u = float(r.utilization) if r.utilization == r.utilization else 0.0
            if u > util:
                best, util = str(r.name), u
    return best, util


def warmup_warnings(results, auto: bool = False) -> list[dict]:
    """``no-warmup`` (warm-up 0) or ``short-warmup`` (shorter than the MSER-5 rule's) for a
    busy desk (some role's utilisation >= :data:`BUSY`), and ``short-warmup`` when
    ``warmup: auto`` hit the half-way bound (the run is too short)."""
    from bpsim.report.format import fmt_duration, fmt_pct

    wins = results.windows
    if wins.empty or (results.output.cases.empty and not getattr(results, "streamed", False)):
        return []
    cut = results.mser
    warm = float(wins["warmup"].mean())
    horizon = float(wins["end"].mean())
    if auto:
        if cut.reliable:
            return []
        return [{"code": "short-warmup", "warmup": warm, "mser": cut.warmup,
                 "message": ("warmup: auto could not find the end of the start-up transient: "
                             "the MSER-5 minimum lies at half the run in some replication; "
                             "make the horizon longer.")}]
    role, util = _busiest(results)
    if util < BUSY or cut.warmup <= max(warm, NEGLIGIBLE * horizon):
        return []
    code = "no-warmup" if warm == 0 else "short-warmup"
    write = f"{math.ceil(cut.warmup / 3600.0)}h"
    what = "0" if warm == 0 else fmt_duration(warm)
    return [{"code": code, "warmup": warm, "mser": cut.warmup, "role": role,
             "utilization": util,
             "message": (f"warm-up {what} on a busy desk ({role} {fmt_pct(util)} busy): the run "
                         "starts empty, so the first tickets wait less than they would in "
                         f"steady state. The MSER-5 rule puts the end of that transient at "
                         f"{fmt_duration(cut.warmup)}: write warmup: auto, or warmup: "
                         f"{write} or more.")}]


def choose_warmup(process, bound, *, replications=None, seed=None, replication_ids=None,
                  records: bool = True):
    """``warmup: auto``: a pilot run (the same replications and seed, without event records)
    from an empty start, MSER-5 on its tickets, and ``bound`` with that warm-up (the engine's
    dynamics do not depend on the warm-up, so the real run repeats the pilot's tickets and
    only measures a shorter window). Returns ``(bound, Truncation)``. ``records=False``:
    the pilot keeps no cases table either, only the MSER-5 batch sums (streaming
    statistics: the same cut, memory flat in the number of tickets)."""
    import dataclasses

    from bpsim.engine import run

    if not records:
        pilot = run(process, dataclasses.replace(bound, warmup=0.0), replications=replications,
                    seed=seed, records=False, replication_ids=replication_ids, _only_mser=True)
        per = {int(s.replication): s.mser[0] for s in pilot.summaries or []}
        cut = Truncation(warmup=float(np.mean(list(per.values()))) if per else 0.0,
                         per_replication=per,
                         reliable=all(s.mser[1] for s in pilot.summaries or []))
        return dataclasses.replace(bound, warmup=cut.warmup, warmup_auto=True), cut

    pilot = run(process, dataclasses.replace(bound, warmup=0.0), replications=replications,
                seed=seed, record_events=False, replication_ids=replication_ids)
    wins = pilot.windows.set_index("replication")
    cut = truncation(pilot.cases, wins)
    return dataclasses.replace(bound, warmup=cut.warmup, warmup_auto=True), cut


def study_warnings(process, bound, values: list[dict]) -> list[dict]:
    """Warm-up warnings of a sweep or a staffing search: ``values`` are the per-variant
    metric arrays (each replication's ``_mser_warmup``). A busy desk (on paper, some role at
    :data:`BUSY` or more) whose warm-up is shorter than the mean MSER-5 truncation of the
    study's replications gets ``no-warmup`` / ``short-warmup``."""
    from bpsim.analysis.stability import paper_loads
    from bpsim.report.format import fmt_duration, fmt_pct

    if getattr(bound, "warmup_auto", False):
        return []
    try:
        loads = paper_loads(process, bound)
    except Exception:  # noqa: BLE001 - no on-paper figure, no warning
        return []
    top = loads.loc[loads["shift"] == "all"] if not loads.empty else loads
    if top.empty:
        return []
    row = top.loc[top["utilization"].idxmax()]
    util = float(row["utilization"])
    cuts = [v for d in values for v in np.asarray(d.get("_mser_warmup", []), dtype=float)]
    cuts = [c for c in cuts if c == c]
    if util < BUSY or not cuts:
        return []
    cut = float(np.mean(cuts))
    warm = float(bound.warmup or 0.0)
    horizon = float(bound.horizon or 0.0)
    if cut <= max(warm, NEGLIGIBLE * horizon):
        return []
    code = "no-warmup" if warm == 0 else "short-warmup"
    what = "0" if warm == 0 else fmt_duration(warm)
    return [{"code": code, "warmup": warm, "mser": cut, "role": row["role"],
             "utilization": util,
             "message": (f"warm-up {what} on a busy desk ({row['role']} {fmt_pct(util)} busy "
                         "on paper): every variant starts empty and its first tickets wait "
                         "less than in steady state; the MSER-5 rule puts the end of that "
                         f"transient at {fmt_duration(cut)} (mean over the study's runs): "
                         f"write warmup: auto, or warmup: {math.ceil(cut / 3600.0)}h or "
                         "more.")}]
