"""Staff cost (worked / paid) and customer billing in increments."""

import pytest

from bpsim.analysis import Results
from bpsim.analysis.costs import billed_seconds
from bpsim.scenario.spec import Role, Shift, TaskSpec

from .builders import Fixed, make_output, make_scenario, ticket

MIN = 60.0


def test_forty_minutes_in_half_hours_at_65_costs_65():
    # fixed 40-minute tasks at 65 EUR/h billed in 30-minute increments: 60 min = 65 EUR each
    rows = []
    for case in range(1, 5):
        t0 = (case - 1) * 40 * MIN
        rows += ticket(1, case, 0, [("Task_A", 0, t0, t0 + 40 * MIN, "Agent 1", "Agent")],
                       end=t0 + 40 * MIN)
    out = make_output(rows, staff=[(1, "Agent", "Agent 1", 4 * 3600.0, 160 * MIN, 4)],
                      windows={1: (0.0, 4 * 3600.0)})
    r = Results(out, None, make_scenario())
    c = r.costs.set_index("name")
    assert c.loc["total", "billed"] == pytest.approx(4 * 65.0)
    assert c.loc["total", "billed_per_case"] == pytest.approx(65.0)
    assert c.loc["total", "billed_hours"] == pytest.approx(4.0)
    # staff cost on time worked: 160 min x 65/h; on paid time: 4 h x 65/h
    assert c.loc["total", "cost_worked"] == pytest.approx(160 / 60 * 65)
    assert c.loc["total", "cost_paid"] == pytest.approx(4 * 65)
    assert c.loc["Agent", "person_hours"] == pytest.approx(160 / 60)
    assert c.loc["default", "person_hours_per_case"] == pytest.approx(40 / 60)
    d = r.to_dict()
    assert d["cost"]["total"] == pytest.approx(160 / 60 * 65)
    assert d["cost"]["per_case"] == pytest.approx(160 / 60 * 65 / 4)
    assert d["roles"][0]["cost"] == pytest.approx(160 / 60 * 65)


def test_bill_rate_overrides_cost_and_no_increment_bills_exact_time():
    roles = {"Agent": Role("Agent", [Shift(1)], cost_per_hour=40.0, bill_rate=90.0)}
    tasks = {"Task_A": TaskSpec("Task_A", Fixed(1.0), "Agent")}
    rows = ticket(1, 1, 0, [("Task_A", 0, 0, 20 * MIN, "Agent 1", "Agent")], end=20 * MIN)
    r = Results(make_output(rows, windows={1: (0.0, 3600.0)}), None,
                make_scenario(roles=roles, tasks=tasks))
    assert r.costs.set_index("name").loc["total", "billed"] == pytest.approx(30.0)


@pytest.mark.parametrize("minutes, billed", [(0.5, 30), (30, 30), (30.01, 60), (70, 90)])
def test_round_up_to_increment(minutes, billed):
    assert billed_seconds(minutes * MIN, 30 * MIN) == pytest.approx(billed * MIN)


def test_cost_by_class():
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 40 * MIN, "Agent 1", "Agent")],
                   end=40 * MIN, cls="P1")
            + ticket(1, 2, 0, [("Task_A", 0, 40 * MIN, 100 * MIN, "Agent 1", "Agent")],
                     end=100 * MIN, cls="P2"))
    r = Results(make_output(rows, windows={1: (0.0, 7200.0)}), None,
                make_scenario(classes=("P1", "P2")))
    c = r.costs.loc[r.costs["scope"] == "class"].set_index("name")
    assert c.loc["P1", "billed"] == pytest.approx(65.0)          # 40 min -> 1 h
    assert c.loc["P2", "billed"] == pytest.approx(65.0)          # 60 min -> 1 h
    assert c.loc["P2", "person_hours_per_case"] == pytest.approx(1.0)


def test_role_without_increment_bills_beside_a_role_with_one():
    # Agent: 65/h in 30-minute steps; Specialist: 90/h, no increment (exact time).
    # Agent works 40 min -> billed 60 min = 65.00; Specialist works 20 min -> 30.00
    roles = {"Agent": Role("Agent", [Shift(1)], cost_per_hour=65.0, billing_increment=1800.0),
             "Specialist": Role("Specialist", [Shift(1)], cost_per_hour=90.0)}
    tasks = {"Task_A": TaskSpec("Task_A", Fixed(1.0), "Agent"),
             "Task_B": TaskSpec("Task_B", Fixed(1.0), "Specialist")}
    rows = ticket(1, 1, 0, [("Task_A", 0, 0, 40 * MIN, "Agent 1", "Agent"),
                            ("Task_B", 40 * MIN, 40 * MIN, 60 * MIN, "Specialist 1",
                             "Specialist")], end=60 * MIN)
    r = Results(make_output(rows, windows={1: (0.0, 3600.0)}), None,
                make_scenario(roles=roles, tasks=tasks))
    c = r.costs.loc[r.costs["scope"] == "role"].set_index("name")
    assert c.loc["Agent", "billed"] == pytest.approx(65.0)
    assert c.loc["Specialist", "billed"] == pytest.approx(30.0)
    assert r.costs.set_index("name").loc["total", "billed"] == pytest.approx(95.0)
