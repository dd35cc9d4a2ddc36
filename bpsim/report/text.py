"""The text report: what ``bpsim simulate`` prints.

Sections, in the order a service-desk manager asks: how many tickets and how long they took;
where they waited (stages); how busy the people were (roles); did we keep our promises
(SLAs); what holds tickets up (bottlenecks); what it cost; and a sanity line per stage
(Little's law). Figures after warm-up; "a ± b" is a mean and its 95 % CI half-width across
replications.
"""

from __future__ import annotations

import math

from bpsim.analysis.costs import priced
from bpsim.report.format import fmt_count, fmt_duration, fmt_pct, fmt_pm, plural

__all__ = ["summary", "table"]


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None,
          indent: str = "  ") -> str:
    """A fixed-width text table; columns in ``right`` are right-aligned."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(cells, widths))]
        return (indent + "  ".join(parts)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _hours(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.1f}"


def _money(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.2f}"


def _counter(results):
    """How this report prints counts: one decimal when they are means over several
    replications, whole numbers for a single replication (see the header)."""
    many = (results.replications or 1) > 1
    return lambda x: fmt_count(x, many)


def _header(results) -> list[str]:
    sc = results.scenario
    out = ["bpsim simulation report", "=" * 23]
    out.append(f"Model:     {results.model_name or '(unnamed)'}")
    src = getattr(sc, "source", None)
    out.append(f"Scenario:  {results.scenario_name or '(unnamed)'}" + (f" ({src})" if src else ""))
    w = results.windows
    span = ""
    if not w.empty:
        how = "warm-up, chosen by MSER-5" if results.warmup_auto else "warm-up"
        span = (f", measured from {fmt_duration(float(w['warmup'].iloc[0]))} ({how}) "
                f"to {fmt_duration(float(w['end'].iloc[0]))}")
    seed = f", seed {results.seed}" if results.seed is not None else ""
    out.append(f"Runs:      {plural(results.replications, 'replication')}{seed}{span}")
    out.append("Figures count tickets arriving after the warm-up; 'a ± b' = mean ± 95 % CI "
               "half-width across replications.")
    if (results.replications or 1) > 1:
        out.append("Counts (tickets, visits, cases) are means per replication, with one "
                   "decimal.")
    missing = getattr(results, "not_streamed", None)   # streamed results say what they lack
    if missing is not None:
        out.append("Streaming statistics (no event records kept): percentiles are exact up to "
                   "4,096 values per figure, then within 0.5 % (--records, or records=True, for exact ones).")
        if missing:
            out.append("Not computed without records: " + ", ".join(missing) + ".")
    return out


def _cases(results) -> list[str]:
    ct = results.cycle_time
    left = results.left
    n = _counter(results)
    gone = "".join(f", {n(left[k])} {k}" for k in ("abandoned", "blocked") if left[k] > 0)
    return [
        "",
        f"Tickets per replication: {n(results.arrived)} arrived, "
        f"{n(results.completed)} completed{gone}",
        f"Cycle time (arrival -> end): mean {fmt_pm(ct['mean'], ct['ci95'])}; "
        f"P50 {fmt_duration(ct['p50'])}, P90 {fmt_duration(ct['p90'])}, "
        f"P95 {fmt_duration(ct['p95'])}"
        f" (over {n(ct.get('cases', math.nan))} completed tickets; "
        f"{n(ct.get('open', math.nan))} still open at the horizon are not in it)",
    ]


def _warnings(results) -> list[str]:
    """The run's warnings (overload, growing queues, censoring, warm-up), first."""
    ws = results.warnings
    if not ws:
        return []
    out = ["", f"WARNINGS ({len(ws)}): read these before the figures below"]
    for w in ws:
        out.append(f"  [{w['code']}] {w['message']}")
    return out


def _measured(results) -> bool:
    """Whether the stage, queue, SLA and billing figures exist: from the event records,
    or from streaming statistics (``records=False``)."""
    return results.events_recorded or getattr(results, "streamed", False)


