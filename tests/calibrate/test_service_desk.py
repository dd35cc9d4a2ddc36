"""The bundled service desk, simulated, exported as XES and fitted back: parallel close-out,
an event-based gateway, three channels, a boundary timer and two overlapping Agent shifts."""

from __future__ import annotations

import math

import pytest

import bpsim
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"replications": 1, "horizon": "14d", "warmup": 0})
    path = tmp_path_factory.mktemp("desk") / "events.xes"
    bpsim.simulate(process, scenario).to_event_log(path)
    return bpsim.fit(process, path, base=MODELS / "service_desk.yaml"), process


def test_branches_recovered_from_the_xes_export(fitted):
    fit, _ = fitted
    r = fit.report
    assert r["fitness"] > 0.95
    truth = {"Contact known?": ("Yes", 0.8), "Need more information?": ("Yes", 0.25),
             "Solvable at first line?": ("Yes", 0.7)}
    for g in r["gateways"]:
        branch, p = truth[g["name"]]
        assert abs(g["branches"][branch] - p) < 4 * math.sqrt(p * (1 - p) / g["visits"])
    assert {a["name"] for a in r["arrivals"]} == {"E-mail received", "Phone call received",
                                                  "Portal request submitted"}


def test_overlapping_shifts_are_found_and_the_fit_runs(fitted):
    fit, process = fitted
    agent = next(r for r in fit.report["roles"] if r["name"] == "Agent")
    # 3 early (08-16) + 3 late (10-18): 3 all day and 3 more in the middle of the day
    assert [s["staff"] for s in agent["shifts"]] == [3, 3]
    all_day, peak = (s["hours"]["mon"] for s in agent["shifts"])
    assert all_day == "08:00-18:00" and peak.startswith("10:00")
    specialist = next(r for r in fit.report["roles"] if r["name"] == "Specialist")
    assert specialist["shifts"] == [] and specialist["staff"] == 3
    s = fit.scenario
    assert s.roles["Agent"].shifts and s.roles["Agent"].cost_per_hour == 65   # from the base
    short = s.vary({"horizon": "3d", "warmup": 0, "replications": 1})
    assert bpsim.simulate(process, short).cases["completed"].any()
