"""Keras 2 and Keras 3 side by side: which tasks to grade under the other
version too, and what the report says about it.

A task that fails under the graded version because Keras or TensorFlow
raised (not the student's own code: an IndexError in their loop is theirs
under any version) is graded under the other version as well. By default
(``info``) that is information, not credit: when the other version scores
higher, one line says so. With ``best`` every task short of full marks is
graded under both and the better score is kept, and the report says which
version each score came from. Either way ``Report.extra["keras"]`` holds
the facts (for results.json's extra_data and the batch CSV).
"""
from __future__ import annotations

from typing import Any

from grader.judge import causes
from grader.judge.file_rules import RULES
from grader.measurements import ErrorInfo
from grader.results import CheckResult, Report
from grader.tasks import TASKS, Task

NOT_VERSION_SPECIFIC = ("SystemExit", "MemoryError", "BdbQuit",
                        "KeyboardInterrupt", "SyntaxError", "MissingFunction")


def other_major(keras_major: int) -> int:
    """The other Keras major version (2 for 3, 3 for 2)."""
    return 3 if keras_major == 2 else 2


def raised_errors(task: Task, result: dict | None
                  ) -> list[tuple[ErrorInfo, str]]:
    """(error, stage) for every exception in a student's result, edge
    argument sets (which only warn) left out."""
    if not result:
        return []
    found: list[tuple[ErrorInfo, str]] = []
    if result.get("load_error"):
        found.append((result["load_error"], "import"))
    if result.get("probe_error"):
        found.append((result["probe_error"], "measure"))
    for argset, side in zip(task.argsets, result.get("argsets", [])):
        if argset.edge:
            continue
        error = side.get("error")
        if error:
            found.append((error, error.get("stage", "build")))
        if side.get("probe_error"):
            found.append((side["probe_error"], "measure"))
        for error in (side.get("train_error"),
                      (side.get("loss_kl") or {}).get("error")):
            if error:
                found.append((error, "train"))
    training = (result.get("training") or {}).get("error")
    if training:
        found.append((training, "training"))
    return found


def version_specific(task: Task, result: dict | None) -> bool:
    """Did the task fail because Keras or TensorFlow raised (or with a
    cause known to differ between Keras 2 and 3)?"""
    for error, stage in raised_errors(task, result):
        if error.get("type") in NOT_VERSION_SPECIFIC:
            continue
        if error.get("raised_in") == "library" or \
                causes.keras_code(error, stage) is not None:
            return True
    return False


def tasks_to_regrade(report: Report, students: dict[int, dict | None],
                     mode: str) -> list[int]:
    """The tasks to grade under the other Keras version too."""
    if mode == "off":
        return []
    scores = report.task_scores()
    chosen = []
    for number, result in sorted(students.items()):
        got, total = scores.get(number, (0.0, 0.0))
        if got >= total or result is None:
            continue
        if mode == "best" or version_specific(TASKS[number], result):
            chosen.append(number)
    return chosen


def first_failure(report: Report, number: int) -> CheckResult | None:
    """The task's first failed model check (file rules left out)."""
    rules = {rule_id for rule_id, _, _ in RULES}
    return next((r for r in report.results if r.task == number
                 and r.status == "failed" and r.check not in rules), None)


def written_for(task: Task, result: dict | None) -> int | None:
    """The Keras version a known cause of the task's errors says its code
    was written for, if any."""
    for error, stage in raised_errors(task, result):
        code = causes.keras_code(error, stage)
        if code is not None:
            return code
    return None


def cross_line(primary: int, other: int, got: float, total: float,
               has_fix: bool, other_code: bool) -> str:
    """The one line for a file that scores more under the other version;
    ``other_code``: it is code for the other version (a known cause says
    so, or it scores full marks there)."""
    line = (f"under Keras {other} this file scores {got:g}/{total:g}: "
            + (f"it is Keras {other} code" if other_code else
               f"it gets further under Keras {other}"))
    if has_fix:
        return line + (f"; see the fix above to make it run under Keras "
                       f"{primary}")
    return line + (f"; the error above is where it stops under Keras "
                   f"{primary}")


def why_not(failure: CheckResult | None) -> str:
    """': <the cause and the fix>' of a failure (else its first line)."""
    if failure is None:
        return ""
    lines = failure.message.splitlines()
    known = [line for line in lines if line.startswith(("cause: ", "fix: "))]
    return ": " + causes.shorten(" ".join(known or lines[:1]), 600)


def merge(report: Report, other: Report | None, primary: int, mode: str,
          tasks: list[int], students: dict[int, dict | None],
          problem: str | None = None) -> None:
    """Adds the other version's scores to ``report`` (and, with ``best``,
    keeps its results where they score higher); ``students`` are the
    workers' results under ``primary``."""
    second = other_major(primary)
    facts: dict[str, Any] = {"graded": primary, "mode": mode,
                             "other": second, "tasks": {}}
    if problem:
        facts["problem"] = causes.shorten(problem)
    scores = report.task_scores()
    theirs = other.task_scores() if other is not None else {}
    notes = report.extra.setdefault("task_notes", {})
    for number, (got, total) in sorted(scores.items()):
        entry: dict[str, Any] = {f"keras{primary}": got, "max": total,
                                 "scored_under": primary}
        facts["tasks"][str(number)] = entry
        if other is None or number not in tasks or number not in theirs:
            continue
        other_got = theirs[number][0]
        entry[f"keras{second}"] = other_got
        if other_got <= got:
            continue
        failure = first_failure(report, number)
        has_fix = failure is not None and "\nfix: " in failure.message
        other_code = other_got >= total or written_for(
            TASKS[number], students.get(number)) == second
        line = cross_line(primary, second, other_got, total, has_fix,
                          other_code)
        entry["line"] = line
        if mode == "best":
            entry["scored_under"] = second
            report.results = [r for r in report.results
                              if r.task != number] + [
                r for r in other.results if r.task == number]
            entry["line"] = (f"scored under Keras {second} (--keras best); "
                             f"under Keras {primary} this file scores "
                             f"{got:g}/{total:g}" + why_not(failure))
            notes.setdefault(str(number), []).append(entry["line"])
        elif failure is not None:
            failure.message += "\n" + line
        else:
            notes.setdefault(str(number), []).append(line)
    if not notes:
        report.extra.pop("task_notes", None)
    order = {n: i for i, n in enumerate(sorted(TASKS))}
    report.results.sort(key=lambda r: order[r.task])
    report.extra["keras"] = facts
