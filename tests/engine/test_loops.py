"""Loop and multi-instance activities against their formulas (fixed seeds, 95 % intervals)."""

from __future__ import annotations

import math

import numpy as np

from bpsim.engine import run
from bpsim.scenario.spec import LoopSpec

from .models import Exponential, Fixed, TaskSpec, bound, build, line

SPARSE = Exponential(mean=36000.0)  # tickets far apart: no queueing
MINUTE = Fixed(60.0)


def per_case(out, element: str, lifecycle: str = "complete") -> np.ndarray:
    ev = out.events
    hit = ev[(ev.element == element) & (ev.lifecycle == lifecycle)]
    counts = hit.groupby("case").size()
    return counts.reindex(range(len(out.cases)), fill_value=0).to_numpy()


def inside_ci(sample: np.ndarray, expected: float) -> bool:
    half = 1.96 * sample.std(ddof=1) / math.sqrt(len(sample))
    return abs(sample.mean() - expected) <= half


def looped(spec: LoopSpec, duration=MINUTE, role=None, staff=None, cases=20000, marker=None):
    p = line("Work")
    if marker:
        p.graph.nodes["Work"]["loop"] = marker
    b = bound({"Work": TaskSpec("Work", duration, role=role)}, {role: staff} if role else None,
              interarrival=SPARSE, cases=cases, loops={"Work": spec})
    return p, b


def test_standard_loop_repeats_with_mean_one_over_one_minus_p():
    p, b = looped(LoopSpec("Work", "standard", repeat=0.3))
    out = run(p, b, seed=3)
    k = per_case(out, "Work")
    assert k.min() >= 1 and out.cases.completed.all()
    assert inside_ci(k, 1 / (1 - 0.3))
    assert (per_case(out, "Work", "enabled") == k).all()  # every iteration is recorded as a visit


def test_loop_maximum_caps_the_iterations():
    p, b = looped(LoopSpec("Work", "standard", repeat=0.5, maximum=3))
    k = per_case(run(p, b, seed=5), "Work")
    assert k.max() == 3
    assert inside_ci(k, 1 + 0.5 + 0.25)  # sum_{j<3} p^j


def test_loop_with_an_iteration_count_runs_that_many_times():
    p, b = looped(LoopSpec("Work", "standard", iterations=Fixed(4.0)), cases=200)
    out = run(p, b, seed=1)
    assert (per_case(out, "Work") == 4).all()
    assert np.allclose(out.cases.end - out.cases.arrival, 4 * 60.0)


def test_parallel_instances_finish_with_the_slowest_harmonic_mean():
    n, mean = 3, 600.0
    p, b = looped(LoopSpec("Work", "parallel", instances=Fixed(n)), Exponential(mean=mean), "Staff", 3 * n,
                  marker="parallel")
    out = run(p, b, seed=2)
    assert (per_case(out, "Work") == n).all()
    cycle = (out.cases.end - out.cases.arrival).to_numpy()
    harmonic = sum(1 / k for k in range(1, n + 1))
    assert inside_ci(cycle, harmonic * mean)
    starts = out.events[(out.events.element == "Work") & (out.events.lifecycle == "start")]
    people = starts.groupby("case").resource.nunique()
    assert (people == n).all()  # the instances are served by different people at once


def test_sequential_instances_run_one_after_another():
    n, mean = 3, 600.0
    p, b = looped(LoopSpec("Work", "sequential", instances=Fixed(n)), Exponential(mean=mean), "Staff", 3 * n,
                  marker="sequential")
    out = run(p, b, seed=4)
    cycle = (out.cases.end - out.cases.arrival).to_numpy()
    assert inside_ci(cycle, n * mean)
    ev = out.events[out.events.element == "Work"]
    for _case, rows in list(ev.groupby("case"))[:200]:
        life = rows.lifecycle.astype(str).tolist()
        assert life == ["enabled", "start", "complete"] * n  # never two at once


def test_bpmn_loop_cardinality_literal_sets_the_instances():
    p = build({"Start": "startEvent", "Work": {"type": "userTask", "loop": "parallel", "loop_cardinality": "4"},
               "End": "endEvent"}, [("Start", "Work"), ("Work", "End")])
    b = bound({"Work": TaskSpec("Work", Fixed(60.0), role=None)}, interarrival=SPARSE, cases=50)
    out = run(p, b, seed=1)
    assert (per_case(out, "Work") == 4).all()
    assert np.allclose(out.cases.end - out.cases.arrival, 60.0)  # automatic: all four at once


def test_parallel_instances_of_a_sub_process_each_get_a_scope():
    p = build({"Start": "startEvent", "Sub": {"type": "subProcess", "loop": "parallel"},
               "In": {"type": "startEvent", "parent": "Sub"}, "Do": {"type": "serviceTask", "parent": "Sub"},
               "Out": {"type": "endEvent", "parent": "Sub"}, "End": "endEvent"},
              [("Start", "Sub"), ("Sub", "End"), ("In", "Do"), ("Do", "Out")])
    b = bound({"Do": TaskSpec("Do", Fixed(30.0))}, interarrival=SPARSE, cases=20,
              loops={"Sub": LoopSpec("Sub", "parallel", instances=Fixed(2.0))})
    out = run(p, b, seed=1)
    assert (per_case(out, "Do") == 2).all()
    assert (per_case(out, "Sub") == 2).all()  # each instance completes; the ticket goes on once
    assert (per_case(out, "End", "end") == 1).all()


