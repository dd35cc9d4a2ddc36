"""Loops that take no time and that a ticket can never leave.

"Check the contract" -> "Contract ok?" -> back to "Check the contract", where the check is
automatic (``fixed(0)``) and the gateway has no way out: a ticket would go round forever at
the same simulated instant, simulated time would stand still, and the event records would
grow until memory runs out. :func:`zero_time_cycles` finds such loops in a compiled
:class:`~bpsim.engine.plan.Plan` before any ticket moves; :func:`bpsim.engine.run` refuses
them and ``bpsim validate --scenario`` reports them (rule ``sim-zero-time-cycle``).

A loop that takes no time but has a way out (a branch with a probability above 0) is fine:
a ticket leaves it after a few instant rounds.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["zero_time_cycles"]

#: Plan kinds a token passes through in no time.
_INSTANT = {"pass", "link", "xor", "or", "and"}


def _zero(law) -> bool:
    """``True`` for a law that always gives 0 (``fixed(0)``), as far as its mean tells."""
    if law is None:
        return False
    mean = getattr(law, "mean", None)
    try:
        return mean is not None and float(mean) == 0.0 and float(getattr(law, "sd", 0) or 0) == 0
    except (TypeError, ValueError):
        return False


def _instant(node) -> bool:
    if node.kind in _INSTANT:
        return True
    if node.kind == "task" and node.task is not None and node.loop is None:
        laws = [node.task.duration, *getattr(node.task, "by_class", {}).values()]
        return all(_zero(law) for law in laws) and not node.boundaries
    if node.kind == "delay" and node.at is None and node.loop is None:
        return _zero(node.delay) and not node.boundaries
    return False


def _edges(node) -> list[int]:
    if node.kind == "link":
        return [node.link_target] if node.link_target is not None else []
    probs = node.probs if node.kind in ("xor", "or") and node.probs else None
    return [t for k, (_f, t, _p) in enumerate(node.out) if probs is None or probs[k] > 0]


def zero_time_cycles(plan, reachable: set[int] | None = None) -> list[list[int]]:
    """Loops of instant elements that a token cannot leave, as lists of node indexes.

    A loop can be left when one of its elements sends the token (all of it: a parallel
    split's copy that stays in the loop keeps looping) out of the loop with a probability
    above 0. ``reachable`` limits the search to elements tickets can reach.
    """
    g = nx.DiGraph()
    for node in plan.nodes:
        if (reachable is None or node.index in reachable) and _instant(node):
            g.add_node(node.index)
    for i in list(g.nodes):
        for t in _edges(plan.nodes[i]):
            if t in g:
                g.add_edge(i, t)
    found = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (i,) = comp
            if not g.has_edge(i, i):
                continue
        escape = False
        for i in comp:
            node = plan.nodes[i]
            targets = _edges(node)
            outside = [t for t in targets if t not in comp]
            if node.kind == "and" and len(outside) < len(targets):
                continue  # the copy that stays keeps looping
            if outside:
                escape = True
                break
        if not escape:
            found.append(sorted(comp))
    return found
