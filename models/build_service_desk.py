"""Build the service-desk process of models/service_desk.bpmn in Python, and compare.

Run it from the repository root::

    python models/build_service_desk.py

It builds the ticket-handling flow with :class:`bpsim.modeling.ProcessBuilder` (same ids, names,
types and lanes as the BPMN file), reads ``models/service_desk.bpmn``, and checks that the two
are the same graph: networkx ``is_isomorphic`` with nodes matched on type, name and lane name,
and flows matched on their names. It prints the result and exits 0 when they match, 1 when not.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run from a clone without installing bpsim
    sys.path.insert(0, str(HERE.parent))

import bpsim  # noqa: E402
from bpsim.modeling import ProcessBuilder  # noqa: E402


def build() -> bpsim.Process:
    """The service desk, built in code."""
    desk = ProcessBuilder("Ticket handling", pool="Service desk", id="Process_ServiceDesk",
                          pool_id="Participant_ServiceDesk")
    customer = desk.lane("Customer", id="Lane_Customer")
    agent = desk.lane("Agent", id="Lane_Agent")
    specialist = desk.lane("Specialist", id="Lane_Specialist")
    system = desk.lane("Ticketing system", id="Lane_System")

    # Three channels, merged by the ticketing system.
    email = customer.start("E-mail received", event="message", id="Start_Email")
    phone = customer.start("Phone call received", event="message", id="Start_Phone")
    portal = customer.start("Portal request submitted", event="message", id="Start_Portal")
    channels = system.merge(id="Gateway_Channels")
    answer = agent.user_task("Answer call", id="Task_AnswerCall")  # callers wait on the line here
    [email, portal] >> channels
    phone >> answer >> channels

    # Who is it? Create the contact when unknown.
    look_up = system.service_task("Look up contact", id="Task_LookUpContact")
    known = system.decision("Contact known?", id="Gateway_ContactKnown")
    create = agent.user_task("Create contact", id="Task_CreateContact")
    contact_merge = system.merge(id="Gateway_ContactMerge")
    channels >> look_up >> known
    known.branch("Yes", to=contact_merge, id="Flow_ContactYes")
    known.branch("No", to=create, id="Flow_ContactNo")
    create >> contact_merge

    # Ticket opened and triaged; ask the customer until the information is complete.
    open_ticket = system.service_task("Open ticket and assign", id="Task_OpenTicket")
    triage = agent.user_task("Triage ticket", id="Task_Triage")
    info_merge = agent.merge(id="Gateway_InfoMerge")
    need_info = agent.decision("Need more information?", id="Gateway_NeedInfo")
    ask = agent.send_task("Reply to customer", id="Task_AskCustomer")
    waiting = system.service_task("Set status waiting for customer reply",
                                  id="Task_SetWaiting")
    await_reply = customer.first_of(id="Gateway_AwaitReply")
    replies = customer.catch("Customer replies", event="message", id="Event_CustomerReplies")
    no_reply = customer.catch("No reply within 5 days", timer="P5D", id="Event_NoReply")
    add_reply = system.service_task("Add reply to ticket", id="Task_AddReply")
    review = agent.user_task("Review customer reply", id="Task_ReviewReply")
    close_no_reply = system.service_task("Close ticket without reply", id="Task_CloseNoReply")
    end_no_reply = system.end("Ticket closed without reply", id="End_NoReply")
    contact_merge >> open_ticket >> triage >> info_merge >> need_info
    need_info.branch("Yes", to=ask, id="Flow_NeedInfoYes")
    ask >> waiting >> await_reply >> [replies, no_reply]
    replies >> add_reply >> review >> info_merge
    no_reply >> close_no_reply >> end_no_reply

    # Resolution at first line or by a specialist; a delay notice when it takes too long.
    level = agent.decision("Solvable at first line?", id="Gateway_Level")
    first_line = agent.user_task("Resolve at first line", id="Task_ResolveFirstLine")
    as_specialist = specialist.user_task("Resolve as specialist", id="Task_ResolveSpecialist")
    overdue = as_specialist.on_timer("Resolution overdue", after="PT8H", interrupting=False,
                                     id="Boundary_Overdue")
    delay = system.send_task("Send delay notice", id="Task_DelayNotice")
    informed = system.end("Customer informed of delay", id="End_DelayNotice")
    need_info.branch("No", to=level, id="Flow_NeedInfoNo")
    level.branch("Yes", to=first_line, id="Flow_LevelYes")
    level.branch("No", to=as_specialist, id="Flow_LevelNo")
    overdue >> delay >> informed

    # Close: notice and survey in parallel.
    resolved = system.merge(id="Gateway_ResolvedMerge")
    fork = system.fork(id="Gateway_CloseFork")
    closure = system.send_task("Send closure notice", id="Task_SendClosure")
    survey = system.send_task("Send satisfaction survey", id="Task_SendSurvey")
    join = system.join(id="Gateway_CloseJoin")
    closed = system.end("Ticket closed", id="End_Closed")
    [first_line, as_specialist] >> resolved >> fork >> [closure, survey] >> join >> closed
    return desk.process


def comparable(process: bpsim.Process) -> nx.DiGraph:
    """The graph with each node's lane *name* as an attribute (lane ids may differ)."""
    g = process.graph.copy()
    for n, lane in process.graph.nodes(data="lane"):
        g.nodes[n]["lane_name"] = process.lanes[lane].name if lane in process.lanes else None
    return g


def same_graph(a: bpsim.Process, b: bpsim.Process) -> bool:
    """Isomorphic, with nodes matched on type, name and lane name, flows on their names."""

    def node_match(x: dict, y: dict) -> bool:
        return all(x.get(k) == y.get(k) for k in ("type", "name", "lane_name"))

    def edge_match(x: dict, y: dict) -> bool:
        return x.get("name") == y.get("name")

    return nx.is_isomorphic(comparable(a), comparable(b), node_match=node_match,
                            edge_match=edge_match)


def main() -> int:
    built = build()
    findings = [f for f in bpsim.validate(built) if f.severity == "error"] \
        if _has_validate() else []
    read = bpsim.read(HERE / "service_desk.bpmn")
    same = same_graph(built, read)
    ids_equal = set(built.graph) == set(read.graph)
    print(f"built in code: {built}")
    print(f"read from file: {read}")
    print(f"same graph (types, names, lanes, flow names): {same}; same node ids: {ids_equal}")
    if findings:
        print("validation errors of the built process:")
        for f in findings:
            print(f"  {f}")
    return 0 if same and ids_equal and not findings else 1


def _has_validate() -> bool:
    try:
        bpsim.validate  # noqa: B018
    except (AttributeError, ImportError):
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
