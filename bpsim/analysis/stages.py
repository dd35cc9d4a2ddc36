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

__all__ = ["stage_table", "element_name", "stage_role", "element_type", "queue_figures"]


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


def _split(frame: pd.DataFrame, by: str) -> dict:
    """``{value: rows}`` of ``frame`` per value of its column ``by`` (rows in their order),
    as ``dict(tuple(frame.groupby(by)))`` but by one stable sort on the codes and slices of
    the sorted table, not a copy per group."""
    col = frame[by]
    if frame.empty or not isinstance(col.dtype, pd.CategoricalDtype):
        return {k: g for k, g in frame.groupby(by, sort=False, observed=True)}
    codes = col.cat.codes.to_numpy()
    if bool(np.all(codes[1:] >= codes[:-1])):       # already in order: slices, no copy
        ordered, sc = frame, codes
    else:
        order = np.argsort(codes, kind="stable")
        ordered, sc = frame.iloc[order], codes[order]
    bounds = np.r_[0, np.flatnonzero(sc[1:] != sc[:-1]) + 1, len(sc)]
    cats = col.cat.categories
    return {cats[sc[lo]]: ordered.iloc[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])
            if sc[lo] >= 0}


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
    # only the columns the table reads: a copy of the measured rows, not of every column
    # one copy of those rows, already in element order (each stage's rows then a slice)
    measured = np.flatnonzero(visits["measured"].to_numpy(bool))
    el = visits["element"]
    if isinstance(el.dtype, pd.CategoricalDtype):
        measured = measured[np.argsort(el.cat.codes.to_numpy()[measured], kind="stable")]
    m = visits[["element", "replication", "outcome", "wait", "service", "sojourn"]].iloc[measured]
    rows = []
    elements = list(pd.unique(el))                        # in order of first appearance
    m["_since"] = (visits["enabled"].to_numpy(float) - visits["arrival"].to_numpy(float))[measured]
    order = (m.groupby("element", observed=True)["_since"].median()
             if not m.empty else pd.Series(dtype=float))
    del m["_since"]
    elements.sort(key=lambda e: (order.get(e, math.inf), str(e)))
    qs = queue_stats.set_index(["element", "replication"]) if not queue_stats.empty else None
    groups = _split(m, "element")
    # tickets per replication counted with np.bincount on each row's replication slot (the
    # counts a groupby size gives, reindexed to every replication, 0 where none)
    index = pd.Index(replications, name="replication")
    known = np.asarray(replications, dtype=np.int64)

    def slot(rep: np.ndarray) -> np.ndarray:
        if not len(known):
            return np.full(len(rep), -1, dtype=np.int64)
        order = np.argsort(known)
        pos = np.searchsorted(known[order], rep).clip(max=len(known) - 1)
        return np.where(known[order][pos] == rep, order[pos], -1)

    def count(at: np.ndarray, mask: np.ndarray) -> pd.Series:
        hit = at[mask & (at >= 0)]
        return pd.Series(np.bincount(hit, minlength=len(known)).astype(np.int64), index=index)

    for element in elements:
        g = groups.get(element, m.iloc[0:0])
        # the three means per replication from one groupby (the same cython mean per column)
        per_rep = g.groupby("replication")[["wait", "service", "sojourn"]].mean()
        oc = g["outcome"]
        withdrawn = (oc == "withdrawn").to_numpy(bool)
        blocked = (oc == "blocked").to_numpy(bool)
        at = slot(g["replication"].to_numpy())
        counts = count(at, ~withdrawn & ~blocked)
        row = {"id": element, "name": element_name(process, element),
               "type": element_type(process, element), "role": stage_role(scenario, element)}
        row["count"], row["count_ci95"] = mean_ci(counts)
        for fig in ("wait", "service", "sojourn"):
            row[f"{fig}_mean"], row[f"{fig}_ci95"] = mean_ci(per_rep[fig])
            for k, v in percentiles(g[fig].to_numpy()).items():
                row[f"{fig}_{k}"] = v
        row.update(queue_figures(qs, element, replications))
        n = max(len(replications), 1)
        row["interrupted"] = float((oc == "interrupted").sum()) / n
        row["open"] = float(oc.isna().sum()) / n
        row["withdrawn"] = float(withdrawn.sum()) / n
        ab = count(at, (oc == "abandoned").to_numpy(bool))
        bl = count(at, blocked)
        row["abandoned"] = float(ab.sum()) / n
        row["abandon_rate"], row["abandon_rate_ci95"] = mean_ci((ab / counts.where(counts > 0)).to_numpy())
        row["blocked"] = float(bl.sum()) / n
        reached = counts + bl
        row["block_rate"], row["block_rate_ci95"] = mean_ci((bl / reached.where(reached > 0)).to_numpy())
        rows.append(row)
    return pd.DataFrame(rows, columns=_COLUMNS)
