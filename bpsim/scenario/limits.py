"""How big a run may be: sane limits, and the estimated size of a run before it starts.

A scenario is a few lines of YAML, and a few characters make a run that never ends on a
laptop: ``replications: 1e9``, ``horizon: 52000w``, ``per_hour: 1e6``, ``cases: 1e12``,
``staff: 1e9``. Each is a valid number, but the run would grow in memory until the machine
kills it. :func:`check_run_size` estimates the tickets a run will simulate (arrival rates x
horizon x replications, or ``cases`` x replications) and refuses, with the estimate and the
fix, what is beyond these limits (docs/scenario.md, "Limits"):

=======================  =========================  ==========================================
limit                    default                    environment variable to raise it
=======================  =========================  ==========================================
replications             10,000                     ``BPSIM_MAX_REPLICATIONS``
staff of a role / shift  100,000                    ``BPSIM_MAX_STAFF``
horizon                  100 years                  ``BPSIM_MAX_HORIZON_DAYS``
tickets in the run       20,000,000 (all reps)      ``BPSIM_MAX_CASES``
=======================  =========================  ==========================================

A run above :data:`WARN_CASES` tickets passes, with a warning that says how many tickets it
simulates (``bpsim simulate`` prints it on stderr).
"""

from __future__ import annotations

import math
import os
from typing import Any

from bpsim._words import plural
from bpsim.errors import ScenarioError

__all__ = ["estimate_cases", "check_run_size", "WARN_CASES"]

WEEK = 7 * 86400.0
#: Above this many tickets in a run (all replications), the run is allowed with a warning.
WARN_CASES = 2_000_000


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


def _rate(arrival: Any) -> float:
    """Mean arrivals per second of one channel (a weekly average for rate profiles)."""
    scale = float(getattr(arrival, "scale", 1.0) or 1.0)
    law = getattr(arrival, "interarrival", None)
    if law is not None:
        mean = float(getattr(law, "mean", math.nan))
        if mean > 0 and math.isfinite(mean):
            return scale / mean
        return math.inf if mean == 0 else 0.0
    profile = getattr(arrival, "profile", None)
    if profile is not None:
        grid = [i * 900.0 for i in range(int(WEEK / 900))]  # every quarter hour of a week
        try:
            return scale * sum(float(profile.rate(t)) for t in grid) / len(grid)
        except Exception:  # noqa: BLE001 - an estimate only
            return 0.0
    return 0.0


def estimate_cases(bound: Any, replications: int | None = None) -> float:
    """The tickets a run of ``bound`` will simulate, over every replication (an estimate)."""
    reps = int(bound.replications if replications is None else replications)
    per_rep = 0.0
    for arrival in (bound.arrivals or {}).values():
        if getattr(arrival, "trace", None) is not None:
            n = float(len(arrival.trace))
        elif bound.horizon is not None:
            n = _rate(arrival) * float(bound.horizon)
        else:
            n = 0.0
        if getattr(arrival, "limit", None) is not None:
            n = min(n, float(arrival.limit))
        per_rep += n
    if bound.cases is not None:
        per_rep = float(bound.cases) if bound.horizon is None else min(per_rep, bound.cases)
    return per_rep * max(reps, 0)


def _count(n: float) -> str:
    return f"{n:,.0f}" if n < 1e15 else f"{n:.2e}"


def check_run_size(bound: Any, replications: int | None = None) -> list[str]:
    """Refuse a run beyond the limits (:class:`ScenarioError` naming the key and the fix);
    return warnings (sentences) for a large run that is allowed."""
    reps = int(bound.replications if replications is None else replications)
    max_reps = _limit("BPSIM_MAX_REPLICATIONS", 10_000)
    if reps > max_reps:
        raise ScenarioError(
            f"replications: {reps:,} is more than the {max_reps:,.0f} bpsim runs.",
            key="replications", hint="20 to 100 replications give tight confidence intervals; "
            "set BPSIM_MAX_REPLICATIONS to run more.")
    max_staff = _limit("BPSIM_MAX_STAFF", 100_000)
    for name, role in (bound.roles or {}).items():
        for shift in getattr(role, "shifts", None) or []:
            if shift.staff > max_staff:
                raise ScenarioError(
                    f"staff: {shift.staff:,} is more than the {max_staff:,.0f} people per role "
                    "bpsim simulates (each person is simulated).", key=f"roles.{name}.staff",
                    hint="give the real head-count; set BPSIM_MAX_STAFF to allow more.")
    max_days = _limit("BPSIM_MAX_HORIZON_DAYS", 36_525)
    if bound.horizon is not None and bound.horizon > max_days * 86400:
        raise ScenarioError(
            f"horizon: {bound.horizon / 86400:,.0f} days is longer than the {max_days:,.0f} days "
            "(100 years) bpsim simulates.", key="horizon",
            hint="simulate a few weeks or months and use replications for precision; set "
            "BPSIM_MAX_HORIZON_DAYS to allow more.")
    cases = estimate_cases(bound, reps)
    max_cases = _limit("BPSIM_MAX_CASES", 20_000_000)
    if cases > max_cases:
        key = "cases" if bound.horizon is None else "horizon"
        raise ScenarioError(
            f"this run would simulate about {_count(cases)} tickets "
            f"({plural(reps, 'replication')}); "
            f"bpsim runs at most {max_cases:,.0f} in one run.",
            key=key, hint="shorten horizon, lower the arrival rates, cases or replications; set "
            "BPSIM_MAX_CASES to allow more.")
    if cases > WARN_CASES:
        return [f"this run simulates about {_count(cases)} tickets over "
                f"{plural(reps, 'replication')}; it may "
                "take many minutes, and gigabytes of memory unless it runs without event "
                "records (--no-records, records=False)."]
    return []
