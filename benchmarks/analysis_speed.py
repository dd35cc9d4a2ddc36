"""The targets of issue 16, measured in one run: figure, target and ratio to the baseline.

Each target runs in a fresh Python process (``python -c ...``) with the code under test first
on ``sys.path``, so the same script measures today's checkout and an older one::

    python benchmarks/analysis_speed.py                      # every target, this checkout
    python benchmarks/analysis_speed.py --only import,bind5k # some targets
    python benchmarks/analysis_speed.py --quick              # smaller runs (a few minutes)
    # the baseline figures (benchmarks/analysis_baseline.json) were printed by the code
    # before issue 16, checked out in a temporary worktree:
    git worktree add --detach /tmp/base <commit>
    python benchmarks/analysis_speed.py --code /tmp/base --record benchmarks/analysis_baseline.json

Times are CPU seconds of the measured step (user + system, the process and its children:
stable on a machine shared with other work) unless the row says ``wall``; each timed step is
run ``--repeat`` times and the best is kept. ``rss`` is the peak resident set of the
process (of its largest worker when there are workers). The ratio column is
``figure / baseline`` (below 1: smaller, i.e. faster or leaner).

Targets (see docs/performance.md):

``import``        ``import bpsim`` (wall, best of 5)
``year20``        ``bpsim simulate --json`` of the bundled service desk, a year x 20
                  replications (wall on this machine's cores, peak RSS)
``split``         a year x 4 replications in one process: engine CPU s, the analyses'
                  CPU s (the bpsim.analysis tables: cycle time, stages, roles, staff, SLAs,
                  costs, bottlenecks, Little's law, queues) and their ratio, and the whole
                  JSON report (``to_dict()``: those plus warnings, open tickets, journey and
                  satisfaction figures of the other packages)
``bind5k``        binding the scenario of a generated 5,000-task chain
``validate5k``    ``bpsim validate CHAIN --scenario S`` of that chain (with its layout)
``chain20k``      simulating a generated 20,000-task chain (10 tickets)
``optimize``      ``bpsim optimize`` of the bundled model (wall, all cores)
``mm2_1e6``       ``bpsim simulate --json`` of M/M/2 with ``cases: 1000000``: wall, RSS
``mm2_1e7``       the same with 10^7 cases (only with ``--big``)
``item``          one what-if work item of the bundled model (4 weeks): CPU s with records
                  and the lean figures (what sweeps and the optimiser run), against the
                  engine's streaming statistics (``records=False``) and their tables
``scaling``       a sweep of the bundled model (6 plans x 4 replications of 4 weeks) on a
                  process pool of 1 and of 2 workers: wall seconds and the speed-up
``dask200``       a sweep of 200 plans x 20 replications (M/M/c, 200 tickets each) on the
                  process pool and on a Dask LocalCluster, tables checked equal (only with
                  ``--big`` or ``--only dask200``; ``--quick``: 20 plans x 4)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# -- generated models ------------------------------------------------------------------


def chain_bpmn(n: int, with_di: bool = True) -> str:
    """A start event, ``n`` user tasks in a row in one lane ("Agent"), an end event."""
    ids = ["Start"] + [f"T{k}" for k in range(1, n + 1)] + ["End"]
    nodes = ['<startEvent id="Start" name="Ticket received"/>']
    nodes += [f'<userTask id="T{k}" name="Step {k}"/>' for k in range(1, n + 1)]
    nodes.append('<endEvent id="End" name="Ticket closed"/>')
    flows = [f'<sequenceFlow id="F{k}" sourceRef="{a}" targetRef="{b}"/>'
             for k, (a, b) in enumerate(zip(ids, ids[1:]))]
    refs = "".join(f"<flowNodeRef>{i}</flowNodeRef>" for i in ids)
    di = ""
    if with_di:
        shapes = []
        for k, i in enumerate(ids):
            x = 100 + 150 * k
            w, h = (36, 36) if i in ("Start", "End") else (100, 80)
            shapes.append(f'<bpmndi:BPMNShape id="S_{i}" bpmnElement="{i}">'
                          f'<dc:Bounds x="{x}" y="100" width="{w}" height="{h}"/></bpmndi:BPMNShape>')
        for k in range(len(ids) - 1):
            x0, x1 = 100 + 150 * k + 100, 100 + 150 * (k + 1)
            shapes.append(f'<bpmndi:BPMNEdge id="E_F{k}" bpmnElement="F{k}">'
                          f'<di:waypoint x="{x0}" y="140"/><di:waypoint x="{x1}" y="140"/>'
                          f'</bpmndi:BPMNEdge>')
        lane_w = 150 * len(ids) + 100
        shapes.insert(0, f'<bpmndi:BPMNShape id="S_Lane" bpmnElement="Lane_Agent" isHorizontal="true">'
                         f'<dc:Bounds x="50" y="50" width="{lane_w}" height="200"/></bpmndi:BPMNShape>')
        di = ('<bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="Process_Chain">'
              + "".join(shapes) + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
            'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
            'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs" targetNamespace="bench">'
            '<process id="Process_Chain" name="Chain" isExecutable="false">'
            f'<laneSet id="LS"><lane id="Lane_Agent" name="Agent">{refs}</lane></laneSet>'
            + "".join(nodes) + "".join(flows) + "</process>" + di + "</definitions>\n")


def chain_yaml(n: int, cases: int | None = None) -> str:
    """The scenario of :func:`chain_bpmn`: every task named, 5 s each, two agents."""
    lines = ["name: generated chain", "seed: 1", "replications: 1",
             f"cases: {cases}" if cases else "horizon: 1d",
             "arrivals:", "  Ticket received: {interarrival: exponential(mean=60s)}",
             "roles:", "  Agent: {staff: 2}", "tasks:"]
    lines += [f"  Step {k}: {{duration: exponential(mean=5s)}}" for k in range(1, n + 1)]
    return "\n".join(lines) + "\n"


MM2_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="bench">
  <process id="Process_MM2" name="M/M/2">
    <laneSet><lane id="Lane_Server" name="Server">
      <flowNodeRef>Start</flowNodeRef><flowNodeRef>Serve</flowNodeRef><flowNodeRef>End</flowNodeRef>
    </lane></laneSet>
    <startEvent id="Start" name="Customer arrives"/>
    <userTask id="Serve" name="Serve"/>
    <endEvent id="End" name="Customer leaves"/>
    <sequenceFlow id="F1" sourceRef="Start" targetRef="Serve"/>
    <sequenceFlow id="F2" sourceRef="Serve" targetRef="End"/>
  </process>
</definitions>
"""


