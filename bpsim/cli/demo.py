"""``bpsim demo``: the bundled service desk, simulated end to end.

A small IT service desk takes tickets by e-mail, phone and portal; agents triage them, ask
the customer for more information when needed, solve what they can and pass the rest to
specialists; the catalogue promises "taken in charge within 4 working hours" and bills
65 EUR per hour in 30-minute increments. ``bpsim demo`` simulates that model
(``models/service_desk.bpmn`` with ``models/service_desk.yaml``), prints the report and
writes plots, tables and the event log into a folder (default
``./bpsim-output/service-desk``)::

    bpsim demo
    bpsim demo --out /tmp/desk --replications 5

The models are looked up in ``$BPSIM_MODELS``, beside the installed package (a clone installed
with ``pip install -e``), in the package's data folder, and in ``./models``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bpsim.cli.simulate import add_run_options, simulate, write_out
from bpsim.errors import ReadError

HELP = "simulate the bundled service-desk example and write its report, plots and tables"

MODEL = "service_desk.bpmn"
SCENARIO = "service_desk.yaml"
DEFAULT_OUT = Path("bpsim-output") / "service-desk"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT),
                        help=f"folder for plots, tables and the event log (default: "
                             f"{DEFAULT_OUT})")
    add_run_options(parser)
    parser.add_argument("--event-log", choices=["all", "first", "none"], default="first",
                        help="which replications go into events.csv/.xes (default: the first "
                             "only, one realistic month of tickets; 'all' writes every one)")


def candidate_folders() -> list[Path]:
    """Where the bundled models may be, in the order they are tried."""
    import bpsim

    package = Path(bpsim.__file__).resolve().parent
    folders = []
    if os.environ.get("BPSIM_MODELS"):
        folders.append(Path(os.environ["BPSIM_MODELS"]))
    folders += [package.parent / "models", package / "data" / "models", package / "data",
                Path.cwd() / "models"]
    return folders


def find_models() -> tuple[Path, Path]:
    """The bundled model and scenario; a clear error naming every place tried otherwise."""
    tried = candidate_folders()
    for folder in tried:
        model, scenario = folder / MODEL, folder / SCENARIO
        if model.is_file() and scenario.is_file():
            return model, scenario
    places = "; ".join(str(f) for f in tried)
    raise ReadError(
        f"cannot find the bundled example ({MODEL} and {SCENARIO}); looked in: {places}.",
        hint="reinstall bpsim (the wheel ships them in bpsim/data/models), run from a clone "
             "of the bpsim repository (models/ at its root), or set "
             "BPSIM_MODELS to the folder holding both files.")


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    from bpsim.io import read
    from bpsim.scenario import load_scenario

    model, scenario_path = find_models()
    process = read(model)
    scenario = load_scenario(scenario_path)
    print(f"bpsim demo: simulating {_show(model)} with {_show(scenario_path)} ...",
          file=sys.stderr)
    results = simulate(process, scenario, args)
    sys.stdout.write(results.summary())
    paths = write_out(results, args.out, args.event_log)
    out = Path(args.out)
    print(f"\nWrote {len(paths)} files to {out}{os.sep}:")
    print("  report      report.txt, results.json")
    print("  plots       " + ", ".join(p.name for p in paths if p.suffix == ".png"))
    print("  tables      " + ", ".join(p.name for p in paths
                                       if p.suffix == ".csv" and p.name != "events.csv"))
    if args.event_log != "none":
        which = "first replication" if args.event_log == "first" else "all replications"
        print(f"  event log   events.csv, events.xes ({which}; for pm4py and other "
              "process-mining tools)")
    return 0
