"""The data file a grading reads (``MNIST_PATH``), checked by the parent
before any sandbox starts: set but unreadable is the grader's failure, never
a silent switch to other images (the cached reference would then have
been measured on different data than the student's file)."""
from __future__ import annotations

import os

import numpy as np

from grader.failures import GraderFailure

KEYS = ("x_test", "y_test")


class DataUnavailable(GraderFailure):
    """``MNIST_PATH`` names a file that cannot be read as MNIST."""


def mnist_problem() -> str | None:
    """Why ``MNIST_PATH`` cannot be used, or None (unset: the synthetic
    images of :mod:`grader.measure.data`; set and readable: MNIST)."""
    path = os.environ.get("MNIST_PATH")
    if not path:
        return None
    try:
        with np.load(path) as data:
            missing = [key for key in KEYS if key not in data.files]
    except Exception as error:
        return (f"MNIST_PATH={path} cannot be read ({type(error).__name__}: "
                f"{error}): fix the path, or unset MNIST_PATH to grade on "
                "the grader's synthetic images")
    if missing:
        return (f"MNIST_PATH={path} is not an MNIST file: it lacks "
                f"{', '.join(missing)} (see the README's data section)")
    return None


def check_data() -> None:
    """Raises :class:`DataUnavailable` when ``MNIST_PATH`` is unusable."""
    problem = mnist_problem()
    if problem:
        raise DataUnavailable(problem)
