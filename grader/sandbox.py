"""Runs a worker on one task file, isolated, and returns what it measured.

The submission's top-level files are copied to a fresh temporary folder that
becomes the worker's working directory, home and temp folder. The worker
gets no stdin, a clean environment, a memory limit and a wall-clock limit
(its whole process group is killed when it overruns). Its stdout and stderr
go to files and only their tails are kept.
"""
from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import transport
from grader.tasks import Task

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_COPIED_FILE = 20 * 1024 * 1024
OUTPUT_TAIL = 4000
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "MNIST_PATH", "SYSTEMROOT")


@dataclass
class Limits:
    """How long and how much memory one worker may use."""

    seconds: float = 180.0
    memory_mb: int = 8192


@dataclass
class WorkerOutcome:
    """What came back from one worker run."""

    status: str  # "ok", "timeout", "crashed", "no-result"
    result: dict[str, Any] | None = None
    returncode: int | None = None
    seconds: float = 0.0
    output: str = ""
    notes: list[str] = field(default_factory=list)


def copy_submission(source: Path, target: Path) -> list[str]:
    """Copies the regular top-level files; returns what was skipped."""
    target.mkdir()
    skipped = []
    for entry in sorted(source.iterdir()) if source.is_dir() else []:
        if entry.is_symlink() or not entry.is_file():
            continue
        if entry.stat().st_size > MAX_COPIED_FILE:
            skipped.append(entry.name)
            continue
        shutil.copy2(entry, target / entry.name)
    return skipped


def tail(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return ("[...]\n" if size > OUTPUT_TAIL else "") + text


def _limit_memory(megabytes: int):
    def apply() -> None:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_worker(task: Task, submission: Path, keras_major: int,
               limits: Limits, mode: str = "grade") -> WorkerOutcome:
    """Measures ``task`` in ``submission`` in a sandboxed worker process."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ae-grader-") as tmp:
        tmp_path = Path(tmp)
        sandbox = tmp_path / "submission"
        copy_submission(submission, sandbox)
        (sandbox / ".tmp").mkdir()
        results = tmp_path / "results"
        results.mkdir()
        job = results / "job.json"
        result_file = results / "result.npz"
        job.write_text(json.dumps({"task": task.number, "mode": mode,
                                   "result": str(result_file)}))
        token = secrets.token_hex(16)
        env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
        env.update({
            "HOME": str(sandbox), "TMPDIR": str(sandbox / ".tmp"),
            "KERAS_HOME": str(sandbox / ".keras"),
            "PYTHONPATH": str(REPO_ROOT), "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
            "TF_CPP_MIN_LOG_LEVEL": "3", "GRADER_TOKEN": token,
            "TF_USE_LEGACY_KERAS": "1" if keras_major == 2 else "0",
        })
        log = results / "output.txt"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-P", "-m", "grader.worker", str(job)],
                cwd=sandbox, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_limit_memory(limits.memory_mb))
            try:
                process.wait(timeout=limits.seconds)
                status = None
            except subprocess.TimeoutExpired:
                status = "timeout"
            finally:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        outcome = WorkerOutcome(status="ok", returncode=process.returncode,
                                output=tail(log))
        if status == "timeout":
            outcome.status = "timeout"
        elif result_file.exists():
            try:
                result = transport.load(result_file)
            except Exception as exc:
                outcome.status = "no-result"
                outcome.notes.append(f"unreadable result: {exc}")
            else:
                if result.get("token") != token:
                    outcome.status = "no-result"
                    outcome.notes.append("result not written by the grader")
                else:
                    outcome.result = result
        else:
            outcome.status = "crashed" if process.returncode else "no-result"
        outcome.seconds = time.monotonic() - started
        return outcome
