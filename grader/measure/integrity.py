"""Worker side of the integrity check: what functions a task file replaced.

:func:`snapshot` records the identity of every function and class attribute
of the modules a grading relies on (NumPy and its testing helpers,
unittest, pytest, TensorFlow, Keras's layers, models, losses and
optimizers, and the grader's own modules); :func:`changed` lists the names
whose object is no longer the one recorded. The parent judges the list
(:mod:`grader.judge.checks.integrity`); the worker only measures it.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any, Iterator

MODULES = ("numpy", "numpy.testing", "numpy.linalg", "unittest",
           "unittest.case", "pytest", "_pytest.python_api", "tensorflow",
           "tensorflow.math", "keras", "keras.layers", "keras.models",
           "keras.losses", "keras.optimizers", "keras.backend", "keras.ops",
           "tf_keras", "tf_keras.layers", "tf_keras.models",
           "tf_keras.losses", "tf_keras.optimizers", "tf_keras.backend",
           "builtins", "os", "json", "zipfile")
GRADER_PREFIX = "grader"
DESCRIPTORS = (staticmethod, classmethod, property)


PRELOADED = ("numpy.testing", "unittest", "pytest")


def preload() -> None:
    """Imports the watched modules the grading itself does not import, so
    that their functions are recorded before any task file runs."""
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _watched() -> Iterator[tuple[str, Any]]:
    """(qualified name, namespace) pairs: modules and their classes."""
    for name in sorted(sys.modules):
        module = sys.modules.get(name)
        if module is None:
            continue
        if name in MODULES or name == GRADER_PREFIX or name.startswith(
                GRADER_PREFIX + "."):
            yield name, module
            for attr, value in list(vars(module).items()):
                if isinstance(value, type) and not attr.startswith("__"):
                    yield f"{name}.{attr}", value


def snapshot() -> dict[str, int]:
    """Identity of every watched function, class and method."""
    found: dict[str, int] = {}
    for prefix, namespace in _watched():
        try:
            items = list(vars(namespace).items())
        except TypeError:
            continue
        for attr, value in items:
            code = callable(value) and not isinstance(value,
                                                      types.ModuleType)
            if code or isinstance(value, DESCRIPTORS):
                found[f"{prefix}.{attr}"] = id(value)
    return found


def changed(before: dict[str, int]) -> list[str]:
    """The names recorded in ``before`` that now hold another object (or
    were deleted)."""
    now = snapshot()
    return sorted(name for name, ident in before.items()
                  if now.get(name) != ident)
