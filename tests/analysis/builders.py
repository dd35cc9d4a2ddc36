"""Small hand-made runs whose figures are known by hand (no engine needed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bpsim.engine.output import RunOutput
from bpsim.scenario.spec import SLA, Arrival, BoundScenario, Role, Shift, SLAPoint, TaskSpec

MONDAY = dt.datetime(2026, 1, 5)


class Fixed:
    """A fixed duration (enough of the Distribution protocol for the analyses)."""

    def __init__(self, seconds: float) -> None:
        self.mean = seconds

    def sample(self, rng):
        return self.mean

    def sample_many(self, rng, n):
        import numpy as np

        return np.full(n, self.mean)


def ticket(rep, case, arrival, steps, end=None, cls="default", start="Start"):
    """Event rows of one ticket. ``steps``: (element, enabled, start, complete, resource,
    role) with ``None`` for a moment that did not happen."""
    rows = [(rep, case, cls, start, "arrive", arrival, None, None)]
    for element, en, st, co, res, role in steps:
        rows.append((rep, case, cls, element, "enabled", en, None, None))
        if st is not None:
            rows.append((rep, case, cls, element, "start", st, res, role))
        if co is not None:
            rows.append((rep, case, cls, element, "complete", co, res, role))
    if end is not None:
        rows.append((rep, case, cls, "End", "end", end, None, None))
    return rows


def make_output(rows, staff=(), windows=None, seed=1) -> RunOutput:
    """A RunOutput from event rows (as :func:`ticket` makes), staff rows
    ``(rep, role, resource, on_shift, busy, tasks)`` and windows ``{rep: (warmup, end)}``."""
    ev = pd.DataFrame(rows, columns=["replication", "case", "cls", "element", "lifecycle",
                                     "time", "resource", "role"])
    ev = ev.sort_values(["replication", "time"], kind="stable", ignore_index=True)
    for c in ("cls", "element", "lifecycle", "resource", "role"):
        ev[c] = ev[c].astype("category")
    arr = ev.loc[ev["lifecycle"] == "arrive"]
    ends = ev.loc[ev["lifecycle"] == "end"].groupby(["replication", "case"])["time"].max()
    cases = pd.DataFrame({"replication": arr["replication"].to_numpy(),
                          "case": arr["case"].to_numpy(),
                          "cls": arr["cls"].astype(object).to_numpy(),
                          "start": arr["element"].astype(object).to_numpy(),
                          "arrival": arr["time"].to_numpy()})
    cases["end"] = [ends.get((r, c), float("nan")) for r, c in zip(cases["replication"],
                                                                    cases["case"])]
    cases["completed"] = cases["end"].notna()
    st = pd.DataFrame(list(staff), columns=["replication", "role", "resource", "on_shift",
                                            "busy", "tasks"])
    st["shift"] = None
    reps = sorted(set(ev["replication"]))
    windows = windows or {r: (0.0, float(ev["time"].max())) for r in reps}
    win = pd.DataFrame([(r, w0, w1) for r, (w0, w1) in windows.items()],
                       columns=["replication", "warmup", "end"])
    return RunOutput(events=ev, cases=cases, staff=st, windows=win, seed=seed,
                     replications=len(windows))


def make_scenario(roles=None, tasks=None, slas=(), classes=("default",), warmup=0.0,
                  start=MONDAY) -> BoundScenario:
    roles = roles if roles is not None else {
        "Agent": Role("Agent", [Shift(1)], cost_per_hour=65.0, billing_increment=1800.0)}
    tasks = tasks if tasks is not None else {"Task_A": TaskSpec("Task_A", Fixed(30.0), "Agent")}
    return BoundScenario(
        name="hand-made", seed=1, replications=1, horizon=100.0, cases=None, warmup=warmup,
        start=start, arrivals={"Start": Arrival("Start", interarrival=Fixed(10.0))},
        roles=roles, tasks=tasks, slas=list(slas), classes=list(classes))


__all__ = ["Fixed", "ticket", "make_output", "make_scenario", "SLA", "SLAPoint", "MONDAY"]
