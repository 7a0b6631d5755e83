"""Task 6's measurements: an autoencoder that is a ``tf.Module`` of its own
variables, with ``__call__``, ``encode`` and ``train_step`` (worker side
only; nothing here judges).

The task fixes eight variables by their shapes (see :func:`expected_shapes`),
so the grader finds each by its shape. The two hidden biases have the same
shape; which one is the encoder's is found by behaviour (the one that moves
``encode``'s output). Every found variable then gets the grader's canonical
value, in the student's module and in the reference's alike, and the outputs
and training steps are measured from there.
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure.arrays import to_numpy
from grader.measure.errors import StudentFault, grader_error
from grader.measure.student import StudentCode
from grader.measure.trace import keras, layer_base_classes, tf
from grader.measurements import (LOWLEVEL_ROLES, ErrorInfo, TaskMeasured,
                                 Training)
from grader.tasks import Task

BATCH = 16         # rows for the output comparisons
STEP_BATCH = 32    # rows of each training step's batch
TRAIN_STEPS = 10   # the seeded training's steps
SEEDS = (1, 2, 3)  # the global TensorFlow seeds set before the three builds
METHODS = ("__call__", "encode", "train_step")


def expected_shapes(args: tuple[Any, ...]) -> list[tuple[int, ...]]:
    """The shape of each role of :data:`LOWLEVEL_ROLES`, from the arguments
    (input_dims, hidden_dims, latent_dims, ...)."""
    n, h, z = args[0], args[1], args[2]
    return [(n, h), (h, z), (z, h), (h, n), (h,), (z,), (h,), (n,)]


def build(code: StudentCode, task: Task, args: tuple[Any, ...],
          global_seed: int) -> tuple[Any, ErrorInfo | None]:
    """Creates the student's module after ``global_seed`` was set for
    TensorFlow (and Keras, NumPy and Python's ``random``: what a file that
    breaks the task's rules draws from is the same on every run); returns
    (module, None) or (None, what went wrong)."""
    keras.utils.set_random_seed(global_seed)
    cls = getattr(code.module, task.function)
    value, error = code.attempt(cls, *copy.deepcopy(args))
    if error:
        return None, {"stage": "build", **error}
    kind = type(value).__name__
    if not isinstance(value, tf.Module):
        return None, {"stage": "return", "type": kind,
                      "message": f"{task.function}(...) made a {kind}, "
                                 "not a tf.Module"}
    lacking = [m for m in METHODS if not callable(getattr(value, m, None))]
    if lacking:
        return None, {"stage": "return", "type": kind,
                      "message": f"the {kind} has no method "
                                 + ", ".join(lacking)}
    return value, None


def keras_parts(module: Any) -> list[str]:
    """Where ``module`` (its attributes, nested in lists, dicts and other
    tf.Modules) holds a Keras layer or model or a Keras variable."""
    bases = tuple(layer_base_classes())
    found: list[str] = []
    seen: set[int] = set()

    def walk(value: Any, path: str, depth: int) -> None:
        if id(value) in seen or depth > 8:
            return
        seen.add(id(value))
        name = str(getattr(type(value), "__module__", "")).split(".")[0]
        if isinstance(value, bases) or (
                name in ("keras", "tf_keras")
                and "Variable" in type(value).__name__):
            found.append(f"{path} ({type(value).__name__})")
        elif isinstance(value, tf.Module) or depth == 0:
            # public attributes first: they name what the student wrote
            for key, item in sorted(vars(value).items(),
                                    key=lambda kv: (kv[0][:1] == "_",
                                                    kv[0])):
                walk(item, f"{path}.{key}", depth + 1)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}[{key!r}]", depth + 1)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]", depth + 1)

    walk(module, "self", 0)
    return found


def match_roles(code: StudentCode, module: Any, args: tuple[Any, ...],
                x: np.ndarray) -> list[int] | None:
    """For each role, the position of the student's variable that plays it
    (by shape; the hidden biases by behaviour), or None if the shapes do
    not fit the task's."""
    variables = list(module.trainable_variables)
    shapes = [tuple(v.shape) for v in variables]
    wanted = expected_shapes(args)
    if sorted(shapes) != sorted(wanted) or not all(
            isinstance(v, tf.Variable) and v.dtype == tf.float32
            for v in variables):
        return None
    roles: list[int] = []
    for shape in wanted:
        roles.append(next(i for i, s in enumerate(shapes)
                          if s == shape and i not in roles))
    first, second = LOWLEVEL_ROLES.index("encoder_b1"), \
        LOWLEVEL_ROLES.index("decoder_b1")
    before = code.call(module.encode, "encode", x)
    variable = variables[roles[first]]
    variable.assign_add(tf.ones_like(variable))
    after = code.call(module.encode, "encode", x)
    variable.assign_sub(tf.ones_like(variable))
    if np.array_equal(before, after):  # it was the decoder's
        roles[first], roles[second] = roles[second], roles[first]
    return roles


def canonical(args: tuple[Any, ...], seed: int) -> list[np.ndarray]:
    """The grader's values of the eight variables (weights ~ N(0, 0.2^2),
    biases ~ N(0, 0.5^2)), the same for student and reference."""
    rng = np.random.default_rng([seed, 6])
    return [rng.normal(0, 0.2 if len(shape) == 2 else 0.5, shape).astype(
        "float32") for shape in expected_shapes(args)]


def assign(module: Any, roles: list[int], values: list[np.ndarray]
           ) -> None:
    """Gives the variable of each role its value."""
    variables = list(module.trainable_variables)
    for role, value in zip(roles, values):
        variables[role].assign(value)


def read(module: Any, roles: list[int]) -> list[np.ndarray]:
    """The current value of each role's variable."""
    variables = list(module.trainable_variables)
    return [np.array(variables[role].numpy()) for role in roles]


def step(code: StudentCode, module: Any, roles: list[int], x: np.ndarray
         ) -> tuple[float | None, list[np.ndarray]]:
    """One ``train_step(x)``: the loss it returned (None if not a number)
    and how it moved each role's variable."""
    before = read(module, roles)
    loss = code.run("train_step", lambda: to_numpy(module.train_step(x)))
    after = read(module, roles)
    try:
        value: float | None = float(np.asarray(loss, "float64"))
    except (TypeError, ValueError):
        value = None
    return value, [a - b for a, b in zip(after, before)]


def seed_measures(code: StudentCode, task: Task, args: tuple[Any, ...],
                  first: Any) -> dict[str, Any]:
    """How much the initial values change with the global seed alone, and
    with the task's seed argument (None where a build failed or its shapes
    differ)."""
    values = np.concatenate([np.ravel(np.asarray(v, "float64"))
                             for v in first.trainable_variables] or
                            [np.zeros(0)])
    out: dict[str, Any] = {}
    other_args = (args[:3] + (args[3] + 1,) + args[4:])
    for key, call_args, global_seed in (("same_seed", args, SEEDS[1]),
                                        ("other_seed", other_args, SEEDS[2])):
        module, _ = build(code, task, call_args, global_seed)
        out[key] = None
        if module is None:
            continue
        again, error = code.attempt(lambda m=module: [
            np.ravel(np.asarray(v, "float64"))
            for v in m.trainable_variables])
        if error is None and sum(a.size for a in again) == values.size:
            out[key] = float(np.max(np.abs(
                np.concatenate(again) - values), initial=0.0))
    return out


def describe(module: Any) -> dict[str, Any]:
    """The module's class, its Keras parts, and each trainable variable's
    shape, dtype, class and initial statistics (student code may run:
    a property, a strange variable; see :meth:`StudentCode.run`)."""
    variables = list(module.trainable_variables)
    values = [np.asarray(v, "float64") for v in variables]
    return {
        "module": type(module).__name__,
        "keras_parts": keras_parts(module),
        "variables": [{"shape": list(np.shape(a)),
                       "dtype": str(getattr(getattr(v, "dtype", None),
                                            "name", type(v).__name__)),
                       "class": type(v).__name__,
                       "is_variable": isinstance(v, tf.Variable)}
                      for v, a in zip(variables, values)],
        "stats": [{"mean": float(np.mean(a)) if a.size else 0.0,
                   "std": float(np.std(a)) if a.size else 0.0,
                   "size": int(a.size)} for a in values]}


def measure_argset(code: StudentCode, task: Task, index: int,
                   images: np.ndarray) -> dict[str, Any]:
    """Everything the checks read of one argument set; a failure is data
    (``error``; the steps' own ``train_error``)."""
    args = task.argsets[index].args
    module, error = build(code, task, args, SEEDS[0])
    if module is None:
        return {"error": error}
    try:
        out: dict[str, Any] = code.run("variables", describe, module)
    except StudentFault as fault:
        return {"error": fault.info}
    if index:  # the tutorial's sizes (argument set 0) are the costliest
        out.update(seed_measures(code, task, args, module))
    x = grader_data.inputs_for((args[0],), BATCH, index, images)
    try:
        out["roles"] = match_roles(code, module, args, x)
        if out["roles"] is None:
            return out
        roles = out["roles"]
        values = canonical(args, index)
        assign(module, roles, values)
        out["x"] = x
        out["auto_out"] = code.call(module, "__call__", x)
        out["encode_out"] = code.call(module.encode, "encode", x)
        assign(module, roles, values)
        batches = [grader_data.inputs_for((args[0],), STEP_BATCH,
                                          100 + 10 * index + i, images)
                   for i in range(2)]
        out["losses"], out["deltas"] = [], []
        for batch in batches:
            loss, delta = step(code, module, roles, batch)
            out["losses"].append(loss)
            out["deltas"].append(delta)
    except StudentFault as fault:
        out["train_error" if fault.info.get("stage") == "train_step"
            else "error"] = fault.info
    except Exception as exc:  # the grader's own code
        out["grader_error"] = grader_error(exc)
    return out


def seeded_training(code: StudentCode, task: Task, images: np.ndarray
                    ) -> Training:
    """TRAIN_STEPS steps from the canonical values on fixed batches."""
    args = task.train_args
    module, error = build(code, task, args, SEEDS[0])
    if module is None or error is not None:
        return {"error": error or {}}
    data = grader_data.inputs_for((args[0],), TRAIN_STEPS * STEP_BATCH, 11,
                                  images)
    try:
        roles = match_roles(code, module, args, data[:BATCH])
        if roles is None:
            return {"error": {"stage": "build", "type": "shapes",
                              "message": "its variables' shapes are not "
                                         "the task's"}}
        assign(module, roles, canonical(args, 7))
        losses = [step(code, module, roles,
                       data[i * STEP_BATCH:(i + 1) * STEP_BATCH])[0]
                  for i in range(TRAIN_STEPS)]
    except StudentFault as fault:
        return {"error": fault.info}
    return {"loss": [float("nan") if v is None else v for v in losses]}


def probe_task(task: Task, module: Any, student_file: str) -> TaskMeasured:
    """Everything the checks of task 6 need, for every argument set."""
    images, source = grader_data.mnist_images()
    code = StudentCode(module, student_file)
    argsets = [measure_argset(code, task, i, images)
               for i in range(len(task.argsets))]
    return {"data_source": source, "argsets": argsets,
            "training": seeded_training(code, task, images)}
