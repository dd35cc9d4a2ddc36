"""Results from streaming statistics: the report's figures without the event records.

:class:`StreamedResults` is what :class:`bpsim.analysis.Results` becomes for the output
of ``bpsim.engine.run(..., records=False)`` (``bpsim.simulate(..., records=False)``,
``bpsim simulate --no-records``). Its tables have the columns and the meaning of the
record-based ones; they are computed from the per-replication
:class:`~bpsim.stream.collect.Summary` objects: sums and counts per replication give the
same means and CIs across replications (up to floating-point summation order), pooled
percentiles come from the merged :class:`~bpsim.stream.sketch.QuantileSketch`. The role,
staff, cost, bottleneck and open-ticket tables are computed by the record-based path's own
functions, fed the per-replication sums instead of the visits.

The customer's side (``journey``, ``satisfaction``, the pain points, the survey) comes from
the replications' folded sums (:mod:`bpsim.stream.experience`).

What needs the records raises :class:`RecordsNeeded` (``events``, ``visits``, ``cases``,
``sla_cases``, ``queues``, event logs, the per-ticket experience tables), saying to run with
``records=True``. The JSON report's ``streaming`` key lists what a run does not compute
(:attr:`StreamedResults.not_streamed`; :data:`NOT_STREAMED` is empty: every figure of the
record-based report is streamed).
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd

from bpsim.analysis import backlog as _backlog
from bpsim.analysis import bottlenecks as _bottlenecks
from bpsim.analysis import costs as _costs
from bpsim.analysis import roles as _roles
from bpsim.analysis import stages as _stages
from bpsim.analysis.results import Results
from bpsim.analysis.stats import mean_ci
from bpsim.analysis.warmup import Truncation
from bpsim.errors import BpsimError
from bpsim.stream.sketch import QuantileSketch, copy_sketch, pooled_sketch
from bpsim.stream.slas import sla_table

__all__ = ["StreamedResults", "RecordsNeeded", "NOT_STREAMED"]

#: Figures of the record-based report that streaming statistics never compute: none (the
#: trend tests need a run ended by its horizon: :attr:`StreamedResults.not_streamed`).
NOT_STREAMED: tuple[str, ...] = ()


class RecordsNeeded(BpsimError):
    """A figure or table that needs every ticket's records, asked of streamed results."""


def _need(what: str) -> RecordsNeeded:
    return RecordsNeeded(
        f"{what} needs the event records, and this run kept none (streaming statistics: "
        "records=False / --no-records).",
        hint="run again with records=True (bpsim.simulate(..., records=True), or bpsim "
             "simulate without --no-records) for event logs and per-ticket tables.")


