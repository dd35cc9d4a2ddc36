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

The figures are those :class:`bpsim.analysis.Results` reports for the same replication
(``bpsim simulate``), computed leanly: each from the few record columns it needs, without
building the report's tables (the SLA table's per-class rows and percentiles, the cost table's
billing, the role table's per-role counts). A work item asks only for the figure groups its
study uses (:data:`FIGURES`; the optimiser leaves out the customer's side unless it is a
constraint). ``tests/whatif/test_metrics.py`` checks every figure against ``Results``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["WorkItem", "run_item", "streams", "headline_metrics", "breach_key", "utilization_key",
           "FIGURES"]

#: The figure groups a work item may ask for (the counts, cycle time, open backlog and
#: stability figures always come): ``slas`` (breach rates), ``costs`` (per ticket),
#: ``utilization`` (per role), ``experience`` (CSAT, when the scenario has the customer's
#: side).
FIGURES = frozenset({"slas", "costs", "utilization", "experience"})


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


def _breach_rate(per_case) -> float:
    """The SLA's breach rate over all classes of one replication's tickets, as the SLA
    table's ``cls = "all"`` row computes it (Kaplan-Meier over censored tickets; a ticket
    that left unserved is a closed breach; see :mod:`bpsim.analysis.slas`)."""
    from bpsim.analysis.slas import km_breach_rate

    status = per_case["status"]
    counted = per_case.loc[status.isin(["met", "breached", "open-breached", "censored", "left"])]
    if counted.empty:
        return math.nan
    margin = counted["elapsed"].astype(float) - counted["target"].astype(float)
    gone = counted["status"] == "left"
    margin = margin.where(~gone, math.inf)
    closed = counted["status"].isin(["met", "breached"]) | gone
    return km_breach_rate(margin, closed)


def _costs(staff, ncases: float, scenario) -> tuple[float, float]:
    """Staff cost of the work done and payroll, each per measured ticket (``ncases`` of
    them; the cost table's ``total`` row): busy and on-shift seconds x ``cost_per_hour``,
    summed over roles."""
    worked = paid = 0.0
    if not staff.empty:
        by_role = staff.groupby(staff["role"].astype(object))[["busy", "on_shift"]].sum()
        for name, role in (getattr(scenario, "roles", None) or {}).items():
            if name in by_role.index:
                worked += float(by_role.at[name, "busy"]) / 3600.0 * role.cost_per_hour
                paid += float(by_role.at[name, "on_shift"]) / 3600.0 * role.cost_per_hour
    if ncases <= 0:
        return math.nan, math.nan
    return worked / ncases, paid / ncases


def _utilization(staff, ot) -> dict[str, float]:
    """Busy time / time at work (on shift plus overtime: ``ot``, per staff member) per
    role, capped at 1 (the role table's ``utilization``)."""
    if staff.empty:
        return {}
    s = staff[["resource", "role", "busy", "on_shift"]].assign(
        resource=staff["resource"].astype(object), role=staff["role"].astype(object))
    s = s.merge(ot.assign(resource=ot["resource"].astype(object))[["resource", "overtime"]],
                on="resource", how="left") if not ot.empty else s.assign(overtime=0.0)
    s["overtime"] = s["overtime"].astype(float).fillna(0.0).clip(lower=0.0)
    g = s.groupby("role")[["busy", "on_shift", "overtime"]].sum()
    at_work = g["on_shift"] + g["overtime"]
    util = (g["busy"] / at_work.where(at_work > 0)).clip(upper=1.0)
    return {str(k): float(v) for k, v in util.items()}


def headline_metrics(output, process, bound, figures=None) -> dict[str, float]:
    """The headline figures of a (one-replication) run, as a flat dict of floats.

    ``figures``: the groups of :data:`FIGURES` to compute (default: all)."""
    from bpsim.analysis import Results
    from bpsim.analysis.visits import measured_cases

    want = FIGURES if figures is None else frozenset(figures)
    if getattr(output, "summaries", None):
        return _streamed_metrics(output, process, bound, want)
    res = Results(output, process, bound)
    metrics: dict[str, float] = {
        "cases_arrived": _num(res.arrived),
        "cases_completed": _num(res.completed),
        "cycle_time": _num(res.cycle_time["mean"]),
    }
    if "costs" in want:
        per_case, paid = _costs(output.staff, float(measured_cases(output)["measured"].sum()),
                                bound)
        metrics["cost_per_case"] = per_case
        metrics["paid_cost_per_case"] = paid
    if "slas" in want:
        per_case = res.sla_cases
        for sla in bound.slas:
            rows = per_case.loc[per_case["sla"] == sla.name] if len(per_case) else per_case
            metrics[breach_key(sla.name)] = _breach_rate(rows) if len(rows) else math.nan
    metrics["_mser_warmup"] = _num(res.mser.warmup)
    metrics["open_total"] = float(output.cases["end"].isna().sum())  # not the ones left unserved
    bt = res.backlog_trend
    metrics["_backlog_growth"] = _num(bt.growth) if bt is not None else math.nan
    metrics["_backlog_positive_share"] = _num(bt.positive_share) if bt is not None else math.nan
    metrics["_backlog_threshold"] = _num(bt.threshold) if bt is not None else math.nan
    if "experience" in want and res.events_recorded and res.experience.relevant:
        sat = res.satisfaction  # the customer's side
        top = sat.loc[sat["scope"] == "overall"]
        metrics["csat"] = _num(top["csat_mean"].iloc[0]) if not top.empty else math.nan
        metrics["share_satisfied"] = (_num(top["share_satisfied"].iloc[0]) if not top.empty
                                      else math.nan)
    if "utilization" in want:
        from bpsim.analysis.roles import overtime

        util = _utilization(output.staff, overtime(res.visits, res.windows, res.scenario))
        for name in bound.roles:
            metrics[utilization_key(name)] = util.get(name, math.nan)
    return metrics


