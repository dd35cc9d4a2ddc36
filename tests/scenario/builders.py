"""A small service-desk process built by hand, for binding tests."""

from __future__ import annotations

from bpsim.model import Flow, Lane, Process


def small_desk() -> Process:
    """Ticket received -> Handle ticket (Agent) -> Need more info? -Yes-> Ask customer
    -> Customer replies -> back; -No-> Resolve (Specialist) [timer boundary PT8H] -> Done.
    Two tasks share the name "Check"; the lane "Ticketing system" holds "Log ticket"."""
    p = Process(source="small_desk.bpmn")
    nodes = [
        ("Start_1", "startEvent", "Ticket received", "Lane_Customer", None),
        ("Task_Log", "serviceTask", "Log ticket", "Lane_System", None),
        ("Task_Handle", "userTask", "Handle\n  ticket", "Lane_Agent", None),  # drawn on two lines
        ("Gw_Info", "exclusiveGateway", "Need more info?", "Lane_Agent", None),
        ("Task_Ask", "sendTask", "Ask customer", "Lane_Agent", None),
        ("Event_Reply", "intermediateCatchEvent", "Customer replies", "Lane_Customer", None),
        ("Event_Wait", "intermediateCatchEvent", "Wait a day", "Lane_Customer",
         {"kind": "timeDuration", "value": "P1D"}),
        ("Task_Resolve", "userTask", "Resolve", "Lane_Specialist", None),
        ("Boundary_Late", "boundaryEvent", "Late", "Lane_Specialist",
         {"kind": "timeDuration", "value": "PT8H"}),
        ("Task_Check1", "userTask", "Check", "Lane_Agent", None),
        ("Task_Check2", "userTask", "Check", "Lane_Agent", None),
        ("Gw_Split", "parallelGateway", None, "Lane_System", None),
        ("End_1", "endEvent", "Done", "Lane_System", None),
    ]  # fmt: skip
    for nid, kind, name, lane, timer in nodes:
        p.graph.add_node(
            nid, type=kind, name=name, lane=lane, process="P", parent=None, line=None,
            timer=timer, attached_to="Task_Resolve" if kind == "boundaryEvent" else None,
        )  # fmt: skip
    flows = [
        ("F1", "Start_1", "Task_Log", None),
        ("F2", "Task_Log", "Task_Handle", None),
        ("F3", "Task_Handle", "Gw_Info", None),
        ("F_Yes", "Gw_Info", "Task_Ask", "Yes"),
        ("F_No", "Gw_Info", "Task_Resolve", "No"),
        ("F4", "Task_Ask", "Event_Reply", None),
        ("F5", "Event_Reply", "Event_Wait", None),
        ("F6", "Event_Wait", "Task_Handle", None),
        ("F7", "Task_Resolve", "Gw_Split", None),
        ("F8", "Gw_Split", "Task_Check1", None),
        ("F9", "Gw_Split", "Task_Check2", None),
        ("F10", "Task_Check1", "End_1", None),
        ("F11", "Task_Check2", "End_1", None),
        ("F12", "Boundary_Late", "End_1", None),
    ]
    for fid, source, target, name in flows:
        p.flows[fid] = Flow(fid, source, target, name)
        p.graph.add_edge(
            source, target, id=fid, name=name, condition=None, default=False, ids=[fid]
        )
    for lid, name in [
        ("Lane_Customer", "Customer"),
        ("Lane_Agent", "Agent"),
        ("Lane_Specialist", "Specialist"),
        ("Lane_System", "Ticketing system"),
    ]:
        p.lanes[lid] = Lane(
            lid, name, "P", nodes=[n for n, d in p.graph.nodes(data=True) if d["lane"] == lid]
        )
    return p
