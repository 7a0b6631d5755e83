"""Which operating-system sandbox this machine offers, and its settings.

Levels, strongest first:

- ``bwrap``: bubblewrap with new user, PID, network, IPC, UTS and cgroup
  namespaces; the filesystem is read-only and shows only Python, the
  installed packages, the grader's worker code and the data file; the
  task file's folder is a size-limited tmpfs. When the grader runs as
  root, bubblewrap itself runs as an unprivileged uid of its own.
- ``uid``: no namespaces for the worker (an unprivileged container), but
  the grader is root: each worker runs as an unprivileged uid of its own,
  in a new network namespace where one can be had; what it leaves behind
  is swept away.
- ``none``: limits only (for debugging); the report warns.
"""
from __future__ import annotations

import fcntl
import functools
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.failures import GraderFailure

LEVELS = ("bwrap", "uid", "none")
UID_BASE, UID_COUNT = 61000, 2000
UID_LOCKS = Path("/tmp/ae-grader-uids")
DESCRIPTIONS = {
    "bwrap": "bubblewrap: own user, PID and network namespaces, read-only "
             "filesystem showing only Python and the worker code",
    "uid": "unprivileged uid per worker (no namespaces on this machine)",
    "none": "no isolation (debugging only)",
}


class SandboxUnavailable(GraderFailure):
    """The requested isolation level cannot be had on this machine."""


@dataclass(frozen=True)
class Isolation:
    """The level in force and how it was reached."""

    level: str
    as_uid: bool  # bubblewrap started as an unprivileged uid (root only)
    note: str = ""

    @property
    def full(self) -> bool:
        return self.level == "bwrap"

    def describe(self) -> str:
        return DESCRIPTIONS[self.level] + (f" ({self.note})" if self.note
                                           else "")

    def warning(self) -> str | None:
        """One line for the report when isolation is weaker than full."""
        if self.level == "bwrap" and not self.as_uid and os.geteuid() == 0:
            return ("warning: bubblewrap runs as root here, so the number "
                    "of processes of a worker is not limited: "
                    + self.note)
        if self.level == "uid":
            return ("warning: isolation is the uid level only (no "
                    "namespaces here): workers run as unprivileged users, "
                    "but share the machine's filesystem view")
        if self.level == "none":
            return ("WARNING: no sandbox (--sandbox none): student code ran "
                    "with the grader's own rights")
        return None


def readable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach and read ``path``."""
    current = Path(path).resolve()
    for folder in [current, *current.parents]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        needed = stat.S_IXOTH | (stat.S_IROTH if folder == current else 0)
        if mode & needed != needed:
            return False
    return True


def python_paths() -> list[str]:
    """The folders the worker's Python needs (interpreter, stdlib, venv)."""
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix,
                                           sys.exec_prefix)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k + os.sep) for k in kept):
            kept.append(path)
    return kept


def python_readable() -> bool:
    """Whether an unprivileged uid can read Python and the worker code."""
    grader = str(Path(__file__).resolve().parent)
    return all(readable_by_others(p) for p in python_paths() + [grader])


@functools.lru_cache(maxsize=None)
def bwrap_works(as_uid: int | None) -> bool:
    """Whether bubblewrap can create its namespaces here (tried once)."""
    if shutil.which("bwrap") is None:
        return False
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
            "--die-with-parent"] + system_binds() + ["--proc", "/proc",
                                                     "--dev", "/dev",
                                                     "true"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=20,
                              preexec_fn=drop_to(as_uid) if as_uid else None)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def system_binds() -> list[str]:
    """Read-only system folders (links kept as links, as on the host)."""
    argv: list[str] = []
    for name in ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64",
                 "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    return argv


def drop_to(uid: int):
    """A preexec function that becomes ``uid`` (group ``uid``)."""
    def apply() -> None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return apply


@functools.lru_cache(maxsize=None)
def detect(requested: str = "auto") -> Isolation:
    """The strongest level available (or the one requested, if it is)."""
    if requested not in ("auto",) + LEVELS:
        raise SandboxUnavailable(f"unknown sandbox level {requested!r}")
    root = os.geteuid() == 0
    readable = python_readable()
    if requested in ("auto", "bwrap"):
        if root and readable and bwrap_works(UID_BASE):
            return Isolation("bwrap", as_uid=True)
        if bwrap_works(None):
            note = ("install Python where other users can read it to run "
                    "bubblewrap as an unprivileged uid" if root else "")
            return Isolation("bwrap", as_uid=False, note=note)
        if requested == "bwrap":
            raise SandboxUnavailable(
                "bubblewrap cannot create namespaces here (is the Debian "
                "package bubblewrap installed, and are user namespaces "
                "allowed?)")
    if requested in ("auto", "uid"):
        if root and readable:
            return Isolation("uid", as_uid=True)
        if requested == "uid":
            raise SandboxUnavailable(
                "the uid level needs the grader to run as root, with Python "
                f"readable by other users ({', '.join(python_paths())})")
    return Isolation("none", as_uid=False)


def hide_from_workers(paths: list[Path]) -> list[str]:
    """At the uid level workers see the machine's filesystem: makes
    ``paths`` unreadable to other users (chmod o-rwx) where they are
    readable; returns those it changed."""
    changed = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & stat.S_IRWXO:
            os.chmod(path, stat.S_IMODE(mode) & ~stat.S_IRWXO)
            changed.append(str(path))
    return changed


class UidLease:
    """An unprivileged uid held for one sandbox (a lock file per uid, so
    that graders running side by side never share one)."""

    def __init__(self) -> None:
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        os.chmod(UID_LOCKS, 0o700)
        start = (os.getpid() * 7) % UID_COUNT
        for offset in range(UID_COUNT):
            uid = UID_BASE + (start + offset) % UID_COUNT
            handle = open(UID_LOCKS / str(uid), "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid, self.handle = uid, handle
            return
        raise SandboxUnavailable("no free worker uid")

    def release(self) -> None:
        self.handle.close()
