"""Does the model reproduce the log? Observed vs simulated, in the desk's own KPIs.

:func:`compare` simulates the log's window (the same start date and length) after a
**warm-up lead-in** (so the simulated desk is not empty when the window opens) and with a
**tail** after it (so that tickets opened near the end can finish, as they did in the log),
then measures the observed log and every simulated replication with the *same* code: the
simulated events are turned into the log the desk's tool would have written (only the
elements the real log shows, at their completion, with start times only where the real log
has them).

KPIs (observed, simulated mean, 95 % CI half-width across replications, relative error):

=================================  =========================================================
``cases_per_week``                 tickets opened per week in the window
``cycle_time_mean_hours`` ...      first to last logged event of a ticket: mean, P50, P90
``cycle_time_to:<SLA>_hours``      first event to the SLA's end point (mean), per SLA
``events_per_case:<activity>``     events of the activity per ticket
``processing_hours:<activity>``    completion - start (only when the log has start times)
``waiting_hours:<activity>``       start - previous event of the ticket (idem)
=================================  =========================================================

Distances (:attr:`Comparison.distances`):

* ``cycle_time_wasserstein_hours``: Wasserstein-1 distance between the observed cycle times
  and all simulated ones, in hours;
* ``ngram``: the 3-gram distance of activity sequences: half the L1 distance between the
  relative frequencies of the 3-grams of both logs (each trace padded with a start and an
  end symbol): 0 = the same sequences in the same proportions, 1 = nothing in common;
* ``circadian``: for each weekday, the Wasserstein distance (hours) between the hour-of-day
  distributions of the events of both logs, averaged over weekdays (a weekday present in
  one log only counts 23 h), as Simod's circadian event distribution distance;
* ``arrival_circadian``: the same for the tickets' first events;
* ``ldm:*``: when the optional ``log-distance-measures`` package is installed, its N-gram,
  circadian, case-arrival and cycle-time distances, so that figures compare with published
  Simod results.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bpsim.calibrate import logread
from bpsim.calibrate.laws import wasserstein
from bpsim.calibrate.logread import ACT, CASE, START, TIME, read_log
from bpsim.calibrate.mapping import load_map, map_activities
from bpsim.calibrate.weektime import hour_of_week
from bpsim.model import Process

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Comparison", "compare", "log_kpis"]

_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042}


def _t(df: int) -> float:
    if df <= 0:
        return float("nan")
    keys = [k for k in _T95 if k <= df]
    return _T95[max(keys)] if df <= 30 else 1.96


@dataclass
class Comparison:
    """Observed vs simulated.

    Attributes
    ----------
    kpis : DataFrame
        ``name``, ``observed``, ``simulated`` (mean over replications), ``ci95``
        (half-width), ``rel_error`` ((simulated - observed) / observed).
    distances : dict
        See the module text.
    profiles : DataFrame
        Per hour of the week (0 = Monday 00-01): share of arrivals and of events, observed
        and simulated.
    window : tuple
        The compared window ``(from, until)``.
    """

    kpis: pd.DataFrame
    distances: dict
    profiles: pd.DataFrame
    window: tuple
    cycle_times: dict = field(default_factory=dict, repr=False)
    info: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The ``bpsim compare --json`` document."""
        rows = []
        for r in self.kpis.to_dict("records"):
            rows.append({k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                         for k, v in r.items()})
        return {"window": [str(self.window[0]), str(self.window[1])], "kpis": rows,
                "distances": {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                              for k, v in self.distances.items()}, **self.info}

    def __repr__(self) -> str:
        return (f"<Comparison {str(self.window[0])[:10]}..{str(self.window[1])[:10]}: "
                f"{len(self.kpis)} KPIs, distances {', '.join(self.distances)}>")

    def _repr_html_(self) -> str:
        """Observed vs simulated as a table, for a notebook cell."""
        from bpsim.report.notebook import comparison_html

        return comparison_html(self)

    def summary(self) -> str:
        """Observed vs simulated as a text table."""
        lines = [f"Window: tickets opened {str(self.window[0])[:10]} .. "
                 f"{str(self.window[1])[:10]}; {self.info.get('replications')} replications "
                 f"after a {self.info.get('lead_in_days')} d lead-in.",
                 "", f"{'KPI':<44} {'observed':>10} {'simulated':>10} {'± ci95':>9} "
                 f"{'error':>8}"]
        for r in self.kpis.itertuples(index=False):
            err = "" if not math.isfinite(r.rel_error) else f"{r.rel_error:+.0%}"
            ci = "" if not math.isfinite(r.ci95) else f"{r.ci95:.3g}"
            lines.append(f"{r.name[:44]:<44} {r.observed:>10.4g} {r.simulated:>10.4g} "
                         f"{ci:>9} {err:>8}")
        lines.append("")
        lines.append("Distances: " + ", ".join(
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
            for k, v in self.distances.items()))
        return "\n".join(lines)

    def plot(self, kind: str = "cycle_time", ax: Axes | None = None) -> Axes:
        """Draw ``"cycle_time"`` (observed vs simulated ECDF, hours) or ``"arrivals"``
        (share of tickets by hour of the week) on ``ax`` (a new figure when None)."""
        if ax is None:
            from matplotlib.figure import Figure
            fig = Figure(figsize=(10, 4.5), layout="constrained")
            ax = fig.add_subplot()
        if kind == "cycle_time":
            for label, values in (("observed", self.cycle_times.get("observed")),
                                  ("simulated", self.cycle_times.get("simulated"))):
                if values is None or not len(values):
                    continue
                x = np.sort(values)
                ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", label=label)
            ax.set_xlabel("cycle time (hours, first to last logged event)")
            ax.set_ylabel("share of tickets")
            ax.set_title("Cycle time: observed vs simulated (ECDF)")
        elif kind == "arrivals":
            p = self.profiles
            ax.plot(p["hour_of_week"], p["arrivals_observed"], label="observed", lw=1.5)
            ax.plot(p["hour_of_week"], p["arrivals_simulated"], label="simulated", lw=1.2,
                    ls="--")
            ax.set_xticks(range(0, 169, 24), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                                              ""])
            ax.set_xlabel("hour of the week")
            ax.set_ylabel("share of tickets")
            ax.set_title("Arrivals by hour of the week")
        else:
            raise ValueError(f"unknown plot kind {kind!r}; choose cycle_time or arrivals")
        ax.grid(alpha=0.3)
        ax.legend()
        return ax

    def write(self, folder: str | os.PathLike) -> list[Path]:
        """Write kpis.csv, distances.json, profiles.csv, comparison.json and the two plots."""
        import json

        from matplotlib.figure import Figure

        from bpsim._atomic import atomic_path

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in (("kpis.csv", self.kpis), ("profiles.csv", self.profiles)):
            with atomic_path(out / name) as tmp:
                frame.to_csv(tmp, index=False)
            written.append(out / name)
        with atomic_path(out / "comparison.json") as tmp:
            Path(tmp).write_text(json.dumps(self.to_dict(), indent=2, default=str))
        written.append(out / "comparison.json")
        for kind, name in (("cycle_time", "cycle_time_ecdf.png"),
                           ("arrivals", "arrivals_by_hour.png")):
            fig = self.plot(kind).figure
            assert isinstance(fig, Figure)  # plot() without ax draws on a new Figure
            with atomic_path(out / name) as tmp:
                fig.savefig(tmp, format="png", dpi=110)
            written.append(out / name)
        return written


