"""Results on the diagram: which figure colours which shape, and what its tooltip says.

One metric at a time colours the shapes (pale: low, dark red: high), and every flow is drawn
with a width proportional to how many tickets took it, so the usual path stands out:

===============  ===========================================================================
``utilization``  how busy the role doing the work is (0-100 %); staffed tasks only
``wait``         mean wait in the queue before the work starts; stages only
``breach``       share of the tickets through the element that breached at least one SLA
``count``        tickets through the element per replication (each pass of a loop counts)
``cost``         staff cost of the work done at the element per replication
===============  ===========================================================================

:func:`figures` computes the element and flow tables once per :class:`Results`
(:mod:`bpsim.analysis.elements`); :func:`overlay` turns them into a
:class:`bpsim.render.Overlay` and :func:`drawing` into a :class:`bpsim.render.Drawing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from bpsim.model import ACTIVITY_TYPES
from bpsim.render import ColorScale, Drawing, Overlay, draw_process
from bpsim.report.format import duration_unit, fmt_duration, fmt_num, fmt_pct, fmt_pm, plural

__all__ = ["METRICS", "Metric", "figures", "overlay", "drawing", "tooltip", "badge_text",
           "check_metric"]


@dataclass(frozen=True)
class Metric:
    """One way of colouring the diagram: its table ``column`` and how to read it."""

    name: str
    label: str
    column: str
    kind: str  # "pct", "duration", "num", "money"
    description: str


METRICS: dict[str, Metric] = {
    "utilization": Metric("utilization", "utilisation of the role", "utilization", "pct",
                          "how busy the role doing the work is"),
    "wait": Metric("wait", "mean wait before the work starts", "wait_mean", "duration",
                   "mean time a ticket waits in the queue before someone takes it"),
    "breach": Metric("breach", "share of tickets breaching an SLA", "breach_rate", "pct",
                     "share of the tickets through the element that breached at least one "
                     "SLA"),
    "count": Metric("count", "tickets per replication", "count", "num",
                    "tickets through the element per replication (each pass counts)"),
    "cost": Metric("cost", "staff cost per replication", "cost", "money",
                   "staff time worked at the element x the role's cost per hour, per "
                   "replication"),
}


_BRANCHING = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}


def check_metric(metric: str) -> Metric:
    """The :class:`Metric` named ``metric``, or a ValueError listing the choices."""
    try:
        return METRICS[metric]
    except KeyError:
        raise ValueError(f"unknown metric {metric!r}; choose one of "
                         f"{', '.join(METRICS)}") from None


def figures(results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(elements, flows)``: :func:`~bpsim.analysis.elements.element_table` and
    :func:`~bpsim.analysis.elements.flow_table` of ``results`` (computed once, kept);
    of streamed results, :func:`bpsim.stream.elements.element_table` and
    :func:`~bpsim.stream.elements.flow_table`: the same figures from the sums kept as the
    run went."""
    cached = results.__dict__.get("_diagram_figures")
    if cached is None:
        if getattr(results, "streamed", False):  # the same tables from streamed sums
            from bpsim.stream.elements import element_table, flow_table
        else:
            from bpsim.analysis.elements import element_table, flow_table

        cached = (element_table(results), flow_table(results))
        results.__dict__["_diagram_figures"] = cached
    return cached


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _fmt(kind: str, v: float, unit=None) -> str:
    if kind == "pct":
        return fmt_pct(v)
    if kind == "duration":
        return fmt_duration(v, unit)
    return fmt_num(v)


def badge_text(metric: Metric, value: float, unit=None) -> str:
    """The short figure drawn beside a shape (``"72 %"``, ``"2.3 h"``, ``"1,210"``)."""
    return _fmt(metric.kind, value, unit)


def tooltip(row: dict) -> str:
    """The tooltip of one element row: name, role and every figure with its CI."""
    lines = [str(row.get("name") or row["id"])]
    head = row.get("type") or ""
    if isinstance(row.get("role"), str):
        head += f" · role {row['role']}"
    lines.append(head)

    def add(label: str, key: str, kind: str) -> None:
        v = row.get(key)
        if v is not None and _ok(v):
            ci = row.get(key + "_ci95", math.nan)
            lines.append(f"{label}: {fmt_pm(float(v), float(ci), kind)}")

    add("tickets per replication", "count", "num")
    if _ok(row.get("wait_mean")):
        lines.append("wait: " + fmt_pm(row["wait_mean"], row.get("wait_ci95", math.nan)))
    if _ok(row.get("service_mean")):
        lines.append("service: " + fmt_pm(row["service_mean"],
                                          row.get("service_ci95", math.nan)))
    if _ok(row.get("queue_mean")) and isinstance(row.get("role"), str):
        lines.append(f"queue: {fmt_num(row['queue_mean'])} tickets on average")
    add("utilisation of the role", "utilization", "pct")
    add("share breaching an SLA", "breach_rate", "pct")
    add("staff cost per replication", "cost", "num")
    return "\n".join(lines)