class StreamedResults(Results):
    """:class:`~bpsim.analysis.Results` computed from streaming statistics (see the module doc)."""

    streamed = True

    @property
    def summaries(self) -> list:
        return list(self.output.summaries or [])

    def _by_rep(self) -> dict:
        return {int(s.replication): s for s in self.summaries}

    @property
    def events_recorded(self) -> bool:
        return False

    # -- what needs the records ---------------------------------------------------------------
    @property
    def visits(self):  # type: ignore[override]
        raise _need("Results.visits")

    @property
    def cases(self):  # type: ignore[override]
        raise _need("Results.cases (one row per ticket)")

    @property
    def events(self):  # type: ignore[override]
        raise _need("Results.events")

    @property
    def sla_cases(self):  # type: ignore[override]
        raise _need("Results.sla_cases (one row per ticket and SLA)")

    @property
    def queues(self):  # type: ignore[override]
        raise _need("Results.queues (every change of every queue)")

    def queue_curve(self, element: str, points: int = 500):
        raise _need("Results.queue_curve")

    def to_event_log(self, path):
        raise _need("an event log")

    def to_pm4py(self, replications="first"):
        raise _need("an event log for pm4py")

    def write(self, out_dir, event_log: str = "first"):
        raise _need("bpsim simulate --out (event logs, per-ticket tables, plots)")

    # -- the figures behind the plots (outputs) -------------------------------------------------
    def queue_curves(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """``(grid, {element: mean queue length at each grid instant})``: the queue plot's
        curves, settled as the run went (:mod:`bpsim.stream.levels`), on the grid
        :func:`bpsim.stream.levels.curve_grid` of the run's end."""
        from bpsim.stream.levels import mean_curves

        per = [{e: q["curve"] for e, q in s.queues.get("queue", {}).items() if "curve" in q}
               for s in self.summaries]
        end = float(self.windows["end"].max()) if not self.windows.empty else 0.0
        return mean_curves(per, self.replications, end)

    @cached_property
    def cycle_time_sketch(self):
        """The pooled :class:`~bpsim.stream.sketch.QuantileSketch` of the cycle times of
        measured completed tickets."""
        return pooled_sketch(self.summaries, ("cycle",))

    def cycle_time_values(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """``(values, weights, exact)``, sorted: the cycle times of measured completed
        tickets (weight 1 each) while the sketch holds them all, else each bucket's
        representative (within the sketch's ``alpha`` of every value in it) weighted by
        its count; ``exact`` says which (the cycle-time histogram)."""
        sk = self.cycle_time_sketch
        if sk.values is not None:
            x = np.sort(sk.values)
            return x, np.ones(len(x)), True
        g = (1 + sk.alpha) / (1 - sk.alpha)
        reps = 2.0 * np.power(g, sk.keys.astype(float)) / (g + 1.0)
        x = np.concatenate([[0.0], reps]) if sk.zeros else reps
        w = np.concatenate([[float(sk.zeros)], sk.counts]) if sk.zeros else sk.counts
        return x, np.asarray(w, dtype=float), False

    # -- the customer's side ------------------------------------------------------------------
    @cached_property
    def experience(self):
        """The customer-side figures from the folded sums
        (:class:`bpsim.stream.experience.StreamedExperience`)."""
        from bpsim.stream.experience import StreamedExperience

        return StreamedExperience(self)

    # -- cases --------------------------------------------------------------------------------
    def _case_sum(self, col: str) -> pd.Series:
        reps = self.replication_ids
        by = self._by_rep()
        return pd.Series([sum(row.get(col, 0.0) for row in by[r].sums.get("cases", {}).values())
                          if r in by else 0.0 for r in reps], index=reps, dtype=float)

    @cached_property
    def _case_counts(self) -> tuple[float, float]:
        if not self.replication_ids:
            return 0.0, 0.0
        return float(self._case_sum("arrived").mean()), float(self._case_sum("completed").mean())

    @cached_property
    def left(self) -> dict[str, float]:
        reps = self.replication_ids
        return {c: float(self._case_sum(c).mean()) if reps else 0.0
                for c in ("abandoned", "blocked")}

    @cached_property
    def cycle_time(self) -> dict[str, float]:
        n_done = self._case_sum("cycle_n")
        per = self._case_sum("cycle_sum") / n_done.where(n_done > 0)
        mean, ci = mean_ci(per)
        n = max(self.replications, 1)
        sk = pooled_sketch(self.summaries, ("cycle",))
        still = float((self._case_sum("arrived") - self._case_sum("completed") - self._case_sum("abandoned")
                       - self._case_sum("blocked")).sum())  # those left unserved have ended
        return {"mean": mean, "ci95": ci, **sk.percentiles(),
                "cases": float(self._case_sum("completed").sum()) / n, "open": still / n}

    # -- stages and queues --------------------------------------------------------------------
    @cached_property
    def queue_stats(self) -> pd.DataFrame:
        return self._queue_stats("queue")

    def _queue_stats(self, what: str) -> pd.DataFrame:
        rows = []
        for s in self.summaries:
            for element, q in s.queues.get(what, {}).items():
                rows.append({"replication": s.replication, "element": element, **q})
        return pd.DataFrame(rows, columns=["replication", "element", "mean", "max",
                                           "first_half", "second_half"])

    def _pooled(self, table: str) -> dict[tuple, QuantileSketch]:
        """Every ``(table, ...)`` sketch pooled over the replications, keyed by the rest of
        its key: one pass over the summaries, not a search per stage."""
        out: dict[tuple, QuantileSketch] = {}
        for summary in self.summaries:
            for key, sk in summary.sketches.items():
                if key[0] != table:
                    continue
                have = out.get(key[1:])
                if have is None:
                    out[key[1:]] = copy_sketch(sk)
                else:
                    have.merge(copy_sketch(sk))
        return out

    @cached_property
    def stages(self) -> pd.DataFrame:
        reps = self.replication_ids
        by = self._by_rep()
        elements: dict = {}
        for s in self.summaries:
            elements.update(s.elements)
        since = self._pooled("since")
        order = {}
        for e in elements:
            sk = since.get((e,))
            order[e] = sk.median() if sk is not None and len(sk) else math.inf
        names = sorted(elements, key=lambda e: (order[e] if not math.isnan(order[e]) else math.inf,
                                                str(e)))
        queue = _stages.queue_columns(self.queue_stats, names, reps)
        n = max(len(reps), 1)
        sums = [by[r].sums.get("stages", {}) if r in by else {} for r in reps]
        pooled = self._pooled("stage")
        rows = []
        for e, q in zip(names, queue):
            st = [rep.get(e, {}) for rep in sums]

            def col(name: str, st=st) -> np.ndarray:
                return np.array([cell.get(name, 0.0) for cell in st], dtype=float)

            def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
                return np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)

            counts = col("count")
            row = {"id": e, "name": _stages.element_name(self.process, e),
                   "type": _stages.element_type(self.process, e),
                   "role": _stages.stage_role(self.scenario, e)}
            row["count"], row["count_ci95"] = mean_ci(counts)
            for fig in ("wait", "service", "sojourn"):
                row[f"{fig}_mean"], row[f"{fig}_ci95"] = mean_ci(
                    ratio(col(f"{fig}_sum"), col(f"{fig}_n")))
                sk = pooled.get((e, fig))
                for k, v in (sk if sk is not None else QuantileSketch()).percentiles().items():
                    row[f"{fig}_{k}"] = v
            row.update(q)
            row["interrupted"] = float(col("interrupted").sum()) / n
            row["open"] = float(col("open").sum()) / n
            row["withdrawn"] = float(col("withdrawn").sum()) / n
            ab, bl = col("abandoned"), col("blocked")
            row["abandoned"] = float(ab.sum()) / n
            row["abandon_rate"], row["abandon_rate_ci95"] = mean_ci(ratio(ab, counts))
            row["blocked"] = float(bl.sum()) / n
            row["block_rate"], row["block_rate_ci95"] = mean_ci(ratio(bl, counts + bl))
            rows.append(row)
        return pd.DataFrame(rows, columns=_stages._COLUMNS)

    # -- roles, staff, costs ------------------------------------------------------------------
    @cached_property
    def _overtime(self) -> pd.DataFrame:
        rows = [(s.replication, res, v["overtime"]) for s in self.summaries
                for res, v in s.sums.get("overtime", {}).items()]
        return pd.DataFrame(rows, columns=["replication", "resource", "overtime"])

    def _handled(self, by: str) -> pd.DataFrame:
        rows = []
        for s in self.summaries:
            for key, v in s.sums.get(f"handled_{by}", {}).items():
                if "cases" not in v:
                    continue
                n = v.get("service_n", 0.0)
                rows.append((s.replication, key, v["cases"],
                             v.get("service_sum", 0.0) / n if n > 0 else math.nan))
        return pd.DataFrame(rows, columns=["replication", by, "cases_handled", "handling_mean"])

    @cached_property
    def roles(self) -> pd.DataFrame:
        return _roles.role_table(self.output.staff, None, self.windows, self.scenario,
                                 overtime=self._overtime, handled=self._handled("role"))

    @cached_property
    def staff(self) -> pd.DataFrame:
        return _roles.staff_table(self.output.staff, None, self.windows, self.scenario,
                                  overtime=self._overtime, handled=self._handled("resource"))

    def _measured_counts(self) -> pd.DataFrame:
        """One row per replication x class with ``tickets``: measured arrivals."""
        rows = [(s.replication, cls, True, v.get("arrived", 0.0)) for s in self.summaries
                for cls, v in s.sums.get("cases", {}).items()]
        return pd.DataFrame(rows, columns=["replication", "cls", "measured", "tickets"])

    @cached_property
    def costs(self) -> pd.DataFrame:
        rows = [(s.replication, role, cls, v["amount"], v["billed_seconds"], v["service"])
                for s in self.summaries for (role, cls), v in s.sums.get("bills", {}).items()]
        bills = pd.DataFrame(rows, columns=["replication", "role", "cls", "amount",
                                            "billed_seconds", "service"])
        return _costs.cost_table(self.output.staff, None, self._measured_counts(),
                                 self.replication_ids, self.scenario, bills=bills)

    # -- classes ------------------------------------------------------------------------------
    @cached_property
    def classes(self) -> pd.DataFrame:
        cols = ["name", "count", "completed", "open", "cycle_time_mean", "cycle_time_ci95",
                "wait_mean", "wait_ci95"]
        reps = self.replication_ids
        by = self._by_rep()
        seen = {cls for s in self.summaries for cls, v in s.sums.get("cases", {}).items()
                if v.get("arrived", 0)}
        declared = list(getattr(self.scenario, "classes", None) or ())
        names = list(dict.fromkeys(declared + sorted(seen, key=str)))
        rows = []
        for name in names:
            if name not in seen:
                continue

            def col(table, c, name=name):
                return pd.Series([by[r].sums.get(table, {}).get(name, {}).get(c, 0.0) if r in by
                                  else 0.0 for r in reps], index=reps, dtype=float)

            row = {"name": name, "count": mean_ci(col("cases", "arrived"))[0],
                   "completed": mean_ci(col("cases", "completed"))[0]}
            row["open"] = mean_ci(col("cases", "arrived") - col("cases", "completed") - col("cases", "abandoned")
                                  - col("cases", "blocked"))[0]  # those left unserved have ended
            cn = col("cases", "cycle_n")
            row["cycle_time_mean"], row["cycle_time_ci95"] = mean_ci(
                col("cases", "cycle_sum") / cn.where(cn > 0))
            wn = col("class_wait", "n")
            row["wait_mean"], row["wait_ci95"] = mean_ci(col("class_wait", "sum") / wn.where(wn > 0))
            rows.append(row)
        return pd.DataFrame(rows, columns=cols)

    # -- SLAs ---------------------------------------------------------------------------------
    @cached_property
    def slas(self) -> pd.DataFrame:
        return sla_table(self)

    # -- open tickets -------------------------------------------------------------------------
    @cached_property
    def open_visits(self) -> pd.DataFrame:
        parts = [s.open_visits for s in self.summaries
                 if s.open_visits is not None and not s.open_visits.empty]
        if not parts:
            return _backlog.open_visits(pd.DataFrame(), self.windows)
        return pd.concat(parts, ignore_index=True)

    @cached_property
    def open_summary(self) -> dict:
        reps = self.replication_ids
        by = self._by_rep()
        ends = self.windows["end"]
        count, meas, ages_sum, ages_n, age_max = [], [], 0.0, 0.0, -math.inf
        by_cls: dict = {}
        for r in reps:
            s = by.get(r)
            oc = s.open_cases if s is not None and s.open_cases is not None else pd.DataFrame(
                columns=["cls", "arrival", "measured"])
            end = float(ends.loc[r])
            age = end - oc["arrival"].to_numpy(float)
            n, m = float(len(oc)), float(oc["measured"].astype(bool).sum()) if len(oc) else 0.0
            ages_sum += float(age.sum())
            ages_n += len(age)
            if len(age):
                age_max = max(age_max, float(age.max()))
            for cls, g in oc.assign(cls=oc["cls"].astype(object)).groupby("cls"):
                d = by_cls.setdefault(cls, {"n": {}, "m": {}, "age": 0.0, "k": 0.0})
                d["n"][r] = d["n"].get(r, 0.0) + len(g)
                d["m"][r] = d["m"].get(r, 0.0) + float(g["measured"].astype(bool).sum())
                d["age"] += float((end - g["arrival"].to_numpy(float)).sum())
                d["k"] += len(g)
            for cls, v in (s.sums.get("left", {}) if s is not None else {}).items():
                n += v["n"]
                m += v["measured"]
                ages_sum += v["n"] * end - v["arr_sum"]
                ages_n += v["n"]
                age_max = max(age_max, end - v["arr_min"])
                d = by_cls.setdefault(cls, {"n": {}, "m": {}, "age": 0.0, "k": 0.0})
                d["n"][r] = d["n"].get(r, 0.0) + v["n"]
                d["m"][r] = d["m"].get(r, 0.0) + v["measured"]
                d["age"] += v["n"] * end - v["arr_sum"]
                d["k"] += v["n"]
            count.append(n)
            meas.append(m)
        total, total_ci = mean_ci(count) if reps else (math.nan, math.nan)
        measured = mean_ci(meas)[0] if reps else math.nan
        arrived = float(self._case_sum("arrived").mean()) if reps else math.nan
        ov = self.open_visits
        by_state = {}
        for state in _backlog.STATES:
            g = ov.loc[ov["state"] == state] if not ov.empty else ov
            by_state[state] = (mean_ci(g.groupby("replication").size()
                                       .reindex(reps, fill_value=0).astype(float))[0]
                               if len(g) else 0.0)
        by_class = {}
        for cls in sorted(by_cls, key=str):
            d = by_cls[cls]
            by_class[cls] = {"count": mean_ci([d["n"].get(r, 0.0) for r in reps])[0],
                             "measured": mean_ci([d["m"].get(r, 0.0) for r in reps])[0],
                             "age_mean": d["age"] / d["k"] if d["k"] else math.nan}
        return {"total": total, "total_ci95": total_ci, "measured": measured,
                "age_mean": ages_sum / ages_n if ages_n else math.nan,
                "age_max": age_max if ages_n else math.nan,
                "share": measured / arrived if arrived > 0 else math.nan,
                "by_state": by_state, "by_class": by_class}

    # -- bottlenecks, Little's law --------------------------------------------------------------
    @cached_property
    def bottlenecks(self) -> pd.DataFrame:
        cyc = {int(s.replication): sum(v.get("cycle_sum", 0.0) for v in s.sums.get("cases", {}).values())
               for s in self.summaries}
        rows = [(e, s.replication, v["wait"]) for s in self.summaries
                for e, v in s.sums.get("wait_done", {}).items()]
        shares = pd.DataFrame(rows, columns=["element", "replication", "wait"])
        shares["share"] = shares["wait"] / shares["replication"].map(cyc)
        return _bottlenecks.bottleneck_table(self.stages, self.roles, pd.DataFrame(), pd.DataFrame(),
                                             self.queue_stats, self.windows, self.replication_ids,
                                             shares=shares)

    @cached_property
    def littles_law(self) -> pd.DataFrame:
        from bpsim.analysis.queues import little_table

        first = self._first("all", ("element",))
        parts = []
        for what in ("queue", "stage"):
            rows = [(s.replication, e, v["n"], v["c"], v["w"], v["open_n"], v["open_lo"])
                    for s in self.summaries
                    for e, v in sorted(s.sums.get(f"little_{what}", {}).items(),
                                       key=lambda kv: first.get(kv[0], (math.inf,)))]
            per = pd.DataFrame(rows, columns=["replication", "element", "n", "c", "w", "open_n",
                                              "open_lo"])
            stats = self._queue_stats(what).set_index(["replication", "element"])
            parts.append(little_table(per, stats, self.windows, what))
        out = pd.concat(parts, ignore_index=True)
        out.insert(1, "name", [_stages.element_name(self.process, e) for e in out["element"]])
        return out

    # -- order of first appearance (as the record-based tables list their rows) ------------------
    def _first(self, scope: str, keys: tuple) -> dict:
        out: dict = {}
        for s in self.summaries:
            for k, v in s.first.get((scope, keys), {}).items():
                if k not in out or v < out[k]:
                    out[k] = v
        return out

    # -- crossover, abandonment ---------------------------------------------------------------
    @cached_property
    def crossover(self) -> pd.DataFrame:
        cols = ["id", "name", "role", "preferred", "served", "share", "share_ci95"]
        tasks = getattr(self.scenario, "tasks", None) or {}
        multi = {e: list(t.roles) for e, t in tasks.items()
                 if len(getattr(t, "roles", None) or []) > 1}
        reps = self.replication_ids
        by = self._by_rep()
        if not multi or not any(s.sums.get("served") for s in self.summaries):
            return pd.DataFrame(columns=cols)
        n = max(len(reps), 1)
        rows = []
        for element, roles in multi.items():
            def served(role=None, element=element):
                return pd.Series([sum(v["n"] for (e, r), v in by[rep].sums.get("served", {}).items()
                                      if e == element and (role is None or r == role))
                                  if rep in by else 0.0 for rep in reps], index=reps, dtype=float)
            total = served()
            for role in roles:
                k = served(role)
                share, ci = mean_ci((k / total.where(total > 0)).to_numpy())
                rows.append({"id": element, "name": _stages.element_name(self.process, element),
                             "role": role, "preferred": role == roles[0],
                             "served": float(k.sum()) / n, "share": share, "share_ci95": ci})
        return pd.DataFrame(rows, columns=cols)

    @cached_property
    def abandonment(self) -> pd.DataFrame:
        cols = ["id", "name", "scope", "group", "offered", "abandoned", "abandon_rate",
                "abandon_rate_ci95", "blocked", "block_rate", "block_rate_ci95"]
        reps = self.replication_ids
        tasks = getattr(self.scenario, "tasks", None) or {}
        watched = {e for e, t in tasks.items()
                   if getattr(t, "patience", None) or getattr(t, "capacity", None) is not None}
        # (rep, element, cls, channel) -> counts
        counts = [(s.replication, *key, v) for s in self.summaries
                  for key, v in s.sums.get("abandon", {}).items()]
        if not counts:
            return pd.DataFrame(columns=cols)
        hit = {e for _r, e, _c, _ch, v in counts if v["abandoned"] or v["blocked"]}
        first = self._first("measured", ("element",))
        elements = [e for e in sorted(first, key=lambda k: first[k]) if e in hit or e in watched]
        if not elements:
            return pd.DataFrame(columns=cols)
        n = max(len(reps), 1)

        def row(sel) -> dict:
            per = {r: [0.0, 0.0, 0.0] for r in reps}
            for r, e, c, ch, v in counts:
                if sel(e, c, ch) and r in per:
                    per[r][0] += v["visits"]
                    per[r][1] += v["abandoned"]
                    per[r][2] += v["blocked"]
            a = np.array([per[r] for r in reps], dtype=float).reshape(-1, 3)
            visits, ab, bl = a[:, 0], a[:, 1], a[:, 2]
            offered = visits + bl
            out = {"offered": float(offered.sum()) / n, "abandoned": float(ab.sum()) / n,
                   "blocked": float(bl.sum()) / n}
            with np.errstate(invalid="ignore", divide="ignore"):
                out["abandon_rate"], out["abandon_rate_ci95"] = mean_ci(
                    np.where(visits > 0, ab / np.where(visits > 0, visits, 1), np.nan))
                out["block_rate"], out["block_rate_ci95"] = mean_ci(
                    np.where(offered > 0, bl / np.where(offered > 0, offered, 1), np.nan))
            return out

        rows = []
        order = list(getattr(self.scenario, "classes", None) or [])
        for element in elements:
            base = {"id": element, "name": _stages.element_name(self.process, element)}
            rows.append({**base, "scope": "all", "group": "all",
                         **row(lambda e, c, ch, element=element: e == element)})
            for scope, keys, pos in (("class", ("element", "cls"), 0), ("channel", ("element", "channel"), 1)):
                f = {k[1]: v for k, v in self._first("measured", keys).items() if k[0] == element}
                groups = sorted(f, key=lambda k: f[k])
                if scope == "class":
                    groups.sort(key=lambda k: order.index(k) if k in order else len(order))
                if len(groups) < 2:
                    continue
                for key in groups:
                    label = (_stages.element_name(self.process, key) if scope == "channel"
                             else str(key))
                    if pos == 0:
                        rows.append({**base, "scope": scope, "group": label, **row(
                            lambda e, c, ch, element=element, key=key: e == element and c == key)})
                    else:
                        rows.append({**base, "scope": scope, "group": label, **row(
                            lambda e, c, ch, element=element, key=key: e == element and ch == key)})
        return pd.DataFrame(rows, columns=cols)

    # -- trends and warm-up -----------------------------------------------------------------------
    def _trends(self) -> list[dict] | None:
        tr = [s.trend for s in self.summaries]
        if not tr or any(t is None for t in tr):
            return None
        return tr  # type: ignore[return-value]

    @cached_property
    def backlog_trend(self):
        from bpsim.analysis.stability import trend

        trs = self._trends()
        if trs is None:
            return None
        diffs, levels, arrivals = [], [], []
        for t in trs:
            wip = t["arrived"] - t["ended"]
            at = dict(zip(t["inst"].tolist(), wip.tolist()))
            grid = t["grid"]
            now = np.array([at[x] for x in grid.tolist()], dtype=float)
            before = np.array([at[x] for x in (grid - t["lag"]).tolist()], dtype=float)
            diffs.append(now - before)
            levels.append(now)
            arrivals.append(t["recent"])
        return trend(diffs, levels, trs[0]["lag"], float(np.mean(arrivals)) if arrivals else 0.0)

    @cached_property
    def queue_trends(self) -> pd.DataFrame:
        from bpsim.analysis.stability import trend

        cols = ["element", "lag", "positive_share", "growth", "slope_per_day", "threshold",
                "level", "growing"]
        trs = self._trends()
        if trs is None:
            return pd.DataFrame(columns=cols)
        lag = trs[0]["lag"]
        peaks: dict = {}
        first_rep: dict = {}
        for s in self.summaries:
            for e, (_vals, peak) in (s.trend or {}).get("queues", {}).items():
                peaks[e] = max(peaks.get(e, 0), peak)
                first_rep.setdefault(e, s.replication)
        elements = sorted((e for e, p in peaks.items() if p > 0), key=lambda e: (first_rep[e], str(e)))
        rows = []
        for element in elements:
            diffs, levels, arrivals = [], [], []
            for s in self.summaries:
                t = s.trend
                grid = t["grid"]
                q = t.get("queues", {}).get(element)
                if q is None:
                    now = before = np.zeros(len(grid))
                else:
                    at = dict(zip(t["inst"].tolist(), q[0].tolist()))
                    now = np.array([at[x] for x in grid.tolist()], dtype=float)
                    before = np.array([at[x] for x in (grid - lag).tolist()], dtype=float)
                diffs.append(now - before)
                levels.append(now)
                arrivals.append(s.sums.get("recent", {}).get(element, {}).get("n", 0.0))
            tt = trend(diffs, levels, lag, float(np.mean(arrivals)) if arrivals else 0.0)
            rows.append({"element": element, "lag": lag, "positive_share": tt.positive_share,
                         "growth": tt.growth, "slope_per_day": tt.slope_per_day,
                         "threshold": tt.threshold, "level": tt.level, "growing": tt.growing})
        return pd.DataFrame(rows, columns=cols)

    @cached_property
    def mser(self) -> Truncation:
        chosen = self.output.meta.get("warmup_auto")
        if chosen is not None:
            return chosen
        per = {int(s.replication): s.mser[0] for s in self.summaries if s.mser is not None}
        reliable = all(s.mser[1] for s in self.summaries if s.mser is not None)
        warm = float(np.mean(list(per.values()))) if per else 0.0
        return Truncation(warmup=warm, per_replication=per, reliable=reliable)

    @property
    def not_streamed(self) -> tuple[str, ...]:
        """Figures this run does not have (they need the records, or, for the trend tests,
        a window whose end is known in advance: a run ended by its horizon)."""
        out = list(NOT_STREAMED)
        ex = self.experience
        if ex.relevant and not ex.available:  # summaries made without the experience fold
            out += ["journey", "satisfaction"]
        if self._trends() is None:
            out += ["queue_trends", "backlog_trend", "queue growth (bottlenecks)"]
        return tuple(out)

    def to_dict(self) -> dict:
        out = super().to_dict()
        ex = self.experience
        if ex.available and ex.relevant:  # the customer's side, as the record-based report
            from bpsim.report.jsonout import clean

            out.update(clean(ex.to_dict()))
        out["streaming"] = {
            "records": False,
            "not_streamed": list(self.not_streamed),
            "quantiles": "exact up to 4096 values per figure, then a log-bucket sketch "
                         "within 0.5 % relative of numpy.percentile",
        }
        return out
