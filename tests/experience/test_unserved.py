"""Abandoned and blocked tickets in the satisfaction figures (``satisfaction.abandoned`` / ``blocked``)."""

from __future__ import annotations

import pytest

from bpsim import Scenario, simulate
from bpsim.errors import ScenarioError

from ..engine.models import line


def _scenario(**satisfaction) -> Scenario:
    return Scenario.from_dict({
        "seed": 1, "replications": 1, "cases": 4,
        "arrivals": {"Start": {"interarrival": "fixed(1m)"}},
        "roles": {"Agent": {"staff": 1}},
        "tasks": {"Answer": {"duration": "fixed(10m)", "role": "Agent", "patience": "fixed(90s)",
                             "capacity": 1}},
        "satisfaction": {"noise": 0, **satisfaction},
    })


def test_abandoned_and_blocked_tickets_are_scored_by_the_rule_worked_by_hand():
    # one agent, 10 min of work, one waiting place, 90 s of patience, a ticket a minute:
    # ticket 0 is served; ticket 1 waits and hangs up 90 s later; ticket 2 finds the place
    # taken (blocked); ticket 3 finds it free again, waits and hangs up. The served one
    # scores 5 (base 4.6, nothing went wrong, no noise), the abandoned ones 1 (the default),
    # the blocked one 2 (given): CSAT with them (5 + 1 + 2 + 1) / 4 = 2.25, satisfied 1 of 4.
    p = line("Answer")
    res = simulate(p, _scenario(blocked=2))
    cases = res.cases if hasattr(res, "cases") else None
    assert cases is None or len(cases) == 4
    s = res.satisfaction.set_index("scope").loc["overall"]
    assert s["csat_mean"] == pytest.approx(5.0) and s["tickets"] == 1
    assert s["abandoned_tickets"] == 2 and s["blocked_tickets"] == 1
    assert s["csat_with_unserved_mean"] == pytest.approx(2.25)
    assert s["share_satisfied_with_unserved"] == pytest.approx(0.25)
    d = res.to_dict()["satisfaction"]
    assert d["csat_mean"] == pytest.approx(5.0) and d["csat_with_unserved_mean"] == pytest.approx(2.25)
    assert (d["abandoned_tickets"], d["blocked_tickets"]) == (2, 1)
    assert (d["abandoned_score"], d["blocked_score"]) == (1.0, 2.0)
    assert "with_unserved" in d["basis"]
    channel = d["by_channel"][0]
    assert channel["csat_with_unserved_mean"] == pytest.approx(2.25) and channel["abandoned_tickets"] == 2
    text = res.summary()
    assert "2 abandoned and 1 blocked" in text and "2.25" in text


def test_unserved_scores_stay_on_the_scale():
    with pytest.raises(ScenarioError, match="outside the scale 1-5"):
        _scenario(abandoned=0)
    with pytest.raises(ScenarioError, match="outside the scale 1-10"):
        _scenario(scale=10, blocked=11)
    assert _scenario(scale=10, blocked=10)


def test_the_html_headline_shows_csat_with_and_without_the_unserved():
    res = simulate(line("Answer"), _scenario(blocked=2))
    html = res.to_html()
    assert "CSAT (completed tickets)" in html and "counting the 3 abandoned or blocked tickets" in html


def test_tickets_that_left_unserved_are_not_open_at_the_horizon():
    # the 3 unserved tickets of the case above ended (unserved): nothing is open at the end
    res = simulate(line("Answer"), _scenario())
    assert res.open_summary["total"] == 0
    assert res.to_dict()["cycle_time"]["open"] == 0
    assert res.classes["open"].tolist() == [0]
    assert res.left["abandoned"] == 2 and res.left["blocked"] == 1
