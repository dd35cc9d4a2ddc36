"""The token game of one scope: markings, firing rules and the bounded search.

A *marking* says how many tokens (tickets, or copies of one ticket on parallel branches) sit
on each sequence flow of one process or sub-process. :class:`ScopeNet` knows, for every
element, what it consumes and the alternative sets of flows it may put tokens on (the firing
rules are listed in :mod:`bpsim.validate.soundness`); :func:`explore` searches every marking
reachable from the scope's start events, breadth first, up to a bound, and returns the dead
markings and the flows that would carry two tokens.
"""

from __future__ import annotations

from collections import deque
from itertools import combinations
from typing import Any

import networkx as nx

from bpsim.validate.topology import (
    has_condition,
    is_compensation_boundary,
    link_targets,
    scopes,
    start_nodes,
)

__all__ = ["MAX_MARKINGS", "ScopeNet", "explore", "XOR", "OR"]

#: Default bound on distinct markings explored per scope.
MAX_MARKINGS = 20_000

XOR = frozenset({"exclusiveGateway", "eventBasedGateway"})
OR = frozenset({"inclusiveGateway", "complexGateway"})


class ScopeNet:
    """The token game of one scope: flows numbered 0..F-1, and per node what it consumes and
    the alternative sets of flows it may produce."""

    def __init__(self, ctx, scope: str) -> None:
        self.ctx = ctx
        self.scope = scope
        members = set(scopes(ctx).get(scope, []))
        self.members = members
        self.flows = [f for f in ctx.process.flows.values()
                      if f.source in members and f.target in members]
        self.index = {f.id: i for i, f in enumerate(self.flows)}
        self.inputs: dict[str, list[int]] = {n: [] for n in members}
        self.outputs: dict[str, list[int]] = {n: [] for n in members}
        for i, f in enumerate(self.flows):
            self.inputs[f.target].append(i)
            self.outputs[f.source].append(i)
        links = link_targets(ctx)
        for throw, catches in links.items():
            if throw in members and catches and not self.outputs[throw]:
                self.outputs[throw] = list(self.outputs.get(catches[0], []))
        self.boundaries: dict[str, list[str]] = {}
        for n in members:
            host = ctx.attr(n, "attached_to")
            if ctx.type_of(n) == "boundaryEvent" and host in members \
                    and not is_compensation_boundary(ctx, n):
                self.boundaries.setdefault(host, []).append(n)
        self.outcomes = {n: self._outcomes(n) for n in members}
        self.or_reach = {n: self._or_reach(n) for n in members if ctx.type_of(n) in OR}
        self._prepare_masks()

    # -- what each node may produce ----------------------------------------------------
    def _plain_outcomes(self, node: str) -> list[tuple[int, ...]]:
        ctx = self.ctx
        out = self.outputs[node]
        if not out:
            return [()]
        kind = ctx.type_of(node)
        flows = [self.flows[i] for i in out]
        default = [i for i, f in zip(out, flows) if f.default
                   or ctx.attr(node, "default") == f.id]
        if kind in XOR:
            return [(i,) for i in out]
        if kind in OR:
            rest = [i for i in out if i not in default]
            return _subsets(rest) + [tuple(default)] if default else _subsets(rest)
        if kind == "parallelGateway":
            return [tuple(out)]
        # with a default flow, the others are conditional by definition (BPMN 2.0.2, 10.2.1)
        cond = [has_condition(ctx, f) or bool(default) for f in flows]
        always = [i for i, c in zip(out, cond) if not c and i not in default]
        conditional = [i for i, c in zip(out, cond) if c and i not in default]
        if not conditional:
            return [tuple(always + default)] if always or default else [()]
        result = [tuple(always) + s for s in _subsets(conditional)]
        result.append(tuple(always + default))
        return result

    def _outcomes(self, node: str) -> list[tuple[int, ...]]:
        plain = self._plain_outcomes(node)
        result = list(plain)
        for b in self.boundaries.get(node, []):
            extra = tuple(self.outputs.get(b, []))
            if self.ctx.attr(b, "cancel_activity", True):
                result.append(extra)
            else:
                result += [p + extra for p in plain]
        return list(dict.fromkeys(result))

    def _or_reach(self, join: str) -> list[frozenset[int]]:
        """For each flow, the incoming flows of ``join`` it can still reach without passing
        through ``join`` itself."""
        g = nx.DiGraph()
        g.add_nodes_from(range(len(self.flows)))
        for i, f in enumerate(self.flows):
            if f.target == join:
                continue
            for nxt in self._successor_flows(f.target):
                g.add_edge(i, nxt)
        targets = set(self.inputs[join])
        return [frozenset((nx.descendants(g, i) | {i}) & targets) for i in range(len(self.flows))]

    def _successor_flows(self, node: str) -> set[int]:
        result = set(self.outputs[node])
        for b in self.boundaries.get(node, []):
            result |= set(self.outputs.get(b, []))
        return result

    # -- firing (markings as bit masks: bit i set = a token on flow i) ------------------
    def _prepare_masks(self) -> None:
        ctx = self.ctx
        self.target_of = [f.target for f in self.flows]
        self.in_mask = {n: _mask(ins) for n, ins in self.inputs.items()}
        self.kind = {n: ctx.type_of(n) for n in self.members}
        self.out_masks = {n: [_mask(o) for o in outs] for n, outs in self.outcomes.items()}
        self.terminate = {n for n in self.members if self.kind[n] == "endEvent"
                          and "terminate" in (ctx.attr(n, "events", []) or [])}
        self.reach_mask = {j: [_mask(r) for r in reach] for j, reach in self.or_reach.items()}

    def successors(self, marking: int):
        """``(node, new marking, reached an end, doubled flows mask)`` for every way one node
        can fire in ``marking``; ``doubled`` is non-zero when a produced token lands on a flow
        that already holds one (that successor is not a safe marking)."""
        seen_nodes = set()
        m = marking
        while m:
            low = m & -m
            i = low.bit_length() - 1
            m ^= low
            node = self.target_of[i]
            if node in seen_nodes:
                continue
            seen_nodes.add(node)
            kind = self.kind[node]
            ins = self.in_mask[node]
            if kind == "parallelGateway":
                if marking & ins == ins:
                    yield from self._fire(node, marking & ~ins)
            elif kind in OR:
                empty = ins & ~marking
                others = marking & ~ins
                reach = self.reach_mask[node]
                waiting = False
                while others and empty:
                    low2 = others & -others
                    if reach[low2.bit_length() - 1] & empty:
                        waiting = True
                        break
                    others ^= low2
                if not waiting:
                    yield from self._fire(node, marking & ~ins)
            else:
                rest = marking & ins
                while rest:
                    low2 = rest & -rest
                    rest ^= low2
                    yield from self._fire(node, marking & ~low2)

    def _fire(self, node: str, base: int):
        if self.kind[node] == "endEvent":
            yield node, (0 if node in self.terminate else base), True, 0
            return
        ends = not self.outputs[node]
        for produced in self.out_masks[node]:
            yield node, base | produced, ends and not produced, base & produced

    def initial(self, seed: str) -> list[int]:
        """The markings right after ``seed`` fired (one per outcome)."""
        return list(dict.fromkeys(self.out_masks[seed]))

    def decode(self, marking: int) -> tuple[int, ...]:
        """A bit-mask marking as a tuple of token counts per flow."""
        return tuple((marking >> i) & 1 for i in range(len(self.flows)))


