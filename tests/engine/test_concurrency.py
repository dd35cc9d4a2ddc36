"""Concurrent work (``roles.<r>.concurrency``, ``slowdown``): several tickets in one person's hand."""

from __future__ import annotations

import pytest

from bpsim import Scenario
from bpsim.engine import run
from bpsim.errors import ScenarioError
from bpsim.scenario.distributions import Fixed
from bpsim.scenario.spec import TaskSpec

from .models import bound, line


def _times(out, lifecycle: str) -> dict[int, float]:
    ev = out.events
    ev = ev[(ev.element == "Serve") & (ev.lifecycle == lifecycle)]
    return dict(zip(ev.case, ev.time))


def test_slowdown_stretches_the_work_left_when_a_second_ticket_comes():
    # one person, two places, slowdown 0.5: ticket 0 (60 s of work) starts at 0; ticket 1
    # comes at 10 s: both now go 1.5 times slower. Ticket 0 has 50 s of work left -> 75 s,
    # done at 85 s; ticket 1 has done 75 / 1.5 = 50 s of its 60 by then, alone again: 95 s.
    b = bound({"Serve": TaskSpec("Serve", Fixed(60.0), role="Chat")}, {"Chat": 1},
              interarrival=Fixed(10.0), cases=2)
    b.roles["Chat"].concurrency, b.roles["Chat"].slowdown = 2, 0.5
    out = run(line("Serve"), b)
    start, done = _times(out, "start"), _times(out, "complete")
    t0 = start[0]
    assert start[1] == pytest.approx(t0 + 10.0)  # taken at once: a free place
    assert done[0] - t0 == pytest.approx(85.0) and done[1] - t0 == pytest.approx(95.0)
    s = out.staff.iloc[0]
    w0, w1 = out.windows.iloc[0][["warmup", "end"]]
    # busy: place-seconds (85 + 85) / 2 places; engaged: with one ticket or two, 95 s
    assert s.busy == pytest.approx(85.0) and s.engaged == pytest.approx(95.0)
    assert s.on_shift == pytest.approx(w1 - w0)


def test_no_slowdown_each_ticket_takes_its_own_time_and_a_third_waits():
    b = bound({"Serve": TaskSpec("Serve", Fixed(60.0), role="Chat")}, {"Chat": 1},
              interarrival=Fixed(10.0), cases=3)
    b.roles["Chat"].concurrency = 2
    out = run(line("Serve"), b)
    enabled, start, done = _times(out, "enabled"), _times(out, "start"), _times(out, "complete")
    assert [done[c] - start[c] for c in range(3)] == pytest.approx([60.0] * 3)
    assert start[1] == pytest.approx(enabled[1])
    assert start[2] == pytest.approx(done[0])  # both places taken: the third waits for one


def test_tickets_go_to_the_person_with_the_fewest_in_hand():
    b = bound({"Serve": TaskSpec("Serve", Fixed(1000.0), role="Chat")}, {"Chat": 2},
              interarrival=Fixed(10.0), cases=4)
    b.roles["Chat"].concurrency = 3
    out = run(line("Serve"), b)
    ev = out.events
    who = ev[(ev.element == "Serve") & (ev.lifecycle == "start")].sort_values("time").resource.astype(str)
    assert who.tolist() == ["Chat 1", "Chat 2", "Chat 1", "Chat 2"]
    assert out.cases.completed.all()


def test_breaks_wait_for_the_last_ticket_in_hand_and_updates_take_a_place():
    data = {
        "seed": 2, "replications": 1, "horizon": "2d",
        "arrivals": {"Start": {"interarrival": "exponential(mean=4m)"}},
        "roles": {"Chat": {"staff": 2, "concurrency": 3, "slowdown": 0.2, "shrinkage": "20%"}},
        "tasks": {"Serve": {"duration": "exponential(mean=15m)", "role": "Chat"}},
        "updates": {"every": "10m", "role": "Chat", "duration": "fixed(1m)"},
    }
    p = line("Serve")
    out = run(p, Scenario.from_dict(data).bind(p))
    st = out.staff
    assert (st.away > 0).all() and (st.busy <= st.engaged + 1e-6).all()
    assert (st.engaged <= st.on_shift + 1e-6).all()
    assert len(out.updates) > 0
    ev = out.events
    serve = ev[ev.element == "Serve"]
    # never more than 3 tickets in one person's hand
    for _, g in serve[serve.lifecycle.isin(["start", "complete"])].groupby("resource", observed=True):
        step = g.sort_values("time").lifecycle.map({"start": 1, "complete": -1})
        assert step.cumsum().max() <= 3


