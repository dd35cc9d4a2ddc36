"""The cheapest staffing that meets the SLAs.

"How few agents and specialists can we roster and still take 95 % of tickets in charge
within 4 working hours?" :func:`optimize_staffing` answers in three steps:

1. **On paper.** Each role's offered load (:mod:`bpsim.whatif.load`: arrival rate x visits x
   mean duration, concentrated into the role's open hours) gives a first head-count: the
   smallest ``c`` whose Erlang C wait tail meets an SLA that ends when the role takes the
   ticket in charge, else square-root staffing ``a + sqrt(a)``.
2. **Up.** Simulate that plan. While some SLA fails, try one more person in each role (all
   candidates in one batch, with common random numbers) and keep the cheapest plan that
   meets every SLA, else the one that closes the gap most per unit of cost.
3. **Down.** From a plan that meets every SLA, try one person fewer in each role, and moving
   one person from a dearer role to a cheaper one; keep the cheapest that still meets every
   SLA, until no such move does.

A plan *meets* an SLA when the one-sided upper confidence bound of its breach rate (over
replications, at ``confidence``) is below the allowed rate ``1 - attain``: the optimiser
must be sure, not just lucky. Breach rates count the tickets still open at the horizon
(:mod:`bpsim.analysis.slas`). A plan is **feasible** when it meets every SLA *and* is stable:
no role's offered load while on duty reaches its staff on duty (on paper,
:func:`bpsim.analysis.stability.paper_loads`) and the open backlog does not grow over the
run (:func:`bpsim.analysis.stability.backlog_trend`). An unstable plan is infeasible
whatever its SLA figures say, with the reason in the plans table (``reason``).
The cost of a plan is its weekly payroll in a normal week (holidays aside): head-count x
``cost_per_hour`` x hours on duty per week (head-count itself when no role has a cost).

The result lists every plan tried, the chosen one with its SLA figures, and the next cheaper
plan that failed, with the SLA that failed it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bpsim.errors import BpsimError, ScenarioError
from bpsim.whatif.executors import Runner, make_runner
from bpsim.whatif.load import role_loads
from bpsim.whatif.metrics import breach_key
from bpsim.whatif.queueing import erlang_a_breach, servers_for_wait_target, square_root_staffing
from bpsim.whatif.stats import estimate, upper_bound
from bpsim.whatif.sweep import (
    _as_data,
    _replications,
    make_variant,
    resolve_seed,
    run_variants,
)

if TYPE_CHECKING:
    from bpsim.model import Process
    from bpsim.scenario.core import Scenario

__all__ = ["optimize_staffing", "StaffingResult", "Knob"]


@dataclass(frozen=True)
class Knob:
    """One head-count the optimiser may change: a role, or one shift of a role."""

    label: str          # "Agent" or "Agent/early"
    path: str           # dotted scenario path set by Scenario.vary
    role: str
    weight: float       # weekly cost of one person (or 1.0 when nothing costs anything)
    minimum: int = 1
    hours: float = 168.0  # hours on duty per week of one person


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
        Every plan simulated, in the order tried: head-counts, ``cost``, ``feasible``,
        ``phase`` (seed / up / down), ``worst_sla``, its ``breach_rate`` and ``upper``.
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
                f"{len(self.candidates)} plans simulated>")

    def _repr_html_(self) -> str:
        """The plan, its SLAs and the plans tried, for a notebook cell."""
        from bpsim.report.notebook import staffing_html

        return staffing_html(self)


def _weekly_basis(unit: str) -> str:
    from bpsim.analysis.costs import WEEKLY_BASIS

    return WEEKLY_BASIS if unit == "money" else "head-count (no role has a cost_per_hour)"


# -- helpers ------------------------------------------------------------------------------
def _week_hours(calendar) -> float:
    """Hours on duty in a normal week (the calendar's weekly pattern, holidays aside)."""
    from bpsim.analysis.stability import normal_week_hours

    return normal_week_hours(calendar)


def _has_shifts(scenario_data: Any, role: str) -> bool:
    try:
        return scenario_data["roles"][role].get("shifts") is not None
    except (KeyError, TypeError, AttributeError):
        return False


def _knobs(bound, roles: Sequence[str] | None, shifts: Mapping[str, Sequence[str]] | None,
           vary_path, scenario_data: Any = None) -> list[Knob]:
    used = {t.role for t in bound.tasks.values() if t.role}
    if roles is None:
        roles = [r for r in bound.roles if r in used]
    knobs: list[Knob] = []
    for name in roles:
        role = bound.roles.get(name)
        if role is None:
            raise ScenarioError(f"the scenario has no role {name!r}.", key=f"roles.{name}",
                                hint=f"choose among: {', '.join(bound.roles) or 'none'}.")
        minimum = 1 if name in used else 0
        wanted = list((shifts or {}).get(name, []) or [])
        if not wanted and _has_shifts(scenario_data, name):
            # a role written as shifts has no single head-count to vary: staff each shift
            wanted = [s.name if s.name else str(i) for i, s in enumerate(role.shifts)]
        if wanted:
            by_name = {s.name: s for s in role.shifts if s.name}
            by_name.update({str(i): s for i, s in enumerate(role.shifts)})
            for shift in wanted:
                if shift not in by_name:
                    raise ScenarioError(
                        f"role {name!r} has no shift {shift!r}.", key=f"roles.{name}.shifts",
                        hint="name a shift by its name: or its position (0, 1, ...).")
                hours = _week_hours(by_name[shift].calendar)
                knobs.append(Knob(f"{name}/{shift}", vary_path(name, shift), name,
                                  role.cost_per_hour * hours, 0, hours))
        else:
            hours = _week_hours(role.shifts[0].calendar if role.shifts else None)
            knobs.append(Knob(name, vary_path(name, None), name,
                              role.cost_per_hour * hours, minimum, hours))
    if not knobs:
        raise ScenarioError("no staffed role to optimise.",
                            hint="give the scenario a role that some task uses (roles:).")
    if all(k.weight == 0 for k in knobs):
        knobs = [Knob(k.label, k.path, k.role, 1.0, k.minimum, k.hours) for k in knobs]
    return knobs


def _erlang_a_servers(lam: float, mu: float, theta: float, target: float, max_breach: float,
                      max_staff: int) -> int | None:
    """The smallest c whose Erlang A breach share (late or abandoned) is at most ``max_breach``."""
    c = 1
    while c <= max_staff:
        if erlang_a_breach(c, lam, mu, theta, target) <= max_breach:
            return c
        c += 1
    return None


def _default_vary_path(role: str, shift: str | None) -> str:
    return f"roles.{role}.staff" if shift is None else f"roles.{role}.shifts.{shift}.staff"


def _seed_plan(process, bound, knobs: list[Knob], slas, max_staff: int) -> tuple[dict, pd.DataFrame]:
    loads = role_loads(process, bound)
    rows, plan = [], {}
    for knob in knobs:
        load = loads.get(knob.role)
        seed = 1
        basis = "minimum"
        if load is not None and load.arrival_rate > 0 and load.mean_service > 0:
            lam, mu = load.open_arrival_rate, 1.0 / load.mean_service
            seed = square_root_staffing(lam / mu, 1.0)
            basis = "square-root staffing"
            for sla in slas:
                end = sla.end
                if end.moment == "start" and end.element in load.tasks:
                    target = min(v for v in sla.target.values())
                    if load.patience:  # callers abandon: Erlang A (abandons breach the SLA)
                        c = _erlang_a_servers(lam, mu, 1.0 / load.patience, target, 1.0 - sla.attain,
                                              max_staff)
                        what = "Erlang A"
                    else:
                        c = servers_for_wait_target(lam, mu, target, 1.0 - sla.attain, max_staff)
                        what = "Erlang C"
                    if c is not None:
                        seed, basis = c, f"{what} for {sla.name!r}"
            if load.available < 1.0:  # shrinkage: pay for more people than must be present
                seed = math.ceil(seed / load.available - 1e-9)
                basis += f", / {load.available:.0%} available (shrinkage)"
        siblings = [k.hours for k in knobs if k.role == knob.role]
        if len(siblings) > 1:  # shifts share the role's work in proportion to their hours
            seed = math.ceil(seed * knob.hours / sum(siblings))
            basis += f", split over {len(siblings)} shifts"
        seed = int(min(max(seed, knob.minimum, 1 if load and load.load > 0 else 0), max_staff))
        plan[knob.label] = seed
        rows.append({"role": knob.label, "offered_load": load.load if load else 0.0,
                     "open_share": load.open_share if load else 1.0,
                     "open_load": load.open_load if load else 0.0,
                     "arrival_rate_per_hour": (load.arrival_rate * 3600) if load else 0.0,
                     "mean_service": load.mean_service if load else 0.0,
                     "seed": seed, "basis": basis})
    return plan, pd.DataFrame(rows)


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


def _stability(process, scenario, values: dict[str, np.ndarray]) -> tuple[list[str], float]:
    """Why a plan cannot keep up (on paper: overloaded roles; in the run: a growing open
    backlog), and its overload (sum of on-paper utilisation above 1)."""
    from bpsim.analysis.stability import POSITIVE_SHARE, paper_loads

    reasons, overload = [], 0.0
    try:
        loads = paper_loads(process, scenario.bind(process))
    except Exception:  # noqa: BLE001 - the simulation already bound it; be safe
        loads = None
    if loads is not None and not loads.empty:
        for r in loads.loc[(loads["shift"] == "all") & loads["overloaded"]].to_dict("records"):
            overload += float(r["utilization"]) - 1.0 + 1e-3
            reasons.append(f"{r['role']} overloaded on paper: offered load on duty "
                           f"{r['load_on_duty']:.2f} erlangs >= {r['staff_on_duty']:.2f} "
                           "staff on duty")
    growth = values.get("_backlog_growth")
    if growth is not None and np.any(~np.isnan(growth)):
        g = float(np.nanmean(growth))
        share = float(np.nanmean(values.get("_backlog_positive_share", np.array([0.0]))))
        limit = float(np.nanmean(values.get("_backlog_threshold", np.array([math.inf]))))
        if share >= POSITIVE_SHARE and g > limit:
            reasons.append(f"open backlog grows ({g:.1f} tickets more than a lag earlier, "
                           f"at {share:.0%} of the instants tested)")
    return reasons, overload


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


class _Search:
    """Plans simulated so far (each once), batched through one runner."""

    def __init__(self, process, scenario, knobs, slas, *, replications, seed, runner,
                 confidence, min_csat=None):
        self.min_csat = min_csat
        self.process, self.scenario, self.knobs, self.slas = process, scenario, knobs, slas
        self.replications, self.seed, self.runner = replications, seed, runner
        self.confidence = confidence
        self.done: dict[tuple[int, ...], _Evaluation] = {}
        self.order: list[tuple[int, ...]] = []

    def cost(self, plan: tuple[int, ...]) -> float:
        return float(sum(n * k.weight for n, k in zip(plan, self.knobs)))

    def evaluate(self, plans: list[tuple[int, ...]], phase: str) -> list[_Evaluation]:
        fresh = list(dict.fromkeys(p for p in plans if p not in self.done))
        if fresh:
            changes = [{k.path: n for k, n in zip(self.knobs, p)} for p in fresh]
            scenarios = [make_variant(self.process, self.scenario, c) for c in changes]
            grid = run_variants(self.process, scenarios, replications=self.replications,
                                seed=self.seed, runner=self.runner, changes=changes,
                                desc=f"optimise ({phase})")
            for plan, values, variant in zip(fresh, grid.values, scenarios):
                figures = _judge(values, self.slas, self.confidence)
                if self.min_csat is not None:
                    figures.append(_judge_csat(values, self.min_csat, self.confidence))
                metrics = {m: float(np.nanmean(v)) if np.any(~np.isnan(v)) else math.nan
                           for m, v in values.items()}
                unstable, overload = _stability(self.process, variant, values)
                self.done[plan] = _Evaluation(plan, self.cost(plan),
                                              all(f["met"] for f in figures) and not unstable,
                                              figures, metrics, phase, unstable, overload,
                                              {"_mser_warmup": values.get("_mser_warmup", [])})
                self.order.append(plan)
        return [self.done[p] for p in plans]


def _prepare(process, scenario, roles, shifts, slas, replications, start, max_staff):
    """Check the request against the scenario; the knobs and the starting plan."""
    bound = scenario.bind(process)
    chosen_slas = list(bound.slas)
    if slas is not None:
        names = {s.name for s in bound.slas}
        missing = [s for s in slas if s not in names]
        if missing:
            raise ScenarioError(f"the scenario has no SLA {missing[0]!r}.", key="slas",
                                hint=f"its SLAs are: {', '.join(sorted(names)) or 'none'}.")
        chosen_slas = [s for s in bound.slas if s.name in set(slas)]
    if not chosen_slas:
        raise ScenarioError("the scenario has no SLA to meet.", key="slas",
                            hint="add one under slas: (e.g. taken in charge within 4h, attain 95%).")
    reps = _replications(replications, scenario, process)
    if reps < 2:
        raise ScenarioError("the optimiser needs at least 2 replications per plan for a "
                            "confidence bound.", hint="use --replications 5 or more.")
    knobs = _knobs(bound, roles, shifts, _default_vary_path, _as_data(scenario))
    staffed = {k.role for k in knobs}
    for problem in bound.problems:  # a role the optimiser staffs may start with no staff
        parts = (problem.key or "").split(".")
        if not (parts[0] == "roles" and len(parts) > 1 and parts[1] in staffed):
            raise problem
    seed_plan, loads = _seed_plan(process, bound, knobs, chosen_slas, max_staff)
    if start:
        unknown = [k for k in start if k not in seed_plan]
        if unknown:
            raise ScenarioError(f"start names {unknown[0]!r}, which is not optimised.",
                                hint=f"use: {', '.join(seed_plan)}.")
        seed_plan.update({k: int(v) for k, v in start.items()})
    return bound, chosen_slas, reps, knobs, seed_plan, loads


def optimize_staffing(
    process: Process,
    scenario: Scenario,
    roles: Sequence[str] | None = None,
    max_staff: int = 20,
    confidence: float = 0.95,
    replications: int | None = None,
    executor: str | Runner = "process",
    shifts: Mapping[str, Sequence[str]] | None = None,
    *,
    slas: Sequence[str] | None = None,
    seed: int | None = None,
    start: Mapping[str, int] | None = None,
    dask_address: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    min_csat: float | None = None,
) -> StaffingResult:
    """Find the cheapest head-count per role that keeps every SLA's breach rate below
    ``1 - attain``, with confidence.

    Parameters
    ----------
    process : Process
    scenario : Scenario
        The scenario to staff (its head-counts are replaced; everything else is kept).
    roles : list of str, optional
        Roles to staff (default: every role some task uses).
    max_staff : int
        Most people the optimiser may put in one role (or shift).
    confidence : float
        Confidence that the breach rate is below the limit (one-sided upper bound).
    replications : int, optional
        Replications per plan (default: the scenario's; at least 2).
    executor : {"process", "serial", "dask"} or Runner
        Where the simulations run.
    shifts : mapping, optional
        Role -> shift names to staff separately (``{"Agent": ["early", "late"]}``). A role
        the scenario writes as ``shifts:`` is always staffed shift by shift.
    slas : list of str, optional
        The SLAs to meet (default: every SLA of the scenario).
    seed : int, optional
        Root seed shared by every plan (common random numbers).
    start : mapping, optional
        Start the search from these head-counts instead of the queueing estimate.
    dask_address, workers, progress
        As for :func:`bpsim.sweep`.
    min_csat : float, optional
        Also require the mean satisfaction score (:mod:`bpsim.experience`) to be at least
        this, with ``confidence`` (its one-sided lower bound; ``--min-csat 4.0``).

    Returns
    -------
    StaffingResult
    """
    if int(max_staff) != max_staff or max_staff < 1:
        raise ScenarioError(f"max_staff must be a whole number >= 1, got {max_staff}.",
                            hint="use e.g. --max-staff 20.")
    if not 0.5 <= confidence < 1.0:
        raise ScenarioError(f"confidence must be in [0.5, 1), got {confidence}.",
                            hint="use e.g. 0.95.")
    try:
        bound, chosen_slas, reps, knobs, seed_plan, loads = _prepare(
            process, scenario, roles, shifts, slas, replications, start, int(max_staff))
    except ScenarioError as exc:
        if exc.file is None:  # name the scenario file in messages about its contents
            exc.file = getattr(scenario, "source", None)
        raise
    current = tuple(min(max(seed_plan[k.label], k.minimum), int(max_staff)) for k in knobs)
    runner, owned = make_runner(executor, workers=workers, dask_address=dask_address,
                                progress=progress)
    # plans with a shift (or role) at 0 are the optimiser's own trials: they may run
    explore = scenario if scenario.allow_unstaffed else scenario.vary({"allow_unstaffed": True})
    search = _Search(process, explore, knobs, chosen_slas, replications=reps,
                     seed=resolve_seed(seed, scenario), runner=runner, confidence=confidence,
                     min_csat=min_csat)
    try:
        best = _climb(search, current, int(max_staff))
    except BpsimError:
        raise
    finally:
        if owned:
            runner.close()
    result = _result(search, best, loads, reps, confidence)
    from bpsim.analysis.warmup import study_warnings

    try:
        result.warnings = study_warnings(process, bound,
                                         [e.metrics_arrays for e in search.done.values()])
    except Exception:  # noqa: BLE001 - a warning is a nicety, never a reason to fail
        result.warnings = []
    return result


def _preference(e: _Evaluation) -> tuple[float, int, float]:
    """Cheapest first; then fewest people; then the widest margin under the SLA limits."""
    margin = max(_gap(f) for f in e.figures) if e.figures else 0.0
    return (e.cost, sum(e.plan), margin)


def _climb(search: _Search, current: tuple[int, ...], max_staff: int) -> _Evaluation:
    knobs = search.knobs
    here = search.evaluate([current], "seed")[0]
    # up: add people until every SLA is met
    while not here.feasible:
        ups = [tuple(n + (i == j) for j, n in enumerate(here.plan))
               for i in range(len(knobs)) if here.plan[i] < max_staff]
        if not ups:
            return here  # every role at max_staff and still failing
        tried = search.evaluate(ups, "up")
        ok = [e for e in tried if e.feasible]
        if ok:
            here = min(ok, key=_preference)
            break
        gain = [(here.violation() - e.violation()) / max(e.cost - here.cost, 1e-9)
                for e in tried]
        here = tried[int(np.argmax(gain))]
    # down: fewer people, or a dearer person swapped for a cheaper one, while still feasible
    while True:
        moves = []
        for i, k in enumerate(knobs):
            if here.plan[i] > k.minimum:
                moves.append(tuple(n - (j == i) for j, n in enumerate(here.plan)))
                for j, other in enumerate(knobs):
                    if j != i and other.weight < k.weight and here.plan[j] < max_staff:
                        moves.append(tuple(n - (m == i) + (m == j)
                                           for m, n in enumerate(here.plan)))
        if not moves:
            return here
        tried = search.evaluate(moves, "down")
        ok = [e for e in tried if e.feasible and e.cost < here.cost]
        if not ok:
            return here
        here = min(ok, key=_preference)


def _reason(e: _Evaluation) -> str:
    """Why a plan is infeasible: instability first, then each failed SLA ("" if feasible)."""
    if e.feasible:
        return ""
    failed = [f for f in e.figures if not f["met"]]
    if not failed and not e.unstable:
        failed = [e.worst()]
    from bpsim.report.format import fmt_pct, fmt_pm

    parts = list(e.unstable)
    for f in failed:
        if f.get("kind") == "csat":
            parts.append(f"CSAT {fmt_pm(f['breach_rate'], f['breach_rate_ci95'], 'num')} "
                         f"(lower bound {f['upper']:.2f}) vs required {f['limit']:g}")
            continue
        parts.append(f"{f['name']}: breach rate {fmt_pm(f['breach_rate'], f['breach_rate_ci95'], 'pct')} "
                     f"(upper bound {fmt_pct(f['upper'])}) vs allowed {fmt_pct(f['limit'])}")
    return "; ".join(parts)


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
