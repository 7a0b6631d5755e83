"""The one way the worker calls student code.

:class:`StudentCode` holds the student's (or the reference's) module and
file; every call into it goes through :meth:`StudentCode.attempt` (a
failure comes back as data), :meth:`StudentCode.run` (a failure raises
:class:`~grader.measure.errors.StudentFault`) or the helpers built on
them. The measuring modules (:mod:`grader.measure.probe`,
:mod:`grader.measure.plain`, :mod:`grader.measure.vae`,
:mod:`grader.measure.training`) take this, not each other.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict

import numpy as np

from grader.measure.arrays import to_numpy
from grader.measure.compiled import train_loss
from grader.measure.errors import StudentFault, error_info, guarded
from grader.measure.trace import is_model, keras
from grader.measure.weights import snapshot
from grader.measurements import ErrorInfo


class Step(TypedDict):
    """One training step: its loss, its error, how it moved the weights."""

    loss: float | None
    error: ErrorInfo | None
    step_delta: NotRequired[list[list[np.ndarray]]]  # when it ran


# ([encoder, decoder, auto], None) or (None, what went wrong)
Built = tuple[list[Any], None] | tuple[None, ErrorInfo]


def failed(error: ErrorInfo) -> Built:
    """A build that failed with ``error``."""
    return None, error


class StudentCode:
    """A task file's module, called only through these methods."""

    def __init__(self, module: Any, student_file: str) -> None:
        self.module = module
        self.file = student_file

    def attempt(self, fn: Callable[..., Any], *args: Any
                ) -> tuple[Any, ErrorInfo | None]:
        """Runs ``fn``; returns (value, None) or (None, the error)."""
        return guarded(self.file, fn, *args)

    def run(self, stage: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Runs student code (``fn`` calls into the models); a failure is
        the student's, raised as :class:`StudentFault` naming ``stage``."""
        try:
            return fn(*args)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise StudentFault({"stage": stage,
                                **error_info(exc, self.file)}) from exc

    def call(self, model: Any, name: str, value: Any) -> Any:
        """``model(value)`` as NumPy arrays; see :meth:`run`."""
        return self.run(f"call {name}", lambda: to_numpy(model(value)))

    def build(self, args: tuple[Any, ...]) -> Built:
        """Calls ``autoencoder(*args)`` from a fresh session and seed;
        returns ([encoder, decoder, auto], None) or (None, error)."""
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        value, error = self.attempt(self.module.autoencoder,
                                    *copy.deepcopy(args))
        if error:
            return failed({"stage": "build", **error})
        if not isinstance(value, (tuple, list)):
            return failed({"stage": "return", "type": type(value).__name__,
                           "message": f"returned a {type(value).__name__}, "
                                      "not the tuple encoder, decoder, auto"})
        if len(value) != 3:
            return failed({"stage": "return", "type": "tuple",
                           "message": f"returned {len(value)} values, "
                                      "expected 3 (encoder, decoder, auto)"})
        kinds = [type(v).__name__ for v in value]
        if not all(is_model(v) for v in value):
            return failed({"stage": "return", "type": "types",
                           "message": "returned " + ", ".join(kinds)
                                      + ": all three must be Keras models"})
        return list(value), None

    def train_step(self, auto: Any, x: np.ndarray, layers: list[Any]
                   ) -> Step:
        """One training step of ``auto`` on ``x``: its ``loss``, its
        ``error`` (None when it ran) and, when it ran, ``step_delta``:
        how it moved each weight of ``layers``."""
        before = snapshot(layers)
        loss, error = self.attempt(train_loss, auto, x)
        step: Step = {"loss": loss, "error": error}
        if error is None:
            after = snapshot(layers)
            step["step_delta"] = [[a - b for a, b in zip(la, lb)]
                                  for la, lb in zip(after, before)]
        return step
