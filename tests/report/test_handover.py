"""pm4py's handover-of-work network on the bundled model's event logs (XES and CSV).

Every event no person performs carries ``org:resource = system`` (automatic steps, start, end
and catch events, a task waiting to be taken), so the network builds, and its nodes are the
staff who worked plus ``system``.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from bpsim.report.eventlog import SYSTEM_RESOURCE


def _pm4py():
    if os.environ.get("CI"):
        import pm4py  # CI installs the dev extra: the test must run there

        return pm4py
    return pytest.importorskip("pm4py")


def _expected(results) -> set[str]:
    ev = results.events
    done = ev.loc[ev["lifecycle"].astype(str) == "start", "resource"].dropna().astype(str)
    return set(done) | {SYSTEM_RESOURCE}


def _check(pm4py, log: pd.DataFrame, results) -> None:
    assert log["org:resource"].notna().all() and (log["org:resource"].astype(str) != "").all()
    sna = pm4py.discover_handover_of_work_network(log)
    pairs = set(sna.connections)
    assert pairs
    nodes = {a for a, _ in pairs} | {b for _, b in pairs}
    want = _expected(results)
    assert nodes == want, nodes ^ want
    assert len(want) >= 1 + 6 + 1 + 3          # system, six agents, a phone agent, specialists
    # tickets pass from the automatic steps to people and back
    assert any(a == SYSTEM_RESOURCE and b != SYSTEM_RESOURCE for a, b in pairs)
    assert any(b == SYSTEM_RESOURCE and a != SYSTEM_RESOURCE for a, b in pairs)


def test_handover_network_from_the_xes(desk_results, tmp_path):
    pm4py = _pm4py()
    path = desk_results.to_event_log(tmp_path / "events.xes")
    log = pm4py.read_xes(str(path))
    _check(pm4py, log, desk_results)


def test_handover_network_from_the_csv(desk_results, tmp_path):
    pm4py = _pm4py()
    path = desk_results.to_event_log(tmp_path / "events.csv")
    raw = pd.read_csv(path)
    log = pm4py.format_dataframe(raw, case_id="case:concept:name", activity_key="concept:name",
                                 timestamp_key="time:timestamp")
    _check(pm4py, log, desk_results)
