"""pytest plugin: ``pytest grader --submission DIR [--tasks 0,3] [--keras 2]``.

Every check is an ordinary test (``-k``, ``-x``, ``--junitxml`` work); the
submission is graded once per session, by the same code as
``python -m grader``, so both give the same verdicts.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.results import Report
from grader.runner import Options, grade
from grader.sandbox import REPO_ROOT, Limits
from grader.tasks import parse_tasks

REPORT_KEY = pytest.StashKey[Report]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "autoencoders grader")
    group.addoption("--submission", default=str(REPO_ROOT),
                    help="folder with the task files (default: the "
                         "reference solutions)")
    group.addoption("--tasks", default=None, help="grade only these tasks, "
                                                  "e.g. 0,3")
    group.addoption("--keras", default="3", choices=("2", "3", "best"),
                    help="Keras major version for the submission (best: "
                         "both, the better score per task)")
    group.addoption("--grader-timeout", type=float, default=180.0,
                    help="wall-clock limit per task file, in seconds")


@pytest.fixture(scope="session")
def graded(request: pytest.FixtureRequest) -> Report:
    """The graded submission (given by the CLI, or graded here once)."""
    config = request.config
    if REPORT_KEY in config.stash:
        return config.stash[REPORT_KEY]
    keras = config.getoption("--keras")
    options = Options(tasks=parse_tasks(config.getoption("--tasks")),
                      keras_major=3 if keras == "best" else int(keras),
                      other_keras="best" if keras == "best" else "info",
                      limits=Limits(seconds=config.getoption(
                          "--grader-timeout")))
    report = grade(Path(config.getoption("--submission")), options)
    config.stash[REPORT_KEY] = report
    return report