def flow_widths(flows: pd.DataFrame, thin: float = 1.0, thick: float = 10.0
                ) -> dict[str, float]:
    """Stroke width per flow id, proportional to how often the flow was taken (the busiest
    flow is ``thick`` pixels; every flow at least ``thin``)."""
    if flows.empty:
        return {}
    top = float(flows["count"].max()) if flows["count"].notna().any() else 0.0
    if not top > 0:
        return {}
    return {r.id: thin + (thick - thin) * (float(r.count) / top if _ok(r.count) else 0.0)
            for r in flows.itertuples()}


def scale_for(metric: Metric, values: pd.Series) -> ColorScale:
    """The colour scale of ``metric`` over ``values``: utilisation 0-100 %, breach share from
    0 to at least 10 %, the others from 0 to their largest value."""
    vals = values.dropna()
    top = float(vals.max()) if not vals.empty else 0.0
    if metric.kind == "pct":
        high = 1.0 if metric.name == "utilization" else max(top, 0.10)
        return ColorScale(0.0, high, label=metric.label, format=lambda v: fmt_pct(v))
    if metric.kind == "duration":
        unit = duration_unit(top)
        return ColorScale(0.0, top or 1.0, label=f"{metric.label} ({unit[0]})",
                          format=lambda v: f"{v / unit[1]:g}", unit=unit[1])
    return ColorScale(0.0, top or 1.0, label=metric.label, format=lambda v: fmt_num(v))


def overlay(results, metric: str = "utilization", *, badges: bool = True,
            key: bool = True) -> Overlay:
    """The :class:`~bpsim.render.Overlay` of ``metric`` for ``results``: fills, badges,
    tooltips, ``data-*`` figures, flow widths and labels, colour bar and legend."""
    m = check_metric(metric)
    elements, flows = figures(results)
    values = elements[m.column]
    scale = scale_for(m, values)
    unit = duration_unit(float(values.max())) if m.kind == "duration" and \
        values.notna().any() else None
    ov = Overlay(scale=scale if key else None)
    for row in elements.to_dict("records"):
        n = row["id"]
        ov.title[n] = tooltip(row)
        ov.data[n] = {k: (f"{row[k]:.6g}" if _ok(row[k]) else "")
                      for k in ("count", "wait_mean", "service_mean", "utilization",
                                "breach_rate", "cost")}
        v = row[m.column]
        if not _ok(v) or (m.name in ("wait", "utilization", "cost")
                          and not isinstance(row["role"], str)):
            continue  # no queue, no staff: nothing to show for this metric
        if m.name == "count" and row["type"] not in ACTIVITY_TYPES and v == 0:
            continue
        ov.fill[n] = scale(v)
        ov.stroke[n] = scale.stroke(v)
        if badges and row["type"] in ACTIVITY_TYPES | {"intermediateCatchEvent"}:
            ov.badge[n] = badge_text(m, v, unit)
    ov.flow_width = flow_widths(flows)
    g = results.process.graph
    for r in flows.itertuples():
        if not _ok(r.count):
            continue
        share = f" ({fmt_pct(r.share)} of the tickets leaving its source)" if _ok(r.share) \
            else ""
        ov.title[r.id] = f"{r.name + ': ' if isinstance(r.name, str) else ''}" \
                         f"{fmt_pm(r.count, r.count_ci95, 'num')} tickets per replication{share}"
        src = g.nodes[r.source].get("type") if r.source in g else None
        if src in _BRANCHING and g.out_degree(r.source) > 1 and _ok(r.share):
            ov.flow_label[r.id] = fmt_pct(r.share)
        if r.count == 0:
            ov.stroke[r.id] = "#b8b8b8"
    if key:
        ov.legend = [(None, "flow width: tickets that took it"),
                     ("#ffffff", f"white: no {m.name} figure for this element")]
        ov.caption = (f"{results.scenario_name or 'scenario'} · "
                      f"{plural(results.replications, 'replication')} · seed {results.seed} · "
                      f"colour: {m.description}")
    return ov


def drawing(results, metric: str = "utilization", *, title: str | None = None,
            key: bool = True, badges: bool = True) -> Drawing:
    """The process of ``results`` drawn with ``metric``'s colours and figures."""
    m = check_metric(metric)
    if title is None:
        name = results.process.name or results.model_name or "process"
        title = f"{name}: {m.label}"
    return draw_process(results.process, overlay(results, metric, key=key, badges=badges),
                        title=title)
