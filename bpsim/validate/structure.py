"""Structural checks: broken references, dead parts, paths that cannot end, loops with no exit.

A service desk's ticket enters at a start event ("E-mail received") and must be able to leave
at an end event ("Ticket closed"). Anything no ticket can ever reach is dead drawing
(``unreachable``); a place from which no ticket can ever leave is a trap (``no-path-to-end``);
a loop with no way out (``soundness-livelock``) keeps a ticket forever, e.g. "ask the customer
again" with no branch that stops asking. These checks read the graph only (per scope, see
:mod:`bpsim.validate.topology`); :mod:`bpsim.validate.soundness` plays the tokens.
"""

from __future__ import annotations

import networkx as nx

from bpsim.model import ACTIVITY_TYPES
from bpsim.validate.registry import rule
from bpsim.validate.topology import (
    end_nodes,
    is_event_subprocess,
    is_for_compensation,
    scope_graph,
    scope_kind,
    scopes,
    start_nodes,
)


@rule("dangling-reference", "error", group="structure")
def dangling_reference(process, ctx):
    """References that name no element: flow ends, boundary hosts, default flows, message
    flow ends, lane members (import remarks about the same are reported as they are)."""
    g = process.graph
    reported = {f.element_id for f in process.findings}
    for f in process.flows.values():
        for end, word in ((f.source, "source"), (f.target, "target")):
            if end not in g and f.id not in reported:
                yield ctx.finding(f.id, f"the sequence flow's {word} {end!r} names no flow node.")
    for node in ctx.nodes({"boundaryEvent"}):
        host = ctx.attr(node, "attached_to")
        if host is None:
            yield ctx.finding(node, "the boundary event is attached to no activity "
                              "(attachedToRef is missing).")
        elif host not in g or ctx.type_of(host) not in ACTIVITY_TYPES:
            yield ctx.finding(node, f"the boundary event is attached to {host!r}, which is not "
                              "an activity of this model.")
    for node in ctx.nodes():
        default = ctx.attr(node, "default")
        if default is not None and default not in {f.id for f in ctx.outgoing(node)}:
            if node not in reported:
                yield ctx.finding(node, f"default={default!r} names no flow leaving this element.")
    known = set(g) | set(process.participants)
    for m in process.message_flows.values():
        for end, word in ((m.source, "source"), (m.target, "target")):
            if end not in known and m.id not in reported:
                yield ctx.finding(m.id, f"the message flow's {word} {end!r} names no pool, task "
                                  "or event.")
    for lane in process.lanes.values():
        for n in lane.nodes:
            if n not in g and lane.id not in reported:
                yield ctx.finding(lane.id, f"the lane lists {n!r}, which names no flow node.",
                                  line=lane.line)


def reachable(ctx) -> set[str]:
    """Nodes a token can reach from the starts of their scope (cached). A sub-process's inner
    nodes count only when the sub-process itself is reachable."""
    cached = ctx.cache.get("reachable")
    if cached is not None:
        return cached
    seen: set[str] = set()
    all_scopes = scopes(ctx)
    todo = [s for s in all_scopes if s not in ctx.process.graph]
    while todo:
        scope = todo.pop()
        g = scope_graph(ctx, scope)
        seeds = list(start_nodes(ctx, scope))
        members = all_scopes.get(scope, [])
        seeds += [n for n in members if is_for_compensation(ctx, n)]
        if scope_kind(ctx, scope) == "adHocSubProcess":
            seeds += [n for n in members if not ctx.incoming(n)]
        if not seeds:
            seeds = members  # no start at all: start-event-required says so; trust the rest
        found = set(seeds)
        for s in seeds:
            found |= nx.descendants(g, s)
        seen |= found
        todo += [n for n in found if n in all_scopes]
    ctx.cache["reachable"] = seen
    return seen


@rule("unreachable", "warning", group="structure")
def unreachable(process, ctx):
    """Elements no token can reach from any start event of their process or sub-process."""
    seen = reachable(ctx)
    for node in ctx.nodes():
        if node in seen or not ctx.incoming(node):
            continue  # an element with no incoming flow is no-implicit-start's business
        parent = ctx.attr(node, "parent")
        if parent is not None and parent not in seen:
            continue  # its sub-process is unreachable: reported there
        yield ctx.finding(node, "no token can reach this element from a start event.")


def livelocks(ctx) -> list[list[str]]:
    """Loops with no exit: strongly connected node sets (with a cycle) of one scope from
    which no end can be reached (cached)."""
    cached = ctx.cache.get("livelocks")
    if cached is not None:
        return cached
    cached = []
    for scope in scopes(ctx):
        g = scope_graph(ctx, scope)
        alive = can_end(ctx, scope)
        if _terminated(ctx, scope):
            continue
        for comp in nx.strongly_connected_components(g):
            if len(comp) == 1:
                (only,) = comp
                if not g.has_edge(only, only):
                    continue
            if comp & alive:
                continue
            cached.append(sorted(comp, key=lambda n: (ctx.attr(n, "line", 0), n)))
    ctx.cache["livelocks"] = cached
    return cached


def _terminated(ctx, scope) -> bool:
    """The scope has a reachable terminate end event: a parallel branch that reaches it ends
    the whole scope, so a loop that waits (e.g. answering "where is my pizza?") is cancelled
    then, not stuck. (Approximation: the terminate is assumed to run in parallel.)"""
    alive = can_end(ctx, scope)
    return any(ctx.type_of(n) == "endEvent" and "terminate" in (ctx.attr(n, "events") or [])
               and n in alive and n in reachable(ctx) for n in scopes(ctx).get(scope, []))


def can_end(ctx, scope) -> set[str]:
    """Nodes of ``scope`` from which an end can be reached (cached)."""
    key = f"can_end:{scope}"
    if key not in ctx.cache:
        g = scope_graph(ctx, scope)
        ends = end_nodes(ctx, scope)
        alive = set(ends)
        for e in ends:
            alive |= nx.ancestors(g, e)
        ctx.cache[key] = alive
    return ctx.cache[key]


@rule("no-path-to-end", "error", group="structure")
def no_path_to_end(process, ctx):
    """Elements from which no end can be reached (reported where the path is lost)."""
    seen = reachable(ctx)
    looped = {n for comp in livelocks(ctx) for n in comp}
    for scope, members in scopes(ctx).items():
        if scope_kind(ctx, scope) == "adHocSubProcess" or is_event_subprocess(ctx, scope):
            continue
        if _terminated(ctx, scope):
            continue
        g = scope_graph(ctx, scope)
        alive = can_end(ctx, scope)
        for node in members:
            if node in alive or node in looped or node not in seen:
                continue
            preds = list(g.predecessors(node))
            if preds and not any(p in alive for p in preds):
                continue  # report where the way out is lost, not every step after it
            yield ctx.finding(node, "no end event can be reached from this element: a ticket "
                              "that gets here never finishes.")


@rule("soundness-livelock", "error", group="soundness")
def soundness_livelock(process, ctx):
    """A loop with no exit: once a token enters it, no end can ever be reached."""
    for comp in livelocks(ctx):
        if not any(n in reachable(ctx) for n in comp):
            continue
        names = ", ".join(comp)
        yield ctx.finding(comp[0], f"loop with no exit: {names}. A ticket that enters it "
                          "circles forever; add a branch that leaves the loop.")
