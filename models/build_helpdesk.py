"""Draw the help-desk process of ../shared/data/helpdesk/ as models/helpdesk.bpmn.

Run it from the repository root::

    python models/build_helpdesk.py          # writes models/helpdesk.bpmn (with DI)

The process, as the ticket log of the Italian software company's help desk shows it
(see docs/calibration.md): a ticket is opened (sometimes inserted by hand first), its
seriousness is assigned (sometimes again), then the help desk works it step by step: it
takes the ticket in charge, may put it in wait for the customer, require an upgrade, create
or resolve a software anomaly, schedule an intervention, and resolves it; a resolved ticket
is sometimes reopened. About a month after the resolution the ticketing system closes it.
Task names are the log's activity names, so ``bpsim fit`` maps them without a ``--map``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run from a clone without installing bpsim
    sys.path.insert(0, str(HERE.parent))

import bpsim  # noqa: E402
from bpsim.modeling import ProcessBuilder  # noqa: E402


def build() -> bpsim.Process:
    """The help desk, built in code."""
    desk = ProcessBuilder("Help-desk ticket", pool="Help desk", id="Process_Helpdesk",
                          pool_id="Participant_Helpdesk")
    customer = desk.lane("Customer", id="Lane_Customer")
    agent = desk.lane("Help desk", id="Lane_HelpDesk")
    system = desk.lane("Ticketing system", id="Lane_System")

    opened = customer.start("Ticket opened", id="Start_TicketOpened")
    by_hand = system.decision("Inserted by hand?", id="Gateway_ByHand")
    insert = agent.user_task("Insert ticket", id="Task_InsertTicket")
    inserted = system.merge(id="Gateway_Inserted")
    opened >> by_hand
    by_hand.branch("Yes", to=insert, id="Flow_ByHandYes")
    by_hand.branch("No", to=inserted, id="Flow_ByHandNo")
    insert >> inserted

    assign = agent.user_task("Assign seriousness", id="Task_AssignSeriousness")
    again = agent.decision("Assign again?", id="Gateway_AssignAgain")
    assigning = agent.merge(id="Gateway_Assigning")
    inserted >> assigning >> assign >> again
    again.branch("Again", to=assigning, id="Flow_AssignAgain")

    hub = agent.merge(id="Gateway_Work")
    step = agent.decision("Next step?", id="Gateway_NextStep")
    again.branch("Assigned", to=hub, id="Flow_Assigned")
    hub >> step
    work = [
        ("Take in charge ticket", "Task_TakeInCharge"),
        ("Require upgrade", "Task_RequireUpgrade"),
        ("Create SW anomaly", "Task_CreateAnomaly"),
        ("Resolve SW anomaly", "Task_ResolveAnomaly"),
        ("Schedule intervention", "Task_ScheduleIntervention"),
    ]
    for name, tid in work:
        task = agent.user_task(name, id=tid)
        step.branch(name, to=task, id=f"Flow_Step_{tid[5:]}")
        task >> hub
    wait = agent.user_task("Wait", id="Task_Wait")
    replies = customer.catch("Customer replies", event="message", id="Event_CustomerReplies")
    step.branch("Wait for the customer", to=wait, id="Flow_Step_Wait")
    wait >> replies >> hub
    resolve = agent.user_task("Resolve ticket", id="Task_ResolveTicket")
    step.branch("Resolve", to=resolve, id="Flow_Step_Resolve")
    reopened = agent.decision("Reopened?", id="Gateway_Reopened")
    resolve >> reopened
    reopened.branch("Reopened", to=hub, id="Flow_Reopened")
    closed = system.catch("Closed", timer="P30D", id="Event_Closed")
    reopened.branch("Resolved", to=closed, id="Flow_Resolved")
    end = system.end("Ticket closed", id="End_TicketClosed")
    closed >> end
    return desk.process


def main() -> int:
    process = build()
    errors = [f for f in bpsim.validate(process) if f.severity == "error"]
    for f in errors:
        print(f"  {f}")
    path = bpsim.write_bpmn(process, HERE / "helpdesk.bpmn")
    print(f"wrote {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
