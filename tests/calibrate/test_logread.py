"""read_log: columns by name or flag, CSV/XES/gzip, dates, windows, and one clear error per bad log."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

import bpsim
from bpsim.calibrate.logread import LogError
from bpsim.calibrate.mapping import FitError
from bpsim.cli import main
from tests.conftest import MODELS, SHARED

HELPDESK = SHARED / "data" / "helpdesk" / "helpdesk.csv"

EXPORT = """Case ID,Activity,Resource,Complete Timestamp,Priority
T1,Triage,ann,2024-03-04 09:00:00,P1
T1,Resolve,bob,2024-03-04 10:30:00,P1
T2,Triage,ann,2024-03-05 11:00:00,P2
T2,Resolve,ann,2024-03-05 11:45:00,P2
"""


def _write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_common_export_headers_are_recognised(tmp_path):
    log = bpsim.read_log(_write(tmp_path, EXPORT))
    assert list(log.columns) == ["case:concept:name", "concept:name", "time:timestamp",
                                 "org:resource", "case:priority"]
    assert log["time:timestamp"].iloc[1] == pd.Timestamp("2024-03-04 10:30")
    assert log.attrs["bpsim"]["columns"]["case:concept:name"] == "Case ID"


def test_flags_name_columns_and_dayfirst_is_detected(tmp_path):
    text = ("Ticket;State;Changed;Agent\n"
            "A;New;13/03/2024 09:00;x\nA;Done;14/03/2024 10:00;y\n")
    log = bpsim.read_log(_write(tmp_path, text), case="Ticket", activity="State",
                         timestamp="Changed")
    assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-03-13 09:00")
    assert "day-first" in " ".join(log.attrs["bpsim"]["notes"])
    forced = bpsim.read_log(_write(tmp_path, "Ticket;State;Changed\nA;New;01/02/2024 09:00\n"),
                            case="Ticket", activity="State", timestamp="Changed", dayfirst=True)
    assert forced["time:timestamp"].iloc[0] == pd.Timestamp("2024-02-01 09:00")


def test_gzip_and_xes_read_like_csv(tmp_path):
    plain = bpsim.read_log(_write(tmp_path, EXPORT))
    gz = tmp_path / "log.csv.gz"
    gz.write_bytes(gzip.compress(EXPORT.encode()))
    pd.testing.assert_frame_equal(bpsim.read_log(gz), plain)
    xes = _write(tmp_path, """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
 <trace><string key="concept:name" value="T1"/>
  <event><string key="concept:name" value="Triage"/><date key="time:timestamp" value="2024-03-04T09:00:00.000+01:00"/>
   <string key="lifecycle:transition" value="start"/></event>
  <event><string key="concept:name" value="Triage"/><date key="time:timestamp" value="2024-03-04T09:20:00.000+01:00"/>
   <string key="lifecycle:transition" value="complete"/><string key="org:resource" value="ann"/></event>
 </trace>
</log>""", "log.xes")
    log = bpsim.read_log(xes)
    assert len(log) == 1 and log["start_timestamp"].iloc[0] == pd.Timestamp("2024-03-04 09:00")
    assert log["org:resource"].iloc[0] == "ann"


def test_xes_with_a_dtd_is_refused(tmp_path):
    bomb = _write(tmp_path, '<?xml version="1.0"?><!DOCTYPE log [<!ENTITY a "aaaa">]>'
                  "<log><trace/></log>", "bomb.xes")
    with pytest.raises(bpsim.UnsafeInputError):
        bpsim.read_log(bomb)


def test_state_change_export_collapses_runs_of_one_state(tmp_path):
    rows = ["Number,State,Updated,Updated by"]
    for t in range(3):
        rows += [f"INC{t},New,0{t + 1}/04/2024 08:00,sys", f"INC{t},New,0{t + 1}/04/2024 08:05,sys",
                 f"INC{t},In Progress,0{t + 1}/04/2024 09:00,ann",
                 f"INC{t},In Progress,0{t + 1}/04/2024 09:40,ann",
                 f"INC{t},In Progress,0{t + 1}/04/2024 10:10,ann",
                 f"INC{t},Resolved,0{t + 1}/04/2024 11:00,ann"]
    log = bpsim.read_log(_write(tmp_path, "\n".join(rows)), case="Number", activity="State",
                         timestamp="Updated", resource="Updated by", dayfirst=True)
    assert len(log) == 9
    work = log[log["concept:name"] == "In Progress"].iloc[0]
    assert work["start_timestamp"] == pd.Timestamp("2024-04-01 09:00")
    assert work["time:timestamp"] == pd.Timestamp("2024-04-01 10:10")


@pytest.mark.parametrize("text, flags, words", [
    ("Who,Activity,Complete Timestamp\nA,x,2024-01-01 10:00\n", {}, "no case (ticket) column"),
    ("Case ID,Activity,Complete Timestamp\nA,x,2024-01-01 10:00\nA,y,yesterday\n", {},
     "cannot read 'yesterday' as a date"),
    (EXPORT, {"since": "2030-01-01"}, "no ticket was opened in the window"),
    (EXPORT, {"case": "Ticket"}, "--case 'Ticket': the log has no such column"),
])
def test_bad_logs_give_one_clear_error(tmp_path, text, flags, words):
    with pytest.raises(LogError) as err:
        bpsim.read_log(_write(tmp_path, text), **flags)
    assert words in str(err.value) and "Fix:" in str(err.value)


def test_unparseable_date_names_the_row(tmp_path):
    with pytest.raises(LogError) as err:
        bpsim.read_log(_write(tmp_path, "Case ID,Activity,Complete Timestamp\n"
                                        "A,x,2024-01-01 10:00\nA,y,not a date\n"))
    assert err.value.line == 3


def test_no_activity_matching_the_diagram_is_one_error(tmp_path, capsys):
    log = _write(tmp_path, EXPORT)
    process = bpsim.read(MODELS / "helpdesk.bpmn")
    with pytest.raises(FitError, match="no activity of the log matches"):
        bpsim.fit(process, log)
    code = main(["fit", str(MODELS / "helpdesk.bpmn"), "--log", str(log),
                 "-o", str(tmp_path / "out.yaml")])
    err = capsys.readouterr().err
    assert code == 1 and "Fix:" in err and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_missing_log_file_exits_2(tmp_path, capsys):
    code = main(["fit", str(MODELS / "helpdesk.bpmn"), "--log", str(tmp_path / "none.csv"),
                 "-o", str(tmp_path / "out.yaml")])
    assert code == 2 and "no such file" in capsys.readouterr().err


@pytest.mark.skipif(not HELPDESK.exists(), reason="../shared/data/helpdesk missing (CI has it)")
def test_helpdesk_log_reads_with_its_own_headers():
    log = bpsim.read_log(HELPDESK)
    assert log["case:concept:name"].nunique() == 4479 and len(log) == 20937
