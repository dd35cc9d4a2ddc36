"""The JSON report (``bpsim simulate --json``, :meth:`Results.to_dict`).

Keys follow DESIGN.md; durations are seconds; every mean has its ``*_ci95`` half-width
(``null`` with a single replication). Extra keys (percentiles, per-class SLA rows, staff,
Little's law) are welcome additions, never replacements.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis.costs import WEEKLY_BASIS, weekly_payroll

__all__ = ["to_dict", "clean"]


def clean(value: Any) -> Any:
    """Plain JSON-able data: NaN/inf -> None, numpy scalars -> Python numbers."""
    if isinstance(value, dict):
        return {str(k) if k is not None else "default": clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in df.columns]
    return [dict(zip(cols, row)) for row in df[cols].itertuples(index=False, name=None)]


def _target(sla) -> Any:
    if len(sla.target) == 1 and None in sla.target:
        return sla.target[None]
    return {("default" if k is None else k): v for k, v in sla.target.items()}


def _measured_week(results, paid: float) -> float:
    w = results.windows
    if w.empty:
        return math.nan
    weeks = float((w["end"] - w["warmup"]).mean()) / (7 * 86400.0)
    return paid / weeks if weeks > 0 else math.nan


def to_dict(results) -> dict:
    """The report as plain data (see DESIGN.md, ``simulate --json``)."""
    sc = results.scenario
    stages = _records(results.stages, [
        "id", "name", "type", "role", "count", "count_ci95", "wait_mean", "wait_ci95",
        "wait_p50", "wait_p90", "wait_p95", "service_mean", "service_ci95", "service_p90",
        "sojourn_mean", "sojourn_ci95", "sojourn_p90", "queue_mean", "queue_ci95",
        "queue_max", "interrupted", "open", "abandoned", "abandon_rate", "abandon_rate_ci95",
        "blocked", "block_rate", "block_rate_ci95"])
    costs = results.costs
    role_cost = costs.loc[costs["scope"] == "role"].set_index("name")
    roles = []
    for r in _records(results.roles, [
            "name", "staff", "utilization", "utilization_ci95", "busy_hours",
            "busy_hours_ci95", "on_shift_hours", "tasks", "cases_handled", "handling_mean",
            "handling_mean_ci95", "person_hours_per_case", "cost_per_hour", "engaged_share",
            "engaged_share_ci95"]):
        rc = role_cost.loc[r["name"]] if r["name"] in role_cost.index else None
        r["cost"] = float(rc["cost_worked"]) if rc is not None else 0.0
        r["cost_ci95"] = float(rc["cost_worked_ci95"]) if rc is not None else math.nan
        r["cost_paid"] = float(rc["cost_paid"]) if rc is not None else 0.0
        r["billed"] = float(rc["billed"]) if rc is not None else 0.0
        roles.append(r)
    staff = _records(results.staff, ["resource", "role", "shift", "utilization",
                                     "utilization_ci95", "busy_hours", "on_shift_hours",
                                     "tasks", "cases_handled", "handling_mean",
                                     "person_hours_per_case", "engaged_share"])
    slas = []
    table = results.slas
    for sla in getattr(sc, "slas", None) or []:
        rows = table.loc[table["name"] == sla.name]
        if rows.empty:
            continue
        top = rows.iloc[0]
        entry = {"name": sla.name, "target": _target(sla), "target_text": top["target_text"],
                 "breach_rate": top["breach_rate"], "breach_rate_ci95": top["breach_rate_ci95"],
                 "attain": sla.attain, "met": top["met"], "from": top["from"], "to": top["to"],
                 "calendar": top["calendar"], "counted": top["counted"],
                 "excluded": top["excluded"], "censored": top["censored"],
                 "censored_share": top["censored_share"],
                 "open_breached": top["open_breached"],
                 "breach_rate_low": top["breach_rate_low"],
                 "breach_rate_high": top["breach_rate_high"],
                 "estimator": "Kaplan-Meier on the SLA clock (censored: open within target)",
                 "elapsed_p50": top["elapsed_p50"],
                 "elapsed_p90": top["elapsed_p90"], "elapsed_p95": top["elapsed_p95"],
                 "classes": _records(rows.iloc[1:], [
                     "cls", "target", "target_text", "breach_rate", "breach_rate_ci95", "counted",
                     "censored", "censored_share", "open_breached", "breach_rate_low",
                     "breach_rate_high",
                     "elapsed_p50", "elapsed_p90", "elapsed_p95", "met"])}
        slas.append(entry)
    total = costs.loc[costs["scope"] == "total"].iloc[0]
    _weekly = weekly_payroll(sc)
    cost = {"total": total["cost_worked"], "total_ci95": total["cost_worked_ci95"],
            "per_case": total["cost_per_case"], "per_case_ci95": total["cost_per_case_ci95"],
            "basis": "time worked (busy hours x cost_per_hour), per replication",
            "paid_total": total["cost_paid"], "paid_total_ci95": total["cost_paid_ci95"],
            "billed_total": total["billed"], "billed_total_ci95": total["billed_ci95"],
            "billed_per_case": total["billed_per_case"],
            "person_hours": total["person_hours"],
            "weekly": sum(_weekly.values()), "weekly_by_role": _weekly,
            "weekly_basis": WEEKLY_BASIS,
            "weekly_measured": _measured_week(results, total["cost_paid"]),
            "weekly_measured_basis": "payroll (on-shift hours x cost_per_hour) of an average "
                                     "week of the measured window, holidays included",
            "person_hours_per_case": total["person_hours_per_case"],
            "by_class": _records(costs.loc[costs["scope"] == "class"], [
                "name", "cases", "billed", "billed_ci95", "billed_per_case",
                "billed_per_case_ci95", "person_hours", "person_hours_per_case"])}
    summ = results.open_summary
    op = results.open
    by_stage = []
    if not op.empty:
        for _sid, g in op.groupby("id", sort=False):
            top_row = g.loc[(g["cls"] == "all") & (g["state"] == "all")].iloc[0]
            entry = {k: top_row[k] for k in ("id", "name", "count", "count_ci95", "measured",
                                              "age_mean", "age_max", "at_stage_mean")}
            entry["by_state"] = {r["state"]: r["count"] for r in _records(
                g.loc[(g["cls"] == "all") & (g["state"] != "all")], ["state", "count"])}
            entry["by_class"] = {r["cls"]: {"count": r["count"], "age_mean": r["age_mean"]}
                                 for r in _records(g.loc[g["cls"] != "all"],
                                                   ["cls", "count", "age_mean"])}
            by_stage.append(entry)
    open_ = {"total": summ["total"], "total_ci95": summ["total_ci95"],
             "measured": summ["measured"], "share": summ["share"],
             "age_mean": summ["age_mean"], "age_max": summ["age_max"],
             "by_state": summ["by_state"], "by_class": summ["by_class"],
             "by_stage": by_stage,
             "basis": "per replication, tickets not finished at the horizon (all arrivals; "
                      "'measured': of them, arrived after the warm-up); age = horizon - arrival"}
    classes = _records(results.classes, ["name", "count", "completed", "open",
                                         "cycle_time_mean", "cycle_time_ci95", "wait_mean",
                                         "wait_ci95"])
    ll = _records(results.littles_law, ["element", "name", "what", "L", "lambda", "W",
                                        "lambda_W", "gap", "carried"])
    out = {
        "model": results.model_name,
        "scenario": results.scenario_name,
        "replications": results.replications,
        "seed": results.seed,
        "warmup": (float(results.windows["warmup"].mean()) if not results.windows.empty
                   else getattr(sc, "warmup", None)),
        "warmup_rule": (results.mser.rule if results.warmup_auto else "given in the scenario"),
        "warmup_mser": results.mser.warmup,
        "horizon": getattr(sc, "horizon", None),
        "cases": {"arrived": results.arrived, "completed": results.completed,
                  "abandoned": results.left["abandoned"], "blocked": results.left["blocked"],
                  "basis": "per replication, tickets arriving after the warm-up"},
        "crossover": _records(results.crossover, ["id", "name", "role", "preferred", "served", "share",
                                                  "share_ci95"]),
        "abandonment": _records(results.abandonment, [
            "id", "name", "scope", "group", "offered", "abandoned", "abandon_rate",
            "abandon_rate_ci95", "blocked", "block_rate", "block_rate_ci95"]),
        "cycle_time": dict(results.cycle_time),
        "warnings": results.warnings,
        "open": open_,
        "classes": classes,
        "stages": stages,
        "roles": roles,
        "staff": staff,
        "slas": slas,
        "bottlenecks": _records(results.bottlenecks, ["id", "name", "role", "score", "reason",
                                                      "utilization", "wait_share", "growth"]),
        "cost": cost,
        "littles_law": ll,
    }
    if results.events_recorded and results.experience.relevant:  # the customer's side
        out.update(results.experience.to_dict())
    return clean(out)
