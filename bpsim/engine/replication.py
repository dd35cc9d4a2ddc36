"""One replication: tickets arrive, queue for staff, move through the drawing.

Think of one simulated month at the service desk. E-mails and calls arrive at random; each
becomes a ticket whose token walks the drawing: it waits in the Agent queue until an agent on
shift is free, is served, takes the "Yes" or "No" branch of a gateway, and so on until an end
event. This module builds, for every element of the :class:`~bpsim.engine.plan.Plan`, a small
function ``enter(token, position)`` that does what the element does (tasks, staff and shifts
here; gateways, events and sub-processes in :mod:`bpsim.engine.flow`), then runs the
:class:`~bpsim.engine.clock.Clock` (simpy's event queue) over plain callbacks (no generator
process per ticket: fewer events, more speed).

Every moment worth reporting is appended to two ``array.array`` columns: one 64-bit integer
packing (case, element, lifecycle, staff member) and one float (time).
"""

from __future__ import annotations

import math
from array import array
from heapq import heappush

from bpsim.engine.arrivals import schedule_arrivals
from bpsim.engine.clock import NORMAL, URGENT, Clock, Stop
from bpsim.engine.eventsub import trigger_builder
from bpsim.engine.flow import Kit, flow_builders
from bpsim.engine.loops import loop_finish, parallel_instances, sequential_instances
from bpsim.engine.messages import message_builders
from bpsim.engine.plan import Plan
from bpsim.engine.sharing import FreePlaces, hand_builder
from bpsim.engine.streams import Streams
from bpsim.engine.tokens import (
    DELAY,
    INSIDE,
    LINKED,
    MOVING,
    QUEUED,
    SERVICE,
    WAITING,
    Call,
    Pool,
    Scope,
    SkillPool,
    StaffMember,
    Token,
    take_next,
)
from bpsim.engine.updates import OWNER, track_owners, update_builder
from bpsim.engine.waiting import waiting_builder
from bpsim.errors import SimulationError
from bpsim.scenario.spec import BoundScenario

__all__ = ["run_replication", "ARRIVE", "ENABLED", "START", "COMPLETE", "INTERRUPTED",
           "WITHDRAWN", "PASS", "END"]

ARRIVE, ENABLED, START, COMPLETE, INTERRUPTED, WITHDRAWN, PASS, END = range(8)
ABANDONED, BLOCKED, SUSPEND, RESUME = range(8, 12)
#: After the last of ``cases`` arrivals at time t, a run gives the open tickets until
#: ``10 t + 30 days`` to finish.
GRACE = 30 * 86400.0


#: Mean length of a block of unavailable time when a role gives only ``shrinkage:``.
BREAK_MEAN = 1800.0


def _break_laws(role) -> tuple | None:
    """``(every, duration)`` laws of a role's breaks: explicit ``breaks``, or exponential
    blocks of mean :data:`BREAK_MEAN` away and ``BREAK_MEAN (1 - s) / s`` available for a
    shrinkage share ``s``; ``None`` without either."""
    if getattr(role, "breaks", None) is not None:
        return role.breaks
    s = float(getattr(role, "shrinkage", 0.0) or 0.0)
    if s <= 0:
        return None
    from bpsim.scenario.distributions import Exponential

    return Exponential(mean=BREAK_MEAN * (1 - s) / s), Exponential(mean=BREAK_MEAN)


