"""The engine against queueing theory: every formula inside the simulation's 95 % CI.

Each case in :mod:`tests.engine.fidelity_cases` computes a textbook value (Erlang C, Jackson,
Cobham, E[max] of exponentials, branching probabilities ...) from the model's parameters and
runs the model for 20 replications with a fixed seed. ``docs/fidelity.md`` shows the same rows.
"""

from __future__ import annotations

import pytest

from .fidelity_cases import ALL


@pytest.mark.parametrize("name", list(ALL))
def test_formula_inside_confidence_interval(name):
    rows = ALL[name]()
    assert rows
    for row in rows:
        assert len(row.samples) >= 20
        assert row.inside, (
            f"{row.model}: {row.quantity}: formula {row.formula:.4f} outside "
            f"{row.mean:.4f} +/- {row.half_width:.4f}"
        )


def test_exclusive_split_frequencies_inside_binomial_intervals():
    import math

    from bpsim.engine import run
    from bpsim.scenario.spec import GatewaySpec

    from .models import Exponential, bound, build

    probs = {"F2": 0.1, "F3": 0.6, "F4": 0.3}
    p = build({"Start": "startEvent", "X": "exclusiveGateway", "A": "endEvent", "B": "endEvent",
               "C": "endEvent"}, [("Start", "X"), ("X", "A"), ("X", "B"), ("X", "C")])
    b = bound({}, interarrival=Exponential(mean=10.0), cases=20000, seed=31,
              gateways={"X": GatewaySpec("X", probs)})
    ends = run(p, b).events.query("lifecycle == 'end'").element.astype(str)
    n = len(ends)
    assert n == 20000
    for end, prob in zip("ABC", probs.values()):
        share = float((ends == end).mean())
        half = 1.96 * math.sqrt(share * (1 - share) / n)
        assert abs(share - prob) <= half, (end, share, prob, half)
