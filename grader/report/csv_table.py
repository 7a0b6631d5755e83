"""The batch CSV: one row per student (``python -m grader batch``)."""
from __future__ import annotations

from grader.results import Report


def header(tasks: list[int]) -> list[str]:
    """The first row."""
    return ["student"] + [f"task{n}" for n in tasks] + ["total", "max",
                                                        "report"]


def row(student: str, report: Report, tasks: list[int],
        report_path: str) -> list[str]:
    """One student's row: points per task, total, maximum, report file."""
    scores = report.task_scores()
    return ([student] + [f"{scores[n][0]:g}" for n in tasks]
            + [f"{report.score:g}", f"{report.max_score:g}", report_path])
