"""Task 5's stacked autoencoder: Glorot (Xavier) uniform kernels, an L2
penalty of ``l2_scale`` on every kernel, and mean squared error.

The layers, ELU activations, linear output, Adam, forward pass and
training are the shared checks' (:mod:`grader.judge.checks.structure`,
:mod:`grader.judge.checks.numeric`).
"""
from __future__ import annotations

import math

import numpy as np

from grader.judge.checks.numeric import (dense_loss_candidates,
                                         train_error_verdict)
from grader.judge.evidence import Evidence, Side
from grader.judge.registry import check
from grader.judge.tolerances import (BCE_EPSILON, FACTOR_RTOL, FACTOR_ZERO,
                                     GLOROT_BOUND_RTOL,
                                     GLOROT_MEAN_SQUARE_REL_VAR,
                                     GLOROT_NORMAL, GLOROT_SE_BANDS,
                                     L2_PENALTY_RTOL, LOSS_NAMING_RTOL,
                                     LOSS_RTOL, PENALTY_ATOL)
from grader.judge.verdict import Verdict

GLOROT_FIX = ("Glorot (Xavier) uniform is Keras's default for Dense "
              "kernels: leave kernel_initializer out, or pass "
              "kernel_initializer='glorot_uniform'")


def initializer_name(stats: dict) -> str | None:
    """The Keras initializer a kernel's statistics fit, or None."""
    fan_in, fan_out = stats["fan_in"], stats["fan_out"]
    mean_square, n = stats["mean_square"], stats["count"]
    if mean_square == 0:
        return "zeros"
    family = "uniform" if stats["max_abs"] <= GLOROT_NORMAL * math.sqrt(
        3 * mean_square) else "normal"
    band = GLOROT_SE_BANDS * math.sqrt(GLOROT_MEAN_SQUARE_REL_VAR / n)
    for name, variance in (("glorot", 2 / (fan_in + fan_out)),
                           ("he", 2 / fan_in), ("lecun", 1 / fan_in)):
        if abs(mean_square / variance - 1) <= band:
            return f"{name}_{family}"
    return None


def kernel_problem(stats: dict) -> str | None:
    """How one kernel's initial values differ from Glorot uniform's, or
    None."""
    fan_in, fan_out, n = stats["fan_in"], stats["fan_out"], stats["count"]
    limit = math.sqrt(6 / (fan_in + fan_out))
    variance = 2 / (fan_in + fan_out)
    band = GLOROT_SE_BANDS * math.sqrt(GLOROT_MEAN_SQUARE_REL_VAR / n)
    if stats["max_abs"] > limit * (1 + GLOROT_BOUND_RTOL):
        return (f"has values up to ±{stats['max_abs']:.4g}, beyond Glorot "
                f"uniform's bound ±sqrt(6 / (fan_in + fan_out)) = "
                f"±{limit:.4g}")
    if abs(stats["mean_square"] / variance - 1) > band:
        return (f"has variance {stats['mean_square']:.4g}, expected "
                f"2 / (fan_in + fan_out) = {variance:.4g} (within "
                f"{band:.0%} for {n} weights)")
    mean_band = GLOROT_SE_BANDS * limit / math.sqrt(3 * n)
    if abs(stats["mean"]) > mean_band:
        return (f"has mean {stats['mean']:.4g}, expected 0 (within "
                f"±{mean_band:.2g} for {n} weights)")
    return None


@check("initializer", "kernels start Glorot (Xavier) uniform", 3,
       ("stacked",), requires=("encoder-layers", "decoder-layers"))
def initializer(ev: Evidence) -> Verdict:
    """Every kernel's initial values fit Glorot uniform: inside its bound,
    with its variance and a zero mean."""
    for argset, s, r in ev.pairs():
        models = ["encoder"] * len(r["weights"]["encoder"]) + \
            ["decoder"] * len(r["weights"]["decoder"])
        counts = {"encoder": 0, "decoder": 0}
        for model, stats in zip(models, s["initial"]):
            counts[model] += 1
            if not stats["count"]:
                continue
            problem = kernel_problem(stats)
            if problem is None:
                continue
            shape = "x".join(str(d) for d in stats["shape"])
            name = initializer_name(stats)
            named = f": it looks like {name}" if name else ""
            return Verdict.fail(
                f"for {argset.call()} the {model}'s layer {counts[model]} "
                f"kernel ({shape}) as initialised {problem}{named}. "
                f"{GLOROT_FIX}")
    return Verdict.ok()


def regularizer_causes(s: Side, l2_scale: float) -> list[str]:
    """Layers whose regularizers differ from the task's, in words."""
    causes: list[str] = []
    for model in ("encoder", "decoder"):
        rows = [row for row in s.rows(model) if row.weighted]
        for i, row in enumerate(rows):
            where = f"{model} layer {i + 1} ({row.describe(False)})"
            regs = row.regularizers
            kernel = regs.get("kernel_regularizer")
            if "activity_regularizer" in regs:
                causes.append(f"{where} has an activity_regularizer: that "
                              "penalizes the layer's output, the task its "
                              "kernel (kernel_regularizer)")
            if "bias_regularizer" in regs:
                causes.append(f"{where} has a bias_regularizer: the task "
                              "penalizes kernels only")
            if kernel is None:
                if l2_scale:
                    causes.append(f"{where} has no kernel_regularizer")
                continue
            l1, l2 = kernel.get("l1") or 0.0, kernel.get("l2") or 0.0
            if abs(l1) > FACTOR_ZERO and abs(l2) < FACTOR_ZERO:
                causes.append(f"{where} has an L1 penalty; the task asks "
                              "for L2 (keras.regularizers.l2(l2_scale))")
            elif not np.isclose(l2, l2_scale, rtol=FACTOR_RTOL,
                                atol=FACTOR_ZERO):
                causes.append(f"{where} has an L2 factor of {l2:g}, "
                              f"expected l2_scale = {l2_scale:g}")
    return causes


