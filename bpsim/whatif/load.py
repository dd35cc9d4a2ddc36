"""Offered load: how many people each role's work keeps busy, worked out on paper.

A ticket that arrives by e-mail visits "Triage ticket" once, "Review customer reply" about
0.3 times (the "need more information?" loop), "Resolve as specialist" with the probability
of the "No" branch, and so on. The **visit rate** of a task is the arrival rate times that
expected number of visits; times the task's mean duration it is the work the task brings in,
in erlangs (busy people). Summed over a role's tasks it is the role's **offered load**: with
fewer people than that the in-tray grows without end.

A role that works office hours must do a week's work within its open hours, so the load it
sees while open is the offered load divided by the open share of the week.

The visit counts solve the routing equations ``v = b + P' v`` over the process graph:
branch probabilities at exclusive gateways, every branch of a parallel split (a join passes
on one token per set it joins), each branch's own probability at inclusive gateways, the race
of the catch events after an event-based gateway, and boundary events by the chance that
they fire (estimated by sampling). This is a first estimate for the staffing search, not a
replacement for the simulation (queueing for staff changes how long tasks wait, hence which
timers fire).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bpsim.scenario.spec import BoundScenario

__all__ = ["RoleLoad", "visit_rates", "arrival_rate", "role_loads"]

WEEK = 7 * 86400.0
_SAMPLES = 4000


@dataclass
class RoleLoad:
    """The work a role receives, on paper.

    ``arrival_rate``: tasks per second (24/7 average) reaching the role's tasks;
    ``mean_service``: their mean duration (s); ``load``: erlangs over the whole week;
    ``open_share``: share of the week the role is on duty; ``open_load``: erlangs while on
    duty (``load / open_share``); ``available``: share of on-duty time not away
    (``1 - shrinkage``, or from ``breaks``): staffing on paper is divided by it;
    ``patience``: the mean patience of tickets at the role's tasks (visit-weighted), or
    ``None`` when they wait as long as it takes (then Erlang A applies instead of Erlang C);
    ``concurrency``: tickets one person holds at once (chat), and ``per_person``: the
    one-at-a-time people's worth of work one person gets through with a full hand,
    ``concurrency / (1 + slowdown (concurrency - 1))`` (1 for one ticket at a time):
    staffing on paper is divided by it too.
    """

    role: str
    tasks: list[str]
    arrival_rate: float
    mean_service: float
    load: float
    open_share: float
    available: float = 1.0  # share of on-duty time the people are not away (1 - shrinkage)
    patience: float | None = None  # mean patience (s) of the role's queued tickets, when set
    concurrency: int = 1  # tickets in hand at once per person
    per_person: float = 1.0  # concurrency / (1 + slowdown (concurrency - 1))

    @property
    def open_load(self) -> float:
        return self.load / self.open_share if self.open_share > 0 else math.inf

    @property
    def open_arrival_rate(self) -> float:
        return self.arrival_rate / self.open_share if self.open_share > 0 else math.inf


def arrival_rate(arrival, horizon: float | None = None) -> float:
    """Mean arrivals per second of one :class:`~bpsim.scenario.spec.Arrival` (scale applied)."""
    scale = float(getattr(arrival, "scale", 1.0) or 1.0)
    if arrival.interarrival is not None:
        mean = float(arrival.interarrival.mean)
        base = 1.0 / mean if mean > 0 else math.inf
    elif arrival.profile is not None:
        grid = np.arange(0.0, WEEK, 300.0)  # the profile's weekly average, 5-minute steps
        base = float(np.mean([arrival.profile.rate(float(t)) for t in grid]))
        # a profile reports its own scaled rate when the engine applies scale inside it
    elif arrival.trace:
        span = horizon or (max(arrival.trace) - min(arrival.trace)) or 1.0
        return len(arrival.trace) / span
    else:
        return 0.0
    return base * scale


def _race(distributions: list, rng: np.random.Generator) -> list[float]:
    """Probability that each delay is the first to finish (sampled; ``None`` never fires)."""
    if not distributions:
        return []
    draws = np.full((len(distributions), _SAMPLES), np.inf)
    for i, dist in enumerate(distributions):
        if dist is not None:
            draws[i] = dist.sample_many(rng, _SAMPLES)
    if np.all(np.isinf(draws)):
        return [1.0 / len(distributions)] * len(distributions)
    winners = np.argmin(draws, axis=0)
    return [float(np.mean(winners == i)) for i in range(len(distributions))]


def _event_delay(process, bound: BoundScenario, node: str):
    spec = bound.events.get(node)
    if spec is not None:
        return spec.duration
    try:
        from bpsim.engine.plan import timer_delay

        dist, _at = timer_delay(process, node, bound.start)
        return dist
    except Exception:
        return None


def _boundary_chance(process, bound, node: str, host_duration, rng) -> float:
    spec = bound.boundaries.get(node)
    if spec is not None and spec.probability is not None:
        return float(spec.probability)
    delay = spec.duration if spec is not None and spec.duration is not None else None
    if delay is None:
        delay = _event_delay(process, bound, node)
    if delay is None or host_duration is None:
        return 0.0
    fire = delay.sample_many(rng, _SAMPLES)
    work = host_duration.sample_many(rng, _SAMPLES)
    return float(np.mean(fire < work))


def _edges(process) -> list[tuple[str, str, str]]:
    if process.flows:
        return [(f.id, f.source, f.target) for f in process.flows.values()]
    out = []
    for u, v, data in process.graph.edges(data=True):
        for fid in data.get("ids") or [data.get("id") or f"{u}->{v}"]:
            out.append((fid, u, v))
    return out


def _solve_flows(n: int, P: dict[tuple[int, int], float], b: np.ndarray) -> np.ndarray:
    """Solve ``v = b + P^T v`` (visits per second) component by component.

    The flow graph's strongly connected components (its loops) are taken in topological
    order: a component's inflow is known once its predecessors are solved, and only the
    component's own small system is solved densely. A chain of 5,000 tasks is 5,000
    one-node systems instead of one 5,000 x 5,000 matrix. A loop taken with probability 1
    has no stationary answer; it is iterated 1,000 times instead, as before.
    """
    import networkx as nx

    succ: dict[int, list[tuple[int, float]]] = {}
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for (i, j), w in P.items():
        succ.setdefault(i, []).append((j, w))
        graph.add_edge(i, j)
    cond = nx.condensation(graph)
    inflow = np.asarray(b, dtype=float).copy()
    v = np.zeros(n)
    for c in nx.topological_sort(cond):
        members = sorted(cond.nodes[c]["members"])
        if len(members) == 1:
            i = members[0]
            loop = P.get((i, i), 0.0)
            v[i] = inflow[i] / (1.0 - loop) if loop < 1.0 else inflow[i]
            if loop >= 1.0:
                x = inflow[i]
                for _ in range(1000):
                    x = inflow[i] + loop * x
                v[i] = x
        else:
            pos = {m: k for k, m in enumerate(members)}
            local = np.zeros((len(members), len(members)))
            for m in members:
                for j, w in succ.get(m, ()):
                    if j in pos:
                        local[pos[m], pos[j]] += w
            rhs = inflow[members]
            try:
                x = np.linalg.solve(np.eye(len(members)) - local.T, rhs)
            except np.linalg.LinAlgError:  # a loop taken with probability 1
                x = rhs.copy()
                for _ in range(1000):
                    x = rhs + local.T @ x
            v[members] = x
        for m in members:
            for j, w in succ.get(m, ()):
                if cond.graph["mapping"][j] != c:
                    inflow[j] += w * v[m]
    return v


def visit_rates(process, bound: BoundScenario) -> dict[str, float]:
    """Expected visits per second of every flow node (24/7 average), by element id."""
    g = process.graph
    nodes = list(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    outgoing: dict[str, list[tuple[str, str]]] = {n: [] for n in nodes}
    incoming: dict[str, int] = dict.fromkeys(nodes, 0)
    for fid, u, v in _edges(process):
        if u in index and v in index:
            outgoing[u].append((fid, v))
            incoming[v] += 1
    rng = np.random.default_rng(20240)
    n = len(nodes)
    P: dict[tuple[int, int], float] = {}  # sparse: (from, to) -> expected tokens passed
    boundaries: dict[str, list[str]] = {}
    inner_starts: dict[str, list[str]] = {}
    for m, mdata in g.nodes(data=True):  # one pass, not one per node
        if mdata.get("type") == "boundaryEvent" and mdata.get("attached_to") is not None:
            boundaries.setdefault(mdata.get("attached_to"), []).append(m)
        if mdata.get("type") == "startEvent" and mdata.get("parent") is not None:
            inner_starts.setdefault(mdata.get("parent"), []).append(m)

    def add(i: int, j: int, w: float) -> None:
        P[(i, j)] = P.get((i, j), 0.0) + w
    for node in nodes:
        data = g.nodes[node]
        kind = data.get("type")
        outs = outgoing[node]
        i = index[node]
        weights: list[float]
        if not outs:
            weights = []
        elif kind in ("exclusiveGateway", "complexGateway") and len(outs) > 1:
            spec = bound.gateways.get(node)
            if spec is not None:
                raw = [float(spec.probabilities.get(fid, 0.0)) for fid, _ in outs]
                total = sum(raw) or 1.0
                weights = [w / total for w in raw]
            else:
                weights = [1.0 / len(outs)] * len(outs)
        elif kind == "inclusiveGateway" and len(outs) > 1:
            spec = bound.gateways.get(node)
            weights = ([float(spec.probabilities.get(fid, 0.0)) for fid, _ in outs]
                       if spec is not None else [1.0] * len(outs))
        elif kind == "eventBasedGateway":
            weights = _race([_event_delay(process, bound, v) for _, v in outs], rng)
        else:  # activities, events, parallel gateways: every outgoing flow gets a token
            weights = [1.0] * len(outs)
        if kind in ("parallelGateway", "inclusiveGateway") and incoming[node] > 1:
            weights = [w / incoming[node] for w in weights]  # a join passes on one token
        # boundary events: the host hands a token to each boundary with its firing chance
        for b in boundaries.get(node, ()):
            bdata = g.nodes[b]
            task = bound.tasks.get(node)
            chance = _boundary_chance(process, bound, b, task.duration if task else None, rng)
            add(i, index[b], chance)
            if bdata.get("cancel_activity", True):
                weights = [w * (1.0 - chance) for w in weights]
        for (_fid, v), w in zip(outs, weights):
            add(i, index[v], w)
        # a sub-process starts its inner start events each time it is entered
        if kind in ("subProcess", "transaction", "adHocSubProcess"):
            for inner in inner_starts.get(node, ()):
                add(i, index[inner], 1.0)
    inflow = np.zeros(n)
    for start, arrival in bound.arrivals.items():
        if start in index:
            inflow[index[start]] += arrival_rate(arrival, bound.horizon)
    rates = _solve_flows(n, P, inflow)
    return {node: max(0.0, float(rates[index[node]])) for node in nodes}


def _open_share(role) -> float:
    """Share of a normal week (holidays aside, as the weekly cost) the role is on duty."""
    from bpsim.analysis.stability import _week_open

    calendars = [s.calendar for s in role.shifts if s.staff > 0]
    if not calendars or any(c is None for c in calendars):
        return 1.0
    return float(np.mean(_week_open(calendars))) or 1.0


def _mean_duration(task, class_mix: dict[str, float]) -> float:
    if not task.by_class:
        return float(task.duration.mean)
    total = 0.0
    for cls, p in class_mix.items():
        total += p * float(task.by_class.get(cls, task.duration).mean)
    return total / (sum(class_mix.values()) or 1.0)


def _available(role) -> float:
    """1 - the role's shrinkage, or the available share of its breaks."""
    breaks = getattr(role, "breaks", None)
    if breaks is not None:
        on, off = float(breaks[0].mean), float(breaks[1].mean)
        return on / (on + off) if on + off > 0 else 1.0
    return 1.0 - float(getattr(role, "shrinkage", 0.0) or 0.0)