def _mask(indices) -> int:
    result = 0
    for i in indices:
        result |= 1 << i
    return result


def _subsets(items: list[int]) -> list[tuple[int, ...]]:
    if len(items) > 6:  # keep it finite and fast: each branch alone, and all of them
        return [(i,) for i in items] + [tuple(items)]
    return [c for k in range(1, len(items) + 1) for c in combinations(items, k)]


def explore(ctx, scope: str, max_markings: int = MAX_MARKINGS) -> dict:
    """Search the markings of one scope; return what went wrong (cached per scope).

    Returns a dict with ``dead`` (list of ``(marking, ended)`` dead states, markings as
    tuples of token counts per flow of ``net.flows``), ``unsafe`` (``{flow index: marking}``
    where the flow would carry two tokens), ``states`` (how many were explored), ``bounded``
    (True when ``max_markings`` stopped the search) and ``net``.
    """
    key = f"explore:{scope}:{max_markings}"
    if key in ctx.cache:
        return ctx.cache[key]
    net = ScopeNet(ctx, scope)
    dead: list[tuple[tuple[int, ...], bool]] = []
    unsafe: dict[int, tuple[int, ...]] = {}
    result: dict[str, Any] = {"dead": dead, "unsafe": unsafe, "states": 0, "bounded": False,
                              "net": net}
    queue: deque = deque()
    seen: set = set()
    for s in start_nodes(ctx, scope):
        if s in net.members:
            for m in net.initial(s):
                if (m, False) not in seen:
                    seen.add((m, False))
                    queue.append((m, False))
    while queue:
        marking, ended = queue.popleft()
        moved = False
        for _node, new, reached_end, doubled in net.successors(marking):
            moved = True
            if doubled:
                while doubled:
                    low = doubled & -doubled
                    unsafe.setdefault(low.bit_length() - 1, net.decode(new))
                    doubled ^= low
                continue
            state = (new, ended or reached_end)
            if state in seen:
                continue
            if len(seen) >= max_markings:
                result["bounded"] = True
                continue
            seen.add(state)
            queue.append(state)
        if not moved and marking:
            dead.append((net.decode(marking), ended))
    result["states"] = len(seen)
    ctx.cache[key] = result
    return result
