"""Stages: where tickets wait and where they are worked on.

A stage is an activity (Triage ticket, Resolve as specialist) or a catch event (Customer
replies) that tickets reach. For each stage, over the tickets that arrived after the warm-up:

``count``     visits per replication (a ticket looping through Review twice counts twice);
              a visit withdrawn unserved (the losing branch of an event-based gateway: "no
              reply within 5 days" when the customer did reply) is not a visit: it counts
              in ``withdrawn`` instead
``wait``      enabled -> start: the time a ticket waits to be taken in charge
``service``   start -> complete: the time someone (or something) works on it
``sojourn``   enabled -> complete: wait plus service
``queue``     the time-weighted mean number of tickets waiting (``queue_mean``) and the
              largest queue seen (``queue_max``), over the window [warm-up, end]
``open``      visits per replication still open at the horizon (waiting or in service when
              the run stopped): the word the reports use for tickets not finished
``abandoned`` visits per replication whose customer lost patience in the queue; and
              ``abandon_rate``: their share of the visits (``count``), per replication
``blocked``   tickets per replication turned away by a full queue (they are not visits);
              ``block_rate``: their share of the tickets that reached the stage
              (``blocked / (count + blocked)``)

Means are the mean of the per-replication means, each with a 95 % CI half-width (Student t)
across replications (``*_ci95``); percentiles (``*_p50``, ``*_p90``, ``*_p95``) pool the
visits of all replications. Stages are listed in the order tickets reach them (median time
from the ticket's arrival).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bpsim.analysis.stats import mean_ci, percentiles

__all__ = ["stage_table", "element_name", "stage_role", "element_type", "queue_figures",
           "queue_columns"]


def element_name(process, element: str) -> str:
    """The element's name in the model, or its id when unnamed (or unknown)."""
    if process is not None and element in process.graph:
        name = process.graph.nodes[element].get("name")
        if name:
            return str(name)
    return str(element)


def element_type(process, element: str) -> str | None:
    if process is not None and element in process.graph:
        return process.graph.nodes[element].get("type")
    return None


def stage_role(scenario, element: str) -> str | None:
    """The role that staffs a stage in the scenario (``None``: automatic or a delay)."""
    tasks = getattr(scenario, "tasks", None) or {}
    spec = tasks.get(element)
    return None if spec is None else spec.role


_COLUMNS = [
    "id", "name", "type", "role", "count", "count_ci95",
    "wait_mean", "wait_ci95", "wait_p50", "wait_p90", "wait_p95",
    "service_mean", "service_ci95", "service_p50", "service_p90", "service_p95",
    "sojourn_mean", "sojourn_ci95", "sojourn_p50", "sojourn_p90", "sojourn_p95",
    "queue_mean", "queue_ci95", "queue_max", "interrupted", "open", "withdrawn",
    "abandoned", "abandon_rate", "abandon_rate_ci95", "blocked", "block_rate", "block_rate_ci95",
]


def queue_figures(queue_stats: pd.DataFrame | None, element: str,
                  replications: list[int]) -> dict[str, float]:
    """A stage's queue columns: mean length over replications with its CI, and the maximum.

    ``queue_stats`` is indexed by (element, replication) with ``mean`` and ``max``; a
    replication where the element never queued counts as a mean of 0.
    """
    if queue_stats is None or element not in queue_stats.index.get_level_values(0):
        return {"queue_mean": 0.0, "queue_ci95": math.nan, "queue_max": 0.0}
    q = queue_stats.loc[element].reindex(replications)
    mean, ci = mean_ci(q["mean"].fillna(0.0))
    return {"queue_mean": mean, "queue_ci95": ci, "queue_max": float(q["max"].max())}


def queue_columns(queue_stats: pd.DataFrame, elements: list, replications: list[int]
                  ) -> list[dict[str, float]]:
    """:func:`queue_figures` of every element at once (``queue_stats`` with columns
    ``element``, ``replication``, ``mean``, ``max``, not indexed): one pass over the table,
    not a look-up per element, so a model of thousands of stages costs what its rows cost."""
    none = {"queue_mean": 0.0, "queue_ci95": math.nan, "queue_max": 0.0}
    if queue_stats is None or queue_stats.empty:
        return [dict(none) for _ in elements]
    e = pd.Index(elements).get_indexer(queue_stats["element"].to_numpy(object))
    r = pd.Index(replications).get_indexer(queue_stats["replication"].to_numpy())
    ok = e >= 0
    means = np.full((len(elements), len(replications)), np.nan)
    maxes = np.full_like(means, np.nan)
    seen = np.zeros(len(elements), dtype=bool)
    seen[e[ok]] = True
    inside = ok & (r >= 0)
    means[e[inside], r[inside]] = queue_stats["mean"].to_numpy(float)[inside]
    maxes[e[inside], r[inside]] = queue_stats["max"].to_numpy(float)[inside]
    out = []
    for i in range(len(elements)):
        if not seen[i]:
            out.append(dict(none))
            continue
        mean, ci = mean_ci(np.nan_to_num(means[i], nan=0.0))
        row_max = maxes[i][~np.isnan(maxes[i])]
        out.append({"queue_mean": mean, "queue_ci95": ci,
                    "queue_max": float(row_max.max()) if len(row_max) else math.nan})
    return out


