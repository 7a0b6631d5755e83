"""Task 6's feedback: what the grader was doing, and the known causes of a
failed check of :mod:`grader.judge.checks.lowlevel`, with their fixes (as
'cause: ...' / 'fix: ...' lines)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from grader.judge import tolerances as tol

MODULE_FIX = ("fix: define class {name}(tf.Module) whose __init__ creates "
              "the variables, with the methods __call__(x) (the "
              "reconstruction), encode(x) (the latent representation) and "
              "train_step(x) (one Adam step, returning the loss)")
KERAS_FIX = ("cause: the task builds the network from its own tf.Variables "
             "and TensorFlow ops; Keras layers hide the very variables and "
             "matrix products it is about\nfix: create each weight and bias "
             "with tf.Variable and compute each layer as "
             "tf.nn.sigmoid(tf.matmul(x, W) + b)")
SEED_SAME = ("cause: the initial values depend on TensorFlow's global "
             "random state (tf.random.normal without a seed, or with an "
             "op seed, draws differently on every call), not on the seed "
             "argument alone\nfix: draw them from "
             "tf.random.Generator.from_seed(seed) (its normal(shape, "
             "stddev=0.05)) or with tf.random.stateless_normal(shape, "
             "seed=[seed, i], stddev=0.05), a different i per variable")
SEED_OTHER = ("cause: the seed argument is not used (a constant seed?)\n"
              "fix: seed the generator of the initial values with the seed "
              "argument")
RETURN_LOSS = ("fix: return the loss computed inside the GradientTape "
               "(the mean squared error before the update)")
TRAINING_DRIFT = ("cause: every single step matched the reference's, so "
                  "the state kept between steps differs (Adam's moments or "
                  "step count, or the optimizer created anew)\nfix: create "
                  "the optimizer (or Adam's moments) once, in __init__")


def doing(stage: str | None, call: str) -> str:
    """What the grader was doing at ``stage`` with ``call``."""
    if stage == "build":
        return f"creating {call}"
    if stage == "variables":
        return f"reading the trainable variables of {call}"
    if stage == "train_step":
        return (f"calling train_step of {call} on a batch of 32 inputs, "
                "from the grader's values")
    if stage and stage.startswith("call "):
        return (f"calling {stage[len('call '):]} of {call} on a batch of "
                "16 inputs")
    return f"{stage or 'measuring'} for {call}"


def shapes(found: Sequence[tuple[int, ...]]) -> str:
    """'(784, 128), (128,), ...' in the given order."""
    return ", ".join(str(tuple(s)) for s in found) or "none"


def variables_cause(found: list[tuple[int, ...]],
                    wanted: list[tuple[int, ...]], rows: list[dict]) -> str:
    """The likely cause of variables that are not the task's eight."""
    if rows and not all(r["is_variable"] for r in rows):
        return ("\ncause: some trainable values are not tf.Variables\nfix: "
                "create every weight and bias with tf.Variable")
    if rows and not all(r.get("dtype") == "float32" for r in rows):
        kinds = sorted({r.get("dtype", "?") for r in rows} - {"float32"})
        return (f"\ncause: variables of dtype {', '.join(kinds)}: the "
                "inputs and the tutorial's variables are float32\nfix: "
                "create them from float32 values (tf.random's default)")
    if not found:
        return ("\ncause: the module sees no tf.Variable: it finds them in "
                "its attributes (self.name = tf.Variable(...), or lists and "
                "dicts of them), and a Keras 3 layer's weights are not "
                "tf.Variables\nfix: keep the tf.Variables in attributes of "
                "the module")
    extra = Counter(found) - Counter(wanted)
    missing = Counter(wanted) - Counter(found)
    transposed = [s for s in extra if tuple(reversed(s)) in missing]
    if transposed:
        return (f"\ncause: the weight {shapes(transposed)} is transposed: "
                "tf.matmul(x, W) with x of shape (batch, inputs) needs W of "
                "shape (inputs, outputs)\nfix: create each weight as "
                "[inputs, outputs], as the tutorial does")
    if len(found) > len(wanted) and all(s in found for s in wanted):
        return ("\ncause: more variables are trainable than the weights "
                "and biases (Adam's moments or a step counter?)\nfix: create "
                "the optimizer's state with tf.Variable(..., "
                "trainable=False)")
    return ("\ncause: the layers' sizes are not taken from the arguments "
            "(hard-coded sizes?)\nfix: the encoder maps input_dims -> "
            "hidden_dims -> latent_dims, the decoder latent_dims -> "
            "hidden_dims -> input_dims, each layer with a weight and a bias")