def mi_with_timer(interrupting: bool, staff: int):
    nodes = {"Start": "startEvent", "Work": {"type": "userTask", "loop": "parallel"}, "End": "endEvent",
             "Late": {"type": "boundaryEvent", "attached_to": "Work", "cancel_activity": interrupting,
                      "event": "timer", "timer": {"kind": "timeDuration", "value": "PT1M"}},
             "LateEnd": "endEvent"}
    p = build(nodes, [("Start", "Work"), ("Work", "End"), ("Late", "LateEnd")])
    b = bound({"Work": TaskSpec("Work", Exponential(mean=600.0), role="Staff")}, {"Staff": staff},
              interarrival=SPARSE, cases=5000, loops={"Work": LoopSpec("Work", "parallel", instances=Fixed(3.0))})
    return p, b


def test_a_timer_on_parallel_instances_fires_once_for_the_whole_activity():
    p, b = mi_with_timer(interrupting=True, staff=9)
    out = run(p, b, seed=2)
    fired = per_case(out, "Late", "pass")
    assert fired.max() == 1 and out.cases.completed.all()
    # the activity outlasts 60 s unless all three instances end before: 1 - (1 - e^{-60/600})^3
    assert inside_ci(fired.astype(float), 1 - (1 - math.exp(-60 / 600)) ** 3)
    assert (per_case(out, "End", "end") == 1 - fired).all()  # interrupted: the normal flow is not taken
    interrupted = per_case(out, "Work", "interrupted")
    assert (interrupted[fired == 1] >= 1).all() and (interrupted[fired == 0] == 0).all()


def test_an_interrupting_timer_abandons_queued_instances_too():
    p, b = mi_with_timer(interrupting=True, staff=1)  # one person: two instances wait in the queue
    out = run(p, b, seed=3)
    assert out.cases.completed.all()
    starts, interrupted = per_case(out, "Work", "start"), per_case(out, "Work", "interrupted")
    completes = per_case(out, "Work", "complete")
    assert (interrupted + completes == 3).all()  # every instance ends exactly once
    assert (starts <= 3).all()


def test_a_non_interrupting_timer_on_parallel_instances_fires_once():
    p, b = mi_with_timer(interrupting=False, staff=9)
    out = run(p, b, seed=4)
    fired = per_case(out, "Late", "pass")
    assert fired.max() == 1 and (per_case(out, "End", "end") == 1).all()


def test_markers_read_from_a_vendor_file_repeat_as_the_scenario_says():
    """bpmn-js kitchen sink: a sub-process holding a parallel, a sequential and a standard loop task."""
    import pytest

    import bpsim
    from tests.conftest import ROOT

    from .test_corpus import plain_scenario

    path = ROOT.parent / "shared" / "corpus" / "real-world" / "bpmn-js-examples__theming__resources__kitchen-sink.bpmn"
    if not path.exists():
        pytest.skip("corpus not found beside the clone")
    p = bpsim.read(path)
    loops = bpsim.Scenario.from_dict({
        "horizon": "1d",
        "tasks": {"Task_11mt25q": {"instances": 3}, "Task_194rzhn": {"instances": "uniform(2, 2)"},
                  "Task_1ug2w5g": {"loop": {"iterations": 4}}},
    }).bind(p).loops
    assert {k: v.kind for k, v in loops.items()} == {
        "Task_11mt25q": "parallel", "Task_194rzhn": "sequential", "Task_1ug2w5g": "standard"}
    b = plain_scenario(p)
    b.loops = loops
    out = run(p, b, seed=1)
    done = out.cases[out.cases.completed].case
    assert len(done) > 0
    for task, times in (("Task_11mt25q", 3), ("Task_194rzhn", 2), ("Task_1ug2w5g", 4)):
        k = per_case(out, task)[done]
        visits = per_case(out, "Task_1mvn5bz", "start")[done]
        assert (k == times * visits).all()  # every visit of the sub-process runs each task that often


def test_zero_instances_skip_the_activity():
    for kind in ("parallel", "sequential"):
        p, b = looped(LoopSpec("Work", kind, instances=Fixed(0.0)), cases=50, marker=kind)
        out = run(p, b, seed=1)
        assert (per_case(out, "Work", "enabled") == 0).all() and out.cases.completed.all()
        assert np.allclose(out.cases.end, out.cases.arrival)


def test_instances_drawn_from_a_law_average_its_rounded_mean():
    from bpsim.scenario.distributions import Uniform

    for kind in ("parallel", "sequential"):
        p, b = looped(LoopSpec("Work", kind, instances=Uniform(low=0.0, high=4.0)), cases=8000, marker=kind)
        k = per_case(run(p, b, seed=10), "Work").astype(float)
        # round(U(0, 4)) is 0, 1, 2, 3, 4 with chances 1/8, 1/4, 1/4, 1/4, 1/8: mean 2
        assert inside_ci(k, 2.0)
