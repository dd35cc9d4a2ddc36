"""How long does bpsim take to read a large BPMN file?

Reads the largest file of the shared corpus (``bpmn-miwg/Reference/C.8.0.bpmn``, about 240 kB,
with a DMN model and vendor extensions inside) several times and prints the mean and best
wall-clock time of :func:`bpsim.io.bpmn.read_bpmn` (safe parsing included). Falls back to the
bundled service desk model when the corpus is not beside the clone.

Run from the repository root::

    python benchmarks/import_speed.py [FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bpsim.io.bpmn import read_bpmn  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "bpmn-miwg" / "Reference" / "C.8.0.bpmn"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    path = args.file or (DEFAULT if DEFAULT.is_file() else ROOT / "models" / "service_desk.bpmn")
    read_bpmn(path)  # warm up imports and caches
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        process = read_bpmn(path)
        times.append(time.perf_counter() - start)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} kB, {process.graph.number_of_nodes()} "
          f"nodes, {len(process.flows)} flows, {len(process.diagram.shapes)} shapes")
    print(f"read_bpmn over {args.runs} runs: mean {statistics.mean(times) * 1000:.1f} ms, "
          f"best {min(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
