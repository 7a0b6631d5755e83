"""The benchmark scripts start (their --help), so a refactoring that breaks
one is seen here rather than when the figures are next needed."""
from __future__ import annotations

import subprocess
import sys

import pytest

from grader.paths import REPO_ROOT

SCRIPTS = sorted((REPO_ROOT / "bench").glob("*.py"))


def test_there_are_benchmarks():
    assert {p.name for p in SCRIPTS} >= {"grade_time.py", "batch_time.py",
                                         "peak_memory.py",
                                         "corpus_reports.py",
                                         "profile_grade.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_benchmark_script_starts(script):
    done = subprocess.run([sys.executable, str(script), "--help"],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()


def test_the_profile_wraps_functions_the_worker_has():
    # profile_grade times the worker's stages by replacing its measuring
    # functions; one renamed or moved must fail here, not in a profile.
    code = ("import sys; sys.path.insert(0, 'bench'); import profile_grade "
            "as p; p.instrument(p.Stages())")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
