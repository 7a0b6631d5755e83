"""Runs workers on task files inside an OS sandbox; returns what they measured.

A :class:`~grader.run.session.Session` is one sandbox (see
:mod:`grader.run.isolation` for the levels) holding one fork server
(:mod:`grader.run.forkserver`), for the task files of one folder: the
reference and every student folder get sessions of their own, so they never
share a PID namespace, a uid or a writable folder. Time, CPU, memory, file
size, disk and process limits apply to every worker; when one ends,
whatever it started is killed. The host-side files are in
:mod:`grader.run.tree`, the bubblewrap command line in :mod:`grader.run.bwrap`.
"""
from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from grader.options import Limits
from grader.run.isolation import Isolation
from grader.run.outcome import WorkerOutcome
from grader.run.session import ServerGone, Session
from grader.run.tree import MAX_COPIED_FILE, copy_submission
from grader.tasks import Task

__all__ = ["MAX_COPIED_FILE", "ServerGone", "Session", "copy_submission",
           "run_tasks"]


def run_tasks(folder: Path, tasks: list[Task], keras_major: int,
              limits: Limits, isolation: Isolation, pool: Executor,
              pictures: bool = False, guard: bool = True,
              fork: bool = True) -> dict[int, WorkerOutcome]:
    """Measures ``tasks`` of ``folder`` on ``pool``'s threads: one session
    for all of them (with ``fork=False``, one per task: each worker then
    imports TensorFlow itself), and a fresh one for the tasks whose
    session died before they could start."""
    outcomes: dict[int, WorkerOutcome] = {}
    pending = list(tasks)
    while pending:
        groups = [pending] if fork else [[t] for t in pending]
        sessions = [Session(folder, group, keras_major, limits, isolation,
                            pictures, guard) for group in groups]
        try:
            futures = [(task, pool.submit(session.run, task))
                       for session, group in zip(sessions, groups)
                       for task in group]
            retry = []
            for task, future in futures:
                try:
                    outcomes[task.number] = future.result()
                except ServerGone:
                    retry.append(task)
        finally:
            for session in sessions:
                session.close()
        if len(retry) == len(pending):  # nothing started: give up
            for task in retry:
                outcomes[task.number] = WorkerOutcome(
                    status="sandbox", notes=["the sandbox did not start"])
            break
        pending = retry
    # A task file can kill its own sandbox, and with it the other tasks
    # running there: each of those is measured again, alone; the one
    # that did it kills its sandbox again, and that stands.
    if fork and len(tasks) > 1:
        again = [t for t in tasks if outcomes[t.number].status == "sandbox"]
        for task in again:
            outcomes.update(run_tasks(folder, [task], keras_major, limits,
                                      isolation, pool, pictures, guard,
                                      fork))
    return outcomes
