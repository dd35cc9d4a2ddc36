"""Tickets as tokens, scopes and staff members: the engine's moving parts.

A ticket (a *case*) is a set of **tokens**: markers that walk the drawing. One token leaves
the start event; a parallel gateway splits it in two; a join merges them again. Tokens live
in a **scope**: the ticket itself, or one run of a sub-process inside it. A scope is done
when it holds no token; the ticket is done when its outermost scope is.

**Staff members** ("Agent 1", "Agent 2", ...) belong to a role's **pool**: the pool keeps one
first-come-first-served queue per priority class (P1 before P2 before P3) and the members who
are on shift and idle. These classes use ``__slots__``: the engine makes millions of them.
"""

from __future__ import annotations

from collections import deque
from typing import Any

__all__ = ["Call", "Token", "Scope", "StaffMember", "Pool", "SkillPool", "MOVING", "QUEUED", "SERVICE",
           "DELAY", "WAITING", "INSIDE", "JOINED", "LINKED"]

# Token states: what a token is doing at its node. LINKED: holds a linked instance of another
# pool's process (started by a message) inside the ticket.
MOVING, QUEUED, SERVICE, DELAY, WAITING, INSIDE, JOINED, LINKED = range(8)


class Call:
    """A scheduled callback: the cheapest object simpy's event loop accepts as an event.

    ``callbacks`` holds the one function to call with this object; ``tok`` and ``arg`` are
    what it needs (the token, and the visit number that proves the token is still there).
    """

    __slots__ = ("callbacks", "tok", "arg")
    _ok = True

    def __init__(self, fn, tok, arg) -> None:
        self.callbacks = [fn]
        self.tok = tok
        self.arg = arg


class Scope:
    """A ticket (``parent is None``) or one run of a sub-process within it."""

    __slots__ = ("case", "tokens", "parent", "ptok", "joins", "orwait")

    def __init__(self, case: int, parent: Scope | None = None, ptok: Token | None = None) -> None:
        self.case = case
        self.tokens: set[Token] = set()
        self.parent = parent
        self.ptok = ptok
        # tokens waiting at parallel joins / OR-joins, by join; created on first use
        self.joins: dict[int, list[list[Token]]] | None = None
        self.orwait: dict[int, list[list[Token]]] | None = None


class Token:
    """A marker walking the flow for one ticket."""

    __slots__ = ("key", "cls", "scope", "node", "visit", "state", "staff", "dead", "aux", "work", "tries")

    def __init__(self, key: int, cls: int, scope: Scope, node: int) -> None:
        self.key = key  # case << plan.case_shift (32 up to 4,095 elements), or-ed into records
        self.cls = cls
        self.scope = scope
        self.node = node
        self.visit = 0
        self.state = MOVING
        self.staff: StaffMember | None = None
        self.dead = False
        # by state: its pending completion (a Call), the Scope it waits on, or a linked token
        self.aux: Any = None
        self.work = 0.0  # in service: when the work ends; suspended: the work left (preemption)
        self.tries = 0  # returns after abandoning or being blocked at the current task (retrial)


class StaffMember:
    """One person of a role: "Agent 2", working when their shift's calendar is open."""

    __slots__ = ("index", "name", "pool", "shift", "bits", "on_shift", "tok", "since", "busy", "tasks",
                 "shift_open", "away", "due", "left", "slots", "hand", "slowdown", "engaged")

    def __init__(self, index: int, name: str, pool: Pool, shift: int) -> None:
        self.index = index
        self.name = name
        self.pool = pool
        self.shift = shift
        self.bits = index + 1  # resource code in records (0 = nobody)
        self.on_shift = False
        self.tok: Token | None = None
        self.since = 0.0
        self.busy = 0.0
        self.tasks = 0
        # breaks (shrinkage): ``on_shift`` means available: shift open and not away
        self.shift_open = False
        self.away = False  # on a break
        self.due = False  # a break is due: it starts when the task in hand is done
        self.left = 0.0  # seconds away within the measured window
        self.slots = 1  # tickets this person can hold at once (concurrency)
        self.hand: list | None = None  # the tickets in hand when slots > 1 (bpsim.engine.sharing)
        self.slowdown = 0.0  # with k in hand, each ticket's work stretches by 1 + slowdown (k - 1)
        self.engaged = 0.0  # seconds with at least one ticket in hand (slots > 1)


class Pool:
    """The people of one role, their queues (one per priority class) and who is idle."""

    __slots__ = ("name", "index", "staff", "idle", "queues", "order")

    def __init__(self, name: str, index: int, classes: int) -> None:
        self.name = name
        self.index = index
        self.staff: list[StaffMember] = []
        self.idle: deque[StaffMember] = deque()
        self.queues: list[deque[Token]] = [deque() for _ in range(classes)]
        #: the queues in the order a free person looks at them (most urgent class first)
        self.order: list[deque[Token]] = self.queues

    def pull(self) -> Token | None:
        """The most urgent, longest-waiting live token, removed from its queue."""
        for q in self.order:
            while q:
                tok = q.popleft()
                if not tok.dead:
                    return tok
        return None


class SkillPool(Pool):
    """A pool whose people also take crossover work: tickets of tasks that name this role
    after their first role (``role: [Agent, Specialist]``) wait in ``cross`` as well.

    A person takes the most urgent class first; within a class, the tickets of tasks whose
    first role is theirs before crossover tickets; first come, first served within each.
    """

    __slots__ = ("cross",)

    def __init__(self, name: str, index: int, classes: int) -> None:
        super().__init__(name, index, classes)
        self.cross: list[deque[Token]] = [deque() for _ in range(classes)]
        #: the queues in the order a free person looks at them: P1 own, P1 crossover, P2 own ...
        self.order = [q for pair in zip(self.queues, self.cross) for q in pair]


def take_next(m: StaffMember, now: float, starters: list) -> None:
    """A free person on shift takes the most urgent ticket waiting in their pool
    (``starters[node](tok, m, now)`` starts its work), or joins the pool's idle people."""
    pool = m.pool
    for q in pool.order:  # what Pool.pull does, without a call: this runs at every release
        while q:
            tok = q.popleft()
            if not tok.dead:
                starters[tok.node](tok, m, now)
                return
    pool.idle.append(m)
