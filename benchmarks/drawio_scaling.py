"""Does the draw.io reader scale linearly, like the BPMN reader?

Builds a chain of N tasks (start, N boxes joined by arrows, end) twice: as a compressed draw.io
page (what draw.io saves by default) and as BPMN 2.0 XML, and reads both with
:func:`bpsim.read`; then a pile of N tasks drawn on one spot, each with a timer on its corner
(the shape a fuzzer makes, which used to hang the reader). Prints seconds per size, the ratio
to the previous size (about 2 when doubling N is linear, 4 when quadratic) and the draw.io /
BPMN ratio.

Run from the repository root::

    python benchmarks/drawio_scaling.py [--sizes 5000 10000 20000 40000]
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
import urllib.parse
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bpsim import read  # noqa: E402

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _cell(cid: str, style: str, x: float, y: float, w: float, h: float, label: str = "") -> str:
    return (f'<mxCell id="{cid}" value="{label}" style="{style}" vertex="1" parent="1">'
            f'<mxGeometry x="{x}" y="{y}" width="{w}" height="{h}" as="geometry"/></mxCell>')


def _page(cells: list[str]) -> bytes:
    xml = ('<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>' + "".join(cells)
           + "</root></mxGraphModel>")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    quoted = urllib.parse.quote(xml, safe="").encode()
    payload = base64.b64encode(packer.compress(quoted) + packer.flush()).decode()
    return f'<mxfile><diagram name="chain">{payload}</diagram></mxfile>'.encode()


def drawio_chain(n: int) -> bytes:
    cells = [_cell("st", "shape=mxgraph.bpmn.event;outline=standard;symbol=general;", 0, 0,
                   30, 30)]
    prev = "st"
    for i in range(n):
        cells.append(_cell(f"t{i}", "rounded=1;", (i + 1) * 150, 0, 100, 60, f"Task {i}"))
        cells.append(f'<mxCell id="e{i}" edge="1" parent="1" source="{prev}" target="t{i}">'
                     '<mxGeometry relative="1" as="geometry"/></mxCell>')
        prev = f"t{i}"
    cells.append(_cell("en", "shape=mxgraph.bpmn.event;outline=end;symbol=terminate;",
                       (n + 1) * 150, 0, 30, 30))
    cells.append(f'<mxCell id="ee" edge="1" parent="1" source="{prev}" target="en">'
                 '<mxGeometry relative="1" as="geometry"/></mxCell>')
    return _page(cells)


def drawio_pile(n: int) -> bytes:
    cells = []
    for i in range(n):
        cells.append(_cell(f"t{i}", "shape=mxgraph.bpmn.task;", 0, 0, 100, 60, f"T{i}"))
        cells.append(_cell(f"b{i}", "shape=mxgraph.bpmn.event;outline=boundInt;symbol=timer;",
                           85, 45, 30, 30, f"B{i}"))
    return _page(cells)


def bpmn_chain(n: int) -> bytes:
    parts = [f'<definitions xmlns="{BPMN}" id="D" targetNamespace="x"><process id="P">',
             '<startEvent id="st"/>']
    prev = "st"
    for i in range(n):
        parts.append(f'<task id="t{i}" name="Task {i}"/>'
                     f'<sequenceFlow id="e{i}" sourceRef="{prev}" targetRef="t{i}"/>')
        prev = f"t{i}"
    parts.append(f'<endEvent id="en"/><sequenceFlow id="ee" sourceRef="{prev}" targetRef="en"/>')
    parts.append("</process></definitions>")
    return "".join(parts).encode()


def timed(data: bytes) -> tuple[float, int]:
    start = time.process_time()
    process = read(data)
    return time.process_time() - start, process.graph.number_of_nodes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000, 40000])
    args = parser.parse_args()
    print(f"{'N':>7} {'draw.io s':>10} {'x prev':>7} {'BPMN s':>8} {'x prev':>7} "
          f"{'drawio/BPMN':>12} {'pile s':>8} {'x prev':>7}   (CPU seconds)")
    prev = None
    for n in args.sizes:
        d, nodes = timed(drawio_chain(n))
        b, _ = timed(bpmn_chain(n))
        p, _ = timed(drawio_pile(n // 8))
        ratios = ("" if prev is None else f"{d / prev[0]:7.2f}",
                  "" if prev is None else f"{b / prev[1]:7.2f}",
                  "" if prev is None else f"{p / prev[2]:7.2f}")
        print(f"{n:>7} {d:>10.2f} {ratios[0]:>7} {b:>8.2f} {ratios[1]:>7} {d / b:>12.1f} "
              f"{p:>8.2f} {ratios[2]:>7}   ({nodes} nodes; pile of {n // 8} tasks + timers)")
        prev = (d, b, p)


if __name__ == "__main__":
    main()
