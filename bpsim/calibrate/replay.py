"""Replay every ticket of the log on the diagram, token by token.

Each distinct sequence of mapped activities (a *variant*) is replayed once. A token sits on a
sequence flow. To fire the next logged element, bpsim looks for the cheapest way from a flow
holding a token to that element through elements the log does not show: gateways (free),
throw events (nearly free) and tasks or events never logged (each costs one, so a path that
skips fewer unlogged steps wins). On the way it records which branch each splitting gateway
took: these counts become the branch and loop probabilities. A parallel split leaves tokens on
its other branches; a parallel join consumes the tokens of its other incoming flows (or
counts them missing). When no path exists, the element fires anyway with a *missing* token;
tokens left when the ticket's log ends, and that cannot reach an end event, are *remaining*.

Fitness is the token-based replay fitness of process mining (as pm4py computes it)::

    fitness = 1/2 (1 - missing / consumed) + 1/2 (1 - remaining / produced)

and a ticket *fits* when it has neither missing nor remaining tokens.

The replay also says, for every event, which earlier event of the same ticket enabled it (the
one whose token it consumed): its enabled time is the basis of start-time estimation. And it
lists the unlogged delays (catch events, receive tasks) that a ticket passed between two
logged events: their durations are measured from those gaps.

Limits: boundary events and event sub-processes are not replayed (a logged boundary path
counts as missing); an inclusive gateway is replayed as a choice of one branch.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bpsim.model import Process

__all__ = ["Replay", "VariantReplay", "replay"]

_SOURCE = "__source__"
_CHOICE = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
_DELAY = {"intermediateCatchEvent", "receiveTask"}


@dataclass
class VariantReplay:
    """How one variant replayed."""

    enabled_by: list[int]            # per position: the position whose token it consumed (-1: arrival)
    delays: list[list[str]]          # per position: unlogged delay elements passed on the way
    start_event: str | None
    missing: int
    remaining: int
    consumed: int
    produced: int
    branches: Counter = field(default_factory=Counter)   # (gateway, flow id) -> times
    visits: Counter = field(default_factory=Counter)     # gateway -> times decided

    @property
    def fits(self) -> bool:
        return self.missing == 0 and self.remaining == 0


@dataclass
class Replay:
    """All variants, with totals weighted by the number of tickets of each."""

    variants: dict[tuple, VariantReplay]
    counts: dict[tuple, int]

    def _total(self, attr: str) -> int:
        return sum(getattr(v, attr) * self.counts[k] for k, v in self.variants.items())

    @property
    def fitness(self) -> float:
        m, c = self._total("missing"), self._total("consumed")
        r, p = self._total("remaining"), self._total("produced")
        n = sum(self.counts.values())
        c, p = c + n, p + n  # the initial token produced and the final one consumed
        return 0.5 * (1 - m / c) + 0.5 * (1 - r / p) if c and p else 1.0

    @property
    def fitting_cases(self) -> int:
        return sum(self.counts[k] for k, v in self.variants.items() if v.fits)

    @property
    def cases(self) -> int:
        return sum(self.counts.values())

    def branch_counts(self) -> tuple[Counter, Counter]:
        branches: Counter = Counter()
        visits: Counter = Counter()
        for k, v in self.variants.items():
            w = self.counts[k]
            for key, c in v.branches.items():
                branches[key] += c * w
            for key, c in v.visits.items():
                visits[key] += c * w
        return branches, visits

    def non_fitting(self, limit: int = 10) -> list[dict]:
        """The most frequent variants that do not fit, with their counts."""
        rows = [(self.counts[k], k, v) for k, v in self.variants.items() if not v.fits]
        rows.sort(key=lambda r: -r[0])
        return [{"variant": list(k), "cases": n, "missing": v.missing, "remaining": v.remaining}
                for n, k, v in rows[:limit]]


class _Net:
    def __init__(self, process: Process, logged: set[str]) -> None:
        g = process.graph
        self.g = g
        self.logged = logged
        self.type = dict(g.nodes(data="type"))
        self.out: dict[str, list[tuple[tuple, str, str | None]]] = defaultdict(list)
        self.inc: dict[str, list[tuple]] = defaultdict(list)
        for u, v, d in g.edges(data=True):
            self.out[u].append(((u, v), v, d.get("id")))
            self.inc[v].append((u, v))
        # sub-processes: entering one reaches its inner start events; its inner end events
        # lead on along the sub-process's outgoing flows
        for n, d in g.nodes(data=True):
            parent = d.get("parent")
            if parent is None or self.type.get(parent) not in ("subProcess", "transaction",
                                                               "adHocSubProcess"):
                continue
            if g.nodes[parent].get("triggered_by_event"):
                continue
            if self.type[n] == "startEvent":
                self.out[parent].insert(0, ((parent, n), n, None))
                self.inc[n].append((parent, n))
        self.starts = [n for n, d in g.nodes(data=True)
                       if d.get("type") == "startEvent" and d.get("parent") is None
                       and not g.in_degree(n)]
        self.cache: dict[tuple, tuple | None] = {}

    def succ(self, node: str):
        d = self.g.nodes[node]
        if self.type[node] in ("subProcess", "transaction", "adHocSubProcess"):
            inner = [s for s in self.out[node] if s[0][0] == node and s[1] != node
                     and self.g.nodes[s[1]].get("parent") == node]
            if inner:
                return inner
        if self.type[node] == "endEvent" and d.get("parent") is not None:
            return self.out[d["parent"]] and [s for s in self.out[d["parent"]]
                                              if self.g.nodes[s[1]].get("parent") != d["parent"]]
        return self.out[node]

    def passable(self, node: str, target: object) -> float | None:
        t = self.type.get(node, "")
        if node in self.logged:
            return None
        if t.endswith("Gateway"):
            return 0.01
        if t == "intermediateThrowEvent":
            return 0.1
        if t == "endEvent":
            return 0.1 if self.g.nodes[node].get("parent") is not None else None
        if t == "startEvent":
            return None
        return 1.0

    def path(self, place: tuple, target) -> tuple | None:
        """Cheapest path from ``place`` to ``target`` (a node, or "end"): (cost, [places])."""
        key = (place, target)
        if key in self.cache:
            return self.cache[key]
        is_target = ((lambda n: self.type.get(n) == "endEvent"
                      and self.g.nodes[n].get("parent") is None)
                     if target == "end" else (lambda n: n == target))
        best: dict[tuple, float] = {place: 0.0}
        heap: list[tuple[float, int, tuple, tuple]] = [(0.0, 0, place, (place,))]
        tie = 0
        found = None
        while heap:
            cost, _, pl, trail = heapq.heappop(heap)
            if cost > best.get(pl, float("inf")):
                continue
            node = pl[1]
            step: float | None
            if is_target(node):
                found = (cost, list(trail))
                break
            if pl[0] == _SOURCE:
                step = 0.0
            else:
                step = self.passable(node, target)
                if step is None:
                    continue
            for nxt, _, _ in self.succ(node):
                c = cost + step
                if c < best.get(nxt, float("inf")) and len(trail) < 200:
                    best[nxt] = c
                    tie += 1
                    heapq.heappush(heap, (c, tie, nxt, trail + (nxt,)))
        self.cache[key] = found
        return found


def _flow_id(net: _Net, place: tuple) -> str | None:
    u, v = place
    if u == _SOURCE or not net.g.has_edge(u, v):
        return None
    return net.g.edges[u, v].get("id")


def _replay_variant(net: _Net, variant: tuple) -> VariantReplay:
    marking: dict[tuple, list[int]] = defaultdict(list)
    enabled_by: list[int] = []
    delays: list[list[str]] = []
    branches: Counter = Counter()
    visits: Counter = Counter()
    missing = remaining = consumed = produced = 0
    start_event = None

    def produce(node: str, producer: int) -> int:
        n = 0
        for place, _, _ in net.succ(node):
            marking[place].append(producer)
            n += 1
        return n

    def commit(trail: list[tuple]) -> tuple[int, list[str]]:
        nonlocal missing, produced, consumed
        first = trail[0]
        producer = marking[first].pop(0) if marking.get(first) else -1
        if first in marking and not marking[first]:
            del marking[first]
        passed: list[str] = []
        for a, b in zip(trail, trail[1:]):
            node = a[1]
            t = net.type.get(node, "")
            if t in _CHOICE and len(net.out[node]) > 1:
                visits[node] += 1
                fid = _flow_id(net, b)
                if fid is not None:
                    branches[(node, fid)] += 1
            elif t == "parallelGateway":
                for other in net.inc[node]:
                    if other == a:
                        continue
                    consumed += 1
                    if marking.get(other):
                        marking[other].pop(0)
                        if not marking[other]:
                            del marking[other]
                    else:
                        missing += 1
                for place, _, _ in net.out[node]:
                    if place != b:
                        marking[place].append(producer)
                        produced += 1
            elif t in _DELAY:
                passed.append(node)
        return producer, passed

    for i, element in enumerate(variant):
        if i == 0 and net.type.get(element) == "startEvent":
            start_event = element
            enabled_by.append(-1)
            delays.append([])
            produced += produce(element, i)
            continue
        if i == 0 or (not marking and start_event is None):
            sources = [(_SOURCE, s) for s in net.starts]
        else:
            sources = list(marking)
        options = [(r[0], r[1]) for s in sources if (r := net.path(s, element)) is not None]
        consumed += 1
        if options:
            trail = min(options, key=lambda o: o[0])[1]
            if trail[0][0] == _SOURCE:
                start_event = trail[0][1]
                marking[trail[0]].append(-1)
            producer, passed = commit(trail)
        else:
            missing += 1
            producer, passed = (i - 1 if i else -1), []
        enabled_by.append(producer)
        delays.append(passed)
        produced += produce(element, i)
    # the end: every token left should reach an end event
    for place in list(marking):
        while marking.get(place):
            r = net.path(place, "end")
            if r is None:
                remaining += len(marking.pop(place))
                break
            commit(r[1])
    # tokens produced by the last commits that could not be placed
    left = sum(len(v) for v in marking.values())
    if left:
        for place in list(marking):
            r = net.path(place, "end")
            if r is None:
                remaining += len(marking.pop(place, []))
    return VariantReplay(enabled_by, delays, start_event, missing, remaining, consumed,
                         produced, branches, visits)


def replay(process: Process, variants: dict[tuple, int], logged: set[str]) -> Replay:
    """Replay each variant (a tuple of element ids) on ``process``; ``logged`` are the
    elements the log shows (they cannot be skipped silently)."""
    net = _Net(process, logged)
    done = {v: _replay_variant(net, v) for v in variants}
    return Replay(done, dict(variants))
