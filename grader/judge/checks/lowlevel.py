"""Task 6: a ``tf.Module`` of its own variables (no Keras layers), its
initial values, its forward pass and its training step.

The worker (:mod:`grader.measure.lowlevel`) found each of the eight
variables by its shape and gave the same canonical values to the student's
module and to the reference's, so outputs and steps compare directly. The
words of the causes are in :mod:`grader.judge.lowlevel_causes`.
"""
from __future__ import annotations

import math

import numpy as np

from grader.judge import causes, lowlevel_causes as why
from grader.judge import tolerances as tol
from grader.judge.checks.loading import loads
from grader.judge.evidence import Evidence, Side
from grader.judge.registry import check
from grader.judge.verdict import Verdict
from grader.measurements import LOWLEVEL_ROLES, ErrorInfo
from grader.tasks import ArgSet, TaskKind

KIND: tuple[TaskKind, ...] = ("lowlevel",)


def call(ev: Evidence, argset: ArgSet) -> str:
    """The student's call, e.g. ``Autoencoder(784, 128, 64, 0, 0.01)``."""
    return argset.call(ev.task.function)


def error_text(ev: Evidence, argset: ArgSet, error: ErrorInfo) -> str:
    """The error of a build, call or step, with a known cause's fix."""
    stage = error.get("stage")
    return causes.feedback(error, why.doing(stage, call(ev, argset)), stage,
                           ev.task.params)


# The same verdict as task 0-3's "loads", under this task's title.
check("lowlevel-loads", "file loads and defines Autoencoder", 2,
      KIND)(loads)


@check("lowlevel-module", "a tf.Module with __call__, encode, train_step",
       2, KIND, requires=("lowlevel-loads",))
def module(ev: Evidence) -> Verdict:
    """Every argument set creates a tf.Module with the three methods."""
    for argset, s, _r in ev.pairs():
        if s.error and s.error.get("stage") in ("build", "return",
                                                "variables"):
            if s.error.get("stage") == "return":
                return Verdict.fail(
                    f"{call(ev, argset)}: {s.error.get('message')}\n"
                    + why.MODULE_FIX.format(name=ev.task.function))
            return Verdict.fail(error_text(ev, argset, s.error))
    return Verdict.ok()


@check("lowlevel-variables", "its trainable variables have the task's "
       "shapes", 2, KIND, requires=("lowlevel-module",))
def variables(ev: Evidence) -> Verdict:
    """The trainable variables are the eight of the task, by shape, and
    are plain tf.Variables."""
    for argset, s, r in ev.pairs():
        found = [tuple(v["shape"]) for v in s["variables"]]
        wanted = [tuple(r["variables"][i]["shape"]) for i in r["roles"]]
        fits = sorted(found) == sorted(wanted) and all(
            v["is_variable"] and v["dtype"] == "float32"
            for v in s["variables"])
        if fits and (s.get("roles") is not None or "roles" not in s.data):
            continue  # (no roles: encode failed; the forward pass says)
        kinds = sorted({v["class"] for v in s["variables"]})
        named = ", ".join(f"{role} {shape}" for role, shape in
                          zip(LOWLEVEL_ROLES, wanted))
        return Verdict.fail(
            f"{call(ev, argset)}: expected 8 trainable tf.Variables, "
            f"{named}; found {len(found)}: {why.shapes(found)} "
            f"({', '.join(kinds) or 'none'})"
            + why.variables_cause(found, wanted, s["variables"]))
    return Verdict.ok()


@check("no-keras-layers", "uses no Keras layers or models", 1, KIND,
       requires=("lowlevel-module",))
def no_keras(ev: Evidence) -> Verdict:
    """The module holds no Keras layer, model or variable."""
    for argset, s, _r in ev.pairs():
        if s.get("keras_parts"):
            return Verdict.fail(
                f"{call(ev, argset)} holds Keras objects: "
                + ", ".join(s["keras_parts"][:4]) + "\n" + why.KERAS_FIX)
    return Verdict.ok()


def stat_problem(stat: dict) -> str | None:
    """Why one variable's initial values are not from N(0, 0.05^2)."""
    n = max(int(stat["size"]), 1)
    mean_band = tol.INIT_SE_BANDS * tol.INIT_STD / math.sqrt(n)
    std_band = tol.INIT_SE_BANDS * tol.INIT_STD / math.sqrt(2 * n)
    if abs(stat["mean"] - tol.INIT_MEAN) > mean_band or \
            abs(stat["std"] - tol.INIT_STD) > std_band:
        return (f"mean {stat['mean']:.4g} (expected 0 ± {mean_band:.2g}), "
                f"standard deviation {stat['std']:.4g} (expected 0.05 ± "
                f"{std_band:.2g})")
    return None


@check("lowlevel-init", "initial values drawn from N(0, 0.05²)", 2, KIND,
       requires=("lowlevel-variables",))
def initialisation(ev: Evidence) -> Verdict:
    """Each variable's initial mean and standard deviation, within
    INIT_SE_BANDS standard errors of the sample's size."""
    for argset, s, _r in ev.pairs():
        roles = s.get("roles") or []
        for i, stat in enumerate(s["stats"]):
            problem = stat_problem(stat)
            if problem:
                shape = tuple(s["variables"][i]["shape"])
                name = LOWLEVEL_ROLES[roles.index(i)] if i in roles else \
                    f"the variable of shape {shape}"
                return Verdict.fail(
                    f"{call(ev, argset)}: the initial values of {name} "
                    f"({stat['size']} values) have {problem}"
                    + why.init_cause(stat))
    return Verdict.ok()


