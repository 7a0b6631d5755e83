"""The grading half of the Classroom 50 autograder.

``autograder.py`` (written by ``python -m grader classroom50``) installs
the pinned requirements, then calls :func:`main` in a Python of its own,
with the bundle (this grader, the reference) as working folder and the
student's checkout named in the settings. :func:`main` grades the checkout
in the full sandbox and writes, in the checkout, what the runner reads:
``result.json``, ``release-body.md``, and the ``status=`` / ``summary=``
lines appended to ``$GITHUB_OUTPUT``.

A grader that cannot grade (the sandbox cannot start, the reference cannot
be measured, a check crashed) writes none of them and returns 3, the cause
on stderr: the autograder then exits non-zero, and the runner records an
infrastructure error instead of a score. Missing task files are graded
(those tasks score zero).
"""
from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any, Mapping

from grader.cli import grader_failed, grading_options
from grader.pipeline import grade
from grader.platforms.submission import locate
from grader.report import classroom50, gradescope
from grader.results import Report
from grader.tasks import TASKS

RESULT = "result.json"
RELEASE_BODY = "release-body.md"


def incomplete(report: Report) -> str:
    """Why a report with checks the grader failed on is no grade."""
    failures = "; ".join(f"task {r.task} {r.check}: "
                         f"{r.message.splitlines()[0] if r.message else ''}"
                         for r in report.grader_errors[:3])
    return (f"grader error: the grader failed on "
            f"{len(report.grader_errors)} check(s), so the score would be "
            f"incomplete and none is recorded ({failures})")


def write_outputs(checkout: Path, report: Report, notes: list[str],
                  visibility: str, env: Mapping[str, str]) -> str:
    """Writes result.json, release-body.md and the $GITHUB_OUTPUT lines;
    returns the Release text."""
    when = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    data = classroom50.result(report, env, when, visibility)
    body = classroom50.release_body(
        report, {n: t.filename for n, t in TASKS.items()}, visibility, notes)
    lines = classroom50.output_lines(classroom50.status(report, visibility),
                                     classroom50.summary(report, visibility))
    gradescope.write(data, checkout / RESULT)
    (checkout / RELEASE_BODY).write_text(body)
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a") as handle:
            handle.write(lines)
    return body


def main(settings: Mapping[str, Any]) -> int:
    """Grades ``settings["checkout"]``; returns 0 when the files are
    written, 3 when the grader could not grade (the cause on stderr)."""
    checkout = Path(settings["checkout"]).resolve()
    for name in (RESULT, RELEASE_BODY):  # never a student's own copy
        (checkout / name).unlink(missing_ok=True)
    options = grading_options(list(settings["grading_args"]))
    folder, notes = locate(checkout, options.tasks)
    try:
        report = grade(folder, options)
    except Exception as error:
        return grader_failed(error)
    if report.grader_errors:
        print(incomplete(report), file=sys.stderr)
        return 3
    try:
        body = write_outputs(checkout, report, notes,
                             str(settings["visibility"]), os.environ)
    except (OSError, ValueError) as error:
        return grader_failed(error)
    print(body)  # the job log is the student's to read: what they see
    return 0
