"""Message flows between pools: one ticket's processes talking to each other.

A pizza customer *orders a pizza*; the message flow from that task reaches the pizzeria's
*Order received* start event. The engine then starts a **linked instance** of the pizzeria's
process for the same ticket (same case number; its records name the pizzeria's elements), and
the ticket ends when both its customer and pizzeria parts are done. Later the customer's *Ask
for the pizza* sends a message to the pizzeria's *"where is my pizza?"* catch event: a token
waiting there (in any part of the same ticket) moves on at once; a message that arrives first
is kept until a token gets there.

A message leaves when a token leaves the sending element (a send task completes, a throw
event passes, an end event is reached). Only elements with outgoing message flows are
wrapped, so models without them pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from bpsim.engine.tokens import DELAY, LINKED, MOVING, Scope, Token

__all__ = ["message_builders"]

ENABLED, START, COMPLETE, PASS = 1, 2, 3, 6


def _code(i: int, lifecycle: int) -> int:
    return (i * 16 + lifecycle) << 16


def message_builders(kit):
    """``(wrap_send, make_receive)``: wrap a sending element's callback; build a receiver's."""
    env, ak, at, leave, finish = kit.env, kit.ak, kit.at, kit.leave, kit.finish
    kshift = kit.kshift  # a token's key is case << kshift (bpsim.engine.plan.case_shift)
    # (case, receiver) -> (token, its visit, what to call when the message comes)
    waiting: dict[tuple[int, int], list[tuple[Token, int, Callable[[Token, float], None]]]] = {}
    inbox: dict[tuple[int, int], int] = {}  # (case, receiver) -> messages not yet taken

    def start_linked(tok: Token, target: int, now: float) -> None:
        root = tok.scope
        while root.parent is not None:
            root = root.parent
        holder = Token(tok.key, tok.cls, root, target)
        holder.state = LINKED
        root.tokens.add(holder)
        linked = Scope(root.case, root, holder)
        holder.aux = linked
        first = Token(tok.key, tok.cls, linked, target)
        linked.tokens.add(first)
        ak(tok.key | _code(target, PASS))
        at(now)
        triggers = kit.nodes[target].triggers
        if triggers:  # the linked process's own event sub-processes
            kit.arm_triggers(linked, triggers, first, now)
        leave[target](first, now)

    def deliver(tok: Token, target: int, now: float) -> None:
        key = (tok.key >> kshift, target)
        queue = waiting.get(key)
        while queue:
            w, visit, on_message = queue.pop(0)
            if not w.dead and w.visit == visit:
                if not queue:
                    del waiting[key]
                on_message(w, now)
                return
        waiting.pop(key, None)
        inbox[key] = inbox.get(key, 0) + 1

    def send(tok: Token, sends, now: float) -> None:
        for target, mode in sends:
            if mode == "start":
                start_linked(tok, target, now)
            else:
                deliver(tok, target, now)

    def wrap_send(fn, sends, *, first: bool):
        """``fn(tok, x)`` sending the messages before (``first``: end events) or after."""
        if first:
            def send_then(tok: Token, pos) -> None:
                send(tok, sends, env.now)
                fn(tok, pos)
            return send_then

        def send_and_go(tok: Token, now: float) -> None:
            send(tok, sends, now)
            fn(tok, now)
        return send_and_go

    def await_message(tok: Token, target: int,
                      on_message: Callable[[Token, float], None]) -> bool:
        """Take a message kept for ``tok``'s ticket at ``target`` (True), or wait for one:
        ``on_message(tok, now)`` is called when it comes, if ``tok`` is still there."""
        key = (tok.key >> kshift, target)
        got = inbox.get(key)
        if got:
            if got == 1:
                del inbox[key]
            else:
                inbox[key] = got - 1
            return True
        waiting.setdefault(key, []).append((tok, tok.visit, on_message))
        return False

    kit.await_message = await_message

    def make_receive(node):
        i = node.index
        c_en, c_st, c_co = _code(i, ENABLED), _code(i, START), _code(i, COMPLETE)

        def enter_receive(tok: Token, pos: int) -> None:
            now = env.now
            tok.node = i
            tok.visit += 1
            ak(tok.key | c_en)
            at(now)
            ak(tok.key | c_st)
            at(now)
            tok.state = DELAY
            if await_message(tok, i, received):
                received(tok, now)

        def received(tok: Token, now: float) -> None:
            tok.state = MOVING
            tok.visit += 1
            ak(tok.key | c_co)
            at(now)
            finish[i](tok, now)
        return enter_receive

    return wrap_send, make_receive
