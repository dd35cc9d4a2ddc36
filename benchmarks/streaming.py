"""Streaming statistics: `bpsim simulate --json` of M/M/2, records against --no-records.

Each run is a fresh `python -m bpsim simulate FILE -s S.yaml --json [--no-records]` of the
M/M/2 queue of benchmarks/mm2.py (tickets every 60 s, 100 s of work, 2 agents) with
``cases: N``; it prints the CPU seconds, the wall seconds and the peak RSS of that process
(``os.wait4``), and the ratio streamed / record-based.

    python benchmarks/streaming.py                    # 10^6 tickets, both ways; 10^7 streamed
    python benchmarks/streaming.py --sizes 1000000    # only 10^6
    python benchmarks/streaming.py --records-big      # 10^7 with records too (many GB)
    python benchmarks/streaming.py --desk 4           # the bundled service desk, a year x 4
    python benchmarks/streaming.py --fold 3           # the fold's cost per year-replication
    python benchmarks/streaming.py --items 8          # what-if work items: records / streamed

``--fold R`` runs R one-year replications of the service desk in one fresh process, each
``bpsim.engine.run`` with records (the engine and its record columns) and with
``records=False`` (the engine, and the collector folding every report figure), and prints
the CPU seconds per replication and the fold's cost (the difference) against the engine's.
``--items N`` runs N what-if work items (4 weeks of the service desk each, the optimiser's
figures: ``bpsim.whatif.metrics.run_item``) with records + lean figures and with streaming
statistics, and prints the CPU seconds per item and their ratio (the figures are compared:
the run fails if they differ); then the same with CSAT asked (the customer's side folded).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from mm2 import MM2_BPMN  # noqa: E402

SCENARIO = """name: M/M/2
seed: 1
replications: 1
cases: {n}
warmup: 0s
roles:
  Server: {{staff: 2}}
arrivals:
  Customer arrives: {{interarrival: exponential(mean=60s)}}
tasks:
  Serve: {{role: Server, duration: exponential(mean=100s)}}
"""


def run(folder: Path, n: int, streamed: bool, desk: int = 0) -> tuple[float, float, float]:
    if desk:
        models = HERE.parent / "models"
        bpmn, scen = models / "service_desk.bpmn", folder / "desk.yaml"
        text = (models / "service_desk.yaml").read_text(encoding="utf-8")
        scen.write_text(text.replace("horizon: 28d", "horizon: 365d"), encoding="utf-8")
        extra = ["-r", str(desk)]
    else:
        bpmn = folder / "mm2.bpmn"
        bpmn.write_bytes(MM2_BPMN)
        scen = folder / f"mm2_{n}.yaml"
        scen.write_text(SCENARIO.format(n=n), encoding="utf-8")
        extra = []
    cmd = [sys.executable, "-m", "bpsim", "simulate", str(bpmn), "-s", str(scen), "--json",
           "--workers", "1", *extra] + (["--no-records"] if streamed else [])
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    t0 = time.perf_counter()
    with open(folder / "out.json", "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024.0


FOLD = """
import time, bpsim
from bpsim.engine import run
p = bpsim.read({bpmn!r})
b = bpsim.load_scenario({yaml!r}).vary({{"horizon": "365d"}}).bind(p)
run(p, b, seed=1, replication_ids=[0], records=False)            # imports, first calls
t = {{True: 0.0, False: 0.0}}
for r in range({reps}):
    for records in (True, False):
        c0 = time.process_time()
        run(p, b, seed=1, replication_ids=[r], records=records)
        t[records] += time.process_time() - c0
eng, st = t[True] / {reps}, t[False] / {reps}
print(f"per year-replication: engine + records {{eng:.3f}} CPU s, streamed {{st:.3f}}; "
      f"the fold {{st - eng:.3f}} = {{(st - eng) / eng:.2f}}x the engine (goal <= 0.4)")
