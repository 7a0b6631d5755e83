"""Gradescope's ``results.json`` (gradescope/autograder_samples specs.md).

One test per check, with the check's own points and status. The file
rules are always visible; the model checks get the chosen visibility. The
top-level ``output`` is what a student reads first: notes about the
submission and a summary that never says "all passed" while checks are
hidden.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from grader.judge.file_rules import RULES
from grader.report.text import summary
from grader.results import Report, passing

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
SHOWN_WHEN = {"after_due_date": "after the due date",
              "after_published": "when the grades are published",
              "hidden": "only to the instructors"}
RULE_IDS = frozenset(rule_id for rule_id, _, _ in RULES)


def visibility_of(check: str, visibility: str) -> str:
    """The file rules are always shown; model checks get ``visibility``."""
    return "visible" if check in RULE_IDS else visibility


def results(report: Report, visibility: str = "visible",
            notes: Iterable[str] = ()) -> dict[str, Any]:
    """``report`` as Gradescope's results.json."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    hidden = {r.name for r in report.results
              if visibility_of(r.check, visibility) != "visible"}
    lines = list(notes) + report.notes + [
        summary(report, hidden, SHOWN_WHEN.get(visibility, "later"))]
    for task, task_notes in sorted(report.extra.get("task_notes",
                                                    {}).items()):
        lines += [f"task {task}: {note}" for note in task_notes]
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items())
    if versions:
        lines.append(f"Graded with {versions}.")
    return {
        "score": report.score,
        "execution_time": round(report.seconds, 2),
        "output": "\n".join(lines),
        "tests": [{
            "name": f"Task {r.task}: {r.title}",
            "score": r.points,
            "max_score": r.max_points,
            "status": "passed" if passing(r.status) else "failed",
            "output": r.message,
            "visibility": visibility_of(r.check, visibility),
        } for r in report.results],
        "extra_data": report.extra,
    }


def failure(message: str, seconds: float = 0.0,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A results.json for a submission that could not be graded."""
    return {"score": 0.0, "execution_time": round(seconds, 2),
            "output": message, "tests": [], "extra_data": extra or {}}


def write(data: dict[str, Any], path: Path) -> None:
    """Writes ``data`` to ``path`` atomically: a reader (or a later crash)
    never finds half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)
