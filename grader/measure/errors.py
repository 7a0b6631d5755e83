"""Errors met while measuring, as plain data: the student's and the grader's.

A failure of the student's code becomes :func:`error_info` (what raised,
where in the student's file, and the telling line of the message); a
failure of the grader's own measuring code becomes :func:`grader_error`.
"""
from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from typing import Any

from grader.measurements import ErrorInfo, GraderError


def error_info(exc: BaseException, student_file: str) -> ErrorInfo:
    """Type, telling line and details of the message, the exception's
    chain, the innermost line of the student's file, and who raised it
    (the judge names the cause): "student" (the student's code),
    "library" (Keras, TensorFlow, ...) or "call" (the call of the
    student's function itself, before its code ran: e.g. a number of
    arguments its definition does not take)."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename == student_file]
    where = None
    if mine:
        frame = mine[-1]
        where = {"line": frame.lineno, "code": (frame.line or "").strip(),
                 "function": frame.name}
    text = plain(str(exc))
    message = key_line(text)
    if isinstance(exc, SystemExit):
        message = f"sys.exit({exc.code!r}) was called"
    chain: list[dict[str, str]] = []
    seen, inner = {id(exc)}, exc.__cause__ or exc.__context__
    while inner is not None and id(inner) not in seen and len(chain) < 3:
        seen.add(id(inner))
        chain.append({"type": type(inner).__name__,
                      "message": plain(str(inner))[:600]})
        inner = inner.__cause__ or inner.__context__
    raised_in = ("student" if frames and frames[-1].filename == student_file
                 else "call" if frames and is_guarded_call(frames[-1])
                 else "library" if frames else "")
    return {"type": type(exc).__name__, "message": message[:400],
            "detail": text[:2000], "chain": chain, "where": where,
            "raised_in": raised_in}


KEY_WORDS = ("incompatible", "expected", "must", "shape", "not found",
             "missing", "unexpected", "invalid")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# An object's memory address ("<Functional object at 0x7f3a...>"): it
# differs from run to run, and the same file must get the same message.
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def plain(text: str) -> str:
    """An exception's text without terminal colours or memory addresses."""
    return ADDRESS.sub("0x…", ANSI.sub("", text))


def key_line(message: str) -> str:
    """The telling line of a long Keras error (it wraps the cause in
    "Exception encountered when calling ..." and argument listings)."""
    lines = [line.strip() for line in ANSI.sub("", message).splitlines()
             if line.strip()]
    if len(lines) <= 1:
        return " ".join(lines)
    for line in lines:
        framing = line.startswith(("Exception encountered",
                                   "Call arguments", "Arguments received",
                                   "•"))
        if not framing and any(w in line.lower() for w in KEY_WORDS):
            return line
    return lines[0]


def is_guarded_call(frame: traceback.FrameSummary) -> bool:
    """Is ``frame`` :func:`guarded`'s own call of the student's function
    (raised there: the call did not fit the function)?"""
    return frame.filename == __file__ and frame.name == "guarded"


def guarded(student_file: str, fn: Callable[..., Any], *args: Any
            ) -> tuple[Any, ErrorInfo | None]:
    """Runs ``fn``; returns (value, None) or (None, error info)."""
    try:
        return fn(*args), None
    except BaseException as exc:  # student code may raise SystemExit too
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, error_info(exc, student_file)


class StudentFault(Exception):
    """The student's code or models failed while being measured.

    ``info`` says what was called (the stage) and what it raised; anything
    else that escapes a measurement is the grader's own failure.
    """

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(info.get("message", ""))
        self.info = info


def grader_error(exc: BaseException) -> GraderError:
    """A failure of the grader's own measuring code, with its traceback."""
    return {"type": type(exc).__name__, "message": key_line(str(exc))[:400],
            "trace": traceback.format_exc()[-2000:]}
