"""Matching BPMN 2.0 XML elements: by namespace URI, with ``xsi:type`` resolved.

Tools write the same element in many ways: ``<bpmn:task>``, ``<semantic:task>``, ``<task>`` in
the default namespace, or a generic ``<flowNode xsi:type="bpmn:tTask">``. :func:`kind_of` gives
the BPMN kind of any of them (``"task"``), and ``None`` for comments and vendor elements (which
reuse BPMN words and ids); :func:`children` walks the BPMN-namespace children of an element.
The other helpers read a name, a text, a BPMN boolean, the vendor attributes (Clark notation)
and the raw ``extensionElements`` that :mod:`bpsim.io.bpmn` keeps so nothing a tool wrote is
lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from bpsim.io import BPMN_NS

__all__ = ["BPMN_NS", "XSI_TYPE", "kind_of", "children", "text_of", "name_of", "parse_bool",
           "foreign_attributes", "extension_texts"]

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

#: Generic elements whose real kind is given by ``xsi:type`` (``<eventDefinition
#: xsi:type="bpmn:tTimerEventDefinition">``).
_GENERIC = {"flowElement", "flowNode", "rootElement", "eventDefinition", "activity", "event",
            "gateway", "loopCharacteristics", "artifact", "baseElement"}


def kind_of(el: Any) -> str | None:
    """The BPMN kind of an element (local name, or its xsi:type for generic elements);
    ``None`` for comments, processing instructions and non-BPMN elements."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{" + BPMN_NS + "}"):
        return None
    local = tag[len(BPMN_NS) + 2:]
    if local in _GENERIC:
        qname = el.get(XSI_TYPE)
        if qname:
            prefix, _, name = qname.rpartition(":")
            ns = el.nsmap.get(prefix or None)
            if ns == BPMN_NS and name.startswith("t") and len(name) > 1:
                return name[1].lower() + name[2:]
    return local


def children(el: Any) -> Iterator[tuple[str, Any]]:
    """``(kind, child)`` for the BPMN-namespace children of ``el``."""
    for child in el:
        kind = kind_of(child)
        if kind is not None:
            yield kind, child


def text_of(el: Any) -> str:
    """The text inside ``el`` (sub-elements included), stripped."""
    return "".join(el.itertext()).strip()


def name_of(el: Any) -> str | None:
    """The ``name`` attribute, ``None`` when absent or empty."""
    name = el.get("name")
    return name if name else None


def parse_bool(value: str | None, default: bool | None) -> bool | None:
    """An XML Schema boolean (``true``/``false``/``1``/``0``); ``default`` when absent or
    anything else."""
    if value is None:
        return default
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return default


def foreign_attributes(el: Any) -> dict[str, str]:
    """Attributes in a namespace (vendor attributes, ``xml:lang`` ...), Clark notation keys."""
    return {k: v for k, v in el.attrib.items() if k.startswith("{") and k != XSI_TYPE}


def extension_texts(el: Any) -> list[str]:
    """The vendor elements inside ``el``'s ``extensionElements``, each as XML text."""
    out = []
    for kind, child in children(el):
        if kind == "extensionElements":
            for ext in child:
                if isinstance(ext.tag, str):
                    out.append(etree.tostring(ext, encoding="unicode", with_tail=False).strip())
    return out
