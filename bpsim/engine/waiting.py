"""What customers do in a queue: lose patience, find the line full, come back.

A caller on hold hangs up after a few minutes (``patience:``); a phone line with ten waiting
places turns the eleventh caller away (``capacity:``); some of them call again later
(``retrial:``). This module builds the callbacks of a staffed task that has patience or a
capacity: the same queue-serve-complete cycle as any staffed task
(:mod:`bpsim.engine.replication`), plus

* **abandonment from the queue only**: when a ticket joins the queue, its patience is drawn
  (by class, else by channel, the start event it came from, else the task's default); if
  nobody has taken it in charge when the patience runs out, it leaves the queue
  (``abandoned`` record). Once service has started the ticket stays: a timer boundary
  event is the tool for "escalate after 3 days", which fires in service too;
* **blocking**: a ticket that finds no idle person and ``capacity`` tickets already waiting
  at the task does not join the queue (``blocked`` record; no ``enabled``);
* where it goes then: it leaves (the ticket ends, counted as abandoned or blocked), it comes
  back after the retrial delay with the retrial probability (``retry``), or it continues at
  a named element or flow (voicemail, web form).

The same callbacks serve the staff-side behaviours that change who takes a ticket:

* **preemptive priority** (``roles.<r>.preemptive``): a ticket that finds nobody idle takes
  the person serving the least urgent ticket of a lower class (the most recently started
  among those); that ticket is suspended (``suspend`` record) and goes back to the head of
  its class's queue; when a person takes it up again (``resume`` record) its work goes on
  where it stopped (``resume``) or starts over with a fresh duration (``restart``);
* **skills-based routing** (``role: [Agent, Specialist]``): a ticket goes to an idle person
  of the first role that has one, in the task's order of preference (longest idle first
  within a role); if none is idle it waits in the queue of every qualified role at once and
  the first of them to free a person takes it. A person serves the tickets of tasks whose
  *first* role is theirs before crossover tickets of the same class (most urgent class
  first; first come, first served within each).

Only tasks with one of these behaviours (or a role that needs them) get these callbacks;
every other task keeps the plain ones, so models without them pay nothing.
"""

from __future__ import annotations

from bpsim.engine.tokens import DELAY, MOVING, QUEUED, SERVICE, Call, StaffMember, Token

__all__ = ["waiting_builder", "LEFT_ABANDONED", "LEFT_BLOCKED"]

