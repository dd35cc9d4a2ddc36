"""Printing findings the way compilers and linters do, grouped by process.

``bpsim validate`` prints one line per finding, ``file:line: severity rule element_id "name":
message``, which editors and CI logs turn into links, grouped under the process (pool) the
element belongs to and sorted by line, then a summary line::

    process Process_ServiceDesk "Ticket handling" (pool "Service desk")
    models/desk.bpmn:57: error soundness-deadlock Gateway_CloseJoin: the join ...
    1 error, 0 warnings

``--json`` prints ``{"file", "findings": [{"rule", "severity", "element_id", "element_name",
"message", "line"}]}`` (plus ``page`` for draw.io files, and a ``summary``).
"""

from __future__ import annotations

from typing import Any

from bpsim.model import Finding, Process

__all__ = ["process_of", "format_text", "to_json", "summary_line"]


def process_of(process: Process, element_id: str | None) -> str | None:
    """The id of the process an element belongs to (``None``: the file as a whole)."""
    if element_id is None:
        return None
    if element_id in process.graph:
        return process.graph.nodes[element_id].get("process")
    if element_id in process.processes:
        return element_id
    for table in (process.flows, process.lanes):
        if element_id in table:
            return table[element_id].process
    if element_id in process.participants:
        return process.participants[element_id].process
    art = process.artifacts.get(element_id)
    if art is not None:
        return art.get("process")
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(findings: list[Finding]) -> str:
    """``"2 errors, 1 warning"`` (and the infos, when there are any)."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    infos = sum(f.severity == "info" for f in findings)
    text = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if infos:
        text += f", {_plural(infos, 'info')}"
    return text


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _header(process: Process, pid: str | None) -> str:
    if pid is None:
        return "file"
    info = process.processes.get(pid)
    text = f"process {pid}"
    if info is not None:
        if info.name:
            text += f' "{_one_line(info.name)}"'
        if info.participant_name:
            text += f' (pool "{_one_line(info.participant_name)}")'
    return text


def format_text(findings: list[Finding], process: Process) -> str:
    """The findings grouped by process (file-level ones first), sorted by line, and the
    summary line."""
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(process_of(process, f.element_id), []).append(f)
    order = [None] + list(process.processes) + [k for k in groups if k not in process.processes]
    lines: list[str] = []
    for pid in dict.fromkeys(order):
        items = groups.get(pid)
        if not items:
            continue
        if len(groups) > 1 or pid is not None:
            lines.append(_header(process, pid))
        items = sorted(items, key=lambda f: (f.page or "", f.line if f.line is not None else 0,
                                             f.rule, f.element_id or ""))
        lines += [str(f) for f in items]
    lines.append(summary_line(findings))
    return "\n".join(lines)


def to_json(findings: list[Finding], process: Process, file: str | None = None) -> dict[str, Any]:
    """The ``validate --json`` document."""
    drawio = process.format == "drawio"
    items = []
    for f in findings:
        item = {"rule": f.rule, "severity": f.severity, "element_id": f.element_id,
                "element_name": f.element_name, "message": f.message, "line": f.line,
                "process": process_of(process, f.element_id)}
        if drawio or f.page is not None:
            item["page"] = f.page
        items.append(item)
    counts = {"errors": sum(f.severity == "error" for f in findings),
              "warnings": sum(f.severity == "warning" for f in findings),
              "infos": sum(f.severity == "info" for f in findings)}
    return {"file": file if file is not None else process.source, "findings": items,
            "summary": counts}
