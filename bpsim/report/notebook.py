"""Results as they show in a Jupyter notebook: short HTML summaries and one-line reprs.

A notebook shows the last expression of a cell with its ``_repr_html_``. bpsim's result
objects (:class:`~bpsim.analysis.Results`, the staffing result of
:func:`~bpsim.optimize_staffing`, :class:`~bpsim.calibrate.Comparison` and
:class:`~bpsim.calibrate.Fit`) call the functions here: a small card with the headline figures
and the key tables, styled inline (no external CSS, no scripts), readable in JupyterLab, VS Code
and a static nbconvert export. Sweep results are pandas DataFrames, which notebooks already
show as tables. In a terminal the objects print a one-line ``repr`` instead.
"""

from __future__ import annotations

import html
import math
from typing import Any

__all__ = ["results_html", "staffing_html", "comparison_html", "fit_html", "table_html",
           "duration"]

_STYLE = ("font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;"
          "line-height:1.35;max-width:980px")
_TABLE = "border-collapse:collapse;margin:4px 0 10px 0;font-size:12px"
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:{align}"


def duration(seconds: Any) -> str:
    """``5400`` -> ``"1.5 h"``: seconds in the unit a reader expects."""
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        return "-"
    if not math.isfinite(s):
        return "-"
    if abs(s) < 90:
        return f"{s:.3g} s"
    if abs(s) < 5400:
        return f"{s / 60:.3g} min"
    if abs(s) < 2 * 86400:
        return f"{s / 3600:.3g} h"
    return f"{s / 86400:.3g} d"


