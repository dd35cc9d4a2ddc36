"""Figures on the diagram from streaming statistics: entries per element, flows taken, and
the share of the tickets through an element that breached an SLA.

The diagram (:mod:`bpsim.report.diagram`: the HTML report's switcher, ``--annotate``) reads
:func:`bpsim.analysis.elements.element_table` and :func:`~bpsim.analysis.elements.flow_table`.
Both count, per replication, things about *tickets*: their entries into each element, the
flows between two entries, whether a ticket through an element breached an SLA. A ticket's
records all arrive in one hand-over (:mod:`bpsim.stream.collect`), so these counts add up
chunk by chunk: :func:`fold` runs the record-based path's own functions on each chunk (one
replication, the chunk's tickets) and adds their counts into the replication's
:class:`~bpsim.stream.collect.Summary` (tables ``entered``, ``flows``, ``breach_seen``);
:func:`element_table` and :func:`flow_table` put the same tables together from those sums,
with the stage, role and cost figures of :class:`~bpsim.stream.results.StreamedResults`.
Every figure is the record-based one (up to floating-point summation order); a test says so.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis import elements as _elements
from bpsim.analysis.stats import mean_ci

__all__ = ["fold", "element_table", "flow_table"]


def _flow_pairs(process, cats) -> tuple[dict[int, str], np.ndarray, np.ndarray]:
    """``{source code * n + target code: flow id}`` (the first flow of a pair, as
    :func:`bpsim.analysis.elements.flow_table` counts it), their keys sorted, and the codes
    of the joins passed once for all their incoming branches."""
    index = {e: i for i, e in enumerate(cats)}
    n = len(cats) + 1
    pairs: dict[int, str] = {}
    for f in process.flows.values():
        if f.source in index and f.target in index:
            pairs.setdefault(index[f.source] * n + index[f.target], f.id)
    g = process.graph
    joins = np.array(sorted(i for e, i in index.items() if e in g
                            and g.nodes[e].get("type") in _elements._JOINS
                            and g.in_degree(e) > 1), dtype=np.int64)
    return pairs, np.array(sorted(pairs), dtype=np.int64), joins


def _distinct(k: np.ndarray) -> np.ndarray:
    """The distinct values of ``k`` (nearly sorted here: a stable sort is fast on it)."""
    k = np.sort(k, kind="stable")
    return k[np.concatenate([[True], k[1:] != k[:-1]])] if len(k) else k


def _among(x: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """``np.isin(x, sorted_values)`` by binary search (no sort of ``x``)."""
    if not len(sorted_values):
        return np.zeros(len(x), dtype=bool)
    i = np.searchsorted(sorted_values, x)
    return sorted_values[np.minimum(i, len(sorted_values) - 1)] == x


def fold(summary, out, process, sla_rows: list[pd.DataFrame]) -> None:
    """Add one chunk's entries, flows and breaching tickets to ``summary``'s sums.

    ``out``: the chunk's records (one replication); ``sla_rows``: the chunk's
    :func:`bpsim.analysis.slas.sla_cases` rows of every SLA (empty ones left out).

    The entries and flows are those of :func:`bpsim.analysis.elements.flow_table` (the
    same rule, on integer codes: the chunk is one replication)."""
    ev = out.events
    if process is None or ev.empty:
        return
    life = ev["lifecycle"]
    is_entry = np.array([c in _elements.ENTRY_LIFECYCLES for c in life.cat.categories] + [False])
    keep = np.flatnonzero(is_entry[life.cat.codes.to_numpy()])   # (code -1: the last, False)
    cases = out.cases
    ids = cases["case"].to_numpy(np.int64)
    measured = ids[cases["arrival"].to_numpy(float) >= float(summary.warmup)]
    case = ev["case"].to_numpy(np.int64)
    if len(ids):                       # measured tickets: a look-up over the chunk's ids
        lo, hi = int(ids.min()), int(ids.max())
        table = np.zeros(hi - lo + 2, dtype=bool)
        table[measured - lo] = True
        c = case[keep] - lo
        keep = keep[table[np.where((c >= 0) & (c <= hi - lo), c, hi - lo + 1)]]
    else:
        keep = keep[:0]
    el = ev["element"]
    cats = list(el.cat.categories)
    codes = el.cat.codes.to_numpy().astype(np.int64)[keep]
    case = case[keep]
    order = np.lexsort((ev["time"].to_numpy(float)[keep], case))  # stable, as sort_values
    codes, case = codes[order], case[order]
    ncat = len(cats)
    entered = summary.sums.setdefault("entered", {})
    per = np.bincount(codes, minlength=ncat)
    for i in np.flatnonzero(per):
        row = entered.setdefault(cats[i], {"n": 0.0})
        row["n"] += float(per[i])
    pairs, wanted, joins = _flow_pairs(process, cats)
    if len(codes) and len(wanted):
        n = ncat + 1
        if ncat <= 1024:                           # a flow between two codes: a table look-up
            table = np.zeros(n * n, dtype=bool)
            table[wanted] = True

            def is_flow(key: np.ndarray) -> np.ndarray:
                return table[key]
        else:
            def is_flow(key: np.ndarray) -> np.ndarray:
                return _among(key, wanted)
        join_table = np.zeros(ncat, dtype=bool)
        join_table[joins] = True
        is_join = join_table[codes]
        source = np.full(len(codes), -1, dtype=np.int64)
        hits = []
        for lag in range(1, _elements._MAX_LAG + 1):
            if lag >= len(codes):
                break
            prev = codes[:-lag]                    # the entry ``lag`` rows before each
            edge = (case[lag:] == case[:-lag]) & is_flow(prev * n + codes[lag:])
            src = source[lag:]                     # a view: writes go to ``source``
            first = edge & (src < 0) & ~is_join[lag:]
            src[first] = prev[first]
            more = np.flatnonzero(edge & is_join[lag:])
            hits.append((more + lag) * n + prev[more])
        found = np.flatnonzero(source >= 0)          # one source each (no join)
        at_joins = _distinct(np.concatenate(hits)) if hits else found[:0]
        rows = np.concatenate([found, at_joins // n])
        prevs = np.concatenate([source[found], at_joins % n])
        pair = np.searchsorted(wanted, prevs * n + codes[rows])  # every one is wanted
        counts = np.bincount(pair, minlength=len(wanted))
        taken = summary.sums.setdefault("flows", {})
        for j in np.flatnonzero(counts):
            row = taken.setdefault(pairs[int(wanted[j])], {"n": 0.0})
            row["n"] += float(counts[j])
    rows_sla = [r for r in sla_rows if r is not None and not r.empty]
    if not rows_sla:
        return
    summary.sums.setdefault("sla_rows", {}).setdefault("all", {"n": 0.0})["n"] += float(
        sum(len(r) for r in rows_sla))
    bad = np.unique(np.concatenate([
        r["case"].to_numpy(np.int64)[r["breached"].astype(float).fillna(0.0).to_numpy() > 0]
        for r in rows_sla]))
    seen = _distinct(case * max(ncat, 1) + codes)  # (ticket, element) pairs
    s_el, s_case = seen % max(ncat, 1), seen // max(ncat, 1)
    hit = np.isin(s_case, bad)
    table = summary.sums.setdefault("breach_seen", {})
    n_seen = np.bincount(s_el, minlength=ncat)
    n_hit = np.bincount(s_el, weights=hit.astype(float), minlength=ncat)
    for i in np.flatnonzero(n_seen):
        row = table.setdefault(cats[i], {"seen": 0.0, "breached": 0.0})
        row["seen"] += float(n_seen[i])
        row["breached"] += float(n_hit[i])


def _by_rep(results, table: str, col: str) -> dict:
    """``{key: {replication: col}}`` of table ``table`` of every replication's sums."""
    out: dict = {}
    for s in results.summaries:
        rep = int(s.replication)
        for key, row in s.sums.get(table, {}).items():
            if col in row:
                out.setdefault(key, {})[rep] = row[col]
    return out


