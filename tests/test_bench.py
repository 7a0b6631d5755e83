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


def test_grade_time_counts_the_cpu_of_the_whole_process_tree():
    # The bounds grade_time prints rest on the CPU-seconds it samples from
    # a command's process tree: a child's CPU must count, not only the
    # command's own. The child burns 0.6 CPU-s; sampling every 0.05 s may
    # miss each process's last 0.05 s, hence at least 0.45.
    burn = ("import time; end = time.process_time() + 0.6\n"
            "while time.process_time() < end: pass")
    parent = ("import subprocess, sys; "
              f"subprocess.run([sys.executable, '-c', {burn!r}], check=True)")
    code = ("import sys; sys.path.insert(0, 'bench'); import grade_time; "
            f"print(grade_time.sampled([sys.executable, '-c', {parent!r}], "
            "{}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    wall, cpu = (float(v) for v in done.stdout.strip("()\n").split(","))
    assert cpu >= 0.45, (wall, cpu)
    assert wall >= 0.6, (wall, cpu)