def mm2_yaml(cases: int) -> str:
    return textwrap.dedent(f"""\
        name: M/M/2
        seed: 1
        replications: 1
        cases: {cases}
        arrivals:
          Customer arrives: {{interarrival: exponential(mean=60s)}}
        roles:
          Server: {{staff: 2}}
        tasks:
          Serve: {{duration: exponential(mean=100s)}}
        """)


def desk_yaml(horizon: str, replications: int) -> str:
    """The bundled scenario with another horizon and replication count."""
    text = (ROOT / "models" / "service_desk.yaml").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.startswith("horizon:"):
            line = f"horizon: {horizon}"
        elif line.startswith("replications:"):
            line = f"replications: {replications}"
        out.append(line)
    return "\n".join(out) + "\n"


# -- running a measurement in a child process ----------------------------------------------

PRELUDE = """
import json, os, resource, sys, time
sys.path.insert(0, {code!r})
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
def rss_mb():
    s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(s, c)
def emit(**kw):
    print("RESULT " + json.dumps(kw))
"""


def child(code_dir: str, body: str, timeout: float, cwd: str) -> dict:
    src = PRELUDE.format(code=code_dir) + textwrap.dedent(body)
    env = dict(os.environ, PYTHONPATH=code_dir, PYTHONDONTWRITEBYTECODE="1")
    try:
        proc = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": tail[:200]}


def cli_body(argv: list[str]) -> str:
    return f"""
    import io, contextlib
    from bpsim.cli import main
    t0, c0 = time.perf_counter(), cpu()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            code = main({argv!r})
        except SystemExit as e:
            code = e.code
    emit(wall=time.perf_counter() - t0, cpu=cpu() - c0, rss=rss_mb(), exit=code,
         out=len(buf.getvalue()))
    """


def best(runs: list[dict], key: str) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    return min(ok, key=lambda r: r[key])


# -- the targets ------------------------------------------------------------------------------


def t_import(ctx) -> dict:
    body = """
    t0 = time.perf_counter()
    import bpsim
    emit(wall=time.perf_counter() - t0)
    """
    r = best([child(ctx.code, body, 60, ctx.tmp) for _ in range(5)], "wall")
    return {"import s (wall)": r.get("wall"), "_error": r.get("error")}


