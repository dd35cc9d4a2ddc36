"""Behaviour: play the tokens of every process and look for tickets that get stuck or split.

A ticket in the service desk is a *token*. It sits on a sequence flow; when the element at the
end of the flow fires, the token moves on. A parallel gateway copies it onto every branch and
waits for all branches before going on; an exclusive gateway sends it down one branch. A
drawing can be wrong in ways no single element shows: a parallel join fed by the two answers
of one yes/no question waits forever for the answer that was not given (a *deadlock*); a
parallel split closed by an exclusive merge lets both copies through, so the rest of the
process runs twice for one ticket (*lack of synchronisation*).

This module explores every *marking* (how many tokens sit on each flow) that a process can
reach from each of its start events, a bounded breadth-first search over the process's own
semantics. Each scope (process or sub-process) is searched alone: a sub-process is one step
in its parent (entered, then left) and a small process of its own inside. Firing rules:

==========================  ==============================================================
exclusive gateway           one token in (from any flow), one out: each branch is a choice
event-based gateway         the same: whichever event comes first is a choice
parallel gateway            one token from *every* incoming flow; a token on every outgoing
inclusive / complex gateway join: fires once at least one incoming flow holds a token and no
                            token elsewhere can still reach an empty incoming flow without
                            passing through this gateway (the usual approximation of the
                            OR-join's non-local rule); split: any non-empty set of branches
                            (or the default flow alone)
task, event, sub-process    one token in (from any flow); a token on every unconditional
                            outgoing flow and on any subset of the conditional ones (none:
                            the default flow); an attached boundary event is an optional
                            branch: interrupting ones replace the normal way out,
                            non-interrupting ones add to it
end event                   consumes the token; a terminate end event removes every token
link throw event            passes the token to the link catch event of the same name
==========================  ==============================================================

A marking with tokens left but nothing able to fire is *dead*: a **deadlock** when no end
event was reached on the way there (the ticket never finishes), **improper completion** when
an end event was reached but tokens stay behind forever. A flow that would carry two tokens of
one ticket is **lack of synchronisation** (that marking is not explored further, which keeps
the search finite). The search stops after ``max_markings`` distinct markings per scope
(20,000 by default; ``max-markings`` in the configuration); a ``soundness-bound`` finding says
so, and what was found up to then is still reported.
"""

from __future__ import annotations

from collections import deque

import networkx as nx

from bpsim.model import GATEWAY_TYPES
from bpsim.validate.markings import MAX_MARKINGS, OR, XOR, ScopeNet, explore
from bpsim.validate.registry import rule
from bpsim.validate.topology import scope_graph, scope_kind, scopes

__all__ = ["MAX_MARKINGS", "explore", "ScopeNet"]

_OR = OR
_SPLIT_CHOICE = XOR | OR


def _searched_scopes(ctx):
    for scope, members in scopes(ctx).items():
        if not members or scope_kind(ctx, scope) == "adHocSubProcess":
            continue
        yield scope


def _bound(ctx) -> int:
    return ctx.options.get("max-markings") or MAX_MARKINGS


def _closest(g: nx.DiGraph, candidates, target) -> str | None:
    """The candidate nearest to ``target`` upstream (fewest steps), ties by id."""
    best = None
    for c in candidates:
        try:
            d = nx.shortest_path_length(g, c, target)
        except nx.NetworkXNoPath:
            continue
        if best is None or (d, c) < best:
            best = (d, c)
    return best[1] if best else None


def _choice_split(ctx, g, join, marked_sources, empty_sources):
    """The decision upstream of ``join`` that sends a token to one side and not the other."""
    anc_marked = set().union(*(nx.ancestors(g, s) | {s} for s in marked_sources))
    anc_empty = set().union(*(nx.ancestors(g, s) | {s} for s in empty_sources)) if \
        empty_sources else set()
    both = (anc_marked & anc_empty) if empty_sources else anc_marked
    candidates = [n for n in both if n != join and g.out_degree(n) > 1
                  and (ctx.type_of(n) in _SPLIT_CHOICE or ctx.type_of(n) not in GATEWAY_TYPES)]
    return _closest(g, candidates, join)


def _describe(ctx, node):
    name = ctx.attr(node, "name")
    return f'{node} "{name}"' if name else node


@rule("soundness-deadlock", "error", group="soundness")
def soundness_deadlock(process, ctx):
    """A parallel join that can never get all its tokens: the ticket never finishes."""
    yield from _stuck(ctx, ended=False)


@rule("soundness-improper-completion", "warning", group="soundness")
def soundness_improper_completion(process, ctx):
    """An end event is reached while a token stays behind forever at a join."""
    yield from _stuck(ctx, ended=True)


def _stuck(ctx, ended: bool):
    for join, text in _stuck_joins(ctx).get(ended, []):
        yield ctx.finding(join, text)


def _stuck_joins(ctx) -> dict[bool, list[tuple[str, str]]]:
    """Parallel (or complex) joins left waiting in a dead marking, each once: under ``False``
    when some dead marking has no end reached (a deadlock), else under ``True``."""
    if "stuck_joins" in ctx.cache:
        return ctx.cache["stuck_joins"]
    found: dict[str, tuple[bool, str, str]] = {}
    for scope in _searched_scopes(ctx):
        res = explore(ctx, scope, _bound(ctx))
        net: ScopeNet = res["net"]
        g = scope_graph(ctx, scope)
        for marking, was_ended in res["dead"]:
            for i, c in enumerate(marking):
                join = net.flows[i].target
                if not c or ctx.type_of(join) in _OR:
                    continue
                if join in found and not found[join][0]:
                    continue
                ins = net.inputs[join]
                empty = [net.flows[j] for j in ins if not marking[j]]
                marked = [net.flows[j] for j in ins if marking[j]]
                split = _choice_split(ctx, g, join, [f.source for f in marked],
                                      [f.source for f in empty])
                found[join] = (was_ended, scope, _stuck_text(ctx, join, empty, split, was_ended))
    result: dict[bool, list[tuple[str, str]]] = {True: [], False: []}
    for join, (was_ended, _, text) in found.items():
        result[was_ended].append((join, text))
    ctx.cache["stuck_joins"] = result
    return result


