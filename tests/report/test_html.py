"""The HTML report: self-contained, every section present, figures from the run's tables."""

from __future__ import annotations

import re

import pytest
from lxml import html as lhtml

import bpsim
from bpsim.report.diagram import METRICS

from .test_annotate import MODELS


@pytest.fixture(scope="module")
def desk(desk_results):
    return desk_results


@pytest.fixture(scope="module")
def page(desk_report):
    text, path = desk_report
    assert path.read_text(encoding="utf-8") == text
    return text


def test_nothing_is_loaded_from_anywhere(page):
    doc = lhtml.fromstring(page)
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "default-src 'none'" in csp
    for attr in ("src", "href", "data", "poster", "action", "srcset"):
        for value in doc.xpath(f"//@{attr}"):
            assert value.startswith(("data:", "#")), (attr, value[:80])
    assert not re.search(r"url\((?!\s*['\"]?(data:|#))", page)  # CSS urls
    assert "@import" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_sections_and_headline(page, desk):
    doc = lhtml.fromstring(page)
    ids = set(doc.xpath("//section/@id"))
    assert {"headline", "diagram-section", "slas", "bottlenecks", "stages", "roles", "costs",
            "plots", "run"} <= ids
    text = doc.text_content()
    assert f"seed {desk.seed}" in text
    assert bpsim.__version__ in text
    assert "taken in charge" in text and "Triage ticket" in text
    assert "horizon: 28d" in text  # the scenario file, verbatim
    assert len(doc.xpath('//section[@id="plots"]//img')) == 5


def test_one_diagram_per_metric_with_a_shape_per_element(page, desk):
    doc = lhtml.fromstring(page)
    panels = doc.xpath('//div[@id="diagram"]/div[contains(@class, "panel")]')
    assert [p.get("data-metric") for p in panels] == list(METRICS)
    assert [p.get("hidden") is None for p in panels] == [True] + [False] * (len(METRICS) - 1)
    buttons = doc.xpath('//div[@class="switcher"]/button/@data-metric')
    assert buttons == list(METRICS)
    for p in panels:
        ids = p.xpath('.//*[local-name()="g"][contains(concat(" ", @class, " "), " node ")]'
                      "/@data-id")
        assert sorted(ids) == sorted(desk.process.graph.nodes)


def test_tables_hold_the_results(page, desk):
    doc = lhtml.fromstring(page)
    sla_rows = doc.xpath('//section[@id="slas"]//tbody/tr')
    assert len(sla_rows) == len(desk.slas)
    stage_rows = doc.xpath('(//section[@id="stages"]//table)[1]/tbody/tr')
    assert len(stage_rows) == len(desk.stages)
    class_rows = doc.xpath('(//section[@id="stages"]//table)[2]/tbody/tr/td[1]/text()')
    assert class_rows == [c["name"] for c in desk.to_dict()["classes"]]
    open_rows = doc.xpath('//section[@id="open"]//tbody/tr')
    assert len(open_rows) == len(desk.to_dict()["open"]["by_stage"])
    role_names = doc.xpath('//section[@id="roles"]//tbody/tr/td[1]/text()')
    assert role_names == list(desk.roles["name"])
    top = desk.bottlenecks.iloc[0]
    assert top["reason"] in doc.xpath('string(//section[@id="bottlenecks"])')


def test_extra_sla_columns_are_shown(desk):
    """Columns a newer run adds to the SLA table (open / censored tickets) appear."""
    from bpsim.report.html import _slas

    slas = desk.slas.assign(censored=3.0, open_breached=1.0)
    desk.__dict__["slas"] = slas
    try:
        text = lhtml.fromstring(_slas(desk)).text_content()
    finally:
        del desk.__dict__["slas"]
    assert "censored" in text and "open breached" in text


def test_cli_html_and_out(tmp_path, capsys):
    from bpsim.cli import main

    model = MODELS / "service_desk.bpmn"
    scenario = tmp_path / "s.yaml"
    text = (MODELS / "service_desk.yaml").read_text()
    text = re.sub(r"(?m)^horizon:.*$", "horizon: 6d", text)
    text = re.sub(r"(?m)^warmup:.*$", "warmup: 1d", text)
    scenario.write_text(text)
    assert main(["simulate", str(model), "-s", str(scenario), "-r", "1", "--no-progress",
                 "--html", str(tmp_path / "r.html"), "--annotate", str(tmp_path / "a.bpmn"),
                 "--annotate", str(tmp_path / "a.png"), "--metric", "wait"]) == 0
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    bpsim.read(tmp_path / "a.bpmn")
    err = capsys.readouterr().err
    assert "Wrote" in err and "a.bpmn" in err
    assert main(["simulate", str(model), "-s", str(scenario), "--html",
                 str(tmp_path / "r.txt")]) == 2
    assert main(["simulate", str(model), "-s", str(scenario), "--annotate",
                 str(tmp_path / "r.pdf")]) == 2
    assert main(["simulate", str(model), "-s", str(scenario), "--annotate", str(model)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "overwrite" in err and ".pdf" in err
