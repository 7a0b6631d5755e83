"""Grades a submission: runs the workers, then every check in the parent."""
from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader import file_rules, keras_versions
from grader.checks import Check, Evidence, Verdict, causes, checks_for
from grader.checks.integrity import integrity_findings
from grader.isolation import Isolation, detect, hide_from_workers
from grader.reference import default_cache_dir, library_versions, \
    reference_results
from grader.results import CheckResult, Report
from grader.sandbox import REPO_ROOT, Limits, WorkerOutcome, run_tasks
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
    sandbox: str = "auto"  # isolation level: auto, bwrap, uid or none
    guard: bool = True  # the in-process audit hook (off only in tests)
    # The other Keras version: "info" grades the tasks that Keras itself
    # failed under it too and says what they score there; "best" keeps the
    # better score of every task; "off" grades one version only.
    other_keras: str = "info"


SIGNALS = {
    signal.SIGSEGV: "it crashed with a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "it crashed with a bus error (SIGBUS)",
    signal.SIGABRT: "it aborted (SIGABRT)",
    signal.SIGKILL: "it was killed (SIGKILL): most often it ran out of "
                    "memory",
    signal.SIGXCPU: "it used more CPU time than allowed (SIGXCPU)",
    signal.SIGXFSZ: "it wrote a file larger than allowed (SIGXFSZ)",
    signal.SIGFPE: "it crashed with an arithmetic error (SIGFPE)",
}


def worker_problem(task: Task, outcome: WorkerOutcome,
                   limits: Limits) -> str | None:
    """One sentence for a worker that brought back no usable result:
    what was refused, or what stopped it."""
    if outcome.status == "ok":
        return None
    name = task.filename
    if outcome.status == "timeout":
        return (f"grading {name} did not finish within {limits.seconds:g} s "
                "(an endless loop, or input() waiting?)")
    if outcome.status == "output":
        return (f"grading {name} was stopped: it printed more than "
                f"{limits.output_kb} KB of output (a print in a loop?)")
    if outcome.status == "disk":
        return (f"grading {name} was stopped: it wrote more than "
                f"{limits.disk_mb} MB of files")
    if outcome.status == "sandbox":
        return (f"grading {name} was stopped: the sandbox it ran in was "
                "killed (" + "; ".join(outcome.notes or ["by the task file "
                                                         "itself?"]) + ")")
    if outcome.status == "no-result" and outcome.notes:
        return f"grading {name} brought back no result: {outcome.notes[0]}"
    noise = ("I0000", "W0000", "WARNING: All log messages", "To enable")
    lines = [line for line in outcome.output.strip().splitlines()
             if line.strip() and not line.startswith(noise)]
    tail = [causes.plain(line) for line in lines[-1:]] or [""]
    if outcome.returncode is not None and outcome.returncode < 0:
        number = -outcome.returncode
        why = SIGNALS.get(number, f"it was stopped by signal {number}")
        return (f"grading {name} was stopped: {why}"
                + (f". Last output: {tail[0][:200]}" if tail[0] else ""))
    return (f"{name} ended the grading process early (exit code "
            f"{outcome.returncode}): does it call os._exit or exit?"
            + (f" Last output: {tail[0][:200]}" if tail[0] else ""))


def grader_failure(doing: str, error: dict) -> str:
    """The sentence for a failure of the grader's own code."""
    return (f"the grader failed while {doing} ({error.get('type')}: "
            f"{error.get('message')}): this is a bug in the grader, not a "
            "verdict on your file; no points were decided here. Please "
            "report it to your instructor")


def evaluate(task: Task, evidence: Evidence) -> list[tuple[Check, Verdict]]:
    """Runs the task's model checks, skipping those whose needs failed.

    Returns them in evaluation order: every check after those it needs.
    """
    checks = checks_for(task.kind)
    by_id = {c.id: c for c in checks}
    failure = evidence.grader_error
    if failure and not evidence.worker_problem:
        message = grader_failure(f"measuring {task.filename}", failure)
        return [(c, Verdict.error(message)) for c in checks]

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
        except Exception as exc:  # a grader bug: never the student's fail
            result = Verdict.error(grader_failure(
                f"judging '{check.title}'",
                {"type": type(exc).__name__,
                 "message": causes.shorten(str(exc))}))
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
        measured = student.result
        if measured is not None:  # what the sandbox saw, for integrity
            measured = dict(measured, left_processes=student.left_processes)
        evidence = Evidence(task, measured, reference,
                            worker_problem=worker_problem(task, student,
                                                          limits))
    for check, verdict in evaluate(task, evidence):
        results.append(CheckResult(task.number, check.id, check.title,
                                   check.points, verdict.status,
                                   verdict.message))
    return results


def private_paths(options: Options) -> list[Path]:
    """What no student's worker may read: the reference solutions, the
    grader's tests (their corpus holds correct solutions), the cache."""
    paths = [REPO_ROOT / t.filename for t in TASKS.values()]
    paths.append(REPO_ROOT / "tests")
    if options.cache_dir is not None:
        paths.append(options.cache_dir)
    return paths


def measure_reference(tasks: list[Task], options: Options,
                      isolation: Isolation, pool: Executor, mode: str,
                      box: dict) -> None:
    """Runs in a thread of its own: the reference's results, or the
    error that kept them from being measured, into ``box``."""
    try:
        box["results"] = reference_results(
            tasks, options.keras_major, options.limits, options.cache_dir,
            isolation, pool, mode)
    except BaseException as error:  # re-raised in the grading thread
        box["error"] = error


def grade(submission: Path, options: Options,
          pool: ThreadPoolExecutor | None = None, mode: str = "grade",
          raw: dict[int, tuple[dict | None, dict]] | None = None) -> Report:
    """Grades ``submission`` (a folder) and returns its report.

    The reference (where not cached) and the student's files are measured
    at the same time, each in a sandbox of its own, their workers sharing
    ``pool``'s threads. With ``mode="compare"`` the workers also measure
    what the comparison page shows; ``raw`` (if given) receives each
    task's student and reference results.
    """
    own_pool = pool is None
    pool = pool or ThreadPoolExecutor(max_workers=max(1, options.workers))
    try:
        return _grade(submission.resolve(), options, pool, mode, raw)
    finally:
        if own_pool:
            pool.shutdown()


def _grade(submission: Path, options: Options, pool: ThreadPoolExecutor,
           mode: str, raw: dict[int, tuple[dict | None, dict]] | None
           ) -> Report:
    started = time.monotonic()
    isolation = detect(options.sandbox)
    if isolation.level == "uid":  # what a worker could otherwise read
        hide_from_workers(private_paths(options))
    tasks = [TASKS[n] for n in options.tasks]
    present = [t for t in tasks if (submission / t.filename).is_file()]
    box: dict[str, Any] = {}
    reference = threading.Thread(target=measure_reference, args=(
        tasks, options, isolation, pool, mode, box))
    reference.start()
    try:
        outcomes = run_tasks(submission, present, options.keras_major,
                             options.limits, isolation, pool, mode,
                             options.guard, options.fork_server)
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
        if raw is not None:
            raw[task.number] = (outcome.result if outcome else None,
                                measured)
        findings = integrity_findings(outcome)
        if findings:
            report.extra.setdefault("integrity", {})[task.filename] = \
                findings
    if options.other_keras != "off":
        grade_other(submission, options, report, students, pool, mode, raw)
    report.extra["sandbox"] = isolation.level
    report.extra["sandbox_detail"] = isolation.describe()
    if isolation.warning():
        report.notes.append(isolation.warning())
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
