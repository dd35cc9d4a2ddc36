"""JSON keys (DESIGN.md), the text report, plots and the --out folder on a real run."""

import json
import math
import os

import pytest

from bpsim.analysis import Results
from bpsim.report.files import PLOTS, TABLES

from ..analysis.queueing_models import mmc, taken_in_charge_within

engine = pytest.importorskip("bpsim.engine")
if not hasattr(engine, "run"):  # pragma: no cover - before the engine lands
    pytest.skip("bpsim.engine.run not available yet", allow_module_level=True)


@pytest.fixture(scope="module")
def results():
    process, bound = mmc(60.0, 100.0, 2, horizon=60_000.0, warmup=5_000.0, replications=3,
                         slas=[taken_in_charge_within(300.0)], cost_per_hour=65.0)
    return Results(engine.run(process, bound), process, bound)


DESIGN_KEYS = {
    None: {"model", "scenario", "replications", "seed", "cases", "cycle_time", "stages",
           "roles", "slas", "bottlenecks", "cost"},
    "cases": {"arrived", "completed"},
    "cycle_time": {"mean", "ci95", "p50", "p90", "p95"},
    "stages": {"id", "name", "role", "count", "wait_mean", "wait_ci95", "wait_p90",
               "service_mean", "sojourn_mean", "queue_mean"},
    "roles": {"name", "staff", "utilization", "utilization_ci95", "busy_hours", "cost"},
    "slas": {"name", "target", "breach_rate", "breach_rate_ci95"},
    "bottlenecks": {"id", "name", "score", "reason"},
    "cost": {"total", "per_case"},
}


def test_json_has_every_design_key(results):
    d = json.loads(results.to_json())
    assert DESIGN_KEYS[None] <= set(d)
    for key, wanted in DESIGN_KEYS.items():
        if key is None:
            continue
        part = d[key]
        for item in part if isinstance(part, list) else [part]:
            assert wanted <= set(item), (key, wanted - set(item))
    assert d["replications"] == 3
    # with several replications every mean has a numeric half-width
    assert d["stages"][0]["wait_ci95"] > 0 and d["roles"][0]["utilization_ci95"] > 0
    assert d["slas"][0]["breach_rate_ci95"] > 0 and d["cycle_time"]["ci95"] > 0


def test_json_durations_in_seconds(results):
    d = results.to_dict()
    st = results.stages.set_index("id").loc["Serve"]
    assert d["stages"][0]["wait_mean"] == pytest.approx(st["wait_mean"])
    assert d["slas"][0]["target"] == 300.0
    assert d["cost"]["total"] == pytest.approx(
        results.roles.iloc[0]["busy_hours"] * 65.0)


def test_no_nan_in_json_text(results):
    assert "NaN" not in results.to_json()


def test_summary_sections(results):
    text = results.summary()
    for part in ("Tickets per replication", "Cycle time", "Stages", "Roles", "SLAs",
                 "taken in charge", "Bottlenecks", "Cost", "Little's law", "±"):
        assert part in text, part


def test_bottleneck_reason_in_words(results):
    b = results.bottlenecks.iloc[0]
    assert b["id"] == "Serve"
    assert b["reason"].startswith("Server: ") and "% busy" in b["reason"]
    assert "of the cycle time" in b["reason"]
    expected = 0.4 * b["utilization"] + 0.4 * b["wait_share"] + 0.2 * b["growth"]
    assert b["score"] == pytest.approx(expected)


def test_write_all_files(results, tmp_path):
    paths = results.write(tmp_path / "out")
    names = {p.name for p in paths}
    wanted = ({f"{t}.csv" for t in TABLES} | set(PLOTS.values())
              | {"report.txt", "report.html", "results.json", "events.csv", "events.xes"})
    assert names == wanted
    for p in paths:
        assert p.stat().st_size > 0
    for png in PLOTS.values():
        assert (tmp_path / "out" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    mask = os.umask(0)
    os.umask(mask)
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~mask for p in paths)


@pytest.mark.parametrize("kind", list(PLOTS))
def test_plot_kinds_draw_on_given_axes(results, kind):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    assert results.plot(kind, ax=ax) is ax
    assert ax.get_title()


def test_queue_curve_is_mean_over_replications(results):
    import numpy as np

    from bpsim.analysis.queues import queue_curve

    q = results.queues
    t = float(q["time"].iloc[len(q) // 2])
    per_rep = []
    for rep in results.replication_ids:
        g = q.loc[(q["replication"] == rep) & (q["time"] <= t)]
        per_rep.append(g["length"].iloc[-1] if len(g) else 0)
    curve = queue_curve(q, "Serve", np.array([t]), results.replication_ids)
    assert curve[0] == pytest.approx(np.mean(per_rep))
    assert not math.isnan(curve[0])


def test_results_queue_curve_table(results):
    curve = results.queue_curve("Serve", points=50)
    assert list(curve.columns) == ["time", "length"] and len(curve) == 50
    assert curve["time"].iloc[-1] == results.windows["end"].max()
    assert (curve["length"] >= 0).all()
