"""notebooks/calibration.ipynb runs top to bottom in quick mode (BPSIM_NOTEBOOK_QUICK=1)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, SHARED, run_notebook, stream_text

NOTEBOOK = ROOT / "notebooks" / "calibration.ipynb"


@pytest.mark.skipif(not (SHARED / "data" / "helpdesk").is_dir(), reason="no helpdesk log")
def test_calibration_notebook_runs_in_quick_mode(monkeypatch):
    outputs = run_notebook(NOTEBOOK, monkeypatch, agg=True)
    text = stream_text(outputs)
    assert "quick run" in text and "Replay on the diagram" in text and "cases_per_week" in text
