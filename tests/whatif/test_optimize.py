"""The staffing optimiser on the M/M/c desk agrees with Erlang C.

The answer must be the smallest c with C(c, a) exp(-(c mu - lam) T) <= 1 - attain, computed
here from the formula itself. The parameters (tests/whatif/mmc.py) put c - 1 at twice the
allowed breach rate and c under half of it, so the simulation's noise (a few points with
8 replications of 6 hours) cannot flip the answer.
"""

from __future__ import annotations

import math

import pytest

import bpsim
from bpsim.errors import ScenarioError
from tests.whatif import mmc


def erlang_c_answer() -> int:
    lam, mu, t = 1 / mmc.ARRIVAL_MEAN, 1 / mmc.SERVICE_MEAN, mmc.TARGET
    a = lam / mu
    c = math.floor(a) + 1
    while True:
        tail = (a**c / math.factorial(c) * c / (c - a))
        erlang_c = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
        if erlang_c * math.exp(-(c * mu - lam) * t) <= 1 - mmc.ATTAIN:
            return c
        c += 1


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    return mmc.load(tmp_path_factory.mktemp("mmc"), staff=2, replications=8, horizon="6h")


def test_the_formula_margin_is_wide():
    c = erlang_c_answer()
    assert c == 6
    lam, mu = 1 / mmc.ARRIVAL_MEAN, 1 / mmc.SERVICE_MEAN
    from bpsim.whatif.queueing import prob_wait_exceeds

    assert prob_wait_exceeds(c - 1, lam, mu, mmc.TARGET) > 2 * (1 - mmc.ATTAIN) * 0.99
    assert prob_wait_exceeds(c, lam, mu, mmc.TARGET) < 0.5 * (1 - mmc.ATTAIN)


@pytest.mark.parametrize("start", [None, {"Agent": 3}, {"Agent": 10}],
                         ids=["queueing-seed", "search-up", "search-down"])
def test_optimiser_finds_the_erlang_c_head_count(desk, start):
    process, scenario = desk
    result = bpsim.optimize_staffing(process, scenario, start=start, executor="process",
                                     workers=2)
    c = erlang_c_answer()
    assert result.feasible
    assert result.plan == {"Agent": c}
    assert result.cost == pytest.approx(c * 30 * 168)  # weekly payroll, around the clock
    sla = result.slas.iloc[0]
    assert sla["met"] and sla["upper"] < 1 - mmc.ATTAIN
    # the next cheaper plan failed on the SLA, and the report says so with figures
    nc = result.next_cheaper
    assert nc["plan"] == {"Agent": c - 1}
    assert "taken in charge" in nc["reason"] and nc["slas"][0]["upper"] >= 1 - mmc.ATTAIN
    tried = result.candidates
    assert set(tried["Agent"]) >= {c - 1, c}
    assert tried.loc[tried["Agent"] == c, "feasible"].all()
    assert not tried.loc[tried["Agent"] == c - 1, "feasible"].any()
    if start is None:  # the queueing seed is the M/M/c answer itself
        assert result.loads.iloc[0]["seed"] == c
        assert result.loads.iloc[0]["offered_load"] == pytest.approx(4.0)


def test_summary_names_plan_cost_and_the_failing_cheaper_plan(desk):
    process, scenario = desk
    result = bpsim.optimize_staffing(process, scenario, executor="serial", replications=3)
    text = result.summary()
    assert "Agent" in text and "Next cheaper plan" in text and "taken in charge" in text
    data = result.to_dict()
    assert data["plan"] == result.plan and data["next_cheaper"]["plan"]


def test_user_errors(desk):
    process, scenario = desk
    with pytest.raises(ScenarioError, match="no role"):
        bpsim.optimize_staffing(process, scenario, roles=["Specialist"])
    with pytest.raises(ScenarioError, match="no SLA"):
        bpsim.optimize_staffing(process, scenario, slas=["resolution"])
    with pytest.raises(ScenarioError, match="at least 2 replications"):
        bpsim.optimize_staffing(process, scenario, replications=1)
    with pytest.raises(ScenarioError, match="max_staff"):
        bpsim.optimize_staffing(process, scenario, max_staff=0)
