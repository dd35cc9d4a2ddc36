"""The cheapest staffing that meets the SLAs.

"How few agents and specialists can we roster and still take 95 % of tickets in charge
within 4 working hours?" :func:`optimize_staffing` answers in three steps:

1. **On paper.** Each role's offered load (:mod:`bpsim.whatif.load`: arrival rate x visits x
   mean duration, concentrated into the role's open hours) gives a first head-count: the
   smallest ``c`` whose Erlang C wait tail meets an SLA that ends when the role takes the
   ticket in charge, else square-root staffing ``a + sqrt(a)``; divided by the tickets' work
   one person gets through at once (``concurrency / (1 + slowdown (concurrency - 1))``, 1
   for one ticket at a time) and by the share of time not away (shrinkage).
2. **Up.** Simulate that plan. While some SLA fails, try one more person in each role and
   keep the cheapest plan that meets every SLA, else the one that closes the gap most per
   unit of cost.
3. **Down.** From a plan that meets every SLA, try one person fewer in each role, and moving
   one person from a dearer role to a cheaper one; keep the cheapest that still meets every
   SLA, until no such move does.

Only what can change the answer is simulated (:mod:`bpsim.whatif.search`): a plan
overloaded on paper is infeasible without a run, and candidates are simulated a cost level
at a time, cheapest first, up to the first level with a feasible plan; every replication
of a plan of one batch uses the same random numbers as in every other plan (common random
numbers).

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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bpsim.errors import BpsimError, ScenarioError
from bpsim.whatif.executors import DEFAULT_TIMEOUT, Runner, make_runner
from bpsim.whatif.metrics import FIGURES
from bpsim.whatif.plans import Knob, _default_vary_path, _knobs, _seed_plan
from bpsim.whatif.search import _climb, _Search
from bpsim.whatif.staffing import StaffingResult, _result
from bpsim.whatif.sweep import _as_data, _replications, resolve_seed
from bpsim.whatif.verdict import _gap, _judge, _judge_csat

if TYPE_CHECKING:
    from bpsim.model import Process
    from bpsim.scenario.core import Scenario

# the plan space (plans), one plan's verdict (verdict), the search (search) and its answer
# (staffing) live in their own modules; these names stay importable from here
_REEXPORTED = (Knob, _default_vary_path, _knobs, _gap, _judge, _judge_csat)

__all__ = ["optimize_staffing", "StaffingResult", "Knob"]


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
    timeout: float | None = DEFAULT_TIMEOUT,
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
    dask_address, workers, progress, timeout
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
                                progress=progress, timeout=timeout)
    # plans with a shift (or role) at 0 are the optimiser's own trials: they may run
    explore = scenario if scenario.allow_unstaffed else scenario.vary({"allow_unstaffed": True})
    search = _Search(process, explore, knobs, chosen_slas, replications=reps,
                     seed=resolve_seed(seed, scenario), runner=runner, confidence=confidence,
                     min_csat=min_csat,
                     figures=FIGURES if min_csat is not None else FIGURES - {"experience"})
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
