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
import threading
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


class ServerGone(RuntimeError):
    """The fork server is not running; start workers as processes."""


class ForkServer:
    """A client of :mod:`grader.forkserver` (one per Keras version).

    Starting a worker by fork from a process that has already imported
    TensorFlow saves its import (about 2 s on 2 cores) for every task file.
    """

    def __init__(self, keras_major: int):
        self.keras_major = keras_major
        self.home = Path(tempfile.mkdtemp(prefix="ae-grader-server-"))
        env = base_env(keras_major)
        env.update({"HOME": str(self.home), "TMPDIR": str(self.home),
                    "KERAS_HOME": str(self.home / ".keras")})
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "grader.forkserver"],
            cwd=self.home, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        self.lock = threading.Lock()
        self.jobs: dict[int, dict[str, Any]] = {}
        self.next_id = 0
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            message = json.loads(line)
            if message.get("ready"):
                self.ready.set()
                continue
            job = self.jobs.get(message["id"])
            if job is None:
                continue
            if "pid" in message:
                job["pid"] = message["pid"]
                job["started"].set()
            if "exit" in message:
                job["exit"] = message["exit"]
                job["done"].set()
        self.ready.set()
        for job in list(self.jobs.values()):  # the server died
            job["done"].set()

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job_file: Path, cwd: Path, env: dict[str, str],
            log: Path, limits: Limits) -> tuple[str | None, int | None]:
        """Runs one worker; returns ("timeout" or None, exit code)."""
        if not self.ready.wait(120) or not self.alive():
            raise ServerGone("the fork server did not start")
        with self.lock:
            self.next_id += 1
            job_id = self.next_id
            record = {"started": threading.Event(),
                      "done": threading.Event()}
            self.jobs[job_id] = record
            try:
                self.process.stdin.write(json.dumps({
                    "id": job_id, "job": str(job_file), "cwd": str(cwd),
                    "env": env, "log": str(log),
                    "memory_mb": limits.memory_mb}) + "\n")
                self.process.stdin.flush()
            except OSError as error:
                raise ServerGone(str(error)) from error
        finished = record["done"].wait(limits.seconds)
        status = None
        if not finished:
            status = "timeout"
            if record["started"].wait(5):
                try:
                    os.killpg(record["pid"], signal.SIGKILL)
                except ProcessLookupError:
                    pass
            record["done"].wait(10)
        if "exit" not in record and status is None:
            raise ServerGone("the fork server died")
        self.jobs.pop(job_id, None)
        return status, record.get("exit")

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def base_env(keras_major: int) -> dict[str, str]:
    """The environment every worker starts from."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update({
        "PYTHONPATH": str(REPO_ROOT), "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_USE_LEGACY_KERAS": "1" if keras_major == 2 else "0",
    })
    return env


def _spawn(job: Path, sandbox: Path, env: dict[str, str], log: Path,
           limits: Limits) -> tuple[str | None, int | None]:
    """Runs one worker as a new Python process."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "grader.worker", str(job)],
            cwd=sandbox, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_limit_memory(limits.memory_mb))
        status = None
        try:
            process.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    return status, process.returncode


def run_worker(task: Task, submission: Path, keras_major: int,
               limits: Limits, mode: str = "grade",
               server: ForkServer | None = None) -> WorkerOutcome:
    """Measures ``task`` in ``submission`` in a sandboxed worker.

    The worker is forked from ``server`` when one is given and running,
    else started as a new process; both run the same code.
    """
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
        env = base_env(keras_major)
        env.update({"HOME": str(sandbox), "TMPDIR": str(sandbox / ".tmp"),
                    "KERAS_HOME": str(sandbox / ".keras"),
                    "GRADER_TOKEN": token})
        log = results / "output.txt"
        if server is not None and server.alive():
            try:
                status, returncode = server.run(job, sandbox, env, log,
                                                limits)
            except ServerGone:
                status, returncode = _spawn(job, sandbox, env, log, limits)
        else:
            status, returncode = _spawn(job, sandbox, env, log, limits)
        outcome = WorkerOutcome(status="ok", returncode=returncode,
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
            outcome.status = "crashed" if returncode else "no-result"
        outcome.seconds = time.monotonic() - started
        return outcome
