"""Parse XML as hostile input.

A diagram file comes from anywhere: a colleague's laptop, a ticket attachment, the web. XML
can carry a DOCTYPE whose entities expand a few bytes into gigabytes ("billion laughs"), or
read local files and URLs (external entities, XXE). BPMN 2.0 and draw.io never need a DTD,
so bpsim refuses any document that declares one, expands no entity, never touches the
network, and caps the size of what it reads. Every refusal is an
:class:`~bpsim.errors.UnsafeInputError` that says why.

:func:`parse_xml` is the only way bpsim turns bytes into an element tree.
"""

from __future__ import annotations

import os
import re

from lxml import etree

from bpsim._paths import read_limited
from bpsim.errors import NotAProcessError, ReadError, UnsafeInputError

__all__ = ["MAX_XML_BYTES", "parse_xml", "read_source"]

#: Largest XML document bpsim reads (bytes). Real BPMN files are well under 1 MB; the largest
#: corpus file is 240 kB. Override with the BPSIM_MAX_XML_BYTES environment variable.
MAX_XML_BYTES = int(os.environ.get("BPSIM_MAX_XML_BYTES", 64 * 1024 * 1024))

_DTD_MARKERS = [
    re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE),
    re.compile(rb"<!\s*ENTITY", re.IGNORECASE),
]


def read_source(source: str | os.PathLike | bytes, *, limit: int | None = None) -> tuple[bytes, str]:
    """Return ``(data, name)`` for a path or raw bytes, refusing oversize files.

    ``name`` is the path as given, or ``"<bytes>"``.
    """
    limit = MAX_XML_BYTES if limit is None else limit
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "<bytes>"
    else:
        name = str(source)
        data = read_limited(
            source, limit, too_big=UnsafeInputError,
            hint="set BPSIM_MAX_XML_BYTES to a larger limit if the file is trusted.")
    if len(data) > limit:
        raise UnsafeInputError(
            f"input is {len(data):,} bytes, more than the {limit:,} bytes bpsim reads.",
            file=name,
            hint="set BPSIM_MAX_XML_BYTES to a larger limit if the file is trusted.",
        )
    return data, name


def _utf16_variants(data: bytes) -> list[bytes]:
    """The document bytes as they would be scanned, including UTF-16 re-encodings."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and b"\x00" in data[:200]):
        for enc in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return [data.decode(enc).encode("utf-8", "replace")]
            except UnicodeDecodeError:
                continue
    return [data]


def parse_xml(data: bytes, *, file: str | None = None) -> etree._Element:
    """Parse ``data`` safely and return the root element.

    Refuses DOCTYPE and ENTITY declarations before parsing, then parses with entity
    resolution, DTD loading and network access off. Raises :class:`ReadError` (with
    ``file:line:column`` and lxml's reason) on malformed XML and on empty input.
    """
    if not data.strip():
        raise NotAProcessError(
            "the file is empty; expected BPMN 2.0 XML or a draw.io diagram.",
            file=file,
            hint="export the diagram again.",
        )
    for text in _utf16_variants(data):
        for marker in _DTD_MARKERS:
            m = marker.search(text)
            if m:
                line = text.count(b"\n", 0, m.start()) + 1
                raise UnsafeInputError(
                    "the document declares a DTD or entities (<!DOCTYPE>/<!ENTITY>); bpsim never "
                    "expands entities or loads DTDs, which can read local files, reach the network "
                    "or blow up in memory.",
                    file=file,
                    line=line,
                    hint="remove the DOCTYPE declaration; BPMN and draw.io files do not need one.",
                )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=False,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, column = (exc.position if exc.position else (exc.lineno, None))
        reason = (exc.msg or str(exc)).strip()
        # lxml repeats the position at the end of its message; it is already in front
        reason = re.sub(r",\s*line \d+,\s*column \d+\s*$", "", reason)
        raise ReadError(
            f"not well-formed XML: {reason}",
            file=file,
            line=line,
            column=column,
            hint="the file is damaged or truncated; export it again from the modelling tool.",
        ) from None
    except ValueError as exc:  # e.g. unicode strings with encoding declarations
        raise ReadError(f"cannot parse XML: {exc}", file=file) from None
    if root is None:
        raise ReadError("the file holds no XML element.", file=file)
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeInputError(
            "the document declares a DTD; bpsim refuses documents with DTDs.",
            file=file,
            hint="remove the DOCTYPE declaration.",
        )
    return root
