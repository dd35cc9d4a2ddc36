"""The plan: a process and its bound scenario compiled into what the engine walks.

Before a ticket moves, every element of the drawing is looked at once and given a *kind*
that says what a token does there:

=========  ==============================================================================
kind       a token arriving here ...
=========  ==============================================================================
start      (only created here) a ticket arrives, or a sub-process instance begins
end        is consumed; ``terminate`` ends every token of its scope
task       waits for a person of the task's role (a queue), is served, moves on; with no
           role it is an automatic step (a delay, no queue)
delay      waits without staff: an intermediate catch event or a receive task
pass       passes through (throw events, link catch events, blank intermediate events)
link       jumps to the matching link catch event
xor        exclusive gateway: merges; splits by branch probability
and        parallel gateway: joins (waits for every incoming flow), forks to all
or         inclusive gateway: OR-join (waits while a token can still arrive), split by
           independent branch probabilities
evgw       event-based gateway: the first of its catch events to happen wins
sub        embedded sub-process or call activity: its inner start events begin a scope;
           it completes when the scope holds no token
evsub      event sub-process: never reached by a flow; its start event's *trigger* fires
           in a running scope (see :class:`TriggerPlan`)
receive    waits for a message of the same ticket from another pool (a message catch event
           or receive task that a message flow reaches and the scenario gives no delay)
=========  ==============================================================================

The plan is the same for every replication; :mod:`bpsim.engine.replication` turns it into
callbacks.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from bpsim.engine.cycles import zero_time_cycles
from bpsim.errors import SimulationError
from bpsim.model import ACTIVITY_TYPES, SUBPROCESS_TYPES, TASK_TYPES, Flow, Process
from bpsim.scenario.spec import BoundScenario, LoopSpec

__all__ = ["Plan", "NodePlan", "BoundaryPlan", "TriggerPlan", "Constant", "compile_plan"]


class Constant:
    """A fixed delay (BPMN timer values): ``mean`` seconds every time."""

    def __init__(self, value: float) -> None:
        self.mean = float(value)

    def sample(self, rng: np.random.Generator) -> float:
        return self.mean

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.mean)

    def __repr__(self) -> str:
        return f"Constant({self.mean!r})"


@dataclass
class BoundaryPlan:
    """A boundary event of an activity: a timer (``duration``) or an outcome (``probability``)."""

    index: int
    id: str
    interrupting: bool
    duration: object | None = None  # Distribution
    at: float | None = None  # timeDate timers: absolute seconds since start
    probability: float | None = None
    cycles: float = 1  # non-interrupting timers: how many times it fires (inf: unbounded)


@dataclass
class TriggerPlan:
    """The start event of an event sub-process, armed whenever its enclosing scope starts.

    With ``probability`` it fires ``duration`` (a law; or at the absolute time ``at``) after
    the scope started, if the scope is still running; ``evsub`` is the event sub-process.
    """

    start: int
    evsub: int
    id: str
    interrupting: bool
    probability: float = 1.0
    duration: object | None = None
    at: float | None = None


@dataclass
class NodePlan:
    """One element: its kind and everything a token needs there."""

    index: int
    id: str
    name: str | None
    type: str
    kind: str
    out: list[tuple[str, int, int]] = field(default_factory=list)  # (flow, target, in-position)
    n_in: int = 0
    role: str | None = None
    task: object | None = None  # TaskSpec
    delay: object | None = None  # Distribution for delays
    at: float | None = None  # absolute time for timeDate catch events
    probs: list[float] | None = None  # branch probabilities aligned with out
    default_out: int | None = None
    boundaries: list[BoundaryPlan] = field(default_factory=list)
    terminate: bool = False
    entries: list[int] = field(default_factory=list)
    link_target: int | None = None
    or_up: list[frozenset[int]] = field(default_factory=list)
    loop: LoopSpec | None = None  # loop / multi-instance marker that the run honours
    triggers: list[TriggerPlan] = field(default_factory=list)  # event sub-processes of the scope begun here
    sends: list[tuple[int, str]] = field(default_factory=list)  # message flows out: (target, "start"|"receive")
    on_abandon: object = None  # staffed tasks with patience: None (leave), "retry" or (target, in-position)
    on_full: object = None  # staffed tasks with capacity: None (lost), "retry" or (target, in-position)


def case_shift(elements: int) -> int:
    """Where the case number starts in a packed record key ``case << shift | (element * 16 +
    lifecycle) << 16 | staff`` (4 bits of lifecycle): bit 32 for models of up to 4,095
    elements (the fast layout), more bits for the element field beyond (20,000 elements:
    bit 35, leaving 28 bits, some 268 million tickets per replication, for the case)."""
    code_bits = max(16, (max(elements, 1) * 16 - 1).bit_length())
    return 16 + code_bits


@dataclass
class Plan:
    """The compiled process: nodes by index, arrival start events, roles, classes, and the
    record key layout (``case_shift``, see :func:`case_shift`)."""

    nodes: list[NodePlan]
    index: dict[str, int]
    arrivals: list[int]
    roles: list[str]
    classes: list[str]
    case_shift: int = 32


def _error(process: Process, node: str, message: str, hint: str) -> SimulationError:
    data = process.graph.nodes[node] if node in process.graph else {}
    return SimulationError(
        message,
        file=process.source,
        line=data.get("line"),
        element_id=node,
        element_name=data.get("name"),
        hint=hint,
    )


def _flows(process: Process) -> list[Flow]:
    if process.flows:
        return list(process.flows.values())
    flows = []
    for u, v, data in process.graph.edges(data=True):
        ids = data.get("ids") or [data.get("id") or f"{u}->{v}"]
        flows += [Flow(id=i, source=u, target=v, name=data.get("name")) for i in ids]
    return flows


def timer_delay(process: Process, node: str, start: dt.datetime) -> tuple[object | None, float | None]:
    """The BPMN timer of ``node`` as ``(distribution, None)`` or ``(None, absolute_time)``."""
    timer = process.graph.nodes[node].get("timer")
    if not timer or not timer.get("value"):
        return None, None
    kind, value = timer.get("kind"), str(timer["value"]).strip()
    hint = "give the event a duration in the scenario (events: or boundaries:)"
    if kind == "timeDate":
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _error(process, node, f"timer date {value!r} is not an ISO 8601 date", hint) from None
        if when.tzinfo is not None and start.tzinfo is None:
            when = when.replace(tzinfo=None)
        return None, (when - start).total_seconds()
    if kind == "timeCycle" and "/" in value:
        value = value.rsplit("/", 1)[-1]
    from bpsim.scenario.durations import parse_duration

    try:
        return Constant(parse_duration(value)), None
    except Exception:
        raise _error(process, node, f"timer value {value!r} is not a duration", hint) from None


def timer_cycles(data: dict) -> float:
    """How often a ``timeCycle`` timer fires: ``R3/PT1H`` 3 times, ``R/PT1H`` without end, else once."""
    timer = data.get("timer") or {}
    if timer.get("kind") != "timeCycle" or "/" not in str(timer.get("value") or ""):
        return 1
    head = str(timer["value"]).strip().split("/", 1)[0].strip().upper()
    if head == "R":
        return math.inf
    if head.startswith("R") and head[1:].isdigit():
        return max(int(head[1:]), 1)
    return 1


def compile_plan(process: Process, bound: BoundScenario) -> Plan:
    """Compile ``process`` under ``bound`` into a :class:`Plan`.

    Raises
    ------
    SimulationError
        When an element the tickets can reach lacks what the engine needs (a task without a
        duration, a splitting gateway without branch probabilities, ...), naming it.
    """
    g = process.graph
    ids = list(g.nodes)
    index = {n: i for i, n in enumerate(ids)}
    nodes = [
        NodePlan(index=i, id=n, name=g.nodes[n].get("name"), type=g.nodes[n].get("type") or "", kind="")
        for i, n in enumerate(ids)
    ]
    flows = [f for f in _flows(process) if f.source in index and f.target in index]
    for f in flows:
        t = nodes[index[f.target]]
        nodes[index[f.source]].out.append((f.id, t.index, t.n_in))
        t.n_in += 1
    reach = nx.DiGraph()
    reach.add_nodes_from(range(len(ids)))
    reach.add_edges_from((index[f.source], index[f.target]) for f in flows)

    children: dict[str | None, list[str]] = {}
    for n in ids:
        children.setdefault(g.nodes[n].get("parent"), []).append(n)

    def entries_of(inner: list[str]) -> list[int]:
        return [
            index[n]
            for n in inner
            if g.nodes[n].get("type") == "startEvent"
            and not g.nodes[n].get("triggered_by_event")
            and not any(g.nodes[p].get("triggered_by_event") for p in [g.nodes[n].get("parent")] if p)
        ]

    messages = [
        (m.source, m.target) for m in (process.message_flows or {}).values()
        if m.source in index and m.target in index
        and g.nodes[m.source].get("process") != g.nodes[m.target].get("process")
    ]
    receivers = {t for _s, t in messages}
    problems: dict[int, SimulationError] = {}
    for node in nodes:
        try:
            _kind(process, bound, node, g.nodes[node.id], children, entries_of, index, receivers)
        except SimulationError as exc:  # raised below only when tickets can get there
            problems[node.index] = exc
            node.kind = "pass"

    for node in nodes:  # loop and multi-instance markers (only where the scenario or BPMN says how often)
        if node.kind in ("task", "delay", "sub"):
            node.loop = _loop(g.nodes[node.id], bound.loops.get(node.id), node.id)

    for node in nodes:  # boundary events hang on their host
        data = g.nodes[node.id]
        if node.type != "boundaryEvent" or data.get("attached_to") not in index:
            continue
        host = nodes[index[data["attached_to"]]]
        reach.add_edge(host.index, node.index)
        spec = bound.boundaries.get(node.id)
        b = BoundaryPlan(node.index, node.id, bool(data.get("cancel_activity", True)))
        if spec is not None and spec.probability is not None:
            b.probability = float(spec.probability)
        elif spec is not None and spec.duration is not None:
            b.duration = spec.duration
        elif data.get("event") == "timer":
            b.duration, b.at = timer_delay(process, node.id, bound.start)
        if b.duration is not None and not b.interrupting:
            cycles = getattr(spec, "cycles", None) if spec is not None else None
            b.cycles = cycles if cycles else timer_cycles(data)
        if b.probability is not None or b.duration is not None or b.at is not None:
            host.boundaries.append(b)

    for node in nodes:  # where abandoning / blocked tickets go (patience:, capacity:)
        if node.kind == "task" and node.role is not None:
            for attr in ("on_abandon", "on_full"):
                route = getattr(node.task, attr, None)
                if route is None or route == "retry":
                    setattr(node, attr, route)
                    continue
                dest = index.get(route.element)
                if dest is None:
                    continue
                pos = 0
                for f in flows:
                    if route.flow is not None and f.id == route.flow:
                        pos = next((q for (fid, _t, q) in nodes[index[f.source]].out if fid == f.id), 0)
                setattr(node, attr, (dest, pos))
                reach.add_edge(node.index, dest)
        if node.kind == "task":
            for r in getattr(node.task, "roles", None) or []:
                if r not in bound.roles:
                    problems.setdefault(node.index, _error(
                        process, node.id, f"task role {r!r} is not a role of the scenario",
                        "add the role under roles: or give the task another role"))

    for node in nodes:  # link throw -> link catch: same link name, else same label, else the only one
        if node.kind == "link":
            data = g.nodes[node.id]
            catches = [
                m
                for m in nodes
                if m.type == "intermediateCatchEvent"
                and g.nodes[m.id].get("event") == "link"
                and g.nodes[m.id].get("process") == data.get("process")
                and g.nodes[m.id].get("parent") == data.get("parent")
            ]
            link = data.get("link_name")
            match = [m.index for m in catches if link and g.nodes[m.id].get("link_name") == link]
            match = match or [m.index for m in catches if node.name and m.name == node.name]
            match = match or ([catches[0].index] if len(catches) == 1 else [])
            if not match:
                problems.setdefault(node.index, _error(
                    process, node.id, "link throw event has no matching link catch event",
                    "give the link catch event the same link name (or label) as the throw event"))
                continue
            node.link_target = match[0]
            reach.add_edge(node.index, match[0])

    for node in nodes:  # OR-joins: who can still reach each incoming flow
        if node.kind == "or" and node.n_in > 1:
            cut = reach.copy()
            cut.remove_node(node.index)
            sources: list[set[int]] = [set() for _ in range(node.n_in)]
            for f in flows:
                if f.target == node.id and f.source != node.id:
                    pos = next(p for (fid, t, p) in nodes[index[f.source]].out if fid == f.id)
                    s = index[f.source]
                    sources[pos] |= {s} | nx.ancestors(cut, s)
            node.or_up = [frozenset(s) for s in sources]

    for src, tgt in messages:  # a message starts a linked instance, or reaches a waiting catch
        t = nodes[index[tgt]]
        if t.kind == "start" and g.nodes[tgt].get("parent") is None and tgt not in bound.arrivals:
            mode = "start"
        elif t.kind == "receive":
            mode = "receive"
        else:
            continue
        nodes[index[src]].sends.append((t.index, mode))
        reach.add_edge(index[src], t.index)
    for node in nodes:
        reach.add_edges_from((node.index, e) for e in node.entries)
    top_triggers = _triggers(process, bound, nodes, index)
    arrivals = []
    for start in bound.arrivals:
        if start not in index:
            raise SimulationError(
                f"arrivals name start event {start!r}, which the model lacks",
                file=process.source,
                hint="name a start event of the model under arrivals:",
            )
        arrivals.append(index[start])
    linked_starts = {t for node in nodes for t, mode in node.sends if mode == "start"}
    for node in nodes:  # a scope's event sub-processes are armed where the scope begins
        data = g.nodes[node.id]
        owner = None
        if node.index in arrivals or node.index in linked_starts:
            owner = data.get("process")
        elif node.kind == "sub" and node.type == "callActivity":
            owner = data.get("called_element")
        if owner is not None:
            node.triggers = node.triggers + top_triggers.get(owner, [])
        reach.add_edges_from((node.index, t.start) for t in node.triggers)
    reachable = set(arrivals)
    for a in arrivals:
        reachable |= nx.descendants(reach, a)
    for i in sorted(problems):
        if i in reachable:
            raise problems[i]
    plan = Plan(nodes=nodes, index=index, arrivals=arrivals, roles=list(bound.roles), classes=list(bound.classes),
                case_shift=case_shift(len(ids)))
    for cycle in zero_time_cycles(plan, reachable):
        raise zero_time_error(process, plan, cycle)
    return plan


def zero_time_error(process: Process, plan: Plan, cycle: list[int]) -> SimulationError:
    """The error for a loop that takes no time and cannot be left (see :mod:`.cycles`)."""
    names = [plan.nodes[i].name or plan.nodes[i].id for i in cycle]
    shown = ", ".join(repr(n) for n in names[:6]) + (" ..." if len(names) > 6 else "")
    first = plan.nodes[cycle[0]].id
    return _error(
        process, first,
        f"the loop through {shown} takes no time and a ticket can never leave it: simulated "
        "time would stand still while the records grow without end.",
        "give a step of the loop a duration above 0, or a branch out of it with a probability "
        "above 0 (gateways:)")


def _kind(process, bound, node, data, children, entries_of, index, receivers=frozenset()) -> None:
    t = node.type
    nid = node.id
    event = data.get("event")
    task = bound.tasks.get(nid)
    if t == "startEvent":
        node.kind = "start"
    elif t == "endEvent":
        node.kind = "end"
        node.terminate = event == "terminate" or "terminate" in (data.get("events") or [])
    elif t == "boundaryEvent":
        node.kind = "boundary"
    elif t == "intermediateThrowEvent":
        node.kind = "link" if event == "link" else "pass"
    elif t == "intermediateCatchEvent":
        if event == "link":
            node.kind = "pass"
            return
        if nid in receivers and nid not in bound.events and event == "message":
            node.kind = "receive"
            return
        node.kind = "delay"
        _delay(process, bound, node, required=event is not None)
    elif t == "exclusiveGateway" or t == "inclusiveGateway" or t == "complexGateway":
        node.kind = "xor" if t == "exclusiveGateway" else "or"
        _branches(process, bound, node, data)
    elif t == "parallelGateway":
        node.kind = "and"
    elif t == "eventBasedGateway":
        node.kind = "evgw"
    elif task is not None and t in ACTIVITY_TYPES:
        node.kind = "task"
        node.task = task
        node.role = task.role
        if task.role is not None and task.role not in bound.roles:
            raise _error(process, nid, f"task role {task.role!r} is not a role of the scenario",
                         "add the role under roles: or give the task another role")
    elif t == "receiveTask" and nid in bound.events:
        node.kind = "delay"
        _delay(process, bound, node, required=True)
    elif t == "receiveTask" and nid in receivers:
        node.kind = "receive"
    elif t in SUBPROCESS_TYPES and data.get("triggered_by_event"):
        node.kind = "evsub"
    elif t in SUBPROCESS_TYPES or t == "callActivity":
        inner = children.get(nid, [])
        if t == "callActivity":
            called = data.get("called_element")
            if called not in process.processes:
                raise _error(process, nid, f"call activity calls {called!r}, which is not a process of this file",
                             "give the call activity a duration under tasks:")
            inner = [n for n in children.get(None, []) if process.graph.nodes[n].get("process") == called]
        node.kind = "sub"
        node.entries = entries_of(inner)
        if not node.entries:
            raise _error(process, nid, "sub-process has no start event to enter",
                         "draw a start event inside it, or give it a duration under tasks:")
    elif t in TASK_TYPES:
        raise _error(process, nid, "task has no duration in the scenario",
                     "give it a duration (and role) under tasks:")
    else:
        node.kind = "pass"


def _triggers(process, bound, nodes, index) -> dict[str, list[TriggerPlan]]:
    """Attach every event sub-process start with a trigger to the sub-process whose scope it
    watches; return those watching a whole process (by process id)."""
    g = process.graph
    top: dict[str, list[TriggerPlan]] = {}
    for node in nodes:
        data = g.nodes[node.id]
        es = data.get("parent")
        if node.type != "startEvent" or es not in index or not g.nodes[es].get("triggered_by_event"):
            continue
        spec = bound.triggers.get(node.id)
        interrupting = data.get("interrupting") is not False
        t = TriggerPlan(node.index, index[es], node.id, interrupting)
        if spec is not None:
            t.probability = float(spec.probability)
            t.duration = spec.duration
        if t.duration is None and data.get("event") == "timer":
            t.duration, t.at = timer_delay(process, node.id, bound.start)
        if t.duration is None and t.at is None:
            continue  # a trigger the scenario does not describe never happens
        owner = g.nodes[es].get("parent")
        if owner is None:
            top.setdefault(g.nodes[es].get("process"), []).append(t)
        elif owner in index:
            nodes[index[owner]].triggers.append(t)
    return top


def _loop(data: dict, spec: LoopSpec | None, nid: str) -> LoopSpec | None:
    """The loop behaviour of an activity: the scenario's, else an integer loopCardinality."""
    if spec is not None:
        return spec
    marker = data.get("loop")
    if marker in ("parallel", "sequential"):
        text = str(data.get("loop_cardinality") or "").strip()
        if text.isdigit():
            return LoopSpec(nid, marker, instances=Constant(int(text)))
    return None


