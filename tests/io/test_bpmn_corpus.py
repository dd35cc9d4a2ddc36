"""Every BPMN file of the shared corpus imports, and the graph holds exactly what the XML holds.

The expected counts are established here, independently of the importer, by walking the XML
with lxml and matching elements by namespace URI and local name.
"""

from __future__ import annotations

import pytest
from lxml import etree

from bpsim.io.bpmn import read_bpmn
from bpsim.model import FLOW_NODE_TYPES
from tests.conftest import CORPUS, corpus_files

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FILES = corpus_files("bpmn-miwg", "real-world")


def _bpmn(tree, local):
    return [e for e in tree.iter(f"{{{BPMN}}}{local}")]


def _expected(path):
    tree = etree.parse(str(path))
    participants = {p.get("processRef") for p in _bpmn(tree, "participant")}
    stray = set()  # processes with no flow node that no pool shows (dropped, see docs)
    for proc in _bpmn(tree, "process"):
        kids = {etree.QName(c).localname for c in proc if isinstance(c.tag, str)}
        if not kids & FLOW_NODE_TYPES and proc.get("id") not in participants:
            stray.add(proc.get("id"))

    def live(el):
        return not any(a.get("id") in stray for a in el.iterancestors(f"{{{BPMN}}}process"))

    nodes = [e for e in tree.iter() if isinstance(e.tag, str)
             and etree.QName(e).namespace == BPMN and etree.QName(e).localname in FLOW_NODE_TYPES]
    flows = [e for e in _bpmn(tree, "sequenceFlow") if live(e)]
    return {
        "nodes": {e.get("id") for e in nodes},
        "node_count": len(nodes),
        "flows": {e.get("id") for e in flows},
        "flow_count": len(flows),
        "lanes": {e.get("id") for e in _bpmn(tree, "lane")},
        "processes": {e.get("id") for e in _bpmn(tree, "process")} - stray,
        "participants": {e.get("id") for e in _bpmn(tree, "participant")},
        "message_flows": {e.get("id") for e in _bpmn(tree, "messageFlow")},
        "stray": stray,
    }


def test_corpus_is_there():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (CI has ../shared beside the clone)")
    assert len(FILES) >= 79


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_imports_whole(path):
    want = _expected(path)
    process = read_bpmn(path)
    g = process.graph
    assert g.number_of_nodes() == want["node_count"]
    assert set(g.nodes) == want["nodes"]
    assert len(process.flows) == want["flow_count"]
    assert set(process.flows) == want["flows"]
    assert sum(len(d["ids"]) for _, _, d in g.edges(data=True)) == want["flow_count"]
    assert set(process.lanes) == want["lanes"]
    assert set(process.processes) == want["processes"]
    assert set(process.participants) == want["participants"]
    assert set(process.message_flows) == want["message_flows"]
    for n, d in g.nodes(data=True):
        assert d["process"] in want["processes"], n
        assert isinstance(d["line"], int) and d["line"] > 0, n
        assert d["parent"] is None or d["parent"] in g, n
        assert d["lane"] is None or d["lane"] in process.lanes, n
    for f in process.flows.values():
        assert isinstance(f.line, int)
        assert g.has_edge(f.source, f.target)
    assert [x.rule for x in process.findings if x.rule == "import-stray-process"] == [
        "import-stray-process"] * len(want["stray"])
    assert not [x for x in process.findings if x.severity == "error"]


def test_stray_signavio_process_is_dropped_with_a_finding():
    path = CORPUS / "bpmn-miwg/vendors/signavio-19.9.0/B.2.0-export.bpmn"
    if not path.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    process = read_bpmn(path)
    stray = [f for f in process.findings if f.rule == "import-stray-process"]
    assert len(stray) == 1 and stray[0].severity == "warning"
    assert stray[0].element_id not in process.processes
    assert "dropped" in stray[0].message


def test_lanes_listed_nodes_match_flow_node_refs():
    """Each lane keeps the nodes its flowNodeRef elements list, and nested lanes know parents."""
    path = CORPUS / "bpmn-miwg/vendors/bizagi-2.8.0.8/A.4.0-roundtrip.bpmn"
    if not path.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    tree = etree.parse(str(path))
    process = read_bpmn(path)
    for lane_el in _bpmn(tree, "lane"):
        refs = [r.text.strip() for r in lane_el.findall(f"{{{BPMN}}}flowNodeRef")]
        assert process.lanes[lane_el.get("id")].nodes == refs
        parent = lane_el.getparent().getparent()
        if etree.QName(parent).localname == "lane":
            assert process.lanes[lane_el.get("id")].parent == parent.get("id")
            assert lane_el.get("id") in process.lanes[parent.get("id")].children
    for lane in process.lanes.values():  # innermost lane wins
        for n in lane.nodes:
            if not any(n in process.lanes[c].nodes for c in lane.children):
                assert process.node(n)["lane"] == lane.id


def _innermost_lanes(tree) -> dict[str, str]:
    """Node id -> the innermost lane whose flowNodeRef lists it (read from the XML)."""
    out: dict[str, tuple[int, str]] = {}
    for lane_el in _bpmn(tree, "lane"):
        depth = sum(1 for a in lane_el.iterancestors() if etree.QName(a).localname == "lane")
        for ref in lane_el.findall(f"{{{BPMN}}}flowNodeRef"):
            nid = (ref.text or "").strip()
            if nid not in out or out[nid][0] <= depth:
                out[nid] = (depth, lane_el.get("id"))
    return {n: lane for n, (_, lane) in out.items()}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_node_is_in_its_innermost_lane_or_its_hosts(path):
    """A node's lane: the innermost lane listing it by flowNodeRef; when none lists it, its
    host's (a boundary event: the activity it is attached to; a node inside a sub-process: the
    sub-process), computed here from the XML alone."""
    tree = etree.parse(str(path))
    listed = _innermost_lanes(tree)
    elements = {e.get("id"): e for e in tree.iter() if isinstance(e.tag, str)
                and etree.QName(e).namespace == BPMN
                and etree.QName(e).localname in FLOW_NODE_TYPES}

    def host(el):
        if el.get("attachedToRef"):
            return elements.get(el.get("attachedToRef").strip())
        parent = el.getparent()
        while parent is not None and etree.QName(parent).localname not in FLOW_NODE_TYPES:
            if etree.QName(parent).localname == "process":
                return None
            parent = parent.getparent()
        return parent

    def expected(nid):
        seen, el = set(), elements[nid]
        while el is not None and el.get("id") not in seen:
            if el.get("id") in listed:
                return listed[el.get("id")]
            seen.add(el.get("id"))
            el = host(el)
        return None

    process = read_bpmn(path)
    for n, lane in process.graph.nodes(data="lane"):
        assert lane == expected(n), n