def _open(results) -> list[str]:
    """Tickets still open at the horizon, per stage and state, with their age."""
    if not _measured(results):
        return []
    s = results.open_summary
    if not s["total"]:
        return ["", "Open at the horizon: none (every ticket finished)."]
    n = _counter(results)
    states = ", ".join(f"{n(v)} {k}" for k, v in s["by_state"].items() if v)
    out = ["", f"Open at the horizon (per replication): {n(s['total'])} tickets "
               f"({n(s['measured'])} arrived after the warm-up, "
               f"{fmt_pct(s['share'])} of those arrived); mean age "
               f"{fmt_duration(s['age_mean'])}, oldest {fmt_duration(s['age_max'])}"
               + (f"; {states}" if states else "")]
    op = results.open
    if not op.empty:
        top = op.loc[(op["cls"] == "all") & (op["state"] == "all")]
        rows = []
        for r in top.itertuples(index=False):
            st = op.loc[(op["id"] == r.id) & (op["cls"] == "all") & (op["state"] != "all")]
            cls = op.loc[(op["id"] == r.id) & (op["cls"] != "all")]
            rows.append([str(r.name), n(r.count),
                         ", ".join(f"{n(x.count)} {x.state}"
                                   for x in st.itertuples(index=False)),
                         ", ".join(f"{x.cls} {n(x.count)}"
                                   for x in cls.itertuples(index=False)),
                         fmt_duration(r.age_mean), fmt_duration(r.at_stage_mean)])
        out.append(table(["stage", "open", "state", "by class", "age mean", "at stage"],
                         rows, right={1, 4, 5}))
    return out


def _stages(results) -> list[str]:
    st = results.stages
    if not _measured(results):
        return ["", "Stages, queues, SLAs and billing: not measured: the run kept no event "
                    "records (record_events=False)."]
    if st.empty:
        return ["", "Stages: none reached."]
    rows = []
    n = _counter(results)
    for s in st.itertuples(index=False):
        staffed = isinstance(s.role, str)
        queued = staffed or (s.queue_max or 0) > 0
        rows.append([str(s.name), s.role if staffed else "-", n(s.count),
                     fmt_pm(s.wait_mean, s.wait_ci95) if queued else "-",
                     fmt_duration(s.wait_p90) if queued else "-",
                     fmt_duration(s.service_mean), fmt_duration(s.sojourn_mean),
                     f"{s.queue_mean:.2f}" if queued else "-",
                     f"{s.queue_max:.0f}" if queued else "-"])
    return ["", "Stages (wait = until taken in charge; queue = tickets waiting)",
            table(["stage", "role", "count", "wait mean", "wait P90", "service",
                   "sojourn", "queue avg", "max"], rows, right={2, 3, 4, 5, 6, 7, 8})]


def _abandonment(results) -> list[str]:
    if not _measured(results):
        return []
    ab = results.abandonment
    if ab.empty:
        return []
    rows = []
    n = _counter(results)
    for r in ab.itertuples(index=False):
        rows.append([str(r.name) if r.scope == "all" else "", "all" if r.scope == "all" else
                     f"{r.scope} {r.group}", n(r.offered), n(r.abandoned),
                     fmt_pm(r.abandon_rate, r.abandon_rate_ci95, "pct"), n(r.blocked),
                     fmt_pm(r.block_rate, r.block_rate_ci95, "pct")])
    return ["", "Abandonment and blocking (abandoned = left the queue unserved; blocked = "
                "found the queue full)",
            table(["stage", "group", "offered", "abandoned", "abandon rate", "blocked",
                   "block rate"], rows, right={2, 3, 4, 5, 6})]