def penalty_candidates(sums: list[dict], l2_scale: float
                       ) -> dict[str, float]:
    """Penalties a student might have added, from the canonical weights."""
    kernel_sq = sum(row["kernel_sq"] for row in sums)
    bias_sq = sum(row["bias_sq"] for row in sums)
    kernel_abs = sum(row["kernel_abs"] for row in sums)
    return {
        "half of it, as TensorFlow 1's l2_regularizer (tf.nn.l2_loss) "
        "computes it; Keras's l2(l2_scale) is l2_scale * sum(w ** 2)":
            l2_scale * kernel_sq / 2,
        "the L2 penalty of the biases too": l2_scale * (kernel_sq + bias_sq),
        "an L1 penalty of the kernels": l2_scale * kernel_abs,
    }


@check("l2-penalty", "L2 penalty of l2_scale on every kernel", 4,
       ("stacked",), requires=("encoder-layers", "decoder-layers"))
def l2_penalty(ev: Evidence) -> Verdict:
    """auto's added losses equal ``l2_scale * sum(kernel ** 2)`` over every
    kernel, with the grader's weights."""
    for argset, s, r in ev.pairs():
        l2_scale = argset.args[2]
        expected = l2_scale * sum(row["kernel_sq"]
                                  for row in s["weight_sums"])
        mine = s["penalty"]
        if np.isclose(mine, expected, rtol=L2_PENALTY_RTOL,
                      atol=PENALTY_ATOL) and np.isclose(
                          mine, r["penalty"], rtol=L2_PENALTY_RTOL,
                          atol=PENALTY_ATOL):
            continue
        if mine == 0 and s.get("train_loss") is not None and np.isclose(
                s["train_loss"], r["train_loss"], rtol=LOSS_RTOL):
            continue  # the penalty is inside a custom loss or train_step
        causes = regularizer_causes(s, l2_scale)
        if not causes:
            causes = [f"it equals {name}" for name, value in
                      penalty_candidates(s["weight_sums"], l2_scale).items()
                      if np.isclose(mine, value, rtol=L2_PENALTY_RTOL)]
        if not causes and mine == 0:
            causes = ["there is no penalty"]
        fix = ("give every Dense layer, the output layer included, "
               "kernel_regularizer=keras.regularizers.l2(l2_scale)")
        return Verdict.fail(
            f"for {argset.call()} with the grader's weights auto's added "
            f"losses are {mine:.6g}, expected l2_scale * sum(kernel ** 2) "
            f"over every kernel = {expected:.6g}"
            + (f": {'; '.join(causes[:3])}" if causes else "")
            + f". Fix: {fix}")
    return Verdict.ok()


def keras2_bce(x: np.ndarray, y: np.ndarray, penalty: float) -> float:
    """Binary cross-entropy as Keras 2 computes it on outputs that are not
    a sigmoid's: clipped to [eps, 1 - eps], then eps added inside each log
    (a linear output is often clipped, so this differs from Keras 3's)."""
    eps = BCE_EPSILON
    y = np.clip(np.asarray(y, "float64"), eps, 1 - eps)
    x = np.asarray(x, "float64")
    bce = -(x * np.log(y + eps) + (1 - x) * np.log(1 - y + eps))
    return float(bce.mean()) + penalty


@check("mse-loss", "loss is mean squared error", 3, ("stacked",),
       requires=("forward-pass",))
def mse_loss(ev: Evidence) -> Verdict:
    """The loss on a fixed batch is mean squared error (plus the L2
    penalty, judged by its own check)."""
    for argset, s, r in ev.pairs():
        failed = train_error_verdict(s, argset, "mean_squared_error")
        if failed:
            return failed
        mine, expected = s["train_loss"], r["train_loss"]
        if np.isclose(mine, expected, rtol=LOSS_RTOL) or np.isclose(
                mine - s["penalty"], expected - r["penalty"],
                rtol=LOSS_RTOL):
            continue
        guesses = list(dense_loss_candidates(
            s["x"], s["auto_out"], s["penalty"]).items())
        guesses.append(("binary cross-entropy", keras2_bce(
            s["x"], s["auto_out"], s["penalty"])))
        named = [name for name, value in guesses
                 if "sparsity" not in name and np.isclose(
                     mine, value, rtol=LOSS_NAMING_RTOL)]
        cause = f"; it equals the {named[0]}" if named else ""
        return Verdict.fail(
            f"for {argset.call()} auto's loss on a fixed batch is "
            f"{mine:.6g}, expected {expected:.6g} (mean squared error plus "
            f"the L2 penalty){cause}: compile auto with "
            "loss='mean_squared_error'")
    return Verdict.ok()
