"""The command line of a sandbox's fork server: under bubblewrap, the
namespaces, the read-only binds and the size-limited work folder."""
from __future__ import annotations

import sys
from pathlib import Path

from grader.paths import GRADER_DIR
from grader.run.isolation import python_paths, system_binds

SANDBOX_ROOT = "/ae"  # inside bubblewrap: src/, work/, lib/grader


def server_argv(level: str, fds: list[int], disk_mb: int,
                home: Path) -> list[str]:
    """How to start the fork server at isolation ``level``, passing it
    the pipe ends ``fds``; ``home`` holds the session's ``src/``."""
    server = [sys.executable, "-P", "-m", "grader.run.forkserver",
              level, ",".join(str(f) for f in fds)]
    if level != "bwrap":
        return server
    argv = ["bwrap", "--unshare-all", "--unshare-user",
            "--disable-userns", "--die-with-parent", "--new-session",
            "--uid", "65534", "--gid", "65534",
            "--hostname", "ae-grader"] + system_binds()
    for path in python_paths():
        argv += ["--ro-bind", path, path]
    argv += ["--ro-bind", str(GRADER_DIR), f"{SANDBOX_ROOT}/lib/grader",
             "--ro-bind", str(home / "src"), f"{SANDBOX_ROOT}/src",
             "--size", str(disk_mb * 1024 * 1024),
             "--tmpfs", f"{SANDBOX_ROOT}/work",
             "--size", str(16 * 1024 * 1024), "--tmpfs", "/tmp",
             "--proc", "/proc", "--dev", "/dev",
             "--chdir", f"{SANDBOX_ROOT}/work"]
    return argv + server
