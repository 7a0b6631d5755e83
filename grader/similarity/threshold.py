"""When a pair is flagged: a threshold per task, from how much room the
task leaves.

The room of a task is how many tokens its reference solution has beyond
the lines the course dictates (the shebang, the import, the signature):
186 for the vanilla task, 201 sparse, 256 convolutional, 410 variational.
Where there is little room, independent solutions converge, so the same
share of matching code is weaker evidence: a pair is flagged when

- its similarity is at least :attr:`Threshold.similarity`, 0.9 for a task
  with a room of 200 tokens or less, down to 0.8 for 400 or more; and
- each file has at least :attr:`Threshold.tokens` tokens in matching
  distinctive fragments, a fifth of the room and never fewer than 40
  (about three lines): a pair whose only distinctive code is a line or
  two is never flagged, however similar.

On the project's corpus (``tests/test_similarity.py``) independent
solutions reach 0.74 with 207 matching tokens, or 1.0 with 19; disguised
copies reach 1.0 with 110 tokens or more.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.similarity.template import required_lines
from grader.similarity.tokens import normalised_tokens
from grader.tasks import TASKS

TIGHT, LOOSE = 200, 400  # rooms (tokens) of a short and a long task
HIGH, LOW = 0.9, 0.8  # the similarity needed for each
MIN_TOKENS, TOKEN_SHARE = 40, 0.2


@dataclass(frozen=True)
class Threshold:
    """What a pair of one task needs to be flagged."""

    room: int
    similarity: float
    tokens: int

    def flags(self, similarity: float, matched: int) -> bool:
        """Whether a pair with this ``similarity`` and ``matched`` tokens
        (the fewer of its two files') is flagged."""
        return similarity >= self.similarity and matched >= self.tokens


def room(task: int, root: Path) -> int:
    """The task's room: its reference's tokens beyond the dictated lines
    (0 where ``root`` has no reference file)."""
    reference = root / TASKS[task].filename
    if not reference.is_file():
        return 0
    total = len(normalised_tokens(reference.read_text(encoding="utf-8")))
    return max(0, total - len(normalised_tokens(required_lines(task))))


def threshold_of(task: int, root: Path) -> Threshold:
    """The task's threshold (see the module's docstring)."""
    space = room(task, root)
    loose = min(1.0, max(0.0, (space - TIGHT) / (LOOSE - TIGHT)))
    return Threshold(space, round(HIGH - (HIGH - LOW) * loose, 3),
                     max(MIN_TOKENS, round(TOKEN_SHARE * space)))
