"""notebooks/customer_journey.ipynb runs top to bottom in quick mode (BPSIM_NOTEBOOK_QUICK=1)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "customer_journey.ipynb"


def test_customer_journey_notebook_runs_in_quick_mode(monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("BPSIM_NOTEBOOK_QUICK", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "quick run" in text and "points lost per ticket" in text
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "customer_time_mean" in html and "csat_mean" in html and "phase_score" in html
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)
