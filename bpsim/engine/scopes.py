"""Scopes ending: a token is done, a sub-process is done, a ticket is done or leaves.

A ticket is a set of tokens in nested scopes (:mod:`bpsim.engine.tokens`). This module
builds, for one replication, what happens when tokens end:

* ``consume(tok, now)``: a token reached the end of its path; when its scope holds no other
  token the scope is done: a sub-process completes (its parent token moves on), a ticket
  closes (its end time is written);
* ``abort(tok, now, lifecycle)``: a token is taken off its node (an interrupting boundary
  event, a terminate end event): queued or in service (its person is released), delayed,
  waiting at an event gateway, or inside a sub-process (which is killed with it);
* ``kill_scope(scope, now)`` and ``leave_ticket(tok, now, outcome)``: every token of a scope
  (of the whole ticket: abandoned, blocked) is withdrawn at once;
* ``clone(tok)``: one more token of the same scope (parallel split).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bpsim.engine.tokens import (
    DELAY,
    INSIDE,
    LINKED,
    MOVING,
    QUEUED,
    SERVICE,
    WAITING,
    Scope,
    Token,
)

__all__ = ["scope_builder"]

COMPLETE, WITHDRAWN = 3, 5


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def scope_builder(kit: Any) -> SimpleNamespace:
    """``clone``, ``consume``, ``scope_done``, ``abort``, ``kill_scope``, ``leave_ticket``.

    Reads from ``kit``: the record appenders ``ak``/``at``, the ``finish`` table, ``release``,
    ``qlen``, the case columns ``c_end``/``c_out``, ``state`` and ``stop_soon`` (the run ends
    when arrivals are closed and the last ticket is done), and ``or_check`` when it is set.
    """
    ak, at, nodes, finish, release, qlen = kit.ak, kit.at, kit.nodes, kit.finish, kit.release, kit.qlen
    c_end, c_out, state, stop_soon = kit.c_end, kit.c_out, kit.state, kit.stop_soon

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
            kit.or_check(sc)

    def scope_done(sc: Scope, now: float) -> None:
        if sc.parent is None:
            c_end[sc.case] = now
            state["active"] -= 1
            if not state["open"] and state["active"] == 0:
                stop_soon()
            return
        ptok = sc.ptok
        assert ptok is not None  # a sub-process scope always has the token that entered it
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
            assert staff is not None  # a token in service has its person
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

    return SimpleNamespace(clone=clone, consume=consume, scope_done=scope_done, abort=abort,
                           kill_scope=kill_scope, leave_ticket=leave_ticket)
