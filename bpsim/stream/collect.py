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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bpsim.analysis import costs as _costs
from bpsim.analysis import roles as _roles
from bpsim.analysis import slas as _slas
from bpsim.analysis import visits as _visits
from bpsim.engine.output import LIFECYCLES, RunOutput
from bpsim.stream.levels import QueueLevel
from bpsim.stream.sketch import QuantileSketch

__all__ = ["Collector", "Summary", "EVERY"]

#: Instants of the trend tests (as :func:`bpsim.analysis.stability.backlog_trend`).
TREND_POINTS = 40
#: Records gathered before finished tickets are handed over (2^18 records: 4 MB).
EVERY = 1 << 18

_FIGS = ("wait", "service", "sojourn")


def _add(store: dict, key, values: dict) -> None:
    row = store.get(key)
    if row is None:
        store[key] = dict(values)
    else:
        for k, v in values.items():
            row[k] = row.get(k, 0.0) + v


def _sketch(store: dict, key, values) -> None:
    sk = store.get(key)
    if sk is None:
        sk = store[key] = QuantileSketch()
    sk.add(values)


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

    def table(self, name: str) -> dict:
        return self.sums.setdefault(name, {})


class Collector:
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
                 only_mser: bool = False) -> None:
        self.plan, self.bound, self.process = plan, bound, process
        self.only_mser = only_mser  # warmup: auto's pilot: the MSER-5 sums alone
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
        self.roles = plan.roles
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
        names = self.staff_names
        role_of = {r: k for k, r in enumerate(self.roles)}
        elem_role = np.array([role_of.get(n.role, -1) if n.kind == "task" and n.role is not None
                              else -1 for n in plan.nodes] or [-1], dtype=np.int32)
        role = elem_role[elem] if len(elem) else np.zeros(0, np.int32)
        worked = resource >= 0
        if worked.any() and len(self.staff_roles):
            role[worked] = self.staff_roles[resource[worked]]
        # the class of each record's case
        cases_id = part["case"]
        order = np.argsort(cases_id)
        pos = np.searchsorted(cases_id[order], case)
        cls = part["cls"][order][np.clip(pos, 0, max(len(order) - 1, 0))] if len(order) else \
            np.zeros(len(case), np.int8)

        def cat(codes, cats):
            return pd.Categorical.from_codes(np.asarray(codes), categories=pd.Index(list(cats), dtype=object))

        events = pd.DataFrame({
            "replication": np.full(len(case), self.rep, dtype=np.int64),
            "case": case,
            "cls": cat(cls.astype(np.int16), plan.classes),
            "element": cat(elem.astype(np.int32), self.elements),
            "lifecycle": cat(life, LIFECYCLES),
            "time": part["times"],
            "resource": cat(resource, names),
            "role": cat(role, self.roles),
        })
        left = part["left"]
        endv = part["end"]
        cases = pd.DataFrame({
            "replication": np.full(len(cases_id), self.rep, dtype=np.int64),
            "case": cases_id,
            "cls": cat(part["cls"].astype(np.int16), plan.classes),
            "start": cat(part["start"], self.elements),
            "arrival": part["arrival"],
            "end": endv,
            "completed": ~np.isnan(endv) & (left == 0),
            "abandoned": left == 1,
            "blocked": left == 2,
        })
        windows = pd.DataFrame({"replication": [self.rep], "warmup": [self.warmup],
                                "end": [end]})
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
        vo = _visits.visits(self._output(opened, now)) if len(opened["keys"]) else v.iloc[0:0]
        self._levels(v, vo, now, final=False)
        self.last = now
        self.summary.chunks += 1

    def finish(self, opened: dict, end: float) -> Summary:
        """The tickets still open at the end: fold them with the real window; close the
        step functions; keep the open-ticket rows."""
        from bpsim.analysis.backlog import open_visits

        s = self.summary
        s.end = float(end)
        if self.only_mser:
            self._fold_mser(pd.DataFrame({k: opened[k] for k in ("case", "arrival", "end")}),
                            float(end))
            s.mser = self._mser(end)
            return s
        out = self._output(opened, end)
        v = _visits.visits(out)
        self._fold(out, v, final=True)
        self._levels(v.iloc[0:0], v, end, final=True)
        mid = self.mid if self.end_known is not None else (self.warmup + end) / 2
        for (what, element), lv in self.levels.items():
            s.queues.setdefault(what, {})[element] = lv.close(end, self.warmup,
                                                             mid if self.end_known is not None
                                                             else math.nan)
        s.mser = self._mser(end)
        if s.trend is not None:
            s.trend["queues"] = {e: (lv.vals.copy(), lv.peak) for (what, e), lv in self.levels.items()
                                 if what == "queue"}
        s.open_visits = open_visits(v, _visits.windows(out), self.process, self.bound)
        mc = _visits.measured_cases(out)
        s.open_cases = mc.loc[mc["end"].isna()].reset_index(drop=True)  # not the ones left unserved
        return s

    # -- folding --------------------------------------------------------------------------
    def _fold(self, out: RunOutput, v: pd.DataFrame, final: bool = False) -> None:
        s = self.summary
        mc = _visits.measured_cases(out)
        wins = _visits.windows(out)
        for e in v["element"].astype(object).unique() if len(v) else ():
            s.elements[e] = None
        # cases: counts, cycle time, per class
        m = mc.loc[mc["measured"]]
        done = m.loc[m["completed"].astype(bool)]
        cases = s.table("cases")
        for cls, g in m.assign(cls=m["cls"].astype(object)).groupby("cls", sort=False):
            d = g.loc[g["completed"].astype(bool)]
            ct = d["cycle_time"].to_numpy(float)
            _add(cases, cls, {"arrived": len(g), "completed": len(d),
                              "abandoned": float(g["abandoned"].astype(bool).sum()),
                              "blocked": float(g["blocked"].astype(bool).sum()),
                              "cycle_sum": float(np.nansum(ct)),
                              "cycle_n": float((~np.isnan(ct)).sum())})
        if len(done):
            _sketch(s.sketches, ("cycle",), done["cycle_time"].to_numpy(float))
        self._fold_mser(out.cases, float(wins["end"].iloc[0]) if final else None)
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
        if not final:
            nd = mc.loc[mc["end"].isna()]
            for cls, g in nd.assign(cls=nd["cls"].astype(object)).groupby("cls", sort=False):
                arr = g["arrival"].to_numpy(float)
                _add(s.table("left"), cls, {"n": len(g), "measured": float(g["measured"].sum()),
                                            "arr_sum": float(arr.sum())})
                row = s.table("left")[cls]
                row["arr_min"] = min(row.get("arr_min", math.inf), float(arr.min()))
        if v.empty:
            return
        # first appearance of each element (and class, channel) in the visits' order
        self._first(v, ("element",), "all")
        mv = v.loc[v["measured"]]
        channel = out.cases.set_index("case")["start"].astype(object)
        mv = mv.assign(channel=channel.reindex(mv["case"].to_numpy()).to_numpy())
        for keys in (("element",), ("element", "cls"), ("element", "channel")):
            self._first(mv, keys, "measured")
        # abandonment (per element, class, channel) and crossover (per element, role)
        oc_all = mv["outcome"].astype(object)
        ab = mv.assign(element=mv["element"].astype(object), cls=mv["cls"].astype(object),
                       _v=(~oc_all.isin(["withdrawn", "blocked"])).astype(float),
                       _a=(oc_all == "abandoned").astype(float),
                       _b=(oc_all == "blocked").astype(float))
        for key, g in ab.groupby(["element", "cls", "channel"], sort=False, dropna=False):
            _add(s.table("abandon"), key, {"visits": float(g["_v"].sum()),
                                           "abandoned": float(g["_a"].sum()),
                                           "blocked": float(g["_b"].sum())})
        started = mv.loc[mv["start"].notna()]
        for key, g in started.assign(element=started["element"].astype(object),
                                     role=started["role"].astype(object)).groupby(
                                         ["element", "role"], sort=False, dropna=False):
            _add(s.table("served"), key, {"n": float(len(g))})
        if s.trend is not None:  # visits reaching each stage within the last lag
            w1 = float(self.end_known)  # type: ignore[arg-type]
            en = v["enabled"].to_numpy(float)
            recent = (en >= w1 - s.trend["lag"]) & (en < w1)
            for e, g in pd.Series(recent.astype(float)).groupby(v["element"].astype(object).to_numpy()):
                _add(s.table("recent"), e, {"n": float(g.sum())})
        # stages
        st = s.table("stages")
        for e, g in mv.assign(element=mv["element"].astype(object)).groupby("element", sort=False):
            oc = g["outcome"].astype(object)
            row = {"count": float((~oc.isin(["withdrawn", "blocked"])).sum()),
                   "interrupted": float((oc == "interrupted").sum()),
                   "open": float(oc.isna().sum()),
                   "withdrawn": float((oc == "withdrawn").sum()),
                   "abandoned": float((oc == "abandoned").sum()),
                   "blocked": float((oc == "blocked").sum())}
            for fig in _FIGS:
                x = g[fig].to_numpy(float)
                row[f"{fig}_sum"] = float(np.nansum(x))
                row[f"{fig}_n"] = float((~np.isnan(x)).sum())
                _sketch(s.sketches, ("stage", e, fig), x)
            _sketch(s.sketches, ("since", e), (g["enabled"] - g["arrival"]).to_numpy(float))
            _add(st, e, row)
        # class waits (classes table): measured visits taken in charge by someone
        cw = mv.loc[mv["role"].notna()]
        for cls, g in cw.assign(cls=cw["cls"].astype(object)).groupby("cls", sort=False):
            x = g["wait"].to_numpy(float)
            _add(s.table("class_wait"), cls, {"sum": float(np.nansum(x)),
                                              "n": float((~np.isnan(x)).sum())})
        # wait share of completed measured tickets per element (bottlenecks)
        comp = mc.loc[mc["measured"] & mc["completed"].astype(bool), "case"].to_numpy()
        vd = mv.loc[np.isin(mv["case"].to_numpy(), comp)]
        for e, g in vd.assign(element=vd["element"].astype(object)).groupby("element", sort=False):
            _add(s.table("wait_done"), e, {"wait": float(g["wait"].sum())})
        # roles: distinct tickets handled and handling time, overtime
        for by in ("resource", "role"):
            h = _roles.handled(v, wins, by)
            vv = v.loc[v["resource"].notna()]
            vv = vv.loc[(vv["start"] >= self.warmup) & (vv["start"] <= float(wins["end"].iloc[0]))]
            for key, g in vv.assign(**{by: vv[by].astype(object)}).groupby(by, sort=False):
                x = g["service"].to_numpy(float)
                _add(s.table(f"handled_{by}"), key, {"service_sum": float(np.nansum(x)),
                                                      "service_n": float((~np.isnan(x)).sum())})
            for r in h.itertuples(index=False):
                _add(s.table(f"handled_{by}"), getattr(r, by), {"cases": float(r.cases_handled)})
        ot = _roles.overtime(v, wins, self.bound)
        for r in ot.itertuples(index=False):
            _add(s.table("overtime"), r.resource, {"overtime": float(r.overtime)})
        # billing
        bills = _costs.billing(v, self.bound)
        if len(bills):
            b = bills.assign(role=bills["role"].astype(object), cls=bills["cls"].astype(object))
            for (role, cls), g in b.groupby(["role", "cls"], sort=False):
                _add(s.table("bills"), (role, cls), {"amount": float(g["amount"].sum()),
                                                     "billed_seconds": float(g["billed_seconds"].sum()),
                                                     "service": float(g["service"].sum())})
        # Little's law: the sums of bpsim.analysis.queues.little_sums, added chunk by chunk
        from bpsim.analysis.queues import little_sums

        for what in ("queue", "stage"):
            per = little_sums(v, wins, what)
            for r in per.itertuples(index=False):
                _add(s.table(f"little_{what}"), r.element,
                     {"n": float(r.n), "c": float(r.c), "w": float(r.w),
                      "open_n": float(r.open_n), "open_lo": float(r.open_lo)})
        # SLAs
        for sla in getattr(self.bound, "slas", None) or []:
            sc = _slas.sla_cases(sla, out.events, mc, v, wins)
            if sc.empty:
                continue
            self._fold_sla(sla, sc)
            if final:  # the censored margins enter the Kaplan-Meier estimate one by one
                s.sla_open = pd.concat([x for x in (s.sla_open, sc) if x is not None],
                                       ignore_index=True)

    def _fold_sla(self, sla, sc: pd.DataFrame) -> None:
        s = self.summary
        sc = sc.assign(cls=sc["cls"].astype(object))
        for cls, g in sc.groupby("cls", sort=False):
            st = g["status"]
            counts = {k: float((st == k).sum()) for k in
                      ("met", "breached", "open-breached", "left", "censored", "never",
                       "not-started")}
            d = g.loc[st.isin(["met", "breached"])]
            x = d["elapsed"].to_numpy(float)
            counts["elapsed_sum"] = float(np.nansum(x))
            counts["elapsed_n"] = float((~np.isnan(x)).sum())
            counts["rows"] = float(len(g))
            _add(s.table("sla"), (sla.name, cls), counts)
            _sketch(s.sketches, ("sla", sla.name, cls), x)
            met = g.loc[st == "met", "elapsed"].to_numpy(float)
            _sketch(s.sketches, ("sla_met", sla.name, cls), met)

    def _first(self, v: pd.DataFrame, keys: tuple, scope: str) -> None:
        """Keep, per group, the first visit in the order of the record-based visits table:
        (replication, enabled, case, visit)."""
        if v.empty:
            return
        f = v[list(keys) + ["enabled", "case", "visit"]].assign(
            **{k: v[k].astype(object) for k in keys})
        f = f.sort_values(["enabled", "case", "visit"], kind="stable")
        top = f.drop_duplicates(list(keys))
        store = self.summary.first.setdefault((scope, keys), {})
        for row in top.itertuples(index=False):
            key = tuple(getattr(row, k) for k in keys)
            key = key[0] if len(key) == 1 else key
            val = (self.rep, float(row.enabled), int(row.case), int(row.visit))
            if key not in store or val < store[key]:
                store[key] = val

    # -- step functions ---------------------------------------------------------------------
    def _changes(self, v: pd.DataFrame, what: str) -> pd.DataFrame:
        if v.empty:
            return pd.DataFrame({"element": [], "time": [], "d": []})
        leave = (v["start"].where(v["start"].notna(), v["end"]) if what == "queue"
                 else v["end"]).to_numpy(float)
        el = v["element"].astype(object).to_numpy()
        t = np.concatenate([v["enabled"].to_numpy(float), leave])
        d = np.concatenate([np.ones(len(v)), -np.ones(len(v))])
        e = np.concatenate([el, el])
        ok = ~np.isnan(t)
        return pd.DataFrame({"element": e[ok], "time": t[ok], "d": d[ok]})

    def _levels(self, v_done: pd.DataFrame, v_open: pd.DataFrame, now: float, final: bool) -> None:
        w0 = self.warmup
        mid = self.mid
        pending: dict[str, pd.DataFrame] = {}
        for what in ("queue", "stage"):
            mine = self._changes(v_done, what)
            old = self.pending.get(what)
            if old is not None:
                mine = pd.concat([mine, old], ignore_index=True)
            ch = pd.concat([mine, self._changes(v_open, what)], ignore_index=True)
            ch = ch.loc[(ch["time"] >= self.last) & (ch["time"] < now)]
            if not final:  # handed-over tickets' changes at ``now`` wait for the next slice
                pending[what] = mine.loc[mine["time"] >= now]
            for e, g in ch.groupby("element", sort=False):
                tt = g["time"].to_numpy(float)
                order = np.argsort(tt, kind="stable")
                tt, dd = tt[order], g["d"].to_numpy(float)[order]
                new = np.ones(len(tt), dtype=bool)
                new[1:] = tt[1:] != tt[:-1]
                starts = np.nonzero(new)[0]
                dsum = np.add.reduceat(dd, starts)
                lvl = self.levels.get((what, e))
                if lvl is None:
                    lvl = self.levels[(what, e)] = QueueLevel(self.inst if what == "queue" else None)
                lvl.advance(tt[starts], dsum, w0, mid, now)
            for (wh, _e), lvl in self.levels.items():
                if wh == what:
                    lvl.settle(now)
        self.pending = pending

    # -- MSER-5 ---------------------------------------------------------------------------
    def _fold_mser(self, cases: pd.DataFrame, run_end: float | None) -> None:
        ids = cases["case"].to_numpy(np.int64)
        if not len(ids):
            return
        arr = cases["arrival"].to_numpy(float)
        fin = cases["end"].to_numpy(float)
        if run_end is not None:
            fin = np.where(np.isnan(fin), run_end, np.minimum(fin, run_end))
        b = ids // 5
        need = int(b.max()) + 1
        if need > len(self.m_sum):
            size = max(need, 2 * len(self.m_sum))
            self.m_sum = np.concatenate([self.m_sum, np.zeros(size - len(self.m_sum))])
            self.m_arr0 = np.concatenate([self.m_arr0, np.full(size - len(self.m_arr0), np.nan)])
            if self.m_arr4 is not None:
                self.m_arr4 = np.concatenate([self.m_arr4, np.full(size - len(self.m_arr4), np.nan)])
        np.add.at(self.m_sum, b, fin - arr)
        r = ids % 5
        self.m_arr0[b[r == 0]] = arr[r == 0]
        if self.m_arr4 is not None:
            self.m_arr4[b[r == 4]] = arr[r == 4]
        else:
            from bpsim.analysis.warmup import TAIL

            self.m_kept += int((arr < float(self.end_known or 0.0) * (1.0 - TAIL)).sum())

    def _mser(self, end: float) -> tuple[float, bool]:
        """This replication's MSER-5 cut and whether it is reliable, as
        :func:`bpsim.analysis.warmup.truncation` computes them."""
        from bpsim.analysis.warmup import BATCH, TAIL, mser5

        if self.m_arr4 is not None:
            ok = self.m_arr4 < end * (1.0 - TAIL)
            k = int(np.argmin(ok)) if not ok.all() else len(ok)
            kept = BATCH * k
        else:
            kept = self.m_kept
            k = kept // BATCH
        z = self.m_sum[:k] / BATCH
        d, kk = mser5(z, batch=1)
        reliable = not (kk >= 4 and d >= kk // 2)
        cut = float(self.m_arr0[d]) if d and kept > d * BATCH else 0.0
        return cut, reliable


def make_collector(plan, bound, replication: int, process=None, every: int | None = None,
                   only_mser: bool = False) -> Any:
    """A :class:`Collector` for replication ``replication`` (what ``bpsim.engine.run`` uses;
    ``every``: default :data:`EVERY`; ``only_mser``: fold nothing but the MSER-5 sums)."""
    return Collector(plan, bound, replication, process=process,
                     every=EVERY if every is None else every, only_mser=only_mser)
