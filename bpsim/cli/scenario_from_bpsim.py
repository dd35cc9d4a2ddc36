"""``bpsim scenario-from-bpsim MODEL -o S.yaml``: a scenario file from a BPMN file's BPSim data.

jBPM/KIE, Trisotech, Bizagi, Sparx and other BPSim tools store simulation parameters inside
the BPMN file. This command turns one of those scenarios into a bpsim scenario file, with
every parameter bpsim does not use, and every assumption it made, listed (on stderr and as
comments at the top of the YAML)::

    bpsim scenario-from-bpsim claims.bpmn -o claims.yaml
    bpsim scenario-from-bpsim claims.bpmn --id peak -o peak.yaml
    bpsim scenario-from-bpsim claims.bpmn --json

Exit codes: 0 written; 1 the BPSim data does not make a valid scenario; 2 unreadable file or
no BPSim data.
"""

from __future__ import annotations

import argparse
import json
import sys

from bpsim.errors import ScenarioError

HELP = "turn the BPSim simulation parameters stored in a BPMN file into a bpsim scenario file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="MODEL", help="a BPMN 2.0 file with BPSim data")
    parser.add_argument("-o", "--output", metavar="S.yaml",
                        help="the scenario file to write (default: print the YAML)")
    parser.add_argument("--id", metavar="ID",
                        help="which BPSim scenario (its id; default: the first)")
    parser.add_argument("--json", action="store_true",
                        help="print what was found (scenarios, findings) as JSON")


def run(args: argparse.Namespace) -> int:
    from bpsim._atomic import write_bytes
    from bpsim.cli.simulate import _require_file
    from bpsim.interchange import read_bpsim_file
    from bpsim.io import read

    _require_file(args.file, "model")
    process = read(args.file)
    found = read_bpsim_file(args.file, process)
    index = 0
    if args.id is not None:
        if args.id not in found.ids:
            raise ScenarioError(f"the file has no BPSim scenario {args.id!r}.", file=args.file,
                                hint=f"choose one of: {', '.join(found.ids)}.")
        index = found.ids.index(args.id)
    scenario = found.scenarios[index]
    scenario.bind(process)  # a scenario that does not fit the model is an error here, not later
    if args.json:
        sys.stdout.write(json.dumps({
            "file": args.file, "namespace": found.namespace,
            "scenarios": [{"id": i, "name": n} for i, n in zip(found.ids, found.names)],
            "chosen": found.ids[index], "scenario": json.loads(json.dumps(
                found.data[index], default=str)),
            "findings": [f.to_dict() for f in found.findings],
        }, indent=2) + "\n")
    if not args.json:
        for f in found.findings_of(index):
            print(f"bpsim scenario-from-bpsim: {f}", file=sys.stderr)
    text = found.to_yaml(index)
    if args.output:
        write_bytes(args.output, text.encode("utf-8"))
        print(f"Wrote the BPSim scenario {found.ids[index]!r} to {args.output}.", file=sys.stderr)
    elif not args.json:
        sys.stdout.write(text)
    return 0
