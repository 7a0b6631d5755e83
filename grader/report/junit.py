"""``python -m grader --junitxml PATH``: the report through pytest's own
JUnit writer (the report is handed to the plugin, not graded again)."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.results import Report

GRADER_DIR = Path(__file__).resolve().parent.parent


class _ProvideReport:
    def __init__(self, report: Report):
        self.report = report

    def pytest_configure(self, config: pytest.Config) -> None:
        """Hands the report to the plugin's fixture."""
        from grader.pytest_plugin import REPORT_KEY
        config.stash[REPORT_KEY] = self.report


def write_junit(report: Report, path: Path) -> None:
    """Writes ``report`` as JUnit XML to ``path``."""
    tasks = ",".join(str(t) for t in sorted(report.task_scores()))
    pytest.main([str(GRADER_DIR / "test_submission.py"),
                 "-p", "no:cacheprovider", "-p", "no:terminal",
                 f"--tasks={tasks}", f"--junitxml={path}",
                 f"--rootdir={GRADER_DIR.parent}"],
                plugins=[_ProvideReport(report)])
