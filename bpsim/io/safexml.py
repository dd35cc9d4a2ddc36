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


#: Leading bytes of common non-XML files someone may save under a .bpmn or .drawio name.
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (e.g. a .vsdx, .docx or zipped export)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office (OLE) document, e.g. a .vsd or .doc"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
]
_NEEDS = ("bpsim needs the XML file the modelling tool saves: BPMN 2.0 XML (Camunda Modeler, "
          "bpmn.io: File > Save or Export > BPMN 2.0; Signavio, Bizagi: export as BPMN 2.0 "
          "XML) or a .drawio file (draw.io: File > Save as), not a picture or export of it.")


def what_file(data: bytes) -> str | None:
    """What a non-XML file is (``"a PNG image"``), from its first bytes; ``None`` when it
    may be XML (it starts with ``<`` after white space and a byte-order mark)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if what == "a BMP image" and len(data) < 26:
                continue
            return what
    head = data[:1024].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if not head or head.startswith(b"<"):
        return None
    if head[:1] in (b"{", b"["):
        return "a JSON document"
    if b"\x00" in data[:512]:
        return "a binary file"
    return "a text file that is not XML"


def refuse_non_xml(data: bytes, *, file: str | None = None) -> None:
    """Raise :class:`NotAProcessError` saying what a non-XML file is and what bpsim needs."""
    what = what_file(data)
    if what is None:
        return
    extra = ""
    if what == "a PNG image" and b"mxfile" in data[:2_000_000].replace(b"%3C", b"<"):
        extra = (" It holds a draw.io diagram (exported as a PNG with the diagram embedded): "
                 "open it in draw.io and save it as .drawio.")
    first = data[:40].decode("utf-8", "replace").splitlines()[0] if data[:1] not in (
        b"\x89", b"\xff") and what.startswith("a text") else ""
    shown = f" (it starts with {first!r})" if first else ""
    raise NotAProcessError(f"this is {what}{shown}, not BPMN or draw.io XML.{extra}",
                           file=file, hint=_NEEDS)


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
    refuse_non_xml(data, file=file)
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
