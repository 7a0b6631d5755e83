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
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.failures import GraderFailure

LEVELS = ("bwrap", "uid", "none")
UID_BASE, UID_COUNT = 61000, 2000
UID_LOCKS = Path("/tmp/ae-grader-uids")
DESCRIPTIONS = {
    "bwrap": "bubblewrap: own PID, network, IPC and UTS namespaces, "
             "read-only filesystem showing only Python, the worker code and "
             "the loader's files of /etc",
    "uid": "unprivileged uid per worker (no namespaces on this machine)",
    "none": "no isolation (debugging only)",
}
# What of /etc the sandbox shows: the dynamic loader's files and the few
# that Python's standard library reads (time zone, name service order,
# MIME types). Each is bound only where its own mode lets every user
# read it, so a file only root may read is never there.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
             "nsswitch.conf", "mime.types")
SYSTEM_FOLDERS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")


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


def python_paths() -> list[str]:
    """The folders the worker's Python needs (interpreter, stdlib, venv),
    resolved: a folder reached through a link is bound where it is."""
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix,
                                           sys.exec_prefix)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.add(os.path.dirname(python_executable()))
    # Packages reached through a link or a .pth file outside the prefixes.
    paths.update(os.path.realpath(p) for p in sys.path
                 if os.path.basename(p) in ("site-packages", "dist-packages")
                 and os.path.isdir(p))
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k + os.sep) for k in kept):
            kept.append(path)
    return kept


def python_executable() -> str:
    """The interpreter to start, as it is bound: its folder resolved (a
    virtual environment reached through a link), its own name kept (a
    venv's ``python`` link must stay itself to find its ``pyvenv.cfg``)."""
    folder, name = os.path.split(sys.executable)
    return os.path.join(os.path.realpath(folder), name)


def python_readable() -> bool:
    """Whether an unprivileged uid can read Python and the worker code."""
    grader = str(Path(__file__).resolve().parent.parent)
    return all(readable_by_others(p) for p in python_paths() + [grader])


def unshare_flags(privileged: bool) -> list[str]:
    """bubblewrap's namespaces: root makes them without a user namespace
    (and keeps only the capabilities the fork server needs to hand each
    worker its own uid); anyone else gets a user namespace, one uid."""
    common = ["--unshare-ipc", "--unshare-pid", "--unshare-net",
              "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
              "--new-session"]
    if privileged:
        caps = ["--cap-drop", "ALL"]
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL",
                    "CAP_FOWNER", "CAP_DAC_OVERRIDE"):
            caps += ["--cap-add", cap]
        return common + caps
    return common + ["--unshare-user", "--disable-userns",
                     "--uid", "65534", "--gid", "65534"]


@functools.lru_cache(maxsize=None)
def bwrap_problem(privileged: bool) -> str | None:
    """Why bubblewrap cannot start here in this way (its own words), or
    None when it can (tried once)."""
    if shutil.which("bwrap") is None:
        return "bwrap is not on PATH (install the Debian package bubblewrap)"
    if privileged and os.geteuid() != 0:
        return "only root starts bubblewrap without a user namespace"
    # The trial starts the interpreter as the sandbox will, and under
    # root drops to a worker's uid, as the fork server will.
    drop = (f"import os; os.setgroups([]); os.setgid({UID_BASE}); "
            f"os.setuid({UID_BASE}); os.listdir({sys.prefix!r})"
            if privileged else "pass")
    argv = ["bwrap"] + unshare_flags(privileged) + system_binds() + \
        python_binds(set()) + ["--proc", "/proc", "--dev", "/dev",
                               python_executable(), "-S", "-c", drop]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=20,
                              text=True, errors="replace")
    except (OSError, subprocess.SubprocessError) as error:
        return f"bwrap could not be run: {error}"
    if done.returncode == 0:
        return None
    said = done.stderr.strip() or f"exit code {done.returncode}"
    return "bubblewrap said: " + said[-500:]


def folders_above(target: str, made: set[str]) -> list[str]:
    """bubblewrap's ``--dir`` for each folder above ``target`` that the
    sandbox's root lacks, made 0755 so that a worker's uid may pass
    through (bubblewrap would make them 0700 for a bind, or take the next
    ``--perms``): the Python under a closed /root is reachable inside,
    nothing else is."""
    argv: list[str] = []
    parts = PurePosixPath(target).parts[1:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/" + "/".join(parts[:depth])
        if folder in made or parts[0] in SYSTEM_FOLDERS:
            continue
        made.add(folder)
        argv += ["--perms", "0755", "--dir", folder]
    return argv


def python_binds(made: set[str]) -> list[str]:
    """bubblewrap's read-only binds of :func:`python_paths` (with the
    folders above them, noted in ``made``)."""
    argv: list[str] = []
    for path in python_paths():
        argv += folders_above(path, made) + ["--ro-bind", path, path]
    return argv


def system_binds() -> list[str]:
    """Read-only system folders (links kept as links, as on the host) and
    of /etc only :data:`ETC_FILES`, each where every user may read it."""
    argv: list[str] = []
    for name in SYSTEM_FOLDERS:
        path = f"/{name}"
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    argv += ["--perms", "0755", "--dir", "/etc"]  # else made 0700
    for name in ETC_FILES:
        path = f"/etc/{name}"
        if os.path.exists(path) and world_readable_tree(path):
            argv += ["--ro-bind", path, path]
    return argv


def world_readable_tree(path: str) -> bool:
    """Whether ``path`` and, for a folder, everything in it may be read
    by every user, by their own modes (the folders above not counted)."""
    paths = [path] + [os.path.join(root, name)
                      for root, dirs, files in os.walk(path)
                      for name in dirs + files]
    for item in paths:
        try:
            mode = os.stat(item).st_mode
        except OSError:
            return False
        if not mode & stat.S_IROTH:
            return False
    return True


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
