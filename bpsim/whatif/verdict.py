"""Judging one staffing plan: does it meet every SLA, with confidence, and keep up?

A plan *meets* an SLA when the one-sided upper confidence bound of its breach rate (over
replications, at ``confidence``) is below the allowed rate ``1 - attain``. It is *stable*
when no role's offered load while on duty reaches its staff on duty (on paper,
:func:`bpsim.analysis.stability.paper_loads`) and the open backlog does not grow over the
run (:func:`bpsim.analysis.stability.backlog_trend`). A plan overloaded on paper is
infeasible whatever a simulation would say, so it is judged without one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bpsim.whatif.metrics import breach_key
from bpsim.whatif.stats import estimate, upper_bound

__all__: list[str] = []


@dataclass
class _Evaluation:
    plan: tuple[int, ...]
    cost: float
    feasible: bool
    figures: list[dict[str, Any]]
    metrics: dict[str, float]
    phase: str
    unstable: list[str] = field(default_factory=list)  # why the plan cannot keep up
    overload: float = 0.0          # sum over roles of on-paper utilisation above 1
    metrics_arrays: dict[str, Any] = field(default_factory=dict)  # per replication
    replications: int = 0          # simulated replications (0: judged on paper alone)

    def violation(self) -> float:
        return sum(max(0.0, _gap(f)) if not math.isnan(f["upper"]) else 1.0
                   for f in self.figures) + self.overload + 0.5 * bool(self.unstable)

    def worst(self) -> dict[str, Any]:
        return max(self.figures, key=lambda f: (not f["met"], _gap(f)))


def _gap(f: dict[str, Any]) -> float:
    """How far a figure is from its limit (positive: violated): an SLA's upper bound above
    its allowed breach rate, or the required CSAT above the CSAT's lower bound."""
    if math.isnan(f["upper"]):
        return math.inf
    if f.get("kind") == "csat":
        return f["limit"] - f["upper"]
    return f["upper"] - f["limit"]


def _judge_csat(values: dict[str, np.ndarray], minimum: float, confidence: float
                ) -> dict[str, Any]:
    """The satisfaction constraint: the one-sided lower confidence bound of the mean CSAT
    (kept in ``upper``, the bound the optimiser compares) must reach ``minimum``."""
    scores = values.get("csat", np.array([math.nan]))
    est = estimate(scores, 0.95)
    lower = -upper_bound(-np.asarray(scores, dtype=float), confidence)
    return {"name": f"CSAT >= {minimum:g}", "kind": "csat", "limit": float(minimum),
            "breach_rate": est.mean, "breach_rate_ci95": est.half_width, "upper": lower,
            "met": bool(not math.isnan(lower) and lower >= minimum)}


def _paper_overload(process, scenario, work=None) -> tuple[list[str], float]:
    """Roles overloaded on paper (offered load on duty at or above the staff on duty), in
    words, and the plan's overload (sum of on-paper utilisation above 1). Such a plan cannot
    keep up whatever a simulation says: the search judges it infeasible without one.

    ``work``: the roles' offered loads (:func:`bpsim.whatif.load.role_loads`), the same for
    every plan of a staffing search (head-counts change no task's visits or duration)."""
    from bpsim.analysis.stability import paper_loads

    reasons, overload = [], 0.0
    try:
        loads = paper_loads(process, scenario.bind(process), loads=work)
    except Exception:  # noqa: BLE001 - the simulation binds it too; be safe
        loads = None
    if loads is not None and not loads.empty:
        for r in loads.loc[(loads["shift"] == "all") & loads["overloaded"]].to_dict("records"):
            overload += float(r["utilization"]) - 1.0 + 1e-3
            reasons.append(f"{r['role']} overloaded on paper: offered load on duty "
                           f"{r['load_on_duty']:.2f} erlangs >= {r['staff_on_duty']:.2f} "
                           "staff on duty")
    return reasons, overload


def _backlog_growth(values: dict[str, np.ndarray]) -> list[str]:
    """Whether the open backlog grew over the simulated runs (the trend test of
    :func:`bpsim.analysis.stability.backlog_trend`, averaged over replications)."""
    from bpsim.analysis.stability import POSITIVE_SHARE

    growth = values.get("_backlog_growth")
    if growth is None or not np.any(~np.isnan(growth)):
        return []
    g = float(np.nanmean(growth))
    share = float(np.nanmean(values.get("_backlog_positive_share", np.array([0.0]))))
    limit = float(np.nanmean(values.get("_backlog_threshold", np.array([math.inf]))))
    if share >= POSITIVE_SHARE and g > limit:
        return [f"open backlog grows ({g:.1f} tickets more than a lag earlier, "
                f"at {share:.0%} of the instants tested)"]
    return []


def _stability(process, scenario, values: dict[str, np.ndarray]) -> tuple[list[str], float]:
    """Why a plan cannot keep up (on paper: overloaded roles; in the run: a growing open
    backlog), and its overload (sum of on-paper utilisation above 1)."""
    reasons, overload = _paper_overload(process, scenario)
    return reasons + _backlog_growth(values), overload


def _judge(values: dict[str, np.ndarray], slas, confidence: float) -> list[dict[str, Any]]:
    figures = []
    for sla in slas:
        rates = values.get(breach_key(sla.name), np.array([math.nan]))
        est = estimate(rates, 0.95)
        upper = upper_bound(rates, confidence)
        limit = 1.0 - sla.attain
        if math.isnan(upper):
            met = False
        elif limit <= 0.0:
            met = upper <= 0.0
        else:
            met = upper < limit
        figures.append({"name": sla.name, "limit": limit, "breach_rate": est.mean,
                        "breach_rate_ci95": est.half_width, "upper": upper, "met": bool(met)})
    return figures



def _reason(e: _Evaluation) -> str:
    """Why a plan is infeasible: instability first, then each failed SLA ("" if feasible)."""
    if e.feasible:
        return ""
    failed = [f for f in e.figures if not f["met"]]
    if not failed and not e.unstable:
        failed = [e.worst()]
    from bpsim.report.format import fmt_pct, fmt_pm

    parts = list(e.unstable)
    if not e.replications:  # judged on paper: no simulated figure to quote
        return "; ".join(parts + ["not simulated"])
    for f in failed:
        if f.get("kind") == "csat":
            parts.append(f"CSAT {fmt_pm(f['breach_rate'], f['breach_rate_ci95'], 'num')} "
                         f"(lower bound {f['upper']:.2f}) vs required {f['limit']:g}")
            continue
        parts.append(f"{f['name']}: breach rate {fmt_pm(f['breach_rate'], f['breach_rate_ci95'], 'pct')} "
                     f"(upper bound {fmt_pct(f['upper'])}) vs allowed {fmt_pct(f['limit'])}")
    return "; ".join(parts)
