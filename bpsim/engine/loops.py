"""Loop and multi-instance activities: the same work done several times for one ticket.

At the service desk a "Call the customer" task may be retried until someone answers (a
*standard loop*: after each attempt, another one with some probability), and a "Collect
approvals" task may ask three managers at once (*parallel multi-instance*: three work items,
perhaps done by three people at the same time; the task is done when all three are) or one
after another (*sequential multi-instance*). A multi-instance activity drawn with zero
instances is skipped.

:mod:`bpsim.engine.replication` wraps the ``enter`` and ``finish`` callbacks of exactly the
activities whose plan carries a :class:`~bpsim.scenario.spec.LoopSpec` with these builders;
every other element keeps its plain callbacks, so models without loops pay nothing. Every iteration or instance is recorded like a
visit (``enabled``, ``start``, ``complete``).
"""

from __future__ import annotations

from bpsim.engine.tokens import Token

__all__ = ["loop_finish", "sequential_instances", "parallel_instances"]


def _count(draw, maximum: int | None, least: int = 1):
    def count() -> int:
        n = max(least, int(round(draw())))
        return min(n, maximum) if maximum else n
    return count


def loop_finish(node, enter: list, fin, streams):
    """The ``finish`` callback of a standard loop (it runs at least once)."""
    i, spec = node.index, node.loop
    again: dict[Token, int] = {}  # tokens in their 2nd, 3rd ... iteration -> iterations left / done
    if spec.kind == "standard" and spec.repeat is not None:
        uni = streams.uniform(f"loop:{node.id}")
        p, cap = spec.repeat, spec.maximum or 0

        def finish_repeat(tok: Token, now: float) -> None:
            k = again.pop(tok, 1)
            if (not cap or k < cap) and uni() < p:
                again[tok] = k + 1
                enter[i](tok, 0)
            else:
                fin(tok, now)
        return finish_repeat
    count = _count(streams.law(f"loop:{node.id}", spec.iterations), spec.maximum)

    def finish_count(tok: Token, now: float) -> None:
        left = again.pop(tok, None)
        if left is None:
            left = count()
        left -= 1
        if left > 0:
            again[tok] = left
            enter[i](tok, 0)
        else:
            fin(tok, now)
    return finish_count


def sequential_instances(node, enter: list, fin, streams, env):
    """``(make_enter, finish)`` of a sequential multi-instance activity: the number of instances
    is drawn when the token arrives (0: the activity is skipped), then they run one by one."""
    i, spec = node.index, node.loop
    count = _count(streams.law(f"loop:{node.id}", spec.instances), spec.maximum, least=0)
    left: dict[Token, int] = {}  # tokens at the activity -> instances still to finish

    def make_enter(inner_enter):
        def enter_instances(tok: Token, pos: int) -> None:
            if tok not in left:
                n = count()
                if n == 0:
                    tok.node = i
                    fin(tok, env.now)
                    return
                left[tok] = n
            inner_enter(tok, pos)
        return enter_instances

    def finish_instance(tok: Token, now: float) -> None:
        k = left.pop(tok, 1) - 1
        if k > 0:
            left[tok] = k
            enter[i](tok, 0)
        else:
            fin(tok, now)
    return make_enter, finish_instance


class Instances:
    """The instances of one parallel multi-instance visit: how many are still at work, their
    tokens, and which boundary firings the activity has already seen."""

    __slots__ = ("left", "tokens", "fired")

    def __init__(self, tokens: list[Token]) -> None:
        self.left = len(tokens)
        self.tokens = tokens
        self.fired: set = set()


def parallel_instances(node, fin, streams, clone, consume, groups: dict, env):
    """``(make_enter, finish)`` of a parallel multi-instance activity: ``make_enter(inner)``
    wraps the activity's plain ``enter`` callback.

    On entry, n instances (n drawn from the instances law) each get a token of the ticket's
    scope and enter the activity; each is a separate work item (its own queue place, its own
    person). The activity completes, and the ticket moves on, when the last instance does.
    ``groups`` maps every instance token to its :class:`Instances` (shared by all parallel
    multi-instance activities: boundary events look it up to fire once for the activity).
    """
    spec = node.loop
    count = _count(streams.law(f"loop:{node.id}", spec.instances), spec.maximum, least=0)

    def make_enter(inner_enter):
        def enter_instances(tok: Token, pos: int) -> None:
            n = count()
            if n == 0:  # no instance: the activity is skipped
                tok.node = node.index
                fin(tok, env.now)
                return
            toks = [tok] + [clone(tok) for _ in range(n - 1)]
            g = Instances(toks)
            for tk in toks:
                groups[tk] = g
            for tk in toks:
                inner_enter(tk, pos)
        return enter_instances

    def finish_instance(tok: Token, now: float) -> None:
        g = groups.pop(tok, None)
        if g is not None:
            g.left -= 1
            if g.left > 0:  # others still at work: this instance's token is done
                consume(tok, now)
                return
        fin(tok, now)
    return make_enter, finish_instance
