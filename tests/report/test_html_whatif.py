"""HTML reports of sweeps and of the staffing optimiser: self-contained, tables and charts."""

from __future__ import annotations

import pandas as pd
from lxml import html as lhtml

import bpsim
from bpsim.report.html_whatif import staffing_html, sweep_html
from bpsim.whatif.optimize import StaffingResult

from .test_annotate import MODELS


def sweep_frame() -> pd.DataFrame:
    df = pd.DataFrame({
        "roles.Agent.staff": [2, 3, 4], "baseline": [False, True, False],
        "cycle_time": [9000.0, 5400.0, 4000.0], "cycle_time_ci95": [300.0, 200.0, 150.0],
        "cycle_time_diff": [3600.0, 0.0, -1400.0], "cycle_time_diff_ci95": [250.0, 0.0, 900.0],
        "cycle_time_significant": [True, False, False],
        "utilization[Agent]": [0.9, 0.6, 0.45], "utilization[Agent]_ci95": [0.02] * 3,
        "utilization[Agent]_diff": [0.3, 0.0, -0.15],
        "utilization[Agent]_diff_ci95": [0.01] * 3,
        "utilization[Agent]_significant": [True, False, True],
    })
    df.attrs.update(vary=["roles.Agent.staff"], metrics=["cycle_time", "utilization[Agent]"],
                    seed=5, replications=4, confidence=0.95)
    return df


def assert_self_contained(text: str) -> lhtml.HtmlElement:
    doc = lhtml.fromstring(text)
    assert "default-src 'none'" in doc.xpath('//meta[@http-equiv]/@content')[0]
    for value in doc.xpath("//@src | //@href"):
        assert value.startswith(("data:", "#")), value[:60]
    return doc


def test_sweep_report(tmp_path):
    process = bpsim.read(MODELS / "service_desk.bpmn")
    text = sweep_html(sweep_frame(), tmp_path / "s.html", process=process)
    assert (tmp_path / "s.html").read_text() == text
    doc = assert_self_contained(text)
    heads = doc.xpath('//section[@id="comparison"]//th/text()')
    assert heads == ["metric", "roles.Agent.staff = 2", "roles.Agent.staff = 3 (baseline)",
                     "roles.Agent.staff = 4"]
    rows = doc.xpath('//section[@id="comparison"]//tbody/tr')
    assert [r.xpath("string(td[1])") for r in rows] == ["cycle_time", "utilization[Agent]"]
    assert "Δ +60 min ± 4.2 min *" in rows[0].xpath("string(td[2])")
    assert "Δ" not in rows[0].xpath("string(td[3])")  # the baseline
    assert len(doc.xpath('//section[@id="charts"]//img')) == 2
    assert len(doc.xpath('//section[@id="process"]//*[local-name()="g"][contains(@class, '
                         '"node")]')) == process.graph.number_of_nodes()


def test_staffing_report():
    result = StaffingResult(
        plan={"Agent": 3, "Specialist": 2}, feasible=True, cost=7800.0,
        slas=pd.DataFrame({"name": ["taken in charge"], "limit": [0.05],
                           "breach_rate": [0.02], "breach_rate_ci95": [0.01],
                           "upper": [0.03], "met": [True]}),
        candidates=pd.DataFrame({"Agent": [2, 3], "Specialist": [2, 2], "cost": [6500., 7800.],
                                 "feasible": [False, True], "phase": ["seed", "up"],
                                 "worst_sla": ["taken in charge"] * 2,
                                 "breach_rate": [0.09, 0.02], "upper": [0.11, 0.03]}),
        next_cheaper={"plan": {"Agent": 2, "Specialist": 2}, "cost": 6500.0,
                      "reason": "taken in charge breached 9 %"},
        loads=pd.DataFrame({"role": ["Agent"], "load": [1.7], "seed": [2]}),
        seed=1, replications=5, confidence=0.95)
    doc = assert_self_contained(staffing_html(result))
    text = doc.text_content()
    assert "Agent 3, Specialist 2" in text and "7,800" in text
    assert "taken in charge breached 9 %" in text
    assert len(doc.xpath('//section[@id="plans"]//tbody/tr')) == 2
    assert doc.xpath('//section[@id="plans"]//tbody/tr[1]/@class') == ["bad"]
    assert len(doc.xpath('//section[@id="plans"]//img')) == 1


def test_cli_refuses_a_non_html_name_before_running(tmp_path):
    from bpsim.cli import main

    args = [str(MODELS / "service_desk.bpmn"), "-s", str(MODELS / "service_desk.yaml"),
            "--html", str(tmp_path / "r.txt")]
    assert main(["sweep", *args, "--vary", "roles.Specialist.staff=2,3"]) == 2
    assert main(["optimize", *args]) == 2
    assert not list(tmp_path.iterdir())