def _streamed_metrics(output, process, bound, want: frozenset) -> dict[str, float]:
    """:func:`headline_metrics` of a run with streaming statistics (``records=False``):
    the same figures from the replication's summary (:mod:`bpsim.stream`): counts and
    cycle-time sums, the SLA clocks' counts, met margins and censored clocks, the staff's
    overtime, the backlog trend and the tickets still open; CSAT from the customer's side
    folded chunk by chunk (:mod:`bpsim.stream.experience`) when the item asked for it."""
    from bpsim.stream.results import StreamedResults
    from bpsim.stream.slas import sla_row

    res = StreamedResults(output, process, bound)
    summaries = res.summaries
    metrics: dict[str, float] = {
        "cases_arrived": _num(res.arrived),
        "cases_completed": _num(res.completed),
        "cycle_time": _num(res.cycle_time["mean"]),
    }
    if "costs" in want:
        per_case, paid = _costs(output.staff, float(res._case_sum("arrived").sum()), bound)
        metrics["cost_per_case"] = per_case
        metrics["paid_cost_per_case"] = paid
    if "slas" in want:
        for sla in bound.slas:
            seen = list(dict.fromkeys(cls for s in summaries for (name, cls) in s.sums.get("sla", {})
                                      if name == sla.name))
            metrics[breach_key(sla.name)] = (_num(sla_row(res, sla, "all", seen)["breach_rate"])
                                             if seen else math.nan)
    metrics["_mser_warmup"] = _num(res.mser.warmup)
    metrics["open_total"] = float(sum(len(s.open_cases) for s in summaries
                                      if s.open_cases is not None))
    bt = res.backlog_trend
    metrics["_backlog_growth"] = _num(bt.growth) if bt is not None else math.nan
    metrics["_backlog_positive_share"] = _num(bt.positive_share) if bt is not None else math.nan
    metrics["_backlog_threshold"] = _num(bt.threshold) if bt is not None else math.nan
    if "experience" in want and res.experience.relevant and res.experience.available:
        sat = res.satisfaction  # the customer's side, from the folded sums
        top = sat.loc[sat["scope"] == "overall"]
        metrics["csat"] = _num(top["csat_mean"].iloc[0]) if not top.empty else math.nan
        metrics["share_satisfied"] = (_num(top["share_satisfied"].iloc[0]) if not top.empty
                                      else math.nan)
    if "utilization" in want:
        util = _utilization(output.staff, res._overtime)
        for name in bound.roles:
            metrics[utilization_key(name)] = util.get(name, math.nan)
    return metrics


@dataclass(frozen=True)
class WorkItem:
    """One replication of one variant: everything a worker needs, picklable."""

    variant: int
    replication: int
    process: Any
    scenario: Any
    seed: int
    figures: frozenset[str] | None = None  # groups of FIGURES (None: all)


def streams(item: WorkItem, bound) -> bool:
    """Whether ``item`` runs with streaming statistics (``records=False``, the work item's
    figures alone: :func:`bpsim.stream.collect.item_figures`) rather than with records:
    when its run is ended by the horizon (the backlog trend's instants are then known in
    advance; a run ended by ``cases:`` has them only at its end). CSAT, when asked on a
    model about the customer's side, is folded chunk by chunk too (:func:`wants_csat`)."""
    return bound.horizon is not None and bound.cases is None


def wants_csat(item: WorkItem, bound) -> bool:
    """Whether ``item`` asks for CSAT on a model about the customer's side (then a streamed
    item folds the journey and the scores: :func:`bpsim.stream.experience.item_experience`)."""
    want = FIGURES if item.figures is None else item.figures
    if "experience" not in want:
        return False
    from types import SimpleNamespace

    from bpsim.experience.figures import Experience

    return bool(Experience(SimpleNamespace(process=item.process, scenario=bound)).relevant)


def run_item(item: WorkItem) -> dict[str, float]:
    """Simulate ``item`` (one replication) and return its headline figures (with
    streaming statistics when :func:`streams` says so: the same figures, for less CPU)."""
    from bpsim.engine import run
    from bpsim.stream.collect import item_figures

    bound = item.scenario.bind(item.process)
    stream = streams(item, bound)
    if getattr(bound, "warmup_auto", False):  # each replication picks its own (MSER-5)
        from bpsim.analysis.warmup import choose_warmup

        bound, _cut = choose_warmup(item.process, bound, seed=item.seed,
                                    replication_ids=[item.replication], records=not stream)
    if stream:
        from contextlib import nullcontext

        from bpsim.stream.experience import item_experience

        with item_figures(), (item_experience() if wants_csat(item, bound) else nullcontext()):
            output = run(item.process, bound, seed=item.seed, replication_ids=[item.replication],
                         progress=False, records=False)
    else:
        output = run(item.process, bound, seed=item.seed, replication_ids=[item.replication],
                     progress=False, record_events=True)
    return headline_metrics(output, item.process, bound, item.figures)