def _positions(column: pd.Series, values: list) -> np.ndarray:
    """Each row's position in ``values`` (-1: not there), read from the categorical's codes
    or through a small table for integers, not by hashing every row."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        at = pd.Index(values).get_indexer(column.cat.categories)
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, at[codes], -1) if len(at) else np.full(len(codes), -1)
    x = column.to_numpy()
    if x.dtype.kind in "iu" and len(values):
        vals = np.asarray(values, dtype=np.int64)
        lo, hi = int(min(vals.min(), x.min(initial=0))), int(max(vals.max(), x.max(initial=0)))
        if hi - lo < 1_000_000:
            table = np.full(hi - lo + 1, -1, dtype=np.int64)
            table[vals - lo] = np.arange(len(vals))
            return table[x.astype(np.int64) - lo]
    return pd.Index(values).get_indexer(x)


def stage_table(visits: pd.DataFrame, queue_stats: pd.DataFrame, replications: list[int],
                process=None, scenario=None) -> pd.DataFrame:
    """The ``stages`` table (see the module docstring).

    Parameters
    ----------
    visits : DataFrame
        From :func:`bpsim.analysis.visits.visits`.
    queue_stats : DataFrame
        From :func:`bpsim.analysis.queues.queue_stats` (queue length per replication).
    replications : list of int
        Every replication of the run (a replication where a stage saw no ticket counts 0).
    """
    # only the columns the table reads, as numpy arrays of the measured rows
    measured = np.flatnonzero(visits["measured"].to_numpy(bool))
    el = visits["element"]
    elements = list(pd.unique(el))                        # in order of first appearance
    since = (visits["enabled"].to_numpy(float) - visits["arrival"].to_numpy(float))[measured]
    m_el = el.iloc[measured]
    order = (pd.Series(since, index=m_el.index).groupby(m_el, observed=True).median()
             if len(measured) else pd.Series(dtype=float))
    elements.sort(key=lambda e: (order.get(e, math.inf), str(e)))
    n_el, n_rep = len(elements), len(replications)
    # every figure is a sum per (stage, replication) cell: one bincount over the rows
    ei = _positions(m_el, elements)
    ri = _positions(visits["replication"].iloc[measured], replications)
    cell = np.where((ei >= 0) & (ri >= 0), ei * max(n_rep, 1) + ri, -1)
    size = n_el * n_rep
    out_col = visits["outcome"].iloc[measured]
    if isinstance(out_col.dtype, pd.CategoricalDtype):   # compare codes, not strings
        codes = out_col.cat.codes.to_numpy()
        where = {str(c): i for i, c in enumerate(out_col.cat.categories)}
        outcome_na = codes < 0

        def is_(word: str) -> np.ndarray:
            return codes == where.get(word, -2)
    else:
        outcome = out_col.to_numpy(object)
        outcome_na = out_col.isna().to_numpy()

        def is_(word: str) -> np.ndarray:
            return ~outcome_na & (outcome == word)

    def per_cell(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        k = mask & (cell >= 0)
        w = None if weights is None else weights[k]
        return np.bincount(cell[k], weights=w, minlength=size).reshape(n_el, n_rep)

    withdrawn, blocked = is_("withdrawn"), is_("blocked")
    counts = per_cell(~withdrawn & ~blocked)
    abandoned, blocked_n = per_cell(is_("abandoned")), per_cell(blocked)
    per_fig = {}
    # each stage's rows, in their order (a stable sort of small integers: numpy's radix sort)
    rows_of = np.argsort(ei.astype(np.int16) if n_el < 32_000 else ei, kind="stable")
    bounds = np.searchsorted(ei[rows_of], np.arange(n_el + 1))
    present = per_cell(np.ones(len(cell), dtype=bool)) > 0   # replications the stage saw
    for fig in ("wait", "service", "sojourn"):
        v = visits[fig].to_numpy(float)[measured]
        ok = ~np.isnan(v)
        n = per_cell(ok)
        total = per_cell(ok, np.where(ok, v, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(present & (n > 0), total / np.where(n > 0, n, 1), np.nan)
        per_fig[fig] = (mean, v[rows_of])
    queue = queue_columns(queue_stats, elements, replications)
    reps_n = max(n_rep, 1)
    interrupted = per_cell(is_("interrupted")).sum(axis=1)
    still_open = per_cell(outcome_na).sum(axis=1)
    withdrawn_n = per_cell(withdrawn).sum(axis=1)
    rows = []
    with np.errstate(invalid="ignore", divide="ignore"):
        abandon_rate = np.where(counts > 0, abandoned / np.where(counts > 0, counts, 1), np.nan)
        reached = counts + blocked_n
        block_rate = np.where(reached > 0, blocked_n / np.where(reached > 0, reached, 1), np.nan)
    for i, element in enumerate(elements):
        row = {"id": element, "name": element_name(process, element),
               "type": element_type(process, element), "role": stage_role(scenario, element)}
        row["count"], row["count_ci95"] = mean_ci(counts[i])
        lo, hi = bounds[i], bounds[i + 1]
        for fig in ("wait", "service", "sojourn"):
            mean, pooled = per_fig[fig]
            row[f"{fig}_mean"], row[f"{fig}_ci95"] = mean_ci(mean[i])
            for k, v in percentiles(pooled[lo:hi]).items():
                row[f"{fig}_{k}"] = v
        row.update(queue[i])
        row["interrupted"] = float(interrupted[i]) / reps_n
        row["open"] = float(still_open[i]) / reps_n
        row["withdrawn"] = float(withdrawn_n[i]) / reps_n
        row["abandoned"] = float(abandoned[i].sum()) / reps_n
        row["abandon_rate"], row["abandon_rate_ci95"] = mean_ci(abandon_rate[i])
        row["blocked"] = float(blocked_n[i].sum()) / reps_n
        row["block_rate"], row["block_rate_ci95"] = mean_ci(block_rate[i])
        rows.append(row)
    return pd.DataFrame(rows, columns=_COLUMNS)
