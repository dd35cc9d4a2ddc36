"""Outputs that cannot be written end in a clear error, and a run's folder is whole or absent.

Read-only places, full disks, a directory or a path under a file as ``convert -o``; a closed,
full or size-limited standard output; Ctrl-C and SIGTERM while ``simulate --out DIR`` writes;
a second run into a folder of an earlier run; two runs into one folder.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys

import pytest

import bpsim.report.files as files_module
from tests.cli.test_bad_input import MODEL, SCENARIO, cli
from tests.conftest import MODELS, ROOT

DRAWIO = MODELS / "service_desk.drawio"


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "m.bpmn").write_text(MODEL)
    (tmp_path / "s.yaml").write_text(SCENARIO.replace("replications: 2", "replications: 1")
                                     .replace("horizon: 2d", "horizon: 1d"))
    return tmp_path


def test_convert_into_a_directory_or_under_a_file(capsys, tmp_path):
    (tmp_path / "d.bpmn").mkdir()
    code, _, err = cli(capsys, "convert", DRAWIO, "-o", tmp_path / "d.bpmn")
    assert code == 2 and "is a directory" in err
    (tmp_path / "f").write_text("x")
    code, _, err = cli(capsys, "convert", DRAWIO, "-o", tmp_path / "f" / "x.bpmn")
    assert code == 1 and "is a file, not a folder" in err and "Fix:" in err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_convert_into_a_read_only_folder(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, _, err = cli(capsys, "convert", DRAWIO, "-o", ro / "x.bpmn")
        assert code == 1 and "Permission denied" in err and str(ro / "x.bpmn") in err
    finally:
        ro.chmod(0o755)


def test_convert_on_a_full_disk(capsys, tmp_path, monkeypatch):
    import bpsim.io.bpmn_writer as writer

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer, "write_bpmn", full)
    code, _, err = cli(capsys, "convert", DRAWIO, "-o", tmp_path / "x.bpmn")
    assert code == 1 and "No space left" in err and "x.bpmn" in err and "free disk space" in err
    assert not list(tmp_path.iterdir())


def test_full_and_closed_stdout_exit_1():
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "bpsim", "inspect", "--json",
                               str(MODELS / "service_desk.bpmn")], cwd=ROOT, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1 and "No space left" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "bpsim", "inspect",
                           str(MODELS / "service_desk.bpmn")], cwd=ROOT, stdout=None,
                          stderr=subprocess.PIPE, text=True, timeout=120, close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode == 1 and "standard output is closed" in proc.stderr


def test_file_size_limit_on_stdout_is_an_error(tmp_path):
    resource = pytest.importorskip("resource")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    with open(tmp_path / "f.json", "w") as out:
        proc = subprocess.run([sys.executable, "-m", "bpsim", "inspect", "--json",
                               str(MODELS / "service_desk.bpmn")], cwd=ROOT, stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120, preexec_fn=limit)
    assert proc.returncode == 1 and "File too large" in proc.stderr and "ulimit" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_file_size_limit_on_simulate_json_is_an_error(tmp_path, desk):
    """One large write (simulate --json): Python's buffered stdout used to accept the short
    write at the limit and drop the rest, exiting 0 with the file cut to 1 kB."""
    resource = pytest.importorskip("resource")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    with open(tmp_path / "f.json", "w") as out:
        proc = subprocess.run([sys.executable, "-m", "bpsim", "simulate", str(desk / "m.bpmn"),
                               "-s", str(desk / "s.yaml"), "--json"], cwd=ROOT, stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120, preexec_fn=limit)
    assert proc.returncode == 1 and "File too large" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_broken_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m bpsim inspect {MODELS / 'service_desk.bpmn'} "
                          "--json | head -c 10", shell=True, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == ""


def hidden(folder):
    return [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]


@pytest.mark.parametrize("stop", [KeyboardInterrupt, "SIGTERM"])
def test_interrupted_out_leaves_nothing_partial(capsys, desk, monkeypatch, stop):
    out = desk / "run"
    real = files_module.write_plots

    def interrupted(results, folder, *args, **kwargs):
        real(results, folder, *args, **kwargs)
        if stop == "SIGTERM":
            os.kill(os.getpid(), signal.SIGTERM)
        raise stop()

    monkeypatch.setattr(files_module, "write_plots", interrupted)
    code, _, err = cli(capsys, "simulate", desk / "m.bpmn", "-s", desk / "s.yaml", "--out", out)
    assert code == (143 if stop == "SIGTERM" else 130), err
    assert not out.exists() and hidden(out) == []


def test_rerun_replaces_an_earlier_run_whole_and_says_so(capsys, desk):
    out = desk / "run"
    argv = ["simulate", desk / "m.bpmn", "-s", desk / "s.yaml", "--out", out]
    assert cli(capsys, *argv, "--seed", 1)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 1 and "events.xes" in manifest["files"] and manifest["complete"]
    code, _, err = cli(capsys, *argv, "--seed", 2, "--event-log", "none")
    assert code == 0 and "earlier run (seed 1)" in err
    assert not (out / "events.xes").exists()  # no old event log of seed 1 beside seed 2
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert hidden(out) == []
    (out / "notes.txt").write_text("mine")
    code, _, err = cli(capsys, *argv)
    assert code == 1 and "notes.txt" in err and (out / "notes.txt").exists()


def test_a_second_run_into_a_locked_folder_is_refused(capsys, desk):
    out = desk / "run"
    lock = desk / ".run.lock"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(str(sleeper.pid))
        code, _, err = cli(capsys, "simulate", desk / "m.bpmn", "-s", desk / "s.yaml",
                           "--out", out)
        assert code == 1 and "another bpsim run" in err and str(sleeper.pid) in err
    finally:
        sleeper.kill()
        sleeper.wait()
    # a lock left by a run that was killed is taken over
    code, _, err = cli(capsys, "simulate", desk / "m.bpmn", "-s", desk / "s.yaml", "--out", out)
    assert code == 0 and (out / "manifest.json").exists() and not lock.exists()
