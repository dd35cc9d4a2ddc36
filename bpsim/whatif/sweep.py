"""Sweeps: run a grid of scenario variants and compare each with the baseline.

"With 2, 3 or 4 agents, at today's volume and at +30 %, how long do tickets take, how many
breach the 4-hour SLA, how busy is everyone, what does a ticket cost?" :func:`sweep` runs
every variant of the grid with the same seed and the same replication indices, so
replication ``r`` of every variant sees the same tickets arriving (common random numbers).
Each figure is reported with its 95 % confidence interval over replications and, against the
baseline (the scenario as given), the *paired* difference with its interval: the arrival
noise cancels out of the comparison, so a difference of a few minutes is visible with a
handful of replications.

The work is split into *variant x replication* items, so both spread across cores (or a Dask
cluster); the answer does not depend on which executor ran it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bpsim.errors import BpsimError, ScenarioError
from bpsim.whatif.executors import DEFAULT_TIMEOUT, Runner, make_runner
from bpsim.whatif.grid import expand_grid
from bpsim.whatif.metrics import WorkItem, run_item
from bpsim.whatif.stats import estimate, paired_difference

if TYPE_CHECKING:
    from bpsim.model import Process
    from bpsim.scenario.core import Scenario

__all__ = ["sweep", "GridRun", "run_variants", "resolve_seed", "get_path", "HEADLINE"]

#: The metrics every sweep reports first (then each SLA's breach rate, each role's utilisation).
HEADLINE = ["cycle_time", "cases_arrived", "cases_completed", "cost_per_case",
            "paid_cost_per_case"]


def resolve_seed(seed: int | None, scenario) -> int:
    """The seed a study uses: the argument, else the scenario's, else a fresh random one
    (reported, so the study can be repeated)."""
    if seed is None:
        seed = getattr(scenario, "seed", None)
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # a SeedSequence made without entropy draws an int
        seed = entropy % (2**63)
    return int(seed)


def get_path(scenario, key: str) -> Any:
    """Best-effort read of a dotted path (``roles.Agent.staff``) in a scenario, else ``None``."""
    data: Any = _as_data(scenario)
    rest = key
    while rest:
        if isinstance(data, Mapping):
            # element names may contain dots: take the longest key that matches
            for k in sorted((str(k) for k in data), key=len, reverse=True):
                if rest == k or rest.startswith(k + "."):
                    data, rest = data[k], rest[len(k) + 1:]
                    break
            else:
                return None
        elif isinstance(data, list):
            head, _, rest = rest.partition(".")
            match = [x for x in data if isinstance(x, Mapping) and str(x.get("name")) == head]
            if not match:
                return None
            data = match[0]
        else:
            return None
    return data if not isinstance(data, Mapping | list) else None


def _as_data(scenario) -> Any:
    """The scenario as plain data, defaults included."""
    if hasattr(scenario, "model_dump"):
        return scenario.model_dump(mode="json", by_alias=True)
    if hasattr(scenario, "to_dict"):
        return scenario.to_dict()
    return scenario


def _same(a, b) -> bool:
    """Whether two scenarios say the same thing (a variant that changes nothing), defaults
    included (``scale: 1.0`` written out equals ``scale`` left unset)."""
    if a is b:
        return True
    if hasattr(a, "model_dump") and hasattr(b, "model_dump"):
        return a.model_dump(mode="json", by_alias=True) == b.model_dump(mode="json", by_alias=True)
    return _as_data(a) == _as_data(b)


@dataclass
class GridRun:
    """Per-replication figures of several variants run with common random numbers.

    ``values[k][metric]`` is the array (one value per replication) of variant ``k``.
    """

    changes: list[dict[str, Any]]
    scenarios: list[Any]
    seed: int
    replications: int
    values: list[dict[str, np.ndarray]] = field(default_factory=list)

    def metrics(self) -> list[str]:
        names: list[str] = []
        for v in self.values:
            names += [m for m in v if m not in names and not m.startswith("_")]
        head = [m for m in HEADLINE if m in names]
        rest = sorted((m for m in names if m not in head),
                      key=lambda m: (not m.startswith("breach_rate"), m))
        return head + rest


def _bind_check(process, scenario, changes: Mapping[str, Any]) -> None:
    try:
        bound = scenario.bind(process)
        if bound.problems:  # what would run silently wrong (a role with no staff ...)
            raise bound.problems[0]
    except BpsimError as exc:
        if changes and not exc.hint:
            exc.hint = f"check the varied values {dict(changes)}."
        raise


def make_variant(process, scenario, changes: Mapping[str, Any]):
    """``scenario.vary(changes)``, checked against ``process`` (a user error names the key)."""
    if not changes:
        return scenario
    try:
        variant = scenario.vary(dict(changes))
    except BpsimError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise ScenarioError(f"cannot apply {dict(changes)}: {exc}",
                            hint="name a scenario key such as roles.Agent.staff.") from exc
    _bind_check(process, variant, changes)
    return variant


def run_variants(
    process,
    scenarios: Sequence[Any],
    *,
    replications: int,
    seed: int,
    runner: Runner,
    changes: Sequence[dict[str, Any]] | None = None,
    desc: str = "replications",
    figures: frozenset[str] | None = None,
) -> GridRun:
    """Run ``replications`` of every scenario (work items = scenario x replication);
    ``figures``: the figure groups each item computes (:data:`bpsim.whatif.metrics.FIGURES`,
    default all)."""
    items = [WorkItem(k, r, process, s, seed, figures) for k, s in enumerate(scenarios)
             for r in range(replications)]
    results = runner.map(run_item, items, desc=desc)
    grid = GridRun(list(changes or [{} for _ in scenarios]), list(scenarios), seed, replications)
    for k in range(len(scenarios)):
        rows = results[k * replications:(k + 1) * replications]
        names = list(dict.fromkeys(m for row in rows for m in row))
        grid.values.append({m: np.array([row.get(m, math.nan) for row in rows], dtype=float)
                            for m in names})
    return grid


def sweep(
    process: Process,
    scenario: Scenario,
    vary: Mapping[str, Any] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    executor: str | Runner = "process",
    dask_address: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    confidence: float = 0.95,
    *,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> pd.DataFrame:
    """Run every combination of the varied values and compare it with the baseline.

    Parameters
    ----------
    process : Process
        The process (``bpsim.read(...)``).
    scenario : Scenario
        The baseline scenario; every variant is ``scenario.vary(changes)``.
    vary : mapping
        Dotted scenario path -> values to try, e.g.
        ``{"roles.Agent.staff": [2, 3, 4], "arrivals.E-mail received.scale": [1.0, 1.3]}``.
    replications : int, optional
        Replications per variant (default: the scenario's).
    seed : int, optional
        Root seed, shared by every variant (default: the scenario's, else a random one,
        reported in ``df.attrs["seed"]``).
    executor : {"process", "serial", "dask"} or Runner
        Where the work items run (see :mod:`bpsim.whatif.executors`).
    dask_address : str, optional
        A Dask scheduler address (implies ``executor="dask"``); none starts a LocalCluster.
    workers : int, optional
        Worker processes (default: every core).
    progress : bool
        Show a progress bar over work items.
    confidence : float
        Confidence level of every interval (default 95 %).
    variants : mapping, optional
        Instead of a grid, named sets of changes made together, e.g.
        ``{"volume +30 %": {"arrivals.E-mail received.scale": 1.3, ...},
        "one more specialist": {"roles.Specialist.staff": 4}}``. The table then has a
        ``variant`` column (the names; ``"baseline"`` for the scenario as given) and one
        column per changed key.
    timeout : float, optional
        Seconds to wait for each next work item's result before giving up with a
        :class:`~bpsim.errors.SimulationError` (default an hour; ``None``: for ever).

    Returns
    -------
    DataFrame
        One row per variant (the baseline first when it is not in the grid, flagged by
        ``baseline``), the varied values as columns, then per metric ``m``: ``m`` (mean
        over replications), ``m_ci95`` (half-width), ``m_diff`` (mean paired difference
        with the baseline), ``m_diff_ci95`` and ``m_significant`` (the interval of the
        difference excludes 0). ``df.attrs`` holds ``seed``, ``replications``, ``vary``,
        ``metrics`` and ``confidence``.

    Examples
    --------
    >>> df = bpsim.sweep(process, scenario, {"roles.Agent.staff": [2, 3, 4]})  # doctest: +SKIP
    >>> df[["roles.Agent.staff", "breach_rate[taken in charge]", "cycle_time_diff"]]  # doctest: +SKIP
    """
    if not 0.0 < confidence < 1.0:
        raise ScenarioError(f"confidence must be between 0 and 1, got {confidence}.",
                            hint="use e.g. 0.95.")
    labels, grid_changes, keys = _plan_rows(scenario, vary, variants)
    _bind_check(process, scenario, {})
    scenarios = [make_variant(process, scenario, c) for c in grid_changes]
    baseline_index = next((k for k, v in enumerate(scenarios) if _same(v, scenario)), None)
    if baseline_index is None:
        scenarios.insert(0, scenario)
        base_label = {k: get_path(scenario, k) for k in keys}
        if variants is not None:
            base_label["variant"] = "baseline"
        labels.insert(0, base_label)
        baseline_index = 0
    flags = [k == baseline_index for k in range(len(scenarios))]
    reps = _replications(replications, scenario, process)
    seed = resolve_seed(seed, scenario)
    runner, owned = make_runner(executor, workers=workers, dask_address=dask_address,
                                progress=progress, timeout=timeout)
    try:
        grid = run_variants(process, scenarios, replications=reps, seed=seed, runner=runner,
                            changes=labels, desc="sweep")
    finally:
        if owned:
            runner.close()
    df = compare(grid, baseline_index, confidence)
    metrics = df.attrs["metrics"]
    label_columns = (["variant"] if variants is not None else []) + keys
    df = df[label_columns + [c for c in df.columns if c not in label_columns]]
    df.insert(len(label_columns), "baseline", flags)
    keys = label_columns
    df.attrs.update({"metrics": metrics, "seed": seed, "replications": reps, "vary": keys,
                     "confidence": confidence, "executor": runner.kind})
    from bpsim.analysis.warmup import study_warnings

    try:
        base = scenarios[baseline_index].bind(process)
        df.attrs["warnings"] = study_warnings(process, base, grid.values)
    except Exception:  # noqa: BLE001 - a warning is a nicety, never a reason to fail
        df.attrs["warnings"] = []
    return df


def _plan_rows(scenario, vary, variants) -> tuple[list[dict], list[dict], list[str]]:
    """(row labels, changes per row, varied keys) for a grid or for named variants."""
    if variants is None:
        grid = expand_grid(vary)
        return [dict(c) for c in grid], grid, list(grid[0])
    if vary:
        raise ScenarioError("give either vary (a grid) or variants (named changes), not both.",
                            hint="fold the grid into named variants.")
    if not isinstance(variants, Mapping) or not variants:
        raise ScenarioError("no variant given.",
                            hint='pass e.g. variants={"one more agent": {"roles.Agent.staff": 4}}.')
    keys: list[str] = []
    for name, change in variants.items():
        if not isinstance(change, Mapping):
            raise ScenarioError(f"variant {name!r} is not a mapping of changes.",
                                hint='write it like {"roles.Agent.staff": 4}.')
        keys += [k for k in change if k not in keys]
    labels, changes = [], []
    for name, change in variants.items():
        labels.append({"variant": str(name),
                       **{k: change[k] if k in change else get_path(scenario, k) for k in keys}})
        changes.append(dict(change))
    return labels, changes, keys


def _replications(replications: int | None, scenario, process) -> int:
    if replications is None:
        replications = getattr(scenario, "replications", None)
        if replications is None:
            replications = scenario.bind(process).replications
    if int(replications) != replications or replications < 1:
        raise ScenarioError(f"replications must be a whole number >= 1, got {replications}.",
                            hint="use e.g. --replications 10.")
    return int(replications)


def compare(grid: GridRun, baseline: int, confidence: float = 0.95) -> pd.DataFrame:
    """The sweep table of ``grid`` against variant ``baseline`` (see :func:`sweep`)."""
    metrics = grid.metrics()
    base = grid.values[baseline]
    rows = []
    for changes, values in zip(grid.changes, grid.values):
        row: dict[str, Any] = dict(changes)
        for m in metrics:
            x = values.get(m, np.full(grid.replications, math.nan))
            b = base.get(m, np.full(grid.replications, math.nan))
            e = estimate(x, confidence)
            d = paired_difference(x, b, confidence)
            row[m] = e.mean
            row[f"{m}_ci95"] = e.half_width
            row[f"{m}_diff"] = d.mean
            row[f"{m}_diff_ci95"] = d.half_width
            row[f"{m}_significant"] = d.significant
        rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs["metrics"] = metrics
    return df