"""

ITEMS = """
import math, time, bpsim
import bpsim.whatif.metrics as M
from bpsim.whatif.metrics import FIGURES, WorkItem, run_item
p = bpsim.read({bpmn!r})
s = bpsim.load_scenario({yaml!r})
streams = M.streams
for label, want in (("", FIGURES - {{"experience"}}), (" with CSAT", FIGURES)):
    run_item(WorkItem(0, 0, p, s, 42, want))                     # imports, first calls
    t, got = {{}}, {{}}
    for mode in ("records", "streamed"):
        M.streams = streams if mode == "streamed" else (lambda item, bound: False)
        c0 = time.process_time()
        got[mode] = [run_item(WorkItem(0, r, p, s, 42, want)) for r in range({n})]
        t[mode] = (time.process_time() - c0) / {n}
    M.streams = streams
    for a, b in zip(got["records"], got["streamed"]):
        assert set(a) == set(b) and all(math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-12)
                                        or (math.isnan(a[k]) and math.isnan(b[k])) for k in a), (a, b)
    print(f"per work item{{label}}: records + lean figures {{t['records']:.3f}} CPU s, streamed "
          f"{{t['streamed']:.3f}}: {{t['streamed'] / t['records']:.2f}}x (same figures)")
"""


def child(code: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--records-big", action="store_true",
                    help="also run 10^7 (and larger) tickets with records")
    ap.add_argument("--desk", type=int, metavar="R", default=0,
                    help="instead: the bundled service desk over a year x R replications")
    ap.add_argument("--fold", type=int, metavar="R", default=0,
                    help="instead: the fold's CPU cost per year-replication of the desk")
    ap.add_argument("--items", type=int, metavar="N", default=0,
                    help="instead: N what-if work items, records against streamed")
    args = ap.parse_args()
    models = HERE.parent / "models"
    files = {"bpmn": str(models / "service_desk.bpmn"), "yaml": str(models / "service_desk.yaml")}
    if args.fold or args.items:
        if args.fold:
            child(FOLD.format(reps=args.fold, **files))
        if args.items:
            child(ITEMS.format(n=args.items, **files))
        print(f"load average {os.getloadavg()[0]:.1f}")
        return
    if args.desk:
        print(f"service desk, a year x {args.desk} replications, one process")
        print(f"{'mode':>9} {'CPU s':>8} {'wall s':>8} {'peak RSS MB':>12}")
        with tempfile.TemporaryDirectory() as tmp:
            rec = run(Path(tmp), 0, False, args.desk)
            print(f"{'records':>9} {rec[0]:8.1f} {rec[1]:8.1f} {rec[2]:12.0f}", flush=True)
            st = run(Path(tmp), 0, True, args.desk)
            print(f"{'streamed':>9} {st[0]:8.1f} {st[1]:8.1f} {st[2]:12.0f}   ratio CPU "
                  f"{st[0] / rec[0]:.2f}, RSS {st[2] / rec[2]:.2f}", flush=True)
        return
    print(f"{'tickets':>12} {'mode':>9} {'CPU s':>8} {'wall s':>8} {'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rec = None
            if n <= 1_000_000 or args.records_big:
                rec = run(Path(tmp), n, streamed=False)
                print(f"{n:>12,} {'records':>9} {rec[0]:8.1f} {rec[1]:8.1f} {rec[2]:12.0f}", flush=True)
            st = run(Path(tmp), n, streamed=True)
            print(f"{n:>12,} {'streamed':>9} {st[0]:8.1f} {st[1]:8.1f} {st[2]:12.0f}"
                  + (f"   ratio CPU {st[0] / rec[0]:.2f}, RSS {st[2] / rec[2]:.2f}" if rec else "")
                  + ("   (goal: 10^7 under 300 MB: " + ("met)" if st[2] < 300 else "not met)")
                     if n >= 10_000_000 else ""), flush=True)


if __name__ == "__main__":
    main()
