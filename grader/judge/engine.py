"""The judge's engine: every check of a task, in dependency order, on the
student's and the reference's measurements; a crashing check is a grader
error, never the student's failure."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.judge import causes, file_rules, heads
from grader.judge.checks import Check, checks_for
from grader.judge.evidence import Evidence
from grader.judge.verdict import Verdict
from grader.options import Limits
from grader.results import CheckResult
from grader.judge.stopped import worker_problem
from grader.run.outcome import WorkerOutcome
from grader.tasks import Task


def grader_failure(doing: str, error: dict) -> str:
    """The sentence for a failure of the grader's own code (or of its
    sandbox, which could not start)."""
    if error.get("type") == "SandboxFailed":
        return (f"the grader could not start the sandbox it runs your file "
                f"in, so nothing was measured ({error.get('message')}): "
                "this is a problem of the grading machine, not of your "
                "file; no points were decided here. Your instructor can run "
                "python -m grader doctor to see why")
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
        """The verdict of ``check``, after those it needs."""
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
    """The file rules and every model check of one task, as check results."""
    results = [CheckResult(task.number, rule_id, file_rules.rule_title(
                   rule_id, title, task.imports), 1, v.status, v.message)
               for (rule_id, title, _), v in zip(
                   file_rules.RULES,
                   file_rules.check_file(submission / task.filename,
                                         task.imports).values())]
    problem: str | None
    if student is None:
        problem = f"{task.filename} not found in {submission}"
        evidence = Evidence(task, None, reference, worker_problem=problem)
    else:
        measured = student.result
        if measured is not None:  # what the sandbox saw, for integrity
            measured = dict(measured, left_processes=student.left_processes)
        problem = worker_problem(task, student, limits)
        if problem is None and heads.disagreements(measured):
            problem = (f"grading {task.filename} was stopped: its "
                       "measurements contradict themselves (it changed how "
                       "the grader measures), so its models are not judged")
        evidence = Evidence(task, measured, reference,
                            worker_problem=problem)
    for check, verdict in evaluate(task, evidence):
        results.append(CheckResult(task.number, check.id, check.title,
                                   check.points, verdict.status,
                                   verdict.message))
    return results
