"""Proactive updates (scenario ``updates:``): staff time spent while tickets are open."""

from __future__ import annotations

import numpy as np

import bpsim
from bpsim.engine import run
from bpsim.scenario.distributions import Exponential, Fixed
from bpsim.scenario.spec import UpdatePolicy
from tests.engine.models import bound, line


def _scenario(updates=None, staff=3):
    b = bound({"Work": (3600.0, "Agent")}, {"Agent": staff}, interarrival=Exponential(mean=1800.0),
              horizon=20 * 86400.0)
    b.updates = updates
    return b


def test_updates_fall_due_every_period_while_the_ticket_is_open():
    p = line("Work")
    every = 1200.0
    b = _scenario(UpdatePolicy(every=every, role="Agent", duration=Fixed(60.0)), staff=6)
    out = run(p, b, replications=1, seed=3)
    up = out.updates
    cases = out.cases.set_index("case")
    assert len(up) > 100
    per_case = up.groupby("case").size()
    done = cases.loc[cases["completed"]]
    # one update per full period the ticket was open (k * every after arrival, before its end);
    # six agents for two busy on average: an update is taken at once, so none is dropped
    expected = np.ceil((done["end"] - done["arrival"]) / every) - 1
    got = per_case.reindex(done.index, fill_value=0)
    share_exact = float((got == expected).mean())
    assert share_exact > 0.97
    # every update is sent while its ticket was open (started before the end)
    joined = up.join(cases[["arrival", "end"]], on="case")
    assert (joined["time"] - 60.0 <= joined["end"].fillna(np.inf) + 1e-6).all()
    assert (joined["time"] >= joined["arrival"] + every).all()


def test_updates_take_staff_time_same_seed():
    p = line("Work")
    base = run(p, _scenario(), replications=2, seed=11)
    more = run(p, _scenario(UpdatePolicy(every=1800.0, role="Agent", duration=Fixed(120.0))),
               replications=2, seed=11)
    assert base.updates is None
    busy0 = base.staff["busy"].sum()
    busy1 = more.staff["busy"].sum()
    # the added busy time is the updates' time (updates finishing after the horizon aside)
    added = 120.0 * len(more.updates)
    assert busy1 > busy0
    assert abs((busy1 - busy0) - added) / added < 0.1


def test_updates_key_is_checked_against_roles():
    s = bpsim.Scenario(horizon="1d", roles={"Agent": 1},
                       arrivals={"Start": {"interarrival": "exponential(mean=1h)"}},
                       tasks={"Work": {"duration": "fixed(10m)"}},
                       updates={"every": "4h", "role": "Agnet"})
    try:
        s.bind(line("Work"))
    except bpsim.ScenarioError as exc:
        assert "Agnet" in str(exc) and "Agent" in str(exc) and "updates.role" in str(exc)
    else:
        raise AssertionError("an unknown role in updates: must be an error")


def test_owner_updates_are_sent_by_the_role_of_the_ticket_s_current_task():
    p = line("Work", "Check")
    b = bound({"Work": (3600.0, "A"), "Check": (3600.0, "B")}, {"A": 3, "B": 3},
              interarrival=Exponential(mean=2400.0), horizon=10 * 86400.0)
    b.updates = UpdatePolicy(every=900.0, role="owner", duration=Fixed(30.0))
    out = run(p, b, replications=1, seed=4)
    up = out.updates.copy()
    up["role"] = up["resource"].str.split().str[0]
    assert set(up["role"]) == {"A", "B"}
    ev = out.events
    reached = ev.loc[(ev["element"] == "Check") & (ev["lifecycle"] == "enabled")] \
        .groupby("case")["time"].min()
    by_b = up.loc[up["role"] == "B"].join(reached.rename("check"), on="case")
    assert (by_b["time"] - 30.0 >= by_b["check"] - 1e-6).all()   # B only once at Check
    by_a = up.loc[up["role"] == "A"].join(reached.rename("check"), on="case")
    # an update due while at Work stays with A (it may be sent after the ticket moved on)
    assert (by_a["check"].isna() | (by_a["time"] <= by_a["check"] + 30.0 + 1e-6)).mean() > 0.8
