"""Sweep plots: the baseline is drawn (marked) and whole-number keys get whole-number ticks.

The tables are built by hand in the shape :func:`bpsim.whatif.sweep` returns (the varied keys,
``baseline``, then per metric its mean and ``_ci95``), so no simulation is needed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bpsim.whatif.report import plot_metric  # noqa: E402

KEY = "roles.Agent.shifts.early.staff"


def table(rows, keys=(KEY,)):
    df = pd.DataFrame(rows, columns=[*keys, "baseline", "cycle_time", "cycle_time_ci95"])
    df.attrs.update({"vary": list(keys), "metrics": ["cycle_time"], "confidence": 0.95})
    return df


def draw(df):
    ax = Figure().add_subplot()
    plot_metric(df, "cycle_time", ax)
    ax.figure.canvas.draw()
    return ax


def baseline_points(ax):
    return [line for line in ax.get_lines() if line.get_marker() == "D"]


def test_baseline_beside_the_grid_is_drawn_and_marked():
    # the scenario has 3 agents; the grid asks for 2, 4 and 5
    df = table([(3, True, 7200.0, 300.0), (2, False, 9000.0, 400.0),
                (4, False, 6000.0, 250.0), (5, False, 5500.0, 200.0)])
    ax = draw(df)
    marks = baseline_points(ax)
    assert len(marks) == 1
    assert list(marks[0].get_xdata()) == [3]
    assert list(marks[0].get_ydata()) == pytest.approx([2.0])          # 7200 s in hours
    curve = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert list(curve.get_xdata()) == [2, 3, 4, 5]                     # one curve, in order
    assert any("baseline" in t.get_text() for t in ax.get_legend().get_texts())


def test_staff_counts_get_whole_number_ticks():
    df = table([(2, False, 9000.0, 400.0), (3, True, 7200.0, 300.0), (5, False, 5500.0, 1.0)])
    ax = draw(df)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2", "3", "5"]
    assert all(float(x).is_integer() for x in ax.get_xticks())


def test_many_staff_values_still_whole_ticks():
    rows = [(n, n == 10, 9000.0 - 100 * n, 50.0) for n in range(1, 31)]
    ax = draw(table(rows))
    ticks = [x for x in ax.get_xticks() if ax.get_xlim()[0] <= x <= ax.get_xlim()[1]]
    assert ticks and all(float(x).is_integer() for x in ticks)


def test_baseline_without_a_value_is_a_reference_line():
    # vary added a key the scenario lacks: the baseline has no x, it is a dashed line
    df = table([(None, True, 7200.0, 300.0), (2, False, 9000.0, 400.0),
                (4, False, 6000.0, 250.0)])
    ax = draw(df)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and list(dashed[0].get_ydata()) == pytest.approx([2.0, 2.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "4"]


def test_named_variants_mark_the_baseline():
    df = table([("baseline", True, 7200.0, 300.0), ("more staff", False, 6000.0, 250.0)],
               keys=("variant",))
    ax = draw(df)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["baseline", "more staff"]
    assert list(baseline_points(ax)[0].get_xdata()) == [0]
