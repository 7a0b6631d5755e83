"""Processes as the sandbox sees them: which are running, and killing
every one of a uid (both sides of the sandbox use these)."""
from __future__ import annotations

import os
import signal


def processes() -> list[tuple[int, int, int]]:
    """(pid, session id, real uid) of every process this one can see
    that is still running (a zombie is dead already)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/status") as handle:
                uid = next(int(line.split()[1]) for line in handle
                           if line.startswith("Uid:"))
        except (OSError, StopIteration, IndexError, ValueError):
            continue
        if fields[0] == "Z":  # waiting for its parent to read its status
            continue
        found.append((int(entry), int(fields[3]), uid))
    return found


def kill_uid(uid: int) -> None:
    """Kills every process of ``uid`` (as that uid: ``kill(-1)`` reaches
    all of its processes, whatever session or group they made)."""
    killer = os.fork()
    if killer == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # all of this uid but itself
        finally:
            os._exit(0)
    os.waitpid(killer, 0)