def _stuck_text(ctx, join, empty, split, ended) -> str:
    missing = ", ".join(f.id for f in empty) or "its other flows"
    if ended:
        text = (f"a ticket can reach an end event while a token waits forever at the join "
                f"{_describe(ctx, join)}: no token arrives on {missing}")
    else:
        text = (f"the join {_describe(ctx, join)} can wait forever: in some run no token "
                f"arrives on {missing}")
    if split:
        text += (f"; its branches come from the split {_describe(ctx, split)}, which can "
                 "send a ticket down only some of them")
    return text + ". Close each split with a join of the same kind."


@rule("soundness-or-join", "warning", group="soundness")
def soundness_or_join(process, ctx):
    """An inclusive (OR) join left waiting for a token that is stuck elsewhere."""
    reported: set[str] = set()
    for scope in _searched_scopes(ctx):
        res = explore(ctx, scope, _bound(ctx))
        net: ScopeNet = res["net"]
        for marking, _ in res["dead"]:
            for i, c in enumerate(marking):
                join = net.flows[i].target
                if not c or join in reported or ctx.type_of(join) not in _OR:
                    continue
                reported.add(join)
                empty = [j for j in net.inputs[join] if not marking[j]]
                blockers = [net.flows[k].target for k, ck in enumerate(marking)
                            if ck and k not in net.inputs[join] and net.or_reach[join][k]
                            & set(empty)]
                who = ", ".join(dict.fromkeys(_describe(ctx, b) for b in blockers)) or "none"
                yield ctx.finding(join, f"the inclusive join {_describe(ctx, join)} waits "
                                  f"forever: tokens upstream that could still arrive are stuck "
                                  f"at {who}.")


@rule("soundness-lack-of-synchronisation", "warning", group="soundness")
def soundness_lack_of_synchronisation(process, ctx):
    """Tokens multiply: one flow can carry two tokens of the same ticket (e.g. a parallel
    split closed by an exclusive merge)."""
    reported: set = set()
    for scope in _searched_scopes(ctx):
        res = explore(ctx, scope, _bound(ctx))
        net: ScopeNet = res["net"]
        g = scope_graph(ctx, scope)
        for i in sorted(res["unsafe"]):
            flow = net.flows[i]
            merged = g.in_degree(flow.source) > 1
            join = flow.source if merged else _merge_point(g, flow.source)
            if merged:
                if join in reported:
                    continue
                reported.add(join)
                splits = [n for n in nx.ancestors(g, join) | {join}
                          if n != join and _multiplies(ctx, net, n)]
                split = _closest(g, splits, join)
                text = (f"two tokens of one ticket can reach flow {flow.id}: the merge "
                        f"{_describe(ctx, join)} lets both through")
                if split:
                    text += f" after the split {_describe(ctx, split)}"
                text += (", so everything after it runs twice. Close a parallel split with a "
                         "parallel join.")
                yield ctx.finding(join, text)
            else:
                origin = _closest(g, [n for n in nx.ancestors(g, flow.source) | {flow.source}
                                      if _multiplies(ctx, net, n)], flow.source) or join
                if ("pile", origin) in reported or _fire_and_forget(g, flow, origin):
                    continue
                reported.add(("pile", origin))
                yield ctx.finding(flow.id, "tokens of one ticket pile up on this flow: "
                                  f"{_describe(ctx, origin)} starts a new branch each time a "
                                  "loop passes it, before the previous branch has finished.")


def _fire_and_forget(g: nx.DiGraph, flow, origin: str) -> bool:
    """``True`` when the tokens piling up on ``flow`` can do no harm: everything downstream
    of it is a branch of its own (no element there is entered by another flow, and it never
    leads back to ``origin``), ending at end events. A non-interrupting reminder timer on a
    "wait for the customer's reply" step inside a loop is the classic case: every pass sends
    one reminder, each reminder token ends alone, nothing runs twice (the end event it
    reaches may be shared with the main path)."""
    tail = nx.descendants(g, flow.target) | {flow.target}
    if origin in tail or flow.source in tail:
        return False
    # an end event shared with the main path consumes each token alone: no harm either
    return all(g.in_degree(n) <= 1 or g.out_degree(n) == 0 for n in tail)


def _merge_point(g: nx.DiGraph, node: str) -> str:
    """The nearest node at or upstream of ``node`` that several flows enter."""
    seen = {node}
    queue = deque([node])
    while queue:
        n = queue.popleft()
        if g.in_degree(n) > 1:
            return n
        for p in g.predecessors(n):
            if p not in seen:
                seen.add(p)
                queue.append(p)
    return node


def _multiplies(ctx, net: ScopeNet, node: str) -> bool:
    return any(len(o) > 1 for o in net.outcomes.get(node, []))


@rule("soundness-bound", "info", group="soundness")
def soundness_bound(process, ctx):
    """The behaviour search stopped at its bound; results past it are unknown."""
    for scope in _searched_scopes(ctx):
        res = explore(ctx, scope, _bound(ctx))
        if res["bounded"]:
            yield ctx.finding(scope, f"the soundness search stopped after {res['states']:,} "
                              "markings (the bound); deadlocks beyond them were not looked "
                              "for. Raise max-markings in the configuration to search further.")
