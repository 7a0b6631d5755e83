"""Check results and per-task and whole reports: plain data. The
renderings (text, Gradescope, PrairieLearn, ...) are modules of
:mod:`grader.report`, which this module never imports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# A check's status: "error" is the grader's own failure (exit code 3),
# never the student's.
Status = Literal["passed", "failed", "warning", "skipped", "error"]
STATUSES: tuple[Status, ...] = get_args(Status)
# The statuses that earn a check's points (a warning loses none).
PASSING: frozenset[Status] = frozenset({"passed", "warning"})

SYMBOL: dict[Status, str] = {"passed": "PASS", "failed": "FAIL",
                             "skipped": "SKIP", "warning": "WARN",
                             "error": "ERR!"}


def passing(status: str) -> bool:
    """Whether a check with ``status`` earns its points."""
    return status in PASSING


@dataclass
class CheckResult:
    """One check of one task."""

    task: int
    check: str
    title: str
    max_points: float
    status: Status
    message: str = ""

    @property
    def points(self) -> float:
        """The points this check earned."""
        return self.max_points if passing(self.status) else 0.0

    @property
    def name(self) -> str:
        """'task::check', the check's test name."""
        return f"{self.task}::{self.check}"


@dataclass
class Report:
    """A graded submission."""

    submission: str
    results: list[CheckResult] = field(default_factory=list)
    versions: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    # Facts about the grading itself (isolation level, integrity findings,
    # cross-version scores, ...): JSON-able, shown to instructors as
    # Gradescope's extra_data and in the batch CSV.
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # one line each, shown
    # Each task's measurements (student's or None, reference's) behind its
    # verdicts: what the comparison page and PrairieLearn's images show.
    # In memory only, never written out.
    measurements: dict[int, tuple[dict | None, dict]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def score(self) -> float:
        """Points earned in all."""
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> float:
        """Points possible in all."""
        return sum(r.max_points for r in self.results)

    @property
    def all_passed(self) -> bool:
        """Whether every check passed (or only warned)."""
        return all(passing(r.status) for r in self.results)

    @property
    def grader_errors(self) -> list[CheckResult]:
        """Checks on which the grader itself failed (exit code 3)."""
        return [r for r in self.results if r.status == "error"]

    def task_scores(self) -> dict[int, tuple[float, float]]:
        """(earned, possible) per task."""
        scores: dict[int, tuple[float, float]] = {}
        for r in self.results:
            got, total = scores.get(r.task, (0.0, 0.0))
            scores[r.task] = (got + r.points, total + r.max_points)
        return scores

    def find(self, task: int, check: str) -> CheckResult | None:
        """The result of one check of one task, or None."""
        return next((r for r in self.results
                     if r.task == task and r.check == check), None)
