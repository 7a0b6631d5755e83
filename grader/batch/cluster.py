"""Runs a batch's jobs on a Dask cluster (``--scheduler``).

``tcp://HOST:8786`` connects to a running ``dask scheduler``; ``local:N``
starts a ``LocalCluster`` of N single-threaded worker processes on
127.0.0.1. One task per folder; the folder travels as bytes. A worker that
dies is restarted by its nanny and the scheduler reruns its tasks
elsewhere; a task that killed ``allowed-failures`` workers, or fails in
Dask itself, still gets a status dict (status ``error``).
"""
from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any, Iterable, Iterator

from grader.batch.jobs import failure, grade_job
from grader.batch.local import Job
from grader.options import Options


def parse_scheduler(text: str) -> tuple[str, int]:
    """``("local", N)`` for ``local:N``, ``("address", 0)`` for an address.

    Raises ValueError for anything else.
    """
    if text.startswith("local:"):
        count = text.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--scheduler {text}: N in local:N must be a "
                             "positive whole number")
        return "local", int(count)
    if "://" not in text and ":" not in text:
        raise ValueError(f"--scheduler {text}: expected tcp://HOST:PORT or "
                         "local:N")
    return text, 0


def run_dask(jobs: Iterable[Job], options: Options, version: str,
             scheduler: str) -> Iterator[dict[str, Any]]:
    """Yields each job's status dict as it completes on the cluster. Each
    task carries the whole ``options`` object (pickled with the job); the
    machine that runs it resolves the cache folder."""
    import dask
    from distributed import Client, LocalCluster, as_completed

    address, count = parse_scheduler(scheduler)
    with ExitStack() as stack:
        # Worker processes may start processes of their own (the grading
        # sandbox uses subprocess, which daemonic processes allow; this
        # also allows multiprocessing, should a library use it).
        stack.enter_context(dask.config.set(
            {"distributed.worker.daemon": False}))
        if address == "local":
            cluster = stack.enter_context(LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(address, timeout=30))
        started = time.monotonic()
        futures = {}
        for name, payload, digest in jobs:
            future = client.submit(grade_job, name, payload, digest,
                                   options, version,
                                   key=f"grade-{digest}-{name}", pure=False)
            futures[future] = (name, digest)
        for future in as_completed(futures):
            name, digest = futures[future]
            try:
                yield future.result()
            except Exception as error:  # KilledWorker, lost scheduler, ...
                yield failure(name, version, digest,
                              f"Dask could not run the job: "
                              f"{type(error).__name__}: {error}", started)
            future.release()
