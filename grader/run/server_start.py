"""Starting a session's fork server, two ways, behind one handle: forked
from the zygote of its level and Keras version (the default: TensorFlow is
imported once per grader process), or as a sandbox and a Python of its own
(``--no-fork-server``, and the fallback where a zygote cannot start)."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

from grader.run.pipes import Reader
from grader.run.zygote import Forks, ZygoteGone


class ServerGone(RuntimeError):
    """The session's fork server is not running."""


@dataclass
class ServerHandle:
    """A running fork server: where jobs go, where its messages and its
    own words come from, and how to end it and all it started."""

    jobs: IO[str]
    messages: IO[str]
    stderr: Reader
    stop: Callable[[], None]
    wait: Callable[[float], bool]  # True once it has ended
    pid: int | None = None  # a process of its own (not forked)


def start_process(argv: list[str], env: dict[str, str], cwd: Path,
                  fds: list[int]) -> ServerHandle:
    """The server as a process of its own, passed ``fds`` and the data
    file (``MNIST_PATH``) open (in a sandbox the file is not there)."""
    stderr_r, stderr_w = os.pipe()
    passed = list(fds)
    if os.environ.get("MNIST_PATH") and os.path.isfile(
            os.environ["MNIST_PATH"]):
        passed.append(os.open(os.environ["MNIST_PATH"], os.O_RDONLY))
        env = dict(env, MNIST_FD=str(passed[-1]))
    try:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=stderr_w, text=True,
            start_new_session=True, pass_fds=passed)
    except OSError as error:  # no bwrap, no interpreter: never started
        os.close(stderr_r)
        raise ServerGone(f"{type(error).__name__}: {error}") from error
    finally:
        os.close(stderr_w)
        for fd in passed[len(fds):]:
            os.close(fd)
    stderr = Reader(stderr_r, 0, keep_all=False)
    stderr.start()

    def stop() -> None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(timeout: float) -> bool:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    assert process.stdin is not None and process.stdout is not None
    return ServerHandle(process.stdin, process.stdout, stderr, stop, wait,
                        process.pid)


def start_forked(zygote: Forks, ident: int, home: Path, stems: list[str],
                 tasks: list[int], disk_mb: int, fds: list[int]
                 ) -> ServerHandle:
    """The server forked from ``zygote`` as session ``ident`` (its files
    in ``home``), on ``fds`` (each task's result and output pipe)."""
    jobs_r, jobs_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        zygote.start_server(ident, stems, tasks, disk_mb,
                            [jobs_r, out_w, err_w] + fds)
    except ZygoteGone as error:
        for fd in (jobs_w, out_r, err_r):
            os.close(fd)
        raise ServerGone(str(error)) from error
    finally:
        for fd in (jobs_r, out_w, err_w):
            os.close(fd)
    stderr = Reader(err_r, 0, keep_all=False)
    stderr.start()
    ended = threading.Event()
    messages = open(out_r, "r")

    def stop() -> None:
        zygote.end_session(ident, home)
        ended.set()

    def wait(timeout: float) -> bool:
        stderr.join(timeout)  # the pipe ends when the server does
        return ended.is_set() or not stderr.is_alive()

    return ServerHandle(open(jobs_w, "w"), messages, stderr, stop, wait)
