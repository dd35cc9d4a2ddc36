"""Stage, queue and role figures on a three-ticket run computed by hand.

One agent, window [0, 100] s. Tickets arrive at 0, 10, 20 and need 40, 30, 20 s of work:
the agent serves them back to back (0-40, 40-70, 70-90), so they wait 0, 30 and 50 s.
"""

import math

import numpy as np
import pytest

from bpsim.analysis import Results
from bpsim.analysis.queues import time_average

from .builders import make_output, make_scenario, ticket

A = ("Agent 1", "Agent")


@pytest.fixture
def results():
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 40, *A)], end=40)
            + ticket(1, 2, 10, [("Task_A", 10, 40, 70, *A)], end=70)
            + ticket(1, 3, 20, [("Task_A", 20, 70, 90, *A)], end=90))
    out = make_output(rows, staff=[(1, "Agent", "Agent 1", 100.0, 90.0, 3)],
                      windows={1: (0.0, 100.0)})
    return Results(out, None, make_scenario())


def test_stage_waits_service_sojourn(results):
    st = results.stages.set_index("id").loc["Task_A"]
    assert st["count"] == 3
    assert st["wait_mean"] == pytest.approx((0 + 30 + 50) / 3)
    assert st["service_mean"] == pytest.approx((40 + 30 + 20) / 3)
    assert st["sojourn_mean"] == pytest.approx((40 + 60 + 70) / 3)
    assert st["wait_p50"] == pytest.approx(30)
    assert math.isnan(st["wait_ci95"])            # one replication: no spread to measure
    assert st["role"] == "Agent"


def test_queue_time_average_and_max(results):
    # queue: 1 ticket during [10,20), 2 during [20,40), 1 during [40,70): area 80 over 100 s
    st = results.stages.set_index("id").loc["Task_A"]
    assert st["queue_mean"] == pytest.approx(0.8)
    assert st["queue_max"] == 2
    q = results.queues
    assert list(q["length"]) == [0, 1, 2, 1, 0]    # the 0 -> 1 -> 0 at t=0 is merged


def test_littles_law_exact_on_hand_example(results):
    ll = results.littles_law.set_index(["element", "what"])
    row = ll.loc[("Task_A", "queue")]
    assert row["lambda"] == pytest.approx(3 / 100)
    assert row["W"] == pytest.approx(80 / 3)
    assert row["L"] == pytest.approx(row["lambda_W"])
    stage = ll.loc[("Task_A", "stage")]
    assert stage["L"] == pytest.approx((40 + 60 + 70) / 100)


def test_time_average_window_cut():
    # level 3 from t=0 to 10 then 1: the window [5, 15] sees 3 for 5 s and 1 for 5 s
    assert time_average(np.array([0.0, 10.0]), np.array([3, 1]), 5.0, 15.0) == (2.0, 3.0)


def test_roles_and_staff(results):
    ro = results.roles.set_index("name").loc["Agent"]
    assert ro["utilization"] == pytest.approx(0.9)
    assert ro["busy_hours"] == pytest.approx(90 / 3600)
    assert ro["cases_handled"] == 3
    assert ro["handling_mean"] == pytest.approx(30)
    assert ro["person_hours_per_case"] == pytest.approx(30 / 3600)
    sf = results.staff.set_index("resource").loc["Agent 1"]
    assert sf["utilization"] == pytest.approx(0.9)
    assert sf["tasks"] == 3


def test_cycle_time_and_counts(results):
    assert results.arrived == 3 and results.completed == 3
    assert results.cycle_time["mean"] == pytest.approx((40 + 60 + 70) / 3)


def test_warmup_excludes_early_tickets():
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 40, *A)], end=40)
            + ticket(1, 2, 10, [("Task_A", 10, 40, 70, *A)], end=70)
            + ticket(1, 3, 20, [("Task_A", 20, 70, 90, *A)], end=90))
    out = make_output(rows, staff=[(1, "Agent", "Agent 1", 85.0, 75.0, 2)],
                      windows={1: (15.0, 100.0)})
    r = Results(out, None, make_scenario())
    st = r.stages.set_index("id").loc["Task_A"]
    assert st["count"] == 1 and st["wait_mean"] == pytest.approx(50)
    assert r.arrived == 1
    # the queue counts every ticket present in [15, 100]: 1 (15-20), 2 (20-40), 1 (40-70)
    assert st["queue_mean"] == pytest.approx((5 + 40 + 30) / 85)


def test_replications_give_t_interval():
    # two replications with waits 10 and 30: mean 20, half-width t(0.975,1) * s / sqrt(2)
    rows = (ticket(1, 1, 0, [("Task_A", 0, 10, 20, *A)], end=20)
            + ticket(2, 1, 0, [("Task_A", 0, 30, 40, *A)], end=40))
    out = make_output(rows, windows={1: (0.0, 50.0), 2: (0.0, 50.0)})
    st = Results(out, None, make_scenario()).stages.set_index("id").loc["Task_A"]
    s = np.std([10, 30], ddof=1)
    assert st["wait_mean"] == pytest.approx(20)
    assert st["wait_ci95"] == pytest.approx(12.706204736 * s / math.sqrt(2))


def test_loop_visits_pair_in_order():
    # the same ticket reaches Task_A twice: two visits, each with its own wait
    rows = ticket(1, 1, 0, [("Task_A", 0, 5, 10, *A), ("Task_A", 20, 26, 30, *A)], end=30)
    v = Results(make_output(rows), None, make_scenario()).visits
    assert list(v["visit"]) == [1, 2]
    assert list(v["wait"]) == [5, 6]


def test_without_process_or_scenario(results, tmp_path):
    # a bare RunOutput still gives every table and the report (ids for names, no costs)
    bare = Results(results.output)
    assert bare.stages.iloc[0]["name"] == "Task_A" and bare.stages.iloc[0]["role"] is None
    assert "Stages" in bare.summary()
    assert bare.to_dict()["cost"]["total"] == 0.0
    assert {p.name for p in bare.write(tmp_path)} >= {"report.txt", "events.xes"}


def test_run_without_event_records_says_so(results):
    out = results.output
    bare = type(out)(events=out.events.iloc[0:0], cases=out.cases, staff=out.staff,
                     windows=out.windows)
    r = Results(bare, None, results.scenario)
    assert not r.events_recorded
    assert "no event records" in r.summary()
    assert r.roles.set_index("name").loc["Agent", "utilization"] == pytest.approx(0.9)
