"""Model size: no element limit in the engine, linear scenario binding."""

from __future__ import annotations

import bpsim
from bpsim.engine import run
from bpsim.engine.plan import case_shift
from bpsim.scenario import Scenario


def chain(n: int) -> str:
    ids = ["Start"] + [f"T{k}" for k in range(n)] + ["End"]
    body = ['<startEvent id="Start" name="Ticket received"/>']
    body += [f'<task id="T{k}" name="Step {k}"/>' for k in range(n)]
    body += ['<endEvent id="End" name="Ticket closed"/>']
    body += [f'<sequenceFlow id="F{k}" sourceRef="{a}" targetRef="{b}"/>'
             for k, (a, b) in enumerate(zip(ids, ids[1:]))]
    return ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" '
            'targetNamespace="t"><process id="P">' + "".join(body) + "</process></definitions>")


def test_key_layout_widens_only_beyond_4096_elements():
    assert case_shift(10) == 32 and case_shift(4095) == 32   # 4 bits of lifecycle: 16 x 4096
    assert case_shift(4096) == 32 and case_shift(4097) == 33 and case_shift(20_000) == 35


def test_a_model_beyond_the_old_limit_simulates():
    n = 8_300                                    # 8,302 elements: the old engine refused it
    process = bpsim.read_bpmn(chain(n).encode())
    scenario = Scenario.from_dict({
        "seed": 1, "replications": 1, "cases": 3,
        "arrivals": {"Ticket received": {"interarrival": "fixed(1h)"}},
        "tasks": {f"Step {k}": {"duration": "fixed(1s)", "role": None} for k in range(n)},
    })
    bound = scenario.bind(process)               # 8,300 names bound through the index
    out = run(process, bound)
    assert out.cases["completed"].all() and len(out.cases) == 3
    last = out.events.loc[out.events["element"] == f"T{n - 1}"]
    assert len(last) == 3 * 3                    # enabled, start, complete per ticket
    # a ticket takes n seconds through n one-second steps
    assert (out.cases["end"] - out.cases["arrival"]).tolist() == [float(n)] * 3


def test_index_answers_like_the_scan():
    process = bpsim.read_bpmn(chain(5).encode())
    plain = (process.find("Step 3"), process.outgoing("T3"), process.incoming("T3"))
    with process.indexed():
        assert (process.find("Step 3"), process.outgoing("T3"), process.incoming("T3")) == plain
        assert process.find("T2") == ["T2"] and process.find("nothing") == []
    assert getattr(process, "_index", None) is None


def test_owner_updates_follow_each_ticket_in_a_model_beyond_4095_elements():
    # 4,102 elements: records put the case at bit 33; the updates' owner map must too (it
    # used ``key >> 32``, so ticket 2 took ticket 1's owner, and so on)
    n = 4_100
    process = bpsim.read_bpmn(chain(n).encode())
    tasks = {f"Step {k}": {"duration": "fixed(0s)", "role": None} for k in range(1, n - 1)}
    tasks["Step 0"] = {"duration": "fixed(1h)", "role": "A"}
    tasks[f"Step {n - 1}"] = {"duration": "fixed(1h)", "role": "B"}
    scenario = Scenario.from_dict({
        "seed": 1, "replications": 1, "cases": 4,
        "arrivals": {"Ticket received": {"interarrival": "fixed(3h)"}},
        "roles": {"A": {"staff": 1}, "B": {"staff": 1}},
        "updates": {"every": "25m", "role": "owner", "duration": "fixed(1m)"},
        "tasks": tasks,
    })
    bound = scenario.bind(process)
    assert case_shift(len(process.graph)) == 33
    out = run(process, bound)
    up = out.updates
    role = up["resource"].str.split().str[0]
    # every ticket spends 1h at A then 1h at B: updates due at 25m and 50m go to A, 75m and
    # 100m to B (sent when B is free; the run stops when the last ticket closes, before B's
    # last update is done); none of B's before the ticket reached its B task
    assert set(up.loc[role == "A", "case"]) == {0, 1, 2, 3}
    assert set(up.loc[role == "B", "case"]) == {0, 1, 2}
    assert (up.loc[role == "A", "time"] - out.cases["arrival"].reindex(up.loc[role == "A", "case"]).to_numpy()
            <= 3600.0 + 120.0 + 1e-6).all()
    assert (up.loc[role == "B", "time"] - out.cases["arrival"].reindex(up.loc[role == "B", "case"]).to_numpy()
            >= 3600.0 + 60.0 - 1e-6).all()
