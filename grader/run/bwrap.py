"""The command line of a sandbox's fork server: under bubblewrap, the
namespaces, the read-only binds and a size-limited work folder per task.

The order of bubblewrap's arguments is the order of its mounts: /tmp's
tmpfs comes first, so that Python (a virtual environment under /tmp, say)
is bound on top of it, not hidden under it.
"""
from __future__ import annotations

from pathlib import Path

from grader.paths import GRADER_DIR
from grader.run.isolation import (Isolation, folders_above, python_binds,
                                  python_executable, system_binds,
                                  unshare_flags)

SANDBOX_ROOT = "/ae"  # inside bubblewrap: src/, work/<stem>/, lib/grader
TMP_MB = 16


def server_mode(isolation: Isolation) -> str:
    """The fork server's mode: ``bwrap-root`` (root's bubblewrap: the
    server hands each worker its uid), ``bwrap``, ``uid`` or ``none``."""
    if isolation.level == "bwrap" and isolation.privileged:
        return "bwrap-root"
    return isolation.level


def server_argv(isolation: Isolation, fds: list[int], disk_mb: int,
                home: Path, stems: list[str]) -> list[str]:
    """How to start the fork server, passing it the pipe ends ``fds``;
    ``home`` holds the session's ``src/``; each of ``stems`` gets a work
    folder of ``disk_mb``."""
    server = [python_executable(), "-P", "-m", "grader.run.forkserver",
              server_mode(isolation), ",".join(str(f) for f in fds)]
    if isolation.level != "bwrap":
        return server
    argv = ["bwrap"] + unshare_flags(isolation.privileged) + [
        "--hostname", "ae-grader",
        "--perms", "1777", "--size", str(TMP_MB * 1024 * 1024),
        "--tmpfs", "/tmp"] + system_binds()
    made: set[str] = set()
    argv += python_binds(made)
    for source, target in [(str(GRADER_DIR), f"{SANDBOX_ROOT}/lib/grader"),
                           (str(home / "src"), f"{SANDBOX_ROOT}/src")]:
        argv += folders_above(target, made) + ["--ro-bind", source, target]
    argv += folders_above(f"{SANDBOX_ROOT}/work/x", made)
    for stem in stems:
        argv += ["--perms", "0700", "--size", str(disk_mb * 1024 * 1024),
                 "--tmpfs", f"{SANDBOX_ROOT}/work/{stem}"]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--chdir", f"{SANDBOX_ROOT}/work"]
    return argv + server
