"""Fit a scenario to the team's own diagram from its ticket log.

:func:`fit` reads the log (or takes a DataFrame from :func:`~bpsim.calibrate.read_log`), maps
its activities onto the diagram, replays every ticket, and fits each parameter of a scenario:

==============  =========================================================================
arrivals        per start event: 168 hourly rates at the level of the recent weeks, holidays,
                class mix (:mod:`bpsim.calibrate.arrivals`)
tasks           processing time per task, from logged or estimated start times, in working
                time of the role's calendar; law chosen by held-back Wasserstein distance
                (:mod:`bpsim.calibrate.starts`, :mod:`bpsim.calibrate.laws`)
events          delays holding no staff (catch events, receive tasks): logged ones from their
                enabled time, unlogged ones from the gap before the next step
gateways        branch and loop probabilities from the replay (:mod:`bpsim.calibrate.replay`)
roles           resources, calendar and staff per role (:mod:`bpsim.calibrate.roles`)
==============  =========================================================================

A ``base`` scenario keeps what a log cannot know: costs, billing, SLAs, classes, the run's
name, seed and replications, and the task-to-role assignment; everything else is refitted.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bpsim.calibrate import logread
from bpsim.calibrate.arrivals import fit_arrivals
from bpsim.calibrate.laws import fit_law, require_scipy
from bpsim.calibrate.logread import ACT, CASE, CHAN, CLS, RES, START, TIME, read_log
from bpsim.calibrate.mapping import load_map, map_activities
from bpsim.calibrate.replay import replay
from bpsim.calibrate.report import build_report, report_text
from bpsim.calibrate.roles import RoleFit, fit_calendar, fit_staff
from bpsim.calibrate.scenario_data import branch_key, round_to_one, scenario_data
from bpsim.calibrate.starts import estimate_starts
from bpsim.calibrate.weektime import seconds
from bpsim.calibrate.writer import dump
from bpsim.model import ACTIVITY_TYPES, Process

__all__ = ["Fit", "fit"]

_DELAYS = {"intermediateCatchEvent", "receiveTask", "boundaryEvent"}
#: A class gets its own law of a task (``by_class``) from this many observations on.
MIN_PER_CLASS = 30
_CHOICE = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}


@dataclass
class Fit:
    """A fitted scenario with the figures each value came from.

    Attributes
    ----------
    scenario : Scenario
        Ready for :func:`bpsim.simulate`.
    report : dict
        What was fitted and from what (the ``bpsim fit --json`` document).
    yaml : str
        The scenario as commented YAML (what :meth:`to_yaml` writes).
    """

    scenario: Any
    report: dict
    yaml: str
    data: dict = field(default_factory=dict, repr=False)

    def to_yaml(self, path: str | os.PathLike) -> Path:
        """Write the commented scenario YAML to ``path`` (whole or not at all)."""
        from bpsim._atomic import atomic_path

        with atomic_path(path) as tmp:
            Path(tmp).write_text(self.yaml, encoding="utf-8")
        return Path(path)

    def summary(self) -> str:
        """The fit report as text."""
        return report_text(self.report)

    def __repr__(self) -> str:
        r = self.report
        return (f"<Fit {r['cases']:,} tickets, {r['events']:,} events, "
                f"fitness {r['fitness']:.3f}>")

    def _repr_html_(self) -> str:
        """The fitted values with the figures they came from, for a notebook cell."""
        from bpsim.report.notebook import fit_html

        return fit_html(self)


def _name(process: Process, node: str) -> str:
    return str(process.graph.nodes[node].get("name") or node)


def _load_base(base) -> dict:
    if base is None:
        return {}
    from bpsim.scenario import Scenario, load_scenario

    s = base if isinstance(base, Scenario) else load_scenario(base)
    return s.to_dict()


def _as_time(value) -> pd.Timestamp | None:
    return logread._to_time(value, "window bound")


def fit(process: Process, log: Any, *, mapping: Any = None, base: Any = None,
        recent_weeks: int = 8, since: Any = None, until: Any = None, seed: int = 0,
        name: str | None = None, progress: bool | None = None, **columns: Any) -> Fit:
    """Fit a scenario for ``process`` from an event log.

    Parameters
    ----------
    process : Process
        The team's diagram (:func:`bpsim.read`).
    log : path or DataFrame
        An event log file (CSV/XES, gz) or a DataFrame from :func:`bpsim.read_log`.
    mapping : path or dict, optional
        ``{log activity: element name or id}`` (``None`` values ignore an activity); the
        ``--map`` YAML. Unlisted activities match elements by name.
    base : path or Scenario, optional
        A scenario whose costs, billing, SLAs, classes and task roles are kept.
    recent_weeks : int
        Arrival and staff levels are measured on the last this many weeks of the window
        (0: the whole window).
    since, until : date, optional
        Fit on the tickets opened in ``[since, until)``.
    seed : int
        Seed of the held-back splits of the law choice (the fit is deterministic).
    name : str, optional
        The scenario's name (default: from the log's file name).
    **columns
        Passed to :func:`bpsim.read_log` when ``log`` is a path (``case=``, ``activity=``,
        ``timestamp=``, ``start_timestamp=``, ``resource=``, ``klass=``, ``channel=``,
        ``dayfirst=``).

    Raises
    ------
    LogError
        The log cannot be read (exit 2).
    FitError
        The log does not fit the model: no activity matches an element (exit 1).
    """
    require_scipy()
    if "from_" in columns:
        since = columns.pop("from_")
    if isinstance(log, pd.DataFrame) and log.attrs.get("bpsim"):  # from read_log already
        if since is not None or until is not None:
            log = logread._window(log, since, until, log.attrs.get("bpsim", {}).get("file"))
    else:
        log = read_log(log, since=since, until=until, progress=progress, **columns)
    info = dict(log.attrs.get("bpsim", {}))
    file = info.get("file")
    base_data = _load_base(base)
    counts = log[ACT].value_counts().to_dict()
    m = map_activities(process, counts, load_map(mapping), file=file)
    lo = _as_time(since) or log[TIME].min()
    hi_data = log.groupby(CASE, sort=False)[TIME].min().max()
    hi = _as_time(until) or (hi_data + pd.Timedelta(seconds=1))
    ev = log.loc[log[ACT].isin(m.elements)].reset_index(drop=True)
    ev["element"] = ev[ACT].map(m.elements)
    graph = process.graph
    types = dict(graph.nodes(data="type"))

    # -- replay ----------------------------------------------------------------------------
    case_codes, case_names = pd.factorize(ev[CASE], sort=False)
    el_codes, el_names = pd.factorize(ev["element"], sort=False)
    bounds = np.flatnonzero(np.r_[True, case_codes[1:] != case_codes[:-1], True])
    seqs = [tuple(el_names[el_codes[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
    variant_count = Counter(seqs)
    rp = replay(process, variant_count, set(m.elements.values()))
    vids = {v: i for i, v in enumerate(variant_count)}
    flat: list[int] = []
    offs: list[int] = []
    for v in variant_count:
        offs.append(len(flat))
        flat.extend(rp.variants[v].enabled_by)
    flat_a, offs_a = np.array(flat, int), np.array(offs, int)
    case_vid = np.array([vids[s] for s in seqs], int)
    starts_at = bounds[:-1]
    pos = np.arange(len(ev)) - np.repeat(starts_at, np.diff(bounds))
    ev_case = np.repeat(np.arange(len(seqs)), np.diff(bounds))
    eb = flat_a[offs_a[case_vid[ev_case]] + pos]
    done = seconds(ev[TIME])
    enabled = np.where(eb >= 0, done[np.repeat(starts_at, np.diff(bounds)) + np.maximum(eb, 0)],
                       np.nan)
    logged_start = seconds(ev[START]) if START in ev.columns else None
    resources = ev[RES] if RES in ev.columns else None
    start, _avail, method = estimate_starts(done, enabled, resources, logged_start)

    # -- arrivals --------------------------------------------------------------------------
    case_start_event = [rp.variants[s].start_event for s in seqs]
    arrival_time = ev[TIME].to_numpy()[starts_at]
    fallback_start = next((n for n, d in graph.nodes(data=True)
                           if d.get("type") == "startEvent" and d.get("parent") is None), None)
    per_case = pd.DataFrame({"case": case_names, "start_event": [s or fallback_start
                                                                  for s in case_start_event],
                             "arrival": arrival_time})
    first_rows = log.drop_duplicates(CASE).set_index(CASE)
    for col in (CLS, CHAN):
        if col in first_rows.columns:
            per_case[col] = first_rows[col].reindex(per_case["case"]).to_numpy()
    _channel_to_start(process, per_case, info)
    arrivals = {}
    for se, grp in per_case.groupby("start_event", sort=False):
        if se is None:
            continue
        arrivals[se] = fit_arrivals(se, grp["arrival"], lo, hi, recent_weeks=recent_weeks,
                                    classes=grp[CLS] if CLS in grp else None,
                                    channels=grp[CHAN] if CHAN in grp else None)

    # -- roles -----------------------------------------------------------------------------
    base_roles = dict(base_data.get("roles") or {})
    base_tasks = dict(base_data.get("tasks") or {})
    task_nodes = [n for n in el_names if types.get(n) in ACTIVITY_TYPES
                  and types.get(n) != "receiveTask"]
    has_res = {}
    if resources is not None:
        nn = resources.notna().groupby(ev["element"]).any()
        has_res = {k: bool(v) for k, v in nn.items()}
    role_of: dict[str, str | None] = {}
    from bpsim.scenario.lookup import default_role, find_element
    base_role_by_node: dict[str, Any] = {}
    if base_tasks:
        from bpsim.scenario import Scenario
        probe = Scenario.from_dict({**base_data})
        for key, t in base_tasks.items():
            if isinstance(t, dict) and "role" in t:
                node = find_element(probe, process, key, ("tasks", key))
                base_role_by_node[node] = t["role"][0] if isinstance(t["role"], list) and t["role"] else t["role"]
    lane_roles = {}
    for n in task_nodes:
        lane = process.lane_of(n) if graph.nodes[n].get("lane") else None
        if lane is not None and lane.name:
            lane_roles[lane.name] = lane.name
    for n in task_nodes:
        if n in base_role_by_node:
            role_of[n] = base_role_by_node[n]
            continue
        if resources is not None and not has_res.get(n, False):
            role_of[n] = None       # nobody ever did it: automatic
            continue
        r = default_role(process, n, base_roles or lane_roles)
        role_of[n] = r if r is not None else ("Staff" if not base_roles else None)
    role_names = sorted({r for r in role_of.values() if r is not None})
    ev_role = ev["element"].map(role_of)
    roles: dict[str, RoleFit] = {}
    done_ts = ev[TIME]
    # when work happens: at its (logged or estimated) start, else at its completion (a task
    # finished after closing time does not open the desk at that hour)
    work_ts = pd.Series(np.where(np.isfinite(start), start, done) * 1e9, dtype="float64")
    work_ts = pd.Timestamp("1970-01-05") + pd.to_timedelta(work_ts.to_numpy(), unit="ns")
    work_ts = pd.Series(work_ts, index=ev.index)
    for r in role_names:
        sel = (ev_role == r).to_numpy()
        cal = fit_calendar(work_ts[sel], lo, hi)
        res = sorted(resources[sel].dropna().unique().tolist()) if resources is not None else []
        roles[r] = RoleFit(r, sorted({n for n, rr in role_of.items() if rr == r}), res,
                           int(sel.sum()), cal, calendar_name=None if cal.always
                           else f"{r} hours")

    # -- durations -------------------------------------------------------------------------
    samples: dict[str, np.ndarray] = {}
    sample_cls: dict[str, np.ndarray] = {}
    ev_cls = (ev[CASE].map(per_case.set_index("case")[CLS]).astype(object).to_numpy()
              if CLS in per_case.columns else None)
    notes = list(info.get("notes", [])) + m.notes
    el_arr = ev["element"].to_numpy()
    for n in el_names:
        sel = el_arr == n
        t = types.get(n)
        if t in ACTIVITY_TYPES and t != "receiveTask":
            r = role_of.get(n)
            if r is not None:
                d = roles[r].calendar.working(start[sel], done[sel])
            else:
                d = done[sel] - enabled[sel]
        elif t in _DELAYS:
            d = done[sel] - enabled[sel]
        else:
            continue
        ok = np.isfinite(d) & (d >= 0)
        samples[n] = d[ok]
        if ev_cls is not None and t in ACTIVITY_TYPES:
            sample_cls[n] = ev_cls[sel][ok]
    # unlogged delays: the gap between the enabling event and the next step's start
    gaps: dict[str, list[float]] = {}
    # per event (via its variant and position) the first unlogged delay passed before it
    delay_code = np.full(len(flat_a), -1, int)
    delay_nodes: list[str] = []
    for v, vr in rp.variants.items():
        for i, dl in enumerate(vr.delays):
            if dl:
                if dl[0] not in delay_nodes:
                    delay_nodes.append(dl[0])
                delay_code[offs_a[vids[v]] + i] = delay_nodes.index(dl[0])
    if delay_nodes:
        ev_delay = delay_code[offs_a[case_vid[ev_case]] + pos]
        gap = start - enabled
        for k, node in enumerate(delay_nodes):
            g = gap[ev_delay == k]
            gaps[node] = g[np.isfinite(g) & (g >= 0)].tolist()
    for node, g in gaps.items():
        if node not in samples:
            samples[node] = np.asarray(g, float)
    laws = {n: fit_law(x, seed=seed + i) for i, (n, x) in enumerate(sorted(samples.items()))
            if len(x)}
    # per class, when the log has classes: a law for each class with enough observations
    class_laws: dict[str, dict[str, Any]] = {}
    mixes = [a.classes for a in arrivals.values() if len(a.classes) > 1]
    if mixes:
        for i, (n, cls) in enumerate(sorted(sample_cls.items())):
            by = {}
            for value in pd.unique(cls[pd.notna(cls)]):
                x = samples[n][cls == value]
                if len(x) >= MIN_PER_CLASS:
                    by[str(value)] = fit_law(x, seed=seed + 1000 + i)
            if len(by) >= 2:
                class_laws[n] = by

    # staff from the offered load and the active resources
    for r, rf in roles.items():
        sel = (ev_role == r).to_numpy()
        busy = [laws[n].mean for n in rf.tasks if n in laws]
        w = [int((el_arr[sel] == n).sum()) for n in rf.tasks if n in laws]
        mean_busy = float(np.average(busy, weights=w)) if busy and sum(w) else 0.0
        fit_staff(rf, done_ts[sel], resources[sel] if resources is not None else None,
                  mean_busy, lo, hi, recent_weeks)

    # -- gateways --------------------------------------------------------------------------
    branches, visits = rp.branch_counts()
    gateways: dict[str, dict[str, float]] = {}
    gateway_rows = []
    for g, d in graph.nodes(data=True):
        if d.get("type") not in _CHOICE or graph.out_degree(g) < 2:
            continue
        flows = [dd.get("id") for _, _, dd in graph.out_edges(g, data=True)]
        total = visits.get(g, 0)
        row = {"id": g, "name": d.get("name"), "visits": int(total), "branches": {}}
        if total:
            probs = {f: branches.get((g, f), 0) / total for f in flows}
            if d.get("type") == "exclusiveGateway":
                probs = round_to_one(probs)
            gateways[g] = probs
            row["branches"] = {branch_key(process, g, f): round(p, 6) for f, p in probs.items()}
            row["flows"] = {f: int(branches.get((g, f), 0)) for f in flows}
        gateway_rows.append(row)

    # -- scenario data ---------------------------------------------------------------------
    data, comments = scenario_data(process, base_data, arrivals, roles, role_of, laws, class_laws,
                                    gateways, visits, branches, per_case, lo, hi, name, file,
                                    log, recent_weeks)
    from bpsim.scenario import Scenario

    scenario = Scenario.from_dict(data)
    scenario.bind(process)  # the fitted scenario must run as it is
    report = build_report(process, log, ev, m, rp, arrivals, roles, laws, gateway_rows, lo, hi,
                     method, notes, samples)
    report["open_at_end"] = _open_at_end(rp, seqs, ev, bounds)
    for row in report["tasks"]:
        if row["id"] in class_laws:
            row["by_class"] = {k: {"law": v.law, "family": v.name, "n": v.n,
                                   "distance": v.distance, "mean": round(v.mean, 3)}
                               for k, v in class_laws[row["id"]].items()}
    header = [
        f"Fitted by bpsim fit from {Path(file).name if file else 'a DataFrame'}: "
        f"{report['cases']:,} tickets, {report['events']:,} events, opened "
        f"{report['window'][0][:10]} to {report['window'][1][:10]}.",
        f"Replay fitness {report['fitness']:.3f}; {report['fitting_cases']:,} of "
        f"{report['cases']:,} tickets fit the diagram. Start times: {method}.",
        "Every fitted value says what it came from: n = observations, the law chosen by its",
        "Wasserstein distance (W1) on held-back data, and the observed mean.",
        "",
    ]
    text = dump(data, comments, header)
    return Fit(scenario, report, text, data)


def _open_at_end(rp, seqs, ev: pd.DataFrame, bounds: np.ndarray) -> int:
    """Non-fitting tickets that are probably still open when the log was exported: nothing
    missing, only tokens left, and their last event within the last P95 cycle time of the
    log's end (the P95 of the tickets that do fit)."""
    t = ev[TIME].to_numpy()
    first, last = t[bounds[:-1]], t[bounds[1:] - 1]
    fits = np.array([rp.variants[s].fits for s in seqs])
    only_left = np.array([rp.variants[s].missing == 0 and rp.variants[s].remaining > 0
                          for s in seqs])
    if not only_left.any():
        return 0
    cycle = (last - first)[fits] if fits.any() else last - first
    p95 = np.quantile(cycle.astype("timedelta64[ns]").astype(np.int64), 0.95)
    recent = last >= t.max() - np.timedelta64(int(p95), "ns")
    return int((only_left & recent).sum())


def _channel_to_start(process: Process, per_case: pd.DataFrame, info: dict) -> None:
    """With several start events and a channel column, send each ticket to the start event
    named like its channel (folded), when every channel value names one."""
    if CHAN not in per_case.columns:
        return
    from bpsim.calibrate.mapping import fold
    starts = {fold(d.get("name") or n): n for n, d in process.graph.nodes(data=True)
              if d.get("type") == "startEvent" and d.get("parent") is None}
    if len(starts) < 2:
        return
    values = per_case[CHAN].dropna().astype(str).unique()
    hits = {v: starts.get(fold(v)) for v in values}
    if values.size and all(hits.values()):
        per_case["start_event"] = per_case[CHAN].astype(str).map(hits).fillna(
            per_case["start_event"])


