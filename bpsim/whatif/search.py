"""The staffing search: up until every SLA is met, then down while it still is.

Plans are simulated in batches through one runner, each plan once. In both directions only
the cheapest plans that could be chosen are simulated: candidates are taken a cost level at
a time, cheapest first, and the search stops at the first level holding a feasible plan
(every cheaper one was simulated and failed), so the plan it keeps is the one a full
evaluation of every candidate would keep. A plan overloaded on paper is infeasible without
a simulation.
"""

from __future__ import annotations

import math
import os

import numpy as np

from bpsim.whatif.load import role_loads
from bpsim.whatif.sweep import make_variant, run_variants
from bpsim.whatif.verdict import (
    _backlog_growth,
    _Evaluation,
    _gap,
    _judge,
    _judge_csat,
    _paper_overload,
)

__all__: list[str] = []


class _Search:
    """Plans simulated so far (each once), batched through one runner."""

    def __init__(self, process, scenario, knobs, slas, *, replications, seed, runner,
                 confidence, min_csat=None, figures=None):
        self.min_csat = min_csat
        self.figures = figures  # the per-item figure groups to compute (None: all)
        self.process, self.scenario, self.knobs, self.slas = process, scenario, knobs, slas
        self.replications, self.seed, self.runner = replications, seed, runner
        self.confidence = confidence
        self.done: dict[tuple[int, ...], _Evaluation] = {}
        self.work = None  # the roles' offered loads on paper: the same for every plan
        self.order: list[tuple[int, ...]] = []

    def cost(self, plan: tuple[int, ...]) -> float:
        return float(sum(n * k.weight for n, k in zip(plan, self.knobs)))

    @property
    def parallel(self) -> int:
        """Work items the runner runs at once (its workers; 1 when serial)."""
        if self.runner.kind == "serial":
            return 1
        return int(self.runner.workers or os.cpu_count() or 1)

    def evaluate(self, plans: list[tuple[int, ...]], phase: str) -> list[_Evaluation]:
        """Judge every plan not judged yet: on paper first (an overloaded plan is infeasible
        without a simulation), then by simulating the others in one batch."""
        fresh = list(dict.fromkeys(p for p in plans if p not in self.done))
        to_run = []
        for plan in fresh:
            change = {k.path: n for k, n in zip(self.knobs, plan)}
            variant = make_variant(self.process, self.scenario, change)
            if self.work is None:
                try:
                    self.work = role_loads(self.process, variant.bind(self.process))
                except Exception:  # noqa: BLE001 - paper_loads then tries (and says) itself
                    self.work = None
            unstable, overload = _paper_overload(self.process, variant, self.work)
            if unstable:
                figures = _judge({}, self.slas, self.confidence)
                if self.min_csat is not None:
                    figures.append(_judge_csat({}, self.min_csat, self.confidence))
                self.done[plan] = _Evaluation(plan, self.cost(plan), False, figures, {},
                                              phase, unstable, overload)
                self.order.append(plan)
            else:
                to_run.append((plan, change, variant, overload))
        if to_run:
            grid = run_variants(self.process, [v for _, _, v, _ in to_run],
                                replications=self.replications, seed=self.seed,
                                runner=self.runner, changes=[c for _, c, _, _ in to_run],
                                desc=f"optimise ({phase})", figures=self.figures)
            for (plan, _change, _variant, overload), values in zip(to_run, grid.values):
                figures = _judge(values, self.slas, self.confidence)
                if self.min_csat is not None:
                    figures.append(_judge_csat(values, self.min_csat, self.confidence))
                metrics = {m: float(np.nanmean(v)) if np.any(~np.isnan(v)) else math.nan
                           for m, v in values.items()}
                unstable = _backlog_growth(values)
                self.done[plan] = _Evaluation(plan, self.cost(plan),
                                              all(f["met"] for f in figures) and not unstable,
                                              figures, metrics, phase, unstable, overload,
                                              {"_mser_warmup": values.get("_mser_warmup", [])},
                                              self.replications)
                self.order.append(plan)
        return [self.done[p] for p in plans]

    def cheapest_feasible(self, plans: list[tuple[int, ...]], phase: str
                          ) -> list[_Evaluation]:
        """The feasible plans of the cheapest cost level that has one (``[]``: none is),
        judging ``plans`` a cost level at a time, cheapest first, and no further than that
        level: every cheaper plan was judged and failed, so the plan preferred among the
        returned ones is the one preferred among all of ``plans``. A batch spans enough cost
        levels to keep the runner's workers busy."""
        levels: dict[float, list[tuple[int, ...]]] = {}
        for plan in dict.fromkeys(plans):
            levels.setdefault(round(self.cost(plan), 6), []).append(plan)
        order = sorted(levels)
        i = 0
        while i < len(order):
            batch: list[float] = []
            fresh = 0
            while i < len(order) and (not batch or fresh * self.replications < self.parallel):
                batch.append(order[i])
                fresh += sum(p not in self.done for p in levels[order[i]])
                i += 1
            for level in batch:
                self.evaluate(levels[level], phase)
            for level in batch:
                ok = [self.done[p] for p in levels[level] if self.done[p].feasible]
                if ok:
                    return ok
        return []


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
        ok = search.cheapest_feasible(ups, "up")
        if ok:
            here = min(ok, key=_preference)
            break
        tried = search.evaluate(ups, "up")  # all judged already: none is feasible
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
        cheaper = [m for m in moves if search.cost(m) < here.cost]
        if not cheaper:
            return here
        ok = search.cheapest_feasible(cheaper, "down")
        if not ok:
            return here
        here = min(ok, key=_preference)
