"""The validator learns from the reader, not from the file: a BPMN document read from bytes
(no file to look at again) gets the same findings about empty conditions, conditional events
and message references as a file would."""

from __future__ import annotations

import bpsim
from bpsim.validate import validate

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/'
        'BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'id="D" targetNamespace="t">')


def _doc(body: str, *, messages: str = "", collaboration: str = "") -> bytes:
    return (HEAD + messages + collaboration + '<process id="P" isExecutable="true">' + body
            + "</process></definitions>").encode()


def _rules(p, rule: str) -> list:
    return [f for f in validate(p, config={}) if f.rule == rule]


GATEWAY = ('<startEvent id="S" name="Ticket in"/><sequenceFlow id="F0" sourceRef="S" '
           'targetRef="G"/><exclusiveGateway id="G" name="Urgent?"/>'
           '<sequenceFlow id="F1" name="Yes" sourceRef="G" targetRef="E1">'
           '<conditionExpression xsi:type="tFormalExpression">urgent</conditionExpression>'
           '</sequenceFlow><sequenceFlow id="F2" sourceRef="G" targetRef="E2">'
           '<conditionExpression xsi:type="tFormalExpression"/></sequenceFlow>'
           '<endEvent id="E1" name="Done fast"/><endEvent id="E2" name="Done"/>')


def test_an_empty_condition_expression_makes_the_flow_conditional():
    p = bpsim.read_bpmn(_doc(GATEWAY))
    assert p.flows["F2"].conditional and p.flows["F2"].condition is None
    assert p.flows["F1"].conditional and p.flows["F1"].condition == "urgent"
    assert not p.flows["F0"].conditional
    # the unnamed conditional flow F2 needs a label; F0 (unconditional) does not
    assert [f.element_id for f in _rules(p, "label-required")] == ["F2"]


CONDITIONAL_EVENTS = (
    '<startEvent id="S" name="In"/><sequenceFlow id="F0" sourceRef="S" targetRef="C1"/>'
    '<intermediateCatchEvent id="C1" name="Stock arrives"><conditionalEventDefinition>'
    '<condition xsi:type="tFormalExpression">stock &gt; 0</condition>'
    '</conditionalEventDefinition></intermediateCatchEvent>'
    '<sequenceFlow id="F1" sourceRef="C1" targetRef="C2"/>'
    '<intermediateCatchEvent id="C2" name="Approved"><conditionalEventDefinition>'
    '<condition xsi:type="tFormalExpression"/></conditionalEventDefinition>'
    '</intermediateCatchEvent><sequenceFlow id="F2" sourceRef="C2" targetRef="C3"/>'
    '<intermediateCatchEvent id="C3" name="Whenever"><conditionalEventDefinition/>'
    '</intermediateCatchEvent><sequenceFlow id="F3" sourceRef="C3" targetRef="E"/>'
    '<endEvent id="E" name="Out"/>')


def test_conditional_event_conditions_come_from_the_reader():
    p = bpsim.read_bpmn(_doc(CONDITIONAL_EVENTS))
    g = p.graph
    assert (g.nodes["C1"]["condition"], g.nodes["C2"]["condition"],
            g.nodes["C3"]["condition"]) == ("stock > 0", "", None)
    # an empty <condition/> and a missing one both state no condition; C1 states one
    assert sorted(f.element_id for f in _rules(p, "conditional-event")) == ["C2", "C3"]


def test_message_refs_come_from_tasks_events_and_message_flows():
    messages = ('<message id="M_task" name="Reply"/><message id="M_flow" name="Request"/>'
                '<message id="M_event" name="Reminder"/><message id="M_unused" name="Spam"/>')
    collaboration = ('<collaboration id="C"><participant id="Pool" name="Desk" processRef="P"/>'
                     '<participant id="Cust" name="Customer"/><messageFlow id="MF" '
                     'sourceRef="Cust" targetRef="S" messageRef="M_flow"/></collaboration>')
    body = ('<startEvent id="S" name="Request in"><messageEventDefinition messageRef="M_event"/>'
            '</startEvent><sequenceFlow id="F0" sourceRef="S" targetRef="T"/>'
            '<sendTask id="T" name="Reply" messageRef="M_task"/>'
            '<sequenceFlow id="F1" sourceRef="T" targetRef="E"/><endEvent id="E" name="Out"/>')
    p = bpsim.read_bpmn(_doc(body, messages=messages, collaboration=collaboration))
    assert p.graph.nodes["T"]["message_ref"] == "M_task"
    assert p.message_flows["MF"].message == "M_flow"
    unused = [f.element_id for f in _rules(p, "global") if "not used" in f.message]
    assert unused == ["M_unused"]


def test_the_validator_does_not_read_the_file_again(tmp_path, monkeypatch):
    """Same findings from a path and from bytes, and no XML parse during validation."""
    path = tmp_path / "desk.bpmn"
    path.write_bytes(_doc(GATEWAY + "").replace(b'id="E2" name="Done"', b'id="E2"'))
    from_file = bpsim.read_bpmn(path)
    from_bytes = bpsim.read_bpmn(path.read_bytes())

    import bpsim.io.safexml as safexml

    def refuse(*args, **kwargs):
        raise AssertionError("the validator parsed XML")

    monkeypatch.setattr(safexml, "parse_xml", refuse)
    a = sorted((f.rule, f.element_id) for f in validate(from_file, config={}))
    b = sorted((f.rule, f.element_id) for f in validate(from_bytes, config={}))
    assert a == b and ("label-required", "F2") in a
