"""How fast is ``bpsim fit``? The help-desk log, and a synthetic log of a million events.

1. The real help-desk log of ../shared/data/helpdesk/ (20,937 events) on models/helpdesk.bpmn:
   read + fit, wall and CPU seconds (target: under 10 s).
2. A synthetic log of ``--events`` events (default 1,000,000) of the synthetic desk of
   tests/calibrate/synthetic.py (received -> Triage -> [Ask customer -> (customer replies)
   -> Triage]* -> Resolve -> closed), written as CSV with completion times only and 40
   agents, generated directly with numpy (no simulation); read + fit, wall and CPU seconds
   (target: under 2 minutes), and the events per second.

    python benchmarks/fit_speed.py                   # both
    python benchmarks/fit_speed.py --events 200000   # a smaller synthetic log
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]  # run from a checkout without installing

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import bpsim  # noqa: E402

HELPDESK = HERE.parent.parent / "shared" / "data" / "helpdesk" / "helpdesk.csv"


def synthetic_log(events: int, seed: int = 1) -> pd.DataFrame:
    """About ``events`` completion events of the synthetic desk, 3 tickets an hour per 1000."""
    rng = np.random.default_rng(seed)
    rows_case, rows_act, rows_time, rows_res = [], [], [], []
    tickets = max(events // 4, 1)
    arrival = np.cumsum(rng.exponential(3600 / 30, tickets))
    n = 0
    for i in range(tickets):
        t = arrival[i]
        seq = [("Ticket received", t, None)]
        while True:
            t += rng.exponential(600)
            seq.append(("Triage", t, f"Agent {rng.integers(40)}"))
            if rng.random() >= 0.3:
                break
            t += rng.uniform(120, 480)
            seq.append(("Ask customer", t, f"Agent {rng.integers(40)}"))
            t += rng.exponential(7200)
        t += rng.gamma(4, 450)
        seq.append(("Resolve", t, f"Agent {rng.integers(40)}"))
        seq.append(("Ticket closed", t, None))
        for act, when, res in seq:
            rows_case.append(i)
            rows_act.append(act)
            rows_time.append(when)
            rows_res.append(res)
        n += len(seq)
        if n >= events:
            break
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.array(rows_time), unit="s")
    return pd.DataFrame({"case:concept:name": [f"T{c}" for c in rows_case],
                         "concept:name": rows_act, "time:timestamp": times.strftime(
                             "%Y-%m-%d %H:%M:%S"), "org:resource": rows_res})


def timed(label: str, call):
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<44} wall {wall:7.2f} s   cpu {cpu:7.2f} s")
    return value, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    import scipy.stats  # noqa: F401  (import once, outside the timings: ~1 s)

    if HELPDESK.exists():
        process = bpsim.read(HERE.parent / "models" / "helpdesk.bpmn")
        fitted, wall, _ = timed("helpdesk: read + fit (20,937 events)",
                                lambda: bpsim.fit(process, HELPDESK))
        print(f"  {fitted!r}; target 10 s: {'met' if wall < 10 else 'MISSED'} "
              f"({wall / 10:.0%} of it)")
    else:
        print(f"helpdesk log not found at {HELPDESK}: skipped")
    from tests.calibrate.synthetic import process as synthetic_process

    log, _, _ = timed(f"synthetic: generate ~{args.events:,} events", lambda: synthetic_log(
        args.events))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        log.to_csv(path, index=False)
        size = path.stat().st_size
        print(f"  {len(log):,} events, {log['case:concept:name'].nunique():,} tickets, "
              f"{size / 1e6:.0f} MB of CSV")
        read, w_read, _ = timed("synthetic: read_log", lambda: bpsim.read_log(path, progress=False))
        fitted, w_fit, _ = timed("synthetic: fit (log already read)",
                                 lambda: bpsim.fit(synthetic_process(), read))
    total = w_read + w_fit
    print(f"  {fitted!r}")
    print(f"synthetic read + fit: {total:.1f} s, {len(log) / total:,.0f} events/s; "
          f"target 120 s: {'met' if total < 120 else 'MISSED'} ({total / 120:.0%} of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
