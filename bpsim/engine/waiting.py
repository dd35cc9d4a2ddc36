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

Only tasks with patience or capacity get these callbacks; every other task keeps the plain
ones, so models without them pay nothing.
"""

from __future__ import annotations

from bpsim.engine.tokens import DELAY, MOVING, QUEUED, SERVICE, Call, StaffMember, Token

__all__ = ["waiting_builder", "LEFT_ABANDONED", "LEFT_BLOCKED"]

ENABLED, START, COMPLETE, ABANDONED, BLOCKED = 1, 2, 3, 8, 9
NORMAL = 1
#: How a ticket left, in the cases' outcome column (0: it did not leave unserved).
LEFT_ABANDONED, LEFT_BLOCKED = 1, 2
_MISSING = object()


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def waiting_builder(kit):
    """``make(node)``: the ``enter`` callback of a staffed task with patience or capacity."""
    env, ak, at, streams = kit.env, kit.ak, kit.at, kit.streams
    schedule, enter, qlen = env.schedule, kit.enter, kit.qlen
    c_start, plan_classes, kshift = kit.c_start, kit.classes, kit.kshift

    def make(node):
        i = node.index
        task = node.task
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        c_ab, c_bl = _code(i, ABANDONED), _code(i, BLOCKED)
        pool = kit.pools[node.role]
        idle, queues = pool.idle, pool.queues
        draws = kit.class_draws(node, task)
        timed = bool(kit.node_timers[i])
        arm_timers, warmup, release = kit.arm_timers, kit.warmup, kit.release
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
            if idle:
                ak(tok.key | c_en)
                at(now)
                if timed:
                    arm_timers(node, tok, now)
                start(tok, idle.popleft(), now)
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
            draw = patience_of(tok) if patience else None
            if draw is not None:
                schedule(Call(abandon, tok, tok.visit), NORMAL, draw())

        def abandon(ev: Call) -> None:
            tok = ev.tok
            if tok.dead or tok.visit != ev.arg or tok.state != QUEUED:
                return
            now = env.now
            if retrial is not None and retrial.virtual_hold and on_abandon == "retry":
                return  # the desk calls back: the ticket keeps its place
            queues[tok.cls].remove(tok)
            qlen[i] -= 1
            ak(tok.key | c_ab)
            at(now)
            tok.state = MOVING
            tok.visit += 1  # its timers and this visit are over
            away(tok, now, on_abandon, LEFT_ABANDONED)

        def away(tok: Token, now: float, route, outcome: int) -> None:
            if route == "retry":
                if (r_cap is None or tok.tries < r_cap) and r_delay is not None and r_uni() < r_p:
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
            tok.state = SERVICE
            tok.staff = staff
            staff.tok = tok
            staff.since = now
            if now >= warmup:
                staff.tasks += 1
            ak(tok.key | c_st | staff.bits)
            at(now)
            schedule(Call(complete, tok, tok.visit), NORMAL, draws[tok.cls]())

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

        kit.starters[i] = start
        return enter_task

    return make
