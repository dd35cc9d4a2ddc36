"""Write models/support_blueprint.bpmn: an IT help desk drawn as a service blueprint.

Run it from the repository root (it rewrites the file; the file is committed)::

    python models/build_support_blueprint.py

One pool, four lanes, one per blueprint layer: **Customer** (customer actions), **Service
desk** (frontstage: agents the customer talks to), **Specialists** (backstage: second line,
out of the customer's sight), **Ticketing system** (support processes). Four BPMN groups, as
bpmn.io draws them, mark the phases of the customer's journey: *Contact*, *Diagnosis*,
*Resolution*, *Closure and feedback*. Data objects at the top of the customer's lane are the evidence the
customer sees (the acknowledgement, the request for details, the fix report, the survey).
The coordinates are laid out by hand so that every element sits in its lane and its group.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

OUT = Path(__file__).resolve().parent / "support_blueprint.bpmn"

POOL_X, POOL_Y, HEADER = 100, 160, 30
LANES = [  # id, name, height
    ("Lane_Customer", "Customer", 210),
    ("Lane_ServiceDesk", "Service desk", 200),
    ("Lane_Specialists", "Specialists", 150),
    ("Lane_System", "Ticketing system", 150),
]
WIDTH = 1880
PHASES = [  # id, name, x0, x1
    ("Group_Contact", "Contact", 118, 545),
    ("Group_Diagnosis", "Diagnosis", 545, 1095),
    ("Group_Resolution", "Resolution", 1095, 1520),
    ("Group_Closure", "Closure and feedback", 1520, 1972),
]
C, F, FU, B, S = 300, 500, 425, 645, 795  # lane centre lines (FU: upper row of the desk)

SIZES = {"task": (110, 80), "event": (36, 36), "gateway": (50, 50)}
NODES = [  # id, bpmn type, name, lane, cx, cy, extra
    ("Start_Email", "startEvent", "Request by e-mail", "Lane_Customer", 170, 255, "message"),
    ("Start_Phone", "startEvent", "Phone call", "Lane_Customer", 170, 300, "message"),
    ("Start_Portal", "startEvent", "Request on the portal", "Lane_Customer", 170, 345, "message"),
    ("Gateway_Channels", "exclusiveGateway", None, "Lane_Customer", 260, C, None),
    ("Task_TakeInCharge", "userTask", "Take the request in charge", "Lane_ServiceDesk", 345, F,
     None),
    ("Task_Register", "serviceTask", "Register the ticket", "Lane_System", 470, S, None),
    ("Gateway_Diagnose", "exclusiveGateway", None, "Lane_ServiceDesk", 600, F, None),
    ("Task_Diagnose", "userTask", "Diagnose the problem", "Lane_ServiceDesk", 700, F, None),
    ("Gateway_Enough", "exclusiveGateway", "Enough information?", "Lane_ServiceDesk", 830, F, None),
    ("Task_AskDetails", "userTask", "Ask for details", "Lane_ServiceDesk", 920, FU, None),
    ("Task_ProvideDetails", "task", "Provide the details", "Lane_Customer", 1010, C, None),
    ("Gateway_Solvable", "exclusiveGateway", "Solvable at first line?", "Lane_ServiceDesk", 1050,
     F, None),
    ("Task_FixFirstLine", "userTask", "Fix at first line", "Lane_ServiceDesk", 1170, F, None),
    ("Task_Investigate", "userTask", "Investigate as specialist", "Lane_Specialists", 1170, B,
     None),
    ("Task_RecordFix", "serviceTask", "Record the fix", "Lane_System", 1300, S, None),
    ("Gateway_Fixed", "exclusiveGateway", None, "Lane_ServiceDesk", 1320, F, None),
    ("Task_TellFixed", "userTask", "Tell the customer it is fixed", "Lane_ServiceDesk", 1440, F,
     None),
    ("Task_CheckFix", "task", "Check the fix", "Lane_Customer", 1590, C, None),
    ("Gateway_Works", "exclusiveGateway", "Does it work?", "Lane_Customer", 1710, C, None),
    ("Task_Close", "serviceTask", "Close the ticket", "Lane_System", 1710, S, None),
    ("Task_Survey", "sendTask", "Send the satisfaction survey", "Lane_System", 1850, S, None),
    ("End_Closed", "endEvent", "Ticket closed", "Lane_Customer", 1900, C, None),
]
FLOWS = [  # id, source, target, name, waypoints (None: straight / one elbow)
    ("Flow_Email", "Start_Email", "Gateway_Channels", None, None),
    ("Flow_Phone", "Start_Phone", "Gateway_Channels", None, None),
    ("Flow_Portal", "Start_Portal", "Gateway_Channels", None, None),
    ("Flow_Contact", "Gateway_Channels", "Task_TakeInCharge", None, None),
    ("Flow_Register", "Task_TakeInCharge", "Task_Register", None, None),
    ("Flow_ToDiagnosis", "Task_Register", "Gateway_Diagnose", None, None),
    ("Flow_Diagnose", "Gateway_Diagnose", "Task_Diagnose", None, None),
    ("Flow_Enough", "Task_Diagnose", "Gateway_Enough", None, None),
    ("Flow_EnoughNo", "Gateway_Enough", "Task_AskDetails", "No", None),
    ("Flow_Ask", "Task_AskDetails", "Task_ProvideDetails", None, None),
    ("Flow_Details", "Task_ProvideDetails", "Gateway_Diagnose", None,
     [(1010, 260), (1010, 240), (600, 240), (600, 475)]),
    ("Flow_EnoughYes", "Gateway_Enough", "Gateway_Solvable", "Yes", None),
    ("Flow_SolvableYes", "Gateway_Solvable", "Task_FixFirstLine", "Yes", None),
    ("Flow_SolvableNo", "Gateway_Solvable", "Task_Investigate", "No", None),
    ("Flow_Record", "Task_Investigate", "Task_RecordFix", None, None),
    ("Flow_Recorded", "Task_RecordFix", "Gateway_Fixed", None, None),
    ("Flow_Fixed", "Task_FixFirstLine", "Gateway_Fixed", None, None),
    ("Flow_Tell", "Gateway_Fixed", "Task_TellFixed", None, None),
    ("Flow_Check", "Task_TellFixed", "Task_CheckFix", None, None),
    ("Flow_Works", "Task_CheckFix", "Gateway_Works", None, None),
    ("Flow_WorksNo", "Gateway_Works", "Gateway_Diagnose", "No",
     [(1710, 325), (1710, 378), (600, 378), (600, 475)]),
    ("Flow_WorksYes", "Gateway_Works", "Task_Close", "Yes", None),
    ("Flow_Survey", "Task_Close", "Task_Survey", None, None),
    ("Flow_End", "Task_Survey", "End_Closed", None, None),
]
EVIDENCE = [  # data object id, name, x centre, producing task
    ("Data_Ack", "Acknowledgement e-mail", 470, "Task_Register"),
    ("Data_Request", "Request for details", 920, "Task_AskDetails"),
    ("Data_Report", "Fix report", 1300, "Task_RecordFix"),
    ("Data_Survey", "Satisfaction survey", 1850, "Task_Survey"),
]


def size(kind: str) -> tuple[int, int]:
    if kind.endswith("Gateway"):
        return SIZES["gateway"]
    if kind.endswith("Event"):
        return SIZES["event"]
    return SIZES["task"]


def bounds(cx: float, cy: float, w: float, h: float) -> str:
    return f'<dc:Bounds x="{cx - w / 2:g}" y="{cy - h / 2:g}" width="{w:g}" height="{h:g}" />'


def main() -> None:
    box = {n[0]: (n[4], n[5], *size(n[1])) for n in NODES}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
           'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
           'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
           'id="Definitions_SupportBlueprint" targetNamespace="http://bpsim.example/blueprint" '
           'exporter="bpsim models/build_support_blueprint.py" exporterVersion="1">',
           '  <bpmn:collaboration id="Collaboration_Blueprint" name="IT support blueprint">',
           '    <bpmn:participant id="Participant_Desk" name="IT help desk" '
           'processRef="Process_Support" />']
    for gid, _name, _, _ in PHASES:
        out.append(f'    <bpmn:group id="{gid}" categoryValueRef="CategoryValue_{gid[6:]}" />')
    out.append("  </bpmn:collaboration>")
    out.append('  <bpmn:category id="Category_Phases" name="Journey phases">')
    for gid, name, _, _ in PHASES:
        out.append(f'    <bpmn:categoryValue id="CategoryValue_{gid[6:]}" value={quoteattr(name)} />')
    out.append("  </bpmn:category>")
    out.append('  <bpmn:process id="Process_Support" name="IT support request" isExecutable="false">')
    out.append('    <bpmn:laneSet id="LaneSet_Blueprint">')
    for lid, name, _ in LANES:
        out.append(f'      <bpmn:lane id="{lid}" name={quoteattr(name)}>')
        for n in NODES:
            if n[3] == lid:
                out.append(f"        <bpmn:flowNodeRef>{n[0]}</bpmn:flowNodeRef>")
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    inc = {n[0]: [] for n in NODES}
    outg = {n[0]: [] for n in NODES}
    for fid, s, t, _, _ in FLOWS:
        outg[s].append(fid)
        inc[t].append(fid)
    produced = {task: (did, name) for did, name, _, task in EVIDENCE}
    for nid, kind, name, _, _, _, extra in NODES:
        attr = f" name={quoteattr(name)}" if name else ""
        out.append(f'    <bpmn:{kind} id="{nid}"{attr}>')
        out += [f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in inc[nid]]
        out += [f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in outg[nid]]
        if nid in produced:
            did = produced[nid][0]
            out.append(f'      <bpmn:dataOutputAssociation id="Assoc_{did[5:]}">')
            out.append(f"        <bpmn:targetRef>Ref_{did}</bpmn:targetRef>")
            out.append("      </bpmn:dataOutputAssociation>")
        if extra == "message":
            out.append(f'      <bpmn:messageEventDefinition id="Def_{nid}" />')
        out.append(f"    </bpmn:{kind}>")
    for fid, s, t, name, _ in FLOWS:
        attr = f" name={quoteattr(name)}" if name else ""
        out.append(f'    <bpmn:sequenceFlow id="{fid}"{attr} sourceRef="{s}" targetRef="{t}" />')
    for did, name, _, _ in EVIDENCE:
        out.append(f'    <bpmn:dataObject id="{did}" />')
        out.append(f'    <bpmn:dataObjectReference id="Ref_{did}" name={quoteattr(name)} '
                   f'dataObjectRef="{did}" />')
    out.append("  </bpmn:process>")
    # -- the drawing ------------------------------------------------------------------------
    out.append('  <bpmndi:BPMNDiagram id="Diagram_Blueprint">')
    out.append('    <bpmndi:BPMNPlane id="Plane_Blueprint" bpmnElement="Collaboration_Blueprint">')
    height = sum(h for _, _, h in LANES)
    out.append('      <bpmndi:BPMNShape id="Participant_Desk_di" bpmnElement="Participant_Desk" '
               f'isHorizontal="true"><dc:Bounds x="{POOL_X}" y="{POOL_Y}" width="{WIDTH}" '
               f'height="{height}" /></bpmndi:BPMNShape>')
    y = POOL_Y
    for lid, _, h in LANES:
        out.append(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">'
                   f'<dc:Bounds x="{POOL_X + HEADER}" y="{y}" width="{WIDTH - HEADER}" '
                   f'height="{h}" /></bpmndi:BPMNShape>')
        y += h
    for gid, _, x0, x1 in PHASES:
        out.append(f'      <bpmndi:BPMNShape id="{gid}_di" bpmnElement="{gid}"><dc:Bounds x="{x0}" '
                   f'y="{POOL_Y - 10}" width="{x1 - x0 - 6}" height="{height + 20}" />'
                   "</bpmndi:BPMNShape>")
    for nid, _kind, *_ in NODES:
        cx, cy, w, h = box[nid]
        out.append(f'      <bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}">{bounds(cx, cy, w, h)}'
                   "</bpmndi:BPMNShape>")
    for did, _, x, _ in EVIDENCE:
        out.append(f'      <bpmndi:BPMNShape id="Ref_{did}_di" bpmnElement="Ref_{did}">'
                   f"{bounds(x, 200, 36, 50)}</bpmndi:BPMNShape>")
    for fid, s, t, _, points in FLOWS:
        if points is None:
            sx, sy, sw, sh = box[s]
            tx, ty, tw, th = box[t]
            if abs(sy - ty) < 1:
                points = [(sx + sw / 2, sy), (tx - tw / 2, ty)]
            elif abs(sx - tx) < 1:
                points = [(sx, sy + (sh / 2 if ty > sy else -sh / 2)),
                          (tx, ty - (th / 2 if ty > sy else -th / 2))]
            else:  # leave sideways, then turn towards the target
                points = [(sx + sw / 2, sy), (tx, sy), (tx, ty - (th / 2 if ty > sy else -th / 2))]
        out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
        out += [f'        <di:waypoint x="{x:g}" y="{y:g}" />' for x, y in points]
        out.append("      </bpmndi:BPMNEdge>")
    for did, _, x, task in EVIDENCE:
        cx, cy, w, h = box[task]
        out.append(f'      <bpmndi:BPMNEdge id="Assoc_{did[5:]}_di" bpmnElement="Assoc_{did[5:]}">'
                   f'<di:waypoint x="{cx:g}" y="{cy - h / 2:g}" /><di:waypoint x="{x:g}" y="225" />'
                   "</bpmndi:BPMNEdge>")
    out.append("    </bpmndi:BPMNPlane>")
    out.append("  </bpmndi:BPMNDiagram>")
    out.append("</bpmn:definitions>")
    OUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
