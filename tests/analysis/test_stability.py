"""Stability: the IT desk of issue 13 (overloaded Specialist), on paper and in the run, and
the optimiser never calling an unstable plan feasible."""

import json

import numpy as np
import pytest

import bpsim
from bpsim.analysis.stability import CODES, trend
from bpsim.validate import validate

from .it_desk import it_desk


@pytest.fixture(scope="module")
def two_specialists():
    process, scenario = it_desk(2)
    return bpsim.simulate(process, scenario)


def test_paper_load_of_the_specialist_is_hand_computed():
    process, scenario = it_desk(2)
    r = bpsim.simulate(process, scenario, replications=1)
    loads = r.paper_loads.set_index(["role", "shift"])
    spec = loads.loc[("Specialist", "all")]
    # 180 tickets a week x 40 % x 2 h = 144 h of work in 45 office hours = 3.2 erlangs
    assert spec["work_hours"] == pytest.approx(144.0, rel=1e-3)
    assert spec["load_on_duty"] == pytest.approx(3.2, rel=1e-3)
    assert spec["staff_on_duty"] == 2 and bool(spec["overloaded"])
    agent = loads.loc[("Agent", "all")]
    # 180 x (10 m + 0.6 x 20 m) = 66 h in 4 x 40 staff hours
    assert agent["utilization"] == pytest.approx(66.0 / 160.0, rel=1e-3)
    assert not bool(agent["overloaded"])
    assert loads.loc[("Agent", "early"), "staff"] == 2


def test_two_specialists_flag_overload_backlog_and_count_aged_open_tickets(two_specialists):
    r = two_specialists
    codes = [w["code"] for w in r.warnings]
    assert "overloaded-role" in codes and "growing-backlog" in codes
    assert set(codes) <= set(CODES)
    grow = [w for w in r.warnings if w["code"] == "growing-queue"]
    assert [w["name"] for w in grow] == ["Fix as specialist"]
    over = next(w for w in r.warnings if w["code"] == "overloaded-role")
    assert over["role"] == "Specialist"
    # the open backlog is reported, and aged open tickets count as breaches
    assert r.open_summary["total"] > 20
    row = r.slas.set_index("cls").loc["all"]
    assert row["open_breached"] > 0
    sc = r.sla_cases
    breached = (sc["status"].isin(["breached", "open-breached"])).sum()
    assert row["breach_rate_low"] * row["counted"] * r.replications == pytest.approx(breached)
    d = json.loads(r.to_json())
    assert {w["code"] for w in d["warnings"]} >= {"overloaded-role", "growing-backlog"}
    assert d["slas"][0]["open_breached"] > 0 and d["open"]["total"] > 20
    text = r.summary()
    assert "[overloaded-role]" in text and "Open at the horizon" in text


def test_four_specialists_are_stable():
    process, scenario = it_desk(4)
    r = bpsim.simulate(process, scenario)
    codes = {w["code"] for w in r.warnings}
    assert not codes & {"overloaded-role", "growing-backlog", "growing-queue"}


def test_validate_scenario_knows_the_overload_on_paper():
    process, scenario = it_desk(2)
    found = [f for f in validate(process, scenario) if f.rule == "sim-overloaded-role"]
    assert len(found) == 1 and "Specialist" in found[0].message
    assert found[0].severity == "warning"
    process, scenario = it_desk(4)
    assert not [f for f in validate(process, scenario) if f.rule == "sim-overloaded-role"]


def test_optimiser_never_calls_the_overloaded_plan_feasible():
    process, scenario = it_desk(2, horizon="10d", warmup="1d")
    res = bpsim.optimize_staffing(process, scenario, roles=["Specialist"], executor="serial",
                                  replications=2, start={"Specialist": 2})
    assert res.feasible and res.plan["Specialist"] >= 4
    cand = res.candidates.set_index("Specialist")
    assert not cand.loc[2, "feasible"]
    assert "overloaded on paper" in cand.loc[2, "reason"]
    assert cand.loc[res.plan["Specialist"], "reason"] == ""
    d = res.to_dict()
    infeasible = [c for c in d["candidates"] if not c["feasible"]]
    assert infeasible and all(c["reason"] for c in infeasible)


def test_trend_flags_growth_and_not_noise():
    rng = np.random.default_rng(3)
    grow = [np.full(40, 10.0) + rng.normal(0, 1, 40) for _ in range(3)]
    noise = [rng.normal(0, 3, 40) for _ in range(3)]
    assert trend(grow, grow, 7 * 86400.0, 100.0).growing
    assert not trend(noise, noise, 7 * 86400.0, 100.0).growing
    small = [np.full(40, 1.0) for _ in range(3)]  # grows, but by 1 ticket a week: not a finding
    assert not trend(small, small, 7 * 86400.0, 100.0).growing