ENABLED, START, COMPLETE, ABANDONED, BLOCKED, SUSPEND, RESUME = 1, 2, 3, 8, 9, 10, 11
NORMAL = 1
#: How a ticket left, in the cases' outcome column (0: it did not leave unserved).
LEFT_ABANDONED, LEFT_BLOCKED = 1, 2
_MISSING = object()


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def waiting_builder(kit):
    """``make(node)``: the ``enter`` callback of a staffed task with patience, capacity, several
    qualified roles, or a preemptive role."""
    env, ak, at, streams = kit.env, kit.ak, kit.at, kit.streams
    schedule, enter, qlen = env.call, kit.enter, kit.qlen
    c_start, plan_classes, kshift = kit.c_start, kit.classes, kit.kshift
    home_role = [n.role if n.kind == "task" else None for n in kit.nodes]
    n_nodes = len(home_role)  # tokens beyond: proactive updates (never preempted)

    def make(node):
        i = node.index
        task = node.task
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        c_ab, c_bl = _code(i, ABANDONED), _code(i, BLOCKED)
        pool = kit.pools[node.role]
        queues = pool.queues
        qualified = [kit.pools[r] for r in (task.roles or [node.role])]
        others = qualified[1:]  # crossover pools: the ticket waits in their ``cross`` queues
        preempt = kit.preemptive.get(node.role)
        c_re = _code(i, RESUME)
        draws = kit.class_draws(node, task)
        timed = bool(kit.node_timers[i])
        arm_timers, warmup, release, hold = kit.arm_timers, kit.warmup, kit.release, kit.hold
        fin = kit.finish[i]
        capacity = task.capacity
        patience = task.patience or {}
        start_ids = [n.id for n in kit.nodes]
        retrial = task.retrial or kit.retrial
        on_abandon, on_full = node.on_abandon, node.on_full
        r_uni = r_delay = r_cap = None
        r_p = 0.0
        if retrial is not None and "retry" in (on_abandon, on_full):
            r_uni = streams.uniform(f"retrial:{node.id}")
            r_delay = streams.law(f"retrial-delay:{node.id}", retrial.delay) if retrial.delay is not None else None
            r_p, r_cap = retrial.probability, retrial.attempts
        laws: dict = {}
        by_key: dict = {}

        def patience_of(tok: Token):
            key = (tok.cls, c_start[tok.key >> kshift])
            draw = by_key.get(key, _MISSING)
            if draw is _MISSING:
                cls, start = plan_classes[key[0]], start_ids[key[1]]
                name = cls if cls in patience else start if start in patience else None
                law = patience.get(name)
                draw = None
                if law is not None:
                    draw = laws.get(name)
                    if draw is None:
                        draw = laws[name] = streams.law(f"patience:{node.id}:{name or '*'}", law)
                by_key[key] = draw
            return draw

        def enter_task(tok: Token, pos: int) -> None:
            tok.tries = 0
            arrive(tok, env.now)

        def arrive(tok: Token, now: float) -> None:
            tok.node = i
            tok.visit += 1
            tok.work = -1.0
            for q in qualified:
                if q.idle:
                    ak(tok.key | c_en)
                    at(now)
                    if timed:
                        arm_timers(node, tok, now)
                    start(tok, q.idle.popleft(), now)
                    return
            if preempt is not None:
                victim = None
                for m in pool.staff:
                    v = m.tok
                    if v is not None and m.on_shift and v.cls > tok.cls and v.node < n_nodes and (
                            home_role[v.node] == node.role) and (
                            victim is None or v.cls > victim.tok.cls
                            or (v.cls == victim.tok.cls and m.since > victim.since)):
                        victim = m
                if victim is not None:
                    ak(tok.key | c_en)
                    at(now)
                    if timed:
                        arm_timers(node, tok, now)
                    suspend(victim, now)
                    start(tok, victim, now)
                    return
            if capacity is not None and qlen[i] >= capacity:
                ak(tok.key | c_bl)
                at(now)
                tok.state = MOVING
                away(tok, now, on_full, LEFT_BLOCKED)
                return
            ak(tok.key | c_en)
            at(now)
            if timed:
                arm_timers(node, tok, now)
            tok.state = QUEUED
            qlen[i] += 1
            queues[tok.cls].append(tok)
            for q in others:
                q.cross[tok.cls].append(tok)
            draw = patience_of(tok) if patience else None
            if draw is not None:
                schedule(Call(abandon, tok, tok.visit), NORMAL, draw())

        def abandon(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.visit != ev.arg or tok.state != QUEUED or tok.work != -1.0:
                return  # served (or suspended after service began: it no longer abandons)
            now = env.now
            if retrial is not None and retrial.virtual_hold and on_abandon == "retry":
                return  # the desk calls back: the ticket keeps its place
            queues[tok.cls].remove(tok)
            for q in others:
                q.cross[tok.cls].remove(tok)
            qlen[i] -= 1
            ak(tok.key | c_ab)
            at(now)
            tok.state = MOVING
            tok.visit += 1  # its timers and this visit are over
            away(tok, now, on_abandon, LEFT_ABANDONED)

        def away(tok: Token, now: float, route, outcome: int) -> None:
            if route == "retry":
                if (r_cap is None or tok.tries < r_cap) and r_delay is not None and (
                        r_uni is not None and r_uni() < r_p):
                    tok.tries += 1
                    tok.state = DELAY
                    schedule(Call(back, tok, tok.visit), NORMAL, r_delay())
                    return
                route = None
            if route is None:
                kit.leave_ticket(tok, now, outcome)
                return
            t, p = route
            enter[t](tok, p)

        def back(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.visit != ev.arg:
                return
            tok.state = MOVING
            arrive(tok, env.now)

        def start(tok: Token, staff: StaffMember, now: float) -> None:
            if tok.state == QUEUED:
                qlen[i] -= 1
                if others:  # taken by one qualified pool: out of the others' queues
                    home = staff.pool
                    for q in qualified:
                        if q is not home:
                            try:
                                (q.cross if q is not pool else q.queues)[tok.cls].remove(tok)
                            except ValueError:
                                pass
            tok.state = SERVICE
            tok.staff = staff
            w = tok.work
            if w >= 0.0:  # resumed where it stopped
                d, code = w, c_re
            elif w == -2.0:  # restarted after a preemption
                d, code = draws[tok.cls](), c_re
            else:
                d, code = draws[tok.cls](), c_st
                if now >= warmup:
                    staff.tasks += 1
            ak(tok.key | code | staff.bits)
            at(now)
            if staff.hand is not None:  # one of several tickets in hand (bpsim.engine.sharing)
                hold(tok, staff, now, d, complete, tok.visit)
                return
            staff.tok = tok
            staff.since = now
            tok.work = now + d
            ev = tok.aux = Call(complete, tok, tok.visit)
            schedule(ev, NORMAL, d)

        def complete(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.aux is not ev:
                return
            tok.aux = None
            now = env.now
            staff = tok.staff
            tok.staff = None
            tok.state = MOVING
            tok.visit += 1
            ak(tok.key | c_co | staff.bits)
            at(now)
            release(staff, now, tok)
            fin(tok, now)

        def suspend(staff: StaffMember, now: float) -> None:
            """Take ``staff`` off their ticket (of a lower class): it waits at the head of its queue."""
            v = staff.tok
            assert v is not None  # only someone working on a ticket is taken off it
            vi = v.node
            ak(v.key | _code(vi, SUSPEND) | staff.bits)
            at(now)
            s0 = staff.since
            if now > warmup:
                staff.busy += now - (s0 if s0 > warmup else warmup)
            v.work = max(v.work - now, 0.0) if preempt == "resume" else -2.0
            v.aux = None  # its completion no longer happens
            v.staff = None
            v.state = QUEUED
            qlen[vi] += 1
            staff.tok = None
            vroles = kit.nodes[vi].task.roles
            kit.pools[vroles[0]].queues[v.cls].appendleft(v)
            for r in vroles[1:]:
                kit.pools[r].cross[v.cls].appendleft(v)

        kit.starters[i] = start
        return enter_task

    return make
