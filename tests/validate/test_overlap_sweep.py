"""The layout lint's sweep finds exactly the overlapping shapes a pairwise check finds."""

from __future__ import annotations

import random

from bpsim.model import Bounds
from bpsim.validate.lint_layout import _collide, _overlapping


def brute(elements, shapes, excused):
    hit = set()
    for i, a in enumerate(elements):
        for b in elements[i + 1:]:
            if not excused(a, b) and _collide(shapes[a], shapes[b]):
                hit |= {a, b}
    return hit


def test_sweep_equals_pairwise_on_random_layouts():
    rnd = random.Random(7)
    for trial in range(200):
        n = rnd.randint(0, 40)
        spread = rnd.choice([50, 300, 2000])
        shapes = {f"S{k}": Bounds(rnd.uniform(0, spread), rnd.uniform(0, spread),
                                  rnd.choice([0, 36, 100]), rnd.choice([0, 36, 80]))
                  for k in range(n)}
        elements = list(shapes)
        pairs = {tuple(sorted(rnd.sample(elements, 2))) for _ in range(n // 4)} if n > 1 else set()

        def excused(a, b, pairs=pairs):
            return tuple(sorted((a, b))) in pairs
        assert _overlapping(elements, shapes, excused) == brute(elements, shapes, excused), trial


def test_a_pile_of_shapes_is_linear():
    shapes = {f"S{k}": Bounds(10.0, 10.0, 100.0, 80.0) for k in range(5000)}
    calls = []

    def excused(a, b):
        calls.append(1)
        return False
    assert len(_overlapping(list(shapes), shapes, excused)) == 5000
    assert len(calls) < 3 * 5000
