"""One test per check and task; each asserts that check's verdict."""
from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from grader.judge.checks import checks_for
from grader.judge.file_rules import RULES
from grader.results import Report
from grader.tasks import TASKS


class GraderWarning(UserWarning):
    """A finding that costs no points (e.g. an edge case the course skips)."""


CASES = [(number, rule_id) for number in TASKS for rule_id, _, _ in RULES] + [
    (number, check.id) for number, task in TASKS.items()
    for check in checks_for(task.kind)]


@pytest.mark.parametrize(
    ("task", "check"), CASES,
    ids=[f"{TASKS[n].stem}::{c}" for n, c in CASES])
def test_check(graded: Report, task: int, check: str,
               record_property: Callable[[str, object], None]) -> None:
    """One check of one task: its verdict as a test outcome."""
    result = graded.find(task, check)
    if result is None:
        pytest.fail(f"the report has no check {check!r} for task {task}",
                    pytrace=False)
    record_property("points", result.points)
    record_property("max_points", result.max_points)
    if result.status == "skipped":
        pytest.skip(result.message)
    if result.status == "warning":
        warnings.warn(GraderWarning(result.message), stacklevel=1)
    if result.status == "error":  # the grader's own failure, not a fail
        raise RuntimeError(result.message)
    if result.status == "failed":
        pytest.fail(result.message, pytrace=False)
