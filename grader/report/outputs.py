"""What ``python -m grader --json PATH --format ...`` and
``--github-output`` write: a finished report in the platform's format, or,
when the grader itself failed, the platform's way of saying so (no score:
Gradescope's output and ``extra_data.autograder_error``, PrairieLearn's
``gradable: false``, GitHub Classroom's status ``error``)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.report import github, gradescope, prairielearn
from grader.results import Report

FORMATS = ("gradescope", "prairielearn", "github")


def not_graded(cause: str) -> str:
    """What a platform's student reads when the grader itself failed."""
    cause = cause.strip().rstrip(".")
    return ("The autograder failed, so your files were not graded (this "
            f"is not a problem in your files): {cause}. Submit again later; "
            "if this message stays, tell your instructors.")


def write(args: argparse.Namespace, report: Report | None,
          notes: list[str], images: list[dict[str, str]],
          error: str | None = None) -> None:
    """Writes what ``--json`` (in ``--format``) and ``--github-output``
    ask for: the report, or, with ``error``, a message for the student."""
    if args.json:
        path = Path(args.json)
        if args.format == "prairielearn":
            data = (prairielearn.failure(error) if error else
                    prairielearn.results(report, images, notes))
        elif args.format == "github":
            data = (github.failure(error) if error else
                    github.results(report))
        else:
            data = (gradescope.failure(error, extra={
                "autograder_error": error}) if error else
                gradescope.results(report, args.visibility, notes))
        gradescope.write(data, path)
    if args.github_output is not None:
        target = args.github_output or os.environ.get("GITHUB_OUTPUT")
        github.append_output(github.failure(error) if error
                             else github.results(report), Path(target))
