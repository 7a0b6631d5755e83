"""How one worker run ended, as the sandbox saw it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class WorkerOutcome:
    """What came back from one worker run."""

    # "ok", "timeout", "crashed", "no-result", "output", "disk", "sandbox",
    # "too-large" (refused before anything was copied), "grader" (its
    # sandbox could not start: the grader's failure)
    status: str
    result: dict[str, Any] | None = None
    returncode: int | None = None
    seconds: float = 0.0
    output: str = ""
    notes: list[str] = field(default_factory=list)
    left_processes: int = 0  # still running when it ended (then killed)
