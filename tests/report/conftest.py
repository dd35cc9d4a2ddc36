"""One short run of the bundled service desk and its HTML report, shared by the report tests
(the report takes a few seconds to draw; build it once); the same run with streaming
statistics (records=False) and its report."""

from __future__ import annotations

import pytest

import bpsim

from .test_annotate import MODELS, quick_scenario


@pytest.fixture(scope="session")
def desk_results():
    return bpsim.simulate(bpsim.read(MODELS / "service_desk.bpmn"), quick_scenario())


@pytest.fixture(scope="session")
def desk_report(desk_results, tmp_path_factory):
    """``(html text, path)`` of the service desk's report."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    text = desk_results.to_html(path)
    return text, path


@pytest.fixture(scope="session")
def desk_streamed_results():
    return bpsim.simulate(bpsim.read(MODELS / "service_desk.bpmn"), quick_scenario(),
                          records=False)


@pytest.fixture(scope="session")
def desk_streamed_report(desk_streamed_results, tmp_path_factory):
    """``(html text, path)`` of the report of the streamed run."""
    path = tmp_path_factory.mktemp("html-streamed") / "report.html"
    text = desk_streamed_results.to_html(path)
    return text, path
