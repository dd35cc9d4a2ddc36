"""Offered load per role from the routing equations, on small hand-built processes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from bpsim.model import Flow, Process
from bpsim.scenario.spec import Arrival, BoundScenario, GatewaySpec, Role, Shift, TaskSpec
from bpsim.whatif.load import role_loads, visit_rates


class Exp:
    def __init__(self, mean: float) -> None:
        self.mean = mean

    def sample(self, rng):
        return float(rng.exponential(self.mean))

    def sample_many(self, rng, n):
        return rng.exponential(self.mean, n)


class Fixed(Exp):
    def sample_many(self, rng, n):
        return np.full(n, self.mean)


def build(nodes: dict[str, str], flows: list[tuple[str, str, str]], **node_attrs) -> Process:
    p = Process()
    for node, kind in nodes.items():
        p.graph.add_node(node, type=kind, name=node, **node_attrs.get(node, {}))
    for fid, u, v in flows:
        p.graph.add_edge(u, v, id=fid)
        p.flows[fid] = Flow(id=fid, source=u, target=v)
    return p


def bound(arrivals, tasks, roles, gateways=(), **kw) -> BoundScenario:
    return BoundScenario(
        name="t", seed=1, replications=1, horizon=1e5, cases=None, warmup=0.0,
        start=dt.datetime(2026, 1, 5), arrivals=arrivals, roles=roles, tasks=tasks,
        gateways={g.element: g for g in gateways}, **kw)


def loop_process() -> Process:
    # Start -> Merge -> Triage -> NeedInfo? --0.3--> Ask -> Merge (loop)
    #                                       --0.7--> Fork => Resolve, Notify => Join -> End
    return build(
        {"Start": "startEvent", "Merge": "exclusiveGateway", "Triage": "userTask",
         "NeedInfo": "exclusiveGateway", "Ask": "userTask", "Fork": "parallelGateway",
         "Resolve": "userTask", "Notify": "serviceTask", "Join": "parallelGateway",
         "End": "endEvent"},
        [("f1", "Start", "Merge"), ("f2", "Merge", "Triage"), ("f3", "Triage", "NeedInfo"),
         ("yes", "NeedInfo", "Ask"), ("f4", "Ask", "Merge"), ("no", "NeedInfo", "Fork"),
         ("f5", "Fork", "Resolve"), ("f6", "Fork", "Notify"), ("f7", "Resolve", "Join"),
         ("f8", "Notify", "Join"), ("f9", "Join", "End")])


def test_visits_follow_loops_and_parallel_splits():
    lam = 1 / 60
    b = bound({"Start": Arrival("Start", interarrival=Exp(60.0))},
              {"Triage": TaskSpec("Triage", Exp(100.0), "Agent")},
              {"Agent": Role("Agent", [Shift(2)])},
              [GatewaySpec("NeedInfo", {"yes": 0.3, "no": 0.7})])
    v = visit_rates(loop_process(), b)
    # the loop is left with probability 0.7 per pass: 1 / 0.7 passes (geometric)
    assert v["Triage"] == pytest.approx(lam / 0.7)
    assert v["Ask"] == pytest.approx(lam * 0.3 / 0.7)
    assert v["Resolve"] == pytest.approx(lam) and v["Notify"] == pytest.approx(lam)
    assert v["End"] == pytest.approx(lam)  # the join passes one token per pair


def test_role_load_is_visits_times_mean_duration_and_scale_counts():
    b = bound({"Start": Arrival("Start", interarrival=Exp(60.0), scale=1.3)},
              {"Triage": TaskSpec("Triage", Exp(100.0), "Agent"),
               "Ask": TaskSpec("Ask", Exp(40.0), "Agent"),
               "Resolve": TaskSpec("Resolve", Exp(600.0), "Specialist"),
               "Notify": TaskSpec("Notify", Exp(1.0), None)},
              {"Agent": Role("Agent", [Shift(2)]), "Specialist": Role("Specialist", [Shift(3)])},
              [GatewaySpec("NeedInfo", {"yes": 0.3, "no": 0.7})])
    loads = role_loads(loop_process(), b)
    lam = 1.3 / 60
    agent = lam / 0.7 * 100.0 + lam * 0.3 / 0.7 * 40.0
    assert loads["Agent"].load == pytest.approx(agent)
    assert loads["Agent"].arrival_rate == pytest.approx(lam / 0.7 + lam * 0.3 / 0.7)
    assert loads["Agent"].mean_service * loads["Agent"].arrival_rate == pytest.approx(agent)
    assert loads["Specialist"].load == pytest.approx(lam * 600.0)
    assert loads["Agent"].open_share == 1.0 and loads["Agent"].open_load == loads["Agent"].load


class OfficeHours:
    """Open 09:00-17:00 every day: a third of the week."""

    name = "office"

    def is_open(self, t: float) -> bool:
        return 9 * 3600 <= t % 86400 < 17 * 3600


def test_office_hours_concentrate_the_load():
    p = build({"S": "startEvent", "T": "userTask", "E": "endEvent"},
              [("a", "S", "T"), ("b", "T", "E")])
    b = bound({"S": Arrival("S", interarrival=Exp(100.0))},
              {"T": TaskSpec("T", Exp(50.0), "Agent")},
              {"Agent": Role("Agent", [Shift(1, calendar=OfficeHours())])})
    load = role_loads(p, b)["Agent"]
    assert load.load == pytest.approx(0.5)
    assert load.open_share == pytest.approx(1 / 3)
    assert load.open_load == pytest.approx(1.5)


def test_event_based_gateway_race_and_boundary_timer():
    # S -> T -> EB -> (Reply ~ fixed 1h | Timeout fixed 5h) ; T has a non-interrupting
    # boundary timer of 2h while T always takes 3h: it always fires.
    p = build({"S": "startEvent", "T": "userTask", "EB": "eventBasedGateway",
               "Reply": "intermediateCatchEvent", "Timeout": "intermediateCatchEvent",
               "E1": "endEvent", "E2": "endEvent", "B": "boundaryEvent", "N": "sendTask",
               "E3": "endEvent"},
              [("a", "S", "T"), ("b", "T", "EB"), ("c", "EB", "Reply"), ("d", "EB", "Timeout"),
               ("e", "Reply", "E1"), ("f", "Timeout", "E2"), ("g", "B", "N"), ("h", "N", "E3")],
              B={"attached_to": "T", "cancel_activity": False})
    from bpsim.scenario.spec import BoundarySpec, EventSpec

    b = bound({"S": Arrival("S", interarrival=Exp(10.0))},
              {"T": TaskSpec("T", Fixed(3 * 3600.0), "Agent")},
              {"Agent": Role("Agent", [Shift(1)])},
              events={"Reply": EventSpec("Reply", Fixed(3600.0)),
                      "Timeout": EventSpec("Timeout", Fixed(5 * 3600.0))},
              boundaries={"B": BoundarySpec("B", duration=Fixed(2 * 3600.0))})
    v = visit_rates(p, b)
    assert v["Reply"] == pytest.approx(0.1) and v["Timeout"] == pytest.approx(0.0)
    assert v["N"] == pytest.approx(0.1)   # the boundary timer always fires, non-interrupting
    assert v["EB"] == pytest.approx(0.1)  # ... and the normal path goes on as well
