"""The autoencoders autograder: ``grader.grade(folder, Options()) -> Report``.

The stages, one package each: :mod:`grader.run` (sandboxes, workers, the
reference), :mod:`grader.measure` (inside a worker), :mod:`grader.judge`
(the checks), :mod:`grader.report` (the output formats); the data they hand
on is written down in :mod:`grader.measurements` and :mod:`grader.results`.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Limits", "Options", "Report", "grade"]


def __getattr__(name: str) -> Any:
    """The public API, imported on first use: a worker that imports
    ``grader.measure`` never loads the parent's pipeline."""
    if name == "grade":
        from grader.pipeline import grade
        return grade
    if name in ("Options", "Limits"):
        from grader import options
        return getattr(options, name)
    if name == "Report":
        from grader.results import Report
        return Report
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