def _per_rep(values: dict, reps: list[int]) -> tuple[float, float]:
    """Mean and CI of per-replication ``values`` (a missing replication counts 0)."""
    if not reps:
        return math.nan, math.nan
    return mean_ci([values.get(r, 0.0) for r in reps])


def _check_counted(results) -> None:
    """Summaries folded without the diagram's counts (a collector without the process, a
    what-if work item's figures alone) must not read as "no ticket entered anything"."""
    if any("entered" in s.sums for s in results.summaries):
        return
    if any(s.sums.get("cases") for s in results.summaries):
        from bpsim.stream.results import RecordsNeeded

        raise RecordsNeeded("the figures on the diagram were not counted in this run "
                            "(its streaming statistics were folded without the process).",
                            hint="run bpsim.simulate(process, scenario, records=False) with "
                                 "the process, or with records=True.")


def element_table(results) -> pd.DataFrame:
    """:func:`bpsim.analysis.elements.element_table` of streamed ``results``: the same
    columns and figures, from the sums :func:`fold` kept and the streamed stage and role
    tables."""
    _check_counted(results)
    process = results.process
    reps = results.replication_ids
    stages = results.stages.set_index("id").to_dict("index") if not results.stages.empty else {}
    roles = results.roles.set_index("name").to_dict("index") if not results.roles.empty else {}
    entered = _by_rep(results, "entered", "n")
    worked = _by_rep(results, "stages", "service_sum")
    seen = _by_rep(results, "breach_seen", "seen")
    hit = _by_rep(results, "breach_seen", "breached")
    with_slas = any(s.sums.get("sla_rows") for s in results.summaries)
    rows = []
    for n, attrs in process.graph.nodes(data=True):
        row = {"id": n, "name": attrs.get("name"), "type": attrs.get("type")}
        if n in entered:
            row["count"], row["count_ci95"] = _per_rep(entered[n], reps)
        else:
            row["count"], row["count_ci95"] = (0.0, 0.0) if reps else (math.nan, math.nan)
        role = None
        st = stages.get(n)
        if st is not None:
            for col in ("wait_mean", "wait_ci95", "service_mean", "service_ci95",
                        "queue_mean"):
                v = st.get(col)
                row[col] = float(v) if v is not None and pd.notna(v) else math.nan
            role = st.get("role") if isinstance(st.get("role"), str) else None
        row["role"] = role
        r = roles.get(role) if role is not None else None
        if r is not None:
            row["utilization"] = float(r["utilization"])
            row["utilization_ci95"] = float(r.get("utilization_ci95", math.nan))
            cph = float(r["cost_per_hour"]) if "cost_per_hour" in r else math.nan
            if not math.isnan(cph) and n in worked:
                row["cost"], row["cost_ci95"] = _per_rep(
                    {k: v / 3600.0 * cph for k, v in worked[n].items()}, reps)
        if with_slas and n in entered:
            sn, hn = seen.get(n, {}), hit.get(n, {})
            row["breach_rate"], row["breach_rate_ci95"] = mean_ci(
                [hn.get(k, 0.0) / sn[k] for k in sorted(sn) if sn[k] > 0])
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in _elements.ELEMENT_COLUMNS:
        if col not in out:
            out[col] = math.nan
    return out[_elements.ELEMENT_COLUMNS]


def flow_table(results) -> pd.DataFrame:
    """:func:`bpsim.analysis.elements.flow_table` of streamed ``results`` (the same columns
    and figures, from the sums :func:`fold` kept)."""
    _check_counted(results)
    process = results.process
    reps = results.replication_ids
    taken = _by_rep(results, "flows", "n")
    records = []
    for f in process.flows.values():
        row = {"id": f.id, "source": f.source, "target": f.target, "name": f.name}
        if f.id in taken:
            row["count"], row["count_ci95"] = _per_rep(taken[f.id], reps)
        else:
            row["count"], row["count_ci95"] = (0.0, 0.0) if reps else (math.nan, math.nan)
        records.append(row)
    n = max(len(reps), 1)
    entered = {e: sum(per.values()) / n for e, per in _by_rep(results, "entered", "n").items()}
    return _elements.flow_frame(records, entered)
