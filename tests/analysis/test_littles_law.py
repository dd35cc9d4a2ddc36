"""Little's law as the report checks it: ``L`` and ``lambda W`` count the same tickets over
the same window, so consistent records agree and inconsistent ones are caught.

The bundled service desk starts its measured window with tickets already queued (a week of
warm-up, queues of several tickets): they must be in ``lambda W`` for the part of their wait
inside the window, as they are in ``L``.
"""

from __future__ import annotations

import pytest

import bpsim
from bpsim.analysis import Results
from bpsim.analysis import queues as Q
from bpsim.engine import run

from ..conftest import MODELS
from .builders import make_output, make_scenario, ticket

A = ("Agent 1", "Agent")
WARNING = "A gap above 5 %"


@pytest.fixture(scope="module")
def desk():
    # the bundled scenario's own horizon and warm-up, two replications
    process = bpsim.read(MODELS / "service_desk.bpmn")
    scenario = bpsim.load_scenario(MODELS / "service_desk.yaml").vary({"replications": 2})
    bound = scenario.bind(process)
    return Results(run(process, bound), process, bound)


def test_bundled_model_does_not_warn(desk):
    ll = desk.littles_law
    queued = ll.loc[ll["what"] == "queue"]
    assert (queued["carried"] > 0).any()              # the window opens on queued tickets
    for what in ("queue", "stage"):
        rows = ll.loc[(ll["what"] == what) & (ll["L"] > 0.01)]
        assert len(rows) >= 3
        assert (rows["gap"] < 1e-6).all(), rows[["name", "L", "lambda_W", "gap"]]
    text = desk.summary()
    assert "Little's law check" in text and WARNING not in text


def hand_output():
    # window [50, 100]: ticket 1 waits 0-60 (queued when the warm-up ends), ticket 2 waits
    # 70-120 (still queued at the horizon), ticket 3 waits 80-90
    rows = (ticket(1, 1, 0, [("Task_A", 0, 60, 65, *A)], end=65)
            + ticket(1, 2, 70, [("Task_A", 70, None, None, *A)])
            + ticket(1, 3, 80, [("Task_A", 80, 90, 95, *A)], end=95))
    return make_output(rows, staff=[(1, "Agent", "Agent 1", 50.0, 10.0, 2)],
                       windows={1: (50.0, 100.0)})


def test_window_edges_counted_by_hand():
    res = Results(hand_output(), None, make_scenario(warmup=50.0))
    row = res.littles_law.set_index(["element", "what"]).loc[("Task_A", "queue")]
    # in-window waits: 10 (50-60) + 30 (70-100) + 10 (80-90) = 50 s over 50 s
    assert row["L"] == pytest.approx(1.0)
    assert row["carried"] == 1
    assert row["lambda"] == pytest.approx(3 / 50)
    assert row["W"] == pytest.approx(50 / 3)
    assert row["gap"] == pytest.approx(0.0, abs=1e-12)


def test_inconsistent_records_still_warn():
    # the queue series of records that lost ticket 3's start: its queue never empties, so
    # L (area 60) no longer matches the visits' waits (50)
    res = Results(hand_output(), None, make_scenario(warmup=50.0))
    v = res.visits
    lost = v.copy()
    lost.loc[lost["case"] == 3, ["start", "complete", "end"]] = float("nan")
    series = Q.queue_series(lost, "queue")
    ll = Q.littles_law(v, res.windows, "queue", series=series)
    row = ll.set_index("element").loc["Task_A"]
    assert row["L"] == pytest.approx(60 / 50)
    assert row["gap"] > 0.05
    ll.insert(1, "name", ["Task A"])
    res.__dict__["littles_law"] = ll                  # what the report reads
    text = res.summary()
    assert WARNING in text and "Task A: L = 1.200" in text