# -- measuring a log -----------------------------------------------------------------------
def _cases(frame: pd.DataFrame) -> pd.DataFrame:
    g = frame.groupby(CASE, sort=False)[TIME]
    return pd.DataFrame({"first": g.min(), "last": g.max()})


def log_kpis(frame: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp,
             activities: list[str], sla_points: dict[str, tuple[str, str]] | None = None,
             starts: bool = False) -> tuple[dict[str, float], np.ndarray]:
    """KPIs of one log (see the module text) over the tickets opened in ``[lo, hi)``, and
    their cycle times in hours."""
    cases = _cases(frame)
    keep = cases.index[(cases["first"] >= lo) & (cases["first"] < hi)]
    f = frame.loc[frame[CASE].isin(keep)]
    cases = cases.loc[keep]
    weeks = (hi - lo) / pd.Timedelta(days=7)
    n = len(cases)
    ct = ((cases["last"] - cases["first"]).dt.total_seconds() / 3600.0).to_numpy()
    out = {"cases_per_week": n / weeks if weeks > 0 else float("nan"),
           "cycle_time_mean_hours": float(ct.mean()) if n else float("nan"),
           "cycle_time_p50_hours": float(np.quantile(ct, 0.5)) if n else float("nan"),
           "cycle_time_p90_hours": float(np.quantile(ct, 0.9)) if n else float("nan")}
    for name, (activity, moment) in (sla_points or {}).items():
        hit = f.loc[f[ACT] == activity]
        col = START if moment == "start" and START in hit.columns else TIME
        first_hit = hit.groupby(CASE)[col].min()
        d = (first_hit - cases["first"].reindex(first_hit.index)).dt.total_seconds() / 3600
        out[f"cycle_time_to:{name}_hours"] = float(d.mean()) if len(d) else float("nan")
    counts = f[ACT].value_counts()
    for a in activities:
        out[f"events_per_case:{a}"] = float(counts.get(a, 0)) / n if n else float("nan")
    if starts and START in f.columns:
        proc = (f[TIME] - f[START]).dt.total_seconds() / 3600
        prev = f.groupby(CASE, sort=False)[TIME].shift()
        wait = (f[START] - prev).dt.total_seconds() / 3600
        for a in activities:
            sel = (f[ACT] == a).to_numpy()
            p, w = proc[sel].dropna(), wait[sel].dropna()
            if len(p):
                out[f"processing_hours:{a}"] = float(p.mean())
            if len(w):
                out[f"waiting_hours:{a}"] = float(w[w >= 0].mean()) if (w >= 0).any() else 0.0
    return out, ct


