"""draw.io files a fuzzer (or a careless export) produces: each read, or refused with exit 2.

Empty, blank and foreign ``<diagram>`` pages, thousands of nested swimlanes, pages that add up
to gigabytes, and drawings large enough that a quadratic reader never finishes. Linearity is
checked by counting geometry comparisons at two sizes, not by timing.
"""

from __future__ import annotations

import base64
import urllib.parse
import zlib

import pytest

import bpsim.io.drawio_arrows as drawio_arrows
import bpsim.io.drawio_lanes as drawio_lanes
import bpsim.io.drawio_page as drawio_page
import bpsim.io.safexml as safexml
from bpsim.cli import main
from bpsim.errors import NotAProcessError, ReadError, UnsafeInputError
from bpsim.io.drawio import read_drawio

TASK = "shape=mxgraph.bpmn.task;"
START = "shape=mxgraph.bpmn.event;outline=standard;symbol=general;"
END = "shape=mxgraph.bpmn.event;outline=end;symbol=terminate;"
TIMER = "shape=mxgraph.bpmn.event;outline=boundInt;symbol=timer;"


def compress(xml: str) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    quoted = urllib.parse.quote(xml, safe="").encode()
    return base64.b64encode(packer.compress(quoted) + packer.flush()).decode()


def model(cells: str) -> str:
    return ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>' + cells
            + "</root></mxGraphModel>")


def vertex(cid: str, style: str, x: float, y: float, w: float, h: float, parent: str = "1",
           label: str = "") -> str:
    return (f'<mxCell id="{cid}" value="{label}" style="{style}" vertex="1" parent="{parent}">'
            f'<mxGeometry x="{x}" y="{y}" width="{w}" height="{h}" as="geometry"/></mxCell>')


def edge(cid: str, source: str, target: str) -> str:
    return (f'<mxCell id="{cid}" edge="1" parent="1" source="{source}" target="{target}">'
            '<mxGeometry relative="1" as="geometry"/></mxCell>')


def chain(n: int) -> str:
    """A start event, ``n`` plain boxes in a row, an end event: one long line of arrows."""
    cells = [vertex("st", START, 0, 0, 30, 30)]
    prev = "st"
    for i in range(n):
        cells.append(vertex(f"t{i}", "rounded=1;", (i + 1) * 150, 0, 100, 60, label=f"T{i}"))
        cells.append(edge(f"e{i}", prev, f"t{i}"))
        prev = f"t{i}"
    cells.append(vertex("en", END, (n + 1) * 150, 0, 30, 30))
    cells.append(edge("ee", prev, "en"))
    return model("".join(cells))


def pile(n: int) -> str:
    """``n`` tasks drawn on the same spot, each with a timer on its corner."""
    cells = []
    for i in range(n):
        cells.append(vertex(f"t{i}", TASK, 0, 0, 100, 60, label=f"T{i}"))
        cells.append(vertex(f"b{i}", TIMER, 85, 45, 30, 30, label=f"B{i}"))
    return model("".join(cells))


def mxfile(*pages: str) -> bytes:
    return ("<mxfile>" + "".join(f'<diagram name="p{i}">{p}</diagram>'
                                 for i, p in enumerate(pages)) + "</mxfile>").encode()


