"""The tables from the per-replication sums (bpsim.experience.fold) against the per-ticket
computation: journey_table, satisfaction_table + add_unserved (tests/experience/reference.py),
pain_points and distribution read every ticket's rows; the report's tables come from sums.
Same figures."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.experience.satisfaction import distribution, pain_points
from bpsim.experience.survey import response_probabilities

from .reference import abandon_shares, add_unserved, journey_table, satisfaction_table

MODELS = Path(__file__).resolve().parents[2] / "models"


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x = [None if isinstance(v, float) and math.isnan(v) else v for v in a[c]]
        y = [None if isinstance(v, float) and math.isnan(v) else v for v in b[c]]
        assert _same(x, y), c


@functools.cache
def _simulate(kind: str):
    if kind == "blueprint":            # phases, updates, SLAs, a strongly biased survey
        p = bpsim.read(MODELS / "support_blueprint.bpmn")
        s = bpsim.load_scenario(MODELS / "support_blueprint.yaml").vary(
            {"horizon": "14d", "warmup": "2d", "survey.bias": 4})
    else:                              # abandoned and blocked callers
        p = bpsim.read(MODELS / "service_desk.bpmn")
        s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
            {"horizon": "14d", "warmup": "2d", "tasks.Answer call.capacity": 1,
             "tasks.Answer call.on_full": "lost"})
    return bpsim.simulate(p, s, replications=3, seed=4)


@pytest.fixture(scope="module", params=["blueprint", "desk"])
def run(request):
    return _simulate(request.param)


def test_tables_from_sums_equal_the_per_ticket_computation(run):
    ex = run.experience
    reps = list(run.replication_ids)
    _frames_equal(journey_table(run, ex.blueprint, ex.per_phase), run.journey)
    ref = add_unserved(satisfaction_table(ex.tickets, ex.drivers, ex.blueprint, reps, ex.params),
                       ex.tickets, ex.unserved, reps)
    _frames_equal(ref, run.satisfaction)
    assert _same(pain_points(ex.drivers, ex.tickets, ex.blueprint), ex.pain_points)
    assert _same(distribution(ex.tickets, ex.params.scale), ex.distribution)
    shares = abandon_shares(run, ex.blueprint)
    j = run.journey.set_index("phase")
    for ph, (m, _ci) in shares.items():
        assert math.isclose(j.loc[ph, "abandon_share"], m, rel_tol=1e-9)


def test_biased_survey_answers_as_the_per_replication_rule():
    """The survey's answers resolved from the sums (the band of undecided draws) are those of
    the rule applied to each replication's tickets at once."""
    from bpsim.experience import draws

    run = _simulate("blueprint")
    ex = run.experience
    sv = run.scenario.survey
    assert sv.bias == 4
    t = ex.tickets
    answered = np.zeros(len(t), dtype=bool)
    for _r, g in t.groupby("replication"):
        p = response_probabilities(g["score"].to_numpy(float), sv.response_rate, sv.bias,
                                   ex.params.scale)
        u = draws.uniform(run.seed, draws.SURVEY, g["replication"].to_numpy(), g["case"].to_numpy())
        answered[g.index.to_numpy()] = u < p
    assert answered.sum() > 20
    sums = ex.sums
    assert sums.band is not None and len(sums.band) > 0         # some waited for the mean
    from bpsim.experience.fold import _scores

    sc = _scores(sums)
    done = sc.loc[sc["left"] == ""]
    assert float(done.loc[done["answered"], "n"].sum()) == answered.sum()
