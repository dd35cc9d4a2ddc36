"""Control flow: moves along flows, gateways, events, end events and sub-processes.

At the service desk a ticket's token meets decisions ("Contact known?": yes or no), parallel
work (the closure notice and the survey go out together, the ticket closes when both are
sent), races (the customer replies, or five days pass), ends (closed, closed without reply)
and nested work (a sub-process with its own start and end). This module builds the callback
of each such element and the move from an element to the next; tasks are built by
:mod:`bpsim.engine.tasks`, and :mod:`bpsim.engine.replication` wires the tables and runs the
clock. All share one :class:`Kit`: the run's clock, record columns and per-element callback
tables.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from types import SimpleNamespace
from typing import Any

from bpsim.engine.tokens import INSIDE, JOINED, MOVING, WAITING, Call, Scope, Token
from bpsim.errors import SimulationError

__all__ = ["Kit", "flow_builders"]

ARRIVE, ENABLED, START, COMPLETE, INTERRUPTED, WITHDRAWN, PASS, END = range(8)
NORMAL = 1


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


class Kit(SimpleNamespace):
    """What the element callbacks of one replication share (clock, records, tables, helpers).

    :func:`bpsim.engine.replication.run_replication` creates it with the clock (``env``), the
    record appenders (``ak`` keys, ``at`` times), the per-element tables (``enter``,
    ``leave``, ``finish``, ``starters``) and the staff; each builder then adds what it makes
    (``release``, ``clone``, ``arm_timers``, ``class_draws``, ``or_check`` ...) for the next.
    """


def flow_builders(kit: Kit) -> SimpleNamespace:
    """The builders of moves along flows (``make_leave``), of gateway, event, end and
    sub-process callbacks, and the OR-join check."""
    env, ak, at, nodes = kit.env, kit.ak, kit.at, kit.nodes
    enter, leave, finish, streams, ncls = kit.enter, kit.leave, kit.finish, kit.streams, kit.ncls
    clone, consume, kill_scope, arm_timers = kit.clone, kit.consume, kit.kill_scope, kit.arm_timers
    node_timers, class_draws = kit.node_timers, kit.class_draws
    or_split: dict[int, Callable[[Token, float], None]] = kit.or_split
    schedule, scope_done = env.call, kit.scope_done
    or_joins = any(n.kind == "or" and n.n_in > 1 for n in nodes)
    hops: dict[int, tuple[Callable[[Token, float], None], int, int]] = {}

    def onward(i: int, fn: Callable[[Token, float], None]) -> tuple[int, int] | None:
        """``(target, position)`` when ``fn``, what element ``i`` calls to move a token on, is
        just "enter the one next element": a hot callback then enters it itself (one Python
        call less per move)."""
        hop = hops.get(i)
        return (hop[1], hop[2]) if hop is not None and hop[0] is fn else None

    def or_check(sc: Scope) -> None:
        orwait = sc.orwait
        if orwait is None:
            return
        for j, waiting in list(orwait.items()):
            ow = sc.orwait
            if not ow or ow.get(j) is not waiting:
                continue
            up = nodes[j].or_up
            filled = [k for k, w in enumerate(waiting) if w]
            if not filled:
                del ow[j]
                continue
            empty = [k for k, w in enumerate(waiting) if not w]
            blocked = False
            for t in sc.tokens:
                if t.state == JOINED and t.node == j:
                    continue
                n = t.node
                if any(n in up[k] for k in empty) and not any(n in up[k] for k in filled):
                    blocked = True
                    break
            if blocked:
                continue
            taken = [waiting[k].pop(0) for k in filled]
            if not any(waiting):
                del ow[j]
            keep = taken[0]
            for t in taken[1:]:
                t.dead = True
                sc.tokens.discard(t)
            keep.state = MOVING
            or_split[j](keep, env.now)

    def make_leave(node: Any) -> Callable[[Token, float], None]:
        """``leave(tok, now)``: ``tok`` leaves ``node`` by its outgoing flows (all of them: a
        flow without condition is a parallel split), or is consumed when there is none."""
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
                hops[node.index] = (leave_for, t1, p1)
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


    def make_pass(node: Any, lifecycle: int = PASS) -> Callable[[Token, int], None]:
        i = node.index
        code = _code(i, lifecycle)
        lv = leave[i]

        def enter_pass(tok: Token, pos: int) -> None:
            tok.node = i
            ak(tok.key | code)
            at(env.now)
            lv(tok, env.now)
        return enter_pass

    def make_link(node: Any) -> Callable[[Token, int], None]:
        i, target = node.index, node.link_target
        code = _code(i, PASS)

        def enter_link(tok: Token, pos: int) -> None:
            tok.node = i
            ak(tok.key | code)
            at(env.now)
            enter[target](tok, 0)
        return enter_link

    def make_end(node: Any) -> Callable[[Token, int], None]:
        i = node.index
        code = _code(i, END)
        terminate = node.terminate

        def enter_end(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            ak(tok.key | code)
            at(now)
            if terminate:
                sc = tok.scope
                tok.dead = True
                sc.tokens.discard(tok)
                kill_scope(sc, now)
                scope_done(sc, now)
            else:
                consume(tok, now)
        return enter_end

    def make_split(node: Any) -> Callable[[Token, float], None]:
        """``split(tok, now)``: choose the outgoing flows of a parallel or inclusive gateway
        once its join (if any) lets ``tok`` through."""
        i = node.index
        out = [(t, p) for (_f, t, p) in node.out]
        code = _code(i, PASS)
        if len(out) <= 1 or node.kind == "and":
            lv = leave[i]

            def split_all(tok: Token, now: float) -> None:
                ak(tok.key | code)
                at(now)
                lv(tok, now)
            return split_all
        uni = streams.uniform(f"gateway:{node.id}")
        probs = node.probs
        fallback = node.default_out if node.default_out is not None else max(range(len(out)), key=probs.__getitem__)

        def split_some(tok: Token, now: float) -> None:
            tok.node = i
            ak(tok.key | code)
            at(now)
            sc = tok.scope
            chosen = [k for k, pr in enumerate(probs) if uni() < pr] or [fallback]
            toks = [tok] + [clone(tok) for _ in chosen[1:]]
            for tk, k in zip(toks, chosen):
                t, p = out[k]
                enter[t](tk, p)
            if sc.orwait:
                or_check(sc)
        return split_some

    def make_entry_split(node: Any) -> Callable[[Token, int], None]:
        """The ``enter`` callback of a gateway that joins nothing (an exclusive gateway, or a
        gateway with one incoming flow): its split runs on entry. These are most of a
        drawing's gateways (every merge of branches is one), hence one call, not two."""
        i = node.index
        out = [(t, p) for (_f, t, p) in node.out]
        code = _code(i, PASS)
        if len(out) <= 1 or node.kind == "and":
            lv = leave[i]
            hop = onward(i, lv)
            if hop is not None:  # a merge of branches: enter the next element directly
                t1, p1 = hop

                def merge(tok: Token, pos: int) -> None:
                    tok.node = i
                    ak(tok.key | code)
                    at(env.now)
                    enter[t1](tok, p1)
                return merge

            def pass_through(tok: Token, pos: int) -> None:
                now = env.now
                tok.node = i
                ak(tok.key | code)
                at(now)
                lv(tok, now)
            return pass_through
        if node.kind != "xor":
            split = make_split(node)

            def enter_gateway(tok: Token, pos: int) -> None:
                tok.node = i
                split(tok, env.now)
            return enter_gateway
        uni = streams.uniform(f"gateway:{node.id}")
        cum = list(accumulate(node.probs))
        total = cum[-1]
        last = len(out) - 1

        def choose_one(tok: Token, pos: int) -> None:
            tok.node = i
            ak(tok.key | code)
            at(env.now)
            sc = tok.scope
            k = bisect_right(cum, uni() * total)
            t, p = out[k if k <= last else last]
            enter[t](tok, p)
            if sc.orwait:
                or_check(sc)
        return choose_one

    def make_gateway(node: Any) -> Callable[[Token, int], None]:
        if node.n_in <= 1 or node.kind == "xor":
            return make_entry_split(node)
        i = node.index
        split = make_split(node)
        n_in = node.n_in
        if node.kind == "and":
            def enter_join(tok: Token, pos: int) -> None:
                sc = tok.scope
                tok.node = i
                tok.state = JOINED
                joins = sc.joins
                if joins is None:
                    joins = sc.joins = {}
                waiting = joins.get(i)
                if waiting is None:
                    waiting = joins[i] = [[] for _ in range(n_in)]
                waiting[pos].append(tok)
                if all(waiting):
                    taken = [w.pop(0) for w in waiting]
                    keep = taken[0]
                    for t in taken[1:]:
                        t.dead = True
                        sc.tokens.discard(t)
                    keep.state = MOVING
                    split(keep, env.now)
            return enter_join
        or_split[i] = split

        def enter_or_join(tok: Token, pos: int) -> None:
            sc = tok.scope
            tok.node = i
            tok.state = JOINED
            orwait = sc.orwait
            if orwait is None:
                orwait = sc.orwait = {}
            waiting = orwait.get(i)
            if waiting is None:
                waiting = orwait[i] = [[] for _ in range(n_in)]
            waiting[pos].append(tok)
            or_check(sc)
        return enter_or_join

    def make_event_gateway(node: Any) -> Callable[[Token, int], None]:
        i = node.index
        code = _code(i, PASS)
        cands: list[tuple[Any, ...]] = []  # (target, draws or "message", at, codes ...)
        for (_f, t, _p) in node.out:
            target = nodes[t]
            if target.kind == "receive":  # waits for the ticket's message from another pool
                cands.append((t, "message", None, _code(t, ENABLED), _code(t, START), _code(t, COMPLETE),
                              _code(t, WITHDRAWN)))
                continue
            if target.kind != "delay":
                raise SimulationError(
                    "event-based gateway leads to an element that is not a catch event with a delay",
                    element_id=target.id, element_name=target.name,
                    hint="give the catch event a duration under events:")
            if target.task is not None:
                draw = class_draws(target, target.task)
            elif target.delay is not None:
                draw = [streams.law(f"event:{target.id}", target.delay)] * ncls
            else:
                draw = None
            cands.append((t, draw, target.at, _code(t, ENABLED), _code(t, START), _code(t, COMPLETE),
                          _code(t, WITHDRAWN)))

        def enter_evgw(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            tok.state = WAITING
            ak(tok.key | code)
            at(now)
            best, win = math.inf, 0
            for k, (_t, draw, absolute, c_en, c_st, _c, _w) in enumerate(cands):
                ak(tok.key | c_en)
                at(now)
                ak(tok.key | c_st)
                at(now)
                if draw == "message":
                    if kit.await_message(tok, _t, messaged[k]):
                        d = 0.0
                    else:
                        continue
                else:
                    d = draw[tok.cls]() if draw is not None else max(absolute - now, 0.0)
                if d < best:
                    best, win = d, k
            if best < math.inf:
                schedule(Call(fire, tok, (tok.visit, win)), NORMAL, best)

        def on_message(k: int) -> Callable[[Token, float], None]:
            def won(tok: Token, now: float) -> None:
                fire(Call(fire, tok, (tok.visit, k)))
            return won
        messaged = [on_message(k) for k in range(len(cands))]

        def fire(ev: Call) -> None:
            tok = ev.tok
            visit, win = ev.arg
            if tok.dead or tok.visit != visit:
                return
            now = env.now
            for k, (_t, _d, _a, _e, _s, _c, c_wd) in enumerate(cands):
                if k != win:
                    ak(tok.key | c_wd)
                    at(now)
            t, _d, _a, _e, _s, c_co, _w = cands[win]
            ak(tok.key | c_co)
            at(now)
            tok.visit += 1
            tok.state = MOVING
            tok.node = t
            finish[t](tok, now)
        return enter_evgw

    def make_sub(node: Any) -> Callable[[Token, int], None]:
        i = node.index
        c_en, c_st = _code(i, ENABLED), _code(i, START)
        entries = [(e, _code(e, PASS)) for e in node.entries]
        timed = bool(node_timers[i])
        triggers = node.triggers
        arm = kit.arm_triggers if triggers else None

        def enter_sub(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            tok.state = INSIDE
            ak(tok.key | c_en)
            at(now)
            ak(tok.key | c_st)
            at(now)
            if timed:
                arm_timers(node, tok, now)
            inner = Scope(tok.scope.case, tok.scope, tok)
            tok.aux = inner
            if arm is not None:
                arm(inner, triggers, tok, now)
            starts = []
            for e, code in entries:
                t = Token(tok.key, tok.cls, inner, e)
                inner.tokens.add(t)
                starts.append((t, e, code))
            for t, e, code in starts:
                ak(t.key | code)
                at(now)
                leave[e](t, now)
        return enter_sub


    return SimpleNamespace(or_check=or_check, make_leave=make_leave, onward=onward, make_pass=make_pass, make_link=make_link, make_end=make_end,
                           make_gateway=make_gateway, make_event_gateway=make_event_gateway, make_sub=make_sub)
