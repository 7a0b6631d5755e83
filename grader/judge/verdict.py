"""A check's outcome: passed, failed, skipped, warning or a grader error."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: passed, failed, skipped or warning."""

    status: str
    message: str = ""

    @classmethod
    def ok(cls, message: str = "") -> "Verdict":
        return cls("passed", message)

    @classmethod
    def fail(cls, message: str) -> "Verdict":
        return cls("failed", message)

    @classmethod
    def blocked(cls, by: str) -> "Verdict":
        return cls("skipped", f"not checked until '{by}' passes")

    @classmethod
    def warn(cls, message: str) -> "Verdict":
        return cls("warning", message)

    @classmethod
    def error(cls, message: str) -> "Verdict":
        """The grader itself failed: no verdict on the student's code."""
        return cls("error", message)