def _per_person(role) -> tuple[int, float]:
    """``(concurrency, per_person)``: a person holding N tickets, each slowed by 1 + a (N - 1)
    when the hand is full, does the work of N / (1 + a (N - 1)) one-at-a-time people."""
    n = int(getattr(role, "concurrency", 1) or 1)
    a = float(getattr(role, "slowdown", 0.0) or 0.0)
    return n, n / (1.0 + a * (n - 1))


def _patience(tasks, visits) -> float | None:
    """Visit-weighted mean patience over the role's tasks that set one (default law)."""
    total = weight = 0.0
    for t in tasks:
        law = (getattr(t, "patience", None) or {}).get(None)
        if law is None and getattr(t, "patience", None):
            law = next(iter(t.patience.values()))
        if law is None:
            continue
        v = visits.get(t.element, 0.0)
        total += v * float(law.mean)
        weight += v
    return total / weight if weight > 0 else None


def role_loads(process, bound: BoundScenario) -> dict[str, RoleLoad]:
    """Every staffed role's offered load, by role name (roles without tasks get zero)."""
    visits = visit_rates(process, bound)
    mix: dict[str, float] = {}
    for arrival in bound.arrivals.values():
        rate = arrival_rate(arrival, bound.horizon)
        for cls, p in arrival.classes.items():
            mix[cls] = mix.get(cls, 0.0) + rate * p
    loads: dict[str, RoleLoad] = {}
    for name, role in bound.roles.items():
        tasks = [t for t in bound.tasks.values() if t.role == name]
        rate = sum(visits.get(t.element, 0.0) for t in tasks)
        work = sum(visits.get(t.element, 0.0) * _mean_duration(t, mix) for t in tasks)
        loads[name] = RoleLoad(
            role=name,
            tasks=[t.element for t in tasks],
            arrival_rate=rate,
            mean_service=work / rate if rate > 0 else 0.0,
            load=work,
            open_share=_open_share(role),
            available=_available(role),
            patience=_patience(tasks, visits),
        )
        loads[name].concurrency, loads[name].per_person = _per_person(role)
    return loads
