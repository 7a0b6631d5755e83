"""Which operating-system sandbox this machine offers, and its settings.

Levels, strongest first:

- ``bwrap``: bubblewrap with new PID, network, IPC, UTS and cgroup
  namespaces; the filesystem is read-only and shows only the system
  folders, Python and its packages, the grader's worker code and the
  loader's files of /etc; each task file's folder is a size-limited tmpfs
  of its own. Run by root, bubblewrap makes these namespaces without a
  user namespace and every worker drops to an unprivileged uid of its own
  (so the process limit holds and the worker reads only what that uid may
  read); run by anyone else, it makes a user namespace with one uid.
- ``uid``: no namespaces for the worker (an unprivileged container), but
  the grader is root: each worker runs as an unprivileged uid of its own,
  in a new network namespace where one can be had; what it leaves behind
  is swept away.
- ``none``: limits only (debugging; or a user who is not root grading
  with no sandbox on the machine); the report warns. Root never falls
  back to it unasked.
"""
from __future__ import annotations

import fcntl
import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from grader.failures import GraderFailure
from grader.run.bwrap import UID_BASE, bwrap_problem, python_paths

LEVELS = ("bwrap", "uid", "none")
UID_COUNT = 2000
UID_LOCKS = Path("/tmp/ae-grader-uids")
DESCRIPTIONS = {
    "bwrap": "bubblewrap: own PID, network, IPC and UTS namespaces, "
             "read-only filesystem showing only Python, the worker code and "
             "the loader's files of /etc",
    "uid": "unprivileged uid per worker (no namespaces on this machine)",
    "none": "no isolation (debugging only)",
}


class SandboxUnavailable(GraderFailure):
    """The requested isolation level cannot be had on this machine."""


@dataclass(frozen=True)
class Isolation:
    """The level in force and how it was reached.

    ``privileged``: bubblewrap is started by root without a user namespace
    (root makes the mount, PID and network namespaces itself), and every
    worker drops to an unprivileged uid of its own inside; otherwise
    bubblewrap makes a user namespace and all workers share its one uid.
    """

    level: str
    privileged: bool = False
    note: str = ""

    @property
    def uid_per_task(self) -> bool:
        """Whether each worker runs as a leased uid of its own."""
        return self.level == "uid" or (self.level == "bwrap"
                                       and self.privileged)

    @property
    def full(self) -> bool:
        """Every guarantee of the strongest level holds here."""
        return self.level == "bwrap" and (self.privileged
                                          or os.geteuid() != 0)

    def describe(self) -> str:
        """The level in words, for the report and the doctor."""
        how = ""
        if self.level == "bwrap":
            how = ("; started by root without a user namespace, each "
                   "worker an unprivileged uid of its own"
                   if self.privileged else "; in a user namespace")
        return DESCRIPTIONS[self.level] + how + (
            f" ({self.note})" if self.note else "")

    def warning(self) -> str | None:
        """One line for the report when isolation is weaker than full."""
        if self.level == "bwrap" and not self.full:
            return ("warning: bubblewrap runs in a user namespace as root "
                    "here, so a worker's file accesses are root's and its "
                    "processes are not limited: " + self.note)
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


def python_readable() -> bool:
    """Whether an unprivileged uid can read Python and the worker code."""
    grader = str(Path(__file__).resolve().parent.parent)
    return all(readable_by_others(p) for p in python_paths() + [grader])


@functools.lru_cache(maxsize=None)
def detect(requested: str = "auto") -> Isolation:
    """The strongest level available (or the one requested, if it is)."""
    if requested not in ("auto",) + LEVELS:
        raise SandboxUnavailable(f"unknown sandbox level {requested!r}")
    root = os.geteuid() == 0
    if requested in ("auto", "bwrap"):
        privileged = bwrap_problem(True) if root else "not root"
        if privileged is None:
            return Isolation("bwrap", privileged=True)
        in_userns = bwrap_problem(False)
        if in_userns is None:
            note = (f"bubblewrap cannot start without a user namespace "
                    f"here: {privileged}" if root else "")
            return Isolation("bwrap", note=note)
        if requested == "bwrap":
            raise SandboxUnavailable(
                "bubblewrap cannot create its namespaces here: "
                + in_userns + ("" if not root else
                               f"; without a user namespace: {privileged}")
                + " (run python -m grader doctor)")
    if requested in ("auto", "uid"):
        if root and python_readable():
            return Isolation("uid")
        if requested == "uid":
            raise SandboxUnavailable(
                "the uid level needs the grader to run as root, with Python "
                f"readable by other users ({', '.join(python_paths())})")
    if requested == "auto" and root:
        raise SandboxUnavailable(
            "no sandbox can be had here, and root does not run student code "
            "without one: bubblewrap " + (bwrap_problem(True) or "failed")
            + "; the uid level needs Python readable by other users ("
            + ", ".join(python_paths()) + "). Install bubblewrap (run "
            "python -m grader doctor), or pass --sandbox none to grade "
            "without isolation (debugging only)")
    return Isolation("none")


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