def t_year20(ctx) -> dict:
    horizon, reps = ("91d", 8) if ctx.quick else ("365d", 20)
    s = Path(ctx.tmp, f"desk_{horizon}_{reps}.yaml")
    s.write_text(desk_yaml(horizon, reps), encoding="utf-8")
    argv = ["simulate", str(ROOT / "models" / "service_desk.bpmn"), "--scenario", str(s),
            "--json"]
    r = child(ctx.code, cli_body(argv), 1800, ctx.tmp)
    tag = f"{horizon} x {reps}"
    return {f"simulate {tag} s (wall)": r.get("wall"), f"simulate {tag} CPU s": r.get("cpu"),
            f"simulate {tag} peak RSS MB": r.get("rss"), "_error": r.get("error")}


def t_split(ctx) -> dict:
    horizon, reps = ("91d", 2) if ctx.quick else ("365d", 4)
    body = f"""
    import bpsim
    from bpsim.engine import run
    from bpsim.analysis import Results
    p = bpsim.read({str(ROOT / "models" / "service_desk.bpmn")!r})
    s = bpsim.load_scenario({str(ROOT / "models" / "service_desk.yaml")!r})
    s = s.vary({{"horizon": {horizon!r}, "replications": {reps}}})
    b = s.bind(p)
    c0 = time.process_time(); out = run(p, b); c1 = time.process_time()
    res = Results(out, p, b)
    for name in ("cycle_time", "stages", "roles", "staff", "slas", "costs", "bottlenecks",
                 "littles_law", "queues"):
        getattr(res, name)
    c2 = time.process_time()
    res.to_dict(); c3 = time.process_time()
    emit(engine=c1 - c0, analysis=c2 - c1, report=c3 - c1)
    """
    r = best([child(ctx.code, body, 1800, ctx.tmp) for _ in range(ctx.repeat)], "analysis")
    tag = f"{horizon} x {reps}"
    e, a, rep = r.get("engine"), r.get("analysis"), r.get("report")
    return {f"engine {tag} CPU s": e, f"analyses {tag} CPU s": a,
            "analyses / engine": (a / e) if e and a is not None else None,
            f"whole JSON report {tag} CPU s": rep,
            "whole JSON report / engine": (rep / e) if e and rep is not None else None,
            "_error": r.get("error")}


def _chain_files(ctx, n: int, cases: int | None = None) -> tuple[Path, Path]:
    m, s = Path(ctx.tmp, f"chain{n}.bpmn"), Path(ctx.tmp, f"chain{n}_{cases}.yaml")
    if not m.exists():
        m.write_text(chain_bpmn(n), encoding="utf-8")
    s.write_text(chain_yaml(n, cases), encoding="utf-8")
    return m, s


def t_bind5k(ctx) -> dict:
    m, s = _chain_files(ctx, 5000)
    body = f"""
    import bpsim
    p = bpsim.read({str(m)!r}); sc = bpsim.load_scenario({str(s)!r})
    c0 = time.process_time(); sc.bind(p); emit(cpu=time.process_time() - c0)
    """
    r = best([child(ctx.code, body, 600, ctx.tmp) for _ in range(ctx.repeat)], "cpu")
    return {"bind 5k tasks CPU s": r.get("cpu"), "_error": r.get("error")}


def t_validate5k(ctx) -> dict:
    m, s = _chain_files(ctx, 5000)
    r = child(ctx.code, cli_body(["validate", str(m), "--scenario", str(s), "--json"]), 900,
              ctx.tmp)
    return {"validate 5k tasks CPU s": r.get("cpu"), "_error": r.get("error")}


def t_chain20k(ctx) -> dict:
    m, s = _chain_files(ctx, 20000, cases=10)
    body = f"""
    import bpsim
    p = bpsim.read({str(m)!r}); sc = bpsim.load_scenario({str(s)!r})
    c0 = time.process_time()
    try:
        r = bpsim.simulate(p, sc)
        ok = r.completed
    except Exception as e:
        ok = "refused: " + str(e).splitlines()[0][:80]
    emit(cpu=time.process_time() - c0, completed=ok)
    """
    r = child(ctx.code, body, 900, ctx.tmp)
    done = r.get("completed")
    return {"simulate 20k tasks CPU s": r.get("cpu"),
            "20k tasks completed tickets": done if isinstance(done, int | float) else None,
            "_note": None if isinstance(done, int | float) else done, "_error": r.get("error")}


def t_optimize(ctx) -> dict:
    argv = ["optimize", str(ROOT / "models" / "service_desk.bpmn"), "--scenario",
            str(ROOT / "models" / "service_desk.yaml"), "--json"]
    r = child(ctx.code, cli_body(argv), 1800, ctx.tmp)
    return {"optimize s (wall)": r.get("wall"), "optimize CPU s": r.get("cpu"),
            "_error": r.get("error")}