def init_cause(stat: dict) -> str:
    """The likely cause of initial values with the wrong statistics."""
    std, mean = stat["std"], stat["mean"]
    if std == 0:
        return (f"\ncause: every value is {mean:.3g} (tf.zeros or "
                "tf.ones?)\nfix: draw them from a normal distribution with "
                "stddev=0.05")
    if abs(std - 1) < 0.05:
        return ("\ncause: a standard deviation of 1 is tf.random.normal's "
                "default\nfix: pass stddev=0.05 (tf.keras's RandomNormal "
                "default, the tutorial's)")
    if abs(std / tol.INIT_STD - 0.88) < 0.02:
        return ("\ncause: a truncated normal: cutting at two standard "
                "deviations leaves 0.88 of the stddev\nfix: draw from the "
                "normal distribution itself")
    return (f"\ncause: the values were drawn with stddev {std:.3g} and mean "
            f"{mean:.3g}\nfix: draw every weight and bias from a normal "
            "distribution with mean 0 and stddev=0.05")


def forward_cause(key: str, mine: np.ndarray, ref: np.ndarray) -> str:
    """The likely cause of an output that is not the reference's."""
    if mine.shape == ref.shape and (mine.min() < 0 or mine.max() > 1):
        return ("\ncause: outputs outside [0, 1]: a sigmoid is missing "
                "(every layer of the tutorial's network ends in "
                "tf.nn.sigmoid)\nfix: apply tf.nn.sigmoid to each layer's "
                "tf.matmul(x, W) + b")
    where = "encoder" if key == "encode_out" else "decoder"
    return (f"\ncause: the {where} computes something else (a weight or "
            "bias used in the wrong layer, a missing bias, another "
            f"activation)\nfix: each {where} layer is "
            "tf.nn.sigmoid(tf.matmul(x, W) + b), with the tutorial's "
            "weights in order")


def loss_cause(loss: float, ref: float) -> str:
    """The likely cause of a returned loss that is not the reference's."""
    ratio = loss / ref if ref else float("inf")
    if np.isclose(ratio, round(ratio), rtol=1e-3) and round(ratio) > 1:
        return (f"\ncause: {round(ratio)} times the mean: a sum where the "
                "mean belongs\nfix: tf.reduce_mean(tf.square(x - "
                "reconstruction))")
    return ("\ncause: another loss (absolute error, cross-entropy, or the "
            "error of something else than the reconstruction of x)\nfix: "
            "the loss is tf.reduce_mean(tf.square(x - self(x)))")


def step_cause(mine: list[np.ndarray], ref: list[np.ndarray], rate: float,
               number: int) -> str:
    """The likely cause of a step that is not the reference's."""
    flat_m = np.concatenate([m.ravel() for m in mine])
    flat_r = np.concatenate([r.ravel() for r in ref])
    if not np.any(flat_m):
        return ("\ncause: train_step left every variable unchanged: the "
                "gradients are not applied\nfix: after tape.gradient, call "
                "optimizer.apply_gradients(zip(gradients, variables)) or "
                "update each variable with assign_sub")
    if number == 1:  # the first step matched
        return ("\ncause: the first step matched and the second did not: "
                "Adam's state (its moments, its step count) does not carry "
                "over from step to step (the optimizer created in "
                "train_step?)\nfix: create the optimizer, or Adam's "
                "moments and step count, once, in __init__")
    k = float(flat_m @ flat_r / (flat_r @ flat_r)) if flat_r.any() else 0.0
    residual = np.linalg.norm(flat_m - k * flat_r) / np.linalg.norm(flat_r)
    if residual < tol.STEP_RATIO_RESIDUAL and k > 0:
        return (f"\ncause: the step is {k:.3g} times Adam's: the learning "
                f"rate used is about {rate * k:.3g}, not learning_rate "
                f"({rate:g})\nfix: give the optimizer "
                "learning_rate=learning_rate")
    return ("\ncause: the update is not Adam's as tf.keras.optimizers.Adam "
            "makes it (beta_1 0.9, beta_2 0.999, epsilon 1e-7 added to "
            "the root of the raw second moment), or the gradients are not "
            "those of the mean squared error\nfix: use "
            "tf.keras.optimizers.Adam(learning_rate) on tape.gradient(loss, "
            "self.trainable_variables), or write its update exactly")


def numbers(values: Sequence[float]) -> str:
    """A short list of losses, e.g. '[0.231, 0.198, ...]'."""
    shown = ", ".join(f"{v:.4g}" for v in list(values)[:4])
    return f"[{shown}{', ...' if len(values) > 4 else ''}]"
