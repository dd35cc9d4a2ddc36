"""The headline figures of one replication, the unit a what-if study compares.

Each work item of a study is one replication of one variant. It is simulated on its own
(the engine gives replication ``r`` the same random streams whether it runs alone or among
others) and boiled down here to a flat dict of numbers that travels cheaply back from a
worker process or a Dask worker:

``cases_arrived``             tickets arrived after the warm-up (the same in every variant
                              that changes only staffing: common random numbers)
``cases_completed``           tickets (arrived after the warm-up) completed in the run
``cycle_time``                mean arrival -> end of those tickets (s)
``cost_per_case``             staff cost of the work done (hours worked x rate) per ticket
``paid_cost_per_case``        payroll (hours on shift x rate) per ticket
``breach_rate[<SLA>]``        share of the SLA's measured tickets that breached it
``utilization[<role>]``       busy time / time on shift of the role's staff
``open_total``                tickets still open at the horizon
``csat``, ``share_satisfied`` the mean satisfaction score and the share satisfied (scores
                              of 4-5) of the completed tickets (:mod:`bpsim.experience`;
                              only for blueprints and scenarios with ``satisfaction:``,
                              ``updates:`` or ``survey:``)
``_backlog_growth``           mean growth of the open backlog over one lag, its
``_backlog_positive_share``   share of positive lag differences and the growth that
``_backlog_threshold``        matters (:func:`bpsim.analysis.stability.backlog_trend`;
                              NaN when the window is too short to test; the optimiser's
                              stability test, not shown in sweep tables)

The figures come from :class:`bpsim.analysis.Results`, so a study reports exactly what
``bpsim simulate`` reports for the same replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkItem", "run_item", "headline_metrics", "breach_key", "utilization_key"]


def breach_key(sla: str) -> str:
    return f"breach_rate[{sla}]"


def utilization_key(role: str) -> str:
    return f"utilization[{role}]"


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def headline_metrics(output, process, bound) -> dict[str, float]:
    """The headline figures of a (one-replication) run, as a flat dict of floats."""
    from bpsim.analysis import Results

    res = Results(output, process, bound)
    metrics: dict[str, float] = {
        "cases_arrived": _num(res.arrived),
        "cases_completed": _num(res.completed),
        "cycle_time": _num(res.cycle_time["mean"]),
    }
    costs = res.costs
    total = costs.loc[costs["scope"] == "total"]
    cases = _num(total["cases"].iloc[0]) if not total.empty else math.nan
    metrics["cost_per_case"] = _num(total["cost_per_case"].iloc[0]) if not total.empty else math.nan
    paid = _num(total["cost_paid"].iloc[0]) if not total.empty else math.nan
    metrics["paid_cost_per_case"] = paid / cases if cases and cases > 0 else math.nan
    slas = res.slas
    for sla in bound.slas:
        row = slas.loc[(slas["name"] == sla.name) & (slas["cls"] == "all")]
        metrics[breach_key(sla.name)] = _num(row["breach_rate"].iloc[0]) if not row.empty else math.nan
    metrics["_mser_warmup"] = _num(res.mser.warmup)
    metrics["open_total"] = _num(res.open_summary["total"]) if res.events_recorded else \
        float((~res.output.cases["completed"].astype(bool)).sum())
    bt = res.backlog_trend
    metrics["_backlog_growth"] = _num(bt.growth) if bt is not None else math.nan
    metrics["_backlog_positive_share"] = _num(bt.positive_share) if bt is not None else math.nan
    metrics["_backlog_threshold"] = _num(bt.threshold) if bt is not None else math.nan
    if res.events_recorded and res.experience.relevant:  # the customer's side
        sat = res.satisfaction
        top = sat.loc[sat["scope"] == "overall"]
        metrics["csat"] = _num(top["csat_mean"].iloc[0]) if not top.empty else math.nan
        metrics["share_satisfied"] = (_num(top["share_satisfied"].iloc[0]) if not top.empty
                                      else math.nan)
    roles = res.roles
    for name in bound.roles:
        row = roles.loc[roles["name"] == name]
        metrics[utilization_key(name)] = _num(row["utilization"].iloc[0]) if not row.empty else math.nan
    return metrics


@dataclass(frozen=True)
class WorkItem:
    """One replication of one variant: everything a worker needs, picklable."""

    variant: int
    replication: int
    process: Any
    scenario: Any
    seed: int


def run_item(item: WorkItem) -> dict[str, float]:
    """Simulate ``item`` (one replication) and return its headline figures."""
    from bpsim.engine import run

    bound = item.scenario.bind(item.process)
    if getattr(bound, "warmup_auto", False):  # each replication picks its own (MSER-5)
        from bpsim.analysis.warmup import choose_warmup

        bound, _cut = choose_warmup(item.process, bound, seed=item.seed,
                                    replication_ids=[item.replication])
    output = run(item.process, bound, seed=item.seed, replication_ids=[item.replication],
                 progress=False, record_events=True)
    return headline_metrics(output, item.process, bound)
