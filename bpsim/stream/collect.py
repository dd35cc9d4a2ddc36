"""The per-replication collector: finished tickets' records in, small additive figures out.

The engine hands over the records of tickets that have finished, in chunks
(:mod:`bpsim.engine.chunks`). Each chunk is turned into visits and SLA clocks by **the same
functions as the record-based path** (:func:`bpsim.analysis.visits.visits`,
:func:`bpsim.analysis.slas.sla_cases`, :func:`bpsim.analysis.costs.billing`,
:func:`bpsim.analysis.roles.overtime`), and those rows are folded into sums, counts and
sketches per replication. A ticket's rows all arrive in one chunk (it is handed over once,
whole), so counts of distinct tickets add up too. At the end of the replication the
tickets still open go through the same functions with the run's real window, and the
open-ticket figures (:func:`bpsim.analysis.backlog.open_visits`) are computed from them
alone: they are the only tickets those figures concern.

Queue lengths are step functions of time over *all* tickets, finished or not. At each
hand-over at time ``now`` every change before ``now`` is known (records of finished tickets
in the chunk, of open tickets in the buffer), so the step function is settled slice by
slice ``[previous hand-over, now)``: its time integral over the window, its maximum, the
integral of each half of the window and its value at the instants the trend tests read.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis import costs as _costs
from bpsim.analysis import roles as _roles
from bpsim.analysis import visits as _visits
from bpsim.engine.output import LIFECYCLES, RunOutput
from bpsim.stream import elements as _elements
from bpsim.stream.experience import fold_experience  # expstream hook
from bpsim.stream.groups import Groups, index_of
from bpsim.stream.groups import add_row as _add
from bpsim.stream.groups import add_sketch as _sketch
from bpsim.stream.levels import QueueLevel
from bpsim.stream.mser import MserSums
from bpsim.stream.sketch import QuantileSketch
from bpsim.stream.slafold import SlaFold
from bpsim.stream.steps import StepFunctions

__all__ = ["Collector", "Summary", "EVERY", "item_figures"]

#: Instants of the trend tests (as :func:`bpsim.analysis.stability.backlog_trend`).
TREND_POINTS = 40
#: Records gathered before finished tickets are handed over (2^18 records: 4 MB).
EVERY = 1 << 18

_FIGS = ("wait", "service", "sojourn")
#: A visit's outcome, numbered (-1: still open).
_OUTCOME = {"complete": 0, "interrupted": 1, "withdrawn": 2, "abandoned": 3, "blocked": 4}
_INTERRUPTED, _WITHDRAWN, _ABANDONED, _BLOCKED = 1, 2, 3, 4


#: Set by :func:`item_figures`: the collectors made meanwhile fold only a work item's figures.
_ITEM: ContextVar[bool] = ContextVar("bpsim_stream_item_figures", default=False)


@contextmanager
def item_figures() -> Iterator[None]:
    """Within this block, ``bpsim.engine.run(..., records=False)`` in this process folds
    only what a what-if work item reads (:func:`bpsim.whatif.metrics.headline_metrics`):
    the ticket counts and cycle time, the SLA clocks (met margins kept exactly, so the
    breach rate's Kaplan-Meier estimate is the record-based one), the staff's overtime, the
    MSER-5 sums, the backlog trend and the tickets still open. No stage, queue, role,
    billing or Little's-law sums: the report's tables are not asked of such a run."""
    token = _ITEM.set(True)
    try:
        yield
    finally:
        _ITEM.reset(token)


def _in_table_order(enabled: np.ndarray, case: np.ndarray) -> bool:
    """Whether visits are sorted by (enabled, case), as :func:`bpsim.analysis.visits.visits`
    lists them (then by element and visit: each element's visits are in (enabled, case,
    visit) order, the order the first-appearance keys need, without a sort)."""
    if len(enabled) < 2:
        return True
    a, b = enabled[:-1], enabled[1:]
    return bool(np.all((b > a) | ((b == a) & (case[1:] >= case[:-1]))))


def _lookup(ids: np.ndarray, values: np.ndarray, at: np.ndarray, dtype) -> np.ndarray:
    """``values`` of the ids ``at`` (every one among ``ids``, distinct case numbers): a
    table indexed by case number when the ids are dense enough, else a binary search."""
    if not len(ids):
        return np.zeros(len(at), dtype)
    lo, hi = int(ids.min()), int(ids.max())
    if hi - lo < 4 * len(ids) + 4096:
        table = np.zeros(hi - lo + 1, dtype=values.dtype)
        table[ids - lo] = values
        return table[np.clip(at - lo, 0, hi - lo)]
    order = np.argsort(ids, kind="stable")
    pos = np.searchsorted(ids[order], at)
    return values[order][np.clip(pos, 0, len(order) - 1)]


@dataclass
class Summary:
    """What one replication leaves behind in streaming mode (picklable, small).

    ``sums``: ``{table: {key: {column: number}}}`` additive figures; ``sketches``:
    ``{(table, key...): QuantileSketch}``; ``queues``: the queue and in-stage step
    functions' window figures per element; ``open_visits``, ``open_cases``: the tickets still
    open at the end (rows of :func:`bpsim.analysis.backlog.open_visits` and of the cases
    table); ``sla_open``: the SLA rows of open tickets; ``elements``: every element that
    saw a visit.
    """

    replication: int
    warmup: float
    end: float = math.nan
    sums: dict[str, dict] = field(default_factory=dict)
    sketches: dict[tuple, QuantileSketch] = field(default_factory=dict)
    queues: dict[str, dict] = field(default_factory=dict)
    open_visits: pd.DataFrame | None = None
    open_cases: pd.DataFrame | None = None
    sla_open: pd.DataFrame | None = None
    elements: dict[str, None] = field(default_factory=dict)
    chunks: int = 0
    trend: dict | None = None
    mser: tuple[float, bool] | None = None
    first: dict = field(default_factory=dict)
    experience: Any = None  # expstream: journey/satisfaction sums (bpsim.stream.experience)

    def table(self, name: str) -> dict:
        return self.sums.setdefault(name, {})


class Collector(SlaFold, StepFunctions, MserSums):
    """Folds one replication's finished tickets into a :class:`Summary` (see the module doc).

    Parameters
    ----------
    plan, bound : the compiled plan and bound scenario of the run
    replication : int
    process : Process, optional (element kinds for the open-ticket states)
    every : int
        Records gathered between hand-overs.
    """

    def __init__(self, plan, bound, replication: int, process=None, every: int = EVERY,
                 only_mser: bool = False, item: bool = False) -> None:
        self.plan, self.bound, self.process = plan, bound, process
        self.only_mser = only_mser  # warmup: auto's pilot: the MSER-5 sums alone
        self.item = item            # a what-if work item's figures alone (item_figures)
        self.every = int(every)
        self.rep = int(replication)
        self.warmup = float(bound.warmup or 0.0)
        horizon = bound.horizon
        # the window's end is known in advance when only the horizon ends the run
        self.end_known = float(horizon) if horizon is not None and bound.cases is None else None
        self.mid = ((self.warmup + self.end_known) / 2 if self.end_known is not None
                    else math.nan)
        self.summary = Summary(self.rep, self.warmup)
        self.inst = self.lag = None
        if self.end_known is not None:  # the trend tests' instants, known in advance
            from bpsim.analysis.stability import _instants, choose_lag, is_periodic

            wins = pd.DataFrame({"warmup": [self.warmup], "end": [self.end_known]})
            self.lag = choose_lag(wins, is_periodic(bound))
            if self.lag is not None:
                grid = _instants(self.warmup, self.end_known, self.lag, TREND_POINTS)
                self.inst = np.sort(np.concatenate([grid, grid - self.lag]))
                self.summary.trend = {"lag": self.lag, "grid": grid,
                                      "arrived": np.zeros(len(self.inst)),
                                      "ended": np.zeros(len(self.inst)), "recent": 0.0,
                                      "inst": self.inst}
        # MSER-5: per batch of 5 tickets (in arrival order = case order) the sum of their
        # times in the system, the first one's arrival, and the last one's
        size = int(bound.cases) // 5 + 1 if bound.cases else 1024  # no regrowth when known
        self.m_sum = np.zeros(size)
        self.m_arr0 = np.full(size, np.nan)
        self.m_arr4 = np.full(size, np.nan) if self.end_known is None else None
        self.m_kept = 0
        self.last = -math.inf
        self.pending: dict[str, pd.DataFrame] = {}  # handed-over tickets' changes at >= now
        self.levels: dict[tuple[str, str], QueueLevel] = {}
        self.elements = [n.id for n in plan.nodes]
        self.roles = list(plan.roles)
        self.classes = list(plan.classes)
        # each name's number, and the columns' categories, built once per replication
        self.eidx = {e: i for i, e in enumerate(self.elements)}
        self.cidx = {c: i for i, c in enumerate(self.classes)}
        self.ridx = {r: i for i, r in enumerate(self.roles)}
        self.elem_role = np.array([self.ridx.get(n.role, -1) if n.kind == "task"
                                   and n.role is not None else -1 for n in plan.nodes] or [-1],
                                  dtype=np.int32)
        # staff members as the engine names them: per role, numbered across its shifts
        names, roles = [], []
        for ri, (rname, role) in enumerate(bound.roles.items()):
            number = 0
            for shift in role.shifts:
                for _ in range(int(shift.staff)):
                    number += 1
                    names.append(f"{rname} {number}")
                    roles.append(ri)
        self.staff_names = names
        self.staff_roles = np.asarray(roles, dtype=np.int32)
        self.sidx = {r: i for i, r in enumerate(names)}
        self.raw: dict = {}   # the last _output's columns as numpy arrays
        self._clock_of: RunOutput | None = None     # the chunk whose SLA clocks are known
        self._clock_val: list[tuple] = []
        self._mc_of: RunOutput | None = None        # the chunk whose measured cases are known
        self._mc = pd.DataFrame()
        self.cats = {k: pd.Index(list(c), dtype=object) for k, c in (
            ("cls", self.classes), ("element", self.elements), ("lifecycle", LIFECYCLES),
            ("resource", names), ("role", self.roles))}

    # -- records -> the record-based path's tables ------------------------------------------
    def _output(self, part: dict, end: float, staff_names: list[str] | None = None) -> RunOutput:
        plan = self.plan
        shift = getattr(plan, "case_shift", 32)
        packed = part["keys"]
        case = (packed >> shift).astype(np.int64)
        code = ((packed >> 16) & ((1 << (shift - 16)) - 1)).astype(np.int64)
        elem = code >> 4
        life = (code & 15).astype(np.int8)
        resource = (packed & 0xFFFF).astype(np.int32) - 1
        role = self.elem_role[elem] if len(elem) else np.zeros(0, np.int32)
        worked = resource >= 0
        if worked.any() and len(self.staff_roles):
            role[worked] = self.staff_roles[resource[worked]]
        # the class of each record's case
        cases_id = part["case"]
        cls = _lookup(cases_id, part["cls"], case, np.int8)
        cats = self.cats

        def cat(codes, what):
            return pd.Categorical.from_codes(np.asarray(codes), categories=cats[what])

        events = pd.DataFrame({
            "replication": np.full(len(case), self.rep, dtype=np.int64),
            "case": case,
            "cls": cat(cls.astype(np.int16), "cls"),
            "element": cat(elem.astype(np.int32), "element"),
            "lifecycle": cat(life, "lifecycle"),
            "time": part["times"],
            "resource": cat(resource, "resource"),
            "role": cat(role, "role"),
        })
        left = part["left"]
        endv = part["end"]
        cases = pd.DataFrame({
            "replication": np.full(len(cases_id), self.rep, dtype=np.int64),
            "case": cases_id,
            "cls": cat(part["cls"].astype(np.int16), "cls"),
            "start": cat(part["start"], "element"),
            "arrival": part["arrival"],
            "end": endv,
            "completed": ~np.isnan(endv) & (left == 0),
            "abandoned": left == 1,
            "blocked": left == 2,
        })
        windows = pd.DataFrame({"replication": [self.rep], "warmup": [self.warmup],
                                "end": [end]})
        # the same columns as numpy arrays (the SLA clocks read them: bpsim.stream.slas)
        self.raw = {"records": {"case": case, "element": elem, "lifecycle": life,
                                "time": part["times"]},
                    "cases": {"case": cases_id, "cls": part["cls"].astype(np.int64),
                              "arrival": part["arrival"], "end": endv, "left": (left == 1) | (left == 2)}}
        return RunOutput(events=events, cases=cases, staff=pd.DataFrame(), windows=windows,
                         replications=1)


    # -- the engine's calls ---------------------------------------------------------------
    def chunk(self, done: dict, opened: dict, now: float) -> None:
        """Fold the tickets finished by ``now``; settle the step functions up to ``now``."""
        if self.only_mser:
            self._fold_mser(pd.DataFrame({k: done[k] for k in ("case", "arrival", "end")}), None)
            return
        out = self._output(done, now)
        v = _visits.visits(out)
        self._fold(out, v)
        if not self.item:
            vo = _visits.visits(self._output(opened, now)) if len(opened["keys"]) else v.iloc[0:0]
            self._levels(v, vo, now, final=False)
        self.last = now
        self.summary.chunks += 1
        self._forget()

    def _forget(self) -> None:
        """Let go of the chunk just folded (its columns, clocks, cases): what the collector
        holds between hand-overs does not include a chunk's records."""
        self.raw = {}
        self._clock_of, self._clock_val = None, []
        self._mc_of, self._mc = None, pd.DataFrame()

    def finish(self, opened: dict, end: float, done: dict | None = None) -> Summary:
        """The end of the replication: fold the last finished tickets (``done``) and the
        tickets still open (with the run's real window) in one go; close the step
        functions; keep the open-ticket rows."""
        from bpsim.analysis.backlog import open_visits

        s = self.summary
        s.end = float(end)
        if self.only_mser:
            if done is not None:
                self._fold_mser(pd.DataFrame({k: done[k] for k in ("case", "arrival", "end")}),
                                None)
            self._fold_mser(pd.DataFrame({k: opened[k] for k in ("case", "arrival", "end")}),
                            float(end))
            s.mser = self._mser(end)
            return s
        both = opened if done is None else {k: np.concatenate([done[k], opened[k]])
                                            for k in opened}
        out = self._output(both, end)
        v = _visits.visits(out)
        self._fold(out, v, final=True, open_cases=opened["case"])
        if done is not None:
            s.chunks += 1
        mc = self._measured(out)
        s.open_cases = mc.loc[mc["end"].isna()].reset_index(drop=True)  # not the ones left unserved
        s.mser = self._mser(end)
        if self.item:
            if s.trend is not None:
                s.trend["queues"] = {}
            self._forget()
            return s
        self._levels(v, v.iloc[0:0], end, final=True)
        mid = self.mid if self.end_known is not None else (self.warmup + end) / 2
        for (what, element), lv in self.levels.items():
            s.queues.setdefault(what, {})[element] = lv.close(end, self.warmup,
                                                             mid if self.end_known is not None
                                                             else math.nan)
        if s.trend is not None:
            s.trend["queues"] = {e: (lv.vals.copy(), lv.peak) for (what, e), lv in self.levels.items()
                                 if what == "queue"}
        is_open = np.isin(v["case"].to_numpy(np.int64), opened["case"])
        self._forget()
        s.open_visits = open_visits(v.loc[is_open].reset_index(drop=True), _visits.windows(out),
                                    self.process, self.bound)
        return s

    # -- folding --------------------------------------------------------------------------
    def _fold(self, out: RunOutput, v: pd.DataFrame, final: bool = False,
              open_cases: np.ndarray | None = None) -> None:
        """Fold one chunk's tickets (``out``: their records; ``v``: their visits; ``final``:
        the last fold, whose tickets ``open_cases`` are still open)."""
        s = self.summary
        fold_experience(self, out, v, final)  # expstream: the customer's side (stream/experience.py)
        mc = self._measured(out)
        wins = _visits.windows(out)
        w_end = float(wins["end"].iloc[0])
        cname = self._cls_name
        # cases: counts, cycle time, per class
        ccls = index_of(mc["cls"], self.cidx) + 1
        meas = mc["measured"].to_numpy(bool)
        compl = mc["completed"].to_numpy(bool)
        ct = mc["cycle_time"].to_numpy(float)
        g = Groups(ccls[meas], len(self.classes) + 1)
        if len(g):
            cm = compl[meas]
            ctd = np.where(cm, ct[meas], np.nan)
            cols: tuple | list = (g.count(), g.count(cm), g.count(mc["abandoned"].to_numpy(bool)[meas]),
                    g.count(mc["blocked"].to_numpy(bool)[meas]), g.sum(ctd), g.valid(ctd))
            cases = s.table("cases")
            for i, k in enumerate(g.present):
                _add(cases, cname(k), {"arrived": int(cols[0][i]), "completed": int(cols[1][i]),
                                       "abandoned": float(cols[2][i]),
                                       "blocked": float(cols[3][i]),
                                       "cycle_sum": float(cols[4][i]),
                                       "cycle_n": float(cols[5][i])})
            done_ct = ct[meas & compl]
            if len(done_ct) and not self.item:
                _sketch(s.sketches, ("cycle",), done_ct)
        self._fold_mser(out.cases, w_end if final else None)
        if s.trend is not None and len(out.cases):
            tr = s.trend
            arr = np.sort(out.cases["arrival"].to_numpy(float))
            fin = out.cases["end"].to_numpy(float)
            fin = np.sort(fin[~np.isnan(fin)])
            tr["arrived"] += np.searchsorted(arr, tr["inst"], side="right")
            tr["ended"] += np.searchsorted(fin, tr["inst"], side="right")
            w1 = float(self.end_known)  # type: ignore[arg-type]
            tr["recent"] += float(((arr >= w1 - tr["lag"]) & (arr < w1)).sum())
        # tickets not finished (a ticket that abandoned or was blocked has ended): open_summary's
        # "open" tickets
        if not final and not self.item:
            nd = np.isnan(mc["end"].to_numpy(float))
            g = Groups(ccls[nd], len(self.classes) + 1)
            if len(g):
                arr = mc["arrival"].to_numpy(float)[nd]
                n, m, a = g.count(), g.count(meas[nd]), g.sum(arr)
                lo = np.full(g.size, math.inf)
                np.minimum.at(lo, g.keys, arr)
                left = s.table("left")
                for i, k in enumerate(g.present):
                    _add(left, cname(k), {"n": int(n[i]), "measured": float(m[i]),
                                          "arr_sum": float(a[i])})
                    row = left[cname(k)]
                    row["arr_min"] = min(row.get("arr_min", math.inf), float(lo[k]))
        if v.empty:
            if not self.item:
                _elements.fold(s, out, self.process, [])  # (outputs) the diagram's counts
            return
        if self.item:
            self._fold_people(out, mc, v, wins, final, open_cases)
            return
        E, ne, ncl = self.elements, len(self.elements), len(self.classes) + 1
        el = index_of(v["element"], self.eidx)
        vcls = index_of(v["cls"], self.cidx) + 1
        oc = index_of(v["outcome"], _OUTCOME)           # -1: still open
        vrole = index_of(v["role"], self.ridx) + 1       # 0: nobody
        vmeas = v["measured"].to_numpy(bool)
        en = v["enabled"].to_numpy(float)
        start = v["start"].to_numpy(float)
        vcase = v["case"].to_numpy(np.int64)
        for e in Groups(el, ne).present:
            s.elements[E[e]] = None
        # each ticket's row in the cases: its channel, whether it completed in the window
        cid = mc["case"].to_numpy(np.int64)
        crow = _lookup(cid, np.arange(len(cid)), vcase, np.int64)
        found = cid[crow] == vcase
        chan = np.where(found, index_of(mc["start"], self.eidx)[crow] + 1, 0)
        done_case = found & (meas & compl)[crow]
        # first appearance of each element (and class, channel) in the visits' order
        visit = v["visit"].to_numpy(np.int64)
        if _in_table_order(en, vcase):  # visits() lists them by (enabled, case, element, visit)
            order = rank = np.arange(len(en), dtype=np.int64)
        else:
            order = np.lexsort((visit, vcase, en))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
        firsts = (en, vcase, visit, order)
        self._first(firsts, rank, el, ne, None, ("element",), "all", lambda k: E[k])
        mvr = np.flatnonzero(vmeas)
        self._first(firsts, rank, el, ne, mvr, ("element",), "measured", lambda k: E[k])
        self._first(firsts, rank, el * ncl + vcls, ne * ncl, mvr, ("element", "cls"),
                    "measured", lambda k: (E[k // ncl], cname(k % ncl)))
        self._first(firsts, rank, el * (ne + 1) + chan, ne * (ne + 1), mvr,
                    ("element", "channel"), "measured",
                    lambda k: (E[k // (ne + 1)], self._elem_name(k % (ne + 1))))
        # the measured visits
        mel, mcls, moc, mch = el[mvr], vcls[mvr], oc[mvr], chan[mvr]
        counted = (moc != _WITHDRAWN) & (moc != _BLOCKED)
        # abandonment (per element, class, channel) and crossover (per element, role)
        g = Groups((mel * ncl + mcls) * (ne + 1) + mch, ne * ncl * (ne + 1))
        cols = (g.count(counted), g.count(moc == _ABANDONED), g.count(moc == _BLOCKED))
        ab = s.table("abandon")
        for i, k in enumerate(g.present):
            ec, ch = divmod(int(k), ne + 1)
            key = (E[ec // ncl], cname(ec % ncl), self._elem_name(ch))
            _add(ab, key, {"visits": float(cols[0][i]), "abandoned": float(cols[1][i]),
                           "blocked": float(cols[2][i])})
        srt = ~np.isnan(start[mvr])
        nr = len(self.roles) + 1
        g = Groups((mel * nr + vrole[mvr])[srt], ne * nr)
        served = s.table("served")
        for k, n in zip(g.present, g.count()):
            _add(served, (E[k // nr], self.roles[k % nr - 1] if k % nr else None),
                 {"n": float(n)})
        if s.trend is not None:  # visits reaching each stage within the last lag
            w1 = float(self.end_known)  # type: ignore[arg-type]
            g = Groups(el, ne)
            recent = g.count((en >= w1 - s.trend["lag"]) & (en < w1))
            for k, n in zip(g.present, recent):
                _add(s.table("recent"), E[k], {"n": float(n)})
        # stages
        g = Groups(mel, ne)
        cols = (g.count(counted), g.count(moc == _INTERRUPTED), g.count(moc == -1),
                g.count(moc == _WITHDRAWN), g.count(moc == _ABANDONED), g.count(moc == _BLOCKED))
        figs = {fig: v[fig].to_numpy(float)[mvr] for fig in _FIGS}
        sums = {fig: (g.sum(x), g.valid(x), g.split(x)) for fig, x in figs.items()}
        since = g.split(en[mvr] - v["arrival"].to_numpy(float)[mvr])
        st = s.table("stages")
        for i, k in enumerate(g.present):
            e = E[k]
            row = {"count": float(cols[0][i]), "interrupted": float(cols[1][i]),
                   "open": float(cols[2][i]), "withdrawn": float(cols[3][i]),
                   "abandoned": float(cols[4][i]), "blocked": float(cols[5][i])}
            for fig, (sm, nn, parts) in sums.items():
                row[f"{fig}_sum"] = float(sm[i])
                row[f"{fig}_n"] = float(nn[i])
                _sketch(s.sketches, ("stage", e, fig), parts[i])
            _sketch(s.sketches, ("since", e), since[i])
            _add(st, e, row)
        # class waits (classes table): measured visits taken in charge by someone
        took = vrole[mvr] > 0
        g = Groups(mcls[took], ncl)
        x = figs["wait"][took]
        for k, sm, n in zip(g.present, g.sum(x), g.valid(x)):
            _add(s.table("class_wait"), cname(k), {"sum": float(sm), "n": float(n)})
        # wait share of completed measured tickets per element (bottlenecks)
        dn = done_case[mvr]
        g = Groups(mel[dn], ne)
        for k, sm in zip(g.present, g.sum(figs["wait"][dn])):
            _add(s.table("wait_done"), E[k], {"wait": float(sm)})
        # roles: distinct tickets handled and handling time (bpsim.analysis.roles.handled's
        # visits: taken in charge by someone within the window)
        vres = index_of(v["resource"], self.sidx)
        inw = (vres >= 0) & (start >= self.warmup) & (start <= w_end)
        service = v["service"].to_numpy(float)[inw]
        for by, codes, names in (("resource", vres[inw], self.staff_names),
                                 ("role", vrole[inw] - 1, self.roles)):
            ok = codes >= 0
            g = Groups(codes[ok], len(names))
            table = s.table(f"handled_{by}")
            x = service[ok]
            for k, sm, n, c in zip(g.present, g.sum(x), g.valid(x),
                                   g.distinct(vcase[inw][ok])):
                _add(table, names[k], {"service_sum": float(sm), "service_n": float(n),
                                       "cases": float(c)})
        # billing: bpsim.analysis.costs.billing's rows (completed visits of measured tickets
        # taken in charge by a role of the scenario), on the arrays
        roles = dict(getattr(self.bound, "roles", None) or {})
        nc = len(self.classes)
        billed_role = np.array([n in roles for n in self.roles] + [False])
        at = np.flatnonzero(vmeas & (oc == 0) & billed_role[vrole - 1] & (vcls > 0))
        if len(at):
            br, bc = vrole[at] - 1, vcls[at] - 1
            serv = v["service"].to_numpy(float)[at]
            billed = serv.copy()
            rate = np.zeros(len(at))
            for k, name in enumerate(self.roles):
                if name not in roles:
                    continue
                rows = br == k
                role = roles[name]
                if role.billing_increment:
                    billed[rows] = _costs.billed_seconds(billed[rows], role.billing_increment)
                rate[rows] = role.bill_rate if role.bill_rate is not None else role.cost_per_hour
            amount = billed / 3600.0 * rate
            g = Groups(br * nc + bc, len(self.roles) * nc)
            for k, a, b, c in zip(g.present, g.sum(amount), g.sum(billed), g.sum(serv)):
                _add(s.table("bills"), (self.roles[k // nc], self.classes[k % nc]),
                     {"amount": float(a), "billed_seconds": float(b), "service": float(c)})
        self._fold_people(out, mc, v, wins, final, open_cases)

    def _fold_people(self, out: RunOutput, mc: pd.DataFrame, v: pd.DataFrame,
                     wins: pd.DataFrame, final: bool, open_cases: np.ndarray | None) -> None:
        """The staff's overtime, Little's law's sums and the SLA clocks of a chunk (the
        first and the last alone for a work item's figures)."""
        s = self.summary
        ot = _roles.overtime(v, wins, self.bound)
        for res, over in zip(ot["resource"].astype(object), ot["overtime"].to_numpy(float)):
            _add(s.table("overtime"), res, {"overtime": float(over)})
        if self.item:
            self._fold_slas(out, mc, v, wins, final, open_cases)
            return
        # Little's law: the sums of bpsim.analysis.queues.little_sums, added chunk by chunk
        from bpsim.analysis.queues import little_sums

        for what in ("queue", "stage"):
            per = little_sums(v, wins, what)
            table = s.table(f"little_{what}")
            cols = [per[c].to_numpy(float) for c in ("n", "c", "w", "open_n", "open_lo")]
            for i, e in enumerate(per["element"].astype(object)):
                _add(table, e, {"n": float(cols[0][i]), "c": float(cols[1][i]),
                                "w": float(cols[2][i]), "open_n": float(cols[3][i]),
                                "open_lo": float(cols[4][i])})
        sla_rows = self._fold_slas(out, mc, v, wins, final, open_cases)
        # (outputs) entries, flows and breaching tickets per element: the diagram's figures
        _elements.fold(s, out, self.process, sla_rows)

    def _measured(self, out: RunOutput) -> pd.DataFrame:
        """:func:`bpsim.analysis.visits.measured_cases` of the chunk ``out``, once per chunk."""
        if self._mc_of is not out:
            self._mc = _visits.measured_cases(out)
            self._mc_of = out
        return self._mc

    def _cls_name(self, k: int):
        """The class of code ``k`` (0: none)."""
        return self.classes[k - 1] if k else None

    def _elem_name(self, k: int):
        """The element of code ``k`` (0: none)."""
        return self.elements[k - 1] if k else None

    def _first(self, firsts: tuple, rank: np.ndarray, codes: np.ndarray, size: int,
               rows: np.ndarray | None, keys: tuple, scope: str, name) -> None:
        """Keep, per group, the first visit in the order of the record-based visits table:
        (replication, enabled, case, visit)."""
        en, case, visit, order = firsts
        k = codes if rows is None else codes[rows]
        r = rank if rows is None else rank[rows]
        if not len(k):
            return
        best = np.full(size, len(rank), dtype=np.int64)
        np.minimum.at(best, k, r)
        present = np.flatnonzero(best < len(rank))
        present = present[np.argsort(best[present], kind="stable")]
        store = self.summary.first.setdefault((scope, keys), {})
        for code, row in zip(present, order[best[present]]):
            key = name(int(code))
            val = (self.rep, float(en[row]), int(case[row]), int(visit[row]))
            if key not in store or val < store[key]:
                store[key] = val



def make_collector(plan, bound, replication: int, process=None, every: int | None = None,
                   only_mser: bool = False) -> Any:
    """A :class:`Collector` for replication ``replication`` (what ``bpsim.engine.run`` uses;
    ``every``: default :data:`EVERY`; ``only_mser``: fold nothing but the MSER-5 sums;
    within :func:`item_figures`, only a work item's figures)."""
    return Collector(plan, bound, replication, process=process,
                     every=EVERY if every is None else every, only_mser=only_mser,
                     item=_ITEM.get())
