"""Runs a batch's jobs on this machine, as ``python -m grader batch`` did.

Folders are graded ``spec.workers`` at a time; their task files share one
pool of that many threads and one fork server, and the reference is
measured (or read from the cache) once, before the first folder.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Iterable, Iterator

from grader.batch.jobs import JobSpec, grade_job, prepare_reference
from grader.sandbox import ForkServer

Job = tuple[str, bytes, str]  # student, zip of the folder, its digest


def run_local(jobs: Iterable[Job], spec: JobSpec) -> Iterator[dict[str, Any]]:
    """Yields each job's status dict as it completes.

    Raises :class:`grader.reference.ReferenceError` before any folder is
    graded if the reference cannot be measured.
    """
    server = ForkServer(spec.keras_major) if spec.fork_server else None
    workers = max(1, spec.workers)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool, \
                ThreadPoolExecutor(max_workers=workers) as outer:
            prepare_reference(spec, server)
            futures = [outer.submit(grade_job, name, payload, digest, spec,
                                    server, pool)
                       for name, payload, digest in jobs]
            for future in as_completed(futures):
                yield future.result()
    finally:
        if server is not None:
            server.close()
