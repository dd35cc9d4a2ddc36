"""Grid expansion and --vary parsing."""

from __future__ import annotations

import pytest

from bpsim.errors import ScenarioError
from bpsim.whatif.grid import expand_grid, parse_value, parse_vary


def test_grid_is_the_cartesian_product_first_key_slowest():
    grid = expand_grid({"a": [1, 2, 3], "b": ["x", "y"]})
    assert len(grid) == 6
    assert [g["a"] for g in grid] == [1, 1, 2, 2, 3, 3]
    assert [g["b"] for g in grid] == ["x", "y"] * 3


def test_a_scalar_counts_as_one_value():
    assert expand_grid({"roles.Agent.staff": 3}) == [{"roles.Agent.staff": 3}]
    assert expand_grid({"k": "4h"}) == [{"k": "4h"}]


@pytest.mark.parametrize("vary", [{}, {"a": []}, {"": [1]}, None])
def test_empty_or_bad_grids_are_scenario_errors(vary):
    with pytest.raises(ScenarioError):
        expand_grid(vary)


def test_values_are_read_as_yaml_scalars():
    assert parse_value("3") == 3
    assert parse_value(" 1.3 ") == 1.3
    assert parse_value("4h") == "4h"
    assert parse_value("exponential(mean=6m)") == "exponential(mean=6m)"


def test_parse_vary_splits_outside_brackets():
    vary = parse_vary(["roles.Agent.staff=2,3,4",
                       "tasks.Triage ticket.duration=fixed(1m),uniform(1m, 2m)"])
    assert vary == {"roles.Agent.staff": [2, 3, 4],
                    "tasks.Triage ticket.duration": ["fixed(1m)", "uniform(1m, 2m)"]}


@pytest.mark.parametrize("specs", [["roles.Agent.staff"], ["=3"], ["a=,"], ["a=1", "a=2"]])
def test_malformed_vary_is_a_scenario_error(specs):
    with pytest.raises(ScenarioError):
        parse_vary(specs)
