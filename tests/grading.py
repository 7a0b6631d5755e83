"""Helpers for tests that run the grader (parent side: no TensorFlow)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.results import Report
from grader.runner import Options, grade
from grader.sandbox import Limits

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
KERAS_MAJOR = 2 if os.environ.get("TF_USE_LEGACY_KERAS") == "1" else 3
# One cache for the whole test session: the reference is measured once.
CACHE = Path(tempfile.gettempdir()) / f"ae-grader-test-cache-{os.getuid()}"


def run_grader(folder: Path, tasks: list[int], seconds: float = 120,
               memory_mb: int = 8192) -> Report:
    """Grades ``folder`` under the Keras version the test session uses."""
    options = Options(tasks=tasks, keras_major=KERAS_MAJOR,
                      limits=Limits(seconds, memory_mb), cache_dir=CACHE)
    return grade(folder, options)


def statuses(report: Report, task: int) -> dict[str, str]:
    return {r.check: r.status for r in report.results if r.task == task}


def failed(report: Report, task: int) -> set[str]:
    return {c for c, s in statuses(report, task).items() if s == "failed"}