def _delay(process, bound, node, *, required: bool) -> None:
    spec = bound.events.get(node.id)
    if spec is not None:
        node.delay = spec.duration
        return
    node.delay, node.at = timer_delay(process, node.id, bound.start)
    if node.delay is None and node.at is None:
        if required:
            raise _error(process, node.id, "event has no duration in the scenario",
                         "give it a duration under events: (e.g. exponential(mean=1d))")
        node.kind = "pass"


def _branches(process, bound, node, data) -> None:
    """Branch probabilities aligned with ``node.out`` (checked lazily: merges need none)."""
    spec = bound.gateways.get(node.id)
    default = data.get("default")
    for k, (fid, _t, _p) in enumerate(node.out):
        if fid == default:
            node.default_out = k
    if spec is not None:
        node.probs = [float(spec.probabilities.get(fid, 0.0)) for (fid, _t, _p) in node.out]
        if node.kind == "xor":
            total = sum(node.probs)
            if not math.isfinite(total) or total <= 0:
                raise _error(process, node.id, "branch probabilities sum to zero",
                             "give the gateway's branches probabilities that sum to 1")
    elif len(node.out) > 1:
        raise _error(process, node.id, f"gateway splits into {len(node.out)} flows but has no branch probabilities"
                     " (conditions on flows are not evaluated)", _branch_yaml(process, node))


def _branch_yaml(process, node) -> str:
    """The ``gateways:`` entry to write for ``node``, one line per outgoing flow."""
    flows = {f.id: f for f in _flows(process) if f.source == node.id}
    ids = list(process.graph.nodes)
    share = 1 / len(node.out) if node.kind == "xor" else 0.5
    lines = []
    for fid, target, _p in node.out:
        f = flows.get(fid)
        key = (f.name or getattr(f, "condition", None) or fid) if f is not None else fid
        where = process.graph.nodes[ids[target]].get("name") or ids[target]
        lines.append(f'    "{" ".join(str(key).split())}": {share:.2g}   # flow {fid} -> {where}')
    label = " ".join(str(node.name or node.id).split())
    what = "summing to 1" if node.kind == "xor" else "each taken independently"
    return (f"give the branches probabilities ({what}) in the scenario, e.g.\n"
            f'gateways:\n  "{label}":\n' + "\n".join(lines))
