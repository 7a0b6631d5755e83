"""Before any student code runs: what the sandbox refuses or fails on is
said in words, and a failure of the grader's side is never the student's.

No TensorFlow runs here: the size limits are decided before anything is
copied, and a sandbox that cannot start never reaches a worker.
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.failures import GraderFailure, SandboxFailed
from grader.judge.engine import grader_failure
from grader.judge.stopped import worker_problem
from grader.options import Limits
from grader.paths import REPO_ROOT
from grader.run import bwrap, isolation
from grader.run.isolation import Isolation, SandboxUnavailable
from grader.run.sandbox import run_tasks
from grader.tasks import TASKS

TASK0 = TASKS[0]


def sized(path: Path, megabytes: float) -> Path:
    """A sparse file of that size: the limits read sizes, not blocks."""
    with open(path, "wb") as handle:
        handle.truncate(int(megabytes * 1024 * 1024))
    return path


def refused(folder: Path, limits: Limits) -> str:
    """Grades task 0 of ``folder`` at the strongest level; returns the
    sentence of its refusal (the sandbox must not have started)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcomes = run_tasks(folder, [TASK0], 3, limits,
                             Isolation("bwrap", privileged=True), pool)
    outcome = outcomes[0]
    assert outcome.status == "too-large", outcome
    return worker_problem(TASK0, outcome, limits)


def test_an_oversized_task_file_is_refused_with_its_size(tmp_path):
    sized(tmp_path / "0-vanilla.py", 31)
    message = refused(tmp_path, Limits())
    assert "0-vanilla.py is 31.0 MB" in message
    assert "at most 16 MB" in message
    assert "FileNotFoundError" not in message


def test_a_folder_over_the_disk_limit_names_its_largest_files(tmp_path):
    shutil.copy(REPO_ROOT / "0-vanilla.py", tmp_path)
    sized(tmp_path / "weights.npz", 15)
    sized(tmp_path / "data.npz", 14)
    sized(tmp_path / "notes.txt", 5)
    message = refused(tmp_path, Limits())
    assert "34.0 MB" in message and "32 MB" in message
    assert message.index("weights.npz (15.0 MB)") < message.index(
        "data.npz (14.0 MB)")


def test_files_within_the_limits_are_not_refused(tmp_path):
    shutil.copy(REPO_ROOT / "0-vanilla.py", tmp_path)
    sized(tmp_path / "data.npz", 10)
    from grader.run.tree import size_problem
    assert size_problem(tmp_path, "0-vanilla.py", 16, 32) is None


@pytest.mark.parametrize("fork", [True, False])
def test_a_sandbox_that_cannot_start_is_the_graders_failure(tmp_path,
                                                            monkeypatch,
                                                            fork):
    # bubblewrap vanished after detection: no job can start, whether the
    # session would be forked from a (new) zygote or be a sandbox of its
    # own. (The note makes a level no zygote of this process serves yet.)
    shutil.copy(REPO_ROOT / "0-vanilla.py", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    isolation = Isolation("bwrap", privileged=True, note=str(tmp_path))
    with pytest.raises(SandboxFailed) as caught:
        with ThreadPoolExecutor(max_workers=1) as pool:
            run_tasks(tmp_path, [TASK0], 3, Limits(), isolation, pool,
                      fork=fork)
    assert isinstance(caught.value, GraderFailure)
    assert "did not start" in str(caught.value)
    assert "bwrap" in str(caught.value)


def test_a_sandbox_failure_reads_as_the_machines_problem():
    message = grader_failure("measuring 0-vanilla.py", {
        "type": "SandboxFailed",
        "message": "bubblewrap said: Creating new namespace failed"})
    assert "Creating new namespace failed" in message
    assert "not of your file" in message and "no points" in message
    assert "doctor" in message


def test_root_never_falls_back_to_no_sandbox(monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("root's fallback")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(isolation, "python_readable", lambda: False)
    isolation.detect.cache_clear()
    bwrap.bwrap_problem.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable) as caught:
            isolation.detect("auto")
        assert "bwrap is not on PATH" in str(caught.value)
        assert "--sandbox none" in str(caught.value)
    finally:
        monkeypatch.undo()
        isolation.detect.cache_clear()
        bwrap.bwrap_problem.cache_clear()


def test_an_unreadable_data_file_is_the_graders_failure(tmp_path,
                                                        monkeypatch):
    # MNIST_PATH set but broken: never a silent switch to other images
    # (the cached reference was measured on MNIST).
    from grader.options import Options
    from grader.pipeline import grade
    from grader.run.data_file import DataUnavailable

    broken = tmp_path / "mnist.npz"
    broken.write_bytes(b"not a zip")
    monkeypatch.setenv("MNIST_PATH", str(broken))
    with pytest.raises(DataUnavailable) as caught:
        grade(REPO_ROOT, Options(tasks=(0,)))
    assert isinstance(caught.value, GraderFailure)
    assert f"MNIST_PATH={broken} cannot be read" in str(caught.value)
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "missing.npz"))
    with pytest.raises(DataUnavailable):
        grade(REPO_ROOT, Options(tasks=(0,)))
