"""What the grader's own side fails on: never the student's fault.

Every exception here means a folder could not be graded because of the
grader (its sandbox, its data, its options, its own code). Each command
turns one into exit code 3 with the cause in words; a batch row gets the
status ``error``; a platform's output says the autograder failed instead
of giving a score.
"""
from __future__ import annotations


class GraderFailure(RuntimeError):
    """The grader could not grade; the message says why in words."""


class SandboxFailed(GraderFailure):
    """A sandbox did not start (or died before any job could start): the
    message carries what the sandbox itself said (bubblewrap's stderr)."""