@check("lowlevel-seed", "the seed argument decides the initial values", 1,
       KIND, requires=("lowlevel-variables",))
def seed(ev: Evidence) -> Verdict:
    """Two modules with the same seed (under different global seeds) start
    equal; another seed starts elsewhere (argument sets 1 and 2: the same
    code as for the tutorial's sizes, cheaper to build)."""
    for argset, s, _r in ev.pairs():
        if "same_seed" not in s.data:  # not measured for the tutorial's
            continue
        same, other = s.get("same_seed"), s.get("other_seed")
        if same is None or same > tol.SEED_SAME_ATOL:
            return Verdict.fail(
                f"two modules made with {call(ev, argset)} (the global "
                "TensorFlow seed set to 1, then 2) start with different "
                "values" + (f" (by up to {same:.3g})" if same else "")
                + "\n" + why.SEED_SAME)
        if other is None or other < tol.SEED_OTHER_MIN:
            return Verdict.fail(
                f"{call(ev, argset)} and the same call with seed "
                f"{argset.args[3] + 1} start with the same values\n"
                + why.SEED_OTHER)
    return Verdict.ok()


def outputs_differ(s: Side, r: Side, key: str) -> str | None:
    """Why the student's output ``key`` is not the reference's."""
    mine, ref = np.asarray(s[key]), np.asarray(r[key])
    if mine.shape != ref.shape:
        return f"shape {mine.shape}, expected {ref.shape}"
    if not tol.close(mine, ref):
        return (f"differs from the reference's ({tol.max_diff(mine, ref)}; "
                f"values in "
                f"[{mine.min():.3g}, {mine.max():.3g}], the reference's in "
                f"[{ref.min():.3g}, {ref.max():.3g}])")
    return None


@check("lowlevel-forward", "__call__ and encode with the grader's values",
       3, KIND, requires=("lowlevel-variables",))
def forward(ev: Evidence) -> Verdict:
    """With every variable set to the grader's values, ``encode(x)`` and
    ``module(x)`` equal the reference's."""
    for argset, s, r in ev.pairs():
        if s.error:
            return Verdict.fail(error_text(ev, argset, s.error))
        for key, what in (("encode_out", "encode(x)"),
                          ("auto_out", "the module's __call__(x)")):
            problem = outputs_differ(s, r, key)
            if problem:
                return Verdict.fail(
                    f"{call(ev, argset)}, every variable set to the "
                    f"grader's values: {what} on 16 inputs {problem}"
                    + why.forward_cause(key, np.asarray(s[key]),
                                        np.asarray(r[key])))
    return Verdict.ok()


def step_problem(argset: ArgSet, s: Side, r: Side, number: int
                 ) -> str | None:
    """Why step ``number`` (0 or 1) is not the reference's, with a cause."""
    loss, ref_loss = s["losses"][number], r["losses"][number]
    if loss is None:
        return "train_step returned no number\n" + why.RETURN_LOSS
    if not math.isclose(loss, ref_loss, rel_tol=tol.LOSS_RTOL,
                        abs_tol=tol.FORWARD_ATOL):
        return (f"train_step returned the loss {loss:.6g}, expected the "
                f"mean squared error {ref_loss:.6g}"
                + why.loss_cause(loss, ref_loss))
    bound = tol.LOWLEVEL_STEP_RTOL * float(argset.args[4])
    mine = [np.asarray(a, "float64") for a in s["deltas"][number]]
    ref = [np.asarray(a, "float64") for a in r["deltas"][number]]
    worst = max(float(np.max(np.abs(m - f))) for m, f in zip(mine, ref))
    if worst <= bound:
        return None
    role = LOWLEVEL_ROLES[int(np.argmax(
        [np.max(np.abs(m - f)) for m, f in zip(mine, ref)]))]
    return (f"the step moved the variables differently from Adam's (up to "
            f"{worst:.3g} apart, in {role}; bound {bound:.2g})"
            + why.step_cause(mine, ref, float(argset.args[4]), number))


@check("lowlevel-train-step", "train_step: Adam on the mean squared error",
       3, KIND, requires=("lowlevel-forward",))
def train_step(ev: Evidence) -> Verdict:
    """Two ``train_step`` calls from the grader's values on two fixed
    batches: the loss returned and how every variable moved."""
    for argset, s, r in ev.pairs():
        if s.get("train_error"):
            return Verdict.fail(error_text(ev, argset, s["train_error"]))
        for number in (0, 1):
            problem = step_problem(argset, s, r, number)
            if problem:
                return Verdict.fail(
                    f"{call(ev, argset)}, from the grader's values, "
                    f"train_step on batch {number + 1} of 32 inputs: "
                    + problem)
    return Verdict.ok()


@check("lowlevel-training", "ten training steps follow the reference's", 1,
       KIND, requires=("lowlevel-train-step",))
def training(ev: Evidence) -> Verdict:
    """Ten steps from the grader's values give the reference's losses."""
    mine = (ev.student or {}).get("training", {})
    ref = ev.reference.get("training", {})
    args = ArgSet(ev.task.train_args)
    if mine.get("error"):
        return Verdict.fail(error_text(ev, args, mine["error"]))
    got, want = mine.get("loss", []), ref.get("loss", [])
    if len(got) != len(want) or not np.allclose(
            got, want, rtol=tol.LOWLEVEL_TRAINING_RTOL, atol=0):
        return Verdict.fail(
            f"{call(ev, args)}: ten train_step calls from the grader's "
            f"values gave the losses {why.numbers(got)}, expected "
            f"{why.numbers(want)}\n" + why.TRAINING_DRIFT)
    return Verdict.ok()
