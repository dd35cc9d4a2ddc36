"""HTML reports of what-if studies: a sweep's comparison, the staffing optimiser's answer.

``bpsim sweep ... --html sweep.html`` / :func:`sweep_html` and ``bpsim optimize ... --html
staffing.html`` / :func:`staffing_html` write the same kind of self-contained page as the
simulation report (:mod:`bpsim.report.htmlpage`: no network request, prints on A4):

* sweep: the settings (what varied, replications, seed, confidence), one comparison table
  per metric (each variant's mean ± CI and its paired difference with the baseline, starred
  when the interval excludes 0), one chart per metric, the process drawing;
* staffing: the plan and its weekly cost, the chosen plan's SLA figures against their
  limits, the next cheaper plan and why it fails, every plan tried (cost against the worst
  SLA's upper bound, as a table and a chart), the offered load per role, the process drawing.
"""

from __future__ import annotations

import math
import os

import pandas as pd

from bpsim.report.format import fmt_num, fmt_pct, fmt_pm, plural
from bpsim.report.htmlpage import esc, figure_img, kpis, page, png_data_uri, section, table

__all__ = ["sweep_html", "staffing_html"]


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _write(text: str, path) -> str:
    if path is not None:
        from bpsim._atomic import write_text

        write_text(path, text)
    return text


def _process_section(process) -> tuple[str, str, str] | None:
    if process is None:
        return None
    from bpsim.render import draw_process

    svg = draw_process(process).to_svg()
    return ("process", "Process",
            section("process", "Process", f'<div class="diagram">{svg}</div>'))


def _footer(seed, reps) -> str:
    import bpsim

    return (f"Written by bpsim {esc(bpsim.__version__)} · seed {esc(seed)} · "
            f"{esc(_reps(reps))} per variant. Nothing is loaded from the network.")


def _reps(reps) -> str:
    return plural(reps, "replication") if isinstance(reps, (int, float)) else f"{reps} replications"


def sweep_html(df: pd.DataFrame, path: str | os.PathLike | None = None, *, process=None,
               title: str | None = None) -> str:
    """The sweep ``df`` (from :func:`bpsim.sweep`) as an HTML report; written to ``path``
    when given."""
    from matplotlib.figure import Figure

    from bpsim.whatif.report import _diff, metric_kind, plot_metric

    keys = list(df.attrs.get("vary", []))
    metrics = list(df.attrs.get("metrics", []))
    seed, reps = df.attrs.get("seed"), df.attrs.get("replications")
    conf = df.attrs.get("confidence", 0.95)

    def label(row) -> str:
        text = (str(row["variant"]) if "variant" in keys
                else ", ".join(f"{k} = {row[k]}" for k in keys))
        return text + (" (baseline)" if row.get("baseline") and text != "baseline" else "")

    rows = df.to_dict("records")
    head = kpis([("variants", str(len(df)), ", ".join(keys), False),
                 ("replications per variant", str(reps), f"seed {seed}", False),
                 ("confidence", f"{conf:.0%}", "paired with the baseline", False)])
    head += ('<p class="muted">Every variant runs on the same random numbers as the baseline '
             "(common random numbers), so a difference is the change, not noise; * marks a "
             "difference whose interval excludes 0.</p>")
    # one row per metric, one column per variant: the value, and under it the paired
    # difference with the baseline
    cols = [("metric", lambda r: r["metric"], "")]
    for row in rows:
        def cell(r, row=row) -> str:
            m, kind = r["metric"], metric_kind(r["metric"])
            if not _ok(row.get(m)):
                return ""
            text = fmt_pm(row[m], row.get(f"{m}_ci95", math.nan), kind)
            if not row.get("baseline"):
                text += "\nΔ " + _diff(row.get(f"{m}_diff", math.nan),
                                       row.get(f"{m}_diff_ci95", math.nan),
                                       bool(row.get(f"{m}_significant")), kind)
            return text
        cols.append((label(row), cell, "n"))
    tables = [table([{"metric": m} for m in metrics], cols)]
    charts = []
    for m in metrics:
        if m not in df or df[m].isna().all():
            continue
        fig = Figure(figsize=(7, 4), layout="constrained")
        plot_metric(df, m, fig.add_subplot())
        charts.append(figure_img(png_data_uri(fig), f"{m}: mean and {conf:.0%} CI per "
                                 "variant.", m))
    sections = [("settings", "Settings", section("settings", "Settings", head)),
                ("comparison", "Comparison", section("comparison", "Comparison",
                                                     "".join(tables))),
                ("charts", "Charts", section("charts", "Charts",
                                             f'<div class="plots">{"".join(charts)}</div>'))]
    extra = _process_section(process)
    if extra:
        sections.append(extra)
    name = title or f"What-if sweep: {', '.join(keys) or 'variants'}"
    sub = f"{plural(len(df), 'variant')} × {esc(_reps(reps))}, seed {esc(seed)}"
    return _write(page(name, sub, sections, _footer(seed, reps)), path)


