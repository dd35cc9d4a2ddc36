"""The stage table is built from per-(stage, replication) sums over the whole visits table;
it must equal the former per-stage computation (a pandas groupby per stage, kept below as
the reference) on models with loops, abandonment, blocking and open tickets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import bpsim
from bpsim.analysis import stages as S
from bpsim.analysis.stats import mean_ci, percentiles

from ..conftest import MODELS


def reference_stage_rows(visits, queue_stats, replications) -> dict:
    """Per stage, the figures as the former code computed them (one groupby per stage)."""
    m = visits.loc[visits["measured"]]
    qs = queue_stats.set_index(["element", "replication"]) if not queue_stats.empty else None
    out = {}
    for element, g in m.groupby("element", observed=True):
        per_rep = g.groupby("replication")
        withdrawn, blocked = g["outcome"] == "withdrawn", g["outcome"] == "blocked"
        counts = g.loc[~withdrawn & ~blocked].groupby("replication").size().reindex(
            replications, fill_value=0)
        row = {}
        row["count"], row["count_ci95"] = mean_ci(counts)
        for fig in ("wait", "service", "sojourn"):
            row[f"{fig}_mean"], row[f"{fig}_ci95"] = mean_ci(per_rep[fig].mean())
            for k, v in percentiles(g[fig].to_numpy()).items():
                row[f"{fig}_{k}"] = v
        row.update(S.queue_figures(qs, element, replications))
        n = max(len(replications), 1)
        row["open"] = float(g["outcome"].isna().sum()) / n
        row["withdrawn"] = float(withdrawn.sum()) / n
        ab = g.loc[g["outcome"] == "abandoned"].groupby("replication").size().reindex(
            replications, fill_value=0)
        bl = g.loc[blocked].groupby("replication").size().reindex(replications, fill_value=0)
        row["abandoned"] = float(ab.sum()) / n
        row["abandon_rate"], row["abandon_rate_ci95"] = mean_ci(
            (ab / counts.where(counts > 0)).to_numpy())
        row["blocked"] = float(bl.sum()) / n
        reached = counts + bl
        row["block_rate"], row["block_rate_ci95"] = mean_ci(
            (bl / reached.where(reached > 0)).to_numpy())
        out[element] = row
    return out


def _run(model: str, **changes):
    process = bpsim.read(MODELS / f"{model}.bpmn")
    scenario = bpsim.load_scenario(MODELS / f"{model}.yaml").vary(
        {"replications": 3, "horizon": "10d", "warmup": "1d", **changes})
    return bpsim.simulate(process, scenario)


@pytest.mark.parametrize("model, changes", [
    ("service_desk", {}),                                       # loops, abandonment, open
    ("service_desk", {"tasks.Answer call.capacity": 1}),        # blocked calls
    ("support_blueprint", {}),
    ("chat_desk", {}),
])
def test_stage_table_equals_the_per_stage_computation(model, changes):
    r = _run(model, **changes)
    table = r.stages.set_index("id")
    ref = reference_stage_rows(r.visits, r.queue_stats, r.replication_ids)
    assert set(ref) <= set(table.index) and len(ref) > 1
    checked = 0
    for element, row in ref.items():
        for col, want in row.items():
            got = table.at[element, col]
            assert (math.isnan(want) and math.isnan(got)) or math.isclose(
                got, want, rel_tol=1e-12, abs_tol=1e-12), (element, col, got, want)
            checked += 1
    assert checked == 28 * len(ref)                 # every figure of every stage


def test_queue_columns_equal_queue_figures():
    r = _run("service_desk")
    elements = list(r.stages["id"]) + ["not_a_stage"]
    qs = r.queue_stats
    indexed = qs.set_index(["element", "replication"])
    for element, got in zip(elements, S.queue_columns(qs, elements, r.replication_ids)):
        want = S.queue_figures(indexed, element, r.replication_ids)
        assert got.keys() == want.keys()
        assert all(np.isclose(got[k], want[k], equal_nan=True, rtol=1e-12) for k in got)
    assert S.queue_columns(pd.DataFrame(), ["a"], [0])[0]["queue_mean"] == 0.0
