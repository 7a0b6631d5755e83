"""Runs workers on task files inside an OS sandbox; returns what they measured.

A :class:`Session` is one sandbox (see :mod:`grader.run.isolation` for the
levels) holding one fork server (:mod:`grader.run.forkserver`), for the task
files of one folder: the reference and every student folder get sessions
of their own, so they never share a PID namespace, a uid or a writable
folder. Each task file is copied before the session starts; its worker
writes its result and its output into pipes the session reads: the output
is kept as a bounded tail in memory and a worker that floods it is
stopped. Time, CPU, memory, file size, disk and process limits apply to
every worker; when one ends, whatever it started is killed.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Executor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader import transport
from grader.run.isolation import (Isolation, UidLease, drop_to, python_paths,
                                  system_binds)
from grader.options import Limits
from grader.paths import GRADER_DIR, REPO_ROOT
from grader.run.outcome import WorkerOutcome
from grader.tasks import Task

MAX_COPIED_FILE = 20 * 1024 * 1024
MAX_RESULT = 64 * 1024 * 1024
OUTPUT_TAIL = 4000
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "MNIST_PATH", "SYSTEMROOT")
SANDBOX_ROOT = "/ae"  # inside bubblewrap: src/, work/, lib/grader
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")


def copy_submission(source: Path, target: Path) -> list[str]:
    """Copies the regular top-level files; returns what was skipped."""
    target.mkdir(parents=True)
    skipped = []
    for entry in sorted(source.iterdir()) if source.is_dir() else []:
        if entry.is_symlink() or not entry.is_file():
            continue
        if entry.stat().st_size > MAX_COPIED_FILE:
            skipped.append(entry.name)
            continue
        shutil.copyfile(entry, target / entry.name)
        os.chmod(target / entry.name, 0o644)
    (target / ".tmp").mkdir()
    return skipped


def base_env(keras_major: int, pythonpath: str) -> dict[str, str]:
    """The environment every worker starts from."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update({
        "PYTHONPATH": pythonpath, "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_USE_LEGACY_KERAS": "1" if keras_major == 2 else "0",
    })
    return env


