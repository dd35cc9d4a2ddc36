"""The three runners give the same results, in the items' order."""

from __future__ import annotations

import math
import sys
import time

import pytest

from bpsim.errors import SimulationError
from bpsim.whatif.executors import Runner, run_work

ITEMS = [float(i) for i in range(13)]
EXPECTED = [math.sqrt(x) for x in ITEMS]


@pytest.mark.parametrize("kind", ["serial", "process"])
def test_runner_keeps_the_order(kind):
    assert run_work(math.sqrt, ITEMS, kind, workers=2) == EXPECTED


def _worker_settings():
    import os

    import dask

    return (os.environ.get("MALLOC_TRIM_THRESHOLD_"),
            dask.config.get("distributed.worker.profile.enabled"))


def test_dask_local_cluster_gives_the_same_results(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with Runner("dask", workers=2) as runner:
        assert runner.map(math.sqrt, ITEMS) == EXPECTED
        assert runner.map(math.sqrt, ITEMS[:3]) == EXPECTED[:3]  # cluster reused
        # the workers run without Dask's eager malloc trimming and 10 ms stack profiler
        settings = runner._get_client().run(_worker_settings)
        assert len(settings) == 2
        assert set(settings.values()) == {(None, False)}
        # a stalled batch ends in a clear error, not a hang; the cluster still works after
        runner.timeout = 0.5
        with pytest.raises(SimulationError, match=r"no work item finished within 0.5 s on "
                                                  r"the Dask LocalCluster \(0 of 2 done\)"):
            runner.map(time.sleep, [2.0, 2.0])
        runner.timeout = 60.0
        assert runner.map(math.sqrt, ITEMS[:2]) == EXPECTED[:2]


def test_a_stalled_process_pool_is_a_clear_error():
    with Runner("process", workers=1, timeout=0.3) as runner:
        with pytest.raises(SimulationError, match=r"within 0.3 s on the process pool") as info:
            runner.map(time.sleep, [1.0, 1.0])
        assert "--timeout" in info.value.hint
    with pytest.raises(SimulationError, match="positive"):
        Runner("process", timeout=0)


def test_runner_reused_between_batches_and_empty_batch():
    with Runner("process", workers=2) as runner:
        assert runner.map(math.sqrt, ITEMS) == EXPECTED
        assert runner.map(math.sqrt, []) == []
        assert runner.map(abs, [-1, -2]) == [1, 2]


def test_errors_in_work_items_propagate():
    with pytest.raises(ValueError):
        run_work(math.sqrt, [1.0, -1.0], "process", workers=2)


def test_progress_bar_counts_items(capsys):
    assert run_work(abs, [-1, -2, -3], "serial", progress=True, desc="runs") == [1, 2, 3]
    assert "3/3" in capsys.readouterr().err


def test_unknown_executor_and_bad_workers_are_user_errors():
    with pytest.raises(SimulationError, match="unknown executor"):
        Runner("threads")
    with pytest.raises(SimulationError, match="at least 1"):
        Runner("process", workers=0)


def test_missing_distributed_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(SimulationError) as info:
        run_work(abs, [1], "dask")
    assert 'pip install "bpsim[dask]"' in str(info.value)


def test_unreachable_scheduler_is_a_user_error():
    pytest.importorskip("distributed")
    with pytest.raises(SimulationError, match="cannot reach"):
        with Runner("dask", dask_address="tcp://127.0.0.1:9", connect_timeout=1.0) as runner:
            runner.map(abs, [1])
