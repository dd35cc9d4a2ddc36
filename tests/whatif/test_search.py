"""The staffing search simulates only what can change its answer.

It judges a plan overloaded on paper without a simulation (infeasible by definition) and
simulates candidates a cost level at a time, cheapest first, stopping at the first level with
a feasible plan. Here the same search evaluating every candidate of every step must choose
the same plan with the same figures, on the bundled service desk (four knobs: two Agent
shifts, the phone agent, the specialists).
"""

from __future__ import annotations

import pytest

import bpsim
from bpsim.whatif.search import _Search
from tests.conftest import MODELS


def every_candidate(self, plans, phase):
    """The search before: simulate every candidate, keep the feasible ones of least cost."""
    judged = self.evaluate(list(plans), phase)
    ok = [e for e in judged if e.feasible]
    low = min((round(e.cost, 6) for e in ok), default=None)
    return [e for e in ok if round(e.cost, 6) == low]


@pytest.fixture(scope="module")
def desk():
    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary({"horizon": "8d",
                                                                "warmup": "2d"})
    return p, s


def test_cheapest_first_chooses_what_every_candidate_would(desk, monkeypatch):
    p, s = desk
    lazy = bpsim.optimize_staffing(p, s, replications=2, executor="serial")
    with monkeypatch.context() as m:
        m.setattr(_Search, "cheapest_feasible", every_candidate)
        full = bpsim.optimize_staffing(p, s, replications=2, executor="serial")
    assert lazy.feasible and full.feasible
    assert lazy.plan == full.plan and lazy.cost == full.cost
    assert lazy.slas.equals(full.slas)
    assert lazy.metrics == full.metrics
    cand = lazy.candidates
    assert len(cand) <= len(full.candidates)
    assert cand["replications"].sum() < full.candidates["replications"].sum()
    # a plan overloaded on paper is infeasible without a run, and says so
    paper = cand.loc[cand["replications"] == 0]
    assert not paper.empty and not paper["feasible"].any()
    assert paper["reason"].str.contains("overloaded on paper").all()
    assert paper["reason"].str.endswith("not simulated").all()
    # every plan called feasible was simulated with every replication
    assert (cand.loc[cand["feasible"], "replications"] == 2).all()
    # every simulated plan cheaper than the answer failed
    cheaper = cand.loc[cand["cost"] < lazy.cost]
    assert not cheaper["feasible"].any()
