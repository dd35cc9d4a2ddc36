"""Boundary events: what can happen to a ticket while it is at a task or in a sub-process.

"Resolution overdue" is a timer on the border of "Resolve as specialist": after 8 hours in
the task (queued or in service) a delay notice goes out; the ticket goes on being resolved
(a *non-interrupting* timer). An *interrupting* one takes the ticket off the task instead. A
boundary event with a ``probability`` (an error end, an escalation) is drawn when the task
completes: with that probability the ticket (interrupting) or a copy of it leaves by the
boundary's flow.

This module builds, for one replication, ``arm_timers(node, tok, now)`` (called when a token
enters an activity with timers: each timer's firing is scheduled, and ignored if the token
has left by then), and ``make_finish(node)``: the callback run when an activity completes,
which draws the probability boundaries before the ticket leaves by its normal flow.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from bpsim.engine.clock import NORMAL
from bpsim.engine.tokens import QUEUED, Call, Token

__all__ = ["boundary_builder"]

INTERRUPTED, PASS = 4, 6


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def boundary_builder(kit: Any) -> SimpleNamespace:
    """``arm_timers``, the ``node_timers`` table, ``mi_groups`` and ``make_finish``.

    ``mi_groups`` maps each instance token of a parallel multi-instance activity to its
    :class:`~bpsim.engine.loops.Instances`, so that a timer fires once for the activity.
    """
    env, ak, at, nodes, streams = kit.env, kit.ak, kit.at, kit.nodes, kit.streams
    clone, abort, leave = kit.clone, kit.abort, kit.leave
    schedule = env.call
    mi_groups: dict[Token, Any] = {}

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

    def arm_timers(node: Any, tok: Token, now: float) -> None:
        for b, draw in node_timers[node.index]:
            d = draw() if draw is not None else max(b.at - now, 0.0)
            schedule(Call(fire_boundary, tok, (tok.visit, b, draw, 1)), NORMAL, d)

    def fire_boundary(ev: Call) -> None:
        tok: Token = ev.tok
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

    def make_finish(node: Any) -> Callable[[Token, float], None]:
        """What an activity does when it completes: its leave, after any probability boundary."""
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

    return SimpleNamespace(arm_timers=arm_timers, node_timers=node_timers, mi_groups=mi_groups,
                           make_finish=make_finish)
