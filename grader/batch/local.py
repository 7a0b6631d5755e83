"""Runs a batch's jobs on this machine, as ``python -m grader batch`` did.

Folders are graded ``options.workers`` (plus one) at a time; their task
files share one pool of ``options.workers`` threads (each folder in a
sandbox of its own), and the
reference is measured (or read from the cache) once, before the first
folder.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Iterable, Iterator

from grader.batch.jobs import grade_job, prepare_reference
from grader.options import Options

Job = tuple[str, bytes, str]  # student, zip of the folder, its digest


def run_local(jobs: Iterable[Job], options: Options, version: str
              ) -> Iterator[dict[str, Any]]:
    """Yields each job's status dict as it completes (every job graded
    with ``options``, the batch's version digest ``version``).

    Raises a :class:`grader.failures.GraderFailure` before any folder is
    graded if the reference cannot be measured.
    """
    workers = max(1, options.workers)
    # One folder more in flight than workers: while the others measure, it
    # is unpacked, its sandbox started and its tasks queued, or it is
    # judged, so that no worker waits for a folder's own steps.
    with ThreadPoolExecutor(max_workers=workers) as pool, \
            ThreadPoolExecutor(max_workers=workers + 1) as outer:
        prepare_reference(options, pool)
        futures = [outer.submit(grade_job, name, payload, digest, options,
                                version, pool)
                   for name, payload, digest in jobs]
        for future in as_completed(futures):
            yield future.result()
