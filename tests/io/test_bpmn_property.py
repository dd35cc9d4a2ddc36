"""Property: whatever damage a file suffers, the importer answers with a Process or a BpsimError.

Mutations of real files (the corpus, or the bundled service desk when the corpus is absent):
byte deletions, truncation at random offsets, renamed tags, rewritten attribute values and
inserted junk. Nothing but :class:`~bpsim.errors.BpsimError` subclasses may escape, in strict
and in lenient mode, and a result is always a well-formed graph.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.errors import BpsimError
from bpsim.io.bpmn import read_bpmn
from tests.conftest import MODELS, corpus_files

SOURCES = [MODELS / "service_desk.bpmn"] + [
    p for p in corpus_files("bpmn-miwg", "real-world") if p.stat().st_size < 120_000]
DATA = {str(p): p.read_bytes() for p in SOURCES}
TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)")
ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
NEW_NAMES = [b"task", b"process", b"definitions", b"sequenceFlow", b"lane", b"laneSet",
             b"subProcess", b"boundaryEvent", b"timerEventDefinition", b"foo:bar", b"x",
             b"bpmn:participant", b"semantic:flowNodeRef", b"incoming"]
NEW_VALUES = [b"", b"P", b"Task_1", b"true", b"NaN", b"1e999", b"-", b"&amp;", b"Flow_1",
              b"xsi:tTimerEventDefinition", b"\xc3\xa9", b"x" * 300]


@st.composite
def damaged(draw):
    name = draw(st.sampled_from(sorted(DATA)))
    data = DATA[name]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "truncate", "rename", "attribute", "insert"]))
        n = len(data)
        if kind == "delete" and n:
            i = draw(st.integers(0, n - 1))
            data = data[:i] + data[i + draw(st.integers(1, 200)):]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, n))]
        elif kind == "rename":
            tags = list(TAG.finditer(data))
            if tags:
                m = draw(st.sampled_from(tags))
                data = data[: m.start(2)] + draw(st.sampled_from(NEW_NAMES)) + data[m.end(2):]
        elif kind == "attribute":
            attrs = list(ATTR.finditer(data))
            if attrs:
                m = draw(st.sampled_from(attrs))
                data = data[: m.start(2)] + draw(st.sampled_from(NEW_VALUES)) + data[m.end(2):]
        elif kind == "insert":
            i = draw(st.integers(0, n))
            data = data[:i] + draw(st.binary(min_size=1, max_size=20)) + data[i:]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(), st.booleans())
def test_damaged_files_raise_only_bpsim_errors(data, lenient):
    try:
        process = read_bpmn(data, lenient=lenient)
    except BpsimError as exc:
        assert str(exc)  # renders without failing
        return
    g = process.graph
    for f in process.flows.values():
        assert f.source in g and f.target in g
    for _, d in g.nodes(data=True):
        assert d["parent"] is None or d["parent"] in g
        assert d["lane"] is None or d["lane"] in process.lanes
    process.to_dict()
