"""notebooks/staffing_study.ipynb runs top to bottom (quick mode) without an error.

The notebook's one switch, ``BPSIM_NOTEBOOK_QUICK=1``, shortens the runs (two simulated
weeks, 3 replications) so it executes in well under a minute; the full study is for people.
"""

from __future__ import annotations

from tests.conftest import ROOT, run_notebook, stream_text

NOTEBOOK = ROOT / "notebooks" / "staffing_study.ipynb"


def test_staffing_study_notebook_runs_in_quick_mode(monkeypatch):
    outputs = run_notebook(NOTEBOOK, monkeypatch, timeout=120)
    text = stream_text(outputs)
    assert "quick run" in text
    assert "Cheapest staffing" in text and "taken in charge" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # baseline, what-if differences, rosters tried
