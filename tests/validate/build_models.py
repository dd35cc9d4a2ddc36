"""Write the small BPMN models of tests/validate/models/ (run: python tests/validate/build_models.py).

Each model is a few lines of a tiny description turned into BPMN 2.0 XML with a diagram (shapes
on a grid, so that layout rules stay quiet unless a model asks otherwise). The files are
committed; the tests read the files, not this script. ``<rule>.bpmn`` breaks the rule (the
element the finding must name is in EXPECTED in test_models.py); ``<rule>.clean.bpmn`` is its
repaired twin and must stay clean.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent / "models"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'id="Defs" targetNamespace="http://bpsim.test/validate">\n')
SIZES = {"event": (36, 36), "gateway": (50, 50), "task": (100, 80)}


def _size(kind):
    if kind.endswith("Event"):
        return SIZES["event"]
    if kind.endswith("Gateway"):
        return SIZES["gateway"]
    return SIZES["task"]


def N(id, kind, name=None, **opts):  # noqa: N802 - a tiny DSL
    """A node: ``N("T1", "task", "Triage", parent="SP", events=["message"], ...)``."""
    return {"id": id, "kind": kind, "name": name, **opts}


def F(id, source, target, name=None, cond=None):  # noqa: N802
    """A sequence flow; ``cond=""`` writes an empty conditionExpression."""
    return {"id": id, "source": source, "target": target, "name": name, "cond": cond}


def _node_xml(n, nodes, flows, indent):
    pad = " " * indent
    attrs = f'id="{n["id"]}"'
    if n.get("name") is not None:
        attrs += f" name={quoteattr(n['name'])}"
    for key, xml in (("default", "default"), ("attached", "attachedToRef")):
        if n.get(key):
            attrs += f' {xml}="{n[key]}"'
    if n.get("cancel") is False:
        attrs += ' cancelActivity="false"'
    if n.get("triggered"):
        attrs += ' triggeredByEvent="true"'
    body = []
    for ev in n.get("events", []):
        kind, _, arg = ev.partition(":")
        if kind == "timer":
            body.append(f'<bpmn:timerEventDefinition><bpmn:timeDuration>{arg or "PT1H"}'
                        "</bpmn:timeDuration></bpmn:timerEventDefinition>")
        elif kind == "link":
            body.append(f'<bpmn:linkEventDefinition name="{arg}" />')
        elif kind == "conditional":
            body.append("<bpmn:conditionalEventDefinition><bpmn:condition>"
                        f"{escape(arg)}</bpmn:condition></bpmn:conditionalEventDefinition>")
        elif kind == "message" and arg:
            body.append(f'<bpmn:messageEventDefinition messageRef="{arg}" />')
        else:
            body.append(f"<bpmn:{kind}EventDefinition />")
    children = [c for c in nodes if c.get("parent") == n["id"]]
    inner = [_node_xml(c, nodes, flows, indent + 2) for c in children]
    inner += [_flow_xml(f, indent + 2) for f in flows if _scope(f, nodes) == n["id"]]
    lines = [f"{pad}<bpmn:{n['kind']} {attrs}>"]
    lines += [f"{pad}  {b}" for b in body] + inner
    lines.append(f"{pad}</bpmn:{n['kind']}>")
    return "\n".join(lines)


def _scope(flow, nodes):
    by_id = {n["id"]: n for n in nodes}
    source = by_id.get(flow["source"]) or by_id.get(flow["target"]) or {}
    return source.get("parent")


def _flow_xml(f, indent):
    pad = " " * indent
    attrs = f'id="{f["id"]}" sourceRef="{f["source"]}" targetRef="{f["target"]}"'
    if f.get("name") is not None:
        attrs += f" name={quoteattr(f['name'])}"
    if f.get("cond") is None:
        return f"{pad}<bpmn:sequenceFlow {attrs} />"
    return (f"{pad}<bpmn:sequenceFlow {attrs}><bpmn:conditionExpression>{escape(f['cond'])}"
            "</bpmn:conditionExpression></bpmn:sequenceFlow>")


def _layout(nodes, bounds):
    """Top-level nodes left to right; a sub-process is drawn expanded around its children."""
    placed = dict(bounds)

    def place(items, x, y):
        for n in items:
            if n["id"] in placed or n.get("attached"):
                continue
            children = [c for c in nodes if c.get("parent") == n["id"] and not c.get("attached")]
            if children:
                x_end = place(children, x + 40, y + 40)
                w, h = x_end - x, 200
            else:
                w, h = _size(n["kind"])
            placed[n["id"]] = (x, y + (80 - h) / 2 if h < 80 else y, w, h)
            x += w + 60
        return x

    place([n for n in nodes if not n.get("parent")], 50, 100)
    for n in nodes:
        if n.get("attached") and n["id"] not in placed:
            hx, hy, hw, hh = placed[n["attached"]]
            placed[n["id"]] = (hx + hw - 50, hy + hh - 18, 36, 36)
    return placed


def model(name, nodes, flows, *, executable=None, messages=(), di=True, undrawn=(),
          bounds=None, extra=""):
    """Write ``models/<name>.bpmn``."""
    attrs = 'id="Process_1" name="Test process"'
    if executable is not None:
        attrs += f' isExecutable="{str(executable).lower()}"'
    lines = [HEAD]
    for mid, mname in messages:
        lines.append(f'  <bpmn:message id="{mid}"' + (f' name="{mname}"' if mname else "")
                     + " />\n")
    lines.append(f"  <bpmn:process {attrs}>\n")
    for n in nodes:
        if not n.get("parent"):
            lines.append(_node_xml(n, nodes, flows, 4) + "\n")
    for f in flows:
        if _scope(f, nodes) is None:
            lines.append(_flow_xml(f, 4) + "\n")
    lines.append(extra)
    lines.append("  </bpmn:process>\n")
    if di:
        placed = _layout(nodes, bounds or {})
        lines.append('  <bpmndi:BPMNDiagram id="Diagram_1">\n'
                     '    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="Process_1">\n')
        for n in nodes:
            if n["id"] in undrawn:
                continue
            x, y, w, h = placed[n["id"]]
            expanded = ' isExpanded="true"' if any(c.get("parent") == n["id"] for c in nodes) \
                else ""
            lines.append(f'      <bpmndi:BPMNShape id="{n["id"]}_di" bpmnElement="{n["id"]}"'
                         f'{expanded}><dc:Bounds x="{x:g}" y="{y:g}" width="{w:g}" '
                         f'height="{h:g}" /></bpmndi:BPMNShape>\n')
        for f in flows:
            if f["id"] in undrawn or f["source"] not in placed or f["target"] not in placed:
                continue
            sx, sy, sw, sh = placed[f["source"]]
            tx, ty, tw, th = placed[f["target"]]
            lines.append(f'      <bpmndi:BPMNEdge id="{f["id"]}_di" bpmnElement="{f["id"]}">'
                         f'<di:waypoint x="{sx + sw:g}" y="{sy + sh / 2:g}" />'
                         f'<di:waypoint x="{tx:g}" y="{ty + th / 2:g}" /></bpmndi:BPMNEdge>\n')
        lines.append("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n")
    lines.append("</bpmn:definitions>\n")
    HERE.mkdir(exist_ok=True)
    (HERE / f"{name}.bpmn").write_text("".join(lines), encoding="utf-8")


# -- building blocks ----------------------------------------------------------------------
def line(*ids, kinds=None, names=None):
    """Nodes and flows of a straight path: start, tasks ..., end."""
    kinds = kinds or {}
    nodes, flows = [], []
    for i, nid in enumerate(ids):
        kind = kinds.get(nid) or ("startEvent" if i == 0 else "endEvent" if i == len(ids) - 1
                                  else "task")
        nodes.append(N(nid, kind, (names or {}).get(nid, nid.replace("_", " "))))
        if i:
            flows.append(F(f"Flow_{ids[i - 1]}_{nid}", ids[i - 1], nid))
    return nodes, flows


def build() -> None:  # noqa: PLR0915 - one model after the other
    # ad-hoc-sub-process
    model("ad-hoc-sub-process", [
        N("Start", "startEvent", "Start"), N("AdHoc", "adHocSubProcess", "Research"),
        N("Start_Inside", "startEvent", "Begin", parent="AdHoc"),
        N("Task_Read", "task", "Read", parent="AdHoc"), N("End", "endEvent", "End")],
        [F("F1", "Start", "AdHoc"), F("F2", "AdHoc", "End"),
         F("F3", "Start_Inside", "Task_Read")])
    model("ad-hoc-sub-process.clean", [
        N("Start", "startEvent", "Start"), N("AdHoc", "adHocSubProcess", "Research"),
        N("Task_Read", "task", "Read", parent="AdHoc"),
        N("Task_Write", "task", "Write", parent="AdHoc"), N("End", "endEvent", "End")],
        [F("F1", "Start", "AdHoc"), F("F2", "AdHoc", "End")])
    # conditional-event (in an executable process)
    def waiting(condition):
        nodes, flows = line("Start", "Event_Stock", "End")
        nodes[1] = N("Event_Stock", "intermediateCatchEvent", "Stock arrived",
                     events=[f"conditional:{condition}"])
        return nodes, flows
    model("conditional-event", *waiting(""), executable=True)
    model("conditional-event.clean", *waiting("${stock > 0}"), executable=True)
    # conditional-flows
    xor = [N("Start", "startEvent", "Start"), N("Gateway_Check", "exclusiveGateway", "Urgent?"),
           N("Task_A", "task", "Escalate"), N("Task_B", "task", "Queue"),
           N("Merge", "exclusiveGateway"), N("End", "endEvent", "End")]
    model("conditional-flows", xor, [
        F("F1", "Start", "Gateway_Check"), F("Flow_Yes", "Gateway_Check", "Task_A", "Yes", "urgent"),
        F("Flow_No", "Gateway_Check", "Task_B", "No"), F("F4", "Task_A", "Merge"),
        F("F5", "Task_B", "Merge"), F("F6", "Merge", "End")])
    xor_default = [dict(n) for n in xor]
    xor_default[1]["default"] = "Flow_No"
    model("conditional-flows.clean", xor_default, [
        F("F1", "Start", "Gateway_Check"), F("Flow_Yes", "Gateway_Check", "Task_A", "Yes", "urgent"),
        F("Flow_No", "Gateway_Check", "Task_B", "No"), F("F4", "Task_A", "Merge"),
        F("F5", "Task_B", "Merge"), F("F6", "Merge", "End")])
    # end-event-required / start-event-required
    nodes, flows = line("Start", "Task_Work", "Task_Check", kinds={"Task_Check": "task"})
    model("end-event-required", nodes, flows)
    model("end-event-required.clean", *line("Start", "Task_Work", "End"))
    nodes, flows = line("Task_First", "Task_Work", "End", kinds={"Task_First": "task"})
    model("start-event-required", nodes, flows)
    model("start-event-required.clean", *line("Start", "Task_Work", "End"))
    # event-based-gateway
    model("event-based-gateway", [
        N("Start", "startEvent", "Start"), N("Gateway_Wait", "eventBasedGateway"),
        N("Event_Reply", "intermediateCatchEvent", "Reply", events=["message"]),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Gateway_Wait"), F("F2", "Gateway_Wait", "Event_Reply"),
         F("F3", "Event_Reply", "End")])
    model("event-based-gateway.clean", [
        N("Start", "startEvent", "Start"), N("Gateway_Wait", "eventBasedGateway"),
        N("Event_Reply", "intermediateCatchEvent", "Reply", events=["message"]),
        N("Event_Timeout", "intermediateCatchEvent", "5 days", events=["timer:P5D"]),
        N("Merge", "exclusiveGateway"), N("End", "endEvent", "End")],
        [F("F1", "Start", "Gateway_Wait"), F("F2", "Gateway_Wait", "Event_Reply"),
         F("F3", "Gateway_Wait", "Event_Timeout"), F("F4", "Event_Reply", "Merge"),
         F("F5", "Event_Timeout", "Merge"), F("F6", "Merge", "End")])
    # event-sub-process-typed-start-event
    def event_sub(start_events):
        nodes, flows = line("Start", "Task_Work", "End")
        nodes += [N("EventSub", "subProcess", "On complaint", triggered=True),
                  N("Start_Complaint", "startEvent", "Complaint", parent="EventSub",
                    events=start_events),
                  N("Task_Apologise", "task", "Apologise", parent="EventSub"),
                  N("End_Complaint", "endEvent", "Handled", parent="EventSub")]
        flows += [F("F_c1", "Start_Complaint", "Task_Apologise"),
                  F("F_c2", "Task_Apologise", "End_Complaint")]
        return nodes, flows
    model("event-sub-process-typed-start-event", *event_sub([]))
    model("event-sub-process-typed-start-event.clean", *event_sub(["message"]))
    # fake-join
    model("fake-join", [
        N("Start", "startEvent", "Start"), N("Gateway_Check", "exclusiveGateway", "Known?"),
        N("Task_Create", "task", "Create contact"), N("Task_Open", "task", "Open ticket"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Gateway_Check"), F("F2", "Gateway_Check", "Task_Create", "No"),
         F("F3", "Gateway_Check", "Task_Open", "Yes"), F("F4", "Task_Create", "Task_Open"),
         F("F5", "Task_Open", "End")])
    model("fake-join.clean", [
        N("Start", "startEvent", "Start"), N("Gateway_Check", "exclusiveGateway", "Known?"),
        N("Task_Create", "task", "Create contact"), N("Merge", "exclusiveGateway"),
        N("Task_Open", "task", "Open ticket"), N("End", "endEvent", "End")],
        [F("F1", "Start", "Gateway_Check"), F("F2", "Gateway_Check", "Task_Create", "No"),
         F("F3", "Gateway_Check", "Merge", "Yes"), F("F4", "Task_Create", "Merge"),
         F("F5", "Merge", "Task_Open"), F("F6", "Task_Open", "End")])
    # global
    nodes, flows = line("Start", "Task_Work", "End")
    nodes[0]["events"] = ["message:Message_Used"]
    model("global", nodes, flows, messages=[("Message_Used", "Request"), ("Message_Unused", "")])
    model("global.clean", nodes, flows, messages=[("Message_Used", "Request")])
    # label-required
    nodes, flows = line("Start", "Task_Work", "End")
    nodes[1]["name"] = None
    model("label-required", nodes, flows)
    model("label-required.clean", *line("Start", "Task_Work", "End"))
    # link-event
    def linked(catch_name):
        return ([N("Start", "startEvent", "Start"), N("Task_A", "task", "First half"),
                 N("Link_Throw", "intermediateThrowEvent", "To part 2", events=["link:Part2"]),
                 N("Link_Catch", "intermediateCatchEvent", "Part 2",
                   events=[f"link:{catch_name}"]),
                 N("Task_B", "task", "Second half"), N("End", "endEvent", "End")],
                [F("F1", "Start", "Task_A"), F("F2", "Task_A", "Link_Throw"),
                 F("F3", "Link_Catch", "Task_B"), F("F4", "Task_B", "End")])
    model("link-event", *linked("Part3"))
    model("link-event.clean", *linked("Part2"))
    # no-bpmndi
    nodes, flows = line("Start", "Task_Work", "End")
    model("no-bpmndi", nodes, flows, undrawn={"Task_Work"})
    model("no-bpmndi.clean", nodes, flows)
    # no-complex-gateway / no-inclusive-gateway / no-gateway-join-fork
    def split_join(kind_split, kind_join, names=("Which?", None)):
        def label(text):  # only decisions carry branch labels (superfluous-label)
            return text if kind_split in ("exclusiveGateway", "inclusiveGateway") else None

        return ([N("Start", "startEvent", "Start"), N("Split", kind_split, names[0]),
                 N("Task_A", "task", "Phone"), N("Task_B", "task", "Mail"),
                 N("Join", kind_join, names[1]), N("End", "endEvent", "End")],
                [F("F1", "Start", "Split"), F("F2", "Split", "Task_A", label("phone")),
                 F("F3", "Split", "Task_B", label("mail")), F("F4", "Task_A", "Join"),
                 F("F5", "Task_B", "Join"), F("F6", "Join", "End")])
    model("no-complex-gateway", *split_join("complexGateway", "complexGateway"))
    model("no-complex-gateway.clean", *split_join("exclusiveGateway", "exclusiveGateway"))
    model("no-inclusive-gateway", *split_join("inclusiveGateway", "inclusiveGateway"))
    model("no-inclusive-gateway.clean", *split_join("exclusiveGateway", "exclusiveGateway"))
    model("no-gateway-join-fork", [
        N("Start", "startEvent", "Start"), N("Split", "parallelGateway"),
        N("Task_A", "task", "A"), N("Task_B", "task", "B"),
        N("Gateway_Both", "parallelGateway"), N("Task_C", "task", "C"), N("Task_D", "task", "D"),
        N("Join", "parallelGateway"), N("End", "endEvent", "End")],
        [F("F1", "Start", "Split"), F("F2", "Split", "Task_A"), F("F3", "Split", "Task_B"),
         F("F4", "Task_A", "Gateway_Both"), F("F5", "Task_B", "Gateway_Both"),
         F("F6", "Gateway_Both", "Task_C"), F("F7", "Gateway_Both", "Task_D"),
         F("F8", "Task_C", "Join"), F("F9", "Task_D", "Join"), F("F10", "Join", "End")])
    model("no-gateway-join-fork.clean", *split_join("parallelGateway", "parallelGateway"))
    # no-disconnected / no-implicit-end / no-implicit-start / no-implicit-split
    nodes, flows = line("Start", "Task_Work", "End")
    model("no-disconnected", nodes + [N("Task_Alone", "task", "Forgotten")], flows)
    model("no-disconnected.clean", nodes, flows)
    model("no-implicit-end", nodes + [N("Task_Dead_End", "task", "Note")],
          flows + [F("F_x", "Task_Work", "Task_Dead_End")])
    model("no-implicit-end.clean", nodes, flows)
    model("no-implicit-start", nodes + [N("Task_From_Nowhere", "task", "Note")],
          flows + [F("F_x", "Task_From_Nowhere", "End")])
    model("no-implicit-start.clean", nodes, flows)
    model("no-implicit-split", [
        N("Start", "startEvent", "Start"), N("Task_Work", "task", "Triage"),
        N("Task_A", "task", "Reply"), N("Task_B", "task", "Log"), N("Join", "parallelGateway"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Task_Work"), F("F2", "Task_Work", "Task_A"),
         F("F3", "Task_Work", "Task_B"), F("F4", "Task_A", "Join"), F("F5", "Task_B", "Join"),
         F("F6", "Join", "End")])
    model("no-implicit-split.clean", *split_join("parallelGateway", "parallelGateway"))
    # no-duplicate-sequence-flows
    model("no-duplicate-sequence-flows", nodes, flows + [F("Flow_Again", "Start", "Task_Work")])
    model("no-duplicate-sequence-flows.clean", nodes, flows)
    # no-overlapping-elements
    model("no-overlapping-elements", nodes, flows,
          bounds={"Task_Work": (60, 90, 100, 80)})
    model("no-overlapping-elements.clean", nodes, flows)
    # single-blank-start-event / single-event-definition
    model("single-blank-start-event", nodes + [N("Start_Again", "startEvent", "Start 2")],
          flows + [F("F_x", "Start_Again", "Task_Work")])
    model("single-blank-start-event.clean", nodes, flows)
    nodes2 = [dict(n) for n in nodes]
    nodes2[0]["events"] = ["message", "timer"]
    model("single-event-definition", nodes2, flows)
    model("single-event-definition.clean", nodes, flows)
    # standard-size (off by default; the test enables it)
    model("standard-size", nodes, flows, bounds={"Task_Work": (146, 100, 120, 80)})
    model("standard-size.clean", nodes, flows)
    # sub-process-blank-start-event
    def sub(events):
        return ([N("Start", "startEvent", "Start"), N("Sub", "subProcess", "Resolve"),
                 N("Start_Sub", "startEvent", "Begin", parent="Sub", events=events),
                 N("Task_Fix", "task", "Fix", parent="Sub"),
                 N("End_Sub", "endEvent", "Done", parent="Sub"), N("End", "endEvent", "End")],
                [F("F1", "Start", "Sub"), F("F2", "Sub", "End"),
                 F("F3", "Start_Sub", "Task_Fix"), F("F4", "Task_Fix", "End_Sub")])
    model("sub-process-blank-start-event", *sub(["timer"]))
    model("sub-process-blank-start-event.clean", *sub([]))
    # superfluous-gateway / superfluous-label / superfluous-termination
    model("superfluous-gateway", [
        N("Start", "startEvent", "Start"), N("Gateway_Useless", "exclusiveGateway", "Check?"),
        N("Task_Work", "task", "Work"), N("End", "endEvent", "End")],
        [F("F1", "Start", "Gateway_Useless"), F("F2", "Gateway_Useless", "Task_Work"),
         F("F3", "Task_Work", "End")])
    model("superfluous-gateway.clean", nodes, flows)
    model("superfluous-label", nodes, [F("F1", "Start", "Task_Work"),
                                       F("Flow_Named", "Task_Work", "End", "then")])
    model("superfluous-label.clean", nodes, flows)
    term = [dict(n) for n in nodes]
    term[-1]["events"] = ["terminate"]
    model("superfluous-termination", term, flows)
    model("superfluous-termination.clean", nodes, flows)

    # -- structure ---------------------------------------------------------------------
    model("dangling-reference", nodes + [
        N("Boundary_Lost", "boundaryEvent", "Timeout", attached="Task_Gone", events=["timer"]),
        N("End_Timeout", "endEvent", "Timed out")],
        flows + [F("F_b", "Boundary_Lost", "End_Timeout")],
        bounds={"Boundary_Lost": (400, 300, 36, 36)})
    model("dangling-reference.clean", nodes + [
        N("Boundary_Timer", "boundaryEvent", "Timeout", attached="Task_Work", events=["timer"]),
        N("End_Timeout", "endEvent", "Timed out")],
        flows + [F("F_b", "Boundary_Timer", "End_Timeout")])
    model("unreachable", nodes + [N("Task_Loop_A", "task", "A"), N("Task_Loop_B", "task", "B")],
          flows + [F("F_a", "Task_Loop_A", "Task_Loop_B"), F("F_b", "Task_Loop_B", "Task_Loop_A"),
                   F("F_c", "Task_Loop_B", "End")])
    model("unreachable.clean", nodes, flows)
    loop_nodes = [N("Start", "startEvent", "Start"), N("Gateway_Route", "exclusiveGateway", "Route?"),
                  N("Task_Enter", "task", "Enter loop"),
                  N("Task_Ask", "task", "Ask again"), N("Task_Wait", "task", "Wait"),
                  N("End", "endEvent", "End")]
    model("no-path-to-end", loop_nodes, [
        F("F1", "Start", "Gateway_Route"), F("F2", "Gateway_Route", "End", "done"),
        F("F3", "Gateway_Route", "Task_Enter", "more"), F("F4", "Task_Enter", "Task_Ask"),
        F("F5", "Task_Ask", "Task_Wait"), F("F6", "Task_Wait", "Task_Ask")])
    model("no-path-to-end.clean", *line("Start", "Task_Enter", "End"))
    model("soundness-livelock", [
        N("Start", "startEvent", "Start"), N("Task_Ask", "task", "Ask customer"),
        N("Task_Wait", "task", "Wait for reply"), N("Merge", "exclusiveGateway"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Merge"), F("F2", "Merge", "Task_Ask"), F("F3", "Task_Ask", "Task_Wait"),
         F("F4", "Task_Wait", "Merge")])
    model("soundness-livelock.clean", [
        N("Start", "startEvent", "Start"), N("Merge", "exclusiveGateway"),
        N("Task_Ask", "task", "Ask customer"), N("Gateway_Answered", "exclusiveGateway", "Answered?"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Merge"), F("F2", "Merge", "Task_Ask"),
         F("F3", "Task_Ask", "Gateway_Answered"), F("F4", "Gateway_Answered", "Merge", "no"),
         F("F5", "Gateway_Answered", "End", "yes")])

    # -- behaviour ---------------------------------------------------------------------
    deadlock = split_join("exclusiveGateway", "parallelGateway")
    deadlock[0][1]["id"] = "Gateway_Decide"
    deadlock[0][4]["id"] = "Gateway_Join"
    for f in deadlock[1]:
        f["source"] = {"Split": "Gateway_Decide", "Join": "Gateway_Join"}.get(f["source"], f["source"])
        f["target"] = {"Split": "Gateway_Decide", "Join": "Gateway_Join"}.get(f["target"], f["target"])
    model("soundness-deadlock", *deadlock)
    model("soundness-deadlock.clean", *split_join("exclusiveGateway", "exclusiveGateway"))
    unsync = split_join("parallelGateway", "exclusiveGateway")
    unsync[0][4]["id"] = "Gateway_Merge"
    for f in unsync[1]:
        f["source"] = "Gateway_Merge" if f["source"] == "Join" else f["source"]
        f["target"] = "Gateway_Merge" if f["target"] == "Join" else f["target"]
    model("soundness-lack-of-synchronisation", *unsync)
    model("soundness-lack-of-synchronisation.clean",
          *split_join("parallelGateway", "parallelGateway"))
    or_nodes = [N("Start", "startEvent", "Start"), N("Fork", "parallelGateway"),
                N("Task_A", "task", "Notify"), N("Gateway_Choice", "exclusiveGateway", "Channel?"),
                N("Task_B", "task", "Phone"), N("Task_C", "task", "Mail"),
                N("Gateway_AndJoin", "parallelGateway"), N("Gateway_OrJoin", "inclusiveGateway"),
                N("End", "endEvent", "End")]
    or_flows = [F("F1", "Start", "Fork"), F("F2", "Fork", "Task_A"), F("F3", "Fork", "Gateway_Choice"),
                F("F4", "Gateway_Choice", "Task_B", "phone"), F("F5", "Gateway_Choice", "Task_C", "mail"),
                F("F6", "Task_B", "Gateway_AndJoin"), F("F7", "Task_C", "Gateway_AndJoin"),
                F("F8", "Task_A", "Gateway_OrJoin"), F("F9", "Gateway_AndJoin", "Gateway_OrJoin"),
                F("F10", "Gateway_OrJoin", "End")]
    model("soundness-or-join", or_nodes, or_flows)
    or_clean = [dict(n) for n in or_nodes]
    or_clean[6] = N("Gateway_AndJoin", "exclusiveGateway")
    model("soundness-or-join.clean", or_clean, or_flows)
    model("soundness-improper-completion", [
        N("Start", "startEvent", "Start"), N("Fork", "parallelGateway"),
        N("Task_Notify", "task", "Notify"), N("End_Notified", "endEvent", "Notified"),
        N("Gateway_Choice", "exclusiveGateway", "Channel?"), N("Task_B", "task", "Phone"),
        N("Task_C", "task", "Mail"), N("Gateway_Join", "parallelGateway"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Fork"), F("F2", "Fork", "Task_Notify"),
         F("F3", "Task_Notify", "End_Notified"), F("F4", "Fork", "Gateway_Choice"),
         F("F5", "Gateway_Choice", "Task_B", "phone"), F("F6", "Gateway_Choice", "Task_C", "mail"),
         F("F7", "Task_B", "Gateway_Join"), F("F8", "Task_C", "Gateway_Join"),
         F("F9", "Gateway_Join", "End")])
    model("soundness-improper-completion.clean", [
        N("Start", "startEvent", "Start"), N("Fork", "parallelGateway"),
        N("Task_Notify", "task", "Notify"), N("End_Notified", "endEvent", "Notified"),
        N("Gateway_Choice", "exclusiveGateway", "Channel?"), N("Task_B", "task", "Phone"),
        N("Task_C", "task", "Mail"), N("Gateway_Join", "exclusiveGateway"),
        N("End", "endEvent", "End")],
        [F("F1", "Start", "Fork"), F("F2", "Fork", "Task_Notify"),
         F("F3", "Task_Notify", "End_Notified"), F("F4", "Fork", "Gateway_Choice"),
         F("F5", "Gateway_Choice", "Task_B", "phone"), F("F6", "Gateway_Choice", "Task_C", "mail"),
         F("F7", "Task_B", "Gateway_Join"), F("F8", "Task_C", "Gateway_Join"),
         F("F9", "Gateway_Join", "End")])
    # a wide parallel block: 2**8 interleavings, so a bound of 50 markings is hit
    wide = [N("Start", "startEvent", "Start"), N("Fork", "parallelGateway")]
    wide_flows = [F("F0", "Start", "Fork")]
    for i in range(8):
        wide.append(N(f"Task_{i}", "task", f"Step {i}"))
        wide_flows += [F(f"Fa{i}", "Fork", f"Task_{i}"), F(f"Fb{i}", f"Task_{i}", "Join")]
    wide += [N("Join", "parallelGateway"), N("End", "endEvent", "End")]
    wide_flows.append(F("Fz", "Join", "End"))
    model("soundness-bound", wide, wide_flows)
    model("soundness-bound.clean", nodes, flows)
    # files without <incoming>/<outgoing> and without DI, as Activiti/Flowable write them
    model("no-io-tags", *line("Start", "Task_Work", "Task_Check", "End"), di=False)


if __name__ == "__main__":
    build()
    print(f"wrote {len(list(HERE.glob('*.bpmn')))} models to {HERE}")