def t_item(ctx) -> dict:
    body = f"""
    import bpsim
    from bpsim.analysis import Results
    from bpsim.engine import run
    from bpsim.whatif.metrics import FIGURES, WorkItem, run_item
    p = bpsim.read({str(ROOT / "models" / "service_desk.bpmn")!r})
    sc = bpsim.load_scenario({str(ROOT / "models" / "service_desk.yaml")!r})
    b = sc.bind(p)
    n = 6
    run_item(WorkItem(0, 0, p, sc, 42))
    c0 = time.process_time()
    for r in range(n):
        run_item(WorkItem(0, r, p, sc, 42, FIGURES - {{"experience"}}))
    c1 = time.process_time()
    for r in range(n):
        res = Results(run(p, b, seed=42, replication_ids=[r], records=False), p, b)
        res.slas, res.roles, res.costs, res.cycle_time, res.open_summary, res.backlog_trend
    c2 = time.process_time()
    emit(records=(c1 - c0) / n, streamed=(c2 - c1) / n)
    """
    r = child(ctx.code, body, 900, ctx.tmp)
    a, b = r.get("records"), r.get("streamed")
    return {"work item, records + lean figures CPU s": a,
            "work item, streaming statistics CPU s": b,
            "work item, streaming / records": (b / a) if a and b else None,
            "_error": r.get("error")}


def t_scaling(ctx) -> dict:
    plans, reps = (2, 2) if ctx.quick else (6, 4)
    body = f"""
    import bpsim, pandas as pd
    p = bpsim.read({str(ROOT / "models" / "service_desk.bpmn")!r})
    sc = bpsim.load_scenario({str(ROOT / "models" / "service_desk.yaml")!r})
    vary = {{"roles.Specialist.staff": list(range(3, 3 + {plans}))}}
    out = {{}}
    tables = []
    for workers in (1, 2):
        t0, c0 = time.perf_counter(), cpu()
        tables.append(bpsim.sweep(p, sc, vary, replications={reps}, workers=workers,
                                  timeout=900))
        out[workers] = (time.perf_counter() - t0, cpu() - c0)
    pd.testing.assert_frame_equal(tables[0], tables[1])
    emit(w1=out[1][0], w2=out[2][0], c1=out[1][1], c2=out[2][1], load=os.getloadavg()[0])
    """
    r = child(ctx.code, body, 1800, ctx.tmp)
    tag = f"{plans + 1} plans x {reps}"
    w1, w2 = r.get("w1"), r.get("w2")
    return {f"sweep {tag}, 1 worker s (wall)": w1, f"sweep {tag}, 2 workers s (wall)": w2,
            "sweep speed-up, 2 workers / 1": (w1 / w2) if w1 and w2 else None,
            f"sweep {tag}, 1 worker CPU s": r.get("c1"),
            f"sweep {tag}, 2 workers CPU s": r.get("c2"),
            "load average while measured": r.get("load"), "_error": r.get("error")}


def _mm2(ctx, cases: int, tag: str) -> dict:
    m, s = Path(ctx.tmp, "mm2.bpmn"), Path(ctx.tmp, f"mm2_{cases}.yaml")
    m.write_text(MM2_BPMN, encoding="utf-8")
    s.write_text(mm2_yaml(cases), encoding="utf-8")
    r = child(ctx.code, cli_body(["simulate", str(m), "--scenario", str(s), "--json"]), 3600,
              ctx.tmp)
    return {f"M/M/2 {tag} cases s (wall)": r.get("wall"),
            f"M/M/2 {tag} cases peak RSS MB": r.get("rss"), "_error": r.get("error")}


def t_mm2_1e6(ctx) -> dict:
    return _mm2(ctx, 1_000_000, "10^6")


def t_mm2_1e7(ctx) -> dict:
    return _mm2(ctx, 10_000_000, "10^7")


