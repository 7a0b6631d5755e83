"""What ``python -m grader --json PATH --format ...`` writes: a finished
report in the platform's format, or, when the grader itself failed, the
platform's way of saying so (no score: Gradescope's output and
``extra_data.autograder_error``, PrairieLearn's ``gradable: false``).

Each format is a module of :mod:`grader.report`, registered once in
:data:`FORMATS`; the CLI offers its names and reads everything else about
a format from its entry.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.report import gradescope, prairielearn
from grader.results import Report


@dataclass(frozen=True)
class Extras:
    """What the command line adds to a report: notes about the
    submission, pictures (where the format takes them), and the
    visibility of the model checks (where the format has one)."""

    notes: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    visibility: str = "visible"


@dataclass(frozen=True)
class Format:
    """One output format: a report's rendering, a failure's, and (if the
    format shows them) the pictures it takes from the measurements."""

    results: Callable[[Report, Extras], dict[str, Any]]
    failure: Callable[[str], dict[str, Any]]
    pictures: Callable[[Report], list[dict[str, str]]] | None = None


FORMATS: dict[str, Format] = {
    "gradescope": Format(
        results=lambda report, extras: gradescope.results(
            report, extras.visibility, extras.notes),
        failure=lambda error: gradescope.failure(
            error, extra={"autograder_error": error})),
    "prairielearn": Format(
        results=lambda report, extras: prairielearn.results(
            report, extras.images, extras.notes),
        failure=prairielearn.failure,
        pictures=prairielearn.reconstruction_images),
}


def not_graded(cause: str) -> str:
    """What a platform's student reads when the grader itself failed."""
    cause = cause.strip().rstrip(".")
    return ("The autograder failed, so your files were not graded (this "
            f"is not a problem in your files): {cause}. Submit again later; "
            "if this message stays, tell your instructors.")


def write(args: argparse.Namespace, report: Report | None,
          extras: Extras, error: str | None = None) -> None:
    """Writes what ``--json`` (in ``--format``) asks for: the report, or,
    with ``error`` (or without a report), a message for the student."""
    if args.json:
        chosen = FORMATS[args.format]
        if error or report is None:
            data = chosen.failure(error or "no report was made")
        else:
            data = chosen.results(report, extras)
        gradescope.write(data, Path(args.json))
