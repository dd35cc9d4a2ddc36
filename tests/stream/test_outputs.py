"""The plots, the annotated diagram and the HTML report from streamed results (records=False)
against the record-based path on the bundled model: the same data behind every plot (queue
curves on the same grid, cycle-time bars), the same figures on the diagram, the same report.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from lxml import html as lhtml

import bpsim
import bpsim.stream.collect as collect
import bpsim.stream.sketch as sketch
from bpsim.report.diagram import METRICS, figures
from bpsim.report.plots import HIST_BINS, KINDS, cycle_histogram, figure, queue_curves
from bpsim.scenario.core import load_scenario
from bpsim.stream.levels import CURVE_POINTS, QueueLevel, curve_grid, curve_step, mean_curves
from bpsim.stream.results import RecordsNeeded, StreamedResults
from bpsim.stream.sketch import ALPHA

ROOT = Path(__file__).resolve().parents[2]


def _bound(horizon: float | None = 14 * 86400.0, cases: int | None = None):
    process = bpsim.read(ROOT / "models" / "service_desk.bpmn")
    bound = load_scenario(ROOT / "models" / "service_desk.yaml").bind(process)
    bound.horizon, bound.cases, bound.warmup = horizon, cases, 2 * 86400.0
    return process, bound


def _both(process, bound, every=8000, replications=3, seed=7):
    old = collect.EVERY
    collect.EVERY = every                              # several hand-overs in a short run
    try:
        rec = bpsim.simulate(process, bound, replications=replications, seed=seed)
        st = bpsim.simulate(process, bound, replications=replications, seed=seed,
                            records=False)
    finally:
        collect.EVERY = old
    assert isinstance(st, StreamedResults) and all(s.chunks > 2 for s in st.summaries)
    return rec, st


@pytest.fixture(scope="module")
def both():
    return _both(*_bound())


# -- queue length over time ---------------------------------------------------------------------
def _same_curves(rec, st):
    stages = list(rec.stages["id"])
    g1, c1 = queue_curves(rec, stages)
    g2, c2 = queue_curves(st, stages)
    end = float(rec.windows["end"].max())
    assert np.array_equal(g1, g2) and np.array_equal(g1, curve_grid(end))
    assert CURVE_POINTS // 2 <= len(g1) <= CURVE_POINTS and g1[-1] <= end
    assert sum(c1[e].max() > 0 for e in stages) >= 3            # queues that really formed
    for e in stages:
        assert np.array_equal(c1[e], c2[e]), e
    return c1


def test_queue_curves_equal_the_records(both):
    rec, st = both
    _same_curves(rec, st)


def test_queue_curves_when_the_end_is_not_known_in_advance():
    """A run ended by a number of tickets: each replication ends at its own time, the grid
    coarsens as the run goes, and the curves are still the records' (a replication that
    ended earlier holds its last value)."""
    rec, st = _both(*_bound(horizon=None, cases=1500), replications=2, seed=11)
    ends = rec.windows["end"].to_numpy(float)
    assert ends[0] != ends[1] and curve_step(ends.min()) >= curve_step(0.0) * 2 ** 10
    _same_curves(rec, st)


def test_queue_level_curve_against_a_direct_reading():
    """Random step functions handed over in random slices: the curve read on the grid is
    the step function's value after every change at or before each instant."""
    rng = np.random.default_rng(5)
    for trial in range(20):
        n = int(rng.integers(1, 3000))
        t = np.unique(np.round(np.cumsum(rng.exponential(rng.choice([0.3, 40.0, 900.0]), n)),
                               int(rng.integers(0, 3))))
        d = rng.choice([-1.0, 1.0, 2.0], len(t))
        end = float(t[-1] + rng.exponential(100.0))
        lv = QueueLevel()
        cuts = np.sort(rng.choice(len(t), size=min(len(t), int(rng.integers(1, 30))), replace=False))
        for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(t)]):
            if b > a:
                lv.advance(t[a:b], d[a:b], 0.0, math.nan, float(t[b - 1]) + 1e-9)
        curve = lv.close(end, 0.0, math.nan)["curve"]
        grid, curves = mean_curves([{"x": curve}], 1, end)
        assert np.array_equal(grid, curve_grid(end)) and curve[0] == curve_step(end)
        level = np.cumsum(d)
        i = np.searchsorted(t, grid, side="right") - 1
        want = np.where(i >= 0, level[np.clip(i, 0, None)], 0.0)
        assert np.array_equal(curves["x"], want), trial
        assert len(curve[2]) <= CURVE_POINTS                   # memory bounded by the grid


# -- cycle time ----------------------------------------------------------------------------------
def test_cycle_histogram_equals_the_records_while_the_sketch_is_exact(both):
    rec, st = both
    assert st.cycle_time_sketch.is_exact
    a, b = cycle_histogram(rec), cycle_histogram(st)
    assert a["n"] == b["n"] > 100 and a["p99"] == b["p99"]
    for k in ("edges", "counts", "cdf_x", "cdf_y"):
        assert np.array_equal(a[k], b[k]), k
    assert len(a["counts"]) == HIST_BINS and a["counts"].sum() == a["n"]


