"""Scenarios built in Python, round trips, and vary()."""

from __future__ import annotations

import pytest

import bpsim
from bpsim.errors import ScenarioError
from bpsim.scenario.distributions import Exponential, Uniform


def base() -> bpsim.Scenario:
    return bpsim.Scenario(
        name="two agents",
        horizon="30d",
        arrivals={"E-mail received": {"interarrival": "exponential(mean=6m)"}},
        roles={"Agent": {"staff": 2, "cost_per_hour": 65}},
        tasks={
            "Triage ticket": {"duration": Exponential(480.0)},
            "v1.2 check": "uniform(1m, 2m)",  # shorthand: the duration
        },
        gateways={"Need more information?": {"Yes": 0.25, "No": 0.75}},
        slas=[{"name": "taken in charge", "from": "case.arrive", "to": "Triage ticket.start",
               "target": "4h", "attain": "95%"}],
    )  # fmt: skip


def test_python_construction_runs_the_same_checks():
    s = base()
    assert s.tasks["v1.2 check"].duration == Uniform(60.0, 120.0)
    assert s.source is None
    with pytest.raises(ScenarioError) as err:
        bpsim.Scenario(horizon="1d", roles={"Agent": {"staff": -1}})
    assert err.value.key == "roles.Agent.staff" and err.value.line is None
    with pytest.raises(ScenarioError) as err:
        bpsim.Scenario(horizon="1d", tasks={"T": {"duration": "exponential(mean=1m)", "rol": "A"}})
    assert err.value.key == "tasks.T.rol" and "did you mean 'role'" in str(err.value)


def test_to_dict_from_dict_round_trip():
    s = base()
    d = s.to_dict()
    assert d["tasks"]["Triage ticket"]["duration"] == "exponential(mean=8m)"
    assert d["slas"][0]["from"] == "case.arrive" and d["slas"][0]["target"] == "4h"
    assert bpsim.Scenario.from_dict(d).to_dict() == d


def test_vary_dotted_paths_with_spaces_and_dots():
    s = base()
    v = s.vary({
        "roles.Agent.staff": 3,
        "arrivals.E-mail received.scale": 1.3,
        "tasks.Triage ticket.duration": "exponential(mean=8m)",
        "tasks.v1.2 check.duration": "2m",
        "gateways.Need more information?.Yes": 0.5,
        "gateways.Need more information?.No": 0.5,
        "slas.taken in charge.attain": 0.9,
        "roles.Agent.bill_rate": 90,  # a key not set before
        "horizon": "7d",
    })  # fmt: skip
    assert v.roles["Agent"].staff == 3
    assert v.arrivals["E-mail received"].scale == 1.3
    assert v.tasks["Triage ticket"].duration == Exponential(480.0)
    assert v.tasks["v1.2 check"].duration.mean == 120
    assert v.gateways["Need more information?"] == {"Yes": 0.5, "No": 0.5}
    assert v.slas[0].attain == 0.9 and v.roles["Agent"].bill_rate == 90 and v.horizon == 7 * 86400
    # the original is untouched
    assert s.roles["Agent"].staff == 2 and s.arrivals["E-mail received"].scale == 1.0
    assert s.vary({"slas.0.attain": 0.5}).slas[0].attain == 0.5


@pytest.mark.parametrize(
    "path, value, key, words",
    [
        ("roles.Agnet.staff", 3, "roles", "names nothing"),
        ("arrivals.E-mail recieved.scale", 1.3, "arrivals", "did you mean 'E-mail received'"),
        ("roles.Agent.staf", 3, "roles.Agent.staf", "did you mean 'staff'"),
        ("roles.Agent.staff", "three", "roles.Agent.staff", "whole number"),
        (
            "tasks.Triage ticket.duration",
            "expo(mean=1m)",
            "tasks.Triage ticket.duration",
            "unknown law",
        ),
        ("slas.resolution.attain", 0.9, "slas", "names nothing"),
    ],
)
def test_vary_errors(path, value, key, words):
    with pytest.raises(ScenarioError) as err:
        base().vary({path: value})
    assert err.value.key == key
    assert words in str(err.value)


def test_vary_keeps_file_and_lines(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("horizon: 1d\nroles:\n  Agent:\n    staff: 2\n    cost_per_hour: 65\n")
    s = bpsim.load_scenario(path)
    with pytest.raises(ScenarioError) as err:
        s.vary({"roles.Agent.staff": 1}).vary({"roles.Agent.cost_per_hour": -5})
    assert err.value.file == str(path) and err.value.key == "roles.Agent.cost_per_hour"
    assert err.value.line == 3  # the role's line: the changed value is not in the file
