"""What ``python -m grader --json PATH --format ...`` writes: a finished
report in the platform's format, or, when the grader itself failed, the
platform's way of saying so (no score: Gradescope's output and
``extra_data.autograder_error``, PrairieLearn's ``gradable: false``)."""
from __future__ import annotations

import argparse
from pathlib import Path

from grader.report import gradescope, prairielearn
from grader.results import Report

FORMATS = ("gradescope", "prairielearn")


def not_graded(cause: str) -> str:
    """What a platform's student reads when the grader itself failed."""
    cause = cause.strip().rstrip(".")
    return ("The autograder failed, so your files were not graded (this "
            f"is not a problem in your files): {cause}. Submit again later; "
            "if this message stays, tell your instructors.")


def write(args: argparse.Namespace, report: Report | None,
          notes: list[str], images: list[dict[str, str]],
          error: str | None = None) -> None:
    """Writes what ``--json`` (in ``--format``) asks for: the report, or,
    with ``error``, a message for the student."""
    if args.json:
        path = Path(args.json)
        if args.format == "prairielearn":
            data = (prairielearn.failure(error) if error else
                    prairielearn.results(report, images, notes))
        else:
            data = (gradescope.failure(error, extra={
                "autograder_error": error}) if error else
                gradescope.results(report, args.visibility, notes))
        gradescope.write(data, path)
