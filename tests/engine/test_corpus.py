"""Every BPMN file of the shared corpus runs, given a plain scenario: no crash, sound records.

The scenario gives every task 10 minutes (half of them staffed by two people), every split
equal branch probabilities, every message/timer catch event an hour, every boundary event
a 30-minute timer or a 10 % chance, and collapsed sub-processes a task duration (what a user
would write). Real models exercise what hand-made ones do not: vendor quirks, nested
sub-processes, link events, collaborations with several pools.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pytest

import bpsim
from bpsim.engine import run
from bpsim.model import SUBPROCESS_TYPES, TASK_TYPES
from bpsim.scenario.spec import (
    Arrival,
    BoundarySpec,
    BoundScenario,
    EventSpec,
    GatewaySpec,
    Role,
    Shift,
    TaskSpec,
)

from ..conftest import corpus_files
from .models import Exponential, Fixed

FILES = corpus_files("bpmn-miwg", "real-world")


def plain_scenario(p) -> BoundScenario:
    g = p.graph
    tasks, gateways, events, boundaries, arrivals = {}, {}, {}, {}, {}
    has_start = {d.get("parent") for _n, d in g.nodes(data=True) if d.get("type") == "startEvent"}
    for n, d in g.nodes(data=True):
        t = d.get("type")
        collapsed = t in SUBPROCESS_TYPES and n not in has_start
        uncalled = t == "callActivity" and d.get("called_element") not in p.processes
        if t in TASK_TYPES or collapsed or uncalled:
            staffed = zlib.crc32(n.encode()) % 2 == 1
            tasks[n] = TaskSpec(n, Exponential(mean=600.0), role="Staff" if staffed else None)
        elif t in ("exclusiveGateway", "inclusiveGateway", "complexGateway"):
            outs = [f.id for f in p.outgoing(n)]
            if len(outs) > 1:
                share = 1 / len(outs) if t == "exclusiveGateway" else 0.5
                gateways[n] = GatewaySpec(n, {f: share for f in outs})
        elif t == "intermediateCatchEvent" and d.get("event") not in ("link", None):
            events[n] = EventSpec(n, Exponential(mean=3600.0))
        elif t == "boundaryEvent":
            timer = d.get("event") == "timer"
            boundaries[n] = BoundarySpec(n, duration=Fixed(1800.0)) if timer else BoundarySpec(n, probability=0.1)
        elif t == "startEvent" and d.get("parent") is None and not p.incoming(n):
            arrivals[n] = Arrival(start=n, interarrival=Exponential(mean=3600.0))
    return BoundScenario(
        name="plain", seed=1, replications=1, horizon=2 * 86400.0, cases=None, warmup=0.0,
        start=dt.datetime(2026, 1, 5), arrivals=arrivals, roles={"Staff": Role("Staff", [Shift(staff=2)])},
        tasks=tasks, gateways=gateways, events=events, boundaries=boundaries,
    )


@pytest.mark.skipif(not FILES, reason="corpus not found beside the clone")
@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_corpus_model_runs_with_sound_records(path):
    process = bpsim.read(path)
    bound = plain_scenario(process)
    if not bound.arrivals:
        pytest.skip("no start event without incoming flow")
    out = run(process, bound)
    ev, cases = out.events, out.cases
    assert len(cases) > 0
    assert (np.diff(ev.time.to_numpy()) >= 0).all()
    done = cases[cases.completed]
    assert (done.end >= done.arrival).all() and (done.end <= bound.horizon).all()
    # a person never does two things at once: start, then complete/interrupted/withdrawn
    work = ev[ev.resource.notna()]
    for _who, rows in work.groupby("resource", observed=True):
        kinds = rows.lifecycle.astype(str).to_numpy()
        assert (kinds[0::2] == "start").all() and (kinds[1::2] != "start").all()
    # nothing starts more often than it was reached
    keys = ["case", "element"]
    starts = ev[ev.lifecycle == "start"].groupby(keys, observed=True).size()
    enabled = ev[ev.lifecycle == "enabled"].groupby(keys, observed=True).size()
    assert (starts <= enabled.reindex(starts.index).fillna(0)).all()
