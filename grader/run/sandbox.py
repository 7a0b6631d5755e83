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

from grader.failures import SandboxFailed
from grader.options import Limits
from grader.run.isolation import Isolation
from grader.run.outcome import WorkerOutcome
from grader.run.session import SERVER_READY_SECONDS, ServerGone, Session
from grader.run.tree import copy_submission, size_problem
from grader.tasks import LONGEST_FIRST, Task

# What a batch packs of a folder's file: anything larger is over every
# size limit of a grading (``file_mb``, ``disk_mb``) anyway.
MAX_COPIED_FILE = 64 * 1024 * 1024

__all__ = ["MAX_COPIED_FILE", "ServerGone", "Session", "copy_submission",
           "run_tasks"]


def run_tasks(folder: Path, tasks: list[Task], keras_major: int,
              limits: Limits, isolation: Isolation, pool: Executor,
              pictures: bool = False, guard: bool = True,
              fork: bool = True, keep: float = 0.0
              ) -> dict[int, WorkerOutcome]:
    """Measures ``tasks`` of ``folder`` on ``pool``'s threads: one session
    for all of them (with ``fork=False``, one per task: each worker then
    imports TensorFlow itself; with ``keep`` seconds, its zygote is kept
    warm between gradings, see :mod:`grader.run.keeper`), and a fresh one
    for the tasks whose session died before they could start.

    A task file over the size limits is refused before anything is
    copied (status ``too-large``). Raises :class:`SandboxFailed` when no
    sandbox can be started at all: the grader's failure, not the task's.
    """
    outcomes: dict[int, WorkerOutcome] = {}
    pending = []
    for task in tasks:
        problem = size_problem(folder, task.filename, limits.file_mb,
                               limits.disk_mb)
        if problem:
            outcomes[task.number] = WorkerOutcome(status="too-large",
                                                  notes=[problem])
        else:
            pending.append(task)
    while pending:
        groups = [pending] if fork else [[t] for t in pending]
        sessions: list[Session] = []
        retry, why = [], []
        try:
            for group in groups:
                try:
                    sessions.append(Session(folder, group, keras_major,
                                            limits, isolation, pictures,
                                            guard, fork, keep))
                except ServerGone as error:
                    retry += group
                    why.append(str(error))
            # A session's tasks go to the pool once its server is ready
            # (or gone): a pool thread then never waits for one folder's
            # sandbox to start while another folder's tasks could run.
            for session in sessions:
                session.ready.wait(SERVER_READY_SECONDS)
            futures = [(task, pool.submit(session.run, task))
                       for session in sessions for task in sorted(
                           session.tasks.values(),
                           key=lambda t: LONGEST_FIRST.index(t.kind))]
            for task, future in futures:
                try:
                    outcomes[task.number] = future.result()
                except ServerGone as error:
                    retry.append(task)
                    why.append(str(error))
        finally:
            for session in sessions:
                session.close()
        if len(retry) == len(pending):  # nothing started: the grader's
            raise SandboxFailed(
                f"the {isolation.level} sandbox for {folder.name} did not "
                f"start: {why[0] if why else 'no reason given'}")
        pending = retry
    # A task file can kill its own sandbox, and with it the other tasks
    # running there: each of those is measured again, alone; the one
    # that did it kills its sandbox again, and that stands.
    if fork and len(tasks) > 1:
        again = [t for t in tasks if outcomes[t.number].status == "sandbox"]
        for task in again:
            outcomes.update(run_tasks(folder, [task], keras_major, limits,
                                      isolation, pool, pictures, guard,
                                      fork, keep))
        if not isolation.uid_per_task:
            outcomes.update(alone_after_strays(
                folder, [t for t in tasks if t not in again], outcomes,
                keras_major, limits, isolation, pool, pictures, guard, keep))
    return outcomes


def alone_after_strays(folder: Path, tasks: list[Task],
                       outcomes: dict[int, WorkerOutcome], keras_major: int,
                       limits: Limits, isolation: Isolation, pool: Executor,
                       pictures: bool, guard: bool, keep: float = 0.0
                       ) -> dict[int, WorkerOutcome]:
    """Where the workers share one uid (bubblewrap in a user namespace, no
    sandbox), a task file that leaves processes behind (a fork bomb) holds
    the uid's process limit while the tasks beside it run, and they fail
    for it. Then every task that was not traced as the one that did it is
    measured again, alone, and that outcome stands: the same as if the
    folder held no such file. Returns the new outcomes."""
    measured = [t for t in tasks if outcomes[t.number].status != "too-large"]
    if len(measured) < 2 or not any(
            outcomes[t.number].left_processes
            or outcomes[t.number].stray_processes for t in measured):
        return {}
    again: dict[int, WorkerOutcome] = {}
    for task in measured:
        if not outcomes[task.number].left_processes:
            again.update(run_tasks(folder, [task], keras_major, limits,
                                   isolation, pool, pictures, guard,
                                   keep=keep))
    return again
