"""Tasks: a ticket waits for a person, is worked on, and moves on; or just takes time.

"Triage ticket" is done by an Agent: a ticket that enters it is taken by an idle Agent at
once, or waits in the Agent pool's queue of its class (P1 before P2 before P3, first come
first served within each); the handling time is drawn from the task's law (per class when
``by_class`` gives one), and when it is over the Agent is released (:mod:`bpsim.engine.staff`)
and the ticket leaves by the task's flow. "Open ticket and assign" has no role: the
ticketing system takes its time, nobody is needed (a *delay*; catch events with a duration
work the same way).

Each visit is recorded: ``enabled`` (joins the task), ``start`` (by whom), ``complete``.

This module builds the callbacks of plain staffed tasks and of delays. A staffed task with
patience, a capacity, several qualified roles, a preemptive or a concurrent role gets the
callbacks of :mod:`bpsim.engine.waiting` instead, so plain tasks pay for none of that. These
are the engine's hottest functions: each pushes its completion straight onto the clock's
calendar (:mod:`bpsim.engine.clock`).
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from types import SimpleNamespace
from typing import Any

from bpsim.engine.clock import NORMAL
from bpsim.engine.tokens import DELAY, MOVING, QUEUED, SERVICE, Call, StaffMember, Token

__all__ = ["task_builder"]

ENABLED, START, COMPLETE = 1, 2, 3

Draw = Callable[[], float]


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def task_builder(kit: Any) -> SimpleNamespace:
    """``class_draws(node, task)``, ``make_staffed(node)`` and ``make_delay(node)``.

    ``make_staffed`` needs ``kit.make_waiting`` (:func:`bpsim.engine.waiting.waiting_builder`)
    for the tasks it does not handle; it registers each task's ``start(tok, staff, now)`` in
    ``kit.starters`` (what a freed person calls to begin the next ticket).
    """
    env, ak, at, streams, ncls = kit.env, kit.ak, kit.at, kit.streams, kit.ncls
    calls, seq = env.calls, env.seq
    classes, pools, finish, starters, enter = kit.classes, kit.pools, kit.finish, kit.starters, kit.enter
    preemptive, concurrent = kit.preemptive, kit.concurrent

    def class_draws(node: Any, task: Any) -> list[Draw]:
        """The duration law of ``task`` per class (index = class code)."""
        if not task.by_class:
            d = streams.law(f"duration:{node.id}", task.duration)
            return [d] * ncls
        return [
            streams.law(f"duration:{node.id}:{c}", task.by_class.get(c, task.duration)) for c in classes
        ]

    def make_staffed(node: Any) -> Callable[[Token, int], None]:
        t = node.task
        if (t.patience or t.capacity is not None or len(t.roles) > 1 or node.role in preemptive
                or node.role in concurrent):
            make_waiting: Callable[[Any], Callable[[Token, int], None]] = kit.make_waiting
            return make_waiting(node)
        i = node.index
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        pool = pools[node.role]
        idle, queues = pool.idle, pool.queues
        draws = class_draws(node, node.task)
        timed = bool(kit.node_timers[i])
        arm_timers, release, warmup = kit.arm_timers, kit.release, kit.warmup
        fin = finish[i]
        hop = kit.onward(i, fin)

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

        if hop is None:
            def complete(ev: Call) -> None:
                tok: Token = ev.tok
                if tok.dead or tok.visit != ev.arg:
                    return
                now = env.now
                staff = tok.staff
                assert staff is not None  # a token in service has its person
                tok.staff = None
                tok.state = MOVING
                tok.visit += 1
                ak(tok.key | c_co | staff.bits)
                at(now)
                release(staff, now)
                fin(tok, now)
        else:  # the task leads straight to one element: enter it directly (one call less)
            t1, p1 = hop

            def complete(ev: Call) -> None:
                tok: Token = ev.tok
                if tok.dead or tok.visit != ev.arg:
                    return
                now = env.now
                staff = tok.staff
                assert staff is not None  # a token in service has its person
                tok.staff = None
                tok.state = MOVING
                tok.visit += 1
                ak(tok.key | c_co | staff.bits)
                at(now)
                release(staff, now)
                enter[t1](tok, p1)

        starters[i] = start
        return enter_task

    def make_delay(node: Any) -> Callable[[Token, int], None]:
        i = node.index
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)
        draws: list[Draw] | None
        if node.task is not None:
            draws = class_draws(node, node.task)
        elif node.delay is not None:
            draws = [streams.law(f"event:{node.id}", node.delay)] * ncls
        else:
            draws = None
        absolute = node.at
        timed = bool(kit.node_timers[i])
        arm_timers = kit.arm_timers
        fin = finish[i]
        hop = kit.onward(i, fin)

        def enter_delay(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            tok.state = DELAY
            key = tok.key
            ak(key | c_en)
            at(now)
            ak(key | c_st)
            at(now)
            if timed:
                arm_timers(node, tok, now)
            d = draws[tok.cls]() if draws is not None else max(absolute - now, 0.0)
            heappush(calls, (now + d, NORMAL, next(seq), Call(done, tok, tok.visit)))

        if hop is None:
            def done(ev: Call) -> None:
                tok: Token = ev.tok
                if tok.dead or tok.visit != ev.arg:
                    return
                tok.state = MOVING
                tok.visit += 1
                ak(tok.key | c_co)
                now = env.now
                at(now)
                fin(tok, now)
        else:  # the delay leads straight to one element: enter it directly (one call less)
            t1, p1 = hop

            def done(ev: Call) -> None:
                tok: Token = ev.tok
                if tok.dead or tok.visit != ev.arg:
                    return
                tok.state = MOVING
                tok.visit += 1
                ak(tok.key | c_co)
                at(env.now)
                enter[t1](tok, p1)

        return enter_delay

    return SimpleNamespace(class_draws=class_draws, make_staffed=make_staffed, make_delay=make_delay)
