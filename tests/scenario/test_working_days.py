"""The working-day unit: "2wd" = two of the calendar's working days; targets printed without
ambiguity; a day unit on a calendar is flagged."""

import pytest

import bpsim
from bpsim.analysis.slas import target_text
from bpsim.errors import ScenarioError
from bpsim.scenario.durations import parse_calendar_duration, parse_duration
from tests.conftest import MODELS


@pytest.fixture(scope="module")
def desk():
    return bpsim.read(MODELS / "service_desk.bpmn"), bpsim.load_scenario(MODELS / "service_desk.yaml")


def _with_target(scenario, target):
    return scenario.vary({"slas.resolution.target": target})


def test_working_days_are_the_calendars_days(desk):
    process, scenario = desk
    bound = _with_target(scenario, {"P1": "1wd", "P2": "2wd", "P3": "2wd 4h"}).bind(process)
    t = bound.slas[1].target
    # office: Mon-Fri 09:00-18:00 -> a working day is 9 open hours
    assert float(t["P1"]) == 9 * 3600 and float(t["P2"]) == 18 * 3600
    assert float(t["P3"]) == 22 * 3600
    assert target_text(t["P2"], bound.slas[1].calendar) == "2 working days (18 office hours)"
    assert target_text(t["P3"], bound.slas[1].calendar) == "22 office hours"
    assert target_text(4 * 3600.0, bound.slas[1].calendar) == "4 office hours"
    assert target_text(4 * 3600.0, None) == "4.0 h"


def test_wd_needs_a_calendar(desk):
    process, scenario = desk
    data = scenario.to_dict()
    data["slas"][1]["target"] = "2wd"
    data["slas"][1].pop("calendar")
    with pytest.raises(ScenarioError, match="working days.*no calendar"):
        bpsim.Scenario.from_dict(data).bind(process)
    with pytest.raises(ScenarioError, match="only a calendar has"):
        parse_duration("2wd")
    assert parse_calendar_duration("2wd").working_days == 2


def test_day_unit_on_a_calendar_is_flagged_in_validate_and_run(desk):
    process, scenario = desk
    two_days = _with_target(scenario, "2d")
    found = [f for f in bpsim.validate(process, two_days) if f.rule == "sim-calendar-day-unit"]
    assert len(found) == 1
    assert "48 office hours" in found[0].message and "2wd" not in found[0].message.split(
        "write")[0]
    assert not [f for f in bpsim.validate(process, scenario) if f.rule == "sim-calendar-day-unit"]
    from bpsim.analysis.flags import calendar_unit_warnings

    ws = calendar_unit_warnings(two_days.bind(process).slas)
    assert [w["code"] for w in ws] == ["calendar-day-unit"]
    assert "5.3 working days" in ws[0]["message"]
