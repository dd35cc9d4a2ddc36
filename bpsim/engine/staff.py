"""Staff on shift: who is at work when, their breaks, and what a person does when free.

At the service desk three Agents work the early shift and three the late one; the phone
agent takes breaks (a quarter of paid time away). This module builds, for one replication,

* the **people**: a :class:`~bpsim.engine.tokens.Pool` per role (a
  :class:`~bpsim.engine.tokens.SkillPool` when another role's tasks may fall back on it),
  one :class:`~bpsim.engine.tokens.StaffMember` per head of each shift (:func:`build_staff`);
* **shifts**: when a shift's calendar opens, its people come on shift and take the most
  urgent waiting ticket (or wait idle); when it closes they finish the ticket in hand and go;
* **breaks** (``breaks:`` laws, or ``shrinkage: s``): each person alternates available and
  away periods; a break that falls due during a task starts when the task is done;
* **release**: when a person finishes, they take the next ticket, start a due break, or
  (off shift) stop;
* the **books** at the end: busy, away and on-shift time within the measured window.

Everything here shares the replication's :class:`~bpsim.engine.flow.Kit`; the callbacks are
closures over its tables so that the hot path (release, take next) costs no lookups.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from bpsim.engine.clock import URGENT
from bpsim.engine.sharing import FreePlaces, hand_builder
from bpsim.engine.tokens import Call, Pool, SkillPool, StaffMember, Token, take_next
from bpsim.errors import SimulationError
from bpsim.scenario.spec import BoundScenario

__all__ = ["BREAK_MEAN", "Staffing", "break_laws", "build_staff", "staff_builder"]

#: Mean length of a block of unavailable time when a role gives only ``shrinkage:``.
BREAK_MEAN = 1800.0


def break_laws(role: Any) -> tuple | None:
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


class Staffing:
    """The people of one replication: pools by role, every member, each shift's crew."""

    __slots__ = ("pools", "members", "shifts", "preemptive", "concurrent")

    def __init__(self) -> None:
        self.pools: dict[str, Pool] = {}
        self.members: list[StaffMember] = []
        self.shifts: list[tuple[Pool, Any, list[StaffMember]]] = []  # (pool, shift, crew)
        self.preemptive: dict[str, str] = {}  # role -> "resume" or "restart"
        self.concurrent: set[str] = set()  # roles whose people hold several tickets at once


def build_staff(plan: Any, bound: BoundScenario) -> Staffing:
    """The pools and people of ``bound``'s roles, numbered "Agent 1", "Agent 2" ... per role."""
    staffing = Staffing()
    ncls = len(plan.classes)
    crossover = {r for n in plan.nodes if n.kind == "task" and n.task is not None
                 for r in (getattr(n.task, "roles", None) or [])[1:]}
    staffing.preemptive = {r: way for r, role in bound.roles.items()
                           if (way := getattr(role, "preemptive", None))}
    concurrent = staffing.concurrent = {r for r, role in bound.roles.items()
                                        if int(getattr(role, "concurrency", 1) or 1) > 1}
    members = staffing.members
    for ri, (rname, role) in enumerate(bound.roles.items()):
        pool = staffing.pools[rname] = (SkillPool if rname in crossover else Pool)(rname, ri, ncls)
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
            staffing.shifts.append((pool, shift, crew))
    if len(members) >= 65535:
        raise SimulationError(f"{len(members)} staff members: the engine handles 65534")
    return staffing


def staff_builder(kit: Any, staffing: Staffing, bound: BoundScenario) -> SimpleNamespace:
    """Build the staff callbacks of one replication and schedule its shifts and breaks.

    Returns ``release(staff, now, tok=None)`` (a person is done with ``tok``), ``hold``
    (:func:`bpsim.engine.sharing.hand_builder`) and ``books(end)``: the staff rows
    ``(role, person, shift, on shift, busy, tasks, away, engaged)`` of the window
    ``[warmup, end]``.
    """
    env, warmup, starters, streams = kit.env, kit.warmup, kit.starters, kit.streams
    schedule = env.call
    shifts = staffing.shifts

    def release(staff: StaffMember, now: float, tok: Token | None = None) -> None:
        if staff.hand is not None:  # one of several tickets in hand: ``tok`` frees its place
            assert tok is not None  # whoever frees a place says which ticket it held
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

    # -- shifts ---------------------------------------------------------------------------
    def open_shift(crew: list[StaffMember], now: float) -> None:
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

    def shift_cycle(pool: Pool, calendar: Any, crew: list[StaffMember]) -> Callable[[Call], None]:
        """The callback that opens ``crew``'s shift (and then schedules its close)."""
        def on_open(_ev: Call) -> None:
            now = env.now
            open_shift(crew, now)
            t = calendar.next_close(now)
            if math.isfinite(t):
                schedule(Call(on_close, None, None), URGENT, max(t - now, 0.0))

        def on_close(_ev: Call) -> None:
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

        return on_open

    # -- breaks (shrinkage): each person alternates available and away periods ---------------
    def break_due(ev: Call) -> None:
        m: StaffMember = ev.tok
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
        m: StaffMember = ev.tok
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

    hold, let_go, offer, settle = hand_builder(env, warmup, starters, begin_break, len(kit.nodes))
    break_draws: dict[int, tuple[Callable[[], float], Callable[[], float]]] = {}
    calendar_of = {m.index: shift.calendar for _pool, shift, crew in shifts for m in crew}
    for rname, role in bound.roles.items():
        laws = break_laws(role)
        if laws is None:
            continue
        pool = staffing.pools[rname]
        break_draws[pool.index] = (streams.law(f"breaks:{rname}", laws[0]),
                                   streams.law(f"break-length:{rname}", laws[1]))
        for m in pool.staff:
            schedule(Call(break_due, m, None), URGENT, break_draws[pool.index][0]())

    for pool, shift, crew in shifts:
        if shift.calendar is None:
            open_shift(crew, 0.0)
            continue
        on_open = shift_cycle(pool, shift.calendar, crew)
        t0 = shift.calendar.next_open(0.0)
        if math.isfinite(t0):
            schedule(Call(on_open, None, None), URGENT, t0)

    def books(end: float) -> list[tuple]:
        """Close the staff's books at ``end``: time at work, busy and away in the window."""
        for m in staffing.members:
            if m.tok is not None and end > warmup:
                s = m.since
                m.busy += end - (s if s > warmup else warmup)
            elif m.hand:
                settle(m, end)
        for entry in env.calls:  # breaks still running at the end
            call = entry[3]
            if call.callbacks[0] is break_over and end > warmup:
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
                rows.append((pool.name, m.name, shift.name or f"shift {m.shift + 1}", on, m.busy, m.tasks,
                             m.left, m.engaged if m.hand is not None else m.busy))
        return rows

    return SimpleNamespace(release=release, hold=hold, books=books)
