"""Read draw.io (diagrams.net) drawings of BPMN processes.

Many service desks draw their ticket flow in draw.io rather than a BPMN modeller: a pool
"Service desk" with lanes Customer / Agent / Specialist / Ticketing system, tasks from the
BPMN palette, diamonds for "Contact known?", arrows labelled Yes and No. bpsim reads such a
drawing into the same :class:`~bpsim.model.Process` the BPMN reader produces, so the scenario
file, the simulation and the reports do not care which tool drew the model.

The file format
---------------
A ``.drawio`` file (also ``.xml``) is an ``<mxfile>`` with one ``<diagram name=…>`` per page,
or a bare ``<mxGraphModel>``. A page is stored either as a child ``<mxGraphModel>``
(uncompressed, the desktop default) or as text: base64 of raw DEFLATE of the URL-encoded XML
(compressed). Inside, every shape and arrow is an ``<mxCell>`` whose ``style`` string says what
it is (``shape=mxgraph.bpmn.task;taskMarker=user``); :mod:`bpsim.io.drawio_cells` holds that
vocabulary and :mod:`bpsim.io.drawio_page` turns one page into a process. See docs/drawio.md
for how to draw a model bpsim reads well.

Hostile input: a compressed page is inflated incrementally and refused
(:class:`~bpsim.errors.UnsafeInputError`) once it would exceed :data:`MAX_PAGE_BYTES`; the
decoded XML goes through :func:`bpsim.io.safexml.parse_xml` like any other document; a page
whose base64 or DEFLATE data is damaged is a :class:`~bpsim.errors.ReadError` naming the page.

What cannot be read is reported, never silently dropped: unknown shapes, loose arrows,
free text and shapes guessed from flowchart vocabulary become :class:`~bpsim.model.Finding`
records in ``process.findings`` (rules ``drawio-unknown-shape``, ``drawio-loose-edge``,
``drawio-text``, ``drawio-guessed-shape`` ...).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import urllib.parse
import zlib
from typing import Any

from bpsim.errors import NotAProcessError, ReadError, UnsafeInputError
from bpsim.io import safexml
from bpsim.io.drawio_page import read_page
from bpsim.model import Finding, Process

__all__ = ["read_drawio", "from_xml", "decode_page", "MAX_PAGE_BYTES"]

#: Largest decoded page (bytes) bpsim inflates; ``None`` means safexml's MAX_XML_BYTES.
MAX_PAGE_BYTES: int | None = None


def read_drawio(
    path_or_bytes: str | os.PathLike | bytes, *, page: str | int | None = None,
    lenient: bool = True,
) -> Process:
    """Read a draw.io file (``.drawio`` or ``.xml``) into a :class:`~bpsim.model.Process`.

    Parameters
    ----------
    path_or_bytes : path or bytes
        The file, or its content.
    page : str or int, optional
        The page to read: its name; an ``int`` 0-based index; or a string of digits, the page
        number as a person counts it (``"1"`` is the first page, as ``bpsim inspect`` lists
        them). By default the first page that holds a BPMN shape.
    lenient : bool
        When true (the default) a damaged page that was not asked for is skipped with a
        finding; when false it is an error.

    Returns
    -------
    Process
        ``process.meta["pages"]`` lists every page (``index``, ``name``, ``id``, ``nodes``,
        ``flows``) and ``process.meta["page"]`` the one read. Every node carries ``cell``
        (the draw.io cell id) and ``page`` (the page name).

    Raises
    ------
    ReadError
        Malformed XML, a damaged compressed page, or an unknown ``page``.
    UnsafeInputError
        A DTD/entity, an oversize file, or a page that inflates beyond the size cap.
    NotAProcessError
        The file is not a draw.io file, or no page holds a BPMN shape.

    Examples
    --------
    >>> import bpsim
    >>> p = bpsim.read_drawio("models/service_desk.drawio")           # doctest: +SKIP
    >>> p.node("Task_Triage")["name"]                                   # doctest: +SKIP
    'Triage ticket'
    """
    data, name = safexml.read_source(path_or_bytes)
    root = safexml.parse_xml(data, file=name)
    return from_xml(root, file=name, page=page, lenient=lenient)


def _limit() -> int:
    return MAX_PAGE_BYTES if MAX_PAGE_BYTES is not None else safexml.MAX_XML_BYTES


def _page_label(name: str | None, index: int) -> str:
    return f"page {index + 1} ({name!r})" if name else f"page {index + 1}"


def decode_page(diagram: Any, index: int = 0, *, file: str | None = None,
                limit: int | None = None) -> tuple[Any, bool]:
    """The ``<mxGraphModel>`` of one ``<diagram>`` and whether it was stored uncompressed.

    Returns ``(None, False)`` for an empty page. ``limit`` caps the decoded size (bytes;
    default :data:`MAX_PAGE_BYTES`); :func:`from_xml` passes what is left of the whole file's
    budget, so many small pages cannot add up to gigabytes either.
    """
    model, plain, _ = _decode(diagram, index, file, limit)
    return model, plain


def _decode(diagram: Any, index: int, file: str | None,
            limit: int | None) -> tuple[Any, bool, int]:
    """:func:`decode_page`, plus the number of bytes decoded."""
    name = diagram.get("name")
    where = _page_label(name, index)
    model = diagram.find("mxGraphModel")
    if model is not None:
        return model, True, 0
    text = "".join((diagram.text or "").split())
    if not text:
        other = next((c for c in diagram if isinstance(c.tag, str)), None)
        if other is not None:
            raise ReadError(f"{where} holds <{other.tag}>, not a draw.io <mxGraphModel>.",
                            file=file, hint="save the diagram again from draw.io.")
        return None, False, 0
    if text.startswith("<"):
        raw = text.encode("utf-8")
        size = len(raw)
    else:
        try:
            packed = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ReadError(
                f"{where} is damaged: its compressed text is not valid base64.",
                file=file, hint="open the file in draw.io and save it again, or save it "
                "uncompressed (File > Properties > Compressed off).") from None
        limit = _limit() if limit is None else limit
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(packed, limit + 1)
            if len(out) <= limit and not inflater.unconsumed_tail:
                out += inflater.flush(limit + 1 - len(out))
        except zlib.error as exc:
            raise ReadError(
                f"{where} is damaged: its DEFLATE data cannot be inflated ({exc}).",
                file=file, hint="open the file in draw.io and save it again.") from None
        if len(out) > limit or inflater.unconsumed_tail:
            whole = limit < _limit()
            raise UnsafeInputError(
                (f"{where} inflates beyond the {_limit():,} bytes bpsim reads from one file "
                 "(its pages together)" if whole else
                 f"{where} inflates to more than {limit:,} bytes") + "; refused (a "
                "compression bomb, or a far larger drawing than bpsim reads).",
                file=file, hint="set BPSIM_MAX_XML_BYTES to a larger limit if the file is "
                "trusted.")
        size = len(out)
        try:
            decoded = out.decode("utf-8")
        except UnicodeDecodeError:
            decoded = out.decode("latin-1")
        if not decoded.lstrip().startswith("<"):
            decoded = _unquote(decoded)  # decodeURIComponent, before XML parsing
        raw = decoded.encode("utf-8")
    try:
        model = safexml.parse_xml(raw, file=file)
    except UnsafeInputError as exc:
        exc.message = f"{where}: {exc.message}"
        raise
    except ReadError as exc:
        raise ReadError(f"{where} does not hold well-formed XML after decoding: {exc.message}",
                        file=file, hint="open the file in draw.io and save it again.") from None
    if model.tag != "mxGraphModel":
        raise ReadError(f"{where} holds <{model.tag}>, not a draw.io <mxGraphModel>.",
                        file=file, hint="save the diagram again from draw.io.")
    return model, False, size


_STRICT_ESCAPES = re.compile(r"[=\s]|%(?![0-9A-Fa-f]{2})")


def _unquote(text: str) -> str:
    """``urllib.parse.unquote`` at C speed for what draw.io writes (``encodeURIComponent``).

    A 40,000-task page holds millions of ``%XX`` escapes; ``unquote`` decodes them one by one
    in Python. When every ``%`` starts a valid escape and the text holds no ``=`` or
    whitespace, percent-decoding equals quoted-printable decoding with ``=`` for ``%``, which
    :func:`binascii.a2b_qp` does in C; any other text goes through ``unquote``.
    """
    if _STRICT_ESCAPES.search(text) is None and text.isascii():
        return binascii.a2b_qp(text.replace("%", "=")).decode("utf-8", "replace")
    return urllib.parse.unquote(text)


def _wanted(diagrams: list[Any], page: str | int | None, file: str | None) -> int | None:
    if page is None:
        return None
    names = [d.get("name") for d in diagrams]
    if isinstance(page, str) and page in names:
        return names.index(page)
    if isinstance(page, int) and 0 <= page < len(diagrams):
        return page
    if isinstance(page, str) and page.strip().isdigit():  # typed by a person: counts from 1
        if 1 <= int(page) <= len(diagrams):
            return int(page) - 1
    listing = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names, start=1))
    raise ReadError(f"the file has no page {page!r}; its pages are {listing}.", file=file,
                    hint="give a page name, or a page number counting from 1.")


def from_xml(root: Any, *, file: str | None = None, page: str | int | None = None,
             lenient: bool = True, **_: Any) -> Process:
    """Read a parsed ``<mxfile>`` or ``<mxGraphModel>`` (see :func:`read_drawio`)."""
    if root.tag == "mxfile":
        diagrams = [d for d in root if d.tag == "diagram"]
    elif root.tag == "mxGraphModel":
        diagrams = [root]
    else:
        raise NotAProcessError(f"the root element is <{root.tag}>, not a draw.io <mxfile>.",
                               file=file, hint="save the diagram from draw.io as .drawio.")
    wanted = _wanted(diagrams, page, file)
    pages: list[dict[str, Any]] = []
    processes: dict[int, Process] = {}
    skipped: list[Finding] = []
    budget = _limit()  # decoded bytes left for the whole file, not per page
    for index, diagram in enumerate(diagrams):
        name = diagram.get("name") if diagram.tag == "diagram" else None
        entry = {"index": index, "name": name, "id": diagram.get("id"), "nodes": None,
                 "flows": None}
        pages.append(entry)
        try:
            if diagram.tag == "mxGraphModel":
                model, plain = diagram, True
            else:
                model, plain, size = _decode(diagram, index, file, budget)
                budget -= size
        except UnsafeInputError:
            raise
        except ReadError as exc:
            if not lenient or wanted == index:
                raise
            entry["error"] = exc.message
            skipped.append(Finding("drawio-bad-page", "error", None, name, exc.message,
                                   file=file, page=name))
            continue
        if model is None:  # an empty page: nothing drawn on it
            entry["nodes"] = entry["flows"] = 0
            continue
        try:
            proc = read_page(model, index=index, name=name, page_id=diagram.get("id"),
                             file=file, with_lines=plain)
        except ReadError as exc:
            if exc.file is None:
                exc.file = file
                exc.message = f"{_page_label(name, index)}: {exc.message}"
            raise
        proc.meta["compressed"] = not plain
        entry["nodes"] = proc.graph.number_of_nodes()
        entry["flows"] = len(proc.flows)
        processes[index] = proc
    if wanted is None:
        wanted = next((i for i, p in processes.items() if p.graph.number_of_nodes()), None)
    if wanted is None and not processes and skipped:
        raise ReadError(skipped[0].message, file=file,
                        hint="open the file in draw.io and save it again.")
    if wanted is not None and wanted not in processes:
        raise NotAProcessError(
            f"{_page_label(pages[wanted]['name'], wanted)} is empty: nothing is drawn on it.",
            file=file, hint="pick another page (bpsim inspect lists them) or draw the process "
            "with draw.io's BPMN shapes.")
    if wanted is None:
        raise NotAProcessError(
            "no page of this draw.io file holds a BPMN shape (task, event or gateway).",
            file=file, hint="draw the process with draw.io's BPMN shapes (More Shapes > BPMN).")
    proc = processes[wanted]
    proc.findings[:0] = skipped
    proc.meta["pages"] = pages
    proc.meta["page"] = {k: pages[wanted][k] for k in ("index", "name", "id")}
    return proc
