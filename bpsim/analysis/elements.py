"""Figures per diagram element and per sequence flow, for drawing results on the diagram.

:func:`element_table` gives one row per flow node (task, event, gateway) with what a manager
wants to see on that shape: how many tickets passed (``count`` per replication), how long
they waited and were worked (from the stage table), how busy its role is, what share of the
tickets through it breached an SLA, and what the staff time spent there cost.
:func:`flow_table` counts how often each sequence flow was taken, so the usual path can be
drawn thicker than the exception.

Every figure is a mean per replication with its 95 % CI half-width (``*_ci95``) over
tickets that arrived after the warm-up, like the other tables of :mod:`bpsim.analysis`.

How a flow's count is found: the engine records when a ticket enters each element (arrives
at a start event, reaches a stage, passes a gateway or event, ends). For each entry the
element the ticket entered just before it, among the element's predecessors in the graph,
is the flow's source (with parallel branches, the closest earlier entry of a predecessor
within the same ticket). At a parallel, inclusive or complex join, passed once for all its incoming
branches, every predecessor entered earlier counts. A flow between two elements drawn twice
counts on the first.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci

__all__ = ["element_table", "flow_table", "flow_frame", "ENTRY_LIFECYCLES"]

#: lifecycle records that mean "the ticket entered this element"
ENTRY_LIFECYCLES = ("arrive", "enabled", "pass", "end")
_MAX_LAG = 8
_JOINS = {"parallelGateway", "inclusiveGateway", "complexGateway"}

ELEMENT_COLUMNS = ["id", "name", "type", "role", "count", "count_ci95", "wait_mean",
                   "wait_ci95", "service_mean", "service_ci95", "queue_mean", "utilization",
                   "utilization_ci95", "breach_rate", "breach_rate_ci95", "cost", "cost_ci95"]


def _entries(results) -> pd.DataFrame:
    """Entries of measured tickets: replication, case, element (str), time; in time order
    per ticket (kept on ``results`` once computed)."""
    cached = results.__dict__.get("_element_entries")
    if cached is not None:
        return cached
    ev = results.output.events
    if ev.empty:
        out = pd.DataFrame(columns=["replication", "case", "element", "time"])
    else:
        ev = ev.loc[ev["lifecycle"].isin(ENTRY_LIFECYCLES),
                    ["replication", "case", "element", "time"]]
        w = results.windows["warmup"]
        cases = results.output.cases[["replication", "case", "arrival"]]
        cases = cases.loc[cases["arrival"].to_numpy() >= cases["replication"].map(w).to_numpy()]
        ev = ev.merge(cases[["replication", "case"]], on=["replication", "case"],
                      how="inner", sort=False)
        ev["element"] = ev["element"].astype(object)
        out = ev.sort_values(["replication", "case", "time"], kind="stable")
    results.__dict__["_element_entries"] = out
    return out


def _per_rep(values: pd.Series, reps: list[int]) -> tuple[float, float]:
    """Mean and CI of a per-replication series (missing replications count 0)."""
    if not reps:
        return math.nan, math.nan
    return mean_ci(values.reindex(pd.Index(reps), fill_value=0.0).astype(float))


def element_table(results) -> pd.DataFrame:
    """One row per flow node of the process (columns :data:`ELEMENT_COLUMNS`).

    ``count``: tickets entering the element per replication (loops count each pass);
    ``wait_*``/``service_*``/``queue_mean``: from :attr:`Results.stages` (NaN for elements
    that are not stages); ``utilization``: of the element's role (NaN when no staff does the
    work); ``breach_rate``: share of the tickets through the element that breached at least
    one SLA (NaN without SLAs); ``cost``: staff time worked at the element (service time x
    the role's ``cost_per_hour``) per replication.
    """
    process = results.process
    reps = results.replication_ids
    entries = _entries(results)
    counts = entries.groupby(["element", "replication"]).size()
    stages = results.stages.set_index("id") if not results.stages.empty else pd.DataFrame()
    roles = results.roles.set_index("name") if not results.roles.empty else pd.DataFrame()
    visits = results.visits
    worked = pd.Series(dtype=float)
    if not visits.empty:
        v = visits.loc[visits["measured"].astype(bool), ["element", "replication", "service"]]
        worked = v.assign(element=v["element"].astype(object)).groupby(
            ["element", "replication"])["service"].sum() / 3600.0
    breached = _breached_cases(results)
    shares = pd.Series(dtype=float)
    if breached is not None and not entries.empty:
        seen = entries[["element", "replication", "case"]].drop_duplicates()
        seen = seen.merge(breached, on=["replication", "case"], how="left")
        seen["breached"] = seen["breached"].eq(True).astype(float)
        shares = seen.groupby(["element", "replication"])["breached"].mean()
    counted = set(counts.index.get_level_values(0))
    rows = []
    for n, attrs in process.graph.nodes(data=True):
        row = {"id": n, "name": attrs.get("name"), "type": attrs.get("type")}
        if n in counted:
            row["count"], row["count_ci95"] = _per_rep(counts.loc[n], reps)
        else:
            row["count"], row["count_ci95"] = (0.0, 0.0) if reps else (math.nan, math.nan)
        role = None
        if n in stages.index:
            st = stages.loc[n]
            for col in ("wait_mean", "wait_ci95", "service_mean", "service_ci95",
                        "queue_mean"):
                row[col] = float(st[col]) if col in st and pd.notna(st[col]) else math.nan
            role = st.get("role") if isinstance(st.get("role"), str) else None
        row["role"] = role
        if role is not None and role in roles.index:
            r = roles.loc[role]
            row["utilization"] = float(r["utilization"])
            row["utilization_ci95"] = float(r.get("utilization_ci95", math.nan))
            cph = float(r["cost_per_hour"]) if "cost_per_hour" in r else math.nan
            if not math.isnan(cph) and n in worked.index.get_level_values(0):
                row["cost"], row["cost_ci95"] = _per_rep(worked.loc[n] * cph, reps)
        if breached is not None and n in counted:
            row["breach_rate"], row["breach_rate_ci95"] = mean_ci(shares.loc[n].astype(float))
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ELEMENT_COLUMNS:
        if col not in out:
            out[col] = math.nan
    return out[ELEMENT_COLUMNS]


def _breached_cases(results) -> pd.DataFrame | None:
    """``replication``, ``case``, ``breached`` (any SLA), or None without SLAs."""
    sc = results.sla_cases
    if sc is None or sc.empty:
        return None
    b = sc.assign(breached=sc["breached"].astype(float).fillna(0.0) > 0)
    return b.groupby(["replication", "case"], as_index=False)["breached"].any()


def flow_table(results) -> pd.DataFrame:
    """One row per sequence flow: ``id``, ``source``, ``target``, ``name``, ``count``
    (tickets that took it per replication), ``count_ci95`` and ``share`` (per ticket
    entering the source: the branch probability after an exclusive gateway, 1 after a
    parallel split; NaN when no ticket entered the source)."""
    process = results.process
    reps = results.replication_ids
    flows = list(process.flows.values())
    pair_id: dict[tuple[str, str], str] = {}
    for f in flows:
        pair_id.setdefault((f.source, f.target), f.id)
    entries = _entries(results)
    taken = pd.Series(dtype=float)
    if not entries.empty and pair_id:
        codes, uniques = pd.factorize(entries["element"])
        index = {e: i for i, e in enumerate(uniques)}
        n = len(uniques) + 1
        wanted = np.array(sorted(index[s] * n + index[t] for s, t in pair_id
                                 if s in index and t in index), dtype=np.int64)
        key = (entries["replication"].to_numpy(np.int64) << 32) + entries["case"].to_numpy(
            np.int64)
        # a parallel (or complex/inclusive) join is passed once for all its incoming tokens:
        # every predecessor entered before it counts; elsewhere the closest one
        joins = np.array(sorted(index[v] for v in index if v in process.graph
                                and process.graph.nodes[v].get("type") in _JOINS
                                and process.graph.in_degree(v) > 1), dtype=np.int64)
        is_join = np.isin(codes, joins)
        source = np.full(len(codes), -1, dtype=np.int64)
        rows_hit, prev_hit = [], []
        for lag in range(1, _MAX_LAG + 1):
            if lag >= len(codes):
                break
            prev = np.full(len(codes), -1, dtype=np.int64)
            prev[lag:] = codes[:-lag]
            same = np.zeros(len(codes), dtype=bool)
            same[lag:] = key[lag:] == key[:-lag]
            edge = same & np.isin(prev * n + codes, wanted)
            first = edge & (source < 0) & ~is_join
            source[first] = prev[first]
            more = np.flatnonzero(edge & is_join)
            rows_hit.append(more)
            prev_hit.append(prev[more])
        found = np.flatnonzero(source >= 0)
        rows = np.concatenate([found, *rows_hit])
        prevs = np.concatenate([source[found], *prev_hit])
        pairs = pd.DataFrame({"row": rows, "prev": prevs}).drop_duplicates()
        rows, prevs = pairs["row"].to_numpy(), pairs["prev"].to_numpy()
        df = pd.DataFrame({"replication": entries["replication"].to_numpy()[rows],
                           "source": np.asarray(uniques)[prevs],
                           "target": np.asarray(uniques)[codes[rows]]})
        taken = df.groupby(["source", "target", "replication"]).size()
    records = []
    for f in flows:
        row = {"id": f.id, "source": f.source, "target": f.target, "name": f.name}
        if pair_id.get((f.source, f.target)) == f.id and (f.source, f.target) in taken.index:
            row["count"], row["count_ci95"] = _per_rep(taken.loc[(f.source, f.target)], reps)
        else:
            row["count"], row["count_ci95"] = (0.0, 0.0) if reps else (math.nan, math.nan)
        records.append(row)
    return flow_frame(records, entries.groupby("element").size() / max(len(reps), 1))


def flow_frame(records: list[dict], entered) -> pd.DataFrame:
    """The flow table from its rows (``id``, ``source``, ``target``, ``name``, ``count``,
    ``count_ci95``) and the entries per replication of each element (a mapping or Series
    element -> mean entries): ``share`` = a flow's count over its source's entries."""
    out = pd.DataFrame(records, columns=["id", "source", "target", "name", "count",
                                         "count_ci95"])
    if out.empty:
        out["share"] = []
        return out
    base = out["source"].map(entered).astype(float)
    out["share"] = np.where(base > 0, out["count"] / base.where(base > 0, 1.0), np.nan)
    return out
