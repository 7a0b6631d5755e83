"""The grader's side of a zygote (:mod:`grader.run.zygote_server`): one
sandbox per isolation level and Keras version, started once per grader
process, that imports TensorFlow once; every folder's fork server is forked
from it into namespaces of its own, instead of starting a sandbox and a
Python that imports TensorFlow again for every folder.

A session's task files go to the zygote's spool (``spool/ID/src/STEM``,
bound read-only at ``/ae/spool``; each folder's server sees its own alone).
The pipes of a session are handed over on a socket (SCM_RIGHTS).
"""
from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from grader.paths import REPO_ROOT
from grader.run.bwrap import SANDBOX_ROOT, python_executable, zygote_argv
from grader.run.isolation import Isolation
from grader.run.pipes import Reader
from grader.run.tree import base_env

_zygotes: dict[tuple[Isolation, int], "Zygote"] = {}
_guard = threading.Lock()
_ids = itertools.count(1)


class ZygoteGone(RuntimeError):
    """The zygote is not running (it did not start, or died)."""


READY_SECONDS = 180  # a zygote's import, on a slow machine under load


class Forks(Protocol):
    """What a session needs of a zygote: this process's own
    (:class:`Zygote`) or one kept warm between gradings
    (:class:`grader.run.keeper.KeptZygote`)."""

    def new_session(self, spooled: bool) -> tuple[int, Path]: ...

    def start_server(self, ident: int, stems: list[str], tasks: list[int],
                     disk_mb: int, fds: list[int]) -> None: ...

    def end_session(self, ident: int, home: Path) -> None: ...


def zygote_for(isolation: Isolation, keras_major: int) -> "Zygote":
    """The running zygote of this level and Keras version (started, or
    started again, as needed); raises ZygoteGone with what it said."""
    key = (isolation, keras_major)
    with _guard:
        zygote = _zygotes.get(key)
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            zygote = _zygotes[key] = Zygote(isolation, keras_major)
        return zygote


def close_all() -> None:
    """Ends every zygote (at exit)."""
    with _guard:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()


atexit.register(close_all)


class Zygote:
    """One sandbox holding a TensorFlow-loaded zygote."""

    def __init__(self, isolation: Isolation, keras_major: int):
        self.isolation = isolation
        self.lock = threading.Lock()
        self.spool = Path(tempfile.mkdtemp(prefix="ae-grader-spool-"))
        bwrap = isolation.level == "bwrap"
        self.env = base_env(keras_major, f"{SANDBOX_ROOT}/lib" if bwrap
                            else str(REPO_ROOT))
        server_env = dict(self.env, HOME=str(self.spool),
                          TMPDIR=str(self.spool))
        if bwrap:
            server_env.update(HOME="/tmp", TMPDIR="/tmp")
        self.control, theirs = socket.socketpair(socket.AF_UNIX,
                                                 socket.SOCK_SEQPACKET)
        keep = [theirs.fileno()]
        if os.environ.get("MNIST_PATH") and os.path.isfile(
                os.environ["MNIST_PATH"]):
            keep.append(os.open(os.environ["MNIST_PATH"], os.O_RDONLY))
            server_env["MNIST_FD"] = str(keep[-1])
        said_r, said_w = os.pipe()
        argv = zygote_argv(isolation, theirs.fileno(), self.spool) \
            if bwrap else [python_executable(), "-P", "-m",
                           "grader.run.zygote_server", isolation.level,
                           str(theirs.fileno())]
        try:
            self.process = subprocess.Popen(
                argv, cwd=self.spool, env=server_env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=said_w, pass_fds=keep, start_new_session=True)
        except OSError as error:
            os.close(said_r)
            raise ZygoteGone(f"{type(error).__name__}: {error}") from error
        finally:
            os.close(said_w)
            for fd in keep[1:]:
                os.close(fd)
            theirs.close()
        self.said_reader = Reader(said_r, 0, keep_all=False)
        self.said_reader.start()
        self.control.settimeout(READY_SECONDS)
        try:
            ready = self.control.recv(4096)
        except OSError:
            ready = b""
        self.control.settimeout(None)
        if not ready:
            self.close()
            raise ZygoteGone(self.said() or "no word from it")

    def said(self) -> str:
        """The last lines the zygote's sandbox printed (bubblewrap's
        errors, a Python that could not import)."""
        noise = ("WARNING: All log messages", "I0000", "W0000")
        lines = [line for line in bytes(self.said_reader.data).decode(
            "utf-8", "replace").splitlines()
            if line.strip() and not line.startswith(noise)]
        return "\n".join(lines[-8:])

    def alive(self) -> bool:
        """Whether the zygote still runs."""
        return self.process.poll() is None

    def new_session(self, spooled: bool) -> tuple[int, Path]:
        """A session's number, unique in this process (what ends it), and
        its folder: in the spool under bubblewrap (its task files go to
        ``src/STEM`` there), else a folder of its own on the host."""
        ident = next(_ids)
        if not spooled:
            return ident, Path(tempfile.mkdtemp(prefix="ae-grader-"))
        home = self.spool / str(ident)
        (home / "src").mkdir(parents=True, mode=0o700)
        os.chmod(home, 0o700)
        return ident, home

    def start_server(self, ident: int, stems: list[str], tasks: list[int],
                     disk_mb: int, fds: list[int]) -> None:
        """Forks session ``ident``'s fork server on ``fds`` (its stdin,
        stdout, stderr, then each task's result and output pipe)."""
        message = json.dumps({"session": ident, "stems": stems,
                              "tasks": tasks, "disk_mb": disk_mb})
        with self.lock:
            try:
                socket.send_fds(self.control, [message.encode()], fds)
            except OSError as error:
                raise ZygoteGone(f"the zygote stopped listening ({error})"
                                 + (f": {self.said()}" if self.said()
                                    else "")) from error

    def end_session(self, ident: int, home: Path) -> None:
        """Ends session ``ident``'s server and all it started; removes
        its files."""
        with self.lock:
            try:
                self.control.send(json.dumps({"kill": ident}).encode())
            except OSError:
                pass
        shutil.rmtree(home, ignore_errors=True)

    def close(self) -> None:
        """Ends the zygote, every session it holds, its spool."""
        try:
            self.control.close()
        except OSError:
            pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.process.wait()
        shutil.rmtree(self.spool, ignore_errors=True)
