"""Visits: one row per ticket x stage x pass, the unit every stage figure is built from.

A ticket reaches the Triage stage (``enabled``), waits in the agents' queue until an agent
takes it in charge (``start``), and leaves when the agent is done (``complete``), or when a
boundary event pulls it away (``interrupted``), or when it is withdrawn (``withdrawn``).
A ticket that loops ("need more information?") visits the same stage again: each ``enabled``
record opens a new visit, and the records that follow it for the same ticket and element
belong to that visit.

Columns of :func:`visits`:

``replication``, ``case``, ``cls``, ``element``, ``visit`` (1, 2, ... per ticket and element),
``enabled``, ``start``, ``end`` (seconds; ``NaN`` when it did not happen before the run
ended), ``outcome`` (``complete`` / ``interrupted`` / ``withdrawn`` / ``abandoned`` / ``blocked`` /
``None`` when still open), ``resource``, ``role`` (who took it in charge), ``arrival`` (the ticket's arrival),
``measured`` (the ticket arrived at or after the warm-up), and the derived durations
``wait`` (enabled -> start), ``service`` (start -> complete) and ``sojourn``
(enabled -> complete).

A delay without staff that the engine records without a ``start`` (a catch event waiting for
the customer) gets ``start = enabled``: it has no queue, all of its time is "service".
A visit interrupted or withdrawn before anyone took it in charge has no ``start``: it left the
queue unserved and counts in no wait figure (it still counts in the queue length). So does a
visit whose customer lost patience (``outcome`` ``abandoned``, ``end`` = when they left). A
ticket turned away by a full queue (``blocked``) makes a visit of its own with ``enabled`` =
``end`` = that instant, no ``start`` and ``outcome`` ``blocked``: it never joined the queue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpsim.engine.output import LIFECYCLES, RunOutput

__all__ = ["visits", "windows", "measured_cases", "per_replication"]

_STAGE_LIFECYCLES = ["enabled", "start", "complete", "interrupted", "withdrawn", "abandoned", "blocked"]


def windows(output: RunOutput) -> pd.DataFrame:
    """The measured window per replication: index ``replication``, columns ``warmup``, ``end``."""
    w = output.windows[["replication", "warmup", "end"]].copy()
    w["replication"] = w["replication"].astype(int)
    return w.set_index("replication")


def measured_cases(output: RunOutput) -> pd.DataFrame:
    """The cases table with ``measured`` (arrived at or after the warm-up) and
    ``cycle_time`` (end - arrival, NaN when unfinished)."""
    cases = output.cases.copy()
    if cases.empty:
        cases["measured"] = pd.Series(dtype=bool)
        cases["cycle_time"] = pd.Series(dtype=float)
        return cases
    w = windows(output)
    warm = cases["replication"].astype(int).map(w["warmup"]).astype(float)
    cases["measured"] = cases["arrival"].astype(float) >= warm
    cases["cycle_time"] = cases["end"].astype(float) - cases["arrival"].astype(float)
    if "completed" not in cases:
        cases["completed"] = cases["end"].notna()
    return cases


def per_replication(rep, values: pd.Series) -> np.ndarray:
    """``rep.map(values)`` as a float array: each row's value of its replication (NaN for one
    ``values`` lacks), read from a table indexed by replication number, not by a hash
    lookup per row (``values``: e.g. ``windows["end"]``)."""
    r = np.asarray(rep)
    idx = values.index.to_numpy()
    if len(r) and r.dtype.kind in "iu" and idx.dtype.kind in "iu" and len(idx) \
            and int(idx.min()) >= 0 and int(r.min()) >= 0 and int(idx.max()) < 1 << 24:
        table = np.full(int(max(idx.max(), r.max())) + 1, np.nan)
        table[idx] = values.to_numpy(float)
        return table[r]
    return pd.Series(r).map(values).to_numpy(float)


def codes_of(col: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1: missing) and the category values of a column, without copying a
    categorical column into Python objects."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), list(col.cat.categories)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return np.asarray(codes), list(uniques)


def _categorical(codes: np.ndarray, categories: list) -> pd.Categorical:
    """A categorical whose categories are sorted as strings (so that grouping sorts the
    groups as it did on the object columns of before)."""
    if not categories:
        return pd.Categorical.from_codes(np.full(len(codes), -1, dtype=np.int8),
                                         categories=pd.Index([], dtype=object))
    order = sorted(range(len(categories)), key=lambda k: str(categories[k]))
    remap = np.empty(len(categories) + 1, dtype=np.int32)
    remap[np.array(order)] = np.arange(len(order))
    remap[-1] = -1
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index(
        [categories[k] for k in order], dtype=object))


def visits(output: RunOutput) -> pd.DataFrame:
    """One row per ticket x stage x pass (see the module docstring).

    Vectorised: the records are sorted once by (replication, case, element) keeping their
    time order, each ``enabled`` opens a visit, and each lifecycle's first time per visit is
    read with numpy. ``cls``, ``element``, ``outcome``, ``resource`` and ``role`` are
    categorical columns (compare them with strings as usual).

    A visit is one replication's, so the table is built one replication at a time (slices of
    the records, the same categories) and put together in replication order: the working
    arrays (several times the table's size) exist for one replication at a time.
    """
    ev = output.events
    reps = ev["replication"].to_numpy() if not ev.empty else np.zeros(0, dtype=np.int64)
    if len(reps) and reps[0] != reps[-1] and ev["replication"].is_monotonic_increasing:
        from dataclasses import replace

        cut = np.flatnonzero(np.diff(reps)) + 1
        bounds = np.r_[0, cut, len(reps)]
        crep = output.cases["replication"].to_numpy()
        wrep = output.windows["replication"].to_numpy()
        parts = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            r = reps[lo]
            one = replace(output, events=ev.iloc[int(lo):int(hi)],
                          cases=output.cases.loc[crep == r], windows=output.windows.loc[wrep == r])
            part = _visit_columns(one)
            if part is not None:
                parts.append(part)
        return _frame(_joined(parts)) if parts else pd.DataFrame(columns=_COLUMNS)
    return _visits(output)


_COLUMNS = ["replication", "case", "cls", "element", "visit", "enabled", "start", "end",
            "outcome", "resource", "role", "arrival", "measured", "wait", "service", "sojourn"]


def _frame(columns: dict) -> pd.DataFrame:
    # copy=False: the table holds these arrays as they are (no second copy of each column
    # while same-typed columns are stacked into one block)
    return pd.DataFrame(columns, columns=_COLUMNS, copy=False)


def _joined(parts: list[dict]) -> dict:
    """The columns of consecutive replications' visits put end to end, each part's column
    let go as soon as it is copied (the working memory is one column, not a second table)."""
    out = {}
    for col in _COLUMNS:
        pieces = [part.pop(col) for part in parts]
        first = pieces[0]
        if isinstance(first, pd.Categorical):
            if all(p.categories.equals(first.categories) for p in pieces):
                out[col] = pd.Categorical.from_codes(
                    np.concatenate([p.codes for p in pieces]), dtype=first.dtype)
            else:  # (records whose columns are not categorical: categories per part)
                out[col] = _categorical(*codes_of(pd.concat(
                    [pd.Series(p, dtype=object) for p in pieces], ignore_index=True)))
        else:
            out[col] = np.concatenate(pieces)
        del pieces, first
    return out


def _stable_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(order, key[order])`` with ``order = np.argsort(key, kind="stable")``: when it fits
    in 63 bits, the key and the row number are packed into one integer and sorted by value
    (numpy's vectorised sort, several times faster than a stable argsort); the row number in
    the low part breaks ties in row order, as a stable sort does."""
    n = len(key)
    if n and int(key.min()) >= 0 and int(key.max()) < (1 << 62) // max(n, 1):
        packed = np.sort(key * n + np.arange(n, dtype=np.int64))
        return packed % n, packed // n
    order = np.argsort(key, kind="stable")
    return order, key[order]


def _visits(output: RunOutput) -> pd.DataFrame:
    """:func:`visits` of the records of ``output`` in one go."""
    columns = _visit_columns(output)
    return pd.DataFrame(columns=_COLUMNS) if columns is None else _frame(columns)


def _visit_columns(output: RunOutput) -> dict | None:
    """The columns of :func:`visits` as arrays (None: no visit)."""
    ev = output.events
    if ev.empty:
        return None
    life_codes, life_cats = codes_of(ev["lifecycle"])
    to_std = np.array([LIFECYCLES.index(c) if c in LIFECYCLES else -1 for c in life_cats]
                      + [-1], dtype=np.int16)
    life = to_std[life_codes]                      # -1 (missing) reads the appended -1
    ENABLED, START, COMPLETE, INTERRUPTED, WITHDRAWN, ABANDONED, BLOCKED = (
        LIFECYCLES.index(c) for c in _STAGE_LIFECYCLES)
    keep = np.nonzero(((life >= ENABLED) & (life <= WITHDRAWN)) | (life == ABANDONED) | (life == BLOCKED))[0]
    if len(keep) == 0:
        return None
    life = life[keep]
    rep = ev["replication"].to_numpy()[keep].astype(np.int64)
    case = ev["case"].to_numpy()[keep].astype(np.int64)
    elem_codes, elem_cats = codes_of(ev["element"])
    elem = elem_codes[keep].astype(np.int64)
    t = ev["time"].to_numpy(dtype=float)[keep]
    # group by (replication, case, element) keeping the time order inside each group
    nelem = max(len(elem_cats), 1)
    width = int(case.max()) + 1 if len(case) else 1
    # (one key gathered in sorted order, not its three parts: they are read back from it)
    key = (rep * width + case) * nelem + elem
    order, key = _stable_order(key)
    life, t, keep = life[order], t[order], keep[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = key[1:] != key[:-1]
    is_en = (life == ENABLED) | (life == BLOCKED)  # a blocked arrival is a visit of its own
    cum = np.cumsum(is_en)
    group_id = np.cumsum(new_group) - 1
    before = (cum - is_en)[new_group]              # enabled records before each group
    visit_no = cum - before[group_id]
    opened = visit_no > 0                           # records before a group's first enabled
    if not opened.all():
        key, life, t, keep, visit_no, is_en = (
            a[opened] for a in (key, life, t, keep, visit_no, is_en))
    vid = np.cumsum(is_en) - 1                      # each enabled opens the next visit
    n = int(vid[-1]) + 1 if len(vid) else 0
    first_rows = np.nonzero(is_en)[0]

    def first_of(code: int) -> np.ndarray:
        rows = np.nonzero(life == code)[0]
        if len(rows) == 0:
            return rows
        v = vid[rows]
        return rows[np.r_[True, v[1:] != v[:-1]]]

    def times_of(code: int) -> np.ndarray:
        out = np.full(n, np.nan)
        rows = first_of(code)
        out[vid[rows]] = t[rows]
        return out

    enabled = t[first_rows]
    start = times_of(START)
    complete = times_of(COMPLETE)
    interrupted = times_of(INTERRUPTED)
    withdrawn = times_of(WITHDRAWN)
    abandoned = times_of(ABANDONED)
    blocked = times_of(BLOCKED)
    end = np.where(np.isnan(complete), np.where(np.isnan(interrupted), withdrawn, interrupted),
                   complete)
    end = np.where(np.isnan(end), np.where(np.isnan(abandoned), blocked, abandoned), end)
    outcome = np.full(n, -1, dtype=np.int8)
    outcome[~np.isnan(blocked)] = 4
    outcome[~np.isnan(withdrawn)] = 2
    outcome[~np.isnan(abandoned)] = 3
    outcome[~np.isnan(interrupted)] = 1
    outcome[~np.isnan(complete)] = 0
    srow = first_of(START)
    src = keep[srow]
    res_codes, res_cats = codes_of(ev["resource"])
    role_codes, role_cats = codes_of(ev["role"])
    resource = np.full(n, -1, dtype=res_codes.dtype)
    resource[vid[srow]] = res_codes[src]
    role = np.full(n, -1, dtype=role_codes.dtype)
    role[vid[srow]] = role_codes[src]
    cls_codes, cls_cats = codes_of(ev["cls"])
    cls = cls_codes[keep[first_rows]]
    unstarted_done = np.isnan(start) & (outcome == 0)
    start[unstarted_done] = enabled[unstarted_done]
    first_key = key[first_rows]
    velem = first_key % nelem
    vcase = (first_key // nelem) % width
    vrep = first_key // nelem // width

    cases = output.cases
    arrival = np.full(n, np.nan)
    measured = np.zeros(n, dtype=bool)
    if not cases.empty:
        crep = cases["replication"].to_numpy().astype(np.int64)
        ccase = cases["case"].to_numpy().astype(np.int64)
        width = int(max(ccase.max(), vcase.max())) + 1
        ckey = crep * width + ccase
        corder, ckey = _stable_order(ckey)
        vkey = vrep * width + vcase
        pos = np.clip(np.searchsorted(ckey, vkey), 0, len(ckey) - 1)
        found = ckey[pos] == vkey
        carr = cases["arrival"].to_numpy(dtype=float)[corder]
        w = windows(output)["warmup"]
        cwarm = per_replication(crep[corder], w)
        arrival = np.where(found, carr[pos], np.nan)
        measured = found & (carr[pos] >= cwarm[pos])
    complete_mask = outcome == 0
    # the rows in the order of the record-based table: by replication, enabled, case, then
    # element id and visit (as a pivot on the element ids sorted them)
    elem_rank = np.argsort(np.argsort(np.array([str(e) for e in elem_cats], dtype=object),
                                      kind="stable"), kind="stable")
    vno = visit_no[first_rows]
    # visits come grouped by replication; within each, sort by (case, element, visit), then
    # stably by the enabled time
    secondary = (vcase * nelem + elem_rank[velem]) * (int(vno.max()) + 1) + vno
    bounds = np.r_[0, np.nonzero(vrep[1:] != vrep[:-1])[0] + 1, n]
    rows = np.empty(n, dtype=np.int64)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        o = _stable_order(secondary[lo:hi])[0]
        o = o[np.argsort(enabled[lo:hi][o], kind="stable")]
        rows[lo:hi] = lo + o
    rep_sorted = np.argsort(vrep[rows[bounds[:-1]]], kind="stable")
    if (np.diff(rep_sorted) != 1).any():  # blocks not in replication order: reorder them
        rows = np.concatenate([rows[bounds[k]:bounds[k + 1]] for k in rep_sorted])
    rep_dtype = ev["replication"].dtype if ev["replication"].dtype.kind in "iu" else np.int64
    case_dtype = ev["case"].dtype if ev["case"].dtype.kind in "iu" else np.int64
    return {
        "replication": vrep[rows].astype(rep_dtype),
        "case": vcase[rows].astype(case_dtype),
        "cls": _categorical(cls[rows], cls_cats),
        "element": _categorical(velem[rows], elem_cats),
        "visit": vno[rows].astype(np.int32),
        "enabled": enabled[rows],
        "start": start[rows],
        "end": end[rows],
        "outcome": _categorical(outcome[rows], ["complete", "interrupted", "withdrawn", "abandoned",
                                                "blocked"]),
        "resource": _categorical(resource[rows], res_cats),
        "role": _categorical(role[rows], role_cats),
        "arrival": arrival[rows],
        "measured": measured[rows],
        "wait": (start - enabled)[rows],
        "service": np.where(complete_mask, end - start, np.nan)[rows],
        "sojourn": np.where(complete_mask, end - enabled, np.nan)[rows],
    }
