"""How one worker run ended, as the sandbox saw it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# How a worker run ended: "ok"; the student's code ran out of time
# ("timeout"), crashed, wrote no result, too much output or disk; the
# sandbox broke ("sandbox"); a file too large to copy ("too-large", refused
# before anything was copied); its sandbox could not start ("grader": the
# grader's failure).
WorkerStatus = Literal["ok", "timeout", "crashed", "no-result", "output",
                       "disk", "sandbox", "too-large", "grader"]
WORKER_STATUSES: tuple[WorkerStatus, ...] = get_args(WorkerStatus)


@dataclass
class WorkerOutcome:
    """What came back from one worker run."""

    status: WorkerStatus
    result: dict[str, Any] | None = None
    returncode: int | None = None
    seconds: float = 0.0
    output: str = ""
    notes: list[str] = field(default_factory=list)
    left_processes: int = 0  # still running when it ended (then killed)
    # Killed when it ended but not traced to it (workers sharing a uid):
    # some task of the folder left them.
    stray_processes: int = 0
