"""The optimiser's answer: :class:`StaffingResult`, and how the search's plans become one."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bpsim.whatif.verdict import _reason

if TYPE_CHECKING:
    from bpsim.whatif.search import _Evaluation, _Search

__all__ = ["StaffingResult"]


@dataclass
class StaffingResult:
    """What :func:`optimize_staffing` found.

    Attributes
    ----------
    plan : dict
        Head-count per role (or ``"role/shift"``) of the cheapest plan meeting every SLA
        (the best plan found when none does: see ``feasible``).
    feasible : bool
        Whether ``plan`` meets every SLA with the stated confidence.
    cost : float
        Weekly payroll of ``plan`` (head-count when no role has a cost).
    slas : DataFrame
        The plan's SLA figures: ``name``, ``limit`` (1 - attain), ``breach_rate``,
        ``breach_rate_ci95``, ``upper`` (one-sided bound), ``met``.
    candidates : DataFrame
        Every plan judged, in the order tried: head-counts, ``cost``, ``feasible``,
        ``phase`` (seed / up / down), ``worst_sla``, its ``breach_rate`` and ``upper``,
        ``replications`` simulated (0: overloaded on paper, infeasible without a run;
        ``reason`` ends "not simulated") and ``reason``.
    next_cheaper : dict or None
        The most expensive plan cheaper than ``plan`` that failed, with ``reason``.
    loads : DataFrame
        The on-paper offered load per role and the seed head-count.
    """

    plan: dict[str, int]
    feasible: bool
    cost: float
    slas: pd.DataFrame
    candidates: pd.DataFrame
    next_cheaper: dict[str, Any] | None
    loads: pd.DataFrame
    seed: int
    replications: int
    confidence: float
    metrics: dict[str, float] = field(default_factory=dict)
    cost_unit: str = "money"   # "head-count" when no role has a cost
    warnings: list[dict[str, Any]] = field(default_factory=list)  # warm-up (stable codes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (NaN as ``None``)."""
        def clean(x):
            if isinstance(x, float) and math.isnan(x):
                return None
            if isinstance(x, np.generic):
                return clean(x.item())
            if isinstance(x, dict):
                return {k: clean(v) for k, v in x.items()}
            if isinstance(x, list):
                return [clean(v) for v in x]
            return x

        return clean({
            "plan": dict(self.plan), "feasible": self.feasible, "cost": self.cost,
            "weekly_basis": _weekly_basis(self.cost_unit),
            "warnings": list(self.warnings),
            "seed": self.seed, "replications": self.replications,
            "confidence": self.confidence,
            "slas": self.slas.to_dict(orient="records"),
            "metrics": dict(self.metrics),
            "next_cheaper": self.next_cheaper,
            "candidates": self.candidates.to_dict(orient="records"),
            "loads": self.loads.to_dict(orient="records"),
        })

    def summary(self) -> str:
        """The result in words and small tables (what ``bpsim optimize`` prints)."""
        from bpsim.whatif.report import staffing_summary

        return staffing_summary(self)

    def __repr__(self) -> str:
        plan = ", ".join(f"{k}={v}" for k, v in self.plan.items())
        verdict = "meets every SLA" if self.feasible else "does NOT meet every SLA"
        return (f"<StaffingResult {plan}: {verdict}, weekly cost {self.cost:,.2f}, "
                f"{len(self.candidates)} plans judged>")

    def _repr_html_(self) -> str:
        """The plan, its SLAs and the plans tried, for a notebook cell."""
        from bpsim.report.notebook import staffing_html

        return staffing_html(self)


def _weekly_basis(unit: str) -> str:
    from bpsim.analysis.costs import WEEKLY_BASIS

    return WEEKLY_BASIS if unit == "money" else "head-count (no role has a cost_per_hour)"



def _result(search: _Search, best: _Evaluation, loads: pd.DataFrame, reps: int,
            confidence: float) -> StaffingResult:
    labels = [k.label for k in search.knobs]
    rows = []
    for plan in search.order:
        e = search.done[plan]
        w = e.worst()
        rows.append({**dict(zip(labels, plan)), "cost": e.cost, "feasible": e.feasible,
                     "phase": e.phase, "worst_sla": w["name"], "breach_rate": w["breach_rate"],
                     "breach_rate_ci95": w["breach_rate_ci95"], "upper": w["upper"],
                     "limit": w["limit"], "open": e.metrics.get("open_total", math.nan),
                     "replications": e.replications,
                     "reason": _reason(e)})
    cheaper = [search.done[p] for p in search.order
               if not search.done[p].feasible and search.done[p].cost < best.cost]
    next_cheaper = None
    if cheaper:
        e = max(cheaper, key=lambda x: (x.cost, -sum(x.plan)))
        next_cheaper = {"plan": dict(zip(labels, e.plan)), "cost": e.cost,
                        "reason": _reason(e),
                        "slas": [dict(f) for f in e.figures if not f["met"]]}
    return StaffingResult(
        plan=dict(zip(labels, best.plan)), feasible=best.feasible, cost=best.cost,
        slas=pd.DataFrame(best.figures), candidates=pd.DataFrame(rows),
        next_cheaper=next_cheaper, loads=loads, seed=search.seed, replications=reps,
        confidence=confidence, metrics=dict(best.metrics),
        cost_unit="head-count" if all(k.weight == 1.0 for k in search.knobs) else "money")
