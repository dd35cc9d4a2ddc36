"""Satisfaction as a what-if metric and as the optimiser's constraint (--min-csat)."""

from __future__ import annotations

import math

import numpy as np

import bpsim
from bpsim.engine import run
from bpsim.whatif.metrics import headline_metrics
from bpsim.whatif.optimize import _gap, _judge_csat
from tests.conftest import MODELS


def test_headline_metrics_carry_csat_for_a_blueprint():
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    s = bpsim.load_scenario(MODELS / "support_blueprint.yaml").vary(
        {"horizon": "10d", "warmup": "2d"})
    bound = s.bind(p)
    out = run(p, bound, seed=3, replication_ids=[0])
    m = headline_metrics(out, p, bound)
    assert 1 <= m["csat"] <= 5 and 0 <= m["share_satisfied"] <= 1
    res = bpsim.analysis.Results(out, p, bound)
    assert m["csat"] == res.experience.csat


def test_the_csat_constraint_uses_the_lower_confidence_bound():
    values = {"csat": np.array([4.1, 4.2, 4.3, 4.2])}
    f = _judge_csat(values, 4.0, 0.95)
    assert f["met"] and f["upper"] < 4.2 and _gap(f) < 0
    f = _judge_csat(values, 4.2, 0.95)            # the mean reaches 4.2, its lower bound not
    assert not f["met"] and _gap(f) > 0
    f = _judge_csat({}, 4.0, 0.95)
    assert not f["met"] and math.isinf(_gap(f))