def t_dask200(ctx) -> dict:
    plans, reps = (20, 4) if ctx.quick else (200, 20)
    m, s = Path(ctx.tmp, "mm2.bpmn"), Path(ctx.tmp, "mm2_sweep.yaml")
    m.write_text(MM2_BPMN, encoding="utf-8")
    s.write_text(mm2_yaml(200), encoding="utf-8")
    body = f"""
    import bpsim, pandas as pd
    p = bpsim.read({str(m)!r}); sc = bpsim.load_scenario({str(s)!r})
    staff = list(range(2, 12))
    scale = [round(0.5 + 0.05 * k, 2) for k in range({plans} // 10)]
    vary = {{"roles.Server.staff": staff, "arrivals.Customer arrives.scale": scale}}
    t0, c0 = time.perf_counter(), cpu()
    local = bpsim.sweep(p, sc, vary, replications={reps}, executor="process", timeout=900)
    t1, c1 = time.perf_counter(), cpu()
    dasked = bpsim.sweep(p, sc, vary, replications={reps}, executor="dask", timeout=900)
    t2, c2 = time.perf_counter(), cpu()
    pd.testing.assert_frame_equal(local, dasked)
    emit(rows=len(dasked), local=t1 - t0, dask=t2 - t1, local_cpu=c1 - c0, dask_cpu=c2 - c1)
    """
    r = child(ctx.code, body, 3600, ctx.tmp)
    tag = f"{plans} plans x {reps}"
    return {f"sweep {tag} process pool s (wall)": r.get("local"),
            f"sweep {tag} Dask LocalCluster s (wall)": r.get("dask"),
            f"sweep {tag} rows equal on Dask": r.get("rows"), "_error": r.get("error")}


TARGETS = {"import": t_import, "split": t_split, "bind5k": t_bind5k,
           "validate5k": t_validate5k, "chain20k": t_chain20k, "year20": t_year20,
           "optimize": t_optimize, "item": t_item, "scaling": t_scaling, "mm2_1e6": t_mm2_1e6, "mm2_1e7": t_mm2_1e7,
           "dask200": t_dask200}
#: Run only when named (--only) or with --big: long, or needing the optional Dask extra.
OPTIONAL = ("mm2_1e7", "dask200")
#: The issue's targets, for the table (figure name -> (limit, unit)).
GOALS = {
    "import s (wall)": 0.3, "analyses / engine": 0.5, "bind 5k tasks CPU s": 2.0,
    "validate 5k tasks CPU s": 2.0, "simulate 365d x 20 s (wall)": 15.0,
    "simulate 365d x 20 peak RSS MB": 1024.0, "optimize s (wall)": 10.0,
    "sweep speed-up, 2 workers / 1": 2.0,
    "M/M/2 10^7 cases peak RSS MB": 300.0,
}


class Ctx:
    def __init__(self, code: str, tmp: str, quick: bool, repeat: int) -> None:
        self.code, self.tmp, self.quick, self.repeat = code, tmp, quick, repeat


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", default=str(ROOT), help="checkout whose bpsim is measured")
    ap.add_argument("--only", help="comma-separated targets: " + ",".join(TARGETS))
    ap.add_argument("--big", action="store_true", help="also M/M/2 with 10^7 cases")
    ap.add_argument("--quick", action="store_true", help="smaller simulate runs")
    ap.add_argument("--repeat", type=int, default=2, help="runs per timed step (best kept)")
    ap.add_argument("--baseline", default=str(HERE / "analysis_baseline.json"))
    ap.add_argument("--record", help="write the figures as JSON (e.g. a new baseline)")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else [n for n in TARGETS if n not in OPTIONAL]
    if args.big:
        names += [n for n in OPTIONAL if n not in names]
    base = {}
    if Path(args.baseline).is_file():
        base = json.loads(Path(args.baseline).read_text(encoding="utf-8")).get("figures", {})
    figures: dict = {}
    print(f"measuring {args.code} on {os.cpu_count()} core(s); baseline {args.baseline}")
    print(f"{'figure':40} {'now':>12} {'baseline':>12} {'ratio':>8} {'target':>8}")
    with tempfile.TemporaryDirectory(prefix="bpsim-bench-") as tmp:
        ctx = Ctx(str(Path(args.code).resolve()), tmp, args.quick, args.repeat)
        for name in names:
            t0 = time.perf_counter()
            out = TARGETS[name](ctx)
            err, note = out.pop("_error", None), out.pop("_note", None)
            for fig, v in out.items():
                figures[fig] = v
                b = base.get(fig)
                ratio = f"{v / b:.2f}" if isinstance(v, int | float) and isinstance(
                    b, int | float) and b else "-"
                goal = GOALS.get(fig)
                print(f"{fig:40} {_fmt(v):>12} {_fmt(b):>12} {ratio:>8} "
                      f"{_fmt(goal):>8}", flush=True)
            if err or note:
                print(f"  ({name}: {err or note})", flush=True)
                figures[f"{name} note"] = err or note
            print(f"  [{name} took {time.perf_counter() - t0:.0f} s]", file=sys.stderr,
                  flush=True)
    if args.record:
        Path(args.record).write_text(json.dumps({
            "code": args.code, "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "figures": figures}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
