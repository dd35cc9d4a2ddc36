"""Event sub-processes: work that a running ticket starts when something happens.

At the service desk, "Ticket handling" may hold an event sub-process "Escalate" whose timer
start event says *after 4 hours*: if the ticket is still open four hours after it arrived,
the escalation starts. If the start event is *interrupting*, everything else the ticket was
doing is withdrawn (queued or in service, delays, inner sub-processes) and the ticket goes on
only inside "Escalate"; a *non-interrupting* one runs alongside, and the ticket ends when
both are done. Message, signal, error, escalation and conditional start events fire when the
scenario says so: ``events: {Customer cancels: {probability: 0.1, duration: exponential(mean=2h)}}``
(in 10 % of the scopes, an exponential delay after the scope began).

A scope arms its triggers when it begins (the ticket's arrival, or the start of the
sub-process / call activity holding the event sub-process). A trigger fires only while its
scope still holds a token; once an interrupting one has fired, the scope's other triggers are
disarmed. Only scopes that have event sub-processes pay for any of this.
"""

from __future__ import annotations

from bpsim.engine.tokens import INSIDE, Call, Scope, Token

__all__ = ["trigger_builder"]

ENABLED, START, PASS = 1, 2, 6
NORMAL = 1


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def trigger_builder(kit, triggers):
    """``arm(scope, triggers, token, now)``: schedule the triggers of a scope that begins now.

    ``triggers`` is every :class:`~bpsim.engine.plan.TriggerPlan` of the plan (their streams
    are made once here).
    """
    env, ak, at, leave, streams = kit.env, kit.ak, kit.at, kit.leave, kit.streams
    schedule, kill_scope = env.call, kit.kill_scope
    draws = {}
    for t in triggers:
        law = streams.law(f"event:{t.id}", t.duration) if t.duration is not None else None
        uni = streams.uniform(f"trigger:{t.id}") if t.probability < 1.0 else None
        draws[id(t)] = (law, uni)

    def arm(sc: Scope, trigs, tok: Token, now: float) -> None:
        armed = [True]  # cleared when an interrupting trigger of this scope fires
        for t in trigs:
            law, uni = draws[id(t)]
            if uni is not None and uni() >= t.probability:
                continue
            d = law() if law is not None else max(t.at - now, 0.0)
            schedule(Call(fire, sc, (t, tok.key, tok.cls, armed)), NORMAL, d)

    def fire(ev: Call) -> None:
        sc = ev.tok
        t, key, cls, armed = ev.arg
        if not sc.tokens or not armed[0]:
            return  # the scope has ended (or was interrupted)
        now = env.now
        if t.interrupting:
            armed[0] = False
            kill_scope(sc, now)
        es = t.evsub
        tok = Token(key, cls, sc, es)
        sc.tokens.add(tok)
        tok.visit += 1
        tok.state = INSIDE
        ak(key | _code(es, ENABLED))
        at(now)
        ak(key | _code(es, START))
        at(now)
        inner = Scope(sc.case, sc, tok)
        tok.aux = inner
        first = Token(key, cls, inner, t.start)
        inner.tokens.add(first)
        ak(key | _code(t.start, PASS))
        at(now)
        leave[t.start](first, now)

    return arm
