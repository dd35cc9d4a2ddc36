"""Where the replications run: in this process, on every core, or on a Dask cluster.

A staffing study is many small, independent jobs: *variant x replication* work items
("3 agents, replication 7"). Each item is run by a plain module-level function on picklable
arguments, so the same items can be handed to

* ``"serial"``: one after the other in this process (debugging, tiny studies);
* ``"process"``: a :class:`concurrent.futures.ProcessPoolExecutor` over all cores (the
  default; spawn-safe, because nothing but picklable data crosses the process boundary);
* ``"dask"``: a ``dask.distributed`` cluster, either the one at ``dask_address``
  (``tcp://scheduler:8786``) or a :class:`distributed.LocalCluster` started on this machine.
  ``distributed`` is an optional extra (``pip install "bpsim[dask]"``), imported only here.

Results come back in the order of the items whichever runner ran them, and since a
replication's output depends only on its seed and index, the three runners give equal
results.

A worker that dies or a cluster that stalls (a lost worker, a scheduler starved under heavy
load) must not leave a study waiting for ever: the process pool and Dask runners wait at most
``timeout`` seconds (default :data:`DEFAULT_TIMEOUT`; ``--timeout`` on the command line) for
each next work item's result, then cancel the rest and raise a :class:`SimulationError`
saying how many items were done and what to check.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bpsim.errors import SimulationError

__all__ = ["EXECUTORS", "DEFAULT_TIMEOUT", "Runner", "make_runner", "run_work"]

#: The executor names accepted by :func:`bpsim.sweep` and ``bpsim sweep --executor``.
EXECUTORS = ("serial", "process", "dask")

DASK_INSTALL = 'pip install "bpsim[dask]"'

#: Seconds a runner waits for the next work item's result before it gives up (one
#: replication of one variant: seconds to minutes; an hour means something is stuck).
DEFAULT_TIMEOUT = 3600.0

#: Dask settings for a LocalCluster this module starts (a cluster at ``dask_address`` keeps
#: its own). A replication is pure-Python, allocation-heavy simpy/pandas work, and two Dask
#: defaults slow it down in a worker: the nanny starts workers with
#: ``MALLOC_TRIM_THRESHOLD_=65536``, so glibc hands freed memory back to the OS at once and
#: takes it again page by page (about 5x the page faults of the same replication in the
#: main process), and the worker samples its task thread's stack every 10 ms for the
#: dashboard profile, which needs the GIL the task is using. Neither changes any result.
LOCAL_CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # glibc default
    "distributed.worker.profile.enabled": False,
}


def _progress_bar(total: int, enabled: bool, desc: str | None):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc or "work items", unit="run")


def _import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise SimulationError(
            "running on Dask needs the optional package 'distributed', which is not installed.",
            hint=f"install it with: {DASK_INSTALL}  (or use --executor process).",
        ) from exc
    return distributed


class Runner:
    """Run a function over work items with one kind of executor, keeping its workers alive
    between batches (the optimiser submits several batches).

    Parameters
    ----------
    kind : {"serial", "process", "dask"}
        Where the work runs.
    workers : int, optional
        Worker processes (default: every core; for Dask, the cluster's own workers).
    dask_address : str, optional
        Scheduler address of a running Dask cluster; ``None`` starts a ``LocalCluster``.
    progress : bool
        Show a tqdm progress bar over work items.
    connect_timeout : float
        Seconds to wait for the scheduler at ``dask_address``.
    start_method : {"fork", "spawn", "forkserver"}, optional
        How the process pool starts its workers (default: the platform's). Work items are
        plain picklable data and module-level functions, so every method works.
    timeout : float, optional
        Seconds to wait for each next work item's result (process pool and Dask) before
        cancelling the batch with a :class:`SimulationError`; ``None``: wait for ever.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        kind: str = "process",
        *,
        workers: int | None = None,
        dask_address: str | None = None,
        progress: bool = False,
        connect_timeout: float = 10.0,
        start_method: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if kind not in EXECUTORS:
            raise SimulationError(
                f"unknown executor {kind!r}.", hint=f"use one of {', '.join(EXECUTORS)}."
            )
        if workers is not None and workers < 1:
            raise SimulationError(
                f"workers must be at least 1, got {workers}.", hint="omit it to use every core."
            )
        if dask_address is not None and kind != "dask":
            kind = "dask"
        self.kind = kind
        self.workers = workers
        self.dask_address = dask_address
        self.progress = progress
        self.connect_timeout = connect_timeout
        self.start_method = start_method
        if timeout is not None and not timeout > 0:
            raise SimulationError(f"timeout must be a positive number of seconds, got {timeout}.",
                                  hint="omit it for the default (an hour), e.g. --timeout 600.")
        self.timeout = timeout
        self._pool: cf.ProcessPoolExecutor | None = None
        self._client = None
        self._cluster = None

    # -- life cycle -------------------------------------------------------------------
    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut the pool or the Dask client (and a cluster this runner started) down."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            context = (multiprocessing.get_context(self.start_method)
                       if self.start_method else None)
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers or os.cpu_count() or 1, mp_context=context)
        return self._pool

    def _get_client(self):
        if self._client is None:
            distributed = _import_distributed()
            if self.dask_address:
                try:
                    self._client = distributed.Client(
                        self.dask_address, timeout=f"{self.connect_timeout}s"
                    )
                except (OSError, TimeoutError) as exc:
                    raise SimulationError(
                        f"cannot reach the Dask scheduler at {self.dask_address}: {exc}",
                        hint="start it (dask scheduler) or check the address (tcp://HOST:8786).",
                    ) from exc
            else:
                import dask

                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self._cluster = distributed.LocalCluster(
                        n_workers=self.workers or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,  # no port or shutdown chatter;
                        # task errors still reach us through the futures
                    )
                self._client = distributed.Client(self._cluster)
        return self._client

    # -- work -------------------------------------------------------------------------
    def map(
        self, fn: Callable[[Any], Any], items: Iterable[Any], desc: str | None = None
    ) -> list[Any]:
        """``[fn(item) for item in items]``, run by this runner, in the items' order."""
        items = list(items)
        bar = _progress_bar(len(items), self.progress, desc)
        try:
            if self.kind == "serial" or not items:
                return self._map_serial(fn, items, bar)
            if self.kind == "process":
                return self._map_pool(fn, items, bar)
            return self._map_dask(fn, items, bar)
        finally:
            if bar is not None:
                bar.close()

    @staticmethod
    def _map_serial(fn, items: Sequence[Any], bar) -> list[Any]:
        results = []
        for item in items:
            results.append(fn(item))
            if bar is not None:
                bar.update(1)
        return results

    def _stalled(self, done: int, total: int) -> SimulationError:
        where = (f"the Dask cluster at {self.dask_address}" if self.dask_address else
                 "the Dask LocalCluster" if self.kind == "dask" else "the process pool")
        return SimulationError(
            f"no work item finished within {self.timeout:g} s on {where} "
            f"({done} of {total} done); the rest were cancelled.",
            hint=("a worker may have died or be starved (memory, a busy machine): check the "
                  "cluster's dashboard and workers, or give more time with --timeout SECONDS "
                  "(timeout= in Python)." if self.kind == "dask" else
                  "a worker may have died or be starved (memory, a busy machine): give more "
                  "time with --timeout SECONDS (timeout= in Python), or use fewer --workers."))

    def _map_pool(self, fn, items: Sequence[Any], bar) -> list[Any]:
        pool = self._get_pool()
        futures = [pool.submit(fn, item) for item in items]
        results: list[Any] = [None] * len(items)
        try:
            for i, future in enumerate(futures):
                try:
                    results[i] = future.result(timeout=self.timeout)
                except cf.TimeoutError:
                    raise self._stalled(i, len(items)) from None
                if bar is not None:
                    bar.update(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results

    def _map_dask(self, fn, items: Sequence[Any], bar) -> list[Any]:
        client = self._get_client()
        futures = client.map(fn, items, pure=False)
        results: list[Any] = [None] * len(items)
        try:
            for i, future in enumerate(futures):
                try:
                    results[i] = future.result(timeout=self.timeout)
                except TimeoutError:
                    raise self._stalled(i, len(items)) from None
                if bar is not None:
                    bar.update(1)
        except BaseException:
            client.cancel(futures)
            raise
        return results


def make_runner(
    executor: str | Runner = "process",
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> tuple[Runner, bool]:
    """A :class:`Runner` for ``executor`` and whether the caller owns it (must close it)."""
    if isinstance(executor, Runner):
        return executor, False
    return Runner(executor, workers=workers, dask_address=dask_address, progress=progress,
                  timeout=timeout), True


def run_work(
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    executor: str | Runner = "process",
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool = False,
    desc: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[Any]:
    """Run ``fn`` over ``items`` once with the named executor and return the results in order."""
    runner, owned = make_runner(
        executor, workers=workers, dask_address=dask_address, progress=progress,
        timeout=timeout,
    )
    try:
        return runner.map(fn, items, desc=desc)
    finally:
        if owned:
            runner.close()