class Reader(threading.Thread):
    """Drains one pipe: keeps a bounded tail (output) or everything up to
    a bound (the result), and notes when the bound is passed."""

    def __init__(self, fd: int, bound: int, keep_all: bool):
        super().__init__(daemon=True)
        self.fd, self.bound, self.keep_all = fd, bound, keep_all
        self.data = bytearray()
        self.total = 0
        self.over = threading.Event()

    def run(self) -> None:
        with open(self.fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                self.total += len(chunk)
                if self.total > self.bound:
                    self.over.set()
                if self.keep_all and not self.over.is_set():
                    self.data += chunk
                elif not self.keep_all:
                    self.data = (self.data + chunk)[-OUTPUT_TAIL:]


class ServerGone(RuntimeError):
    """The session's fork server is not running."""


class Session:
    """One sandbox with one fork server, for the given task files."""

    def __init__(self, folder: Path, tasks: list[Task], keras_major: int,
                 limits: Limits, isolation: Isolation, pictures: bool = False,
                 guard: bool = True):
        self.tasks = {t.number: t for t in tasks}
        self.limits, self.isolation = limits, isolation
        self.pictures = pictures
        self.guard = guard
        # bubblewrap: one unprivileged uid for the sandbox; uid level: one
        # per worker, so that sweeping one worker's processes spares the
        # others and no worker can reach another's folder.
        self.leases: dict[int, UidLease] = {}
        if isolation.as_uid:
            shared = UidLease() if isolation.level == "bwrap" else None
            for task in tasks:
                self.leases[task.number] = shared or UidLease()
        self.uid = next(iter(self.leases.values())).uid \
            if self.leases and isolation.level == "bwrap" else None
        self.home = Path(tempfile.mkdtemp(prefix="ae-grader-"))
        self.pipes: dict[int, tuple[int, int, int, int]] = {}
        self.owned: set[int] = set()  # tasks whose pipes readers own
        self.jobs: dict[int, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.dead = False
        self.network_isolated = isolation.level == "bwrap"
        for task in tasks:
            copy_submission(folder, self.home / "src" / task.stem)
        self._prepare_tree()
        for task in tasks:
            result_r, result_w = os.pipe()
            output_r, output_w = os.pipe()
            self.pipes[task.number] = (result_r, result_w, output_r,
                                       output_w)
        self._start(keras_major)

    # ------------------------------------------------------------ start
    def _prepare_tree(self) -> None:
        """Ownership and modes: only this session's uid may use its tree."""
        if self.isolation.level != "bwrap":  # folders on the host
            os.chmod(self.home, 0o711)
            (self.home / "work").mkdir(mode=0o711)
            for task in self.tasks.values():
                work = self.work_dir(task)
                shutil.copytree(self.home / "src" / task.stem, work)
                uid = self.uid_of(task)
                if uid is not None:
                    for path in [work, *work.rglob("*")]:
                        os.chown(path, uid, uid)
                    os.chmod(work, 0o700)
        elif self.uid is not None:  # bubblewrap as an unprivileged uid
            for path in [self.home, *self.home.rglob("*")]:
                os.chown(path, self.uid, self.uid)

    def uid_of(self, task: Task) -> int | None:
        lease = self.leases.get(task.number)
        return lease.uid if lease else None

    def work_dir(self, task: Task) -> Path:
        """The task's writable folder as the parent sees it (uid, none)."""
        return self.home / "work" / task.stem

    def _argv(self, fds: list[int]) -> list[str]:
        server = [sys.executable, "-P", "-m", "grader.run.forkserver",
                  self.isolation.level, ",".join(str(f) for f in fds)]
        if self.isolation.level != "bwrap":
            return server
        argv = ["bwrap", "--unshare-all", "--unshare-user",
                "--disable-userns", "--die-with-parent", "--new-session",
                "--uid", "65534", "--gid", "65534",
                "--hostname", "ae-grader"] + system_binds()
        for path in python_paths():
            argv += ["--ro-bind", path, path]
        argv += ["--ro-bind", str(GRADER_DIR), f"{SANDBOX_ROOT}/lib/grader",
                 "--ro-bind", str(self.home / "src"), f"{SANDBOX_ROOT}/src",
                 "--size", str(self.limits.disk_mb * 1024 * 1024),
                 "--tmpfs", f"{SANDBOX_ROOT}/work",
                 "--size", str(16 * 1024 * 1024), "--tmpfs", "/tmp",
                 "--proc", "/proc", "--dev", "/dev",
                 "--chdir", f"{SANDBOX_ROOT}/work"]
        return argv + server

    def _start(self, keras_major: int) -> None:
        bwrap = self.isolation.level == "bwrap"
        pythonpath = f"{SANDBOX_ROOT}/lib" if bwrap else str(REPO_ROOT)
        self.env = base_env(keras_major, pythonpath)
        server_env = dict(self.env, HOME=str(self.home),
                          TMPDIR=str(self.home))
        if bwrap:
            server_env.update(HOME=f"{SANDBOX_ROOT}/work",
                              TMPDIR=f"{SANDBOX_ROOT}/work")
        mnist_fd = None
        if os.environ.get("MNIST_PATH") and os.path.isfile(
                os.environ["MNIST_PATH"]):
            mnist_fd = os.open(os.environ["MNIST_PATH"], os.O_RDONLY)
            server_env["MNIST_FD"] = str(mnist_fd)
        fds = [fd for r_r, r_w, o_r, o_w in self.pipes.values()
               for fd in (r_w, o_w)]
        self.process = subprocess.Popen(
            self._argv(fds), cwd=self.home, env=server_env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True,
            pass_fds=fds + ([mnist_fd] if mnist_fd is not None else []),
            preexec_fn=drop_to(self.uid) if bwrap and self.uid else None)
        for fd in fds + ([mnist_fd] if mnist_fd is not None else []):
            os.close(fd)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("ready"):
                self.network_isolated = message.get(
                    "network", self.network_isolated)
                self.ready.set()
                continue
            job = self.jobs.get(message.get("id"))
            if job is None:
                continue
            if "pid" in message:
                job["started"].set()
            if "exit" in message:
                job["exit"] = message["exit"]
                job["left"] = message.get("left", 0)
                job["done"].set()
        self.dead = True
        self.ready.set()
        for job in list(self.jobs.values()):
            job["done"].set()

    # -------------------------------------------------------------- run
    def _job(self, task: Task, token: str) -> dict[str, Any]:
        bwrap = self.isolation.level == "bwrap"
        if bwrap:
            cwd = f"{SANDBOX_ROOT}/work/{task.stem}"
            src = f"{SANDBOX_ROOT}/src/{task.stem}"
        else:
            cwd, src = str(self.work_dir(task)), None
        env = dict(self.env, HOME=cwd, TMPDIR=f"{cwd}/.tmp",
                   KERAS_HOME=f"{cwd}/.keras", MPLCONFIGDIR=f"{cwd}/.tmp")
        _, result_w, _, output_w = self.pipes[task.number]
        limits = asdict(self.limits)
        limits["cpu_seconds"] = self.limits.cpu_seconds
        return {"id": task.number, "task": task.number, "pictures": self.pictures,
                "cwd": cwd, "src": src, "env": env, "token": token,
                "result_fd": result_w, "output_fd": output_w,
                "limits": limits, "uid": self.uid_of(task),
                "guard": self.guard}

    def run(self, task: Task) -> WorkerOutcome:
        """Measures ``task`` in this session; raises ServerGone if the
        server died before the job could start."""
        started = time.monotonic()
        if not self.ready.wait(120) or self.dead:
            raise ServerGone("the sandbox did not start")
        token = secrets.token_hex(16)
        result_r, _, output_r, _ = self.pipes[task.number]
        result = Reader(result_r, MAX_RESULT, keep_all=True)
        output = Reader(output_r, self.limits.output_kb * 1024,
                        keep_all=False)
        self.owned.add(task.number)  # the readers close these pipes
        result.start()
        output.start()
        record = {"started": threading.Event(), "done": threading.Event()}
        self.jobs[task.number] = record
        with self.lock:
            try:
                self.process.stdin.write(json.dumps(
                    self._job(task, token)) + "\n")
                self.process.stdin.flush()
            except OSError as error:
                raise ServerGone(str(error)) from error
        status = self._wait(task, record, output)
        result.join(5)
        output.join(2)
        outcome = WorkerOutcome(status=status or "ok",
                                returncode=record.get("exit"),
                                output=bytes(output.data).decode(
                                    "utf-8", "replace"))
        if outcome.status == "ok" and "exit" not in record:
            if not record["started"].is_set():
                raise ServerGone("the sandbox died")
            outcome.status = "sandbox"
        if outcome.status == "ok":
            self._take_result(outcome, result, token)
        outcome.left_processes = record.get("left", 0)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _wait(self, task: Task, record: dict, output: Reader) -> str | None:
        """Waits for the job's end; stops it at a limit (returns which)."""
        deadline = time.monotonic() + self.limits.seconds
        status = None
        while not record["done"].wait(0.01):
            if time.monotonic() > deadline:
                status = "timeout"
            elif output.over.is_set():
                status = "output"
            elif self.isolation.level != "bwrap" and self._disk_used(
                    task) > self.limits.disk_mb * 1024 * 1024:
                status = "disk"
            if status:
                self.kill(task)
                if not record["done"].wait(10):
                    self.close()
                break
        return status

    def _disk_used(self, task: Task) -> int:
        """Bytes written by the worker: its folder and, at the uid level,
        what its uid owns in the world-writable folders."""
        total = 0
        roots = [self.work_dir(task)]
        if self.isolation.level == "uid":
            roots += [Path(p) for p in WORLD_WRITABLE]
        for root in roots:
            total += owned_size(root, self.uid_of(task)
                                if root in roots[1:] else None)
        return total

    def _take_result(self, outcome: WorkerOutcome, result: Reader,
                     token: str) -> None:
        if result.over.is_set():
            outcome.status = "no-result"
            outcome.notes.append("result larger than allowed")
            return
        if not result.data:
            outcome.status = "crashed" if outcome.returncode else \
                "no-result"
            return
        try:
            data = transport.load(io.BytesIO(bytes(result.data)))
        except Exception as exc:
            outcome.status = "no-result"
            outcome.notes.append(f"unreadable result: {exc}")
            return
        if data.get("token") != token:
            outcome.status = "no-result"
            outcome.notes.append("result not written by the grader")
            return
        outcome.result = data

    def kill(self, task: Task) -> None:
        with self.lock:
            try:
                self.process.stdin.write(json.dumps({"kill": task.number})
                                         + "\n")
                self.process.stdin.flush()
            except OSError:
                pass

    def close(self) -> None:
        """Ends the server and everything in the sandbox; cleans up."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for number, (r_r, _, o_r, _) in self.pipes.items():
            if number not in self.owned:
                os.close(r_r)
                os.close(o_r)
        self.pipes = {}
        for lease in set(self.leases.values()):
            if self.isolation.level == "uid":
                sweep_uid(lease.uid)
            lease.release()
        self.leases = {}
        shutil.rmtree(self.home, ignore_errors=True)


def owned_size(root: Path, uid: int | None) -> int:
    """Bytes of the files under ``root`` (only those of ``uid``, if set)."""
    total = 0
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if uid is not None and info.st_uid != uid:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                total += info.st_blocks * 512
    return total


def sweep_uid(uid: int) -> None:
    """Kills every process of ``uid`` and removes what it left in the
    world-writable folders."""
    killer = os.fork()
    if killer == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(killer, 0)
    for root in WORLD_WRITABLE:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def run_tasks(folder: Path, tasks: list[Task], keras_major: int,
              limits: Limits, isolation: Isolation, pool: Executor,
              pictures: bool = False, guard: bool = True,
              fork: bool = True) -> dict[int, WorkerOutcome]:
    """Measures ``tasks`` of ``folder`` on ``pool``'s threads: one session
    for all of them (with ``fork=False``, one per task: each worker then
    imports TensorFlow itself), and a fresh one for the tasks whose
    session died before they could start."""
    outcomes: dict[int, WorkerOutcome] = {}
    pending = list(tasks)
    while pending:
        groups = [pending] if fork else [[t] for t in pending]
        sessions = [Session(folder, group, keras_major, limits, isolation,
                            pictures, guard) for group in groups]
        try:
            futures = [(task, pool.submit(session.run, task))
                       for session, group in zip(sessions, groups)
                       for task in group]
            retry = []
            for task, future in futures:
                try:
                    outcomes[task.number] = future.result()
                except ServerGone:
                    retry.append(task)
        finally:
            for session in sessions:
                session.close()
        if len(retry) == len(pending):  # nothing started: give up
            for task in retry:
                outcomes[task.number] = WorkerOutcome(
                    status="sandbox", notes=["the sandbox did not start"])
            break
        pending = retry
    # A task file can kill its own sandbox, and with it the other tasks
    # running there: each of those is measured again, alone; the one
    # that did it kills its sandbox again, and that stands.
    if fork and len(tasks) > 1:
        again = [t for t in tasks if outcomes[t.number].status == "sandbox"]
        for task in again:
            outcomes.update(run_tasks(folder, [task], keras_major, limits,
                                      isolation, pool, pictures, guard,
                                      fork))
    return outcomes
