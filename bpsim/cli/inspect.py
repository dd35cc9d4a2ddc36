"""``bpsim inspect FILE``: show what bpsim read from a process file.

Before simulating a service desk you want to know that bpsim sees the drawing as you do: the
pools and processes, the lanes (who does the work), every task, event and gateway in its lane,
and the arrows between them. ``inspect`` prints exactly that, grouped by process and lane, or
as JSON (``--json``, the shape documented in DESIGN.md and docs/importer.md). It reads any file
:func:`bpsim.io.read` reads, BPMN 2.0 XML or draw.io, whatever its extension.

Exit codes: 0 read fine; 1 the model is unusable (e.g. a flow names no element; try
``--lenient``); 2 unreadable, unsafe or not a process file.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bpsim.model import Process
from bpsim.report.format import plural

HELP = "show the processes, lanes, nodes and flows bpsim reads from a BPMN or draw.io file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="skip broken references (flows naming no element) and report them as findings",
    )
    # Reader-specific options go here (e.g. draw.io's ``--page``); pass them on in
    # _reader_options below.


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for :func:`bpsim.io.read` taken from the command line."""
    options: dict[str, Any] = {}
    if args.lenient:
        options["lenient"] = True
    if getattr(args, "page", None) is not None:  # draw.io: which page to read
        options["page"] = args.page
    return options


def run(args: argparse.Namespace) -> int:
    from bpsim.io import read

    process = read(args.file, **_reader_options(args))
    if args.json:
        data = process.to_dict()
        if "pages" in process.meta:
            data["pages"] = process.meta["pages"]
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(describe(process))
    return 0


# -- the text view -----------------------------------------------------------------------------
def _page_name(page: Any) -> str | None:
    """A draw.io page's name, whether the reader reports pages as dicts or as plain names."""
    if isinstance(page, dict):
        return None if page.get("name") is None else str(page["name"])
    return None if page is None else str(page)


def _page_label(page: Any, index: int) -> str:
    if not isinstance(page, dict):
        return f"{index + 1}. {page}"
    counts = ", ".join(f"{page[k]} {k}" for k in ("nodes", "flows") if k in page)
    return f"{page.get('index', index) + 1}. {page.get('name')}" + (
        f" ({counts})" if counts else "")


def _label(name: str | None) -> str:
    return f' "{" ".join(name.split())}"' if name else ""


def _node_line(process: Process, node: str, depth: int) -> str:
    d = process.graph.nodes[node]
    kind = d.get("type") or "?"
    extras = []
    if d.get("event"):
        extras.append(d["event"])
    if d.get("timer") and d["timer"].get("value"):
        extras.append(f'{d["timer"]["kind"]} {d["timer"]["value"]}')
    if d.get("attached_to"):
        extras.append(f"on {d['attached_to']}"
                      + ("" if d.get("cancel_activity", True) else ", non-interrupting"))
    if d.get("loop"):
        extras.append(f"loop {d['loop']}")
    if d.get("called_element"):
        extras.append(f"calls {d['called_element']}")
    if d.get("default"):
        extras.append(f"default {d['default']}")
    detail = f" [{'; '.join(extras)}]" if extras else ""
    line = f"  (line {d['line']})" if d.get("line") else ""
    return f"{'  ' * depth}{kind:<24} {node}{_label(d.get('name'))}{detail}{line}"


def _depth(process: Process, node: str) -> int:
    depth, parent = 0, process.graph.nodes[node].get("parent")
    while parent is not None and depth < 100:
        depth += 1
        parent = process.graph.nodes[parent].get("parent") if parent in process.graph else None
    return depth


def _show_group(process: Process, pid: str | None, w) -> None:
    """Lanes, nodes and flows of one process (``None``: everything of no known process)."""
    g = process.graph

    def mine(p: str | None) -> bool:
        return p == pid if pid is not None else p not in process.processes

    nodes = [n for n, p in g.nodes(data="process") if mine(p)]
    lanes = [lane for lane in process.lanes.values() if mine(lane.process)]

    def show_lane(lane_id: str, indent: int) -> None:
        lane = process.lanes[lane_id]
        members = [n for n in nodes if g.nodes[n].get("lane") == lane_id]
        w(f"{'  ' * indent}lane {lane_id}{_label(lane.name)}: {plural(len(members), 'node')}")
        for n in members:
            w("  " * (indent + 1) + _node_line(process, n, _depth(process, n)))
        for child in lane.children:
            show_lane(child, indent + 1)

    for lane in lanes:
        if lane.parent is None or lane.parent not in process.lanes:
            show_lane(lane.id, 1)
    loose = [n for n in nodes if g.nodes[n].get("lane") not in process.lanes]
    if loose:
        w(f"  {'no lane' if lanes else 'nodes'}: {plural(len(loose), 'node')}")
        for n in loose:
            w("    " + _node_line(process, n, _depth(process, n)))
    flows = [f for f in process.flows.values() if mine(f.process)]
    if flows:
        w(f"  sequence flows: {len(flows)}")
        for f in flows:
            marks = (" (default)" if f.default else "") + (
                f" [if {' '.join(f.condition.split())}]" if f.condition else "")
            w(f"    {f.id}{_label(f.name)}: {f.source} -> {f.target}{marks}")


def describe(process: Process) -> str:
    """The human-readable ``inspect`` report: processes, then lanes, nodes and flows."""
    g = process.graph
    out: list[str] = []
    w = out.append
    w(f"{process.source or '<model>'}: {process.format or 'process'}"
      + (f", exported by {process.meta['exporter']}" if process.meta.get("exporter") else ""))
    if "pages" in process.meta:
        w("pages:")
        current = _page_name(process.meta.get("page"))
        for i, page in enumerate(process.meta["pages"]):
            mark = "*" if current is not None and _page_name(page) == current else " "
            w(f" {mark} {_page_label(page, i)}")
    w(f"{plural(len(process.processes), 'process', 'processes')}, "
      f"{plural(len(process.participants), 'pool')}, {plural(len(process.lanes), 'lane')}, "
      f"{plural(g.number_of_nodes(), 'node')}, {plural(len(process.flows), 'sequence flow')}, "
      f"{plural(len(process.message_flows), 'message flow')}")
    groups: list[str | None] = list(process.processes)
    if any(p not in process.processes for _, p in g.nodes(data="process")):
        groups.append(None)  # nodes of no known process (e.g. a draw.io page without pools)
    for pid in groups:
        w("")
        if pid is None:
            w("nodes outside any process")
        else:
            info = process.processes[pid]
            pool = (f" in pool {info.participant}{_label(info.participant_name)}"
                    if info.participant else "")
            w(f"process {pid}{_label(info.name)}{pool}")
        _show_group(process, pid, w)
    black_box = [p for p in process.participants.values() if p.process is None]
    if black_box:
        w("")
        w("black-box pools: " + ", ".join(f"{p.id}{_label(p.name)}" for p in black_box))
    if process.message_flows:
        w("")
        w(f"message flows: {len(process.message_flows)}")
        for m in process.message_flows.values():
            w(f"  {m.id}{_label(m.name)}: {m.source} -> {m.target}")
    if process.findings:
        w("")
        w(f"findings while reading: {len(process.findings)}")
        for finding in process.findings:
            w(f"  {finding}")
    return "\n".join(out) + "\n"
