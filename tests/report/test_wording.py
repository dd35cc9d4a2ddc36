"""The reports speak one language: counts printed the same way, one word for tickets not
finished ("open"), no money block for a scenario without prices, proper plurals."""

from __future__ import annotations

import re

import pytest

from bpsim.analysis import Results
from bpsim.scenario.spec import Role, Shift

from ..analysis.builders import make_output, make_scenario, ticket
from ..conftest import MODELS

A = ("Agent 1", "Agent")


def two_replications(roles=None) -> Results:
    # replication 1: three tickets; replication 2: two, the second still waiting at the end.
    # Task_A is visited 3 and 2 times (mean 2.5), Task_B 2 and 2 times (mean 2)
    rows = (ticket(1, 1, 0, [("Task_A", 0, 0, 10, *A), ("Task_B", 10, 10, 20, *A)], end=20)
            + ticket(1, 2, 5, [("Task_A", 5, 20, 30, *A), ("Task_B", 30, 30, 40, *A)], end=40)
            + ticket(1, 3, 8, [("Task_A", 8, 40, 50, *A)], end=50)
            + ticket(2, 1, 0, [("Task_A", 0, 0, 10, *A), ("Task_B", 10, 10, 20, *A),
                               ("Task_B", 20, 20, 30, *A)], end=30)
            + ticket(2, 2, 50, [("Task_A", 50, None, None, *A)]))
    out = make_output(rows, staff=[(1, "Agent", "Agent 1", 100.0, 50.0, 5),
                                   (2, "Agent", "Agent 1", 100.0, 30.0, 4)],
                      windows={1: (0.0, 100.0), 2: (0.0, 100.0)})
    return Results(out, None, make_scenario(roles=roles))


def _column(text: str, heading: str, header: str, column: str) -> list[str]:
    """The cells of one column of a text table below ``heading``."""
    block = text[text.index(heading):]
    lines = block.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split()[:1] == [header])
    start = lines[head].index(column)
    end = start + len(column)
    cells = []
    for line in lines[head + 2:]:
        if not line.strip():
            break
        cells.append(line[:end].split()[-1])
    return cells


@pytest.fixture(scope="module")
def priced():
    return two_replications()


@pytest.fixture(scope="module")
def free():
    return two_replications(roles={"Agent": Role("Agent", [Shift(1)])})


def test_counts_have_one_format_per_report(priced):
    text = priced.summary()
    counts = _column(text, "Stages (", "stage", "count")
    assert sorted(counts) == ["2.0", "2.5"]        # whole and fractional means alike
    assert "means per replication" in text
    assert re.search(r"Tickets per replication: 2\.5 arrived, 2\.0 completed", text)


def test_one_replication_counts_are_whole():
    rows = ticket(1, 1, 0, [("Task_A", 0, 0, 10, *A)], end=10)
    res = Results(make_output(rows, staff=[(1, "Agent", "Agent 1", 100.0, 10.0, 1)],
                              windows={1: (0.0, 100.0)}), None, make_scenario())
    text = res.summary()
    assert _column(text, "Stages (", "stage", "count") == ["1"]
    assert "Runs:      1 replication," in text and "replication(s)" not in text
    assert "means per replication" not in text


def test_open_is_the_one_word_for_work_not_finished(priced):
    res = priced
    st = res.stages.set_index("id")
    assert "unfinished" not in st.columns
    assert st.loc["Task_A", "open"] == pytest.approx(0.5)
    stage = {s["id"]: s for s in res.to_dict()["stages"]}
    assert stage["Task_A"]["open"] == pytest.approx(0.5) and "unfinished" not in stage["Task_A"]
    assert "unfinished" not in res.summary()


def test_no_cost_block_without_prices(free, priced):
    text = free.summary()
    assert "Cost (per replication)" not in text and "0.00" not in text
    assert "Person-hours (per replication)" in text and "no role has a cost_per_hour" in text
    assert "Cost (per replication)" in priced.summary()


def test_html_leaves_money_out_without_prices(free, priced):
    from bpsim.report import html

    d = free.to_dict()
    head = html._headline(free, d)
    assert "staff cost per ticket" not in head and "open at the horizon" in head
    assert "No amounts" in html._costs(free) and "0.00" not in html._costs(free)
    assert "staff cost per ticket" in html._headline(priced, priced.to_dict())
    assert "No amounts" not in html._costs(priced)


def test_plurals_in_inspect_and_convert(tmp_path, capsys):
    from bpsim.cli import main

    assert main(["inspect", str(MODELS / "service_desk.bpmn")]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith("1 process, 1 pool, 4 lanes, "), line
    assert main(["convert", str(MODELS / "service_desk.bpmn"), "-o",
                 str(tmp_path / "d.drawio")]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("4 lanes, 1 pool") and "pools" not in out, out
