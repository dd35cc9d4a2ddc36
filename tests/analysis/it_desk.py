"""The IT support desk of issue 13: three channels, Agent on two shifts, Specialist on office
hours, priority classes P1-P3. With 2 Specialists its offered load on duty (3.2 erlangs)
exceeds the staff: the Specialist queue grows for the whole horizon."""

from __future__ import annotations

import bpsim
from bpsim.build import ProcessBuilder


def it_desk_process():
    desk = ProcessBuilder("IT support", pool="IT desk")
    customer, agent, spec = desk.lane("Customer"), desk.lane("Agent"), desk.lane("Specialist")
    mail = customer.start("E-mail received", event="message")
    phone = customer.start("Call received", event="message")
    portal = customer.start("Portal request", event="message")
    triage = agent.user_task("Triage")
    need = agent.decision("Needs a specialist?")
    first = agent.user_task("Fix at first line")
    second = spec.user_task("Fix as specialist")
    done = agent.end("Ticket closed")
    [mail, phone, portal] >> triage >> need
    need.branch("Yes", to=second)
    need.branch("No", to=first)
    [first, second] >> done
    return desk.process


def it_desk_data(specialists: int = 2, horizon: str = "14d", warmup: str = "2d",
                 replications: int = 2) -> dict:
    """180 tickets a week (24/7 average), 40 % to the Specialist at 2 h each: 144 h of
    specialist work a week in 45 office hours = 3.2 erlangs on duty."""
    classes = {"P1": 0.1, "P2": 0.3, "P3": 0.6}
    rate = 180 / 168.0  # tickets per hour, all channels
    return {
        "name": f"IT desk, {specialists} specialists", "seed": 7,
        "replications": replications, "horizon": horizon, "warmup": warmup,
        "calendars": {"office": {"days": "mon-fri", "hours": "09:00-18:00"},
                      "early": {"days": "mon-fri", "hours": "07:00-15:00"},
                      "late": {"days": "mon-fri", "hours": "11:00-19:00"}},
        "arrivals": {
            "E-mail received": {"interarrival": f"exponential(mean={60 / (0.5 * rate):.3f}m)",
                                "classes": classes},
            "Call received": {"interarrival": f"exponential(mean={60 / (0.2 * rate):.3f}m)",
                              "classes": classes},
            "Portal request": {"interarrival": f"exponential(mean={60 / (0.3 * rate):.3f}m)",
                               "classes": classes}},
        "roles": {"Agent": {"shifts": [{"name": "early", "staff": 2, "calendar": "early"},
                                       {"name": "late", "staff": 2, "calendar": "late"}],
                            "cost_per_hour": 50},
                  "Specialist": {"staff": specialists, "calendar": "office",
                                 "cost_per_hour": 80}},
        "tasks": {"Triage": {"duration": "exponential(mean=10m)"},
                  "Fix at first line": {"duration": "exponential(mean=20m)"},
                  "Fix as specialist": {"duration": "exponential(mean=2h)"}},
        "gateways": {"Needs a specialist?": {"Yes": 0.4, "No": 0.6}},
        "slas": [{"name": "resolution", "from": "case.arrive", "to": "Ticket closed",
                  "target": {"P1": "9h", "P2": "18h", "P3": "27h"}, "calendar": "office",
                  "attain": "90%"}],
    }


def it_desk(specialists: int = 2, **kw):
    return it_desk_process(), bpsim.Scenario.from_dict(it_desk_data(specialists, **kw))