def _ngrams(frame: pd.DataFrame, n: int = 3) -> pd.Series:
    grams: dict[tuple, int] = {}
    for seq in frame.groupby(CASE, sort=False)[ACT].agg(tuple):
        padded = ("^",) * (n - 1) + seq + ("$",)
        for i in range(len(padded) - n + 1):
            g = padded[i:i + n]
            grams[g] = grams.get(g, 0) + 1
    s = pd.Series(grams, dtype=float)
    return s / s.sum() if s.sum() else s


def ngram_distance(a: pd.DataFrame, b: pd.DataFrame, n: int = 3) -> float:
    """Half the L1 distance between the 3-gram frequencies of two logs (0..1)."""
    p, q = _ngrams(a, n), _ngrams(b, n)
    keys = p.index.union(q.index)
    return float(0.5 * np.abs(p.reindex(keys, fill_value=0) - q.reindex(keys, fill_value=0)).sum())


def circadian_distance(a: pd.Series, b: pd.Series) -> float:
    """Mean over weekdays of the Wasserstein distance (hours) of hour-of-day distributions."""
    out = []
    ta, tb = pd.to_datetime(a), pd.to_datetime(b)
    for d in range(7):
        xa = ta[ta.dt.day_of_week == d]
        xb = tb[tb.dt.day_of_week == d]
        if len(xa) == 0 and len(xb) == 0:
            continue
        if len(xa) == 0 or len(xb) == 0:
            out.append(23.0)
            continue
        ha = xa.dt.hour + xa.dt.minute / 60
        hb = xb.dt.hour + xb.dt.minute / 60
        out.append(wasserstein(ha.to_numpy(float), hb.to_numpy(float)))
    return float(np.mean(out)) if out else float("nan")


def _share(times: pd.Series) -> np.ndarray:
    c = np.bincount(hour_of_week(times), minlength=168).astype(float)
    return c / c.sum() if c.sum() else c


# -- the simulated log ---------------------------------------------------------------------
def _simulated_logs(results, names: dict[str, str], origin: pd.Timestamp,
                    with_starts: bool) -> dict[int, pd.DataFrame]:
    """Per replication, the log the desk's tool would have written (mapped elements only)."""
    ev = results.output.events
    el = ev["element"].astype(object)
    keep = el.isin(list(names)) & ev["lifecycle"].astype(str).isin(["complete", "arrive", "end"])
    done = ev.loc[keep]
    frame = pd.DataFrame({
        "replication": done["replication"].astype(int).to_numpy(),
        CASE: done["case"].astype(int).to_numpy(),
        ACT: done["element"].astype(object).map(names).to_numpy(),
        TIME: origin + pd.to_timedelta(done["time"].to_numpy(float), unit="s"),
    })
    if with_starts:
        st = ev.loc[el.isin(list(names)) & (ev["lifecycle"].astype(str) == "start")]
        s = pd.DataFrame({"replication": st["replication"].astype(int).to_numpy(),
                          CASE: st["case"].astype(int).to_numpy(),
                          ACT: st["element"].astype(object).map(names).to_numpy(),
                          START: origin + pd.to_timedelta(st["time"].to_numpy(float), unit="s")})
        for f in (frame, s):
            f["_k"] = f.groupby(["replication", CASE, ACT]).cumcount()
        frame = frame.merge(s, on=["replication", CASE, ACT, "_k"], how="left").drop(
            columns="_k")
    frame = frame.sort_values(["replication", CASE, TIME], kind="stable")
    return {int(r): g.drop(columns="replication") for r, g in frame.groupby("replication")}


