"""An M/M/c service desk in one task: tickets arrive at random, c agents handle them.

Arrivals every 25 s on average (lam = 1/25 /s), handling 100 s on average (mu = 1/100 /s):
an offered load of 4 agents. The SLA asks that 90 % of tickets be taken in charge within
100 s, i.e. P(Wq > 100 s) <= 10 %. Erlang C gives P(Wq > 100) = 0.204 with 5 agents (twice
the limit) and 0.039 with 6 (under half of it): a margin wide enough that simulation noise
(a few points of breach rate with the run below) cannot flip the answer.
"""

from __future__ import annotations

from pathlib import Path

ARRIVAL_MEAN = 25.0
SERVICE_MEAN = 100.0
TARGET = 100.0
ATTAIN = 0.90

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_MMc"
             targetNamespace="http://bpsim.test/mmc">
  <process id="Process_MMc" name="M/M/c desk" isExecutable="false">
    <laneSet id="LaneSet_1">
      <lane id="Lane_Agent" name="Agent">
        <flowNodeRef>Start</flowNodeRef>
        <flowNodeRef>Task_Handle</flowNodeRef>
        <flowNodeRef>End</flowNodeRef>
      </lane>
    </laneSet>
    <startEvent id="Start" name="Ticket received"/>
    <userTask id="Task_Handle" name="Handle ticket"/>
    <endEvent id="End" name="Ticket closed"/>
    <sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_Handle"/>
    <sequenceFlow id="Flow_2" sourceRef="Task_Handle" targetRef="End"/>
  </process>
</definitions>
"""


def scenario_yaml(staff: int = 5, replications: int = 8, horizon: str = "6h",
                  warmup: str = "30m", seed: int = 7) -> str:
    return f"""\
name: M/M/c desk
seed: {seed}
replications: {replications}
horizon: {horizon}
warmup: {warmup}
arrivals:
  Ticket received: {{interarrival: exponential(mean={ARRIVAL_MEAN:g}s)}}
roles:
  Agent: {{staff: {staff}, cost_per_hour: 30}}
tasks:
  Handle ticket: {{duration: exponential(mean={SERVICE_MEAN:g}s), role: Agent}}
slas:
  - {{name: taken in charge, from: Ticket received, to: Handle ticket.start, target: {TARGET:g}s, attain: {ATTAIN:.0%}}}
"""


def write_model(folder: Path, **kw) -> tuple[Path, Path]:
    """Write ``mmc.bpmn`` and ``mmc.yaml`` into ``folder``; return both paths."""
    bpmn = folder / "mmc.bpmn"
    bpmn.write_bytes(BPMN)
    yaml_path = folder / "mmc.yaml"
    yaml_path.write_text(scenario_yaml(**kw), encoding="utf-8")
    return bpmn, yaml_path


def load(folder: Path, **kw):
    """The process and the scenario, read the way a user reads them."""
    import bpsim

    bpmn, yaml_path = write_model(folder, **kw)
    return bpsim.read(bpmn), bpsim.load_scenario(yaml_path)
