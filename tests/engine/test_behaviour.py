"""Customer behaviour: patience, waiting places, retrials; their scenario keys and reports."""

from __future__ import annotations

import textwrap

import pytest

from bpsim import Scenario, simulate
from bpsim.engine import run
from bpsim.errors import ScenarioError
from bpsim.scenario.spec import Retrial, Route

from .models import Exponential, build, mmc

PHONE = {"Call": "startEvent", "Portal": "startEvent", "Answer": "userTask", "Voicemail": "userTask",
         "Done": "endEvent", "VMDone": "endEvent"}
PHONE_FLOWS = [("Call", "Answer"), ("Portal", "Answer"), ("Answer", "Done"), ("Voicemail", "VMDone")]


def phone_scenario(task: str, extra: str = "") -> Scenario:
    text = textwrap.dedent("""\
        name: phone
        seed: 3
        replications: 3
        horizon: 1d
        arrivals:
          Call: {interarrival: exponential(mean=60s), classes: {P1: 0.3, P2: 0.7}}
          Portal: {interarrival: exponential(mean=120s), classes: {P1: 0.3, P2: 0.7}}
        roles:
          Agent: {staff: 2}
          Back: {staff: 1}
        tasks:
          Voicemail: {duration: exponential(mean=20s), role: Back}
        """) + "  Answer: " + task + "\n" + extra
    import yaml

    return Scenario.from_dict(yaml.safe_load(text))


def test_patience_by_class_and_channel_binds_to_ids():
    p = build(PHONE, PHONE_FLOWS)
    s = phone_scenario("{duration: exponential(mean=100s), role: Agent, patience: {P1: fixed(10m), "
                       "Call: exponential(mean=2m)}, capacity: 4, on_full: Voicemail}")
    t = s.bind(p).tasks["Answer"]
    assert set(t.patience) == {"P1", "Call"}
    assert t.capacity == 4 and t.on_full == Route("Voicemail")


@pytest.mark.parametrize("task, words", [
    ("{duration: 1m, role: Agent, patience: {Nobody: 1m}}", "neither a class"),
    ("{duration: 1m, role: Agent, capacity: 2, on_full: retry}", "retry needs retrial"),
    ("{duration: 1m, role: Agent, on_full: Voicemail}", "needs capacity"),
    ("{duration: 1m, role: Agent, patience: 1m, on_abandon: Nowhere}", "neither an element nor a flow"),
    ("{duration: 1m, role: null, patience: 1m}", "tasks done by staff"),
])
def test_behaviour_keys_refused_with_the_reason(task, words):
    p = build(PHONE, PHONE_FLOWS)
    with pytest.raises(ScenarioError, match=words):
        phone_scenario(task).bind(p)


def test_retrial_needs_a_delay():
    with pytest.raises(ScenarioError, match="needs a delay"):
        phone_scenario("{duration: 1m, role: Agent}", "retrial: {probability: 0.5}\n")


def test_blocked_tickets_retry_then_leave_after_the_attempts():
    p, b = mmc(30.0, 100.0, 1, horizon=2 * 86400.0, seed=5)
    b.tasks["Serve"].capacity = 0
    b.tasks["Serve"].on_full = "retry"
    b.tasks["Serve"].retrial = Retrial(probability=1.0, delay=Exponential(mean=60.0), attempts=2)
    out = run(p, b)
    ev = out.events
    blocked = ev[ev.lifecycle == "blocked"].groupby("case").size()
    cases = out.cases.set_index("case")
    assert blocked.max() == 3  # the first try and two returns
    gone = cases.loc[cases.blocked]
    assert set(gone.index) == set(blocked[blocked == 3].index)
    assert gone.end.notna().all() and not gone.completed.any()
    started = set(ev[ev.lifecycle == "start"].case)
    assert not started & set(gone.index)


def test_full_line_routes_to_voicemail_and_reports_rates():
    p = build(PHONE, PHONE_FLOWS)
    s = phone_scenario("{duration: exponential(mean=100s), role: Agent, patience: exponential(mean=2m), "
                       "capacity: 2, on_full: Voicemail}",
                       "slas:\n  - {name: answered, from: Call, to: Answer.start, target: 1h}\n")
    res = simulate(p, s)
    st = res.stages.set_index("id")
    vm = res.visits[res.visits.element == "Voicemail"]
    assert st.loc["Answer", "blocked"] * 3 == pytest.approx(len(vm))
    assert 0 < st.loc["Answer", "block_rate"] < 1 and 0 < st.loc["Answer", "abandon_rate"] < 1
    ab = res.abandonment
    assert {"all", "class", "channel"} <= set(ab.scope)
    assert res.left["abandoned"] > 0 and res.left["blocked"] == 0
    sc = res.sla_cases
    left = sc[sc.status == "left"]
    assert len(left) and left.breached.all()  # an abandoned call breaches a 1 h answer target
    d = res.to_dict()
    assert {"abandoned", "abandon_rate", "blocked", "block_rate"} <= set(d["stages"][0])
    assert d["cases"]["abandoned"] > 0 and d["abandonment"]
    assert "Abandonment and blocking" in res.summary()


def test_role_behaviour_keys_bind_and_slowdown_needs_concurrency():
    p = build(PHONE, PHONE_FLOWS)
    extra = ("  Back: {staff: 1, preemptive: restart, breaks: {every: 2h, duration: 15m}}\n")
    s = phone_scenario("{duration: 1m, role: [Agent, Back]}")
    data = s.to_dict()
    data["roles"]["Agent"] = {"staff": 2, "shrinkage": "30%", "preemptive": "resume"}
    data["roles"]["Back"] = {"staff": 1, "breaks": {"every": "2h", "duration": "15m"}}
    b = Scenario.from_dict(data).bind(p)
    assert b.roles["Agent"].shrinkage == pytest.approx(0.3) and b.roles["Agent"].preemptive == "resume"
    assert b.roles["Back"].breaks is not None and b.tasks["Answer"].roles == ["Agent", "Back"]
    data["roles"]["Back"] = {"staff": 1, "slowdown": 0.2}
    with pytest.raises(ScenarioError, match="slowdown: is for a role"):
        Scenario.from_dict(data).bind(p)
    data["roles"]["Back"] = {"staff": 1, "preemptive": "sometimes"}
    with pytest.raises(ScenarioError, match="resume or restart"):
        Scenario.from_dict(data)
    assert extra


def test_crossover_table_counts_where_the_work_was_done():
    p = build(PHONE, PHONE_FLOWS)
    s = phone_scenario("{duration: exponential(mean=100s), role: [Agent, Back]}")
    res = simulate(p, s)
    cx = res.crossover.set_index("role")
    assert cx.loc["Agent", "preferred"] and not cx.loc["Back", "preferred"]
    assert 0 < cx.loc["Back", "share"] < cx.loc["Agent", "share"]
    assert cx["share"].sum() == pytest.approx(1.0)
    assert res.to_dict()["crossover"]
