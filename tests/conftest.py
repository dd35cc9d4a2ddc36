"""Shared fixtures: where the repository, the bundled models and the shared corpus are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_files(*folders: str, suffixes=(".bpmn", ".bpmn20.xml")) -> list[Path]:
    """Files below ``../shared/corpus/<folder>`` with one of ``suffixes`` (sorted)."""
    found: list[Path] = []
    for folder in folders:
        base = CORPUS / folder
        if base.is_dir():
            found += [p for p in base.rglob("*") if p.is_file() and p.name.endswith(suffixes)]
    return sorted(found)


def require_corpus() -> None:
    """Skip (visibly) when ../shared/corpus is not beside the clone; CI always has it."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (CI has ../shared beside the clone)")


@pytest.fixture
def corpus() -> Path:
    require_corpus()
    return CORPUS


def run_notebook(path: Path, monkeypatch, timeout: int = 180, agg: bool = False) -> list[dict]:
    """Run a notebook top to bottom in quick mode (``BPSIM_NOTEBOOK_QUICK=1``) and return its
    code cells' outputs; fail on any cell error. The kernel imports this checkout's bpsim
    even when it is not pip-installed; ``agg`` draws figures off screen (no inline PNGs)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    import os

    monkeypatch.setenv("BPSIM_NOTEBOOK_QUICK", "1")
    if agg:
        monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return outputs


def stream_text(outputs: list[dict]) -> str:
    """What a notebook's cells printed."""
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
