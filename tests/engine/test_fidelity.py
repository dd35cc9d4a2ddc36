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
