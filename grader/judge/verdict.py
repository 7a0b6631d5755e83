"""A check's outcome: passed, failed, skipped, warning or a grader error."""
from __future__ import annotations

from dataclasses import dataclass

from grader.results import Status


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: passed, failed, skipped or warning."""

    status: Status
    message: str = ""

    @classmethod
    def ok(cls, message: str = "") -> "Verdict":
        """Passed."""
        return cls("passed", message)

    @classmethod
    def fail(cls, message: str) -> "Verdict":
        """Failed, with what was expected and found."""
        return cls("failed", message)

    @classmethod
    def blocked(cls, by: str) -> "Verdict":
        """Skipped: a check it needs did not pass."""
        return cls("skipped", f"not checked until '{by}' passes")

    @classmethod
    def warn(cls, message: str) -> "Verdict":
        """Passed with a remark (no points lost)."""
        return cls("warning", message)

    @classmethod
    def error(cls, message: str) -> "Verdict":
        """The grader itself failed: no verdict on the student's code."""
        return cls("error", message)
