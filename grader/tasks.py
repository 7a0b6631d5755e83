"""The tasks: files, signatures and the argument sets the grader uses.

Nothing here imports TensorFlow, so the parent process can read it cheaply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# The kinds of task: each check says which it applies to.
TaskKind = Literal["dense", "sparse", "conv", "vae", "lowlevel"]
ALL_KINDS: tuple[TaskKind, ...] = get_args(TaskKind)
# The kinds whose function returns Keras models (encoder, decoder, auto),
# which the model checks apply to; task 6's tf.Module has checks of its own.
KINDS: tuple[TaskKind, ...] = tuple(k for k in ALL_KINDS if k != "lowlevel")
# What a task file may import (the course's rule; a task may allow more).
KERAS_IMPORT = "import tensorflow.keras as keras"


@dataclass(frozen=True)
class ArgSet:
    """One call of ``autoencoder(*args)`` made by the grader."""

    args: tuple[Any, ...]
    edge: bool = False  # a case the course never asks for: a crash only warns

    def call(self, function: str = "autoencoder") -> str:
        """The call as a student would write it."""
        return f"{function}({', '.join(repr(a) for a in self.args)})"


@dataclass(frozen=True)
class Task:
    """One exercise of the course."""

    number: int
    stem: str
    kind: TaskKind
    params: tuple[str, ...]
    argsets: tuple[ArgSet, ...]
    train_args: tuple[Any, ...]  # the seeded training run
    course_args: tuple[Any, ...] = field(default=())
    # One of the course page's four tasks (graded by default); False: a
    # "Going further" task, graded when asked for (--tasks) or present.
    course: bool = True
    imports: tuple[str, ...] = (KERAS_IMPORT,)  # the file may import only
    function: str = "autoencoder"  # what the file defines (6: a class)

    @property
    def filename(self) -> str:
        """The task file's name, e.g. ``0-vanilla.py``."""
        return f"{self.stem}.py"

    @property
    def signature(self) -> str:
        """The task's function signature, in words."""
        return f"{self.function}({', '.join(self.params)})"


TASKS: dict[int, Task] = {
    0: Task(0, "0-vanilla", "dense",
            ("input_dims", "hidden_layers", "latent_dims"),
            (ArgSet((784, [128, 64], 32)),
             ArgSet((100, [256, 128, 64], 16)),
             ArgSet((50, [20], 5)),
             ArgSet((30, [], 4), edge=True)),
            train_args=(784, [64, 32], 16),
            course_args=(784, [128, 64], 32)),
    1: Task(1, "1-sparse", "sparse",
            ("input_dims", "hidden_layers", "latent_dims", "lambtha"),
            (ArgSet((784, [128, 64], 32, 1e-5)),
             ArgSet((100, [256, 128, 64], 16, 1e-3)),
             ArgSet((50, [20], 5, 0.1)),
             ArgSet((30, [], 4, 1e-3), edge=True)),
            train_args=(784, [64, 32], 16, 1e-4),
            course_args=(784, [128, 64], 32, 1e-5)),
    2: Task(2, "2-convolutional", "conv",
            ("input_dims", "filters", "latent_dims"),
            (ArgSet(((28, 28, 1), [16, 8, 8], (4, 4, 8))),
             ArgSet(((12, 20, 3), [4, 8, 16], (2, 3, 16))),
             ArgSet(((28, 28, 1), [8, 8, 8, 4], (2, 2, 4)))),
            train_args=((28, 28, 1), [8, 8, 4], (4, 4, 4)),
            course_args=((28, 28, 1), [16, 8, 8], (4, 4, 8))),
    3: Task(3, "3-variational", "vae",
            ("input_dims", "hidden_layers", "latent_dims"),
            (ArgSet((784, [512], 2)),
             ArgSet((100, [64, 32, 16], 3)),
             ArgSet((50, [20], 4)),
             ArgSet((30, [], 4), edge=True)),
            train_args=(784, [128], 2),
            course_args=(784, [512], 2)),
    # The tutorial's sizes, then smaller ones (no two weights of one
    # shape: the grader matches variables by their shapes).
    6: Task(6, "6-low-level", "lowlevel",
            ("input_dims", "hidden_dims", "latent_dims", "seed",
             "learning_rate"),
            (ArgSet((784, 128, 64, 0, 0.01)),
             ArgSet((100, 32, 8, 5, 0.001)),
             ArgSet((50, 20, 6, 1, 0.05))),
            train_args=(100, 32, 8, 3, 0.01),
            course_args=(784, 128, 64, 0, 0.01),
            course=False, function="Autoencoder",
            imports=("import tensorflow as tf",)),
}
# The course page's four tasks: graded by default.
COURSE_TASKS: tuple[int, ...] = tuple(n for n, t in TASKS.items()
                                      if t.course)


def parse_tasks(text: str | None) -> list[int]:
    """``"0,3"`` -> ``[0, 3]``; ``None`` or ``""`` -> the course's tasks
    (:data:`COURSE_TASKS`). Raises ValueError."""
    if not text:
        return list(COURSE_TASKS)
    numbers = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) not in TASKS:
            raise ValueError(
                f"unknown task {part!r}: choose from "
                f"{', '.join(str(n) for n in TASKS)}")
        numbers.append(int(part))
    return sorted(set(numbers))
