"""The HTML report of a run: one file a manager opens, forwards and prints.

``Results.to_html(path)`` / ``bpsim simulate ... --html report.html`` (``--out DIR`` writes
``DIR/report.html`` too) write one self-contained page (no network request: styles, script,
diagrams and plots are inline) with, in order:

1. the headline figures: tickets, cycle time, the worst SLA against its target, the busiest
   role, cost per ticket; and the run's warnings, when it has any;
2. the process as the user drew it, coloured by a metric chosen with the switcher
   (utilisation, wait, SLA breach share, tickets, cost), flows as wide as they are busy, and a
   tooltip per element (tickets, wait, service, utilisation, breach share, cost, each
   ± its 95 % CI) and per flow;
3. the SLA table (every column :attr:`Results.slas` has, open and censored tickets included
   when the run counts them), with the allowed breach rate;
4. the bottleneck ranking with its reasons;
5. per-stage and per-role tables, and costs;
6. the plots (utilisation, waits, queues, cycle time, SLAs);
7. the scenario that produced it (its YAML file as written), the seed, the replications and
   the bpsim version.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from bpsim.analysis.costs import priced
from bpsim.report.format import fmt_duration, fmt_num, fmt_pct, fmt_pm, plural
from bpsim.report.htmlpage import (
    Column,
    esc,
    figure_img,
    kpis,
    page,
    png_data_uri,
    section,
    table,
)

__all__ = ["to_html", "write_html", "report_html"]

PLOT_CAPTIONS = {
    "utilization": "Utilisation per role (bars: 95 % CI across replications).",
    "waits": "Mean wait per stage before the work starts (bars: 95 % CI).",
    "queues": "Queue length over time per stage (mean across replications).",
    "cycle_time": "Cycle time of completed tickets, with the SLA targets.",
    "slas": "SLA breach rates with their 95 % CI and the allowed rate.",
}


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _money(v) -> str:
    return f"{v:,.2f}" if _ok(v) else ""


def _dur(v) -> str:
    return fmt_duration(v) if _ok(v) else ""


def _num(v) -> str:
    return fmt_num(v) if _ok(v) else ""


def _pct(v) -> str:
    return fmt_pct(v) if _ok(v) else ""


def _pm(row: dict, key: str, kind: str = "duration") -> str:
    v = row.get(key)
    if v is None or not _ok(v):
        return ""
    return fmt_pm(float(v), row.get(f"{key}_ci95", math.nan) if not key.endswith("_mean")
                  else row.get(key.replace("_mean", "_ci95"), math.nan), kind)


def _records(df: pd.DataFrame) -> list[dict]:
    return [] if df is None or df.empty else df.to_dict("records")


# -- sections ------------------------------------------------------------------------------------
def _headline(results, d: dict) -> str:
    cases = d.get("cases", {})
    ct = d.get("cycle_time", {})
    items = [("tickets per replication", _num(cases.get("arrived")),
              f"{_num(cases.get('completed'))} completed", False),
             ("cycle time (mean)", fmt_pm(ct.get("mean", math.nan), ct.get("ci95", math.nan)),
              f"p90 {_dur(ct.get('p90'))}", False)]
    slas = [s for s in d.get("slas", []) if _ok(s.get("breach_rate"))]
    if slas:
        worst = max(slas, key=lambda s: (s["breach_rate"] - (1 - (s.get("attain") or 1.0))))
        allowed = 1 - (worst.get("attain") if _ok(worst.get("attain")) else 1.0)
        items.append((f"SLA {worst['name']}: breached",
                      fmt_pm(worst["breach_rate"], worst.get("breach_rate_ci95", math.nan),
                             "pct"),
                      f"allowed {fmt_pct(allowed)}", worst.get("met") is False))
    roles = [r for r in d.get("roles", []) if _ok(r.get("utilization"))]
    if roles:
        busy = max(roles, key=lambda r: r["utilization"])
        items.append((f"busiest role: {busy['name']}",
                      fmt_pm(busy["utilization"], busy.get("utilization_ci95", math.nan),
                             "pct"), f"{busy.get('staff')} staff", busy["utilization"] > 0.85))
    sat = d.get("satisfaction") or {}
    if _ok(sat.get("csat_mean")):
        gone = (sat.get("abandoned_tickets") or 0) + (sat.get("blocked_tickets") or 0)
        note = (f"{_num(sat.get('csat_with_unserved_mean'))} counting the {_num(gone)} abandoned or "
                "blocked tickets" if gone > 0 else "completed tickets")
        items.append(("CSAT (completed tickets)", fmt_pm(sat["csat_mean"], sat.get("csat_ci95", math.nan), "num"),
                      note, False))
    op = d.get("open") or {}
    if _ok(op.get("total")):
        items.append(("open at the horizon", fmt_pm(op["total"], op.get("total_ci95",
                                                                          math.nan), "num"),
                      f"{_pct(op.get('share'))} of arrivals, mean age {_dur(op.get('age_mean'))}",
                      False))
    cost = d.get("cost", {}) if priced(results.scenario) else {}
    if _ok(cost.get("per_case")):
        items.append(("staff cost per ticket", _money(cost["per_case"]),
                      f"total {_money(cost.get('total'))} per replication", False))
    if _ok(cost.get("billed_per_case")):
        items.append(("billed per ticket", _money(cost["billed_per_case"]),
                      f"total {_money(cost.get('billed_total'))}", False))
    body = kpis(items)
    warnings = d.get("warnings") or []
    for w in warnings:
        code = esc(w.get("code", "")) if isinstance(w, dict) else ""
        msg = esc(w.get("message", w) if isinstance(w, dict) else w)
        body += f'<div class="warn"><code>{code}</code> {msg}</div>'
    missing = list(getattr(results, "not_streamed", ()) or ())
    if getattr(results, "streamed", False) and missing:
        body += ('<p class="muted">This run kept no event records (streaming statistics): '
                 f"not computed: {esc(', '.join(missing))}; no event log, no per-ticket "
                 "table. Run with records for them.</p>")
    bn = _records(results.bottlenecks)[:1]
    if bn:
        body += (f'<p>Main bottleneck: <b>{esc(bn[0].get("name"))}</b> — '
                 f'{esc(bn[0].get("reason"))}.</p>')
    return body


def _diagram(results) -> str:
    from bpsim.report.diagram import METRICS, drawing

    if results.process is None:
        return '<p class="muted">No process was given with these results: no diagram.</p>'
    note = "" if results.events_recorded or getattr(results, "streamed", False) else (
        '<p class="muted">The run kept no event records: only utilisation can be shown '
        "on the diagram, and no flow counts.</p>")

    buttons, panels = [], []
    for i, (name, m) in enumerate(METRICS.items()):
        pressed = "true" if i == 0 else "false"
        buttons.append(f'<button type="button" data-metric="{name}" aria-pressed="{pressed}">'
                       f"{esc(m.label)}</button>")
        pic = drawing(results, name)
        svg = pic.to_svg(svg_id=f"diagram-{name}")
        # at least 60 % of its natural size: a wide process scrolls rather than shrinks
        svg = svg.replace("<svg ", f'<svg style="width: max(100%, {pic.width * 0.6:.0f}px)" ', 1)
        hidden = "" if i == 0 else " hidden"
        panels.append(f'<div class="panel" data-metric="{name}"{hidden}>{svg}</div>')
    return (note + f'<div class="switcher" data-for="diagram" role="toolbar" '
            f'aria-label="colour the diagram by">{"".join(buttons)}</div>'
            f'<div class="diagram" id="diagram">{"".join(panels)}</div>'
            '<p class="muted">Hover over a shape or a flow for its figures (mean ± 95 % CI '
            "across replications). Flow width is proportional to the tickets that took it.</p>")


_SLA_KNOWN = {"name", "cls", "from", "to", "calendar", "target", "attain", "counted",
              "excluded", "breach_rate", "breach_rate_ci95", "elapsed_mean", "elapsed_ci95",
              "elapsed_p50", "elapsed_p90", "elapsed_p95", "met", "breach_rate_low",
              "breach_rate_high", "censored_share"}


def _slas(results) -> str:
    df = results.slas
    rows = _records(df)
    if not rows:
        return '<p class="muted">The scenario sets no SLA.</p>'
    cols: list[Column] = [("SLA", lambda r: r["name"] + (f" · {r['cls']}" if r.get("cls") not in
                                            (None, "all") else ""), ""),
            ("clock", lambda r: f"{r.get('from')} → {r.get('to')}"
             + (f" ({r['calendar']} hours)" if isinstance(r.get("calendar"), str) else ""), ""),
            ("target", lambda r: _dur(r.get("target")), "n"),
            ("tickets counted", lambda r: _num(r.get("counted")) + (
                f"\n{_num(r['excluded'])} excluded" if _ok(r.get("excluded"))
                and r["excluded"] > 0 else ""), "n")]
    if "censored" in df:
        cols.append(("open, within target (censored)", lambda r: _num(r.get("censored")) + (
            f"\n{_pct(r['censored_share'])}" if _ok(r.get("censored_share")) else ""), "n"))
    extra = [c for c in df.columns if c not in _SLA_KNOWN and c != "censored"
             and not c.endswith("_ci95")]
    for c in extra:  # columns newer runs add
        cols.append(_extra_column(df, c))
    cols += [("breach rate", lambda r: _pm(r, "breach_rate", "pct"), "n")]
    if "breach_rate_low" in df and "breach_rate_high" in df:
        cols.append(("95 % interval", lambda r: f"{_pct(r.get('breach_rate_low'))} –\n"
                     f"{_pct(r.get('breach_rate_high'))}" if _ok(r.get("breach_rate_low"))
                     else "", "n"))
    cols += [
             ("allowed", lambda r: _pct(1 - r["attain"]) if _ok(r.get("attain")) else "", "n"),
             ("elapsed p50 / p90", lambda r: f"{_dur(r.get('elapsed_p50'))} /\n"
              f"{_dur(r.get('elapsed_p90'))}", "n"),
             ("met", lambda r: "yes" if r.get("met") is True else
              ("NO" if r.get("met") is False else ""), "")]
    return table(rows, cols, bad=lambda r: r.get("met") is False)


def _open(d: dict) -> str:
    op = d.get("open") or {}
    rows = op.get("by_stage") or []
    if not rows:
        return '<p class="muted">Every measured ticket was finished by the horizon.</p>'
    cols = [("where", lambda r: r.get("name") or r.get("id"), ""),
            ("tickets / rep.", lambda r: _pm(r, "count", "num"), "n"),
            ("state", lambda r: ", ".join(f"{k} {fmt_num(v)}" for k, v in
                                          (r.get("by_state") or {}).items()), ""),
            ("mean age", lambda r: _dur(r.get("age_mean")), "n"),
            ("oldest", lambda r: _dur(r.get("age_max")), "n"),
            ("time at this step", lambda r: _dur(r.get("at_stage_mean")), "n")]
    return table(rows, cols)


def _classes(d: dict) -> str:
    rows = d.get("classes") or []
    if len(rows) <= 1:
        return ""
    cols = [("class", lambda r: r.get("name"), ""),
            ("tickets / rep.", lambda r: _num(r.get("count")), "n"),
            ("completed", lambda r: _num(r.get("completed")), "n"),
            ("open at the horizon", lambda r: _num(r.get("open")), "n"),
            ("cycle time", lambda r: _pm(r, "cycle_time_mean"), "n"),
            ("wait", lambda r: _pm(r, "wait_mean"), "n")]
    return "<h3>Per priority class</h3>" + table(rows, cols)


def _extra_column(df: pd.DataFrame, c: str) -> Column:
    """A column of the SLA table this report does not know by name, formatted by its type."""
    head = c.replace("_", " ")
    if pd.api.types.is_bool_dtype(df[c]):
        return head, lambda r: "yes" if r.get(c) else "no", ""
    if pd.api.types.is_numeric_dtype(df[c]):
        rate = c.endswith("rate") or c.endswith("share")

        def number(r: dict) -> str:
            v = r.get(c)
            if rate and v is not None and _ok(v):
                return fmt_pm(float(v), r.get(f"{c}_ci95", math.nan), "pct")
            return _num(v)

        return head, number, "n"
    return head, lambda r: r.get(c), ""


def _bottlenecks(results) -> str:
    rows = [r for r in _records(results.bottlenecks) if _ok(r.get("score")) and r["score"] > 0]
    cols = [("#", lambda r: r["_rank"], "n"), ("stage", lambda r: r.get("name"), ""),
            ("role", lambda r: r.get("role"), ""), ("score", lambda r: f"{r['score']:.2f}", "n"),
            ("why", lambda r: r.get("reason"), "")]
    for i, r in enumerate(rows, 1):
        r["_rank"] = i
    return table(rows[:10], cols)


def _stages(results) -> str:
    cols = [("stage", lambda r: r.get("name") or r.get("id"), ""),
            ("role", lambda r: r.get("role") if isinstance(r.get("role"), str) else "", ""),
            ("tickets / rep.", lambda r: _pm(r, "count", "num"), "n"),
            ("wait", lambda r: _pm(r, "wait_mean"), "n"),
            ("wait p90", lambda r: _dur(r.get("wait_p90")), "n"),
            ("service", lambda r: _pm(r, "service_mean"), "n"),
            ("time in stage", lambda r: _pm(r, "sojourn_mean"), "n"),
            ("queue (mean / max)", lambda r: f"{_num(r.get('queue_mean'))} / "
             f"{_num(r.get('queue_max'))}", "n")]
    return table(_records(results.stages), cols)


def _roles(results) -> str:
    cols = [("role", lambda r: r.get("name"), ""), ("staff", lambda r: r.get("staff"), "n"),
            ("utilisation", lambda r: _pm(r, "utilization", "pct"), "n"),
            ("busy hours", lambda r: _pm(r, "busy_hours", "num"), "n"),
            ("on-shift hours", lambda r: _num(r.get("on_shift_hours")), "n"),
            ("tickets handled", lambda r: _pm(r, "cases_handled", "num"), "n"),
            ("handling time", lambda r: _pm(r, "handling_mean"), "n"),
            ("cost / hour", lambda r: _money(r.get("cost_per_hour")), "n")]
    return table(_records(results.roles), cols,
                 bad=lambda r: _ok(r.get("utilization")) and r["utilization"] > 0.85)


def _costs(results) -> str:
    if not priced(results.scenario):
        cols = [("scope", lambda r: r.get("scope"), ""), ("name", lambda r: r.get("name"), ""),
                ("tickets", lambda r: _num(r.get("cases")), "n"),
                ("person-hours", lambda r: _pm(r, "person_hours", "num"), "n")]
        return ('<p class="muted">No amounts: no role has a cost_per_hour or bill_rate. '
                'Person-hours only.</p>' + table(_records(results.costs), cols))
    cols = [("scope", lambda r: r.get("scope"), ""), ("name", lambda r: r.get("name"), ""),
            ("tickets", lambda r: _num(r.get("cases")), "n"),
            ("person-hours", lambda r: _pm(r, "person_hours", "num"), "n"),
            ("cost of time worked", lambda r: _money(r.get("cost_worked")), "n"),
            ("cost paid", lambda r: _money(r.get("cost_paid")), "n"),
            ("billed", lambda r: _money(r.get("billed")), "n"),
            ("cost / ticket", lambda r: _money(r.get("cost_per_case")), "n"),
            ("billed / ticket", lambda r: _money(r.get("billed_per_case")), "n")]
    return table(_records(results.costs), cols)


def _plots(results, pngs: dict[str, bytes] | None = None) -> str:
    from bpsim.report.htmlpage import png_bytes_uri
    from bpsim.report.plots import KINDS, figure

    out = []
    for kind in KINDS:
        if pngs and kind in pngs:  # already drawn for the --out folder
            out.append(figure_img(png_bytes_uri(pngs[kind]), PLOT_CAPTIONS.get(kind, kind),
                                  kind))
            continue
        try:
            fig = figure(results, kind)
        except Exception as exc:  # noqa: BLE001 - a plot that cannot be drawn is said so
            out.append(f'<p class="muted">{esc(kind)}: not drawn ({esc(exc)}).</p>')
            continue
        out.append(figure_img(png_data_uri(fig, dpi=96), PLOT_CAPTIONS.get(kind, kind), kind))
    return f'<div class="plots">{"".join(out)}</div>'


def _scenario_text(results) -> str:
    src = getattr(results.scenario, "source", None)
    if src:
        try:
            text = Path(src).read_text(encoding="utf-8")
            if len(text) <= 200_000:
                return (f"<h3>{esc(Path(src).name)}</h3><p class=\"muted\">The scenario file as "
                        "written; replications, seed and warm-up above are what the run used "
                        f"(the command line may override the file).</p><pre>{esc(text)}</pre>")
        except (OSError, UnicodeDecodeError):
            pass
    sc = results.scenario
    lines = []
    for name, role in (getattr(sc, "roles", None) or {}).items():
        lines.append(f"role {name}: {getattr(role, 'staff', '?')} staff")
    return f"<pre>{esc(chr(10).join(lines) or '(scenario built in Python)')}</pre>"


def _meta(results, d: dict) -> str:
    import bpsim

    w = results.windows
    items = [("model", results.model_name), ("scenario", results.scenario_name),
             ("scenario file", getattr(results.scenario, "source", None)),
             ("replications", results.replications), ("seed", results.seed),
             ("warm-up", _dur(d.get("warmup"))), ("horizon", _dur(d.get("horizon"))),
             ("measured window", f"{_dur(float(w['warmup'].iloc[0]))} to "
              f"{_dur(float(w['end'].iloc[0]))}" if not w.empty else ""),
             ("bpsim version", bpsim.__version__)]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if _ok(v) and v != "")
    return f'<dl class="meta">{dl}</dl>{_scenario_text(results)}'


def report_html(results, plots: dict[str, bytes] | None = None) -> str:
    """The whole report as HTML text; ``plots`` (kind -> PNG bytes, as written into the
    ``--out`` folder) are used instead of drawing the plots again."""
    import bpsim

    d = results.to_dict()
    pname = getattr(results.process, "name", None) or results.model_name or "process"
    title = f"{results.scenario_name or 'Simulation'}: {pname}"
    subtitle = (f"{esc(results.model_name or '')} · {plural(results.replications, 'replication')} · "
                f"seed {esc(results.seed)} · figures per replication for tickets arriving "
                "after the warm-up; a ± b is a mean and its 95 % CI half-width")
    sections = [
        ("headline", "Headline", section("headline", "Headline", _headline(results, d))),
        ("diagram-section", "On the diagram", section("diagram-section", "On the diagram",
                                                      _diagram(results), wide=True)),
        ("slas", "SLAs", section("slas", "SLAs", _slas(results),
                                 "Share of tickets that missed each promise; a row in red "
                                 "breaches more often than the target allows.")),
        ("bottlenecks", "Bottlenecks", section("bottlenecks", "Bottlenecks",
                                               _bottlenecks(results),
                                               "Stages ranked by how much they hold "
                                               "tickets up, with the reason.")),
        ("stages", "Stages", section("stages", "Stages", _stages(results) + _classes(d))),
        ("open", "Open tickets", section("open", "Open tickets at the horizon",
                                         _open(d), "Tickets not finished at the horizon, "
                                         "per replication, where they are.")),
        ("roles", "Roles", section("roles", "Roles", _roles(results),
                                   "A role above 85 % busy is shown in red.")),
        ("costs", "Costs", section("costs", "Costs", _costs(results),
                                   "Per replication.")),
        ("plots", "Plots", section("plots", "Plots", _plots(results, plots))),
        ("run", "Scenario and run", section("run", "Scenario and run", _meta(results, d))),
    ]
    footer = (f"Written by bpsim {esc(bpsim.__version__)} · seed {esc(results.seed)} · "
              f"{plural(results.replications, 'replication')}. Open offline; nothing is loaded from "
              "the network.")
    return page(title, subtitle, sections, footer)


def write_html(results, path: str | os.PathLike) -> Path:
    """Write :func:`report_html` to ``path`` atomically; return the path."""
    from bpsim._atomic import write_text

    return write_text(path, report_html(results))


def to_html(results, path: str | os.PathLike | None = None) -> str:
    """The report as HTML text; also written to ``path`` when given."""
    text = report_html(results)
    if path is not None:
        from bpsim._atomic import write_text

        write_text(path, text)
    return text
