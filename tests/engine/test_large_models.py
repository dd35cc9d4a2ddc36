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
