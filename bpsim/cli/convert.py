"""``bpsim convert IN -o OUT``: turn a draw.io drawing into BPMN 2.0 XML (and back).

The service desk drew its ticket flow in draw.io; the process office wants it in Camunda
Modeler. ``bpsim convert service_desk.drawio -o service_desk.bpmn`` reads the drawing (any file
``bpsim inspect`` reads: BPMN 2.0 XML or draw.io, whatever its extension) and writes it in the
format the output's extension names:

* ``.bpmn`` (or ``.bpmn20.xml``, ``.xml``): BPMN 2.0 XML with diagram interchange, see
  :mod:`bpsim.io.bpmn_writer`;
* ``.drawio``: a draw.io file, see :mod:`bpsim.io.drawio_writer`.

``--page`` picks a draw.io page (its name, or its number counting from 1). The output is
written whole or not at all. What the reader could not read (unknown shapes, loose arrows ...)
is listed on stderr; run ``bpsim inspect`` for the whole picture.

Exit codes: 0 written; 1 the model is unusable (try ``--lenient``); 2 the input is unreadable,
unsafe or not a process file, or OUT has an extension bpsim does not write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bpsim.errors import BpsimError
from bpsim.report.format import plural

HELP = "convert a draw.io or BPMN file to BPMN 2.0 XML (.bpmn) or draw.io (.drawio)"

_BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml", ".xml")
_SHOWN_FINDINGS = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="a draw.io or BPMN 2.0 XML file")
    parser.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="the file to write; its extension picks the format "
                             "(.bpmn or .drawio)")
    parser.add_argument("--page", metavar="P", default=None,
                        help="draw.io only: the page to convert, by name or number (from 1); "
                             "default: the first page that holds a process")
    parser.add_argument("--lenient", action="store_true",
                        help="skip broken references and report them instead of failing")


def _output_format(path: str) -> str | None:
    name = path.lower()
    if name.endswith(".drawio"):
        return "drawio"
    if name.endswith(_BPMN_SUFFIXES):
        return "bpmn"
    return None


def run(args: argparse.Namespace) -> int:
    from bpsim.io import sniff
    from bpsim.io.safexml import parse_xml, read_source

    fmt = _output_format(args.output)
    if fmt is None:
        print(f"bpsim convert: {args.output}: unknown output format "
              f"{Path(args.output).suffix or '(no extension)'!r}. Fix: name the output *.bpmn "
              "(BPMN 2.0 XML) or *.drawio (draw.io).", file=sys.stderr)
        return 2
    if Path(args.input).exists() and Path(args.output).exists() and \
            Path(args.input).resolve() == Path(args.output).resolve():
        print(f"bpsim convert: {args.output}: the output would overwrite the input. "
              "Fix: write to another file.", file=sys.stderr)
        return 2
    data, name = read_source(args.input)
    root = parse_xml(data, file=name)
    try:
        kind = sniff(root)
    except BpsimError as exc:
        exc.file = name
        raise
    if kind == "drawio":
        from bpsim.io.drawio import from_xml

        process = from_xml(root, file=name, page=args.page, lenient=True)
    else:
        if args.page is not None:
            print(f"bpsim convert: {name}: --page applies to draw.io files; this is BPMN 2.0 XML "
                  "(ignored).", file=sys.stderr)
        from bpsim.io.bpmn import from_xml as from_bpmn

        process = from_bpmn(root, file=name, lenient=args.lenient)
    if Path(args.output).is_dir():
        print(f"bpsim convert: {args.output}: is a directory. Fix: name the output file "
              f"(e.g. {Path(args.output) / (Path(args.input).stem + '.' + fmt)}).",
              file=sys.stderr)
        return 2
    try:
        if fmt == "bpmn":
            from bpsim.io.bpmn_writer import write_bpmn

            write_bpmn(process, args.output)
        else:
            from bpsim.io.drawio_writer import write_drawio

            write_drawio(process, args.output)
    except OSError as exc:  # read-only folder, full disk, a path under a file: name OUT
        exc.filename = args.output
        raise
    page = process.meta.get("page")
    where = f" (page {page['index'] + 1} {page['name']!r})" if isinstance(page, dict) else ""
    print(f"wrote {args.output}: {plural(process.graph.number_of_nodes(), 'node')}, "
          f"{plural(len(process.flows), 'sequence flow')}, "
          f"{plural(len(process.message_flows), 'message flow')}, "
          f"{plural(len(process.lanes), 'lane')}, {plural(len(process.participants), 'pool')}"
          f"{where}")
    findings = [f for f in process.findings if f.severity in ("error", "warning")]
    for f in findings[:_SHOWN_FINDINGS]:
        print(f"bpsim convert: {f}", file=sys.stderr)
    if len(findings) > _SHOWN_FINDINGS:
        print(f"bpsim convert: ... and {len(findings) - _SHOWN_FINDINGS} more; run "
              f"'bpsim inspect {args.input}' to see them all.", file=sys.stderr)
    return 0
