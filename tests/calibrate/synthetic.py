"""A known desk to simulate, export and fit back (shared by the round-trip tests)."""

from __future__ import annotations

import functools

import bpsim
from bpsim.modeling import ProcessBuilder

RATE_PER_HOUR = 3.0          # tickets per hour, all week
P_INFO = 0.3                 # Need information? -> Yes
MEANS = {"Triage": 600.0, "Ask customer": 300.0, "Resolve": 1800.0, "Customer replies": 7200.0}
WEEKS = 3


def process() -> bpsim.Process:
    desk = ProcessBuilder("Synthetic desk", pool="Desk")
    agent = desk.lane("Agent")
    customer = desk.lane("Customer")
    received = customer.start("Ticket received")
    again = agent.merge()
    triage = agent.user_task("Triage")
    need = agent.decision("Need information?")
    ask = agent.user_task("Ask customer")
    replies = customer.catch("Customer replies", event="message")
    resolve = agent.user_task("Resolve")
    closed = agent.end("Ticket closed")
    received >> again >> triage >> need
    need.branch("Yes", to=ask)
    need.branch("No", to=resolve)
    ask >> replies >> again
    resolve >> closed
    return desk.process


def scenario() -> bpsim.Scenario:
    return bpsim.Scenario.from_dict({
        "name": "synthetic", "seed": 7, "replications": 1, "horizon": f"{WEEKS}w",
        "start": "2024-01-01T00:00",
        "arrivals": {"Ticket received": {"profile": {"per_hour": RATE_PER_HOUR}}},
        "roles": {"Agent": {"staff": 12}},
        "tasks": {"Triage": "exponential(mean=10m)", "Ask customer": "uniform(2m, 8m)",
                  "Resolve": "gamma(mean=30m, sd=15m)"},
        "events": {"Customer replies": "exponential(mean=2h)"},
        "gateways": {"Need information?": {"Yes": P_INFO, "No": 1 - P_INFO}},
    })


@functools.lru_cache(maxsize=1)
def results():
    return bpsim.simulate(process(), scenario())
