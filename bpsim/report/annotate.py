"""Results written back onto the user's own diagram file: BPMN, draw.io, SVG or PNG.

``Results.annotate(path, metric="utilization")`` and ``bpsim simulate ... --annotate OUT``
pick the format by ``OUT``'s suffix:

``.bpmn`` / ``.bpmn20.xml`` / ``.xml``
    A copy of the input BPMN file in which each task, event and gateway with a figure is
    coloured the way bpmn.io and Camunda Modeler display colours: on its ``BPMNShape``, both
    ``bioc:fill``/``bioc:stroke`` (namespace ``http://bpmn.io/schema/bpmn/biocolor/1.0``,
    what bpmn-js writes) and ``color:background-color``/``color:border-color`` (namespace
    ``http://www.omg.org/spec/BPMN/non-normative/color/1.0``, the OMG non-normative
    extension that bpmn-js reads first), and ``color:color`` on its ``BPMNLabel`` (added,
    with a ``bpsim_figure_label_<id>`` id, when the shape has none) so the name stays
    readable on a dark fill. Each activity's figure goes into a new text
    annotation (``bpsim_figure_<id>``) joined to it by an association, drawn above the
    shape; names, ids, vendor extensions, documentation and the rest of the DI stay as they
    were. A model without diagram interchange (or read from draw.io) is written by
    :mod:`bpsim.io.bpmn_writer` with bpsim's layout first.
``.drawio``
    A copy of the input draw.io file: the simulated page's shapes get ``fillColor`` and
    ``strokeColor`` in their style, and each activity's figure is a new text cell
    (``bpsim_figure_<cell>``) above the shape in the same parent; other pages, layers and
    every geometry stay as they were, and a page stored compressed is written back
    compressed. A model read from BPMN is written by :mod:`bpsim.io.drawio_writer` first.
``.svg`` / ``.png``
    The drawing of :mod:`bpsim.report.diagram` (colour bar, legend, flows as wide as they
    are busy).

Every file is written whole or not at all.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
import zlib
from pathlib import Path
from typing import Any

from bpsim._atomic import write_bytes
from bpsim.errors import BpsimError
from bpsim.model import ACTIVITY_TYPES

__all__ = ["annotate", "annotate_bpmn", "annotate_drawio", "BIOC_NS", "COLOR_NS",
           "FIGURE_PREFIX", "SUFFIXES"]

BIOC_NS = "http://bpmn.io/schema/bpmn/biocolor/1.0"
COLOR_NS = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
#: id prefix of every element annotate adds (text annotations, associations, text cells)
FIGURE_PREFIX = "bpsim_figure_"
SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml", ".drawio", ".svg", ".png")

# children of a <process> / <subProcess> that come after its flow elements and artifacts
_TRAILING = {"resourceRole", "performer", "humanPerformer", "potentialOwner",
             "correlationSubscription", "supports", "ioSpecification", "ioBinding",
             "standardLoopCharacteristics", "multiInstanceLoopCharacteristics"}
_LEADING = {"documentation", "extensionElements", "auditing", "monitoring", "property",
            "laneSet", "incoming", "outgoing", "dataInputAssociation",
            "dataOutputAssociation"}


def _suffix(path: str | os.PathLike) -> str:
    name = Path(path).name.lower()
    return ".bpmn20.xml" if name.endswith(".bpmn20.xml") else Path(name).suffix


def annotate(results, path: str | os.PathLike, metric: str = "utilization") -> Path:
    """Write ``results`` onto a diagram file at ``path`` (format by suffix, see the module
    docstring); return the path."""
    from bpsim.report.diagram import check_metric, drawing

    check_metric(metric)
    suffix = _suffix(path)
    if suffix not in SUFFIXES:
        what = suffix or "a file without an extension"
        raise BpsimError(f"--annotate writes {', '.join(SUFFIXES)}, not {what}.",
                         file=str(path),
                         hint="name the output e.g. annotated.bpmn, annotated.drawio, "
                              "annotated.svg or annotated.png.")
    if suffix in (".svg", ".png"):
        drawing(results, metric).save(path)
        return Path(path)
    if suffix == ".drawio":
        return write_bytes(path, annotate_drawio(results, metric))
    return write_bytes(path, annotate_bpmn(results, metric))


def _source_bytes(results, fmt: str) -> bytes | None:
    p = results.process
    if p is None or p.format != fmt or not p.source:
        return None
    try:
        return Path(p.source).read_bytes()
    except OSError:
        return None


def _figures(results, metric: str):
    """``{id: (fill, stroke, figure text or None)}`` for the elements the metric colours."""
    from bpsim.report.diagram import overlay

    ov = overlay(results, metric, key=False)
    g = results.process.graph
    out = {}
    for n, fill in ov.fill.items():
        if n not in g:
            continue
        text = ov.badge.get(n) if g.nodes[n].get("type") in ACTIVITY_TYPES else None
        out[n] = (fill, ov.stroke.get(n, "#333333"), text)
    return out


def _label(metric: str, text: str) -> str:
    """The figure as a short phrase: "72 % busy", "wait 2.3 h", "1,210 tickets" ..."""
    return {"utilization": f"{text} busy", "wait": f"wait {text}",
            "breach": f"{text} breach an SLA", "count": f"{text} tickets",
            "cost": f"cost {text}"}[metric]


# -- BPMN ----------------------------------------------------------------------------------------
def annotate_bpmn(results, metric: str = "utilization") -> bytes:
    """The annotated BPMN file as bytes (see the module docstring)."""
    from lxml import etree

    from bpsim.io import safexml
    from bpsim.render import ColorScale

    data = _source_bytes(results, "bpmn")
    if data is not None:
        root = safexml.parse_xml(data, file=results.process.source)
        if not list(root.iter(f"{{{BPMNDI_NS}}}BPMNShape")):
            data = None
    if data is None:
        from bpsim.io.bpmn_writer import generate_bpmn

        data = generate_bpmn(results.process)
        root = safexml.parse_xml(data)
    figures = _figures(results, metric)
    shapes: dict[str, Any] = {}
    for s in root.iter(f"{{{BPMNDI_NS}}}BPMNShape"):
        ref = (s.get("bpmnElement") or "").strip()
        shapes.setdefault(ref, s)
    elements = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str)
                and el.get("id") and el.tag.startswith(f"{{{BPMN_NS}}}")}
    for n, (fill, stroke, text) in figures.items():
        shape = shapes.get(n)
        if shape is None:
            continue
        shape.set(f"{{{BIOC_NS}}}stroke", stroke)
        shape.set(f"{{{BIOC_NS}}}fill", fill)
        shape.set(f"{{{COLOR_NS}}}background-color", fill)
        shape.set(f"{{{COLOR_NS}}}border-color", stroke)
        # bpmn-js draws a label in the stroke colour unless its BPMNLabel says otherwise:
        # keep the name readable on a dark fill
        label = next((c for c in shape if isinstance(c.tag, str)
                      and c.tag == f"{{{BPMNDI_NS}}}BPMNLabel"), None)
        if label is None:
            label = etree.SubElement(shape, f"{{{BPMNDI_NS}}}BPMNLabel",
                                     id=f"{FIGURE_PREFIX}label_{n}")
        label.set(f"{{{COLOR_NS}}}color", ColorScale.text_color(fill))
        if text and n in elements:
            _bpmn_text_annotation(elements[n], shape, n, _label(metric, text))
    keep = [k for k in (root.nsmap or {}) if k is not None]
    etree.cleanup_namespaces(root, top_nsmap={"bioc": BIOC_NS, "color": COLOR_NS},
                             keep_ns_prefixes=keep)
    declaration = data.lstrip().startswith(b"<?xml")
    return etree.tostring(root.getroottree(), xml_declaration=declaration, encoding="UTF-8")


def _bpmn_text_annotation(element, shape, node_id: str, text: str) -> None:
    from lxml import etree

    container = element.getparent()
    if container is None:
        return
    aid = f"{FIGURE_PREFIX}{node_id}"
    sid = f"{FIGURE_PREFIX}assoc_{node_id}"
    ann = etree.Element(f"{{{BPMN_NS}}}textAnnotation", id=aid)
    ann.set("textFormat", "text/plain")
    t = etree.SubElement(ann, f"{{{BPMN_NS}}}text")
    t.text = text
    assoc = etree.Element(f"{{{BPMN_NS}}}association", id=sid, sourceRef=node_id,
                          targetRef=aid)
    assoc.set("associationDirection", "None")
    kids = [c for c in container if isinstance(c.tag, str)]
    last = None
    for c in kids:
        if etree.QName(c).localname not in _TRAILING:
            last = c
    if last is None:
        container.insert(0, ann)
    else:
        last.addnext(ann)
    ann.addnext(assoc)
    ann.tail = assoc.tail = last.tail if last is not None else None
    # the diagram: a shape above the activity and a two-point edge to it
    bounds = next((b for b in shape if isinstance(b.tag, str)
                   and etree.QName(b).localname == "Bounds"), None)
    if bounds is None:
        return
    try:
        x, y = float(bounds.get("x")), float(bounds.get("y"))
        w = float(bounds.get("width"))
    except (TypeError, ValueError):
        return
    aw, ah = 110.0, 24.0
    ax, ay = x + w - 20.0, y - ah - 14.0
    ashape = etree.Element(f"{{{BPMNDI_NS}}}BPMNShape", id=f"{aid}_di", bpmnElement=aid)
    etree.SubElement(ashape, f"{{{DC_NS}}}Bounds", x=_num(ax), y=_num(ay), width=_num(aw),
                     height=_num(ah))
    edge = etree.Element(f"{{{BPMNDI_NS}}}BPMNEdge", id=f"{sid}_di", bpmnElement=sid)
    etree.SubElement(edge, f"{{{DI_NS}}}waypoint", x=_num(x + w - 10.0), y=_num(y))
    etree.SubElement(edge, f"{{{DI_NS}}}waypoint", x=_num(ax + 10.0), y=_num(ay + ah))
    plane = shape.getparent()
    plane.append(ashape)
    plane.append(edge)
    ashape.tail = edge.tail = shape.tail


def _num(v: float) -> str:
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return text or "0"


# -- draw.io ---------------------------------------------------------------------------------------
def annotate_drawio(results, metric: str = "utilization") -> bytes:
    """The annotated draw.io file as bytes (see the module docstring)."""
    from lxml import etree

    from bpsim.io import safexml
    from bpsim.io.drawio import decode_page

    process = results.process
    data = _source_bytes(results, "drawio")
    if data is None:
        from bpsim.io.drawio_writer import generate_drawio

        data = generate_drawio(process).encode("utf-8")
        page_index = 0
    else:
        page_index = int((process.meta.get("page") or {}).get("index") or 0)
    root = safexml.parse_xml(data, file=process.source)
    pages = [d for d in root if d.tag == "diagram"] if root.tag == "mxfile" else []
    figures = _figures(results, metric)
    cells = {n: (d.get("cell") or n) for n, d in process.graph.nodes(data=True)}
    if root.tag == "mxGraphModel":
        _colour_model(root, figures, cells, metric)
    else:
        if page_index >= len(pages):
            raise BpsimError("the simulated draw.io page is no longer in the file.",
                             file=process.source, hint="annotate right after reading it.")
        page = pages[page_index]
        model, plain = decode_page(page, page_index, file=process.source)
        if model is None:
            raise BpsimError("the simulated draw.io page is empty.", file=process.source)
        _colour_model(model, figures, cells, metric)
        if not plain:
            page.text = _compress(etree.tostring(model, encoding="unicode"))
    declaration = data.lstrip().startswith(b"<?xml")
    return etree.tostring(root.getroottree(), xml_declaration=declaration, encoding="UTF-8")


def _compress(xml: str) -> str:
    """draw.io's page compression: encodeURIComponent, raw DEFLATE, base64."""
    quoted = urllib.parse.quote(xml, safe="-_.!~*'()")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(quoted.encode("ascii")) + packer.flush()
    return base64.b64encode(packed).decode("ascii")