def test_slowdown_needs_concurrency_and_concurrency_refuses_preemption():
    p = line("Serve")
    base = {"seed": 1, "replications": 1, "horizon": "1d",
            "arrivals": {"Start": {"interarrival": "exponential(mean=4m)"}},
            "tasks": {"Serve": {"duration": "exponential(mean=15m)", "role": "Chat"}}}
    with pytest.raises(ScenarioError, match="slowdown: is for a role"):
        Scenario.from_dict({**base, "roles": {"Chat": {"staff": 1, "slowdown": 0.2}}}).bind(p)
    with pytest.raises(ScenarioError, match="one ticket at a time"):
        Scenario.from_dict({**base, "roles": {"Chat": {"staff": 1, "concurrency": 2, "preemptive": "resume"}}})
    b = Scenario.from_dict({**base, "roles": {"Chat": {"staff": 1, "concurrency": 3, "slowdown": 0.1}}}).bind(p)
    assert b.roles["Chat"].concurrency == 3 and b.roles["Chat"].slowdown == pytest.approx(0.1)


def test_three_in_hand_each_change_of_hand_size_changes_the_pace():
    # 60 s of work each, arriving 10 s apart, slowdown 0.5 (hand of 2: x1.5, of 3: x2), worked
    # out by hand: ticket 0 done at 106.67 s, ticket 1 at 121.67 s, ticket 2 at 128.33 s
    b = bound({"Serve": TaskSpec("Serve", Fixed(60.0), role="Chat")}, {"Chat": 1},
              interarrival=Fixed(10.0), cases=3)
    b.roles["Chat"].concurrency, b.roles["Chat"].slowdown = 3, 0.5
    out = run(line("Serve"), b)
    t0 = _times(out, "start")[0]
    done = _times(out, "complete")
    assert [done[c] - t0 for c in range(3)] == pytest.approx([320 / 3, 365 / 3, 385 / 3])


def test_concurrency_without_slowdown_is_that_many_people_ticket_by_ticket():
    # one person of 3 places and 3 people of one place draw the same durations in the same
    # order: every ticket ends at the same moment, and the busy time is the same
    from .models import mmc

    p, one_each = mmc(40.0, 100.0, 3, cases=2000, seed=5)
    _, three_places = mmc(40.0, 100.0, 1, cases=2000, seed=5)
    three_places.roles["Server"].concurrency = 3
    a, c = run(p, one_each), run(p, three_places)
    assert (a.cases.end.to_numpy() == c.cases.end.to_numpy()).all()
    assert c.staff.busy.sum() == pytest.approx(a.staff.busy.sum() / 3)


def test_the_bundled_chat_desk_keeps_at_most_three_conversations_per_agent():
    from bpsim import read
    from bpsim.scenario.core import load_scenario

    from .models import ROOT_MODELS

    p = read(ROOT_MODELS / "chat_desk.bpmn")
    b = load_scenario(ROOT_MODELS / "chat_desk.yaml").bind(p)
    assert b.roles["Chat agent"].concurrency == 3 and b.roles["Chat agent"].slowdown == pytest.approx(0.2)
    b.replications, b.horizon, b.warmup = 1, 3 * 86400.0, 0.0
    out = run(p, b)
    ev = out.events
    chat = ev[(ev.role.astype(str) == "Chat agent") & ev.lifecycle.isin(["start", "complete"])]
    assert len(chat)
    for _, g in chat.groupby("resource", observed=True):
        steps = g.sort_values("time", kind="stable").lifecycle.map({"start": 1, "complete": -1})
        assert steps.cumsum().max() <= 3
    st = out.staff[out.staff.role.astype(str) == "Chat agent"]
    assert (st.busy <= st.engaged + 1e-6).all() and (st.busy > 0).all()


def test_the_text_report_shows_engaged_time_only_for_concurrent_roles():
    from bpsim import read, simulate
    from bpsim.scenario.core import load_scenario

    from .models import ROOT_MODELS

    p = read(ROOT_MODELS / "chat_desk.bpmn")
    b = load_scenario(ROOT_MODELS / "chat_desk.yaml").bind(p)
    b.replications, b.horizon, b.warmup = 1, 2 * 86400.0, 0.0
    res = simulate(p, b, seed=3)
    lines = res.summary().splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Roles ("))
    assert "engaged" in lines[head + 1]
    roles = res.roles.set_index("name")
    chat = next(line for line in lines[head:] if line.strip().startswith("Chat agent"))
    assert f"{roles.loc['Chat agent', 'engaged_share'] * 100:.0f} %" in chat
    single = next(line for line in lines[head:] if line.strip().startswith("Specialist"))
    assert single.count("%") == 1          # utilisation only (one replication: no CI)
    plain = read(ROOT_MODELS / "service_desk.bpmn")
    pb = load_scenario(ROOT_MODELS / "service_desk.yaml").bind(plain)
    pb.replications, pb.horizon, pb.warmup = 1, 86400.0, 0.0
    text = simulate(plain, pb, seed=3).summary()
    assert "engaged" not in text
