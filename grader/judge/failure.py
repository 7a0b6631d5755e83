"""What an error tells (:class:`Failure`, read from the plain error dict a
worker sends) and what a known cause is (:class:`Cause`: a recogniser, the
cause and the fix in the course's words)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from grader.judge.text import plain
from grader.measurements import ErrorInfo


@dataclass(frozen=True)
class Failure:
    """What an error dict tells: the exception, where and when it happened."""

    type: str
    message: str  # the telling line, plain
    text: str  # message, details and the exception's chain, plain
    code: str  # the student's line ('' if none)
    function: str  # the student's function that was running ('' if none)
    stage: str  # import, build, call encoder, train, training, measure ...
    raised_in: str  # "student", "library", "call" or "" (unknown)
    params: tuple[str, ...] = ()  # the task's signature, where known

    @classmethod
    def of(cls, error: ErrorInfo, stage: str | None = None,
           params: tuple[str, ...] = ()) -> Failure:
        """The failure an error dict describes, at ``stage``, in a task
        whose function takes ``params``."""
        where = error.get("where") or {}
        chain = error.get("chain") or []
        parts = [error.get("message", ""), error.get("detail", "")]
        parts += [f"{c.get('type', '')}: {c.get('message', '')}"
                  for c in chain]
        return cls(type=str(error.get("type", "")),
                   message=plain(error.get("message", "")),
                   text=plain("\n".join(p for p in parts if p)),
                   code=plain(where.get("code", "") or ""),
                   function=str(where.get("function", "") or ""),
                   stage=stage or str(error.get("stage", "") or ""),
                   raised_in=str(error.get("raised_in", "") or ""),
                   params=tuple(params))

    def says(self, *patterns: str) -> re.Match | None:
        """The first match of any pattern in the message and its chain."""
        for pattern in patterns:
            found = re.search(pattern, self.text, re.IGNORECASE)
            if found:
                return found
        return None

    @property
    def training(self) -> bool:
        """Did it happen while training (a step or the seeded run)?"""
        return self.stage in ("train", "training")


@dataclass(frozen=True)
class Cause:
    """A known cause: a recogniser, the cause and the fix in course words.

    ``recognise`` returns None, or the fields its texts are formatted with.
    ``keras_code`` is the Keras version the failing code was written for
    when the cause is a difference between Keras 2 and 3 (None otherwise).
    """

    id: str
    recognise: Callable[[Failure], dict | None]
    why: str
    fix: str
    keras_code: int | None = None

    def explain(self, failure: Failure) -> str | None:
        """The 'cause: ... / fix: ...' lines, if this cause matches."""
        fields = self.recognise(failure)
        if fields is None:
            return None
        fields = {"line": failure.code, **fields}
        return (f"cause: {self.why.format(**fields)}\n"
                f"fix: {self.fix.format(**fields)}")


def _when(condition: bool, **fields: str) -> dict | None:
    """The fields when ``condition`` holds, else None."""
    return fields if condition else None
