"""The customer's side from streaming statistics against the record-based path.

The journey and satisfaction keys of the JSON report (every phase, class and channel row, the
survey, the pain points, the score distribution, the tickets left unserved) must be the same
for the same seed, up to floating-point summation order, whether the tickets are scored a
replication at a time (records) or a chunk at a time (streaming), serially or on two workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bpsim
import bpsim.stream.collect as collect
from bpsim.experience.report import text_section
from bpsim.stream.results import NOT_STREAMED, RecordsNeeded
from tests.stream.test_streaming import _diff

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"


def _desk():
    """The bundled service desk with a one-place phone line: callers hang up (abandoned),
    find the line full and leave (blocked), tickets still open at the horizon."""
    p = bpsim.read(MODELS / "service_desk.bpmn")
    s = bpsim.load_scenario(MODELS / "service_desk.yaml").vary(
        {"horizon": "14d", "warmup": "2d", "tasks.Answer call.capacity": 1,
         "tasks.Answer call.on_full": "lost"})
    return p, s


def _blueprint():
    """The bundled service blueprint: phases, layers, touchpoints, proactive updates, SLAs
    and a biased survey (the least satisfied answer 1.5x as often)."""
    p = bpsim.read(MODELS / "support_blueprint.bpmn")
    s = bpsim.load_scenario(MODELS / "support_blueprint.yaml").vary(
        {"horizon": "21d", "warmup": "2d"})
    return p, s


def _runs(model, workers: int, every: int):
    p, s = model()
    old = collect.EVERY
    collect.EVERY = every                                    # many hand-overs in a short run
    try:
        rec = bpsim.simulate(p, s, replications=3, seed=11)
        st = bpsim.simulate(p, s, replications=3, seed=11, records=False, workers=workers)
    finally:
        collect.EVERY = old
    return rec, st


def _customer_side(d: dict) -> dict:
    return {k: d[k] for k in ("journey", "satisfaction")}


@pytest.mark.parametrize("model,workers,every", [(_desk, 1, 3000), (_desk, 2, 3000),
                                                 (_blueprint, 1, 1500), (_blueprint, 2, 4000)],
                         ids=["desk-serial", "desk-2-workers", "blueprint-serial",
                              "blueprint-2-workers"])
def test_streamed_journey_and_satisfaction_equal_record_based(model, workers, every):
    rec, st = _runs(model, workers, every)
    assert all(s.chunks > 3 for s in st.summaries)          # it really streamed
    a, b = rec.to_dict(), st.to_dict()
    assert "journey" in a and "satisfaction" in a
    assert b["streaming"]["not_streamed"] == [] and NOT_STREAMED == ()
    assert a["open"]["total"] > 0                            # tickets open at the horizon
    sat = a["satisfaction"]
    if model is _desk:                                       # tickets left unserved
        assert sat["abandoned_tickets"] > 0 and sat["blocked_tickets"] > 0
    else:                                                    # updates, phases, the survey
        assert a["journey"][-1]["updates_mean"] > 0 and len(a["journey"]) > 2
        assert sat["survey_responses"] > 0 and sat["survey_bias"] != 1
        assert sat["pain_points"]
    assert _diff(_customer_side(a), _customer_side(b)) == []
    # the text report's customer section reads the same
    assert text_section(st) == text_section(rec) and text_section(st)


def test_per_ticket_tables_need_the_records():
    p, s = _desk()
    st = bpsim.simulate(p, s.vary({"horizon": "4d"}), replications=1, seed=3, records=False)
    assert st.journey is not None and len(st.satisfaction)
    for what in ("tickets", "drivers", "per_phase", "unserved"):
        with pytest.raises(RecordsNeeded, match="records"):
            getattr(st.experience, what)


def test_sla_clocks_from_the_records_when_the_collector_has_no_columns(monkeypatch):
    """The breaches read from the collector's numpy SLA clocks (the usual way) and from the
    chunk's records (``sla_cases``, the fallback) are the same."""
    import bpsim.stream.experience as sx

    monkeypatch.setattr(sx.ExperienceFold, "_sla_clocks", lambda self, *args: None)
    rec, st = _runs(_blueprint, 1, 4000)
    assert _diff(_customer_side(rec.to_dict()), _customer_side(st.to_dict())) == []