def staffing_html(result, path: str | os.PathLike | None = None, *, process=None,
                  title: str | None = None) -> str:
    """The optimiser's :class:`~bpsim.whatif.optimize.StaffingResult` as an HTML report;
    written to ``path`` when given."""
    from matplotlib.figure import Figure

    plan = ", ".join(f"{k} {v}" for k, v in result.plan.items())
    head = kpis([("plan" if result.feasible else "best plan found (misses an SLA)", plan,
                  "cheapest meeting every SLA" if result.feasible else "raise --max-staff?",
                  not result.feasible),
                 ("weekly cost", fmt_num(result.cost), None, False),
                 ("plans simulated", str(len(result.candidates)),
                  f"{result.replications} replications each, seed {result.seed}", False)])
    head += (f'<p class="muted">An SLA is met when the {result.confidence:.0%} upper bound of '
             "its breach rate is below the allowed rate.</p>")
    if result.next_cheaper is not None:
        nc = result.next_cheaper
        cheaper = ", ".join(f"{k} {v}" for k, v in nc["plan"].items())
        head += (f"<p>Next cheaper plan tried: <b>{esc(cheaper)}</b> (weekly cost "
                 f"{esc(fmt_num(nc['cost']))}) fails: {esc(nc.get('reason'))}.</p>")
    sla_cols = [("SLA", lambda r: r.get("name"), ""),
                ("breach rate", lambda r: fmt_pm(r["breach_rate"], r.get("breach_rate_ci95",
                                                                          math.nan), "pct"),
                 "n"),
                ("upper bound", lambda r: fmt_pct(r.get("upper")), "n"),
                ("allowed", lambda r: fmt_pct(r.get("limit")), "n"),
                ("met", lambda r: "yes" if r.get("met") else "NO", "")]
    slas = table(result.slas.to_dict("records"), sla_cols, bad=lambda r: not r.get("met"))
    cand = result.candidates
    ccols = [(c, (lambda r, c=c: _cell(r.get(c), c)), "n" if pd.api.types.is_numeric_dtype(
        cand[c]) else "") for c in cand.columns]
    candidates = table(cand.to_dict("records"), ccols,
                       bad=lambda r: r.get("feasible") is False or r.get("feasible") == 0)
    lcols = [(c, (lambda r, c=c: _cell(r.get(c), c)), "") for c in result.loads.columns]
    loads = table(result.loads.to_dict("records"), lcols)
    chart = ""
    if not cand.empty and "cost" in cand and "upper" in cand:
        fig = Figure(figsize=(7, 4), layout="constrained")
        ax = fig.add_subplot()
        ok = cand["feasible"].astype(bool) if "feasible" in cand else pd.Series(True,
                                                                                cand.index)
        ax.scatter(cand.loc[ok, "cost"], cand.loc[ok, "upper"] * 100, label="meets every SLA",
                   color="#1a7f37")
        ax.scatter(cand.loc[~ok, "cost"], cand.loc[~ok, "upper"] * 100, label="misses one",
                   color="#bd0026", marker="x")
        ax.scatter([result.cost], [result.slas["upper"].max() * 100 if not result.slas.empty
                                   else 0], s=160, facecolors="none", edgecolors="black",
                   label="chosen plan")
        ax.set_xlabel("weekly cost")
        ax.set_ylabel("worst SLA: upper bound of breach rate (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
        chart = figure_img(png_data_uri(fig), "Every plan tried: cost against its worst SLA.",
                           "plans tried")
    sections = [("answer", "Answer", section("answer", "Answer", head)),
                ("slas", "SLAs", section("slas", "SLAs of the plan", slas)),
                ("plans", "Plans tried", section("plans", "Plans tried",
                                                 f'<div class="plots">{chart}</div>'
                                                 + candidates)),
                ("loads", "Offered load", section("loads", "Offered load per role", loads))]
    extra = _process_section(process)
    if extra:
        sections.append(extra)
    name = title or "Cheapest staffing meeting the SLAs"
    sub = f"plan {esc(plan)} · weekly cost {esc(fmt_num(result.cost))}"
    return _write(page(name, sub, sections, _footer(result.seed, result.replications)), path)


def _cell(v, column: str = "") -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        share = any(w in column for w in ("rate", "upper", "utili", "share", "limit"))
        return fmt_pct(v) if share else fmt_num(v)
    if isinstance(v, dict):
        return ", ".join(f"{k} {x}" for k, x in v.items())
    return "" if v is None else str(v)
