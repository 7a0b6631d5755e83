"""bubblewrap for the sandbox: what it shows of the host (the system
folders, of /etc only the loader's files, Python's folders as they are
bound), its namespaces (root's without a user namespace, anyone else's in
one), the trial start that detection runs, and the command line of a
sandbox's fork server with a size-limited work folder per task.

The order of bubblewrap's arguments is the order of its mounts: /tmp's
tmpfs comes first, so that Python (a virtual environment under /tmp, say)
is bound on top of it, not hidden under it.
"""
from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from grader.paths import GRADER_DIR

if TYPE_CHECKING:
    from grader.run.isolation import Isolation

UID_BASE = 61000  # the first worker uid (grader.run.isolation leases)

# What of /etc the sandbox shows: the dynamic loader's files and the few
# that Python's standard library reads (time zone, name service order,
# MIME types). Each is bound only where its own mode lets every user
# read it, so a file only root may read is never there.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
             "nsswitch.conf", "mime.types")
SYSTEM_FOLDERS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")


SANDBOX_ROOT = "/ae"  # inside bubblewrap: src/, work/<stem>/, lib/grader
TMP_MB = 16


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


def unshare_flags(privileged: bool, zygote: bool = False) -> list[str]:
    """bubblewrap's namespaces: root makes them without a user namespace
    (and keeps only the capabilities the fork server needs to hand each
    worker its own uid); anyone else gets a user namespace, one uid."""
    common = ["--unshare-ipc", "--unshare-pid", "--unshare-net",
              "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
              "--new-session"]
    if privileged:
        caps = ["--cap-drop", "ALL"]
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL",
                    "CAP_FOWNER", "CAP_DAC_OVERRIDE") + (
                        ("CAP_SYS_ADMIN",) if zygote else ()):
            caps += ["--cap-add", cap]
        return common + caps
    # A zygote makes each folder's namespaces itself (CAP_SYS_ADMIN within
    # the user namespace only); each folder's server drops it.
    return common + ["--unshare-user", "--disable-userns",
                     "--uid", "65534", "--gid", "65534"] + (
                         ["--cap-add", "CAP_SYS_ADMIN"] if zygote else [])


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
            f"os.setuid({UID_BASE}); "
            f"os.listdir({os.path.realpath(sys.prefix)!r})"
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


def server_mode(isolation: Isolation) -> str:
    """The fork server's mode: ``bwrap-root`` (root's bubblewrap: the
    server hands each worker its uid), ``bwrap``, ``uid`` or ``none``."""
    if isolation.level == "bwrap" and isolation.privileged:
        return "bwrap-root"
    return isolation.level


def sandbox_argv(isolation: Isolation, files: tuple[str, str],
                 zygote: bool = False) -> list[str]:
    """bubblewrap's arguments that every sandbox of ours shares: its
    namespaces, /tmp, what it shows of the host, the grader's code, and
    ``files`` (host folder, where it is seen) read-only."""
    argv = ["bwrap"] + unshare_flags(isolation.privileged, zygote) + [
        "--hostname", "ae-grader",
        "--perms", "1777", "--size", str(TMP_MB * 1024 * 1024),
        "--tmpfs", "/tmp"] + system_binds()
    made: set[str] = set()
    argv += python_binds(made)
    for source, target in [(str(GRADER_DIR), f"{SANDBOX_ROOT}/lib/grader"),
                           files]:
        argv += folders_above(target, made) + ["--ro-bind", source, target]
    return argv + folders_above(f"{SANDBOX_ROOT}/work/x", made)


def server_argv(isolation: Isolation, fds: list[int], disk_mb: int,
                home: Path, stems: list[str]) -> list[str]:
    """How to start the fork server, passing it the pipe ends ``fds``;
    ``home`` holds the session's ``src/``; each of ``stems`` gets a work
    folder of ``disk_mb``."""
    server = [python_executable(), "-P", "-m", "grader.run.forkserver",
              server_mode(isolation), ",".join(str(f) for f in fds)]
    if isolation.level != "bwrap":
        return server
    argv = sandbox_argv(isolation, (str(home / "src"), f"{SANDBOX_ROOT}/src"))
    for stem in stems:
        argv += ["--perms", "0700", "--size", str(disk_mb * 1024 * 1024),
                 "--tmpfs", f"{SANDBOX_ROOT}/work/{stem}"]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--chdir", f"{SANDBOX_ROOT}/work"]
    return argv + server


def zygote_argv(isolation: Isolation, control_fd: int, spool: Path
                ) -> list[str]:
    """How to start a zygote (:mod:`grader.run.zygote_server`) under
    bubblewrap: what a fork server's sandbox shows, but the sessions'
    task files under ``/ae/spool`` (each folder's server sees its own
    alone) and no work folders yet (each server mounts its own)."""
    argv = sandbox_argv(isolation, (str(spool), f"{SANDBOX_ROOT}/spool"),
                        zygote=True)
    argv += ["--perms", "0755", "--dir", f"{SANDBOX_ROOT}/src",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/"]
    return argv + [python_executable(), "-P", "-m",
                   "grader.run.zygote_server", server_mode(isolation),
                   str(control_fd)]
