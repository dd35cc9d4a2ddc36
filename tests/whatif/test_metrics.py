"""A work item's headline figures equal the report's figures for the same replication.

``bpsim.whatif.metrics`` computes each figure from the record columns it needs instead of
building the report's tables; here every figure is compared with the table ``Results``
shows (``bpsim simulate``), on the bundled service desk (shifts, overtime, abandoning and
retrying callers, SLA clocks paused while waiting for the customer, tickets open at the
horizon) and on the blueprint (the customer's side).
"""

from __future__ import annotations

import math

import pytest

import bpsim
from bpsim.analysis import Results
from bpsim.engine import run
from bpsim.whatif.metrics import FIGURES, breach_key, headline_metrics, utilization_key
from tests.conftest import MODELS


def report_figures(res: Results, bound) -> dict[str, float]:
    """The same figures read off the report's tables."""
    total = res.costs.loc[res.costs["scope"] == "total"].iloc[0]
    out = {"cases_arrived": res.arrived, "cases_completed": res.completed,
           "cycle_time": res.cycle_time["mean"], "cost_per_case": total["cost_per_case"],
           "paid_cost_per_case": total["cost_paid"] / total["cases"],
           "open_total": res.open_summary["total"], "_mser_warmup": res.mser.warmup}
    for sla in bound.slas:
        row = res.slas.loc[(res.slas["name"] == sla.name) & (res.slas["cls"] == "all")]
        out[breach_key(sla.name)] = row["breach_rate"].iloc[0]
    for name in bound.roles:
        row = res.roles.loc[res.roles["name"] == name]
        out[utilization_key(name)] = row["utilization"].iloc[0] if not row.empty else math.nan
    return out


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("model,seed,replication", [("service_desk", 42, 0),
                                                    ("service_desk", 7, 3),
                                                    ("support_blueprint", 3, 1)])
def test_item_figures_equal_the_report(model, seed, replication):
    p = bpsim.read(MODELS / f"{model}.bpmn")
    s = bpsim.load_scenario(MODELS / f"{model}.yaml").vary({"horizon": "12d", "warmup": "2d"})
    bound = s.bind(p)
    out = run(p, bound, seed=seed, replication_ids=[replication])
    got = headline_metrics(out, p, bound)
    res = Results(out, p, bound)
    want = report_figures(res, bound)
    assert set(want) <= set(got)
    for key, value in want.items():
        assert same(got[key], float(value)), (key, got[key], value)
    if model == "service_desk":  # the figures compared are not all trivial
        assert any(k.startswith("breach_rate[") and got[k] > 0 for k in got)
        assert got["open_total"] > 0
    if res.experience.relevant:
        top = res.satisfaction.loc[res.satisfaction["scope"] == "overall"].iloc[0]
        assert got["csat"] == top["csat_mean"]
        assert got["share_satisfied"] == top["share_satisfied"]
    # a study asks only for what it uses: the rest is not computed, the rest unchanged
    lean = headline_metrics(out, p, bound, FIGURES - {"experience", "costs"})
    assert "csat" not in lean and "cost_per_case" not in lean
    assert all(same(lean[k], got[k]) for k in lean)
