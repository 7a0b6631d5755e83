"""Helpers for tests that run the grader (parent side: no TensorFlow)."""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from grader.results import Report
from grader.options import Options
from grader.pipeline import grade
from grader.options import Limits

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
KERAS_MAJOR = 2 if os.environ.get("TF_USE_LEGACY_KERAS") == "1" else 3
# One cache for the whole test session: the reference is measured once.
CACHE = Path(tempfile.gettempdir()) / f"ae-grader-test-cache-{os.getuid()}"


def run_grader(folder: Path, tasks: list[int], seconds: float = 120,
               memory_mb: int = 8192, fresh: bool = False) -> Report:
    """Grades ``folder`` under the Keras version the test session uses.

    A folder graded with the same settings before in this session is not
    graded again (its report is shared), unless ``fresh``.
    """
    if fresh:
        return _grade(folder, tuple(tasks), seconds, memory_mb)
    return _graded(Path(folder).resolve(), tuple(tasks), seconds, memory_mb)


def _grade(folder: Path, tasks: tuple[int, ...], seconds: float,
           memory_mb: int) -> Report:
    options = Options(tasks=list(tasks), keras_major=KERAS_MAJOR,
                      limits=Limits(seconds, memory_mb), cache_dir=CACHE)
    return grade(folder, options)


_graded = functools.lru_cache(maxsize=None)(_grade)


def statuses(report: Report, task: int) -> dict[str, str]:
    return {r.check: r.status for r in report.results if r.task == task}


def failed(report: Report, task: int) -> set[str]:
    return {c for c, s in statuses(report, task).items() if s == "failed"}
