"""The tasks: files, signatures and the argument sets the grader uses.

Nothing here imports TensorFlow, so the parent process can read it cheaply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# The kinds of task: each check says which it applies to.
TaskKind = Literal["dense", "sparse", "conv", "vae", "denoising",
                   "stacked", "lowlevel"]
ALL_KINDS: tuple[TaskKind, ...] = get_args(TaskKind)
# The kinds whose function returns Keras models (encoder, decoder, auto),
# which the model checks apply to; task 6's tf.Module has checks of its own.
KINDS: tuple[TaskKind, ...] = tuple(k for k in ALL_KINDS if k != "lowlevel")
# A kind whose models are another kind's: its tasks get that kind's model
# checks and measurements, besides their own (task 4's autoencoder is task
# 2's; its add_noise has checks of its own).
MODELS_OF: dict[TaskKind, TaskKind] = {"denoising": "conv"}
# The kinds from the longest to measure to the shortest (a worker's
# seconds per task file, bench/profile_grade.py): the workers take a
# folder's task files in this order, so that the longest is not the one
# left running alone at the end of a grading or a batch.
LONGEST_FIRST: tuple[TaskKind, ...] = ("conv", "denoising", "vae", "dense",
                                       "sparse", "stacked", "lowlevel")
# What a task file may import (the course's rule; a task may allow more).
KERAS_IMPORT = "import tensorflow.keras as keras"


def model_kind(kind: TaskKind) -> TaskKind:
    """The kind whose model checks and measurements ``kind`` uses."""
    return MODELS_OF.get(kind, kind)


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

    def latent_shape(self, args: tuple[Any, ...]) -> tuple[int, ...]:
        """The shape of one latent code (without the batch): the
        ``latent_dims`` argument, else (task 5) the last hidden layer."""
        if "latent_dims" in self.params:
            latent = args[self.params.index("latent_dims")]
        else:
            latent = args[self.params.index("hidden_layers")][-1]
        if isinstance(latent, (list, tuple)):
            return tuple(latent)
        return (latent,)

    @property
    def model_kind(self) -> TaskKind:
        """The kind whose model checks and measurements this task uses."""
        return model_kind(self.kind)

    @property
    def defines(self) -> str:
        """What the file's ``function`` is: task 6's is a class (a
        tf.Module), every other task's a function."""
        return "class" if self.kind == "lowlevel" else "function"

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
    4: Task(4, "4-denoising", "denoising",
            ("input_dims", "filters", "latent_dims"),
            (ArgSet(((28, 28, 1), [32, 32, 32], (4, 4, 32))),
             ArgSet(((12, 20, 3), [4, 8, 16], (2, 3, 16))),
             ArgSet(((28, 28, 1), [8, 8, 8, 4], (2, 2, 4)))),
            train_args=((28, 28, 1), [8, 8, 4], (4, 4, 4)),
            course_args=((28, 28, 1), [32, 32, 32], (4, 4, 32)),
            course=False,
            imports=(KERAS_IMPORT, "import numpy as np")),
    # Going further: the tutorial's stacked autoencoder (CIFAR-10 horses
    # in grayscale, 1,024 inputs); the codings are hidden_layers[-1].
    5: Task(5, "5-stacked", "stacked",
            ("input_dims", "hidden_layers", "l2_scale"),
            (ArgSet((1024, [300, 150], 1e-4)),
             ArgSet((100, [64, 32, 16], 1e-3)),
             ArgSet((50, [20], 0.1)),
             ArgSet((30, [8], 0.0))),  # no decoder hidden layer, no L2
            train_args=(1024, [64, 32], 1e-3),
            course_args=(1024, [300, 150], 1e-4),
            course=False),
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
# The "Going further" tasks: by default graded where the folder holds
# their file.
GOING_FURTHER: tuple[int, ...] = tuple(n for n, t in TASKS.items()
                                       if not t.course)


@dataclass(frozen=True)
class NoiseCase:
    """One call of task 4's ``add_noise(images, noise_factor, seed)``
    made by the grader, on float32 images that all have one value."""

    level: float
    shape: tuple[int, ...]
    noise_factor: float
    seed: int

    def call(self) -> str:
        """The call as a student would write it."""
        return (f"add_noise(np.full({self.shape}, {self.level}), "
                f"{self.noise_factor}, {self.seed})")

    @property
    def size(self) -> int:
        """How many values the images hold."""
        size = 1
        for n in self.shape:
            size *= n
        return size


# Task 4's calls of add_noise, in the order they are made. At 0.5 with a
# noise_factor of 0.1 clipping never bites (5 standard deviations): the
# noise itself is seen; 0.25 and 0.5 show how the spread scales (0.5 is the
# main's, clipped at 1 standard deviation); at 0 and 1 half the values
# are clipped. The last two repeat the first with another seed, then with
# its own again (after other seeds were used).
NOISE_CASES: tuple[NoiseCase, ...] = (
    NoiseCase(0.5, (64, 28, 28, 1), 0.1, 0),
    NoiseCase(0.5, (200, 250), 0.25, 1),
    NoiseCase(0.5, (64, 28, 28, 1), 0.5, 2),
    NoiseCase(0.0, (64, 28, 28, 1), 0.5, 3),
    NoiseCase(1.0, (100, 12, 20, 3), 0.3, 4),
    NoiseCase(0.5, (64, 28, 28, 1), 0.1, 5),
    NoiseCase(0.5, (64, 28, 28, 1), 0.1, 0),
)
# Task 4's seeded training, as the main trains: inputs add_noise(x,
# NOISE_TRAINING[0], seed) (seed [1] for training, [2] for validation),
# clean targets.
NOISE_TRAINING: tuple[float, int, int] = (0.5, 1, 2)


def parse_tasks(text: str | None) -> list[int]:
    """``"0,3"`` -> ``[0, 3]``; ``None`` or ``""`` -> the course's tasks
    (:data:`COURSE_TASKS`); ``"all"`` -> every task. Raises ValueError."""
    if not text:
        return list(COURSE_TASKS)
    if text.strip() == "all":
        return sorted(TASKS)
    numbers = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) not in TASKS:
            raise ValueError(
                f"unknown task {part!r}: choose from "
                f"{', '.join(str(n) for n in TASKS)}")
        numbers.append(int(part))
    return sorted(set(numbers))
