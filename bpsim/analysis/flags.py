"""Warnings a run raises about its own figures, each with a stable code.

:func:`run_warnings` collects them for :attr:`Results.warnings` (the text report's
"Warnings" section, ``simulate --json`` ``"warnings"``). Each is a dict with ``code`` (one
of :data:`bpsim.analysis.stability.CODES`), ``message`` (one sentence for a manager) and the
figures behind it (``role``, ``element``, ``utilization``, ``slope_per_day``...).
"""

from __future__ import annotations

import math

from bpsim.report.format import fmt_pct

__all__ = ["run_warnings", "load_warnings"]

#: An SLA whose censored share exceeds this gets ``sla-censored``.
CENSORED_SHARE = 0.20


def _lag(seconds: float) -> str:
    from bpsim.report.format import fmt_duration

    return "one week" if abs(seconds - 7 * 86400.0) < 1 else fmt_duration(seconds)


def load_warnings(loads) -> list[dict]:
    """``overloaded-role`` for each role whose on-paper utilisation reaches 1."""
    out: list[dict] = []
    if loads is None or loads.empty:
        return out
    for r in loads.loc[(loads["shift"] == "all") & loads["overloaded"]].to_dict("records"):
        out.append({
            "code": "overloaded-role", "role": r["role"],
            "load_on_duty": r["load_on_duty"], "staff_on_duty": r["staff_on_duty"],
            "utilization": r["utilization"],
            "message": (f"role {r['role']!r} is overloaded on paper: offered load while on duty "
                        f"{r['load_on_duty']:.2f} erlangs against {r['staff_on_duty']:.2f} "
                        f"staff on duty ({fmt_pct(r['utilization'])} of its staff hours in a "
                        "normal week); its queue grows without end: add staff to it or take "
                        "work away from it.")})
    return out


def calendar_unit_warnings(slas) -> list[dict]:
    """``calendar-day-unit`` for each SLA target on a calendar written in days or weeks."""
    from bpsim.analysis.slas import day_unit_on_calendar, target_text
    from bpsim.scenario.calendar import working_day_seconds

    out = []
    for sla in slas:
        for cls, text in day_unit_on_calendar(sla):
            t = sla.target[cls]
            day = working_day_seconds(sla.calendar)
            which = "" if cls is None else f" for {cls}"
            out.append({
                "code": "calendar-day-unit", "sla": sla.name, "cls": cls, "text": text,
                "message": (f"SLA {sla.name!r} target {text!r}{which} is on calendar "
                            f"{sla.calendar.name!r}, so it means {target_text(t, sla.calendar)}"
                            f" (about {float(t) / day:.1f} working days of {day / 3600:g} h), "
                            "not "
                            f"{text}'s worth of working days: write "
                            f"\"{float(t) / day:g}wd\" for that many working days, or "
                            f"\"{float(t) / 3600:g}h\" to keep it and say so.")})
    return out


def run_warnings(results) -> list[dict]:
    """Every warning about ``results`` (see the module docstring), most serious first."""
    from bpsim.analysis.stages import element_name

    out: list[dict] = []
    out += load_warnings(results.paper_loads)
    bt = results.backlog_trend
    if bt is not None and bt.growing:
        out.append({"code": "growing-backlog", "slope_per_day": bt.slope_per_day,
                    "positive_share": bt.positive_share, "open": results.open_summary["total"],
                    "message": (f"the open backlog grows by {bt.slope_per_day:.1f} tickets a "
                                f"day (higher than {_lag(bt.lag)} earlier at "
                                f"{fmt_pct(bt.positive_share)} of the instants tested); "
                                f"{results.open_summary['total']:.0f} tickets "
                                "are open at the horizon: the plan cannot keep up and its "
                                "figures depend on the horizon.")})
    qt = results.queue_trends
    if not qt.empty:
        for r in qt.loc[qt["growing"]].to_dict("records"):
            name = element_name(results.process, r["element"])
            out.append({"code": "growing-queue", "element": r["element"], "name": name,
                        "slope_per_day": r["slope_per_day"],
                        "positive_share": r["positive_share"],
                        "message": (f"the queue at {name!r} grows by "
                                    f"{r['slope_per_day']:.1f} tickets a day (longer than "
                                    f"{_lag(r['lag'])} earlier at "
                                    f"{fmt_pct(r['positive_share'])} of the instants "
                                    "tested).")})
    sl = results.slas
    if not sl.empty and "censored_share" in sl:
        for r in sl.loc[sl["cls"] == "all"].to_dict("records"):
            share = r["censored_share"]
            if isinstance(share, float) and not math.isnan(share) and share > CENSORED_SHARE:
                out.append({"code": "sla-censored", "sla": r["name"], "censored_share": share,
                            "message": (f"SLA {r['name']!r}: {fmt_pct(share)} of its tickets "
                                        "are still open within target at the horizon "
                                        "(censored); its breach rate, estimated at "
                                        f"{fmt_pct(r['breach_rate'])} (Kaplan-Meier), lies "
                                        f"between {fmt_pct(r['breach_rate_low'])} and "
                                        f"{fmt_pct(r['breach_rate_high'])}.")})
    out += getattr(results, "warmup_warnings", [])
    out += calendar_unit_warnings(getattr(results.scenario, "slas", None) or [])
    return out
