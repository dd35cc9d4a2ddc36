"""``bpsim simulate FILE --scenario S.yaml``: run a process and print the report.

"How long do tickets wait for an agent, how many breach the 4-working-hour promise, how busy
are the specialists, and what does it cost?"::

    bpsim simulate models/service_desk.bpmn --scenario models/service_desk.yaml
    bpsim simulate desk.bpmn -s desk.yaml --replications 30 --seed 7 --out results/
    bpsim simulate desk.drawio -s desk.yaml --page 2 --json > results.json

prints the text report (tickets, cycle time, stages, roles, SLAs with breach rates ± CI,
bottlenecks with reasons, cost, Little's law check), or with ``--json`` the JSON of
DESIGN.md. ``--out DIR`` also writes the tables (CSV), results.json, report.txt, the plots
(PNG), the HTML report (report.html) and the event log (events.csv, events.xes); each file
whole or not at all. ``--annotate OUT.bpmn|.drawio|.svg|.png [--metric utilization|wait|
breach|count|cost]`` writes the results onto the diagram; ``--html OUT.html`` writes the
self-contained HTML report.

Unless ``--out`` asks for the event log and the per-ticket tables (or ``--records`` is
given), the run keeps no event records: finished tickets are folded into the figures as the
run goes (streaming statistics, docs/streaming.md), each replication in its worker process,
so memory stays flat in the number of tickets; the figures are the record-based ones
(percentiles exact up to 4,096 values, then within 0.5 %).

Exit codes: 0 ok; 1 invalid model or scenario (or the engine cannot run it); 2 the model or
scenario file is unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bpsim.errors import BpsimError, ReadError

HELP = "simulate a process under a scenario and print waits, SLAs, utilisation and cost"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a BPMN 2.0 XML or draw.io file")
    parser.add_argument("--scenario", "-s", metavar="S.yaml",
                        help="the scenario (YAML): arrivals, durations, roles, SLAs (default: "
                             "the BPSim scenario stored in a BPMN FILE, when it has one)")
    add_run_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print the JSON report (durations in seconds) instead of text")
    parser.add_argument("--out", metavar="DIR",
                        help="also write tables (CSV), results.json, report.txt, plots (PNG) "
                             "and the event log (events.csv, events.xes) into DIR")
    parser.add_argument("--annotate", metavar="OUT", action="append",
                        help="write the results onto the diagram: OUT.bpmn (bpmn.io/Camunda "
                             "colours), OUT.drawio, OUT.svg or OUT.png (may be repeated)")
    parser.add_argument("--metric", default="utilization",
                        choices=["utilization", "wait", "breach", "count", "cost"],
                        help="with --annotate: what colours the shapes (default: "
                             "utilization)")
    parser.add_argument("--html", metavar="OUT.html",
                        help="write the self-contained HTML report (diagram with tooltips, "
                             "KPIs, SLA/stage/role tables, bottlenecks, plots)")
    parser.add_argument("--page", metavar="P",
                        help="draw.io: the page to simulate (name or 1-based number)")
    parser.add_argument("--event-log", choices=["all", "first", "none"], default="first",
                        help="with --out: which replications go into events.csv/.xes "
                             "(default: the first; the report says which)")
    parser.add_argument("--records", dest="records", action=argparse.BooleanOptionalAction,
                        default=None,
                        help="keep every ticket's event records (--records) or fold finished "
                             "tickets into the figures as the run goes (--no-records: memory "
                             "flat in the number of tickets, the same figures). Default: "
                             "records only when an output needs them (--out writes the event "
                             "log and the per-ticket tables)")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--replications``, ``--seed`` and ``--progress`` (shared with ``bpsim demo``)."""
    parser.add_argument("--replications", "-r", type=int, metavar="N",
                        help="independent runs (default: the scenario's)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="root seed (default: the scenario's); same seed, same figures")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar on stderr (default: when stderr is a "
                             "terminal)")
    parser.add_argument("--workers", "-w", type=int, metavar="N", default=None,
                        help="processes to spread the replications over (default: every "
                             "core; 1: in this process); the figures are the same")


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    page = getattr(args, "page", None)
    # the reader takes a page name, or a string of digits counted from 1 as people count
    return {} if page is None else {"page": str(page)}


def _require_file(path: str, what: str) -> None:
    from bpsim._paths import check_file

    check_file(path, what=f"{what} file")


def load(args: argparse.Namespace):
    """Read the model and the scenario named on the command line."""
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    _require_file(args.file, "model")
    if getattr(args, "scenario", None) is None:
        return _load_bpsim(args, read)
    _require_file(args.scenario, "scenario")
    process = read(args.file, **_reader_options(args))
    scenario = load_scenario(args.scenario)
    return process, scenario


def _load_bpsim(args: argparse.Namespace, read):
    """No ``--scenario``: the first BPSim scenario stored in the BPMN file, said on stderr."""
    from bpsim.errors import ScenarioError
    from bpsim.interchange import read_bpsim_file

    process = read(args.file, **_reader_options(args))
    try:
        found = read_bpsim_file(args.file, process)
    except ReadError as exc:
        if "no BPSim data" not in exc.message:
            raise
        raise ScenarioError("no --scenario given, and the model holds no BPSim simulation "
                            "parameters.", file=args.file,
                            hint="pass --scenario S.yaml (see docs/scenario.md).") from None
    scenario = found.scenarios[0]
    others = f" (of {len(found.ids)}; the others: bpsim scenario-from-bpsim --id)" \
        if len(found.ids) > 1 else ""
    unused = [f for f in found.findings_of(0) if f.rule in ("bpsim-not-used", "bpsim-calendar",
                                                             "bpsim-unknown-element")]
    print(f"bpsim simulate: no --scenario given: using the BPSim scenario {found.ids[0]!r}"
          f"{others} stored in {args.file}; {len(unused)} of its parameters not used "
          "(bpsim scenario-from-bpsim lists them and the assumptions made).", file=sys.stderr)
    return process, scenario


def simulate(process, scenario, args: argparse.Namespace, quiet: bool = False):
    """Bind, run and analyse; the progress bar follows ``--progress`` or the terminal."""
    from bpsim.engine import simulate as engine_simulate

    if args.replications is not None and args.replications < 1:
        raise BpsimError("--replications must be at least 1.", key="replications",
                         hint="pass --replications 1 or more.")
    workers = getattr(args, "workers", None)
    if workers is not None and workers < 1:
        raise BpsimError("--workers must be at least 1.", key="workers",
                         hint="pass --workers 1 or more (omit it to use every core).")
    progress = args.progress
    if progress is None:
        progress = sys.stderr.isatty() and not quiet
    return engine_simulate(process, scenario, replications=args.replications, seed=args.seed,
                           progress=bool(progress), workers=workers,
                           records=keep_records(args))


#: Options whose output is made from every ticket's event records.
NEEDS_RECORDS = ("out",)


def keep_records(args: argparse.Namespace) -> bool:
    """``--records`` / ``--no-records`` as given; by default, records only when an output
    needs them (:data:`NEEDS_RECORDS`): every figure of the report, the HTML report and the
    annotated diagram come from streaming statistics, with the same numbers."""
    if not hasattr(args, "records"):  # the commands that run ``simulate`` for their own use
        return True
    given = args.records
    if given is not None:
        return bool(given)
    return any(getattr(args, name, None) for name in NEEDS_RECORDS)


def write_out(results, out: str | Path, event_log: str = "first") -> list[Path]:
    """Write every output file into ``out``; an unwritable folder is a user error."""
    from bpsim.report.files import write_all

    notes: list[str] = []
    try:
        paths = write_all(results, out, event_log=event_log, notes=notes)
        for note in notes:
            print(f"bpsim simulate: {note}", file=sys.stderr)
        return paths
    except OSError as exc:
        raise BpsimError(f"cannot write the results: {exc.strerror or exc}.", file=str(out),
                         hint="choose a folder you can write to (--out DIR).") from exc


def _usage(message: str, file: str, hint: str) -> BpsimError:
    err = BpsimError(message, file=file, hint=hint)
    err.exit_code = 2  # like an unknown option: nothing ran
    return err


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse an ``--annotate``/``--html`` name bpsim cannot write before the run starts
    (exit 2), and an output that would overwrite the model or the scenario."""
    from bpsim.report.annotate import SUFFIXES, _suffix

    inputs = {Path(p).resolve() for p in (getattr(args, "file", None),
                                          getattr(args, "scenario", None)) if p}
    outs = list(getattr(args, "annotate", None) or [])
    for out in outs:
        if _suffix(out) not in SUFFIXES:
            raise _usage(f"--annotate writes {', '.join(SUFFIXES)}, not "
                         f"{_suffix(out) or 'a name without an extension'}.", out,
                         "name the output e.g. annotated.bpmn, annotated.drawio, "
                         "annotated.svg or annotated.png.")
    html = getattr(args, "html", None)
    if html:
        if Path(html).suffix.lower() not in (".html", ".htm"):
            raise _usage("--html writes an .html file.", html, "name the output e.g. "
                         "report.html.")
        outs.append(html)
    for out in outs:
        if Path(out).resolve() in inputs:
            raise _usage("the output would overwrite an input file.", out,
                         "write the annotated copy to another file.")


def write_extras(results, args: argparse.Namespace) -> list[Path]:
    """The ``--annotate`` and ``--html`` outputs; an unwritable path is a user error."""
    written = []
    targets = [("annotate", out) for out in getattr(args, "annotate", None) or []]
    if getattr(args, "html", None):
        targets.append(("html", args.html))
    for kind, out in targets:
        try:
            if kind == "html":
                results.to_html(out)
            else:
                results.annotate(out, metric=args.metric)
        except OSError as exc:
            raise BpsimError(f"cannot write {out}: {exc.strerror or exc}.", file=str(out),
                             hint="choose a path in a folder you can write to.") from exc
        written.append(Path(out))
    return written


def run(args: argparse.Namespace) -> int:
    check_outputs(args)
    if getattr(args, "records", None) is False and any(getattr(args, name, None)
                                                       for name in NEEDS_RECORDS):
        raise BpsimError("--no-records keeps no event records: --out writes the event log "
                         "and the per-ticket tables from them.", key="no-records",
                         hint="drop --no-records (or drop --out: --html and --annotate work "
                              "without records).")
    if args.out:  # refuse a folder bpsim will not fill before the run, not after it
        from bpsim.report.files import OUTPUT_NAMES
        from bpsim.report.outdir import check_out_dir

        check_out_dir(args.out, OUTPUT_NAMES)
    process, scenario = load(args)
    results = simulate(process, scenario, args, quiet=args.json)
    if args.json:
        sys.stdout.write(results.to_json() + "\n")
    else:
        sys.stdout.write(results.summary())
    if args.out:
        paths = write_out(results, args.out, args.event_log)
        from bpsim.report.files import event_log_note

        print(f"Wrote {len(paths)} files to {args.out}: "
              + ", ".join(p.name for p in paths) + ". "
              + event_log_note(results, args.event_log), file=sys.stderr)
    for path in write_extras(results, args):
        print(f"Wrote {path}", file=sys.stderr)
    return 0
