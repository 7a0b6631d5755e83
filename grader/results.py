"""Check results, per-task and whole reports, and their renderings."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYMBOL = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP",
          "warning": "WARN"}


@dataclass
class CheckResult:
    """One check of one task."""

    task: int
    check: str
    title: str
    max_points: float
    status: str
    message: str = ""

    @property
    def points(self) -> float:
        return self.max_points if self.status in ("passed", "warning") else 0.0

    @property
    def name(self) -> str:
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

    @property
    def score(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_points for r in self.results)

    @property
    def all_passed(self) -> bool:
        return all(r.status in ("passed", "warning") for r in self.results)

    def task_scores(self) -> dict[int, tuple[float, float]]:
        scores: dict[int, tuple[float, float]] = {}
        for r in self.results:
            got, total = scores.get(r.task, (0.0, 0.0))
            scores[r.task] = (got + r.points, total + r.max_points)
        return scores

    def find(self, task: int, check: str) -> CheckResult | None:
        return next((r for r in self.results
                     if r.task == task and r.check == check), None)

    def text(self, task_files: dict[int, str]) -> str:
        """The per-task report printed by ``python -m grader``."""
        lines = [f"Grading {self.submission}"]
        scores = self.task_scores()
        for task in sorted(scores):
            got, total = scores[task]
            lines.append(f"\n{task_files[task]}  {got:g}/{total:g}")
            for note in self.extra.get("task_notes", {}).get(str(task), []):
                lines.append(f"  note: {note}")
            for r in (r for r in self.results if r.task == task):
                points = f"{r.points:g}/{r.max_points:g}"
                lines.append(f"  {SYMBOL[r.status]}  {r.title:<52} {points}")
                if r.status != "passed" or r.message.startswith("note"):
                    for line in r.message.splitlines()[:6]:
                        if line:
                            lines.append(f"        {line}")
        versions = ", ".join(f"{k} {v}" for k, v in self.versions.items())
        lines.append(f"\nScore: {self.score:g}/{self.max_score:g}"
                     f" ({100 * self.score / max(self.max_score, 1):.0f}%)"
                     f"  [{versions}; {self.seconds:.1f} s]")
        return "\n".join(lines)

    def gradescope(self) -> dict[str, Any]:
        """Gradescope's results.json schema."""
        return {
            "score": self.score,
            "execution_time": round(self.seconds, 2),
            "output": self.summary(),
            "tests": [{
                "name": f"Task {r.task}: {r.title}",
                "score": r.points,
                "max_score": r.max_points,
                "status": "passed" if r.status in ("passed", "warning")
                else "failed",
                "output": r.message,
                "visibility": "visible",
            } for r in self.results],
            "extra_data": self.extra,
        }

    def summary(self) -> str:
        """The versions graded with, in words, and the notes per task."""
        versions = ", ".join(f"{k} {v}" for k, v in self.versions.items())
        lines = [f"Graded with {versions}"]
        for task, notes in sorted(self.extra.get("task_notes", {}).items()):
            lines += [f"task {task}: {note}" for note in notes]
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.gradescope(), indent=2) + "\n")
