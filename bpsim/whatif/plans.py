"""Staffing plans: the head-counts the optimiser turns and their on-paper first guess.

A *knob* (:class:`Knob`) is one head-count the search may change: a role, or one shift of a
role written as ``shifts:``. Each knob carries the weekly cost of one person (its
``cost_per_hour`` x hours on duty in a normal week), so the cost of a plan is a dot product.
:func:`_seed_plan` gives the search its starting point from the offered load per role
(:mod:`bpsim.whatif.load`): Erlang C (or Erlang A when callers abandon) for an SLA that
ends when the role takes the ticket in charge, else square-root staffing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bpsim.errors import ScenarioError
from bpsim.whatif.load import role_loads
from bpsim.whatif.queueing import erlang_a_breach, servers_for_wait_target, square_root_staffing

__all__ = ["Knob"]


@dataclass(frozen=True)
class Knob:
    """One head-count the optimiser may change: a role, or one shift of a role."""

    label: str          # "Agent" or "Agent/early"
    path: str           # dotted scenario path set by Scenario.vary
    role: str
    weight: float       # weekly cost of one person (or 1.0 when nothing costs anything)
    minimum: int = 1
    hours: float = 168.0  # hours on duty per week of one person



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
            if load.per_person != 1.0:  # several tickets at once: places (Erlang) -> people
                seed = math.ceil(seed / load.per_person - 1e-9)
                basis += f", / {load.per_person:.3g} tickets' work per person (concurrency {load.concurrency})"
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
