"""One replication: tickets arrive, queue for staff, move through the drawing.

Think of one simulated month at the service desk. E-mails and calls arrive at random; each
becomes a ticket whose token walks the drawing: it waits in the Agent queue until an agent on
shift is free, is served, takes the "Yes" or "No" branch of a gateway, and so on until an end
event. :func:`run_replication` builds, for every element of the
:class:`~bpsim.engine.plan.Plan`, a small function ``enter(token, position)`` that does what
the element does, from one builder per noun, all sharing one :class:`~bpsim.engine.flow.Kit`:

* people, shifts and breaks: :mod:`bpsim.engine.staff`;
* tasks (queue, start, complete) and delays: :mod:`bpsim.engine.tasks`, and
  :mod:`bpsim.engine.waiting` for patience, capacity, skills and preemption;
* gateways, events, ends, sub-processes, moves along flows: :mod:`bpsim.engine.flow`;
* boundary events: :mod:`bpsim.engine.boundaries`; tokens and scopes ending:
  :mod:`bpsim.engine.scopes`;

then runs the :class:`~bpsim.engine.clock.Clock` (simpy's event queue) over plain callbacks
(no generator process per ticket: fewer events, more speed).

Every moment worth reporting is appended to two ``array.array`` columns: one 64-bit integer
packing (case, element, lifecycle, staff member) and one float (time).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from typing import Any

from bpsim.engine.arrivals import schedule_arrivals
from bpsim.engine.boundaries import boundary_builder
from bpsim.engine.clock import NORMAL, URGENT, Clock, Stop
from bpsim.engine.eventsub import trigger_builder
from bpsim.engine.flow import Kit, flow_builders
from bpsim.engine.loops import loop_finish, parallel_instances, sequential_instances
from bpsim.engine.messages import message_builders
from bpsim.engine.plan import Plan
from bpsim.engine.scopes import scope_builder
from bpsim.engine.staff import BREAK_MEAN, build_staff, staff_builder
from bpsim.engine.streams import Streams
from bpsim.engine.tasks import task_builder
from bpsim.engine.tokens import Call, Scope, Token
from bpsim.engine.updates import OWNER, track_owners, update_builder
from bpsim.engine.waiting import waiting_builder
from bpsim.errors import SimulationError
from bpsim.scenario.spec import BoundScenario

__all__ = ["run_replication", "ARRIVE", "ENABLED", "START", "COMPLETE", "INTERRUPTED",
           "WITHDRAWN", "PASS", "END", "BREAK_MEAN"]

ARRIVE, ENABLED, START, COMPLETE, INTERRUPTED, WITHDRAWN, PASS, END = range(8)
ABANDONED, BLOCKED, SUSPEND, RESUME = range(8, 12)
#: After the last of ``cases`` arrivals at time t, a run gives the open tickets until
#: ``10 t + 30 days`` to finish.
GRACE = 30 * 86400.0


def _noop(_value: Any) -> None:
    return None


def run_replication(plan: Plan, bound: BoundScenario, streams: Streams, *, record_events: bool = True,
                    progress: Callable[[float, int], None] | None = None, collect: Any = None) -> dict:
    """Simulate one replication; return its record columns, cases, staff and window.

    ``collect``: a collector (:mod:`bpsim.engine.chunks`) that takes finished tickets'
    records in chunks; the result then holds its ``summary`` instead of records and cases."""
    env = Clock()
    schedule = env.call
    nodes = plan.nodes
    warmup = float(bound.warmup or 0.0)
    horizon = bound.horizon
    max_cases = bound.cases
    ncls = len(plan.classes)
    cls_index = {c: k for k, c in enumerate(plan.classes)}

    kshift = plan.case_shift  # record key: case << shift | (element * 16 + lifecycle) << 16 | staff
    keys, times = array("q"), array("d")
    ak: Callable[[int], None] = keys.append if record_events else _noop
    at: Callable[[float], None] = times.append if record_events else _noop
    c_cls, c_start, c_arr, c_end = array("b"), array("i"), array("d"), array("d")
    c_out = array("b")  # 0, or how the ticket left unserved (waiting.LEFT_ABANDONED / LEFT_BLOCKED)
    cases: tuple[Any, ...] = (c_cls, c_start, c_arr, c_end, c_out)
    chunker = summary = None
    if collect is not None:  # streaming: records of finished tickets go to the collector in chunks
        from bpsim.engine.chunks import Chunker, Tail

        cases = tuple(Tail(c) for c in "bidd" + "b")
        ak, at = keys.append, times.append
        chunker = Chunker(collect, keys, times, cases, kshift)
        collect.seed = streams.entropy  # expstream: keys the per-ticket draws (stream/experience.py)
    c_cls, c_start, c_arr, c_end, c_out = cases

    staffing = build_staff(plan, bound)
    enter: list = [None] * len(nodes)
    leave: list = [None] * len(nodes)
    finish: list = [None] * len(nodes)
    starters: list = [None] * len(nodes)
    state = {"active": 0, "open": True, "arrived": 0, "stopping": False}

    def stop_now(_ev: Call | None = None) -> None:
        raise Stop

    stop_when_done = horizon is None or max_cases is not None  # else the clock runs to the horizon

    def stop_soon() -> None:
        if stop_when_done and not state["stopping"]:
            state["stopping"] = True
            schedule(Call(stop_now, None, None), URGENT, 0.0)

    kit = Kit(env=env, ak=ak, at=at, nodes=nodes, enter=enter, leave=leave, finish=finish, starters=starters,
              streams=streams, ncls=ncls, classes=plan.classes, warmup=warmup, retrial=bound.retrial,
              kshift=kshift, pools=staffing.pools, preemptive=staffing.preemptive,
              concurrent=staffing.concurrent, qlen=[0] * len(nodes), c_start=c_start, c_end=c_end,
              c_out=c_out, state=state, stop_soon=stop_soon, or_check=None)
    staff = staff_builder(kit, staffing, bound)  # schedules the shifts and breaks
    kit.release, kit.hold = staff.release, staff.hold
    vars(kit).update(vars(scope_builder(kit)))  # clone, consume, scope_done, abort, ...
    timers = boundary_builder(kit)
    kit.arm_timers, kit.node_timers = timers.arm_timers, timers.node_timers
    tasks = task_builder(kit)
    kit.class_draws = tasks.class_draws
    kit.or_split = {}
    kit.make_waiting = waiting_builder(kit)
    all_triggers = [t for node in nodes for t in node.triggers]
    kit.arm_triggers = arm_triggers = trigger_builder(kit, all_triggers) if all_triggers else None
    flow = flow_builders(kit)
    kit.or_check, kit.onward = flow.or_check, flow.onward
    _wire(kit, flow, tasks, timers)

    # -- proactive updates (only when the scenario asks for them) ---------------------------
    updates = on_update = None
    if bound.updates is not None:
        role = bound.updates.role
        owner = track_owners(nodes, enter, staffing.pools, kshift) if role == OWNER else None
        pools = staffing.pools
        first = pools[role] if role in pools else next(iter(pools.values()))
        on_update, updates = update_builder(env, bound.updates, first, streams, c_end, kit.release,
                                            starters, state, owner, kshift, kit.hold)
        if chunker is not None:  # expstream: the update records, read at each hand-over
            collect.updates = updates

    # -- arrivals ------------------------------------------------------------------------
    def arrive(start: int, cls: int, now: float) -> None:
        if chunker is not None and len(keys) >= chunker.next_at:
            chunker.flush(now)
        cid = len(c_arr)
        sc = Scope(cid)
        tok = Token(cid << kshift, cls, sc, start)
        sc.tokens.add(tok)
        c_cls.append(cls)
        c_start.append(start)
        c_arr.append(now)
        c_end.append(math.nan)
        c_out.append(0)
        state["active"] += 1
        ak(tok.key | (start << 20))  # _code(start, ARRIVE)
        at(now)
        if arm_triggers is not None and nodes[start].triggers:
            arm_triggers(sc, nodes[start].triggers, tok, now)
        if on_update is not None:
            on_update(cid, sc, now)
        leave[start](tok, now)

    def count_arrival(now: float) -> bool:
        """Count one arrival; False when arrivals are closed."""
        if not state["open"]:
            return False
        state["arrived"] += 1
        if max_cases is not None and state["arrived"] >= max_cases:
            state["open"] = False
            limit = 10.0 * now + GRACE
            if horizon is not None:
                limit = min(limit, horizon)
            schedule(Call(stop_now, None, None), URGENT, max(limit - now, 0.0))
        return True

    state["sources"] = len(plan.arrivals)

    def source_done() -> None:
        state["sources"] -= 1
        if state["sources"] <= 0 and state["open"]:
            state["open"] = False
            if state["active"] == 0:
                stop_soon()

    for start in plan.arrivals:
        schedule_arrivals(env, env.call, nodes[start], bound.arrivals[nodes[start].id], streams, cls_index,
                          arrive, count_arrival, source_done, horizon)

    if horizon is not None:
        schedule(Call(stop_now, None, None), URGENT, float(horizon))
    elif max_cases is None and any(
        a.trace is None and a.limit is None for a in bound.arrivals.values()
    ):
        raise SimulationError(
            "the run has no end: neither horizon nor cases is set",
            hint="set horizon: (e.g. 30d) or cases: (e.g. 10000) in the scenario",
        )
    if progress is not None:
        report = progress
        step = (horizon or 86400.0 * 30) / 100.0

        def tick(_ev: Call) -> None:
            report(env.now, len(c_arr))
            if state["open"] or state["active"]:
                schedule(Call(tick, None, None), NORMAL, step)
        schedule(Call(tick, None, None), NORMAL, step)

    env.run_calls()
    now = env.now
    end = float(horizon) if horizon is not None and not state["stopping"] else now
    rows = staff.books(end)
    if chunker is not None:
        summary = chunker.finish(end)
        c_cls, c_start, c_arr, c_end, c_out = array("b"), array("i"), array("d"), array("d"), array("b")
    members = staffing.members
    return {
        **({"summary": summary} if chunker is not None else {}),
        "keys": keys,
        "times": times,
        "cases": (c_cls, c_start, c_arr, c_end),
        "left": c_out,
        "staff": rows,
        "staff_names": [m.name for m in members],
        "staff_roles": [m.pool.index for m in members],
        "window": (warmup, end),
        **({"updates": updates} if updates is not None else {}),
    }


def _wire(kit: Kit, flow: Any, tasks: Any, timers: Any) -> None:
    """Fill the ``leave``, ``finish`` and ``enter`` tables of every element, in that order
    (each builder captures the callbacks it calls: a leave its targets' table, a finish its
    leave, an enter its finish), wrapping loops, multi-instance activities and messages."""
    nodes, enter, leave, finish, streams = kit.nodes, kit.enter, kit.leave, kit.finish, kit.streams
    for node in nodes:
        leave[node.index] = flow.make_leave(node)
    senders = [node for node in nodes if node.sends]
    receivers = [node for node in nodes if node.kind == "receive"]
    if senders or receivers:
        wrap_send, make_receive = message_builders(kit)
        for node in senders:
            if node.kind != "end":
                leave[node.index] = wrap_send(leave[node.index], node.sends, first=False)
    for node in nodes:
        finish[node.index] = timers.make_finish(node)
    parallel = {}
    for node in nodes:  # loop / multi-instance activities only
        if node.loop is not None:
            i = node.index
            if node.loop.kind == "parallel":
                parallel[i], finish[i] = parallel_instances(node, finish[i], streams, kit.clone, kit.consume,
                                                            timers.mi_groups, kit.env)
            elif node.loop.kind == "sequential":
                parallel[i], finish[i] = sequential_instances(node, enter, finish[i], streams, kit.env)
            else:
                finish[i] = loop_finish(node, enter, finish[i], streams)
    for node in nodes:
        k = node.kind
        if k == "task":
            enter[node.index] = tasks.make_staffed(node) if node.role is not None else tasks.make_delay(node)
        elif k == "delay":
            enter[node.index] = tasks.make_delay(node)
        elif k == "end":
            enter[node.index] = flow.make_end(node)
        elif k in ("xor", "and", "or"):
            enter[node.index] = flow.make_gateway(node)
        elif k == "evgw":
            enter[node.index] = flow.make_event_gateway(node)
        elif k == "sub":
            enter[node.index] = flow.make_sub(node)
        elif k == "link":
            enter[node.index] = flow.make_link(node)
        else:
            enter[node.index] = flow.make_pass(node)
    for i, make_enter in parallel.items():
        enter[i] = make_enter(enter[i])
    for node in receivers:
        enter[node.index] = make_receive(node)
    for node in senders:
        if node.kind == "end":
            enter[node.index] = wrap_send(enter[node.index], node.sends, first=True)
