"""Proactive updates: the desk tells a waiting customer how their ticket is going.

Seed 003 (the service-desk guide) says a customer kept informed is more satisfied even when
the service takes longer. ``updates: {every: 9h, calendar: office, role: Agent, duration:
2m}`` makes that a piece of work: while a ticket is open, every ``every`` (of the calendar's
open time, or of the wall clock) an update falls due; a person of ``role`` sends it at their
next free moment (updates go to the front of the role's most urgent queue: two minutes
between two tickets), and spends ``duration`` on it. That time is busy time like any task's,
so utilisation and ``cost_worked`` grow with it, and waits of the other tickets too.

An update that falls due after its ticket closed is dropped (including one still queued
when the ticket closes). Updates are recorded apart from the event records, one row each:
``case``, ``time`` (when it was sent, i.e. done), ``resource``.

Nothing here runs when the scenario has no ``updates:``: the engine checks once per arrival.
"""

from __future__ import annotations

import math
from array import array

import numpy as np
import pandas as pd

from bpsim.engine.tokens import SERVICE, Call, Token

__all__ = ["update_builder", "assemble_updates", "track_owners", "UPDATE_COLUMNS", "OWNER"]

#: ``updates: {role: owner}``: the update is sent by the role of the task the ticket is at, or
#: was last at (its owner); before its first staffed task, by the scenario's first role.
OWNER = "owner"

UPDATE_COLUMNS = ["replication", "case", "time", "resource"]
NORMAL = 1


def track_owners(nodes, enter: list, pools: dict, kshift: int = 32) -> dict:
    """Wrap the entry of every staffed task so that ``owner[case]`` is the pool of the task
    the ticket last reached (only built for ``updates: {role: owner}``). A token's ``key`` is
    ``case << kshift`` (:func:`bpsim.engine.plan.case_shift`: 32 up to 4,095 elements)."""
    owner: dict[int, object] = {}

    def wrap(fn, pool):
        def enter_owned(tok, pos):
            owner[tok.key >> kshift] = pool
            fn(tok, pos)
        return enter_owned

    for node in nodes:
        role = getattr(node, "role", None)
        if node.kind == "task" and isinstance(role, str) and role in pools:
            enter[node.index] = wrap(enter[node.index], pools[role])
    return owner


def update_builder(env, policy, pool, streams, c_end, release, starters: list, state: dict,
                   owner: dict | None = None, kshift: int = 32, hold=None):
    """Build the update behaviour of one replication.

    Returns ``(on_arrival, rows)``: ``on_arrival(case, scope, now)`` arms a new ticket's
    update clock; ``rows`` are the record columns ``(case, time, staff index)``.
    The update job's starter is appended to ``starters`` (its node index is
    ``len(starters)`` before the call). Update tokens carry ``case << kshift`` in ``key``,
    like the tickets' own tokens.
    """
    schedule = env.call
    u_case, u_time, u_staff = array("q"), array("d"), array("l")
    index = len(starters)
    draw = streams.law("updates:duration", policy.duration)
    calendar = policy.calendar
    every = float(policy.every)
    first = float(policy.first) if policy.first is not None else every
    default_pool = pool

    def later(now: float, span: float) -> float:
        if calendar is None:
            return span
        t = calendar.add_working(now, span)
        return t - now if math.isfinite(t) else math.inf

    def start(tok: Token, staff, now: float) -> None:
        case = tok.key >> kshift
        if staff.hand is not None:  # a person holding several tickets: the update takes a place
            tok.state = SERVICE
            closed = not math.isnan(c_end[case])
            hold(tok, staff, now, 0.0 if closed else draw(), dropped if closed else done, None)
            return
        staff.tok = tok
        staff.since = now
        if not math.isnan(c_end[case]):  # closed while the update waited: nothing to say
            release(staff, now, tok)
            return
        tok.state = SERVICE
        tok.staff = staff
        schedule(Call(done, tok, None), NORMAL, draw())

    def done(ev: Call) -> None:
        tok = ev.tok
        now = env.now
        staff = tok.staff
        tok.staff = None
        u_case.append(tok.key >> kshift)
        u_time.append(now)
        u_staff.append(staff.index)
        release(staff, now, tok)

    def dropped(ev: Call) -> None:
        tok = ev.tok
        staff = tok.staff
        tok.staff = None
        release(staff, now=env.now, tok=tok)

    def due(ev: Call) -> None:
        tok = ev.tok
        case = tok.key >> kshift
        if not math.isnan(c_end[case]) or state.get("stopping"):
            return
        now = env.now
        job = Token(tok.key, 0, tok.scope, index)
        who = owner.get(case, default_pool) if owner is not None else default_pool
        if who.idle:
            start(job, who.idle.popleft(), now)
        else:
            who.queues[0].appendleft(job)
        d = later(now, every)
        if math.isfinite(d):
            schedule(Call(due, tok, None), NORMAL, d)

    def on_arrival(case: int, scope, now: float) -> None:
        d = later(now, first)
        if math.isfinite(d):
            schedule(Call(due, Token(case << kshift, 0, scope, index), None), NORMAL, d)

    starters.append(start)
    return on_arrival, (u_case, u_time, u_staff)


def assemble_updates(parts: list[tuple[int, dict]]) -> pd.DataFrame:
    """The updates of every replication as one DataFrame (:data:`UPDATE_COLUMNS`)."""
    frames = []
    for rep, res in parts:
        rows = res.get("updates")
        if rows is None:
            continue
        case, time, staff = rows
        names = res.get("staff_names") or []
        n = len(case)
        frames.append(pd.DataFrame({
            "replication": np.full(n, rep, dtype=np.int64),
            "case": np.frombuffer(case, dtype=np.int64).astype(np.int64) if n else np.zeros(0, np.int64),
            "time": np.frombuffer(time, dtype=float) if n else np.zeros(0),
            "resource": [names[i] for i in staff],
        }))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(UPDATE_COLUMNS, ["int64", "int64", "float64", "object"])})
    return pd.concat(frames, ignore_index=True)
