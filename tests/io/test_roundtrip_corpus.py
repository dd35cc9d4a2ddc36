"""Round trips over every corpus file: read -> write -> read gives the same process.

BPMN: ``read -> generate_bpmn -> read_bpmn`` must keep node ids, types, names, lanes,
parents, boundary attachments, event kinds, link names, event definition references
(messageRef, signalRef, errorRef, escalationRef, activityRef), gateway directions, the global
message/signal/error/escalation definitions, timers (an empty timer value counts as none),
loop markers, flows (ends, names, conditions, defaults), lanes, message flows and the named
pools exactly (a process without a pool may gain one named after it, as the writer
documents), and vendor extensions as the writer documents (extension elements and namespaced
attributes kept).

draw.io: ``read -> generate_drawio -> read_drawio`` must keep the same, with the differences
draw.io itself imposes and docs/modelling.md states: labels are plain text on one line (white
space folded); a process drawn without a pool keeps its nodes together but gets a generated
process id and an unnamed pool; a node with no lane of its own (a boundary event, a node inside a sub-process)
is read in the lane of its host / enclosing activity; an empty timer value is no timer; vendor
extensions and vendor attributes are dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bpsim
from bpsim.io.drawio_writer import generate_drawio
from bpsim.model import Process
from tests.conftest import CORPUS, MODELS, corpus_files, require_corpus

BPMN_FILES = corpus_files("bpmn-miwg", "real-world")
DRAWIO_FILES = sorted(p for p in (CORPUS / "drawio").glob("*") if p.suffix in (".drawio", ".xml")) \
    if (CORPUS / "drawio").is_dir() else []

NODE_KEYS = ("type", "name", "lane", "parent", "attached_to", "event", "cancel_activity",
             "timer", "default", "loop", "called_element", "triggered_by_event")
#: kept by BPMN only: draw.io has no place for them (a link's label is its name there)
BPMN_NODE_KEYS = ("link_name", "event_refs", "gateway_direction", "message_ref", "condition")
FLOW_KEYS = ("source", "target", "name", "condition", "default")
BPMN_FLOW_KEYS = ("conditional",)  # an empty conditionExpression: draw.io has no place for it


def _fold(text: str | None) -> str | None:
    return " ".join(text.split()) if text else text


def _lane_name(p: Process, node: str, effective: bool) -> str | None:
    g = p.graph
    lane = g.nodes[node].get("lane")
    up = node
    while effective and lane is None:
        data = g.nodes[up]
        up = data.get("attached_to") or data.get("parent")
        if up not in g:
            break
        lane = g.nodes[up].get("lane")
    return p.lanes[lane].name if lane in p.lanes else lane


def differences(a: Process, b: Process, *, drawio: bool = False) -> list[str]:
    """What ``b`` (the copy) says differently from ``a`` (the original), one line each."""
    out: list[str] = []
    fold = _fold if drawio else (lambda s: s)
    ga, gb = a.graph, b.graph
    if set(ga) != set(gb):
        out.append(f"nodes only in the original: {sorted(set(ga) - set(gb))[:5]}; "
                   f"only in the copy: {sorted(set(gb) - set(ga))[:5]}")
    for n in sorted(set(ga) & set(gb)):
        for key in NODE_KEYS + (() if drawio else BPMN_NODE_KEYS):
            x, y = ga.nodes[n].get(key), gb.nodes[n].get(key)
            if key == "name":
                x, y = fold(x), fold(y)
            elif key == "lane":
                x, y = fold(_lane_name(a, n, drawio)), fold(_lane_name(b, n, drawio))
            elif key == "timer":  # an empty timer value is no timer (import-empty-timer)
                x = x if x and x.get("value") else None
                y = y if y and y.get("value") else None
            elif key == "triggered_by_event":
                x, y = bool(x), bool(y)
            if x != y:
                out.append(f"node {n} {key}: {x!r} became {y!r}")
    if set(a.flows) != set(b.flows):
        out.append(f"flows differ: {sorted(set(a.flows) ^ set(b.flows))[:5]}")
    for f in sorted(set(a.flows) & set(b.flows)):
        for key in FLOW_KEYS + (() if drawio else BPMN_FLOW_KEYS):
            x, y = getattr(a.flows[f], key), getattr(b.flows[f], key)
            if key == "name":
                x, y = fold(x), fold(y)
            if x != y:
                out.append(f"flow {f} {key}: {x!r} became {y!r}")
    if sorted(ga.edges) != sorted(gb.edges):
        out.append("graph edges differ")
    for u, v in set(ga.edges) & set(gb.edges):
        if sorted(ga.edges[u, v]["ids"]) != sorted(gb.edges[u, v]["ids"]):
            out.append(f"edge {u}->{v} ids differ")
    lanes_a = sorted((lane.id, fold(lane.name), lane.parent) for lane in a.lanes.values())
    lanes_b = sorted((lane.id, fold(lane.name), lane.parent) for lane in b.lanes.values())
    if lanes_a != lanes_b:
        out.append(f"lanes: {lanes_a} became {lanes_b}")
    msgs_a = sorted((m.id, m.source, m.target, fold(m.name), None if drawio else m.message)
                    for m in a.message_flows.values())
    msgs_b = sorted((m.id, m.source, m.target, fold(m.name), None if drawio else m.message)
                    for m in b.message_flows.values())
    if msgs_a != msgs_b:
        out.append(f"message flows: {msgs_a[:3]} became {msgs_b[:3]}")
    pools_a = sorted(fold(p.name) for p in a.participants.values() if p.name)
    pools_b = sorted(fold(p.name) for p in b.participants.values() if p.name)
    # documented by both writers: a process drawn without a pool may get one of its own,
    # named after the process (BPMN) or unnamed (draw.io)
    new_pools = {fold(info.name) for info in a.processes.values() if info.participant is None}
    extra = list(pools_b)
    for name in pools_a:
        if name in extra:
            extra.remove(name)
    if len(pools_b) < len(pools_a) or any(name not in new_pools for name in extra) or \
            set(pools_a) - set(pools_b):
        out.append(f"named pools: {pools_a} became {pools_b}")
    defs_a = {k: (v.get("type"), v.get("name")) for k, v in a.definitions.items()}
    defs_b = {k: (v.get("type"), v.get("name")) for k, v in b.definitions.items()}
    if not drawio and defs_a != defs_b:
        out.append(f"global definitions: {defs_a} became {defs_b}")
    if _processes(a) != _processes(b):
        out.append("the nodes are grouped into processes differently")
    return out


def _processes(p: Process) -> set[frozenset[str]]:
    """Which nodes belong together in one process (process ids of pool-less processes are
    not kept by draw.io, so the grouping is compared, not the ids)."""
    groups: dict[str | None, set[str]] = {}
    for n, pid in p.graph.nodes(data="process"):
        groups.setdefault(pid, set()).add(n)
    return {frozenset(g) for g in groups.values()}


def _name(path: Path) -> str:
    return str(path.relative_to(CORPUS))


# -- BPMN --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", BPMN_FILES, ids=_name)
def test_bpmn_round_trip_keeps_the_process(path):
    from bpsim.io.bpmn_writer import generate_bpmn

    original = bpsim.read(path)
    copy = bpsim.read_bpmn(generate_bpmn(original))
    assert differences(original, copy) == []


@pytest.mark.parametrize("path", BPMN_FILES, ids=_name)
def test_bpmn_round_trip_keeps_vendor_extensions(path):
    """The BPMN writer documents: extension elements and namespaced attributes are kept."""
    from bpsim.io.bpmn_writer import generate_bpmn

    original = bpsim.read(path)
    copy = bpsim.read_bpmn(generate_bpmn(original))
    for n, data in original.graph.nodes(data=True):
        kept = copy.graph.nodes[n]
        assert len(kept["extensions"]) == len(data["extensions"]), n
        assert kept["attributes"] == data["attributes"], n


# -- draw.io -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", BPMN_FILES, ids=_name)
def test_drawio_round_trip_keeps_the_process(path):
    original = bpsim.read(path)
    copy = bpsim.read_drawio(generate_drawio(original).encode())
    assert differences(original, copy, drawio=True) == []
    for n in copy.graph:  # documented: draw.io has no place for vendor extensions
        assert copy.graph.nodes[n]["extensions"] == []
        assert not any(k.startswith("{") for k in copy.graph.nodes[n]["attributes"])


@pytest.mark.parametrize("path", DRAWIO_FILES, ids=_name)
def test_drawio_corpus_round_trip(path):
    original = bpsim.read(path)
    copy = bpsim.read_drawio(generate_drawio(original).encode())
    assert differences(original, copy, drawio=True) == []


def test_the_example_drawio_round_trips(tmp_path):
    original = bpsim.read(MODELS / "service_desk.drawio")
    target = tmp_path / "again.drawio"
    bpsim.write_drawio(original, target)
    assert differences(original, bpsim.read(target), drawio=True) == []


def test_the_corpus_is_there():
    """The parametrised tests above are empty without the corpus: say so visibly."""
    require_corpus()
    assert len(BPMN_FILES) >= 70 and DRAWIO_FILES


def test_the_corpus_exercises_link_names_event_refs_and_gateway_directions():
    """The BPMN-only keys above are compared on real values, not only on None == None."""
    require_corpus()
    seen = {key: 0 for key in BPMN_NODE_KEYS}
    definitions = 0
    for path in BPMN_FILES:
        p = bpsim.read(path)
        definitions += len(p.definitions)
        for _, data in p.graph.nodes(data=True):
            for key in BPMN_NODE_KEYS:
                seen[key] += bool(data.get(key))
    assert all(seen.values()), seen
    assert definitions


def test_written_event_refs_point_at_written_definitions():
    """A messageRef/signalRef/errorRef/escalationRef to a known definition is written with
    that definition (one <message>/<signal>/... element with the same id)."""
    from lxml import etree

    from bpsim.io.bpmn_writer import generate_bpmn

    require_corpus()
    checked = 0
    for path in BPMN_FILES:
        p = bpsim.read(path)
        root = etree.fromstring(generate_bpmn(p))
        ids = {el.get("id"): etree.QName(el).localname for el in root.iter() if el.get("id")}
        for _, data in p.graph.nodes(data=True):
            for key, ref in (data.get("event_refs") or {}).items():
                if ref in p.definitions:
                    assert ids.get(ref) == p.definitions[ref]["type"], (path, key, ref)
                    checked += 1
        assert not set(p.definitions) - set(ids), path
    assert checked
