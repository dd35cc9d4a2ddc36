"""Every draw.io file of the shared corpus imports, with counts established by reading it.

How the expected numbers below were counted: each page was decoded by hand (base64 -> raw
inflate -> URL-decoding) into a throwaway dump listing every cell with its id, parent, style
keys, label and absolute geometry, and each cell was looked at and classified with the rules
of docs/drawio.md, independently of the importer:

* **nodes** = BPMN tasks/events/gateways, plain or ``shape=ext`` rectangles used as tasks,
  choreography boxes (one task each), a hexagon with arrows (read as a task); not pools,
  lanes, markers (``shape=plus``/``shape=message`` children), edge labels, data, notes, text.
* **flows** = arrows between two nodes in the same pool (solid, or dashed with an arrow head).
* **message flows** = dashed arrows with ``startArrow=oval``, or dashed arrows between pools.
* **lanes** = swimlanes inside a pool, plus lone swimlanes that hold shapes (lanes drawn
  without a pool).
* **unknown** = cells whose shape is outside the BPMN/flowchart vocabulary.

The ``DERIVED-uncompressed`` twins hold the same cells and must read the same.
"""

from __future__ import annotations

import pytest

from bpsim.io.drawio import read_drawio
from tests.conftest import CORPUS, require_corpus

D = "jgraph-drawio-diagrams__"

# file -> list per page of (page name, nodes, flows, message flows, lanes, pools, unknown ids)
EXPECTED = {
    # One stackLayout pool "Support" (lanes 1st/2nd Line Support) and three lone swimlanes.
    # 1st line: 53 receive, 54 gateway, 59 + 87 manual, 111 end = 5; 2nd line: 63 receive,
    # 65/66/102 gateways, 109 end = 5; "Account Manager": 40 start, 41/43/91 manual, 90 manual
    # inside group 95, 42 gateway, 93 + 100 ends = 8; "Development": 68/71/74/79 tasks,
    # 69 gateway, 84 end = 6. Total 24 (the datastore 92 is data).
    # Solid arrows between those: 21, plus dashed 64 (59 -> 63, inside pool Support) = 22.
    # Dashed between pools: 46 (loose source on the "Customer" pool border), 47, 48, 62, 78,
    # 80, 94, 98, 99, 105 = 10. Lanes: 1st, 2nd, Account Manager, Development = 4. Pools:
    # Support; "Account Manager" (y 170-270) and "Development" (y 570-674) each get an
    # implied pool, since one pool around both would cover Support (y 300-540); "Customer"
    # (empty, arrows touch it) is a black box. 4 pools.
    f"{D}blog__incident-response-bpmn.drawio": [
        ("Page-1", 24, 22, 10, 4, 4, []),
    ],
    # Page 1 "Process order": pool Items'R'us with lanes Accounts (11 nodes: 11 start,
    # 13 script, 15 multiple event, G3..-1 send, DeSNE-10 gateway, DeSNE-13 send, DeSNE-26
    # timer, DeSNE-29 gateway, DeSNE-34 send, DeSNE-37 sub-process, DeSNE-39 end), Warehouse
    # (5: 17 manual, 19 gateway, 21 manual, Llef-8 manual, G3-22 parallel), Purchasing (5:
    # 27 sub-process in a UserObject group, boundary 29 + 28 on its border, 31 send,
    # 35 manual) = 21. Solid arrows: 10 in Accounts, 4 in Warehouse, 3 in Purchasing, 6 on the
    # pool = 23. Message flows: the 7 dashed startArrow=oval arrows to/from pool "Client".
    # Lanes: 3 + the unnamed lane of "Client" = 4. Pools: Items'R'us, Client, Inventory
    # management system (black box). Page 2 "Purchase stock": an orchestration (10 nodes,
    # 10 arrows) and a choreography (5 choreography boxes, gateway 34, ends 75 + 77 = 8 nodes,
    # 8 arrows between them); no pools.
    f"{D}blog__bpmn-2-example.drawio": [
        ("Process order", 21, 23, 7, 4, 3, []),
        ("Purchase stock", 18, 18, 0, 0, 0, []),
    ],
    # Two lone swimlanes per page ("Original Language", "Target Language"). Page 1: 6 + 11
    # nodes, 5 + 11 arrows; arrows to data objects are associations. Page 2 is a copy of
    # page 1 with new ids. Page 3: 9 + 6 nodes (three message events on task borders are
    # boundary events), 5 + 5 arrows in the lanes and 3 from the boundary events across.
    f"{D}blog__bpmn-translation-process.drawio": [
        ("Existing Translation Process", 17, 16, 0, 2, 1, []),
        ("Optimizable Steps", 17, 16, 0, 2, 1, []),
        ("Improved Translation Process", 15, 13, 0, 2, 1, []),
    ],
    # Three unlabelled rounded frames (pools Scheduling/Factory/Analysis, titled by rotated
    # text) around: Scheduling 4 start, 5-8 tasks, 16 end = 6; Factory: box 39 with arrows
    # (sub-process) holding 26/27/29 tasks, 40 gateway stencil, 41/46/47 events, plus 49 and
    # 51 outside it = 10; Analysis 64/65 tasks, 66 start, 67 end = 4. Total 20. Solid arrows
    # 5 + 9 + 3 = 17; dashed 53 and 74 run between frames = 2 message flows; 3 separator
    # lines have no ends.
    f"{D}examples__BPMN.xml": [
        ("Page-1", 20, 17, 2, 0, 3, []),
    ],
    # The same drawing as examples/BPMN.xml with other ids; 3 separator lines and 3 arrows
    # with one loose end (4056, 4058, 4062 snap to box 4023).
    f"{D}templates__business__bpmn_1.xml": [
        ("Page-1", 20, 17, 2, 0, 3, []),
    ],
    # 1 start, tasks 2/3/8 (shape=ext), hexagon 6 with a + child, 9/24/53 parallel gateways,
    # 12/22/29 rectangles with a + child, 14/20 with an envelope child, 16/18 with a
    # timer_start child (boundary), 26 end = 18 nodes (16 + the two child timers). 17 solid
    # arrows between nodes; 9 lines to the standalone envelopes are associations.
    f"{D}templates__business__bpmn_3.xml": [
        ("Page-1", 18, 17, 0, 0, 0, ["7a84cebc1def654-6"]),
    ],
    # 1 start, 2/13/15/18/22/24/26 receive (envelope child), 7/20/29 + sub-process, 10 user
    # + plus, 9/28/45/67 parallel, 17 event-based gateway, 31/32 catching events, 33/35/36
    # timers not on any border, 58 end = 23 nodes; 29 arrows, all between nodes.
    f"{D}templates__business__bpmn_4.xml": [
        ("Page-1", 23, 29, 0, 0, 0, []),
    ],
}

