"""``python -m grader classroom --out DIR``: the GitHub Classroom workflow.

``DIR/.github/workflows/classroom.yml`` (commit it to the assignment's
template repository) checks out the submission and the grader, installs
the pinned requirements on Python 3.11, grades the repository and hands
the per-check points to GitHub Classroom's grading reporter through
``$GITHUB_OUTPUT`` (:mod:`grader.report.github`).
"""
from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from grader.options import Limits, Options, grading_argv
from grader.report import github

TEMPLATE = Path(__file__).resolve().parent / "templates" / "classroom.yml"
WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
INSTALL_MINUTES = 8  # pip install of TensorFlow without a warm pip cache
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Settings:
    """Which grader, and what it grades with (``options``, passed whole to
    the grader as its flags)."""

    grader_repo: str
    grader_ref: str = "main"
    options: Options = field(default_factory=lambda: Options(
        limits=Limits(seconds=300)))

    def job_minutes(self) -> int:
        """The job's limit: the install, and every task file (``workers``
        at a time, the reference too, under both Keras versions with
        ``--keras best``) running to its limit."""
        jobs = (4 if self.options.other_keras == "best" else 2) * len(
            self.options.tasks)
        grading = (math.ceil(jobs / max(1, self.options.workers))
                   * self.options.limits.seconds)
        return INSTALL_MINUTES + math.ceil(grading / 60) + 2


def render(settings: Settings) -> str:
    """The workflow file's text."""
    if not REPO_PATTERN.match(settings.grader_repo):
        raise ValueError(f"--grader-repo must be OWNER/NAME, not "
                         f"{settings.grader_repo!r}")
    if not re.match(r"^[A-Za-z0-9_./-]+$", settings.grader_ref):
        raise ValueError(f"unusable --grader-ref {settings.grader_ref!r}")
    values = {"GRADER_REPO": settings.grader_repo,
              "GRADER_REF": settings.grader_ref,
              "GRADING_ARGS": shlex.join(grading_argv(settings.options)),
              "JOB_MINUTES": str(settings.job_minutes()),
              "FALLBACK_LINE": github.output_line(github.failure(
                  "The grader could not run: see the log of the Grade "
                  "step.")).strip()}
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def write_workflow(out: Path, settings: Settings) -> Path:
    """Writes ``out/.github/workflows/classroom.yml``; returns its path."""
    path = out / WORKFLOW
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings))
    return path
