"""Small processes and bound scenarios built in code for the engine tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bpsim.model import Flow, Process, ProcessInfo
from bpsim.scenario.distributions import Exponential, Fixed
from bpsim.scenario.spec import (
    Arrival,
    BoundarySpec,
    BoundScenario,
    EventSpec,
    GatewaySpec,
    Role,
    Shift,
    TaskSpec,
)

__all__ = ["build", "line", "bound", "mmc", "Exponential", "Fixed", "TaskSpec", "GatewaySpec",
           "EventSpec", "BoundarySpec", "Arrival", "Role", "Shift", "MONDAY", "ROOT_MODELS"]

MONDAY = dt.datetime(2026, 1, 5)


def build(nodes: dict[str, str | dict], flows: list[tuple[str, str]], pid: str = "P") -> Process:
    """A process from ``{id: type or attrs}`` and ``[(source, target), ...]`` (flows F1, F2 ...)."""
    p = Process(source="<test>")
    p.processes[pid] = ProcessInfo(id=pid, name=pid)
    for nid, spec in nodes.items():
        attrs = {"type": spec} if isinstance(spec, str) else dict(spec)
        attrs.setdefault("name", nid)
        attrs.setdefault("process", pid)
        attrs.setdefault("parent", None)
        attrs.setdefault("event", None)
        attrs.setdefault("timer", None)
        p.graph.add_node(nid, **attrs)
    for k, (s, t) in enumerate(flows, start=1):
        fid = f"F{k}"
        p.flows[fid] = Flow(id=fid, source=s, target=t, process=pid)
        p.graph.add_edge(s, t, id=fid, ids=[fid])
    return p


def line(*steps: str) -> Process:
    """Start -> steps (user tasks) -> End."""
    nodes = {"Start": "startEvent", **{s: "userTask" for s in steps}, "End": "endEvent"}
    names = ["Start", *steps, "End"]
    return build(nodes, list(zip(names, names[1:])))


def bound(tasks: dict, roles: dict[str, int | list[Shift]] | None = None, *, interarrival=None,
          horizon=None, cases=None, warmup=0.0, classes=None, arrivals=None, **kw) -> BoundScenario:
    """A BoundScenario; ``tasks`` maps element -> TaskSpec or (mean, role)."""
    specs = {}
    for el, t in tasks.items():
        specs[el] = t if isinstance(t, TaskSpec) else TaskSpec(el, Exponential(mean=t[0]), role=t[1])
    role_objs = {}
    for name, staff in (roles or {}).items():
        shifts = staff if isinstance(staff, list) else [Shift(staff=staff)]
        role_objs[name] = Role(name=name, shifts=shifts)
    if arrivals is None:
        arrivals = {"Start": Arrival(start="Start", interarrival=interarrival,
                                     classes={c: 1 / len(classes) for c in classes} if classes else
                                     {"default": 1.0})}
    return BoundScenario(
        name=kw.pop("name", "test"), seed=kw.pop("seed", 1), replications=kw.pop("replications", 1),
        horizon=horizon, cases=cases, warmup=warmup, start=MONDAY, arrivals=arrivals,
        roles=role_objs, tasks=specs, classes=list(classes or ["default"]), **kw,
    )


def mmc(lam_mean: float, mu_mean: float, c: int, **kw) -> tuple[Process, BoundScenario]:
    """M/M/c as Start -> Serve (role Server, c staff) -> End."""
    return line("Serve"), bound({"Serve": (mu_mean, "Server")}, {"Server": c},
                                interarrival=Exponential(mean=lam_mean), **kw)


ROOT_MODELS = Path(__file__).resolve().parents[2] / "models"