def _set_style(style: str, **values: str) -> str:
    parts = [p for p in style.split(";") if p]
    keys = {k.replace("_", ""): v for k, v in values.items()}
    out = []
    for p in parts:
        k = p.split("=", 1)[0]
        if k in keys:
            continue
        out.append(p)
    out += [f"{k}={v}" for k, v in keys.items()]
    return ";".join(out) + ";"


def _colour_model(model, figures, cells, metric: str) -> None:
    from lxml import etree

    by_id = {c.get("id"): c for c in model.iter("mxCell", "object", "UserObject")}
    for n, (fill, stroke, text) in figures.items():
        cid = cells.get(n)
        el = by_id.get(cid)
        if el is None:
            continue
        cell = el if el.tag == "mxCell" else el.find("mxCell")
        if cell is None:
            continue
        cell.set("style", _set_style(cell.get("style") or "", fillColor=fill,
                                     strokeColor=stroke))
        if not text:
            continue
        geo = cell.find("mxGeometry")
        if geo is None:
            continue
        try:
            x, y = float(geo.get("x") or 0), float(geo.get("y") or 0)
            w = float(geo.get("width") or 0)
        except ValueError:
            continue
        label = etree.Element("mxCell", id=f"{FIGURE_PREFIX}{cid}",
                              value=_label(metric, text),
                              style="text;html=1;align=left;verticalAlign=middle;"
                                    "fontSize=10;fontStyle=1;strokeColor=none;"
                                    f"fillColor=none;fontColor={_ink(stroke)};",
                              vertex="1", parent=cell.get("parent") or "1")
        g = etree.SubElement(label, "mxGeometry", x=_num(x + w - 20), y=_num(y - 22),
                             width="110", height="20")
        g.set("as", "geometry")
        el.addnext(label)
        label.tail = el.tail


def _ink(stroke: str) -> str:
    return stroke if re.fullmatch(r"#[0-9a-fA-F]{6}", stroke or "") else "#333333"
