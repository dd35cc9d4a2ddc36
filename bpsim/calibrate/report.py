"""The fit report: the ``bpsim fit --json`` document and its text rendering."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bpsim.calibrate.logread import CASE
from bpsim.model import ACTIVITY_TYPES
from bpsim.scenario.durations import format_duration

__all__ = ["build_report", "report_text"]


def _name(process, node: str) -> str:
    return str(process.graph.nodes[node].get("name") or node)


def build_report(process, log, ev, m, rp, arrivals, roles, laws, gateway_rows, lo, hi, method,
            notes, samples) -> dict:
    graph = process.graph
    tasks: list[dict[str, Any]] = []
    delays: list[dict[str, Any]] = []
    for n, law in sorted(laws.items(), key=lambda kv: _name(process, kv[0])):
        row = {"id": n, "name": _name(process, n), "law": law.law if len(law.law) < 200 else
               law.law[:197] + "...", "family": law.name, "n": law.n,
               "distance": None if law.distance is None else round(law.distance, 3),
               "mean": round(law.mean, 3), "scores": {k: round(v, 3) for k, v in
                                                      law.scores.items()}}
        (delays if graph.nodes[n].get("type") not in ACTIVITY_TYPES
         or graph.nodes[n].get("type") == "receiveTask" else tasks).append(row)
    return {
        "file": log.attrs.get("bpsim", {}).get("file"),
        "cases": int(log[CASE].nunique()),
        "events": int(len(log)),
        "window": [str(pd.Timestamp(lo)), str(pd.Timestamp(hi))],
        "columns": log.attrs.get("bpsim", {}).get("columns", {}),
        "mapped": dict(m.elements),
        "ignored_activities": list(m.ignored),
        "unmapped_activities": [{"activity": a, "events": n} for a, n in
                                sorted(m.unmapped.items(), key=lambda kv: -kv[1])],
        "unseen_elements": [{"id": n, "name": graph.nodes[n].get("name"),
                             "measured_from_gaps": n in laws} for n in m.unseen],
        "fitness": round(rp.fitness, 4),
        "fitting_cases": rp.fitting_cases,
        "non_fitting": [dict(nf, variant=[_name(process, e) for e in nf["variant"]])
                        for nf in rp.non_fitting()],
        "start_times": method,
        "arrivals": [{"id": a.start_event, "name": _name(process, a.start_event),
                      "tickets": a.tickets, "weeks": round(a.weeks, 2),
                      "per_week": round(a.level, 3), "level_weeks": a.level_weeks,
                      "window_per_week": round(a.mean_per_week, 3),
                      "trend_per_week": round(a.trend, 4), "holidays": a.holidays,
                      "classes": a.classes, "channels": a.channels,
                      "per_hour": [round(float(x), 5) for x in a.per_hour]}
                     for a in arrivals.values()],
        "tasks": tasks,
        "delays": delays,
        "gateways": gateway_rows,
        "roles": [{"name": r.name, "staff": r.staff, "resources": r.resources,
                   "tasks": r.tasks, "events": r.events, "calendar": r.calendar.hours_text()
                   if r.calendar_name else "24/7", "holidays": [d.strftime("%Y-%m-%d") for d in
                                                                 r.calendar.holidays],
                   "active_per_day": None if r.staff_active is None else round(r.staff_active, 2),
                   "offered_load": round(r.staff_load or 0.0, 3),
                   "staff_by_hour": r.staff_by_hour, "presence_by_hour_of_day": r.presence,
                   "shifts": [{"name": sh["name"], "staff": sh["staff"],
                               "hours": sh["calendar"].hours_text(), "presence": sh["presence"]}
                              for sh in r.shifts]} for r in roles.values()],
        "notes": notes,
    }


def report_text(r: dict) -> str:
    """The fit report as text (what ``bpsim fit`` prints)."""
    lines = [
        f"Fitted {r['cases']:,} tickets ({r['events']:,} events) opened "
        f"{r['window'][0][:10]} .. {r['window'][1][:10]}.",
        f"Replay on the diagram: fitness {r['fitness']:.3f}, {r['fitting_cases']:,} of "
        f"{r['cases']:,} tickets fit. Start times: {r['start_times']}.",
    ]
    for note in r["notes"]:
        lines.append(f"Note: {note}")
    if r["unmapped_activities"]:
        lines.append("Activities not in the diagram (left out): " + ", ".join(
            f"{u['activity']} ({u['events']})" for u in r["unmapped_activities"]))
    if r["unseen_elements"]:
        lines.append("Elements never in the log: " + ", ".join(
            str(u["name"] or u["id"]) + (" (a delay, measured from the gaps before the next "
                                         "step)" if u.get("measured_from_gaps") else "")
            for u in r["unseen_elements"]))
    if r.get("open_at_end"):
        lines.append(f"{r['open_at_end']:,} of the tickets that do not fit are probably still open "
                     "(no step missing, only the end; last event near the end of the log).")
    if r["non_fitting"]:
        lines.append("Most frequent tickets that do not fit the diagram:")
        for nf in r["non_fitting"][:5]:
            lines.append(f"  {nf['cases']:>6,} x {' > '.join(nf['variant'])[:100]}")
    lines.append("")
    lines.append("Arrivals")
    for a in r["arrivals"]:
        lines.append(f"  {a['name']}: {a['tickets']:,} tickets, {a['per_week']:.1f}/week "
                     f"(last {a['level_weeks']} weeks; window {a['window_per_week']:.1f}/week, "
                     f"trend {a['trend_per_week']:+.2f}/week per week), "
                     f"{len(a['holidays'])} holidays")
        if a["classes"]:
            lines.append("    classes: " + ", ".join(f"{k} {v:.0%}" for k, v in
                                                    a["classes"].items()))
        if a["channels"]:
            lines.append("    channels: " + ", ".join(f"{k} {v:.0%}" for k, v in
                                                     a["channels"].items()))
    lines.append("")
    lines.append(f"{'Task / delay':<32} {'n':>7}  {'law':<12} {'mean':>9} {'W1 held-back':>12}")
    for t in r["tasks"] + r["delays"]:
        dist = "-" if t["distance"] is None else format_duration(t["distance"])
        lines.append(f"{t['name'][:32]:<32} {t['n']:>7,}  {t['family']:<12} "
                     f"{format_duration(t['mean']):>9} {dist:>12}")
    if r["gateways"]:
        lines.append("")
        lines.append("Gateways (replayed decisions)")
        for g in r["gateways"]:
            b = ", ".join(f"{k} {v:.1%}" for k, v in g["branches"].items()) or "never decided"
            lines.append(f"  {g['name'] or g['id']} ({g['visits']:,}): {b}")
    lines.append("")
    lines.append("Roles")
    for ro in r["roles"]:
        cal = ro["calendar"] if isinstance(ro["calendar"], str) else ", ".join(
            f"{k} {v}" for k, v in ro["calendar"].items())
        lines.append(f"  {ro['name']}: staff {ro['staff']} ({len(ro['resources'])} resources, "
                     f"{ro['active_per_day'] if ro['active_per_day'] is not None else 'n/a'} "
                     f"active per day, load {ro['offered_load']:.2f}); works {cal}")
        for sh in ro.get("shifts") or []:
            lines.append(f"    shift {sh['name']}: {sh['staff']} staff, "
                         + ", ".join(f"{k} {v}" for k, v in sh["hours"].items()))
    return "\n".join(lines)
