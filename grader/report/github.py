"""GitHub Classroom: the result a runner step hands to the grading reporter.

``classroom-resources/autograding-grading-reporter`` reads the environment
variable ``<RUNNER>_RESULTS``: base64 of ``{version: 1, status, max_score,
tests: [{name, status, score, message}]}``; it adds up the tests' scores
and ``max_score`` (partial credit). A step passes it on through
``$GITHUB_OUTPUT`` as ``result=<base64>``.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from grader.results import Report

OUTPUT_KEY = "result"


def results(report: Report) -> dict[str, Any]:
    """``report`` in the reporter's runner format."""
    return {
        "version": 1,
        "status": "pass" if report.all_passed else "fail",
        "max_score": report.max_score,
        "tests": [{
            "name": f"Task {r.task}: {r.title}",
            "status": "pass" if r.status in ("passed", "warning")
            else "fail",
            "score": r.points,
            "message": r.message,
        } for r in report.results],
    }


def failure(message: str, max_score: float = 0.0) -> dict[str, Any]:
    """The runner format for a submission that could not be graded."""
    return {"version": 1, "status": "error", "max_score": max_score,
            "tests": [{"name": "grading", "status": "error", "score": 0,
                       "message": message}]}


def output_line(data: dict[str, Any]) -> str:
    """The ``$GITHUB_OUTPUT`` line: ``result=<base64 JSON>``."""
    encoded = base64.b64encode(json.dumps(data).encode()).decode()
    return f"{OUTPUT_KEY}={encoded}\n"


def decode_line(line: str) -> dict[str, Any]:
    """The JSON of an :func:`output_line` (what the reporter reads)."""
    key, _, value = line.strip().partition("=")
    if key != OUTPUT_KEY:
        raise ValueError(f"not a {OUTPUT_KEY}= line: {line[:40]!r}")
    return json.loads(base64.b64decode(value, validate=True))


def append_output(data: dict[str, Any], path: Path) -> None:
    """Appends the line to ``path`` (the file named by ``$GITHUB_OUTPUT``)."""
    with open(path, "a") as handle:
        handle.write(output_line(data))
