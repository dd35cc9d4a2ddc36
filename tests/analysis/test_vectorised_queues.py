"""Queue statistics, Little's law sums and SLA clocks, rewritten with whole arrays, give the
tables of the former computations (a pandas groupby per pair, a per-row lookup), row for row.

The references below are those former computations, kept verbatim in spirit: a groupby over
(replication, element) calling :func:`bpsim.analysis.queues.time_average`, a groupby ``agg``
of the per-visit terms, ``sla_target`` called per ticket and a boolean ``isin`` over the
records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.analysis import Results
from bpsim.analysis import queues as Q
from bpsim.analysis import slas as S
from bpsim.engine import run

from ..conftest import MODELS


@pytest.fixture(scope="module")
def desk():
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "12d", "warmup": "2d", "replications": 2})
    bound = scenario.bind(process)
    return Results(run(process, bound), process, bound)


def reference_queue_stats(series: pd.DataFrame, wins: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (rep, element), g in series.groupby(["replication", "element"], sort=False,
                                            observed=True):
        t0, t1 = float(wins.loc[rep, "warmup"]), float(wins.loc[rep, "end"])
        times, lengths = g["time"].to_numpy(), g["length"].to_numpy()
        mean, mx = Q.time_average(times, lengths, t0, t1)
        mid = (t0 + t1) / 2
        first, _ = Q.time_average(times, lengths, t0, mid)
        second, _ = Q.time_average(times, lengths, mid, t1)
        rows.append({"replication": rep, "element": element, "mean": mean, "max": mx,
                     "first_half": first, "second_half": second})
    return pd.DataFrame(rows, columns=["replication", "element", "mean", "max", "first_half",
                                       "second_half"])


def reference_little_sums(visits: pd.DataFrame, wins: pd.DataFrame, what: str) -> pd.DataFrame:
    leave = visits["start"].where(visits["start"].notna(), visits["end"]) if what == "queue" \
        else visits["end"]
    rep = visits["replication"]
    t0 = rep.map(wins["warmup"]).to_numpy(float)
    t1 = rep.map(wins["end"]).to_numpy(float)
    en = visits["enabled"].to_numpy(float)
    out_at = leave.to_numpy(float)
    still = np.isnan(out_at)
    out_at = np.where(still, np.inf, out_at)
    carried = (en < t0) & (out_at > t0)
    present = ((en >= t0) & (en <= t1)) | carried
    lo = np.maximum(en, t0)
    stay = np.minimum(out_at, t1) - lo
    keys = visits[["replication", "element"]].assign(
        _n=present.astype(np.int64), _c=carried.astype(np.int64),
        _w=np.where(present & ~still, stay, 0.0), _on=(present & still).astype(np.int64),
        _ol=np.where(present & still, lo, 0.0))
    g = keys.groupby(["replication", "element"], sort=False, observed=True)
    return g.agg(n=("_n", "sum"), c=("_c", "sum"), w=("_w", "sum"), open_n=("_on", "sum"),
                 open_lo=("_ol", "sum")).reset_index()[
        ["replication", "element", "n", "c", "w", "open_n", "open_lo"]]


def test_queue_stats_equal_the_grouped_computation(desk):
    for what in ("queue", "stage"):
        series = Q.queue_series(desk.visits, what)
        got = Q.queue_stats(series, desk.windows)
        assert len(got) > 10 and (got["max"] > 0).any()
        pd.testing.assert_frame_equal(got, reference_queue_stats(series, desk.windows),
                                      check_exact=True)
        # rows out of order: the same figures (the pairs in their new order of appearance)
        shuffled = series.sample(frac=1.0, random_state=1)
        keys = ["replication", "element"]
        pd.testing.assert_frame_equal(
            Q.queue_stats(shuffled, desk.windows).sort_values(keys, ignore_index=True),
            got.sort_values(keys, ignore_index=True), check_exact=True)


def test_little_sums_equal_the_grouped_computation(desk):
    v, wins = desk.visits, desk.windows
    for what in ("queue", "stage"):
        for part in (v, v.iloc[::-1], v.iloc[: len(v) // 3]):
            got = Q.little_sums(part, wins, what)
            want = reference_little_sums(part, wins, what)
            assert got["c"].sum() > 0 or part is not v             # some carried tickets
            # the counts exactly; the float sums up to the order of the additions
            pd.testing.assert_frame_equal(got, want, rtol=1e-12)
            for col in ("n", "c", "open_n"):
                assert got[col].tolist() == want[col].tolist()


def test_sla_targets_and_occurrences_equal_the_per_row_lookup(desk):
    events = desk.output.events
    for sla in desk.scenario.slas:
        got = S.sla_cases(sla, events, desk._measured_cases, desk.visits, desk.windows)
        want = [S.sla_target(sla, k) for k in got["cls"].astype(object)]
        assert len(got) > 100
        np.testing.assert_array_equal(got["target"].to_numpy(float), np.array(want, dtype=float))
        for point in (sla.start, sla.end):
            occ = S._occurrences(events, desk._measured_cases, point)
            if point.element is None:
                continue
            lcs = S._MOMENTS.get(point.moment, S._MOMENTS["arrive"])
            ref = events.loc[(events["element"].astype(object) == point.element)
                             & events["lifecycle"].astype(object).isin(lcs),
                             ["replication", "case", "time"]]
            assert len(occ) > 0
            pd.testing.assert_frame_equal(occ, ref, check_exact=True)


def reference_queue_trends(queues, visits, wins, periodic, points=40) -> pd.DataFrame:
    from bpsim.analysis.stability import _instants, _step_at, choose_lag, trend

    cols = ["element", "lag", "positive_share", "growth", "slope_per_day", "threshold",
            "level", "growing"]
    lag = choose_lag(wins, periodic)
    rows = []
    q = queues.assign(element=queues["element"].astype(object))
    q = q.loc[q.groupby("element")["length"].transform("max") > 0]
    v = visits.assign(element=visits["element"].astype(object))
    by = dict(tuple(q.groupby(["element", "replication"], sort=False)))
    enabled = dict(tuple(v.groupby(["element", "replication"], sort=False)["enabled"]))
    for element in q["element"].unique():
        diffs, levels, arrivals = [], [], []
        for rep, w in wins.iterrows():
            w0, w1 = float(w["warmup"]), float(w["end"])
            grid = _instants(w0, w1, lag, points)
            g = by.get((element, rep))
            if g is None:
                now = before = np.zeros(len(grid))
            else:
                t, x = g["time"].to_numpy(float), g["length"].to_numpy()
                now, before = _step_at(t, x, grid), _step_at(t, x, grid - lag)
            diffs.append(now - before)
            levels.append(now)
            en = enabled.get((element, rep))
            arrivals.append(0 if en is None else int(((en >= w1 - lag) & (en < w1)).sum()))
        t = trend(diffs, levels, lag, float(np.mean(arrivals)) if arrivals else 0.0)
        rows.append({"element": element, "lag": lag, "positive_share": t.positive_share,
                     "growth": t.growth, "slope_per_day": t.slope_per_day,
                     "threshold": t.threshold, "level": t.level, "growing": t.growing})
    return pd.DataFrame(rows, columns=cols)


def test_queue_trends_equal_the_grouped_computation(desk):
    from bpsim.analysis.stability import queue_trends

    for periodic in (False, True):
        got = queue_trends(desk.queues, desk.visits, desk.windows, periodic)
        want = reference_queue_trends(desk.queues, desk.visits, desk.windows, periodic)
        if not periodic:                      # (a week's lag needs a longer run than this)
            assert len(got) > 3
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    # rows out of order: the same figures
    shuffled = desk.queues.sample(frac=1.0, random_state=2)
    by_element = ["element"]
    pd.testing.assert_frame_equal(
        queue_trends(shuffled, desk.visits, desk.windows, False).sort_values(
            by_element, ignore_index=True),
        reference_queue_trends(desk.queues, desk.visits, desk.windows, False).sort_values(
            by_element, ignore_index=True), check_exact=True)


def reference_pauses(visits, elements, wins) -> pd.DataFrame:
    p = visits.loc[visits["element"].isin(list(elements)), ["replication", "case", "enabled",
                                                             "end"]]
    p = p.rename(columns={"enabled": "a", "end": "b"})
    p["b"] = p["b"].fillna(p["replication"].map(wins["end"]))
    p = p.sort_values(["replication", "case", "a"], kind="stable")
    reach = p.groupby(["replication", "case"])["b"].cummax()
    prev = reach.groupby([p["replication"], p["case"]]).shift()
    block = (prev.isna() | (p["a"] > prev)).cumsum()
    merged = p.groupby(block).agg(replication=("replication", "first"),
                                  case=("case", "first"), a=("a", "min"), b=("b", "max"))
    return merged[["replication", "case", "a", "b"]].reset_index(drop=True)


def test_sla_pauses_and_clock_points_equal_the_merged_computation(desk):
    events, cases, v, wins = (desk.output.events, desk._measured_cases, desk.visits,
                              desk.windows)
    key = ["replication", "case"]
    for sla in desk.scenario.slas:
        assert sla.pause_at
        for part in (v, v.iloc[::-1]):
            got = S._pauses(part, sla.pause_at, wins)
            assert len(got) > 10
            pd.testing.assert_frame_equal(got, reference_pauses(part, sla.pause_at, wins),
                                          check_exact=True)
        # t0 / t1 as the former merges of the first start point and first end point after it
        got = S.sla_cases(sla, events, cases, v, wins)
        c = got[key]
        start = S._occurrences(events, cases, sla.start).groupby(key)["time"].min()
        c = c.merge(start.rename("t0"), left_on=key, right_index=True, how="left")
        ends = S._occurrences(events, cases, sla.end).merge(c, on=key)
        ends = ends.loc[ends["time"] >= ends["t0"]].groupby(key)["time"].min().rename("t1")
        c = c.merge(ends, left_on=key, right_index=True, how="left").reset_index(drop=True)
        assert got["t1"].notna().sum() > 100
        np.testing.assert_array_equal(got["t0"].to_numpy(), c["t0"].to_numpy())
        np.testing.assert_array_equal(got["t1"].to_numpy(), c["t1"].to_numpy())


def test_stage_counts_equal_the_grouped_computation(desk):
    from bpsim.analysis.stats import mean_ci

    got = desk.stages.set_index("id")
    m = desk.visits.loc[desk.visits["measured"]]
    reps = desk.replication_ids
    assert (got["count"] > 0).sum() > 10
    for element, g in m.groupby("element", observed=True):
        kept = g.loc[~g["outcome"].isin(["withdrawn", "blocked"])]
        counts = kept.groupby("replication").size().reindex(reps, fill_value=0)
        ab = g.loc[g["outcome"] == "abandoned"].groupby("replication").size().reindex(
            reps, fill_value=0)
        bl = g.loc[g["outcome"] == "blocked"].groupby("replication").size().reindex(
            reps, fill_value=0)
        row = got.loc[element]
        assert (row["count"], row["count_ci95"]) == pytest.approx(mean_ci(counts), nan_ok=True)
        assert row["abandoned"] == ab.sum() / len(reps)
        assert row["blocked"] == bl.sum() / len(reps)
        for fig in ("wait", "service", "sojourn"):
            mean, _ = mean_ci(g.groupby("replication")[fig].mean())
            assert row[f"{fig}_mean"] == pytest.approx(mean, rel=1e-12, nan_ok=True)
