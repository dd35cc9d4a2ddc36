"""notebooks/calibration.ipynb runs top to bottom in quick mode (BPSIM_NOTEBOOK_QUICK=1)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT, SHARED

NOTEBOOK = ROOT / "notebooks" / "calibration.ipynb"


@pytest.mark.skipif(not (SHARED / "data" / "helpdesk").is_dir(), reason="no helpdesk log")
def test_calibration_notebook_runs_in_quick_mode(monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("BPSIM_NOTEBOOK_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "quick run" in text and "Replay on the diagram" in text and "cases_per_week" in text
