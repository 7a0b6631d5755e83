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