def _fmt(value: Any, column: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-"
        col = column.lower()
        if any(k in col for k in ("rate", "utilization", "share", "attain", "limit", "upper")):
            return f"{value:.1%}"
        if any(k in col for k in ("wait", "service", "sojourn", "cycle", "target", "elapsed",
                                  "handling", "age")) and "count" not in col:
            return duration(value)
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table_html(frame: Any, columns: list[str] | None = None, limit: int = 12) -> str:
    """A small inline-styled HTML table of a DataFrame (the first ``limit`` rows)."""
    if frame is None or getattr(frame, "empty", True):
        return "<p><i>none</i></p>"
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    rows = frame[cols].head(limit)
    head = "".join(f'<th style="{_CELL.format(align="left")};font-weight:600">'
                   f"{html.escape(str(c))}</th>" for c in cols)
    body = []
    for record in rows.to_dict("records"):
        cells = []
        for c in cols:
            v = record[c]
            align = "right" if isinstance(v, (int, float)) and not isinstance(v, bool) else "left"
            cells.append(f'<td style="{_CELL.format(align=align)}">{html.escape(_fmt(v, c))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f'<tr><td colspan="{len(cols)}" style="color:#666">... {len(frame) - limit} more '
            "rows</td></tr>") if len(frame) > limit else ""
    return (f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
            f"{more}</tbody></table>")


def _card(title: str, facts: list[tuple[str, str]], sections: list[tuple[str, str]]) -> str:
    kv = "".join(f'<div style="display:inline-block;margin:0 18px 6px 0"><div style="color:#666;'
                 f'font-size:11px">{html.escape(k)}</div><div style="font-size:15px;'
                 f'font-weight:600">{html.escape(v)}</div></div>' for k, v in facts)
    parts = "".join(f'<div style="font-weight:600;margin-top:6px">{html.escape(h)}</div>{body}'
                    for h, body in sections)
    return (f'<div style="{_STYLE}"><div style="font-size:16px;font-weight:700;margin-bottom:6px">'
            f"{html.escape(title)}</div>{kv}{parts}</div>")


def _try(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:  # a table that cannot be computed for this run is left out
        return None


def results_html(results: Any) -> str:
    """The HTML card of a :class:`~bpsim.analysis.Results`."""
    facts = [("replications", f"{results.replications}"), ("seed", str(results.seed))]
    arrived = _try(results, "arrived")
    if arrived is not None:
        facts.append(("tickets arrived / replication", f"{arrived:,.0f}"))
    completed = _try(results, "completed")
    if completed is not None:
        facts.append(("completed / replication", f"{completed:,.0f}"))
    cycle = _try(results, "cycle_time")
    if isinstance(cycle, dict) and "mean" in cycle:
        ci = cycle.get("ci95")
        facts.append(("cycle time", duration(cycle["mean"]) + (
            f" ± {duration(ci)}" if ci is not None and math.isfinite(float(ci)) else "")))
    sections = []
    warnings = _try(results, "warnings")
    if warnings:
        items = "".join(f"<li>{html.escape(str(w.get('message', w)) if isinstance(w, dict) else str(w))}</li>"
                        for w in warnings)
        sections.append(("Warnings", f'<ul style="color:#a40000;margin:2px 0">{items}</ul>'))
    sections.append(("SLAs", table_html(_try(results, "slas"),
                                        ["name", "class", "target", "breach_rate",
                                         "breach_rate_ci95", "attain", "open", "censored",
                                         "counted"])))
    sections.append(("Stages", table_html(_try(results, "stages"),
                                          ["name", "role", "count", "wait_mean", "wait_ci95",
                                           "wait_p90", "service_mean", "queue_mean"])))
    sections.append(("Roles", table_html(_try(results, "roles"),
                                         ["name", "staff", "utilization", "utilization_ci95",
                                          "busy_hours", "cost"])))
    sections.append(("Bottlenecks", table_html(_try(results, "bottlenecks"),
                                               ["name", "score", "reason"], limit=5)))
    title = f"bpsim results: {results.scenario_name or 'scenario'}"
    if results.model_name:
        title += f" on {results.model_name}"
    return _card(title, facts, sections)


def staffing_html(result: Any) -> str:
    """The HTML card of :func:`~bpsim.optimize_staffing`'s result."""
    plan = ", ".join(f"{k}: {v}" for k, v in result.plan.items())
    facts = [("plan", plan), ("meets every SLA", "yes" if result.feasible else "NO"),
             ("weekly cost", f"{result.cost:,.2f}"), ("replications", str(result.replications))]
    sections = [("SLAs of the plan", table_html(result.slas))]
    if result.next_cheaper:
        nxt = ", ".join(f"{k}: {v}" for k, v in result.next_cheaper.items() if k != "reason")
        sections.append(("Next cheaper plan (fails)",
                         f"<p>{html.escape(nxt)}: {html.escape(str(result.next_cheaper.get('reason', '')))}</p>"))
    sections.append(("Plans simulated", table_html(result.candidates, limit=15)))
    sections.append(("Offered load on paper", table_html(result.loads)))
    return _card("bpsim staffing", facts, sections)


def comparison_html(comparison: Any) -> str:
    """The HTML card of a :class:`~bpsim.calibrate.Comparison` (observed vs simulated)."""
    window = comparison.window
    facts = [("window", f"{str(window[0])[:10]} .. {str(window[1])[:10]}")]
    for k, v in list(comparison.distances.items())[:4]:
        facts.append((k, f"{v:.4g}" if isinstance(v, float) else str(v)))
    sections = [("Observed vs simulated", table_html(comparison.kpis, limit=30))]
    return _card("bpsim comparison", facts, sections)


def fit_html(fit: Any) -> str:
    """The HTML card of a :class:`~bpsim.calibrate.Fit`."""
    report = getattr(fit, "report", {}) or {}
    facts = [(k, str(report[k])) for k in ("cases", "events", "fitness") if k in report]
    import pandas as pd

    sections = []
    for key in ("tasks", "arrivals", "gateways", "roles"):
        rows = report.get(key)
        if rows and isinstance(rows, list) and isinstance(rows[0], dict):
            sections.append((key.capitalize(), table_html(pd.DataFrame(rows))))
    return _card("bpsim fit", facts, sections)