def inspect(capsys, tmp_path, data: bytes, name: str = "x.drawio"):
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["inspect", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("page", ["", "   \n  ", "<foo/>", "<foo><bar/></foo>"])
def test_empty_blank_or_foreign_page_is_a_clear_error(tmp_path, capsys, page):
    code, out, err = inspect(capsys, tmp_path, f'<mxfile><diagram name="a">{page}</diagram>'
                             "</mxfile>".encode())
    assert code == 2 and "internal error" not in err, err
    assert "x.drawio" in err and "Fix:" in err
    assert err.count("\n") == 1


def test_an_empty_page_beside_a_drawn_one_is_skipped(tmp_path):
    data = ('<mxfile><diagram name="blank"></diagram><diagram name="desk">' + chain(2)
            + "</diagram></mxfile>").encode()
    process = read_drawio(data)
    assert process.meta["page"]["name"] == "desk"
    assert process.meta["pages"][0]["nodes"] == 0
    with pytest.raises(NotAProcessError, match="page 1 .'blank'. is empty"):
        read_drawio(data, page="blank")


def nested_lanes(depth: int) -> str:
    cells, parent = [], "1"
    for i in range(depth):
        size = 20 * depth - 10 * i
        cells.append(vertex(f"s{i}", "swimlane;", 10, 10, size, size, parent, f"L{i}"))
        parent = f"s{i}"
    cells.append(vertex("t", TASK, 1, 1, 5, 5, parent, "deep"))
    return model("".join(cells))


def test_thousand_nested_swimlanes_are_refused_not_a_recursion_error(tmp_path, capsys):
    code, out, err = inspect(capsys, tmp_path, mxfile(nested_lanes(1000)))
    assert code == 2 and "internal error" not in err, err
    assert "nested more than" in err and "element s" in err and "Fix:" in err


def test_forty_nested_swimlanes_still_read():
    process = read_drawio(mxfile(nested_lanes(40)))
    assert len(process.lanes) >= 39
    lane = process.graph.nodes["t"]["lane"]
    assert process.lanes[lane].name == "L39"


def test_payload_cap_counts_the_whole_file_not_each_page(monkeypatch):
    page = compress(chain(40))
    one = len(urllib.parse.quote(chain(40), safe=""))
    monkeypatch.setattr(safexml, "MAX_XML_BYTES", int(one * 3.5))
    read_drawio(mxfile(page, page, page))  # three pages fit the budget
    with pytest.raises(UnsafeInputError, match="pages together"):
        read_drawio(mxfile(page, page, page, page))


class Counter:
    """Counts the geometry comparisons the draw.io reader makes."""

    def __init__(self, monkeypatch):
        self.calls = 0
        for module in (drawio_page, drawio_lanes, drawio_arrows):
            for name in ("contains", "border_distance", "point_to_bounds"):
                if hasattr(module, name):
                    monkeypatch.setattr(module, name, self.wrap(getattr(module, name)))

    def wrap(self, func):
        def counted(*args, **kwargs):
            self.calls += 1
            return func(*args, **kwargs)
        return counted


def comparisons(monkeypatch, text: str) -> int:
    with monkeypatch.context() as m:
        counter = Counter(m)
        read_drawio(mxfile(compress(text)))
        return counter.calls


def test_reading_a_long_chain_is_linear(monkeypatch):
    # a quadratic reader compares each box with every other shape: 1.4 million times here
    assert comparisons(monkeypatch, chain(1200)) <= 4 * 1200


def test_a_pile_of_tasks_with_boundary_events_is_linear(monkeypatch):
    small, large = comparisons(monkeypatch, pile(200)), comparisons(monkeypatch, pile(800))
    assert large <= 4 * small <= 4 * 4 * 200, (small, large)  # quadratic: 16 times
    process = read_drawio(mxfile(pile(50)))
    hosts = {v["attached_to"] for _, v in process.graph.nodes(data=True)
             if v["type"] == "boundaryEvent"}
    assert hosts == {"t0"}  # every timer sits on the first of the identical tasks


def test_a_box_drawn_exactly_over_another_does_not_hold_it():
    cells = vertex("a", TASK, 0, 0, 100, 60, label="A") + vertex("b", TASK, 0, 0, 100, 60,
                                                                   label="B")
    process = read_drawio(mxfile(model(cells)))
    assert {v["type"] for _, v in process.graph.nodes(data=True)} == {"task"}


def test_damaged_pages_name_the_page_counting_from_one(tmp_path, capsys):
    code, _, err = inspect(capsys, tmp_path, b'<mxfile><diagram name="a">!!notbase64</diagram>'
                           b"</mxfile>")
    assert code == 2 and "page 1 ('a')" in err, err
    with pytest.raises(ReadError):
        read_drawio(b'<mxfile><diagram name="a">!!notbase64</diagram></mxfile>', page="a")



def test_validating_a_pile_of_shapes_is_linear():
    """The overlap lint's sweep over x touches each shape a few times, not once per pair."""
    from bpsim.model import Bounds
    from bpsim.validate.lint_layout import _overlapping

    class Counting(dict):
        reads = 0

        def __getitem__(self, key):
            Counting.reads += 1
            return super().__getitem__(key)

    n = 3000
    shapes = Counting({f"t{i}": Bounds(0, 0, 100, 60) for i in range(n)})
    assert _overlapping(list(shapes), shapes, lambda a, b: False) == set(shapes)
    assert Counting.reads <= 20 * n, Counting.reads  # refiltering every step: 4.5 million
