"""What-if results for people: tables in text, JSON, CSV and one plot per metric.

A sweep table reads like the manager's question: one line per variant ("3 agents, +30 %"),
each figure as mean ± half-width, and against the baseline the difference, starred when it
is not noise (its interval excludes 0).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from bpsim._atomic import atomic_path, write_text
from bpsim.report.format import fmt_duration, fmt_num, fmt_pct, fmt_pm, plural
from bpsim.report.jsonout import clean

__all__ = ["metric_kind", "sweep_text", "sweep_to_dict", "write_sweep", "staffing_summary",
           "plot_metric"]


def metric_kind(metric: str) -> str:
    """``"duration"``, ``"pct"`` or ``"num"``: how a metric is printed."""
    if metric.startswith(("breach_rate", "utilization")):
        return "pct"
    if metric in ("cycle_time",) or metric.endswith("_time"):
        return "duration"
    return "num"


def _diff(value: float, ci: float, significant: bool, kind: str) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    sign = "+" if value > 0 else ""
    if kind == "duration":
        text = sign + fmt_duration(value)
        err = fmt_duration(ci)
    elif kind == "pct":
        text = sign + fmt_pct(value)
        err = fmt_pct(ci)
    else:
        text = sign + fmt_num(value)
        err = fmt_num(ci)
    if not (isinstance(ci, float) and math.isnan(ci)):
        text += f" ± {err}"
    return text + (" *" if significant else "")


def sweep_text(df: pd.DataFrame, metrics: list[str] | None = None) -> str:
    """The sweep as a text table: one block per variant, one line per metric."""
    keys = list(df.attrs.get("vary", []))
    metrics = metrics or list(df.attrs.get("metrics", []))
    reps = df.attrs.get("replications")
    lines = [f"{plural(len(df), 'variant')} x "
             f"{plural(reps, 'replication') if isinstance(reps, int) else '? replications'}, "
             f"seed {df.attrs.get('seed', '?')}; differences are paired with the baseline "
             "(common random numbers), * = the interval excludes 0."]
    for w in df.attrs.get("warnings", []):
        lines.append(f"WARNING [{w['code']}] {w['message']}")
    table = []
    for _, row in df.iterrows():
        label = (str(row["variant"]) if "variant" in keys
                 else ", ".join(f"{k}={row[k]}" for k in keys))
        label += "  (baseline)" if row.get("baseline") and label != "baseline" else ""
        for m in metrics:
            kind = metric_kind(m)
            table.append({"variant": label, "metric": m,
                          "value": fmt_pm(row[m], row[f"{m}_ci95"], kind),
                          "vs baseline": ("" if row.get("baseline") else
                                          _diff(row[f"{m}_diff"], row[f"{m}_diff_ci95"],
                                                bool(row[f"{m}_significant"]), kind))})
            label = ""
    lines.append(pd.DataFrame(table).to_string(index=False))
    return "\n".join(lines)


def sweep_to_dict(df: pd.DataFrame) -> dict[str, Any]:
    """The sweep as plain data: settings and one record per variant (NaN as ``None``)."""
    keys = list(df.attrs.get("vary", []))
    metrics = list(df.attrs.get("metrics", []))
    variants = []
    for _, row in df.iterrows():
        variants.append({
            "values": {k: row[k] for k in keys},
            "baseline": bool(row.get("baseline", False)),
            "metrics": {m: {"mean": row[m], "ci95": row[f"{m}_ci95"],
                            "diff": row[f"{m}_diff"], "diff_ci95": row[f"{m}_diff_ci95"],
                            "significant": bool(row[f"{m}_significant"])} for m in metrics},
        })
    return clean({"seed": df.attrs.get("seed"), "replications": df.attrs.get("replications"),
                  "confidence": df.attrs.get("confidence"), "vary": keys,
                  "metrics": metrics, "variants": variants,
                  "warnings": list(df.attrs.get("warnings", []))})


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def _number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and not (
        isinstance(x, float) and math.isnan(x))


def plot_metric(df: pd.DataFrame, metric: str, ax=None):
    """``metric`` (with CI bars) against the first varied key, one line per combination of
    the others, and the baseline (the scenario as given) drawn as a black diamond at its own
    value of the key (a dashed line when the scenario has no value there). A key whose values
    are all whole numbers (staff counts) gets whole-number ticks. Returns the axes."""
    from matplotlib.ticker import MaxNLocator

    keys = list(df.attrs.get("vary", []))
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    x_key, others = keys[0], keys[1:]
    flags = df["baseline"].astype(bool) if "baseline" in df else pd.Series(False, df.index)
    base = df.loc[flags].head(1)
    # the baseline differs from the variants only in the varied keys: a point of its curve,
    # unless the scenario has no value for the key on the x axis
    placed = df[x_key].map(lambda x: not (x is None or x != x))
    grid = df.loc[placed | ~flags]
    kind = metric_kind(metric)
    scale, unit = 1.0, ""
    if kind == "duration":
        from bpsim.report.format import duration_unit

        unit, scale = duration_unit(float(df[metric].abs().max() or 0.0))
    elif kind == "pct":
        scale, unit = 0.01, "%"
    xs_all = grid[x_key].tolist() + base[x_key].tolist()
    numeric = all(_number(x) for x in grid[x_key].tolist()) and all(
        _number(x) or x is None or x != x for x in base[x_key].tolist())
    cats: list[str] = []
    if not numeric:
        for x in xs_all:
            if str(x) not in cats and not (x is None or x != x):
                cats.append(str(x))

    def position(x):
        return x if numeric else cats.index(str(x))

    groups = grid.groupby(others, dropna=False, sort=False) if others else [((), grid)]
    for values, g in groups:
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(f"{k}={v}" for k, v in zip(others, values)) or None
        if numeric:
            g = g.sort_values(x_key, kind="stable")
        ax.errorbar([position(x) for x in g[x_key]], g[metric] / scale,
                    yerr=g[f"{metric}_ci95"].fillna(0) / scale, marker="o", capsize=3,
                    label=label)
    for row in base.to_dict("records"):
        y, ci = row[metric] / scale, row.get(f"{metric}_ci95")
        ci = 0.0 if ci is None or ci != ci else ci / scale
        where = ", ".join(f"{k}={row[k]}" for k in others)
        label = "baseline (scenario as given" + (f": {where}" if where else "") + ")"
        x = row[x_key]
        if x is None or x != x:
            ax.axhline(y, color="black", linestyle="--", linewidth=1,
                       label=f"baseline (no {x_key} in the scenario)")
        else:
            ax.errorbar([position(x)], [y], yerr=[ci], marker="D", markersize=8, color="black",
                        capsize=4, linestyle="none", zorder=5, label=label)
    if numeric:
        values = sorted({float(x) for x in xs_all if _number(x)})
        if values and all(v.is_integer() for v in values):
            if len(values) <= 12:
                ax.set_xticks(values, [f"{v:.0f}" for v in values])
            else:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.set_xticks(list(range(len(cats))), cats)
    ax.set_xlabel(x_key)
    ax.set_ylabel(f"{metric} ({unit})" if unit else metric)
    ax.set_title(f"{metric} (mean, {int(round(df.attrs.get('confidence', 0.95) * 100))} % CI)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def write_sweep(df: pd.DataFrame, out_dir: str | os.PathLike, dpi: int = 100) -> list[Path]:
    """Write ``sweep.csv``, ``sweep.json`` and ``sweep_<metric>.png`` (atomically)."""
    import json

    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    csv_path = out / "sweep.csv"
    with atomic_path(csv_path) as tmp:
        df.to_csv(tmp, index=False)
    paths.append(csv_path)
    paths.append(write_text(out / "sweep.json",
                            json.dumps(sweep_to_dict(df), indent=2, allow_nan=False) + "\n"))
    for metric in df.attrs.get("metrics", []):
        if df[metric].isna().all():
            continue
        fig = Figure(figsize=(7, 4), layout="constrained")
        plot_metric(df, metric, fig.add_subplot())
        path = out / f"sweep_{_safe(metric)}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
        paths.append(path)
    return paths


def staffing_summary(result) -> str:
    """The optimiser's answer in words and tables (what ``bpsim optimize`` prints)."""
    lines = []
    plan = ", ".join(f"{k} {v}" for k, v in result.plan.items())
    if result.feasible:
        lines.append(f"Cheapest staffing meeting every SLA, stable: {plan} (weekly cost "
                     f"{fmt_num(result.cost)}).")
        lines.append(f"Weekly cost = {result.to_dict()['weekly_basis']}.")
    else:
        lines.append(f"No plan up to the head-count limit meets every SLA; the best found: {plan}.")
    for w in getattr(result, "warnings", []):
        lines.append(f"WARNING [{w['code']}] {w['message']}")
    lines.append(f"{result.replications} replications per plan, seed {result.seed}; an SLA is met "
                 f"when the {result.confidence:.0%} upper bound of its breach rate is below the "
                 "allowed rate" + ("; CSAT when its lower bound (in the upper bound column) "
                                   "reaches the required score." if "kind" in result.slas
                                   else "."))
    lines.append("")
    lines.append("SLA figures of the chosen plan:")
    slas = result.slas.copy()
    if not slas.empty:
        csat = (slas["kind"] == "csat") if "kind" in slas else pd.Series(False, index=slas.index)
        kinds = ["num" if c else "pct" for c in csat]

        def one(v, kind: str) -> str:
            return fmt_num(v) if kind == "num" else fmt_pct(v)

        slas = pd.DataFrame({
            "SLA": slas["name"],
            "breach rate": [fmt_pm(m, c, k) for m, c, k in zip(slas["breach_rate"],
                                                             slas["breach_rate_ci95"], kinds)],
            "upper bound": [one(u, k) for u, k in zip(slas["upper"], kinds)],
            "allowed": [one(v, k) for v, k in zip(slas["limit"], kinds)],
            "met": ["yes" if m else "NO" for m in slas["met"]],
        })
        lines.append(slas.to_string(index=False))
    lines.append("")
    if result.next_cheaper is not None:
        nc = result.next_cheaper
        cheaper = ", ".join(f"{k} {v}" for k, v in nc["plan"].items())
        lines.append(f"Next cheaper plan tried: {cheaper} (weekly cost {fmt_num(nc['cost'])}) "
                     f"fails: {nc['reason']}.")
    else:
        lines.append("No cheaper plan was tried (every role is at its minimum).")
    lines.append("")
    lines.append("Plans tried:")
    cand = result.candidates.copy()
    if not cand.empty:
        cand["breach_rate"] = [fmt_pm(m, c, "pct") for m, c in zip(cand["breach_rate"], cand["breach_rate_ci95"])]
        cand["upper"] = [fmt_pct(u) for u in cand["upper"]]
        cand["limit"] = [fmt_pct(u) for u in cand["limit"]]
        cand["cost"] = [fmt_num(c) for c in cand["cost"]]
        cand["feasible"] = ["yes" if f else "no" for f in cand["feasible"]]
        cand = cand.drop(columns=["breach_rate_ci95"])
        lines.append(cand.to_string(index=False))
    lines.append("")
    lines.append("On paper (offered load while on duty, erlangs) and the search's starting point:")
    loads = result.loads.copy()
    if not loads.empty:
        loads["offered_load"] = loads["offered_load"].map(lambda x: f"{x:.2f}")
        loads["open_load"] = loads["open_load"].map(lambda x: f"{x:.2f}")
        loads["open_share"] = loads["open_share"].map(fmt_pct)
        loads["arrival_rate_per_hour"] = loads["arrival_rate_per_hour"].map(lambda x: f"{x:.2f}")
        loads["mean_service"] = loads["mean_service"].map(fmt_duration)
        lines.append(loads.to_string(index=False))
    return "\n".join(lines)
