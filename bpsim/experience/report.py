"""The customer's side in the text report: journey per phase, satisfaction, pain points."""

from __future__ import annotations

import math

from bpsim.report.format import fmt_count, fmt_duration, fmt_num, fmt_pct, fmt_pm

__all__ = ["text_section"]


def _table(headers: list[str], rows: list[list[str]], first: int = 1) -> str:
    from bpsim.report.text import table

    return table(headers, rows, right=set(range(first, len(headers))))


def text_section(results) -> list[str]:
    """Lines of the report's customer section (empty when the run is not about it)."""
    ex = results.experience
    if not ex.available or not ex.relevant:
        return []
    j = ex.journey
    many = (results.replications or 1) > 1          # counts: means per replication
    out = ["", "Customer journey (completed tickets; mean per ticket; effort = the customer's "
               "own time; visible = at frontstage; hidden = backstage and support)"]
    if j.empty:
        return out + ["  no completed ticket to follow."]
    rows = []
    for r in j.itertuples(index=False):
        rows.append([str(r.phase), fmt_pm(r.customer_time_mean, r.customer_time_ci95),
                     fmt_duration(r.effort_mean), fmt_duration(r.visible_wait_mean),
                     fmt_duration(r.hidden_wait_mean), fmt_num(r.touchpoints_mean),
                     fmt_num(r.updates_mean), fmt_num(r.breaches_mean), fmt_num(r.reopens_mean),
                     fmt_pct(r.share_entering)])
    out.append(_table(["phase", "customer time", "effort", "visible wait", "hidden wait",
                       "touchpoints", "updates", "breaches", "re-opens", "tickets in"], rows))
    if "abandon_share" in j and (j["abandon_share"].fillna(0) > 0).any():
        out.append("  abandoned: " + ", ".join(
            f"{r.phase} {fmt_pct(r.abandon_share)}" for r in j.itertuples(index=False)
            if r.abandon_share and r.abandon_share > 0))
    s = ex.satisfaction
    top = s.loc[s["scope"] == "overall"]
    if top.empty:
        return out
    t = top.iloc[0]
    p = ex.params
    sat_from = int(p.satisfied) if float(p.satisfied).is_integer() else p.satisfied
    out += ["", f"Satisfaction (CSAT 1-{p.scale}, scored per completed ticket: see "
                "docs/experience.md)",
            f"  true CSAT {fmt_pm(t.csat_mean, t.csat_ci95, 'num')}; satisfied "
            f"({sat_from}-{p.scale}): {fmt_pm(t.share_satisfied, t.share_satisfied_ci95, 'pct')}",
            "  scores: " + ", ".join(f"{k}: {fmt_pct(v)}" for k, v in ex.distribution.items())]
    gone_a, gone_b = getattr(t, "abandoned_tickets", 0.0), getattr(t, "blocked_tickets", 0.0)
    unserved = (gone_a or 0) > 0 or (gone_b or 0) > 0
    if unserved:  # customers who left unserved count too
        out.append(f"  with the {fmt_num(gone_a)} abandoned and {fmt_num(gone_b)} blocked tickets per "
                   f"replication (scored {p.abandoned:g} and {p.blocked:g}): CSAT "
                   f"{fmt_pm(t.csat_with_unserved_mean, t.csat_with_unserved_ci95, 'num')}; satisfied "
                   f"{fmt_pm(t.share_satisfied_with_unserved, t.share_satisfied_with_unserved_ci95, 'pct')}")
    sv = getattr(results.scenario, "survey", None)
    if sv is not None and not math.isnan(t.survey_csat_mean):
        bias = f", least satisfied answer {sv.bias:g}x as often" if sv.bias != 1 else ""
        out.append(f"  survey ({fmt_pct(sv.response_rate)} answer{bias}): reads "
                   f"{fmt_num(t.survey_csat_mean)} ± {fmt_num(t.survey_ci95)} "
                   f"({fmt_count(t.survey_responses, many)} answers per replication; ± = one "
                   "replication's sampling error)")
    rows = []
    for r in s.loc[s["scope"].isin(["class", "channel"])].itertuples(index=False):
        row = [str(r.scope), str(r.name), fmt_count(r.tickets, many),
               fmt_pm(r.csat_mean, r.csat_ci95, "num"),
               fmt_pct(r.share_satisfied)]
        if sv is not None:
            row.append(fmt_num(r.survey_csat_mean))
        if unserved:
            row.append(fmt_num(getattr(r, "csat_with_unserved_mean", float("nan"))))
        rows.append(row)
    if rows:
        out.append(_table(["by", "name", "tickets", "CSAT", "satisfied"]
                          + (["survey"] if sv is not None else [])
                          + (["CSAT with unserved"] if unserved else []), rows, first=2))
    ph = s.loc[s["scope"] == "phase"]
    if len(ph):
        out += ["", "Emotional thermometer (phase score = base "
                    f"{fmt_num(p.base)} + what the phase did to the customer)"]
        out.append(_table(["phase", "score", "points lost", "main reason"], [
            [str(r.name), fmt_pm(r.phase_score, r.phase_score_ci95, "num"),
             fmt_num(r.points_lost), _why(r.main_driver)] for r in ph.itertuples(index=False)]
            ).replace(" main reason", " main reason"))
    pains = ex.pain_points
    if pains:
        out += ["", "Pain points (phases where satisfaction is lost most, points per ticket)"]
        for i, pp in enumerate(pains, start=1):
            reasons = "; ".join(f"{x['why']} {fmt_num(x['points'])}" for x in pp["reasons"][:3])
            out.append(f"  {i}. {pp['phase']}: {fmt_num(pp['points_lost'])} lost: {reasons}")
    return out


def _why(driver) -> str:
    from bpsim.experience.satisfaction import DRIVERS

    if driver is None or (isinstance(driver, float) and math.isnan(driver)):
        return "-"
    return DRIVERS.get(driver, str(driver))
