"""Sweeps on the M/M/c desk: the grid, common random numbers, paired differences, executors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.errors import ScenarioError
from tests.whatif import mmc

VARY = {"roles.Agent.staff": [5, 6], "arrivals.Ticket received.scale": [1.0, 1.1]}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    return mmc.load(tmp_path_factory.mktemp("mmc"), staff=5, replications=4, horizon="3h")


@pytest.fixture(scope="module")
def serial(desk):
    process, scenario = desk
    return bpsim.sweep(process, scenario, VARY, executor="serial")


def test_one_row_per_variant_with_the_varied_values(serial):
    assert len(serial) == 4  # 2 x 2, and the baseline (5 agents, scale 1) is one of them
    assert serial["roles.Agent.staff"].tolist() == [5, 5, 6, 6]
    assert serial["arrivals.Ticket received.scale"].tolist() == [1.0, 1.1, 1.0, 1.1]
    assert serial["baseline"].tolist() == [True, False, False, False]
    assert serial.attrs["replications"] == 4 and serial.attrs["seed"] == 7
    for m in ["cycle_time", "cases_completed", "cost_per_case", "utilization[Agent]",
              "breach_rate[taken in charge]"]:
        for suffix in ("", "_ci95", "_diff", "_diff_ci95", "_significant"):
            assert f"{m}{suffix}" in serial.columns


def test_baseline_differences_are_exactly_zero(serial):
    base = serial.loc[serial["baseline"]].iloc[0]
    for m in serial.attrs["metrics"]:
        if not np.isnan(base[m]):
            assert base[f"{m}_diff"] == 0.0 and not base[f"{m}_significant"]


def test_common_random_numbers_same_arrivals_whatever_the_staffing(serial):
    six = serial.loc[(serial["roles.Agent.staff"] == 6)
                     & (serial["arrivals.Ticket received.scale"] == 1.0)].iloc[0]
    # the same seed and replication index give the same tickets: zero paired difference,
    # with a zero-width interval, although the count varies between replications
    assert six["cases_arrived_diff"] == 0.0 and six["cases_arrived_diff_ci95"] == 0.0
    assert six["cases_arrived_ci95"] > 0.0
    # a sixth agent cuts the wait: a significant paired difference
    assert six["cycle_time_diff"] < 0 and six["cycle_time_significant"]
    assert six["breach_rate[taken in charge]_diff"] < 0
    more = serial.loc[(serial["roles.Agent.staff"] == 5)
                      & (serial["arrivals.Ticket received.scale"] == 1.1)].iloc[0]
    assert more["cases_arrived_diff"] > 0  # 10 % more demand


def test_utilisation_follows_the_offered_load(serial):
    # utilisation = lam / (c mu) within the confidence interval (a formula, not a run)
    for _, row in serial.iterrows():
        rho = row["arrivals.Ticket received.scale"] * mmc.SERVICE_MEAN / mmc.ARRIVAL_MEAN \
            / row["roles.Agent.staff"]
        assert abs(row["utilization[Agent]"] - rho) < max(3 * row["utilization[Agent]_ci95"], 0.05)


def test_process_pool_and_dask_give_the_same_table(desk, serial):
    process, scenario = desk
    pooled = bpsim.sweep(process, scenario, VARY, executor="process", workers=2)
    pd.testing.assert_frame_equal(pooled, serial)
    pytest.importorskip("distributed")
    dasked = bpsim.sweep(process, scenario, VARY, executor="dask", workers=2)
    pd.testing.assert_frame_equal(dasked, serial)


def test_baseline_row_added_when_the_grid_leaves_it_out(desk):
    process, scenario = desk
    df = bpsim.sweep(process, scenario, {"roles.Agent.staff": [6, 7]}, replications=2,
                     executor="serial")
    assert df["roles.Agent.staff"].tolist() == [5, 6, 7]
    assert df["baseline"].tolist() == [True, False, False]


@pytest.mark.parametrize("vary", [{"roles.Nobody.staff": [2]}, {"roles.Agent.staff": ["many"]},
                                  {"roles.Agent.staff": []}])
def test_bad_grids_are_scenario_errors(desk, vary):
    process, scenario = desk
    with pytest.raises(ScenarioError):
        bpsim.sweep(process, scenario, vary, replications=2, executor="serial")


def test_named_variants_change_several_keys_together(desk):
    process, scenario = desk
    df = bpsim.sweep(process, scenario, variants={
        "busier, one more agent": {"arrivals.Ticket received.scale": 1.2,
                                   "roles.Agent.staff": 6},
        "one more agent": {"roles.Agent.staff": 6}}, replications=2, executor="serial")
    assert df["variant"].tolist() == ["baseline", "busier, one more agent", "one more agent"]
    assert df["roles.Agent.staff"].tolist() == [5, 6, 6]
    assert df["arrivals.Ticket received.scale"].tolist() == [1.0, 1.2, 1.0]
    assert df["baseline"].tolist() == [True, False, False]
    assert df.attrs["vary"][0] == "variant"
    with pytest.raises(ScenarioError):
        bpsim.sweep(process, scenario, {"roles.Agent.staff": [6]}, variants={"x": {}})


def test_process_and_scenario_pickle_and_spawned_workers_agree(desk, serial):
    import pickle

    from bpsim.whatif.executors import Runner

    process, scenario = desk
    assert pickle.loads(pickle.dumps(scenario)).model_dump() == scenario.model_dump()
    again = pickle.loads(pickle.dumps(process))
    assert sorted(again.graph.nodes) == sorted(process.graph.nodes)
    # spawn starts fresh interpreters: nothing but pickled data reaches them
    with Runner("process", workers=2, start_method="spawn") as runner:
        spawned = bpsim.sweep(process, scenario, VARY, executor=runner)
    pd.testing.assert_frame_equal(spawned, serial)
