"""notebooks/customer_journey.ipynb runs top to bottom in quick mode (BPSIM_NOTEBOOK_QUICK=1)."""

from __future__ import annotations

from tests.conftest import ROOT, run_notebook, stream_text

NOTEBOOK = ROOT / "notebooks" / "customer_journey.ipynb"


def test_customer_journey_notebook_runs_in_quick_mode(monkeypatch):
    outputs = run_notebook(NOTEBOOK, monkeypatch)
    text = stream_text(outputs)
    assert "quick run" in text and "points lost per ticket" in text
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "customer_time_mean" in html and "csat_mean" in html and "phase_score" in html
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)