def _roles(results) -> list[str]:
    ro = results.roles
    if ro.empty:
        return []
    rows = []
    n = _counter(results)
    roles = getattr(results.scenario, "roles", {}) or {}
    concurrent = {name for name, role in roles.items() if getattr(role, "concurrency", 1) > 1}
    shared = bool(concurrent) and "engaged_share" in ro
    for r in ro.itertuples(index=False):
        row = [str(r.name), str(r.staff), fmt_pm(r.utilization, r.utilization_ci95, "pct"),
               _hours(r.busy_hours), _hours(r.on_shift_hours), n(r.cases_handled),
               fmt_duration(r.handling_mean),
               fmt_duration(r.person_hours_per_case * 3600.0)]
        if shared:
            row.insert(3, fmt_pct(r.engaged_share) if str(r.name) in concurrent else "")
        rows.append(row)
    head = ["role", "staff", "utilisation", "busy h", "on shift h", "cases", "handling",
            "work/case"]
    title = "Roles (utilisation = busy / (on shift + overtime))"
    if shared:
        head.insert(3, "engaged")
        title = ("Roles (utilisation = busy / (on shift + overtime); engaged = share of time "
                 "with at least one ticket in hand, for staff who handle several at once)")
    out = ["", title, table(head, rows)]
    out += _unstaffed(results)
    if "overtime_hours" in ro and (ro["overtime_hours"] > 0.05 * ro["on_shift_hours"]).any():
        out.append("  (staff of a role above worked more than 5 % of their shift hours as "
                   "overtime, finishing tasks after the shift ended: the role is overloaded)")
    sf = results.staff
    if not sf.empty and len(sf) <= 40:
        srows = [[str(s.resource), fmt_pct(s.utilization), _hours(s.busy_hours),
                  n(s.cases_handled), fmt_duration(s.handling_mean)]
                 for s in sf.itertuples(index=False)]
        out += ["", "Staff (per member, mean per replication)",
                table(["member", "utilisation", "busy h", "cases", "handling"], srows)]
    return out


def _unstaffed(results) -> list[str]:
    """The consequence of ``allow_unstaffed: true``, said where the roles are listed."""
    sc = results.scenario
    if not getattr(sc, "allow_unstaffed", False):
        return []
    used = {t.role for t in sc.tasks.values() if t.role}
    empty = [name for name, role in sc.roles.items() if role.staff <= 0 and name in used]
    return [f"  (role {name} has no staff (allow_unstaffed: true): tickets that reach its "
            "tasks wait there until the horizon and never complete)" for name in empty]


def _slas(results) -> list[str]:
    sl = results.slas
    if sl.empty:
        return []
    rows = []
    n = _counter(results)
    for s in sl.itertuples(index=False):
        target = getattr(s, "target_text", None) or (
            fmt_duration(s.target) if not math.isnan(s.target) else "by class")
        verdict = "n/a" if s.met is None else ("ok" if s.met else "MISSED")
        rows.append([str(s.name) if s.cls == "all" else "", str(s.cls), target,
                     fmt_pm(s.breach_rate, s.breach_rate_ci95, "pct"),
                     fmt_pct(1 - s.attain), fmt_duration(s.elapsed_p90), n(s.counted),
                     f"{n(s.open_breached)} / {n(s.censored)}", verdict])
    lines = ["", "SLAs (clock on the SLA's calendar; breach = elapsed > target; tickets = "
                 "every ticket arrived after the warm-up that reached the start point)",
             table(["SLA", "class", "target", "breach rate", "allowed", "P90 elapsed",
                    "tickets", "open late / censored", "verdict"], rows,
                   right={2, 3, 4, 5, 6, 7})]
    if (sl["censored"] > 0).any() or (sl["open_breached"] > 0).any():
        lines.append("  Open tickets count: one still open past its target is a breach (open "
                     "late); one still open within it is censored, its outcome unknown. The "
                     "breach rate is the Kaplan-Meier estimate on the SLA clock; with every "
                     "censored ticket met / breached it would be:")
        for s in sl.loc[(sl["censored"] > 0) & (sl["cls"] == "all")].itertuples(index=False):
            lines.append(f"    {s.name}{'' if s.cls == 'all' else ' ' + str(s.cls)}: "
                         f"{fmt_pct(s.breach_rate_low)} .. {fmt_pct(s.breach_rate_high)} "
                         f"({fmt_pct(s.censored_share)} censored)")
    for s in sl.loc[sl["cls"] == "all"].to_dict("records"):
        cal = f" on calendar {s['calendar']}" if s["calendar"] else " on the wall clock"
        lines.append(f"  {s['name']}: from {s['from']} to {s['to']}{cal}")
    return lines


