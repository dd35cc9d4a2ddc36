"""The soundness search on random block-structured processes.

A process built from properly nested blocks (a sequence, an exclusive choice closed by an
exclusive merge, parallel branches closed by a parallel join, inclusive branches closed by an
inclusive join, a loop with an exit) is sound by construction: the search must find nothing.
Closing one parallel block with an exclusive merge must give lack of synchronisation at that
merge; closing one exclusive block with a parallel join must give a deadlock at that join.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.model import Flow, Process, ProcessInfo
from bpsim.validate import validate

TREES = st.recursive(
    st.just("task"),
    lambda inner: st.one_of(
        st.tuples(st.just("seq"), inner, inner),
        st.tuples(st.just("xor"), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("and"), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("or"), st.lists(inner, min_size=2, max_size=2)),
        st.tuples(st.just("loop"), inner),
    ),
    max_leaves=7,
)
SPLIT_JOIN = {"xor": "exclusiveGateway", "and": "parallelGateway", "or": "inclusiveGateway"}


class Builder:
    def __init__(self, swap: int | None = None):
        self.p = Process()
        self.p.processes["P"] = ProcessInfo("P", "random")
        self.ids = itertools.count()
        self.blocks = itertools.count()
        self.swap = swap  # the index of the block whose join gets the wrong kind
        self.swapped: str | None = None

    def node(self, kind: str) -> str:
        nid = f"N{next(self.ids)}"
        self.p.graph.add_node(nid, type=kind, name=nid, process="P", parent=None, lane=None,
                              line=None, events=[], event=None, default=None,
                              attached_to=None)
        return nid

    def flow(self, a: str, b: str) -> None:
        fid = f"F{len(self.p.flows)}"
        self.p.flows[fid] = Flow(fid, a, b, process="P")
        self.p.graph.add_edge(a, b, id=fid, ids=[fid])

    def build(self, tree, entry: str) -> str:
        if tree == "task":
            t = self.node("task")
            self.flow(entry, t)
            return t
        kind = tree[0]
        if kind == "seq":
            return self.build(tree[2], self.build(tree[1], entry))
        if kind == "loop":
            merge, split = self.node("exclusiveGateway"), self.node("exclusiveGateway")
            self.flow(entry, merge)
            self.flow(self.build(tree[1], merge), split)
            self.flow(split, merge)
            return split
        index = next(self.blocks)
        split = self.node(SPLIT_JOIN[kind])
        join_kind = SPLIT_JOIN[kind]
        if index == self.swap:
            join_kind = {"and": "exclusiveGateway", "xor": "parallelGateway"}.get(kind, join_kind)
        join = self.node(join_kind)
        if join_kind != SPLIT_JOIN[kind]:
            self.swapped = join
        self.flow(entry, split)
        for branch in tree[1]:
            self.flow(self.build(branch, split), join)
        return join

    def process(self, tree) -> Process:
        start, end = self.node("startEvent"), self.node("endEvent")
        self.flow(self.build(tree, start), end)
        return self.p


def soundness(p: Process):
    return [f for f in validate(p, config={}) if f.rule.startswith("soundness")
            or f.rule in ("no-path-to-end", "unreachable")]


def blocks_of(tree, kind):
    """Indexes (in build order) of the blocks of ``kind``."""
    found, counter = [], itertools.count()

    def walk(t):
        if t == "task":
            return
        if t[0] == "seq":
            walk(t[1])
            walk(t[2])
        elif t[0] == "loop":
            walk(t[1])
        else:
            i = next(counter)
            if t[0] == kind:
                found.append(i)
            for b in t[1]:
                walk(b)

    walk(tree)
    return found


FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TREES)
def test_block_structured_processes_are_sound(tree):
    assert soundness(Builder().process(tree)) == []


@FAST
@given(TREES, st.data())
def test_parallel_block_closed_by_exclusive_merge_lacks_synchronisation(tree, data):
    candidates = blocks_of(tree, "and")
    if not candidates:
        tree, candidates = ("and", [tree, "task"]), [0]
    b = Builder(swap=data.draw(st.sampled_from(candidates)))
    findings = soundness(b.process(tree))
    assert b.swapped in {f.element_id for f in findings
                         if f.rule == "soundness-lack-of-synchronisation"}


@FAST
@given(TREES, st.data())
def test_exclusive_block_closed_by_parallel_join_deadlocks(tree, data):
    candidates = blocks_of(tree, "xor")
    if not candidates:
        tree, candidates = ("xor", [tree, "task"]), [0]
    b = Builder(swap=data.draw(st.sampled_from(candidates)))
    findings = soundness(b.process(tree))
    assert b.swapped in {f.element_id for f in findings if f.rule == "soundness-deadlock"}
