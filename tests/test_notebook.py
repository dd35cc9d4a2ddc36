"""notebooks/staffing_study.ipynb runs top to bottom (quick mode) without an error.

The notebook's one switch, ``BPSIM_NOTEBOOK_QUICK=1``, shortens the runs (two simulated
weeks, 3 replications) so it executes in well under a minute; the full study is for people.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "staffing_study.ipynb"


def test_staffing_study_notebook_runs_in_quick_mode(monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("BPSIM_NOTEBOOK_QUICK", "1")
    # the kernel must import this checkout's bpsim even when it is not pip-installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "quick run" in text
    assert "Cheapest staffing" in text and "taken in charge" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # baseline, what-if differences, rosters tried
