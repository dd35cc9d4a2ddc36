"""Message flows between pools: linked instances and waiting catch events (corpus models)."""

from __future__ import annotations

import pytest

import bpsim
from bpsim.engine import run
from bpsim.scenario.spec import Arrival

from ..conftest import ROOT
from .models import EventSpec, Exponential, TaskSpec, bound

CORPUS = ROOT.parent / "shared" / "corpus" / "real-world"
TOKEN_SIM = CORPUS / "bpmn-js-token-simulation__test__spec__message-flows.bpmn"
PIZZA = CORPUS / "bpmn-js-examples__bundling__resources__pizza-collaboration.bpmn"


def count(out, element, lifecycle) -> int:
    ev = out.events
    return int(((ev.element == element) & (ev.lifecycle == lifecycle)).sum())


@pytest.mark.skipif(not TOKEN_SIM.exists(), reason="corpus not found beside the clone")
def test_message_start_links_an_instance_and_a_receive_task_waits_for_its_message():
    p = bpsim.read(TOKEN_SIM)
    tasks = {t: TaskSpec(t, Exponential(mean=60.0)) for t in ["T_A", "BLANK_RECEIVE", "TB", "TC"]}
    b = bound(tasks, arrivals={"A_START": Arrival("A_START", interarrival=Exponential(mean=600.0))}, cases=300)
    out = run(p, b, seed=1)
    n = len(out.cases)
    assert out.cases.completed.all()
    assert count(out, "B_START", "pass") == n  # T_A's message starts process B once per ticket
    assert count(out, "B_END", "end") == n
    ev = out.events
    at = ev.set_index(["case", "element", "lifecycle"], append=False).sort_index().time
    for case in range(n):
        # R_A completes exactly when TB (the sender) completes; the ticket ends after both parts
        assert at[(case, "R_A", "complete")] == at[(case, "TB", "complete")]
        assert out.cases.end[case] == max(at[(case, "A_END", "end")], at[(case, "B_END", "end")])


@pytest.mark.skipif(not PIZZA.exists(), reason="corpus not found beside the clone")
def test_every_pizza_order_starts_the_pizzeria_and_gets_its_pizza():
    p = bpsim.read(PIZZA)
    ids = {d.get("name"): n for n, d in p.graph.nodes(data=True) if d.get("name")}
    work = ["Select a pizza", "Order a pizza", "Ask for the pizza", "Pay the pizza", "Eat the pizza",
            "Calm customer", "Bake the pizza", "Deliver the pizza", "Receive payment"]
    tasks = {ids[t]: TaskSpec(ids[t], Exponential(mean=300.0)) for t in work}
    events = {ids["60 minutes"]: EventSpec(ids["60 minutes"], Exponential(mean=600.0))}
    start = ids["Hungry for pizza"]
    b = bound(tasks, arrivals={start: Arrival(start, interarrival=Exponential(mean=1800.0))}, cases=300,
              events=events)
    out = run(p, b, seed=2)
    n = len(out.cases)
    assert out.cases.completed.all()
    assert count(out, ids["Order received"], "pass") == n  # one linked pizzeria instance per order
    assert count(out, ids["Bake the pizza"], "complete") == n
    assert count(out, ids["Deliver the pizza"], "complete") == n
    assert count(out, ids["Hunger satisfied"], "end") == n
    # "pizza received" (after the event-based gateway) happens when the pizzeria delivers
    assert count(out, ids["pizza received"], "complete") == n
    ev = out.events
    at = ev.set_index(["case", "element", "lifecycle"]).sort_index().time
    received = [at[(c, ids["pizza received"], "complete")] for c in range(n)]
    delivered = [at[(c, ids["Deliver the pizza"], "complete")] for c in range(n)]
    assert all(r >= d for r, d in zip(received, delivered))  # kept until the customer is back to wait
    # a customer waiting at the gateway gets it at once: waiting ~ 600 s of each 600 + 300 s cycle (2/3)
    assert sum(r == d for r, d in zip(received, delivered)) > n / 2
    assert count(out, ids["60 minutes"], "complete") > 0  # some customers asked meanwhile
    # the pizzeria hears "where is my pizza?" only when the customer asked
    assert count(out, ids["„where is my pizza?“"], "complete") <= count(out, ids["Ask for the pizza"], "complete")
    ev = out.events
    bakes = ev[(ev.element == ids["Bake the pizza"]) & (ev.lifecycle == "complete")]
    assert sorted(bakes.case) == list(range(n))  # the linked instance's records carry the ticket's case


def test_a_linked_instance_arms_its_own_event_subprocesses():
    from .models import Fixed, build

    timer = {"kind": "timeDuration", "value": "PT5M"}
    b_ = {"process": "B"}
    nodes = {"Start": "startEvent", "Send": "sendTask", "End": "endEvent",
             "BStart": {"type": "startEvent", "event": "message", **b_}, "Work": {"type": "serviceTask", **b_},
             "BEnd": {"type": "endEvent", **b_},
             "Esc": {"type": "subProcess", "triggered_by_event": True, **b_},
             "EStart": {"type": "startEvent", "parent": "Esc", "event": "timer", "timer": timer,
                        "interrupting": True, **b_},
             "EEnd": {"type": "endEvent", "parent": "Esc", **b_}}
    p = build(nodes, [("Start", "Send"), ("Send", "End"), ("BStart", "Work"), ("Work", "BEnd"),
                      ("EStart", "EEnd")])
    from bpsim.model import MessageFlow, ProcessInfo

    p.processes["B"] = ProcessInfo(id="B", name="B")
    p.message_flows["M1"] = MessageFlow(id="M1", source="Send", target="BStart")
    tasks = {"Send": TaskSpec("Send", Fixed(1.0)), "Work": TaskSpec("Work", Fixed(600.0))}
    out = run(p, bound(tasks, interarrival=Exponential(mean=3600.0), cases=50), seed=1)
    assert count(out, "BStart", "pass") == 50
    assert count(out, "EStart", "pass") == 50  # 600 s of work always outlasts the 5-minute timer
    assert count(out, "Work", "withdrawn") == 50 and out.cases.completed.all()
