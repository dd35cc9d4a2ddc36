"""Weekly cost of the bundled model: staff x paid hours of a normal week x rate, whatever
holiday the first week of the horizon holds (6 January 2026 in the bundled calendars)."""

import pytest

import bpsim
from bpsim.analysis.costs import WEEKLY_BASIS, weekly_payroll
from bpsim.whatif.optimize import _default_vary_path, _knobs
from tests.conftest import MODELS

# Agents: 3 early (08-16) + 3 late (10-18), Mon-Fri: 6 x 40 h x 65; Specialists: 3 x 45 h x 80
AGENTS = 6 * 40 * 65.0
SPECIALISTS = 3 * 45 * 80.0
PHONE = 1 * 45 * 55.0  # the phone agent, office hours


@pytest.fixture(scope="module")
def bundled():
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml")
    return process, scenario


def test_weekly_payroll_is_a_normal_week(bundled):
    process, scenario = bundled
    weekly = weekly_payroll(scenario.bind(process))
    assert weekly == pytest.approx({"Agent": AGENTS, "Phone agent": PHONE, "Specialist": SPECIALISTS})


def test_optimiser_cost_of_todays_plan_is_the_same_week(bundled):
    process, scenario = bundled
    bound = scenario.bind(process)
    knobs = _knobs(bound, None, None, _default_vary_path, scenario.to_dict())
    staff = {"Agent/early": 3, "Agent/late": 3, "Specialist": 3, "Phone agent": 1}
    assert sum(staff[k.label] * k.weight for k in knobs) == pytest.approx(AGENTS + SPECIALISTS + PHONE)


def test_json_weekly_cost_states_its_basis(bundled):
    process, scenario = bundled
    r = bpsim.simulate(process, scenario.vary({"horizon": "10d", "warmup": "1d"}),
                       replications=1)
    cost = r.to_dict()["cost"]
    assert cost["weekly"] == pytest.approx(AGENTS + SPECIALISTS + PHONE)
    assert cost["weekly_basis"] == WEEKLY_BASIS and "holidays aside" in WEEKLY_BASIS
    # the measured window (days 1-10) holds the 6 January holiday: its average week is less
    assert cost["weekly_measured"] < cost["weekly"]
