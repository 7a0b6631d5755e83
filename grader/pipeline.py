"""The grading pipeline, stage by stage: run (a sandboxed worker measures
each task file, the reference's measurements come from the cache or are
measured beside it), judge (every check, in this process), and the report
that every output format renders."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.failures import SandboxFailed
from grader.judge import keras_versions
from grader.judge.checks.integrity import integrity_findings
from grader.judge.engine import task_results
from grader.options import Options
from grader.paths import REPO_ROOT
from grader.results import Report
from grader.run.data_file import check_data
from grader.run.isolation import Isolation, detect, hide_from_workers
from grader.run.reference import library_versions, reference_results
from grader.run.outcome import WorkerOutcome
from grader.run.sandbox import run_tasks
from grader.tasks import TASKS, Task


def private_paths(options: Options) -> list[Path]:
    """What no student's worker may read: the reference solutions, the
    grader's tests (their corpus holds correct solutions), the cache."""
    paths = [REPO_ROOT / t.filename for t in TASKS.values()]
    paths.append(REPO_ROOT / "tests")
    cache = options.cache_folder()
    if cache is not None:
        paths.append(cache)
    return paths


def measure_reference(tasks: list[Task], options: Options,
                      isolation: Isolation, pool: Executor,
                      box: dict) -> None:
    """Runs in a thread of its own: the reference's results, or the
    error that kept them from being measured, into ``box``."""
    try:
        box["results"] = reference_results(
            tasks, options.keras_major, options.limits,
            options.cache_folder(), isolation, pool, options.pictures,
            keep=options.keep_warm)
    except BaseException as error:  # re-raised in the grading thread
        box["error"] = error


def sandbox_failed(tasks: list[Task], error: SandboxFailed
                   ) -> dict[int, WorkerOutcome]:
    """Each task's outcome when its sandbox could not start: a failure of
    the grader's, which every check of the task reports (never points
    lost)."""
    failure = {"type": "SandboxFailed", "message": str(error)}
    return {t.number: WorkerOutcome(status="grader",
                                    result={"grader_error": failure},
                                    notes=[str(error)]) for t in tasks}


def grade(submission: Path, options: Options,
          pool: ThreadPoolExecutor | None = None) -> Report:
    """Grades ``submission`` (a folder) and returns its report.

    The reference (where not cached) and the student's files are measured
    at the same time, each in a sandbox of its own, their workers sharing
    ``pool``'s threads. The report keeps both sides' measurements of
    every task (``report.measurements``) for the pages that show them.
    """
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=max(1, options.workers))
    try:
        return _grade(submission.resolve(), options, pool)
    finally:
        if own_pool:
            pool.shutdown()


def _grade(submission: Path, options: Options, pool: ThreadPoolExecutor
           ) -> Report:
    started = time.monotonic()
    check_data()
    isolation = detect(options.sandbox)
    if isolation.level == "uid":  # what a worker could otherwise read
        hide_from_workers(private_paths(options))
    tasks = [TASKS[n] for n in options.tasks_for(submission)]
    present = [t for t in tasks if (submission / t.filename).is_file()]
    box: dict[str, Any] = {}
    reference = threading.Thread(target=measure_reference, args=(
        tasks, options, isolation, pool, box))
    reference.start()
    try:
        outcomes = run_tasks(submission, present, options.keras_major,
                             options.limits, isolation, pool,
                             options.pictures, options.guard,
                             options.fork_server, options.keep_warm)
    except SandboxFailed as error:  # the grader's failure: ERR!, exit 3
        outcomes = sandbox_failed(present, error)
    finally:
        reference.join()
    if "error" in box:
        raise box["error"]
    report = Report(str(submission))
    students: dict[int, dict | None] = {}
    for task in tasks:
        outcome = outcomes.get(task.number)
        students[task.number] = outcome.result if outcome else None
        measured = box["results"][task.number]
        # How each task's worker ended ("missing": no file to run).
        report.extra.setdefault("workers", {})[str(task.number)] = (
            outcome.status if outcome else "missing")
        report.results += task_results(task, submission, outcome, measured,
                                       options.limits)
        report.measurements[task.number] = (students[task.number], measured)
        findings = integrity_findings(outcome)
        if findings:
            report.extra.setdefault("integrity", {})[task.filename] = \
                findings
    if options.other_keras != "off":
        grade_other(submission, options, report, students, pool)
    report.extra["sandbox"] = isolation.level
    report.extra["sandbox_detail"] = isolation.describe()
    warning = isolation.warning()
    if warning:
        report.notes.append(warning)
    report.versions = {k: v for k, v in library_versions().items()
                       if k in ("python", "tensorflow")}
    report.versions["keras"] = keras_words(options.keras_major)
    if options.other_keras == "best":
        second = keras_versions.other_major(options.keras_major)
        report.versions["keras"] += (f" and {keras_words(second)}, the "
                                     "better score per task")
    report.seconds = time.monotonic() - started
    return report


def keras_words(keras_major: int) -> str:
    """The Keras version in words, e.g. '3.15.1 (Keras 3)'."""
    versions = library_versions()
    return (f"{versions['tf-keras']} (Keras 2)" if keras_major == 2 else
            f"{versions['keras']} (Keras 3)")


def grade_other(submission: Path, options: Options, report: Report,
                students: dict[int, dict | None], pool: ThreadPoolExecutor
                ) -> None:
    """Grades the tasks ``keras_versions`` picks under the other Keras
    version and merges what they score there into ``report``."""
    tasks = keras_versions.tasks_to_regrade(report, students,
                                            options.other_keras)
    other, problem = None, None
    if tasks:
        best = options.other_keras == "best"
        other_options = replace(
            options, tasks=tuple(tasks), if_present=(), other_keras="off",
            keras_major=keras_versions.other_major(options.keras_major),
            pictures=options.pictures and best)
        try:
            other = grade(submission, other_options, pool)
        except Exception as exc:  # information only, unless it counts
            if best:  # the better score is the grade: never a guess
                raise
            problem = (f"grading under Keras {other_options.keras_major} "
                       f"failed: {type(exc).__name__}: {exc}")
    before = report.task_scores()
    keras_versions.merge(report, other, options.keras_major,
                         options.other_keras, tasks, students, problem)
    if other is not None and options.other_keras == "best":
        after = report.task_scores()  # the pages show the version kept
        for number, measured in other.measurements.items():
            if after[number] != before[number]:
                report.measurements[number] = measured
