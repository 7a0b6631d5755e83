"""Grades a submission: runs the workers, then every check in the parent."""
from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader import file_rules, keras_versions
from grader.checks import Check, Evidence, Verdict, causes, checks_for
from grader.reference import default_cache_dir, library_versions, \
    reference_result
from grader.results import CheckResult, Report
from grader.sandbox import ForkServer, Limits, WorkerOutcome, run_worker
from grader.tasks import TASKS, Task


@dataclass
class Options:
    """How to grade: which tasks, which Keras, limits, cache, parallelism."""

    tasks: list[int] = field(default_factory=lambda: sorted(TASKS))
    keras_major: int = 3
    limits: Limits = field(default_factory=Limits)
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    workers: int = 2
    fork_server: bool = True  # start workers by fork from a TF-loaded server
    # The other Keras version: "info" grades the tasks that Keras itself
    # failed under it too and says what they score there; "best" keeps the
    # better score of every task; "off" grades one version only.
    other_keras: str = "info"


def worker_problem(task: Task, outcome: WorkerOutcome,
                   limits: Limits) -> str | None:
    """A sentence for a worker that brought back no usable result."""
    if outcome.status == "ok":
        return None
    if outcome.status == "timeout":
        return (f"grading {task.filename} did not finish within "
                f"{limits.seconds:g} s (an endless loop, or input() "
                "waiting?)")
    noise = ("I0000", "W0000", "WARNING: All log messages", "To enable")
    lines = [line for line in outcome.output.strip().splitlines()
             if line.strip() and not line.startswith(noise)]
    tail = [causes.plain(line) for line in lines[-1:]] or [""]
    if outcome.returncode is not None and outcome.returncode < 0:
        return (f"{task.filename} crashed the grading process (signal "
                f"{-outcome.returncode}; out of memory?) {tail[0][:200]}")
    return (f"{task.filename} ended the grading process early (exit code "
            f"{outcome.returncode}): does it call os._exit or exit?"
            + (f" Last output: {tail[0][:200]}" if tail[0] else ""))


def evaluate(task: Task, evidence: Evidence) -> list[tuple[Check, Verdict]]:
    """Runs the task's model checks, skipping those whose needs failed.

    Returns them in evaluation order: every check after those it needs.
    """
    checks = checks_for(task.kind)
    by_id = {c.id: c for c in checks}

    def verdict(check: Check) -> Verdict:
        if check.id in evidence.verdicts:
            return evidence.verdicts[check.id]
        for need in check.requires:
            if need in by_id and not evidence.passed(need):
                verdict(by_id[need])
                if not evidence.passed(need):
                    evidence.verdicts[check.id] = Verdict.blocked(
                        by_id[need].title)
                    return evidence.verdicts[check.id]
        try:
            result = check.function(evidence)
        except Exception as exc:  # a check must never crash the grader
            result = Verdict.fail(
                f"could not be checked ({type(exc).__name__}: "
                f"{causes.shorten(str(exc))}); the models' outputs are not "
                "what the task describes")
        evidence.verdicts[check.id] = result
        return result

    for check in checks:
        verdict(check)
    return [(by_id[check_id], result)
            for check_id, result in evidence.verdicts.items()
            if check_id in by_id]


def task_results(task: Task, submission: Path,
                 student: WorkerOutcome | None,
                 reference: dict[str, Any], limits: Limits
                 ) -> list[CheckResult]:
    results = [CheckResult(task.number, rule_id, title, 1, v.status,
                           v.message)
               for (rule_id, title, _), v in zip(
                   file_rules.RULES,
                   file_rules.check_file(submission / task.filename).values())]
    if student is None:
        problem = f"{task.filename} not found in {submission}"
        evidence = Evidence(task, None, reference, worker_problem=problem)
    else:
        evidence = Evidence(task, student.result, reference,
                            worker_problem=worker_problem(task, student,
                                                          limits))
    for check, verdict in evaluate(task, evidence):
        results.append(CheckResult(task.number, check.id, check.title,
                                   check.points, verdict.status,
                                   verdict.message))
    return results


def grade(submission: Path, options: Options,
          pool: ThreadPoolExecutor | None = None, mode: str = "grade",
          raw: dict[int, tuple[dict | None, dict]] | None = None,
          server: ForkServer | None = None) -> Report:
    """Grades ``submission`` (a folder) and returns its report.

    With ``mode="compare"`` the workers also measure what the comparison
    page shows; ``raw`` (if given) receives each task's student and
    reference results.
    """
    started = time.monotonic()
    submission = submission.resolve()
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=max(1, options.workers))
    own_server = server is None and options.fork_server
    if own_server:
        server = ForkServer(options.keras_major)
    try:
        references: dict[int, Future] = {}
        students: dict[int, Future | None] = {}
        for number in options.tasks:
            task = TASKS[number]
            references[number] = pool.submit(
                reference_result, task, options.keras_major, options.limits,
                options.cache_dir, mode, server)
            students[number] = (
                pool.submit(run_worker, task, submission,
                            options.keras_major, options.limits, mode,
                            server)
                if (submission / task.filename).is_file() else None)
        report = Report(str(submission))
        students_results: dict[int, dict | None] = {}
        for number in options.tasks:
            task = TASKS[number]
            student = students[number]
            outcome = student.result() if student else None
            students_results[number] = outcome.result if outcome else None
            report.results += task_results(
                task, submission, outcome, references[number].result(),
                options.limits)
            if raw is not None:
                raw[number] = (outcome.result if outcome else None,
                               references[number].result())
        if options.other_keras != "off":
            grade_other(submission, options, report, students_results, pool,
                        mode, raw)
    finally:
        if own_pool:
            pool.shutdown()
        if own_server:
            server.close()
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
                students: dict[int, dict | None], pool: ThreadPoolExecutor,
                mode: str, raw: dict[int, tuple[dict | None, dict]] | None
                ) -> None:
    """Grades the tasks ``keras_versions`` picks under the other Keras
    version and merges what they score there into ``report``."""
    tasks = keras_versions.tasks_to_regrade(report, students,
                                            options.other_keras)
    other, problem = None, None
    other_raw: dict[int, tuple[dict | None, dict]] = {}
    if tasks:
        best = options.other_keras == "best"
        other_options = replace(
            options, tasks=tasks, other_keras="off",
            keras_major=keras_versions.other_major(options.keras_major))
        try:
            other = grade(submission, other_options, pool,
                          mode=mode if best else "grade",
                          raw=other_raw if best and raw is not None
                          else None)
        except Exception as exc:  # the other version is information only
            problem = (f"grading under Keras {other_options.keras_major} "
                       f"failed: {type(exc).__name__}: {exc}")
    before = report.task_scores()
    keras_versions.merge(report, other, options.keras_major,
                         options.other_keras, tasks, students, problem)
    if raw is not None:  # the compare page shows the version kept
        after = report.task_scores()
        for number in other_raw:
            if after[number] != before[number]:
                raw[number] = other_raw[number]