def _sla_points(scenario, process: Process, names: dict[str, str]) -> dict[str, tuple]:
    out = {}
    for sla in getattr(scenario, "slas", None) or []:
        to = str(sla.to)
        moment = "end"
        base = to
        for suffix in (".start", ".end"):
            if to.lower().endswith(suffix):
                base, moment = to[: -len(suffix)], suffix[1:]
        node = base if base in process.graph else next(
            (n for n, d in process.graph.nodes(data=True) if d.get("name") == base), None)
        if node in names:
            out[sla.name] = (names[node], moment)
    return out


def compare(process: Process, scenario: Any, log: Any, *, since: Any = None, until: Any = None,
            replications: int | None = None, seed: int | None = None,
            lead_in: Any = None, mapping: Any = None, progress: bool = False,
            **columns: Any) -> Comparison:
    """Simulate ``scenario`` over the log's window and compare with the log.

    Parameters
    ----------
    process : Process
    scenario : Scenario or path
        The scenario to check (typically a fitted one).
    log : path or DataFrame
        The event log (as for :func:`bpsim.fit`).
    since, until : date, optional
        Compare on the tickets opened in ``[since, until)`` (default: the whole log).
    replications, seed : int, optional
        Default: the scenario's.
    lead_in : duration, optional
        Simulated time before the window (default: the scenario's warm-up, at least 7 days).
    mapping : path or dict, optional
        As for :func:`bpsim.fit`.
    **columns
        Column options for :func:`bpsim.read_log`.
    """
    from bpsim.engine import simulate
    from bpsim.scenario import Scenario, load_scenario
    from bpsim.scenario.durations import parse_duration

    if "from_" in columns:
        since = columns.pop("from_")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if isinstance(log, pd.DataFrame) and log.attrs.get("bpsim"):  # from read_log already
        if since is not None or until is not None:
            log = logread._window(log, since, until, log.attrs.get("bpsim", {}).get("file"))
    else:
        log = read_log(log, since=since, until=until, progress=progress, **columns)
    file = log.attrs.get("bpsim", {}).get("file")
    counts = log[ACT].value_counts().to_dict()
    m = map_activities(process, counts, load_map(mapping), file=file)
    observed = log.loc[log[ACT].isin(m.elements)].copy()
    # one name per element: the element's log activity (the most frequent if several)
    names: dict[str, str] = {}
    for activity, node in sorted(m.elements.items(), key=lambda kv: -counts[kv[0]]):
        names.setdefault(node, activity)
    observed[ACT] = observed[ACT].map(lambda a: names[m.elements[a]])
    opened = observed.groupby(CASE)[TIME].min()
    lo = logread._to_time(since, "--from") or opened.min().floor("D")
    hi = logread._to_time(until, "--until") or (opened.max().floor("D") + pd.Timedelta(days=1))
    window = hi - lo
    cycle = (observed.groupby(CASE)[TIME].max() - opened).dt.total_seconds()
    lead = parse_duration(lead_in) if lead_in is not None else max(float(scenario.warmup or 0),
                                                                   7 * 86400.0)
    tail = max(float(np.quantile(cycle, 0.95)) if len(cycle) else 0.0, 86400.0)
    origin = lo - pd.Timedelta(seconds=lead)
    data = scenario.to_dict()
    data.update({"start": origin.to_pydatetime().isoformat(timespec="seconds"),
                 "horizon": lead + window.total_seconds() + tail, "warmup": lead})
    data.pop("cases", None)
    if replications is not None:
        data["replications"] = replications
    if seed is not None:
        data["seed"] = seed
    run = Scenario.from_dict(data, source=scenario.source)
    results = simulate(process, run, progress=progress)
    with_starts = START in observed.columns and observed[START].notna().any()
    sim_logs = _simulated_logs(results, names, origin, with_starts)
    activities = sorted(names.values(), key=lambda a: -counts.get(a, 0))
    points = _sla_points(scenario, process, names)
    obs_k, obs_ct = log_kpis(observed, lo, hi, activities, points, with_starts)
    sims, sim_ct, sim_frames = [], [], []
    for r in sorted(sim_logs):
        k, ct = log_kpis(sim_logs[r], lo, hi, activities, points, with_starts)
        sims.append(k)
        sim_ct.append(ct)
        first = sim_logs[r].groupby(CASE)[TIME].transform("min")
        sim_frames.append(sim_logs[r].loc[(first >= lo) & (first < hi)])
    rows = []
    for name, ov in obs_k.items():
        vals = np.array([s.get(name, np.nan) for s in sims], float)
        vals = vals[np.isfinite(vals)]
        mean = float(vals.mean()) if len(vals) else float("nan")
        ci = _t(len(vals) - 1) * float(vals.std(ddof=1)) / math.sqrt(len(vals)) \
            if len(vals) > 1 else float("nan")
        rel = (mean - ov) / ov if ov and math.isfinite(ov) and math.isfinite(mean) else \
            float("nan")
        rows.append({"name": name, "observed": ov, "simulated": mean, "ci95": ci,
                     "rel_error": rel})
    kpis = pd.DataFrame(rows, columns=["name", "observed", "simulated", "ci95", "rel_error"])
    sim_all = pd.concat(sim_frames) if sim_frames else observed.iloc[:0]
    obs_in = observed.loc[observed[CASE].isin(opened.index[(opened >= lo) & (opened < hi)])]
    sim_ct_all = np.concatenate(sim_ct) if sim_ct else np.array([])
    distances: dict[str, Any] = {
        "cycle_time_wasserstein_hours": wasserstein(obs_ct, sim_ct_all),
        "ngram": ngram_distance(obs_in, sim_frames[0]) if sim_frames else float("nan"),
        "circadian": circadian_distance(obs_in[TIME], sim_all[TIME]),
        "arrival_circadian": circadian_distance(obs_in.groupby(CASE)[TIME].min(),
                                                sim_all.groupby(CASE)[TIME].min()
                                                if len(sim_all) else sim_all[TIME]),
    }
    distances.update(_ldm(obs_in, sim_frames[0] if sim_frames else None))
    profiles = pd.DataFrame({
        "hour_of_week": np.arange(168),
        "arrivals_observed": _share(obs_in.groupby(CASE)[TIME].min()),
        "arrivals_simulated": _share(pd.concat([f.groupby(CASE)[TIME].min()
                                                for f in sim_frames]) if sim_frames
                                     else pd.Series(dtype="datetime64[ns]")),
        "events_observed": _share(obs_in[TIME]),
        "events_simulated": _share(sim_all[TIME]) if len(sim_all) else np.zeros(168),
    })
    info = {"replications": results.replications, "lead_in_days": round(lead / 86400, 2),
            "tail_days": round(tail / 86400, 2), "observed_cases": int(len(obs_in[CASE].unique())),
            "unmapped_activities": [{"activity": a, "events": n} for a, n in m.unmapped.items()],
            "file": file}
    return Comparison(kpis, distances, profiles, (lo, hi),
                      {"observed": obs_ct, "simulated": sim_ct_all}, info)