def _bottlenecks(results, top: int = 5) -> list[str]:
    b = results.bottlenecks
    b = b.loc[b["score"] > 0].head(top)
    if b.empty:
        return ["", "Bottlenecks: none (no stage has busy staff or waiting tickets)."]
    out = ["", "Bottlenecks (score = 0.4 utilisation + 0.4 wait share + 0.2 queue growth)"]
    for i, r in enumerate(b.itertuples(index=False), 1):
        out.append(f"  {i}. {r.name} (score {r.score:.2f}): {r.reason}")
    return out


def _cost(results) -> list[str]:
    c = results.costs
    tot = c.loc[c["scope"] == "total"].iloc[0]
    if not priced(results.scenario):
        return ["", f"Person-hours (per replication): {_hours(tot['person_hours'])} "
                    f"({fmt_duration(tot['person_hours_per_case'] * 3600.0)} of staff time per "
                    "ticket). No cost block: no role has a cost_per_hour or bill_rate."]
    out = ["", "Cost (per replication)",
           f"  Staff cost on time worked (busy h x cost/h): {_money(tot['cost_worked'])}"
           + (f" ± {_money(tot['cost_worked_ci95'])}"
              if not math.isnan(tot["cost_worked_ci95"]) else "")
           + f"; per ticket {_money(tot['cost_per_case'])}",
           f"  Staff cost on paid time (on-shift h x cost/h): {_money(tot['cost_paid'])}",
           f"  Customer billing (task time rounded up to the billing increment): "
           f"{_money(tot['billed'])}; per ticket {_money(tot['billed_per_case'])}",
           f"  Person-hours: {_hours(tot['person_hours'])} "
           f"({fmt_duration(tot['person_hours_per_case'] * 3600.0)} of staff time per ticket)"]
    rows = [[str(r.name), _hours(r.person_hours), _money(r.cost_worked), _money(r.cost_paid),
             _money(r.billed)] for r in c.loc[c["scope"] == "role"].itertuples(index=False)]
    if rows:
        out.append(table(["role", "person-h", "cost worked", "cost paid", "billed"], rows))
    n = _counter(results)
    rows = [[str(r.name), n(r.cases), _money(r.billed), _money(r.billed_per_case),
             fmt_duration(r.person_hours_per_case * 3600.0)]
            for r in c.loc[c["scope"] == "class"].itertuples(index=False)]
    if rows:
        out.append("")
        out.append(table(["class", "tickets", "billed", "billed/ticket", "work/ticket"],
                         rows))
    return out


def _little(results) -> list[str]:
    ll = results.littles_law
    ll = ll.loc[(ll["what"] == "queue") & (ll["L"] > 0.01)]
    if ll.empty:
        return ["", "Little's law: no queue long enough to check."]
    out = ["", "Little's law check per queue over the measured window (L = time-average "
               "number waiting; lambda = tickets that waited in the window, arrived in it or "
               "already queued when the warm-up ended, / window length; W = their mean wait "
               "inside the window)"]
    for r in ll.itertuples(index=False):
        out.append(f"  {r.name}: L = {r.L:.3f}, lambda W = {r.lambda_W:.3f} "
                   f"(gap {fmt_pct(r.gap, 1)})")
    if (ll["gap"] > 0.05).any():
        out.append("  A gap above 5 % means the queue lengths and the tickets' waits disagree: "
                   "the records are inconsistent (a bug: please report it with the model, "
                   "scenario and seed).")
    return out


def summary(results) -> str:
    """The whole text report of a :class:`~bpsim.analysis.Results`."""
    lines = (_header(results) + _warnings(results) + _cases(results) + _open(results)
             + _stages(results) + _abandonment(results) + _roles(results) + _slas(results)
             + _bottlenecks(results) + _cost(results) + _little(results) + _experience(results))
    return "\n".join(lines) + "\n"


def _experience(results) -> list[str]:
    from bpsim.experience.report import text_section

    return text_section(results)
