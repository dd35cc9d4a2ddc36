"""The vectorised analyses give the same tables as plain reference computations.

The references below are the straightforward pandas / per-row versions the analyses used
before they were vectorised (object columns, pivot tables, a calendar call per visit). The
bundled service desk (loops, a customer-reply wait, shifts, an event-based gateway,
priority classes) is run for a short horizon and both are compared row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.analysis import Results
from bpsim.analysis import queues as Q
from bpsim.analysis import roles as R
from bpsim.analysis.visits import measured_cases, visits
from bpsim.engine import run

from ..conftest import MODELS

STAGE = ["enabled", "start", "complete", "interrupted", "withdrawn", "abandoned", "blocked"]


def reference_visits(output) -> pd.DataFrame:
    ev = output.events
    ev = ev.loc[ev["lifecycle"].astype(str).isin(STAGE),
                ["replication", "case", "cls", "element", "lifecycle", "time", "resource",
                 "role"]].copy()
    for c in ("element", "lifecycle", "resource", "role", "cls"):
        ev[c] = ev[c].astype(object)
    ev["_open"] = ev["lifecycle"].isin(["enabled", "blocked"]).astype(np.int64)
    keys = ["replication", "case", "element"]
    ev["visit"] = ev.groupby(keys, sort=False)["_open"].cumsum()
    ev = ev.loc[ev["visit"] > 0]
    vkeys = keys + ["visit"]
    times = ev.pivot_table(index=vkeys, columns="lifecycle", values="time", aggfunc="first")
    for lc in STAGE:
        if lc not in times:
            times[lc] = np.nan
    starts = ev.loc[ev["lifecycle"] == "start"].drop_duplicates(vkeys).set_index(vkeys)
    first = ev.drop_duplicates(vkeys).set_index(vkeys)
    out = pd.DataFrame(index=times.index)
    out["cls"] = first["cls"]
    out["enabled"] = times["enabled"].fillna(times["blocked"])
    out["start"] = times["start"]
    out["end"] = (times["complete"].fillna(times["interrupted"]).fillna(times["withdrawn"])
                  .fillna(times["abandoned"]).fillna(times["blocked"]))
    outcome = pd.Series(None, index=out.index, dtype=object)
    outcome[times["blocked"].notna()] = "blocked"
    outcome[times["withdrawn"].notna()] = "withdrawn"
    outcome[times["abandoned"].notna()] = "abandoned"
    outcome[times["interrupted"].notna()] = "interrupted"
    outcome[times["complete"].notna()] = "complete"
    out["outcome"] = outcome
    out["resource"] = starts["resource"].reindex(out.index)
    out["role"] = starts["role"].reindex(out.index)
    unstarted = out["start"].isna() & (out["outcome"] == "complete")
    out.loc[unstarted, "start"] = out.loc[unstarted, "enabled"]
    out = out.reset_index()
    cases = measured_cases(output).set_index(["replication", "case"])[["arrival", "measured"]]
    idx = pd.MultiIndex.from_arrays([out["replication"], out["case"]])
    out["arrival"] = cases["arrival"].reindex(idx).to_numpy()
    out["measured"] = cases["measured"].reindex(idx).fillna(False).astype(bool).to_numpy()
    out["wait"] = out["start"] - out["enabled"]
    out["service"] = (out["end"] - out["start"]).where(out["outcome"] == "complete")
    out["sojourn"] = (out["end"] - out["enabled"]).where(out["outcome"] == "complete")
    cols = ["replication", "case", "cls", "element", "visit", "enabled", "start", "end",
            "outcome", "resource", "role", "arrival", "measured", "wait", "service", "sojourn"]
    return out[cols].sort_values(["replication", "enabled", "case"], kind="stable",
                                 ignore_index=True)


def reference_overtime(v: pd.DataFrame, wins: pd.DataFrame, scenario) -> dict:
    cals = R.shift_calendars(scenario)
    out: dict = {}
    for row in v.loc[v["resource"].notna() & v["start"].notna()].itertuples():
        cal = cals.get(row.resource)
        a = max(row.start, wins.loc[row.replication, "warmup"])
        b = min(np.inf if np.isnan(row.end) else row.end, wins.loc[row.replication, "end"])
        key = (row.replication, row.resource)
        out[key] = out.get(key, 0.0) + ((b - a) - cal.working_time(a, b)
                                        if cal is not None and b > a else 0.0)
    return out


def plain(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), None).reset_index(drop=True)


@pytest.fixture(scope="module")
def desk():
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "12d", "warmup": "2d", "replications": 2})
    bound = scenario.bind(process)
    return Results(run(process, bound), process, bound)


def test_visits_equal_reference(desk):
    got, want = visits(desk.output), reference_visits(desk.output)
    assert len(got) > 1000 and (got["visit"] > 1).any()        # loops are exercised
    assert isinstance(got["element"].dtype, pd.CategoricalDtype)  # no object columns
    pd.testing.assert_frame_equal(plain(got), plain(want), check_dtype=False)


def test_overtime_equals_calendar_per_visit(desk):
    got = R.overtime(desk.visits, desk.windows, desk.scenario)
    want = reference_overtime(desk.visits, desk.windows, desk.scenario)
    assert set(zip(got["replication"], got["resource"])) == set(want)
    assert any(v > 0 for v in want.values())                    # some work ran past a shift
    for rep, res, ot in got.itertuples(index=False):
        assert ot == pytest.approx(want[(rep, res)], abs=1e-6)


def test_queue_series_equals_grouped_sum(desk):
    v = desk.visits
    for what in ("queue", "stage"):
        leave = v["start"].where(v["start"].notna(), v["end"]) if what == "queue" else v["end"]
        up = pd.DataFrame({"replication": v["replication"], "element": v["element"].astype(
            object), "time": v["enabled"], "delta": 1})
        down = pd.DataFrame({"replication": v["replication"], "element": v["element"].astype(
            object), "time": leave, "delta": -1}).dropna(subset=["time"])
        d = pd.concat([up, down], ignore_index=True).groupby(
            ["replication", "element", "time"], as_index=False)["delta"].sum()
        d["length"] = d.groupby(["replication", "element"])["delta"].cumsum()
        want = d[["replication", "element", "time", "length"]]
        pd.testing.assert_frame_equal(plain(Q.queue_series(v, what)), plain(want),
                                      check_dtype=False)


def test_littles_law_per_replication_loop(desk):
    # reference: a per-ticket loop over the window [t0, t1]; a ticket counts when it is in the
    # queue at some instant of the window (entered in it, or queued when the warm-up ended),
    # for its time inside the window
    got = desk.littles_law.set_index(["element", "what"])
    v, wins = desk.visits, desk.windows
    assert got.loc[got.index.get_level_values("what") == "queue", "carried"].sum() > 0
    for element, g in v.groupby("element", observed=True):
        lams, ws = [], []
        for rep in desk.replication_ids:
            gr = g.loc[g["replication"] == rep]
            t0, t1 = wins.loc[rep, "warmup"], wins.loc[rep, "end"]
            n, area = 0, 0.0
            for en, st, end in zip(gr["enabled"], gr["start"], gr["end"]):
                out = st if st == st else end
                out = np.inf if out != out else out
                if (t0 <= en <= t1) or (en < t0 and out > t0):
                    n += 1
                    area += min(out, t1) - max(en, t0)
            lams.append(n / (t1 - t0))
            ws.append(area / n if n else 0.0)
        row = got.loc[(element, "queue")]
        assert row["lambda"] == pytest.approx(np.mean(lams))
        assert row["W"] == pytest.approx(np.mean(ws))


def test_figures_built_one_replication_at_a_time_equal_the_whole_table(desk):
    v, wins = desk.visits, desk.windows
    parts = Q.replication_slices(v)
    assert len(parts) == v["replication"].nunique() == 2
    assert sum(len(p) for p in parts) == len(v)
    assert len(Q.replication_slices(v.iloc[::-1])) == 1      # not in replication order: whole
    for what in ("queue", "stage"):
        pd.testing.assert_frame_equal(Q.queue_series(v, what), Q._queue_series(v, what))
        pd.testing.assert_frame_equal(Q.little_sums(v, wins, what), Q._little_sums(v, wins, what))
    # and a table out of replication order gives the same step functions, row for row
    pd.testing.assert_frame_equal(Q.queue_series(v.iloc[::-1], "queue"), Q.queue_series(v, "queue"))
