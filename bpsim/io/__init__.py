"""Readers and writers, one module per file format (as in ``networkx.readwrite``).

* :mod:`bpsim.io.bpmn` reads BPMN 2.0 XML from any modelling tool.
* :mod:`bpsim.io.drawio` reads draw.io / diagrams.net files drawn with BPMN shapes.
* :mod:`bpsim.io.bpmn_writer` and :mod:`bpsim.io.drawio_writer` write them back.
* :mod:`bpsim.io.safexml` is the one hostile-input-proof way bpsim parses XML.

:func:`read` looks at the content, not the file name, and calls the right reader.
"""

from __future__ import annotations

import os
from typing import Any

from bpsim.errors import NotAProcessError
from bpsim.io.safexml import parse_xml, read_source
from bpsim.model import Process

__all__ = ["read", "sniff", "describe_root"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

_KNOWN_ROOTS = {
    "svg": "an SVG image",
    "html": "an HTML page",
    "mxfile": "a draw.io diagram",
    "mxGraphModel": "a draw.io diagram",
    "Package": "an XPDL process package",
}
_KNOWN_NAMESPACES = {
    "http://www.omg.org/spec/DMN": "a DMN decision model",
    "https://www.omg.org/spec/DMN": "a DMN decision model",
    "http://www.omg.org/spec/CMMN": "a CMMN case model",
    "http://www.wfmc.org": "an XPDL process package",
    "http://www.w3.org/2000/svg": "an SVG image",
    "http://www.w3.org/1999/xhtml": "an HTML page",
}


def describe_root(root) -> str:
    """What a parsed document is, in words, for "this is not a process file" messages."""
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rsplit("}", 1)[-1]
    ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    if ns == BPMN_NS:
        return f"a BPMN fragment whose root is <{local}>, not <definitions>"
    what = next((v for k, v in _KNOWN_NAMESPACES.items() if ns.startswith(k)), None)
    what = what or _KNOWN_ROOTS.get(local, "an XML document")
    return f"{what} (root element <{local}>" + (f" in namespace {ns})" if ns else ")")


def sniff(root) -> str:
    """``"bpmn"`` or ``"drawio"`` for a parsed root element, else raise NotAProcessError."""
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rsplit("}", 1)[-1]
    ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    if local == "definitions" and ns == BPMN_NS:
        return "bpmn"
    if local in ("mxfile", "mxGraphModel") and not ns:
        return "drawio"
    raise NotAProcessError(
        f"this is not a process file: it is {describe_root(root)}; expected BPMN 2.0 "
        f"<definitions> (namespace {BPMN_NS}) or a draw.io <mxfile>.",
        hint="export the diagram as BPMN 2.0 XML, or save it from draw.io as .drawio.",
    )


def read(source: str | os.PathLike | bytes, **options: Any) -> Process:
    """Read a BPMN 2.0 or draw.io file, whatever its extension, into a :class:`Process`.

    ``options`` go to the reader (``lenient=True``; ``page=`` for draw.io).
    """
    data, name = read_source(source)
    root = parse_xml(data, file=name)
    try:
        kind = sniff(root)
    except NotAProcessError as exc:
        exc.file = name
        raise
    if kind == "bpmn":
        from bpsim.io.bpmn import from_xml
    else:
        from bpsim.io.drawio import from_xml
    return from_xml(root, file=name, **options)
