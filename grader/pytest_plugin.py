"""pytest plugin: ``pytest grader --submission DIR [--tasks 0,3] [--keras 2]``.

Every check is an ordinary test (``-k``, ``-x``, ``--junitxml`` work), and
every grading option of ``python -m grader`` is here too (``--timeout`` is
``--grader-timeout``: pytest-timeout owns the other). The submission is
graded once per session by :func:`grader.pipeline.grade`, as the CLI does,
so both give the same verdicts; ``--tasks`` deselects the other tasks'
tests. When the grader itself fails (its sandbox, the reference, its own
code), the session stops with exit code 3 and the cause in words, as the
CLI does: no check is reported as the student's failure.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.failures import GraderFailure
from grader.options import GRADING_FLAGS, options_from
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.results import Report

REPORT_KEY = pytest.StashKey[Report]()
RENAMED = {"--timeout": "--grader-timeout"}


def dest(flag: str) -> str:
    """The plugin's own name for a grading option (never a clash)."""
    return "grader_" + flag.lstrip("-").replace("-", "_")


def pytest_addoption(parser: pytest.Parser) -> None:
    """The grading options, and the submission folder."""
    group = parser.getgroup("grader", "autoencoders grader")
    group.addoption("--submission", default=str(REPO_ROOT),
                    help="folder with the task files (default: the "
                         "reference solutions)")
    for flags, settings in GRADING_FLAGS:
        group.addoption(*(RENAMED.get(f, f) for f in flags),
                        dest=dest(flags[0]), **settings)


def grading_values(config: pytest.Config) -> dict:
    """The grading options as :func:`grader.options.options_from` reads
    them (argparse's names)."""
    return {flags[0].lstrip("-").replace("-", "_"):
            config.getoption(dest(flags[0])) for flags, _ in GRADING_FLAGS}


def pytest_collection_modifyitems(config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Deselects the tests of the tasks that ``--tasks`` leaves out."""
    try:
        options = options_from(grading_values(config))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    chosen = set(options.tasks_for(Path(config.getoption("--submission"))))
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        spec = getattr(item, "callspec", None)
        task = spec.params.get("task") if spec else None
        (dropped if task is not None and task not in chosen
         else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def graded(request: pytest.FixtureRequest) -> Report:
    """The graded submission (handed over by the CLI, or graded here once)."""
    config = request.config
    if REPORT_KEY in config.stash:
        return config.stash[REPORT_KEY]
    try:
        options = options_from(grading_values(config))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        report = grade(Path(config.getoption("--submission")), options)
    except GraderFailure as error:
        pytest.exit(f"grader error: {error}", returncode=3)
    except Exception as error:  # the grader's own bug: not the student's
        pytest.exit(f"grader error: {type(error).__name__}: {error}",
                    returncode=3)
    config.stash[REPORT_KEY] = report
    return report