def _noop(_value) -> None:
    return None


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def run_replication(plan: Plan, bound: BoundScenario, streams: Streams, *, record_events: bool = True,
                    progress=None, collect=None) -> dict:
    """Simulate one replication; return its record columns, cases, staff and window.

    ``collect``: a collector (:mod:`bpsim.engine.chunks`) that takes finished tickets'
    records in chunks; the result then holds its ``summary`` instead of records and cases."""
    env = Clock()
    schedule = env.call
    calls, seq = env.calls, env.seq  # hot callbacks push onto the calendar directly
    nodes = plan.nodes
    warmup = float(bound.warmup or 0.0)
    horizon = bound.horizon
    max_cases = bound.cases
    ncls = len(plan.classes)
    cls_index = {c: k for k, c in enumerate(plan.classes)}

    kshift = plan.case_shift  # record key: case << shift | (element * 16 + lifecycle) << 16 | staff
    keys, times = array("q"), array("d")
    ak = keys.append if record_events else _noop
    at = times.append if record_events else _noop
    c_cls, c_start, c_arr, c_end = array("b"), array("i"), array("d"), array("d")
    c_out = array("b")  # 0, or how the ticket left unserved (waiting.LEFT_ABANDONED / LEFT_BLOCKED)
    chunker = summary = None
    if collect is not None:  # streaming: records of finished tickets go to the collector in chunks
        from bpsim.engine.chunks import Chunker, Tail

        c_cls, c_start, c_arr, c_end, c_out = (Tail(c) for c in "bidd" + "b")  # type: ignore[assignment]
        ak, at = keys.append, times.append
        chunker = Chunker(collect, keys, times, (c_cls, c_start, c_arr, c_end, c_out), kshift)
    qlen = [0] * len(plan.nodes)  # tickets waiting at each task with a capacity

    # -- staff ------------------------------------------------------------------------
    pools: dict[str, Pool] = {}
    members: list[StaffMember] = []
    shifts = []  # (pool, shift, [members])
    crossover = {r for n in nodes if n.kind == "task" and n.task is not None
                 for r in (getattr(n.task, "roles", None) or [])[1:]}
    preemptive = {r: role.preemptive for r, role in bound.roles.items() if getattr(role, "preemptive", None)}
    concurrent = {r for r, role in bound.roles.items() if int(getattr(role, "concurrency", 1) or 1) > 1}
    for ri, (rname, role) in enumerate(bound.roles.items()):
        pool = pools[rname] = (SkillPool if rname in crossover else Pool)(rname, ri, ncls)
        if rname in concurrent:  # several tickets in hand at once (bpsim.engine.sharing)
            pool.idle = FreePlaces()
        number = 0
        for si, shift in enumerate(role.shifts):
            crew = []
            for _ in range(int(shift.staff)):
                number += 1
                m = StaffMember(len(members), f"{rname} {number}", pool, si)
                if rname in concurrent:
                    m.slots, m.hand = int(role.concurrency), []
                    m.slowdown = float(getattr(role, "slowdown", 0.0) or 0.0)
                members.append(m)
                pool.staff.append(m)
                crew.append(m)
            shifts.append((pool, shift, crew))
    if len(members) >= 65535:
        raise SimulationError(f"{len(members)} staff members: the engine handles 65534")

    enter: list = [None] * len(nodes)
    leave: list = [None] * len(nodes)
    starters: list = [None] * len(nodes)
    state = {"active": 0, "open": True, "arrived": 0, "stopping": False}

    def stop_now(_ev=None) -> None:
        raise Stop

    stop_when_done = horizon is None or max_cases is not None  # else the clock runs to the horizon

    def stop_soon() -> None:
        if stop_when_done and not state["stopping"]:
            state["stopping"] = True
            schedule(Call(stop_now, None, None), URGENT, 0.0)

    # -- staff release and pulling -------------------------------------------------------
    def release(staff: StaffMember, now: float, tok: Token | None = None) -> None:
        if staff.hand is not None:  # one of several tickets in hand: ``tok`` frees its place
            let_go(tok, staff, now)
            return
        s = staff.since
        if now > warmup:
            staff.busy += now - (s if s > warmup else warmup)
        staff.tok = None
        if staff.on_shift:
            take_next(staff, now, starters)
        elif staff.due:
            begin_break(staff, now)

    def open_shift(pool: Pool, crew: list[StaffMember], now: float) -> None:
        for m in crew:
            m.shift_open = True
            if m.on_shift or m.away or m.due:
                continue
            m.on_shift = True
            if m.hand is not None:
                offer(m, now)
            elif m.tok is None:
                take_next(m, now, starters)

    def close_shift(pool: Pool, crew: list[StaffMember]) -> None:
        for m in crew:
            m.on_shift = False
            m.shift_open = False
        if any(m.tok is None for m in crew):
            gone = set(crew)
            kept = [m for m in pool.idle if m not in gone]
            pool.idle.clear()
            pool.idle.extend(kept)

    def shift_cycle(pool, calendar, crew):
        def on_open(_ev) -> None:
            now = env.now
            open_shift(pool, crew, now)
            t = calendar.next_close(now)
            if math.isfinite(t):
                schedule(Call(on_close, None, None), URGENT, max(t - now, 0.0))

        def on_close(_ev) -> None:
            now = env.now
            if calendar.is_open(now):  # back-to-back open intervals
                t = calendar.next_close(now)
                if math.isfinite(t) and t > now:
                    schedule(Call(on_close, None, None), URGENT, t - now)
                return
            close_shift(pool, crew)
            t = calendar.next_open(now)
            if math.isfinite(t):
                schedule(Call(on_open, None, None), URGENT, max(t - now, 0.0))

        return on_open, on_close

    # -- breaks (shrinkage): each person alternates available and away periods ----------------
    def break_due(ev: Call) -> None:
        m = ev.tok
        now = env.now
        if m.hand is not None:  # several places: no new ticket; the break starts when all are done
            if m.on_shift:
                kept = [x for x in m.pool.idle if x is not m]
                m.pool.idle.clear()
                m.pool.idle.extend(kept)
            if m.hand:
                m.due = True
                m.on_shift = False
            else:
                begin_break(m, now)
            return
        if m.tok is None:  # idle or off shift: the break starts now
            if m.on_shift:
                m.pool.idle.remove(m)
            begin_break(m, now)
        else:  # finish the task in hand first
            m.due = True
            m.on_shift = False

    def begin_break(m: StaffMember, now: float) -> None:
        m.due = False
        m.away = True
        m.on_shift = False
        d = break_draws[m.pool.index][1]()
        schedule(Call(break_over, m, now), URGENT, d)

    def break_over(ev: Call) -> None:
        m = ev.tok
        now = env.now
        a = ev.arg if ev.arg > warmup else warmup
        if now > a:
            cal = calendar_of[m.index]
            m.left += now - a if cal is None else cal.working_time(a, now)
        m.away = False
        schedule(Call(break_due, m, None), URGENT, break_draws[m.pool.index][0]())
        if m.shift_open:
            m.on_shift = True
            if m.hand is not None:
                offer(m, now)
                return
            take_next(m, now, starters)

    hold, let_go, offer, settle = hand_builder(env, warmup, starters, begin_break, len(nodes))
    break_draws: dict[int, tuple] = {}
    calendar_of = {m.index: shift.calendar for _pool, shift, crew in shifts for m in crew}
    for rname, role in bound.roles.items():
        laws = _break_laws(role)
        if laws is None:
            continue
        pool = pools[rname]
        break_draws[pool.index] = (streams.law(f"breaks:{rname}", laws[0]),
                                   streams.law(f"break-length:{rname}", laws[1]))
        for m in pool.staff:
            schedule(Call(break_due, m, None), URGENT, break_draws[pool.index][0]())

    for pool, shift, crew in shifts:
        if shift.calendar is None:
            open_shift(pool, crew, 0.0)
            continue
        on_open, _ = shift_cycle(pool, shift.calendar, crew)
        t0 = shift.calendar.next_open(0.0)
        if math.isfinite(t0):
            schedule(Call(on_open, None, None), URGENT, t0)

    # -- tokens and scopes ---------------------------------------------------------------
    def clone(tok: Token) -> Token:
        new = Token(tok.key, tok.cls, tok.scope, tok.node)
        tok.scope.tokens.add(new)
        return new

    def consume(tok: Token, now: float) -> None:
        sc = tok.scope
        tok.dead = True
        sc.tokens.discard(tok)
        if not sc.tokens:
            scope_done(sc, now)
        elif sc.orwait:
            or_check(sc)

    def scope_done(sc: Scope, now: float) -> None:
        if sc.parent is None:
            c_end[sc.case] = now
            state["active"] -= 1
            if not state["open"] and state["active"] == 0:
                stop_soon()
            return
        ptok = sc.ptok
        if ptok.dead:
            return
        if ptok.state == LINKED:  # a linked instance of another pool's process is done
            consume(ptok, now)
            return
        i = ptok.node
        ak(ptok.key | _code(i, COMPLETE))
        at(now)
        ptok.visit += 1
        ptok.state = MOVING
        ptok.aux = None
        finish[i](ptok, now)

    def abort(tok: Token, now: float, lifecycle: int) -> None:
        """Take ``tok`` off its node: queued or in service, delayed, or inside a sub-process."""
        st = tok.state
        i = tok.node
        if st == SERVICE:
            staff = tok.staff
            tok.staff = None
            ak(tok.key | _code(i, lifecycle) | staff.bits)
            at(now)
            tok.dead = True
            release(staff, now, tok)
        elif st == WAITING:
            for (_f, t, _p) in nodes[i].out:
                ak(tok.key | _code(t, WITHDRAWN))
                at(now)
        elif st == INSIDE:
            kill_scope(tok.aux, now)
            ak(tok.key | _code(i, lifecycle))
            at(now)
        elif st == LINKED:
            kill_scope(tok.aux, now)
        elif st == QUEUED or st == DELAY:
            if st == QUEUED:
                qlen[i] -= 1
            ak(tok.key | _code(i, lifecycle))
            at(now)
        tok.dead = True
        tok.visit += 1
        tok.state = MOVING
        tok.scope.tokens.discard(tok)

    def leave_ticket(tok: Token, now: float, outcome: int) -> None:
        """The ticket of ``tok`` leaves unserved (abandoned, blocked): all its work ends now."""
        sc = tok.scope
        tok.dead = True
        sc.tokens.discard(tok)
        while sc.parent is not None:
            sc = sc.parent
        c_out[sc.case] = outcome
        kill_scope(sc, now)
        scope_done(sc, now)

    def kill_scope(sc: Scope, now: float) -> None:
        doomed = list(sc.tokens)
        for tok in doomed:  # so that staff freed below do not pick them up
            if tok.state == QUEUED:
                tok.dead = True
        for tok in doomed:
            abort(tok, now, WITHDRAWN)
        sc.tokens.clear()
        sc.joins = None
        sc.orwait = None

    # -- builders per kind -----------------------------------------------------------------
    or_split: dict[int, object] = {}
    or_joins = any(n.kind == "or" and n.n_in > 1 for n in nodes)
    finish: list = [None] * len(nodes)

    def make_leave(node):
        out = [(t, p) for (_f, t, p) in node.out]
        if not out:
            def leave_none(tok: Token, now: float) -> None:
                consume(tok, now)
            return leave_none
        if len(out) == 1:
            (t1, p1), = out
            if not or_joins:  # no OR-join waits anywhere: nothing to re-check
                def leave_for(tok: Token, now: float) -> None:
                    enter[t1](tok, p1)
                return leave_for

            def leave_one(tok: Token, now: float) -> None:
                sc = tok.scope
                enter[t1](tok, p1)
                if sc.orwait:
                    or_check(sc)
            return leave_one

        def leave_all(tok: Token, now: float) -> None:  # uncontrolled flow = parallel split
            sc = tok.scope
            toks = [tok] + [clone(tok) for _ in out[1:]]
            for tk, (t, p) in zip(toks, out):
                enter[t](tk, p)
            if sc.orwait:
                or_check(sc)
        return leave_all

    def arm_timers(node, tok: Token, now: float) -> None:
        for b, draw in node_timers[node.index]:
            d = draw() if draw is not None else max(b.at - now, 0.0)
            schedule(Call(fire_boundary, tok, (tok.visit, b, draw, 1)), NORMAL, d)

    mi_groups: dict = {}  # parallel multi-instance: instance token -> its Instances

    def fire_boundary(ev: Call) -> None:
        tok = ev.tok
        visit, b, draw, k = ev.arg
        if tok.dead or tok.visit != visit:
            return
        now = env.now
        if k < b.cycles:  # a repeating (timeCycle) non-interrupting timer: arm the next firing
            schedule(Call(fire_boundary, tok, (visit, b, draw, k + 1)), NORMAL, draw())
        g = mi_groups.get(tok) if mi_groups else None
        if g is not None:  # one activity, several instance tokens: the first to fire speaks for all
            if (b.index, k) in g.fired:
                return
            g.fired.add((b.index, k))
        new = clone(tok)
        new.node = b.index
        if b.interrupting and g is not None:  # abandon every instance still queued or at work
            live = [t for t in g.tokens if not t.dead]
            for t in g.tokens:
                mi_groups.pop(t, None)
            for t in live:
                if t.state == QUEUED:
                    t.dead = True  # so that people freed below do not take them
            for t in live:
                abort(t, now, INTERRUPTED)
        elif b.interrupting:
            abort(tok, now, INTERRUPTED)
        ak(new.key | _code(b.index, PASS))
        at(now)
        leave[b.index](new, now)

    node_timers: dict[int, list] = {}
    node_probs: dict[int, list] = {}
    for node in nodes:
        node_timers[node.index] = [
            (b, streams.law(f"boundary:{b.id}", b.duration) if b.duration is not None else None)
            for b in node.boundaries if b.probability is None
        ]
        node_probs[node.index] = [
            (b, streams.uniform(f"boundary:{b.id}")) for b in node.boundaries if b.probability is not None
        ]

    def make_finish(node):
        i = node.index
        lv = leave[i]
        probs = node_probs[i]
        if not probs:
            return lv

        def finish_with_outcomes(tok: Token, now: float) -> None:
            for b, uni in probs:
                if uni() < b.probability:
                    side = clone(tok) if not b.interrupting else tok
                    side.node = b.index
                    ak(side.key | _code(b.index, PASS))
                    at(now)
                    leave[b.index](side, now)
                    if b.interrupting:
                        return
            lv(tok, now)
        return finish_with_outcomes

    def class_draws(node, task) -> list:
        if not task.by_class:
            d = streams.law(f"duration:{node.id}", task.duration)
            return [d] * ncls
        return [
            streams.law(f"duration:{node.id}:{c}", task.by_class.get(c, task.duration)) for c in plan.classes
        ]

    def make_staffed(node):
        t = node.task
        if (t.patience or t.capacity is not None or len(t.roles) > 1 or node.role in preemptive
                or node.role in concurrent):
            return make_waiting(node)
        i = node.index
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        pool = pools[node.role]
        idle, queues = pool.idle, pool.queues
        draws = class_draws(node, node.task)
        timed = bool(node_timers[i])
        fin = finish[i]

        def enter_task(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            ak(tok.key | c_en)
            at(now)
            if timed:
                arm_timers(node, tok, now)
            if idle:
                start(tok, idle.popleft(), now)
            else:
                tok.state = QUEUED
                queues[tok.cls].append(tok)

        def start(tok: Token, staff: StaffMember, now: float) -> None:
            tok.state = SERVICE
            tok.staff = staff
            staff.tok = tok
            staff.since = now
            if now >= warmup:
                staff.tasks += 1
            ak(tok.key | c_st | staff.bits)
            at(now)
            heappush(calls, (now + draws[tok.cls](), NORMAL, next(seq), Call(complete, tok, tok.visit)))

        def complete(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.visit != ev.arg:
                return
            now = env.now
            staff = tok.staff
            tok.staff = None
            tok.state = MOVING
            tok.visit += 1
            ak(tok.key | c_co | staff.bits)
            at(now)
            release(staff, now)
            fin(tok, now)

        starters[i] = start
        return enter_task

    def make_delay(node):
        i = node.index
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        if node.task is not None:
            draws = class_draws(node, node.task)
        elif node.delay is not None:
            draws = [streams.law(f"event:{node.id}", node.delay)] * ncls
        else:
            draws = None
        absolute = node.at
        timed = bool(node_timers[i])
        fin = finish[i]

        def enter_delay(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            tok.state = DELAY
            ak(tok.key | c_en)
            at(now)
            ak(tok.key | c_st)
            at(now)
            if timed:
                arm_timers(node, tok, now)
            d = draws[tok.cls]() if draws is not None else max(absolute - now, 0.0)
            heappush(calls, (now + d, NORMAL, next(seq), Call(done, tok, tok.visit)))

        def done(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.visit != ev.arg:
                return
            now = env.now
            tok.state = MOVING
            tok.visit += 1
            ak(tok.key | c_co)
            at(now)
            fin(tok, now)

        return enter_delay

    kit = Kit(env=env, ak=ak, at=at, nodes=nodes, enter=enter, leave=leave, finish=finish, streams=streams,
              ncls=ncls, clone=clone, consume=consume, kill_scope=kill_scope, arm_timers=arm_timers,
              node_timers=node_timers, class_draws=class_draws, or_split=or_split, scope_done=scope_done,
              pools=pools, starters=starters, release=release, qlen=qlen, leave_ticket=leave_ticket,
              c_start=c_start, classes=plan.classes, warmup=warmup, retrial=bound.retrial,
              kshift=kshift, preemptive=preemptive, hold=hold)
    make_waiting = waiting_builder(kit)
    all_triggers = [t for node in nodes for t in node.triggers]
    kit.arm_triggers = arm_triggers = trigger_builder(kit, all_triggers) if all_triggers else None
    flow = flow_builders(kit)
    or_check = kit.or_check = flow.or_check
    make_pass, make_link, make_end = flow.make_pass, flow.make_link, flow.make_end
    make_gateway, make_event_gateway, make_sub = flow.make_gateway, flow.make_event_gateway, flow.make_sub

    for node in nodes:
        leave[node.index] = make_leave(node)
    senders = [node for node in nodes if node.sends]
    receivers = [node for node in nodes if node.kind == "receive"]
    if senders or receivers:
        wrap_send, make_receive = message_builders(kit)
        for node in senders:
            if node.kind != "end":
                leave[node.index] = wrap_send(leave[node.index], node.sends, first=False)
    for node in nodes:
        finish[node.index] = make_finish(node)
    parallel = {}
    for node in nodes:  # loop / multi-instance activities only
        if node.loop is not None:
            i = node.index
            if node.loop.kind == "parallel":
                parallel[i], finish[i] = parallel_instances(node, finish[i], streams, clone, consume, mi_groups,
                                                            env)
            elif node.loop.kind == "sequential":
                parallel[i], finish[i] = sequential_instances(node, enter, finish[i], streams, env)
            else:
                finish[i] = loop_finish(node, enter, finish[i], streams)
    for node in nodes:
        k = node.kind
        if k == "task":
            enter[node.index] = make_staffed(node) if node.role is not None else make_delay(node)
        elif k == "delay":
            enter[node.index] = make_delay(node)
        elif k == "end":
            enter[node.index] = make_end(node)
        elif k in ("xor", "and", "or"):
            enter[node.index] = make_gateway(node)
        elif k == "evgw":
            enter[node.index] = make_event_gateway(node)
        elif k == "sub":
            enter[node.index] = make_sub(node)
        elif k == "link":
            enter[node.index] = make_link(node)
        else:
            enter[node.index] = make_pass(node)
    for i, make_enter in parallel.items():
        enter[i] = make_enter(enter[i])
    for node in receivers:
        enter[node.index] = make_receive(node)
    for node in senders:
        if node.kind == "end":
            enter[node.index] = wrap_send(enter[node.index], node.sends, first=True)

    # -- proactive updates (only when the scenario asks for them) ---------------------------
    updates = on_update = None
    if bound.updates is not None:
        role = bound.updates.role
        owner = track_owners(nodes, enter, pools, kshift) if role == OWNER else None
        first = pools[role] if role in pools else next(iter(pools.values()))
        on_update, updates = update_builder(env, bound.updates, first, streams, c_end, release,
                                            starters, state, owner, kshift, hold)

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
        schedule_arrivals(env, schedule, nodes[start], bound.arrivals[nodes[start].id], streams, cls_index,
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
        step = (horizon or 86400.0 * 30) / 100.0

        def tick(_ev) -> None:
            progress(env.now, len(c_arr))
            if state["open"] or state["active"]:
                schedule(Call(tick, None, None), NORMAL, step)
        schedule(Call(tick, None, None), NORMAL, step)

    env.run_calls()
    now = env.now
    end = float(horizon) if horizon is not None and not state["stopping"] else now

    # staff time within [warmup, end]
    for m in members:
        if m.tok is not None and end > warmup:
            s = m.since
            m.busy += end - (s if s > warmup else warmup)
        elif m.hand:
            settle(m, end)
    for ev in calls:  # breaks still running at the end
        call = ev[3]
        if isinstance(call, Call) and call.callbacks[0] is break_over and end > warmup:
            a = call.arg if call.arg > warmup else warmup
            if end > a:
                cal = calendar_of[call.tok.index]
                call.tok.left += end - a if cal is None else cal.working_time(a, end)
    rows = []
    for pool, shift, crew in shifts:
        if end <= warmup:
            on = 0.0
        elif shift.calendar is None:
            on = end - warmup
        else:
            on = float(shift.calendar.working_time(warmup, end))
        for m in crew:
            rows.append((pool.name, m.name, shift.name or f"shift {m.shift + 1}", on, m.busy, m.tasks, m.left,
                         m.engaged if m.hand is not None else m.busy))
    if chunker is not None:
        summary = chunker.finish(end)
        c_cls, c_start, c_arr, c_end, c_out = array("b"), array("i"), array("d"), array("d"), array("b")
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