def test_cycle_histogram_from_buckets_within_the_stated_error(monkeypatch):
    monkeypatch.setattr(sketch, "EXACT", 16)                    # every sketch in buckets
    rec, st = _both(*_bound(), replications=2)
    assert not st.cycle_time_sketch.is_exact
    a, b = cycle_histogram(rec), cycle_histogram(st)
    assert a["n"] == b["n"] and b["counts"].sum() == b["n"]
    tol = ALPHA * 1.0001
    assert abs(b["p99"] - a["p99"]) <= tol * a["p99"]
    assert np.all(np.abs(b["edges"] - a["edges"]) <= tol * a["edges"] + 1e-9)
    # the bars below each of the sketch's edges hold the tickets below it, give or take
    # those within the sketch's accuracy of it
    x = np.sort(rec.cases.loc[rec.cases["measured"] & rec.cases["completed"].astype(bool),
                              "cycle_time"].to_numpy(float))
    below = np.cumsum(b["counts"])[:-1]
    edges = b["edges"][1:-1]
    lo = np.searchsorted(x, edges / (1 + tol), side="left")
    hi = np.searchsorted(x, edges / (1 - tol), side="right")
    assert np.all((lo <= below) & (below <= hi))
    assert np.abs(np.cumsum(b["counts"]) - np.cumsum(a["counts"])).max() > 0  # really bucketed


def test_every_plot_looks_the_same(both):
    rec, st = both

    def png(results, kind):
        buf = io.BytesIO()
        figure(results, kind).savefig(buf, format="png", dpi=60)
        return buf.getvalue()

    for kind in KINDS:
        assert png(rec, kind) == png(st, kind), kind


# -- the diagram ---------------------------------------------------------------------------------
def test_diagram_figures_equal_the_records(both):
    rec, st = both
    e1, f1 = figures(rec)
    e2, f2 = figures(st)
    assert e1["breach_rate"].notna().sum() > 5 and e1["cost"].notna().sum() > 3
    assert (f1["count"] > 0).sum() > 10 and f1["share"].between(0, 1.5).any()
    pd.testing.assert_frame_equal(e1, e2, check_exact=False, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(f1, f2, check_exact=False, rtol=1e-9, atol=1e-12)


HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def same_up_to_colour_rounding(a: str, b: str) -> None:
    """Identical text (every figure, tooltip, id, geometry), and colours within one step per
    channel: a mean summed in another order may round a shade the other way."""
    assert HEX.sub("#", a) == HEX.sub("#", b)
    ca, cb = HEX.findall(a), HEX.findall(b)
    assert len(ca) == len(cb)
    for x, y in zip(ca, cb):
        assert all(abs(int(x[i:i + 2], 16) - int(y[i:i + 2], 16)) <= 1 for i in (1, 3, 5)), (x, y)


@pytest.mark.parametrize("suffix", [".bpmn", ".drawio", ".svg"])
def test_annotated_diagram_carries_the_same_figures(both, tmp_path, suffix):
    rec, st = both
    for metric in METRICS:
        a, b = tmp_path / f"rec-{metric}{suffix}", tmp_path / f"st-{metric}{suffix}"
        rec.annotate(a, metric)
        st.annotate(b, metric)
        etree.fromstring(b.read_bytes())                       # well-formed
        text = b.read_text(encoding="utf-8")
        assert "bpsim_figure_" in text or suffix == ".svg"
        same_up_to_colour_rounding(a.read_text(encoding="utf-8"), text)


def test_html_report_from_streamed_results(both, tmp_path):
    rec, st = both
    page = st.to_html(tmp_path / "report.html")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == page
    doc, ref = lhtml.fromstring(page), lhtml.fromstring(rec.to_html())
    assert doc.xpath("//section/@id") == ref.xpath("//section/@id")
    assert "not drawn" not in page
    # (expstream) satisfaction is streamed: the CSAT card as from records, nothing said missing
    assert "CSAT (completed tickets)" in page and "CSAT (completed tickets)" in rec.to_html()
    assert "not computed" not in page
    # the same diagrams, tables and plots
    for path in ("//div[@id='diagram']", "//section[@id='stages']//table",
                 "//section[@id='roles']//table", "//section[@id='slas']//table",
                 "//section[@id='bottlenecks']//table", "//section[@id='plots']"):
        mine, theirs = doc.xpath(path), ref.xpath(path)
        assert mine and len(mine) == len(theirs), path
        for m, t in zip(mine, theirs):
            same_up_to_colour_rounding(lhtml.tostring(t, encoding="unicode"),
                                       lhtml.tostring(m, encoding="unicode"))
    if not st.not_streamed:                                     # and nothing else differs
        same_up_to_colour_rounding(rec.to_html(), page)


def test_what_needs_the_records_says_so(both, tmp_path):
    _rec, st = both
    for call in (lambda: st.write(tmp_path / "out"), lambda: st.to_event_log(tmp_path / "e.xes"),
                 lambda: st.to_pm4py(), lambda: st.queue_curve("Task_Triage")):
        with pytest.raises(RecordsNeeded) as err:
            call()
        assert "records=True" in (err.value.hint or "")
    assert not (tmp_path / "out").exists() and not (tmp_path / "e.xes").exists()


def test_summaries_without_the_diagram_counts_say_so(both):
    """Summaries folded without the process: the diagram refuses rather than show zeros."""
    import copy

    from bpsim.stream.elements import element_table

    _rec, st = both
    bare = copy.copy(st)
    bare.__dict__.pop("_diagram_figures", None)
    out = copy.copy(st.output)
    out.summaries = [copy.copy(s) for s in st.summaries]
    for s in out.summaries:
        s.sums = {k: v for k, v in s.sums.items() if k not in ("entered", "flows", "breach_seen")}
    bare.output = out
    with pytest.raises(RecordsNeeded, match="diagram"):
        element_table(bare)
    with pytest.raises(RecordsNeeded):
        figures(bare)