def _ldm(observed: pd.DataFrame, simulated: pd.DataFrame | None) -> dict[str, float | str]:
    """Distances of the optional log-distance-measures package (empty when absent)."""
    if simulated is None:
        return {}
    try:
        from log_distance_measures.config import EventLogIDs
    except ImportError:
        return {}
    out: dict[str, float | str] = {}
    ids = EventLogIDs(case="case", activity="activity", start_time="start", end_time="end")

    def prep(f: pd.DataFrame) -> pd.DataFrame:
        start = f[START] if START in f.columns else f[TIME]
        return pd.DataFrame({"case": f[CASE].astype(str), "activity": f[ACT],
                             "start": pd.to_datetime(start.fillna(f[TIME])).dt.tz_localize("UTC"),
                             "end": pd.to_datetime(f[TIME]).dt.tz_localize("UTC")})

    a, b = prep(observed), prep(simulated)
    calls = []
    try:
        from log_distance_measures.n_gram_distribution import n_gram_distribution_distance
        calls.append(("ldm:ngram_3", lambda: n_gram_distribution_distance(a, ids, b, ids, n=3)))
    except ImportError:
        pass
    try:
        from log_distance_measures.circadian_event_distribution import (
            circadian_event_distribution_distance,
        )
        calls.append(("ldm:circadian_event", lambda: circadian_event_distribution_distance(
            a, ids, b, ids)))
    except ImportError:
        pass
    try:
        from log_distance_measures.case_arrival_distribution import (
            case_arrival_distribution_distance,
        )
        calls.append(("ldm:case_arrival", lambda: case_arrival_distribution_distance(
            a, ids, b, ids)))
    except ImportError:
        pass
    try:
        from log_distance_measures.cycle_time_distribution import (
            cycle_time_distribution_distance,
        )
        calls.append(("ldm:cycle_time", lambda: cycle_time_distribution_distance(
            a, ids, b, ids, bin_size=pd.Timedelta(hours=1))))
    except ImportError:
        pass
    for name, call in calls:
        try:
            out[name] = float(call())
        except Exception as exc:  # noqa: BLE001 (an optional package's own failure)
            out[name] = f"failed: {type(exc).__name__}: {exc}"[:200]
    return out
