"""The simulation engine: tickets flowing through a drawn process, served by staff on shifts.

A service desk receives e-mails and calls; each becomes a ticket that walks the drawing:
it waits for an agent (a queue, most urgent class first), is triaged, perhaps waits for the
customer's reply, is resolved, closed. The engine plays this out in simulated time with
simpy, many times over (replications), and writes down every moment (arrived, enabled,
started by *Agent 2*, completed, ...) as event records: :class:`RunOutput`.

>>> import bpsim                                                    # doctest: +SKIP
>>> out = bpsim.engine.run(process, scenario.bind(process), replications=5, seed=1)
>>> out.cases.groupby("replication").completed.mean()               # doctest: +SKIP

:func:`simulate` is the same run wrapped in :class:`bpsim.analysis.Results` (waits, SLAs,
utilisation, costs). See ``docs/engine.md`` for the token semantics of every BPMN element.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bpsim._checks import require_process, require_scenario
from bpsim.engine.output import LIFECYCLES, RunOutput
from bpsim.engine.plan import compile_plan
from bpsim.engine.records import assemble
from bpsim.engine.replication import run_replication
from bpsim.engine.streams import Streams, root_entropy
from bpsim.errors import ScenarioError, SimulationError
from bpsim.model import Process
from bpsim.scenario.spec import BoundScenario

if TYPE_CHECKING:
    from bpsim.analysis.results import Results
    from bpsim.scenario.core import Scenario

__all__ = ["run", "simulate", "RunOutput", "LIFECYCLES"]


def run(
    process: Process,
    bound: BoundScenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    record_events: bool = True,
    replication_ids: Iterable[int] | None = None,
    workers: int | None = 1,
    records: bool = True,
    _only_mser: bool = False,
) -> RunOutput:
    """Simulate ``process`` under a bound scenario; return the raw records.

    Parameters
    ----------
    process : Process
        The model (from :func:`bpsim.read` or built in code).
    bound : BoundScenario
        The scenario bound to this process (``Scenario.bind(process)``).
    replications : int, optional
        Independent runs (default ``bound.replications``).
    seed : int, optional
        Root seed (default ``bound.seed``; ``None`` draws fresh entropy, kept in the output's
        ``seed``). The same seed gives the same output, bit for bit.
    progress : bool
        Show a tqdm progress bar (over replications, or simulated time for one).
    record_events : bool
        Keep the event records (``False``: only cases, staff and windows; less memory).
    replication_ids : iterable of int, optional
        Run only these replication numbers (0-based). Replication ``r`` gives the same
        records whether run alone or with others, so parts run in separate processes can be
        concatenated.
    workers : int, optional
        Processes to spread the replications over (default 1: in this process; ``None``
        or 0: every core). The output is the same, bit for bit, whatever the number.
    records : bool
        Keep every ticket's event records (default). ``False``: **streaming statistics**:
        finished tickets' records are folded, in bounded chunks, into per-replication sums,
        counts and quantile sketches (:mod:`bpsim.stream`; the output's ``summaries``),
        so memory stays flat in the number of tickets; ``events`` and ``cases`` are then
        empty. The figures are those of the record-based path (docs/streaming.md says
        which are exact and the sketch's stated error).

    Returns
    -------
    RunOutput

    Raises
    ------
    SimulationError
        When the model cannot be run as given (a task without duration, a gateway without
        branch probabilities, no end to the run ...), naming the element.
    """
    require_process(process, "bpsim.engine.run")
    if not isinstance(bound, BoundScenario):
        require_scenario(bound, "bpsim.engine.run")
        raise ScenarioError("bpsim.engine.run() needs a bound scenario.",
                            hint="pass scenario.bind(process), or call bpsim.simulate(process, "
                                 "scenario).")
    if bound.problems:  # what would run silently wrong: refuse with the first
        raise bound.problems[0]
    reps = bound.replications if replications is None else _replications(replications)
    if replication_ids is None:
        _check_size(bound, int(reps))  # before anything grows with the number of runs
    ids = list(range(int(reps))) if replication_ids is None else [int(r) for r in replication_ids]
    if any(r < 0 for r in ids):
        raise SimulationError("replication numbers must be 0 or more", hint="pass replication_ids >= 0")
    if bound.horizon is None and bound.cases is None and not bound.arrivals:
        raise SimulationError("the scenario has no arrivals", hint="add arrivals: to the scenario")
    entropy = root_entropy(bound.seed if seed is None else seed)
    plan = compile_plan(process, bound)
    clock = time.perf_counter()
    parts: list[tuple[int, dict[str, Any]]] = []
    bar = None
    tick = None
    if progress:
        from tqdm.auto import tqdm

        if len(ids) > 1:
            bar = tqdm(total=len(ids), desc=f"simulating {bound.name}", unit="rep")
        else:
            by_time = bound.horizon is not None
            total = bound.horizon if bound.horizon is not None else (bound.cases or 0)
            bar = tqdm(total=round(total), desc=f"simulating {bound.name}",
                       unit="s" if by_time else "case")

            def tick(now: float, cases: int) -> None:
                bar.set_postfix(cases=cases, refresh=False)
                bar.update(max(min(round(now if by_time else cases), bar.total) - bar.n, 0))
    from bpsim.engine.parallel import resolve_workers, run_parts

    nproc = resolve_workers(workers, len(ids))
    try:
        if nproc > 1:
            parts = run_parts(process, bound, entropy, ids, workers=nproc,
                              record_events=record_events,
                              streaming=("mser" if _only_mser else True) if not records else False,
                              on_done=(lambda: bar.update(1)) if bar is not None else None)
        else:
            for r in ids:
                sink = None
                if not records:
                    from bpsim.stream.collect import make_collector

                    sink = make_collector(plan, bound, r, process=process, only_mser=_only_mser)
                result = run_replication(plan, bound, Streams(entropy, r),
                                         record_events=record_events, progress=tick,
                                         collect=sink)
                parts.append((r, result))
                if bar is not None:
                    bar.update(1 if len(ids) > 1 else bar.total - bar.n)
    finally:
        if bar is not None:
            bar.close()
    meta = {"wall_seconds": time.perf_counter() - clock, "scenario": bound.name,
            "replication_ids": ids, "record_events": record_events, "workers": nproc,
            "records": records}
    return assemble(plan, parts, seed=entropy, meta=meta)


def _check_size(bound: BoundScenario, replications: int) -> None:
    """Refuse a run beyond bpsim's limits (:mod:`bpsim.scenario.limits`), naming the file."""
    from bpsim.errors import ScenarioError
    from bpsim.scenario.limits import check_run_size

    try:
        check_run_size(bound, replications)
    except ScenarioError as exc:
        exc.file = exc.file or getattr(bound, "source", None)
        raise
def _replications(value: Any) -> int:
    """``replications=`` as given in Python: a whole number >= 1, else a ScenarioError."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value != int(value) or value < 1:
        raise ScenarioError(f"replications must be a whole number >= 1, got {value!r}.",
                            key="replications",
                            hint="pass replications=1 or more (or None for the scenario's).")
    return int(value)


def simulate(process: Process, scenario: Scenario | BoundScenario,
             replications: int | None = None, seed: int | None = None,
             progress: bool = False, workers: int | None = 1,
             records: bool = True) -> Results:
    """Simulate and analyse: ``Results`` with stages, roles, SLAs, cases, costs.

    Parameters
    ----------
    process : Process
    scenario : Scenario or BoundScenario
        A :class:`bpsim.Scenario` is bound to ``process`` first.
    replications, seed, progress, workers
        As in :func:`run` (``workers=None``: every core; same figures whatever the number).
    records : bool
        ``False``: streaming statistics (:func:`run`'s ``records``): the same report in
        memory flat in the number of tickets, without event logs or per-ticket tables.

    Raises
    ------
    ModelError
        ``process`` is not a :class:`bpsim.Process` (``None``, a path, a scenario: the
        message says what to pass).
    ScenarioError
        ``scenario`` is not a :class:`bpsim.Scenario` (a plain dict: build it with
        ``Scenario.from_dict``), ``replications`` is not a whole number >= 1, or the
        scenario does not fit the process.
    """
    require_process(process, "bpsim.simulate")
    require_scenario(scenario, "bpsim.simulate")
    if replications is not None:
        replications = _replications(replications)
    bound = scenario if isinstance(scenario, BoundScenario) else scenario.bind(process)
    cut = None
    if getattr(bound, "warmup_auto", False):  # warmup: auto: a pilot run picks it (MSER-5)
        from bpsim.analysis.warmup import choose_warmup

        bound, cut = choose_warmup(process, bound, replications=replications, seed=seed,
                                   records=records)
    output = run(process, bound, replications=replications, seed=seed, progress=progress,
                 workers=workers, records=records)
    if cut is not None:
        output.meta["warmup_auto"] = cut
    from bpsim.analysis import Results

    return Results(output, process, bound)
