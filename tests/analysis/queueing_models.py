"""Queueing models built in code (Start -> Serve -> End) and the textbook formulas."""

from __future__ import annotations

import datetime as dt
import math

from bpsim.model import Flow, Process, ProcessInfo
from bpsim.scenario.distributions import Exponential
from bpsim.scenario.spec import SLA, Arrival, BoundScenario, Role, Shift, SLAPoint, TaskSpec


def line_process(*steps: str) -> Process:
    """Start -> steps (user tasks) -> End."""
    p = Process(source="<test>")
    p.processes["P"] = ProcessInfo(id="P", name="P")
    names = ["Start", *steps, "End"]
    types = ["startEvent", *["userTask"] * len(steps), "endEvent"]
    for nid, kind in zip(names, types):
        p.graph.add_node(nid, type=kind, name=nid, process="P", parent=None, event=None,
                         timer=None)
    for k, (s, t) in enumerate(zip(names, names[1:]), start=1):
        p.flows[f"F{k}"] = Flow(id=f"F{k}", source=s, target=t, process="P")
        p.graph.add_edge(s, t, id=f"F{k}", ids=[f"F{k}"])
    return p


def mmc(interarrival: float, service: float, c: int, *, horizon: float, warmup: float,
        replications: int, seed: int = 7, slas=(), cost_per_hour: float = 0.0):
    """M/M/c as a process and a bound scenario (role "Server", task "Serve")."""
    bound = BoundScenario(
        name=f"M/M/{c}", seed=seed, replications=replications, horizon=horizon, cases=None,
        warmup=warmup, start=dt.datetime(2026, 1, 5),
        arrivals={"Start": Arrival("Start", interarrival=Exponential(mean=interarrival))},
        roles={"Server": Role("Server", [Shift(c)], cost_per_hour=cost_per_hour)},
        tasks={"Serve": TaskSpec("Serve", Exponential(mean=service), "Server")},
        slas=list(slas))
    return line_process("Serve"), bound


def taken_in_charge_within(target: float) -> SLA:
    return SLA("taken in charge", SLAPoint(None, "arrive"), SLAPoint("Serve", "start"),
               {None: target})


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in M/M/c with offered load ``a = lambda / mu`` (Erlang C)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def p_wait_longer(c: int, lam: float, mu: float, t: float) -> float:
    """P(Wq > t) = C(c, a) * exp(-(c mu - lam) t) in M/M/c."""
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)