CASES = [(f, i, *page) for f, pages in EXPECTED.items() for i, page in enumerate(pages)]


@pytest.mark.parametrize("file,index,name,nodes,flows,messages,lanes,pools,unknown", CASES,
                         ids=[f"{c[0].split('__')[-1]}[{c[1]}]" for c in CASES])
def test_corpus_page_reads_as_counted(file, index, name, nodes, flows, messages, lanes, pools,
                                      unknown):
    require_corpus()
    p = read_drawio(CORPUS / "drawio" / file, page=index)
    assert p.meta["page"]["name"] == name
    assert len(p.meta["pages"]) == len(EXPECTED[file])
    assert p.graph.number_of_nodes() == nodes
    assert len(p.flows) == flows
    assert len(p.message_flows) == messages
    assert len(p.lanes) == lanes
    assert len(p.participants) == pools
    found = sorted(f.element_id for f in p.findings if f.rule == "drawio-unknown-shape")
    assert found == sorted(unknown)
    for _, data in p.graph.nodes(data=True):
        assert data["page"] == name and data["cell"]


def test_every_corpus_file_is_covered():
    require_corpus()
    files = {p.name for p in (CORPUS / "drawio").iterdir()
             if p.suffix in (".drawio", ".xml") and not p.name.startswith("DERIVED")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("stem", ["blog__incident-response-bpmn", "blog__bpmn-2-example"])
def test_uncompressed_twin_reads_the_same(stem):
    require_corpus()
    packed = CORPUS / "drawio" / f"{D}{stem}.drawio"
    plain = CORPUS / "drawio" / f"DERIVED-uncompressed__{D}{stem}.drawio"
    for index in range(len(EXPECTED[packed.name])):
        a, b = read_drawio(packed, page=index), read_drawio(plain, page=index)
        strip = {"line"}
        nodes_a = {n: {k: v for k, v in d.items() if k not in strip}
                   for n, d in a.graph.nodes(data=True)}
        nodes_b = {n: {k: v for k, v in d.items() if k not in strip}
                   for n, d in b.graph.nodes(data=True)}
        assert nodes_a == nodes_b
        assert {k: (f.source, f.target, f.name) for k, f in a.flows.items()} == \
            {k: (f.source, f.target, f.name) for k, f in b.flows.items()}
        assert a.diagram.shapes == b.diagram.shapes
        assert a.meta["compressed"] and not b.meta["compressed"]
        # uncompressed pages keep each cell's line in the file; compressed ones cannot
        assert all(d["line"] is None for _, d in a.graph.nodes(data=True))
        assert all(isinstance(d["line"], int) for _, d in b.graph.nodes(data=True))


def test_semantics_read_from_the_drawings():
    """Facts read off the drawings: boundary events, markers, loose ends, guessed pools."""
    require_corpus()
    order = read_drawio(CORPUS / "drawio" / f"{D}blog__bpmn-2-example.drawio", page=0)
    g = order.graph
    # the error and escalation events drawn across the bottom border of "Procure items"
    assert g.nodes["gj7Lqz_uDxO7MRF6QAoS-29"]["attached_to"] == "gj7Lqz_uDxO7MRF6QAoS-27"
    assert g.nodes["gj7Lqz_uDxO7MRF6QAoS-29"]["cancel_activity"] is True  # boundInt
    assert g.nodes["gj7Lqz_uDxO7MRF6QAoS-28"]["cancel_activity"] is False  # boundNonint
    assert g.nodes["gj7Lqz_uDxO7MRF6QAoS-27"]["type"] == "subProcess"  # isLoopSub (+)
    # gateway2 outline=eventInt symbol=error is no gateway marker: exclusive, with a warning
    assert g.nodes["gj7Lqz_uDxO7MRF6QAoS-19"]["type"] == "exclusiveGateway"
    assert any(f.rule == "drawio-odd-gateway" for f in order.findings)
    # message flows take their names from the envelope cells on them
    assert order.message_flows["G3vWXNh6A1pPj3LREwGl-5"].name == "Order"

    t3 = read_drawio(CORPUS / "drawio" / f"{D}templates__business__bpmn_3.xml").graph
    assert t3.nodes["_7a84cebc1def654-14"]["type"] == "receiveTask"  # envelope marker
    assert t3.nodes["_7a84cebc1def654-12"]["type"] == "subProcess"  # + marker
    assert t3.nodes["_7a84cebc1def654-17"]["attached_to"] == "_7a84cebc1def654-16"

    t4 = read_drawio(CORPUS / "drawio" / f"{D}templates__business__bpmn_4.xml").graph
    assert t4.nodes["_34c20cec727f58e5-17"]["type"] == "eventBasedGateway"
    assert t4.nodes["_34c20cec727f58e5-33"]["type"] == "intermediateCatchEvent"

    t1 = read_drawio(CORPUS / "drawio" / f"{D}templates__business__bpmn_1.xml")
    loose = [f for f in t1.findings if f.rule == "drawio-loose-edge"]
    assert len(loose) == 6  # 3 separators dropped, 3 ends snapped
    assert t1.flows["_4056"].target == "_4023" and t1.flows["_4058"].source == "_4023"
    names = sorted(pt.name for pt in t1.participants.values())
    assert names == ["ANALYSIS", "FACTORY", "SCHEDULING"]  # frames titled by rotated text
    assert t1.graph.nodes["_4040"]["parent"] == "_4023"  # inside the box with arrows
