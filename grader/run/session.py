"""A sandbox session: one OS sandbox holding one fork server, for the task
files of one folder.

The session copies the task files before it starts, preallocates each
job's result and output pipes (under bubblewrap the fork server inherits
them), sends the server one job per measurement and reads what comes
back: the output as a bounded tail (a worker that floods it is stopped),
the result up to a bound and only with the job's token.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.options import Limits
from grader.paths import REPO_ROOT
from grader.run.bwrap import SANDBOX_ROOT, server_argv
from grader.run.isolation import Isolation, UidLease
from grader.run.server_start import (ServerGone, ServerHandle,
                                     start_forked, start_process)
from grader.run.keeper import forks_for
from grader.run.zygote import Forks, ZygoteGone
from grader.run.outcome import WorkerOutcome, WorkerStatus
from grader.run.pipes import MAX_RESULT, Reader, take_result
from grader.run.tree import (base_env, copy_submission, disk_used,
                             prepare_tree, sweep_uid)
from grader.tasks import Task


SERVER_READY_SECONDS = 120  # a folder's server, from its start to ready


class Session:
    """One sandbox with one fork server, for the given task files."""

    def __init__(self, folder: Path, tasks: list[Task], keras_major: int,
                 limits: Limits, isolation: Isolation, pictures: bool = False,
                 guard: bool = True, fork: bool = True, keep: float = 0.0):
        self.tasks = {t.number: t for t in tasks}
        self.limits, self.isolation = limits, isolation
        self.pictures = pictures
        self.guard = guard
        # Root's levels: one unprivileged uid per worker, so that its
        # processes are counted (and limited) as its own, sweeping them
        # spares the others, and no worker can reach another's folder.
        self.leases: dict[int, UidLease] = {}
        if isolation.uid_per_task:
            for task in tasks:
                self.leases[task.number] = UidLease()
        # Forked from the zygote of this level (TensorFlow imported once
        # per grader process, or kept warm between gradings for ``keep``
        # seconds), else a sandbox and a Python of its own.
        self.zygote: Forks | None = None
        self.ident = 0
        if fork:
            try:
                self.zygote = forks_for(isolation, keras_major, keep)
            except ZygoteGone as error:
                self.release()
                raise ServerGone(f"the sandbox did not start: {error}"
                                 ) from error
        if self.zygote is not None:  # its number; its files in the spool
            self.ident, self.home = self.zygote.new_session(
                spooled=isolation.level == "bwrap")
        else:
            self.home = Path(tempfile.mkdtemp(prefix="ae-grader-"))
        # task number -> result r/w, output r/w
        self.pipes: dict[int, tuple[int, int, int, int]] = {}
        self.owned: set[int] = set()  # tasks whose pipes readers own
        self.jobs: dict[int, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.dead = False
        self.network_isolated = isolation.level == "bwrap"
        for task in tasks:
            copy_submission(folder, self.home / "src" / task.stem)
        prepare_tree(self.home, {t.stem: self.uid_of(t) for t in tasks},
                     isolation.level)
        for task in tasks:
            result_r, result_w = os.pipe()
            output_r, output_w = os.pipe()
            self.pipes[task.number] = (result_r, result_w, output_r,
                                       output_w)
        try:
            self._start(keras_major)
        except ServerGone:  # nothing runs: give back what it holds
            for r_r, _, o_r, _ in self.pipes.values():
                os.close(r_r)
                os.close(o_r)
            self.release()
            shutil.rmtree(self.home, ignore_errors=True)
            raise

    def release(self) -> None:
        """Gives the uid leases back."""
        for lease in set(self.leases.values()):
            lease.release()
        self.leases = {}

    # ------------------------------------------------------------ start
    def uid_of(self, task: Task) -> int | None:
        """The unprivileged uid ``task``'s worker runs as, if any."""
        lease = self.leases.get(task.number)
        return lease.uid if lease else None

    def work_dir(self, task: Task) -> Path:
        """The task's writable folder as the parent sees it (uid, none)."""
        return self.home / "work" / task.stem

    def _argv(self, fds: list[int]) -> list[str]:
        return server_argv(self.isolation, fds, self.limits.disk_mb,
                           self.home, [t.stem for t in self.tasks.values()])

    def _start(self, keras_major: int) -> None:
        bwrap = self.isolation.level == "bwrap"
        pythonpath = f"{SANDBOX_ROOT}/lib" if bwrap else str(REPO_ROOT)
        self.env = base_env(keras_major, pythonpath)
        fds = [fd for r_r, r_w, o_r, o_w in self.pipes.values()
               for fd in (r_w, o_w)]
        try:
            if self.zygote is not None:
                self.server = start_forked(
                    self.zygote, self.ident, self.home,
                    [t.stem for t in self.tasks.values()],
                    list(self.tasks), self.limits.disk_mb, fds)
            else:
                self.server = self._start_process(fds)
        finally:
            for fd in fds:
                os.close(fd)
        threading.Thread(target=self._read, daemon=True).start()

    def _start_process(self, fds: list[int]) -> ServerHandle:
        """A sandbox and a Python of its own for this session."""
        bwrap = self.isolation.level == "bwrap"
        server_env = dict(self.env, HOME=str(self.home),
                          TMPDIR=str(self.home))
        if bwrap:
            server_env.update(HOME=f"{SANDBOX_ROOT}/work",
                              TMPDIR=f"{SANDBOX_ROOT}/work")
        return start_process(self._argv(fds), server_env, self.home, fds)

    def said(self) -> str:
        """The last lines the sandbox (bubblewrap, the server) printed."""
        self.server.stderr.join(2)
        noise = ("WARNING: All log messages", "I0000", "W0000")
        lines = [line for line in bytes(self.server.stderr.data).decode(
            "utf-8", "replace").splitlines()
            if line.strip() and not line.startswith(noise)]
        return "\n".join(lines[-8:])

    def _read(self) -> None:
        for line in self.server.messages:
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
                job["stray"] = message.get("stray", 0)
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
        job = {"id": task.number, "task": task.number,
               "pictures": self.pictures, "cwd": cwd, "src": src,
               "env": env, "token": token, "result_fd": result_w,
               "output_fd": output_w, "limits": limits,
               "uid": self.uid_of(task), "guard": self.guard}
        return job

    def run(self, task: Task) -> WorkerOutcome:
        """Measures ``task`` in this session; raises ServerGone if the
        server died before its job could start."""
        started = time.monotonic()
        if not self.ready.wait(SERVER_READY_SECONDS) or self.dead:
            said = self.said() if self.dead else ""
            late = "" if self.dead else f" within {SERVER_READY_SECONDS} s"
            raise ServerGone("the sandbox did not start"
                             + (f": {said}" if said else late))
        token = secrets.token_hex(16)
        result_r, _, output_r, _ = self.pipes[task.number]
        result = Reader(result_r, MAX_RESULT, keep_all=True)
        output = Reader(output_r, self.limits.output_kb * 1024,
                        keep_all=False)
        self.owned.add(task.number)  # the readers close these
        result.start()
        output.start()
        record: dict[str, Any] = {"started": threading.Event(),
                                  "done": threading.Event()}
        self.jobs[task.number] = record
        with self.lock:
            try:
                self.server.jobs.write(json.dumps(
                    self._job(task, token)) + "\n")
                self.server.jobs.flush()
            except OSError as error:
                said = self.said()
                raise ServerGone(f"the sandbox stopped reading jobs ({error})"
                                 + (f": {said}" if said else "")) from error
        status = self._wait(task, record, output)
        result.join(5)
        output.join(2)
        outcome = WorkerOutcome(status=status or "ok",
                                returncode=record.get("exit"),
                                output=bytes(output.data).decode(
                                    "utf-8", "replace"))
        if outcome.status == "ok" and "exit" not in record:
            if not record["started"].is_set():
                said = self.said()
                raise ServerGone("the sandbox died before the job started"
                                 + (f": {said}" if said else ""))
            outcome.status = "sandbox"
        if outcome.status == "ok":
            take_result(outcome, result, token)
        outcome.left_processes = record.get("left", 0)
        outcome.stray_processes = record.get("stray", 0)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _wait(self, task: Task, record: dict[str, Any], output: Reader
              ) -> WorkerStatus | None:
        """Waits for the job's end; stops it at a limit (returns which)."""
        deadline = time.monotonic() + self.limits.seconds
        status: WorkerStatus | None = None
        while not record["done"].wait(0.01):
            if time.monotonic() > deadline:
                status = "timeout"
            elif output.over.is_set():
                status = "output"
            elif self.isolation.level != "bwrap" and disk_used(
                    self.work_dir(task), self.isolation.level,
                    self.uid_of(task)) > self.limits.disk_mb * 1024 * 1024:
                status = "disk"
            if status:
                self.kill(task.number)
                if not record["done"].wait(10):
                    self.close()
                break
        return status

    def kill(self, ident: int) -> None:
        """Stops the job ``ident`` (a task's number) and its processes."""
        with self.lock:
            try:
                self.server.jobs.write(json.dumps({"kill": ident}) + "\n")
                self.server.jobs.flush()
            except OSError:
                pass

    def close(self) -> None:
        """Ends the server and everything in the sandbox; cleans up."""
        try:
            self.server.jobs.close()  # the server sweeps its jobs and ends
        except OSError:
            pass
        self.server.wait(10)
        self.server.stop()
        self.server.wait(10)
        for number, (r_r, _, o_r, _) in self.pipes.items():
            if number not in self.owned:
                os.close(r_r)
                os.close(o_r)
        self.pipes = {}
        if self.isolation.level == "uid":
            for lease in set(self.leases.values()):
                sweep_uid(lease.uid)
        self.release()
        shutil.rmtree(self.home, ignore_errors=True)
