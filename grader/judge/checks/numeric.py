"""Numbers on fixed inputs with identical weights: forward pass, optimizer,
loss, one training step and a short seeded training run (the tolerances,
and why each is what it is, are in grader/checks/numbers.py).
"""
from __future__ import annotations

import numpy as np

from grader.judge.evidence import Evidence, Side
from grader.judge.verdict import Verdict
from grader.judge.registry import check
from grader.tasks import KINDS, NOISE_TRAINING, ArgSet
from grader.judge.checks.loading import error_feedback
from grader.judge.tolerances import (BCE_EPSILON, DENOISING_TRAINING_RTOL,
                                     FACTOR_RTOL,
                                     LOSS_NAMING_RTOL,
                                     TRAINING_ENCODED_ATOL,
                                     LOSS_RTOL, TRAINING_RTOL,
                                     VAE_TRAINING_RTOL, close, max_diff,
                                     step_verdict)


@check("forward-pass", "outputs equal the reference's with the same weights",
       3, KINDS, requires=("encoder-layers", "decoder-layers",
                           "activations", "encoder-outputs"))
def forward_pass(ev: Evidence) -> Verdict:
    """With the canonical weights, the three models' outputs equal the
    reference's."""
    for argset, s, r in ev.pairs():
        if ev.task.kind == "vae":
            outs = s["encoder_out"]
            if len(outs) != 3:
                return Verdict.blocked("encoder-outputs")
            pairs = [("encoder's mean", outs[1], r["encoder_out"][1]),
                     ("encoder's log variance", outs[2], r["encoder_out"][2]),
                     ("decoder", s["decoder_out"], r["decoder_out"])]
        else:
            pairs = [("encoder", s["encoder_out"][0], r["encoder_out"][0]),
                     ("decoder", s["decoder_out"], r["decoder_out"]),
                     ("auto", s["auto_out"], r["auto_out"])]
        for name, mine, expected in pairs:
            if not close(mine, expected):
                return Verdict.fail(
                    f"for {argset.call()} with the reference's weights, the "
                    f"{name} output differs ({max_diff(mine, expected)}): "
                    "the layers are wired differently from the task")
    return Verdict.ok()


@check("optimizer", "compiled with Adam", 2, KINDS, requires=("returns",))
def optimizer(ev: Evidence) -> Verdict:
    """``auto`` is compiled with Adam and the task's settings."""
    for argset, s, r in ev.pairs():
        info = s.get("compile", {})
        name = info.get("optimizer")
        if name is None:
            return Verdict.fail(
                f"for {argset.call()} auto is not compiled (it has no "
                "optimizer): call auto.compile(optimizer='adam', loss=...) "
                "before returning it")
        if name != "Adam":
            return Verdict.fail(f"for {argset.call()} auto is compiled with "
                                f"{name}; the task asks for Adam "
                                "(optimizer='adam')")
        expected = r.get("compile", {})
        for key in ("learning_rate", "beta_1", "beta_2", "epsilon"):
            mine, ref = info.get(key), expected.get(key)
            if mine is not None and ref is not None and \
                    not np.isclose(mine, ref, rtol=FACTOR_RTOL):
                return Verdict.ok(f"note: Adam's {key} is {mine:g}, the "
                                  f"default is {ref:g}")
    return Verdict.ok()


def dense_loss_candidates(x: np.ndarray, y: np.ndarray, penalty: float
                          ) -> dict[str, float]:
    """Known losses a student might have used, from their own outputs."""
    eps = BCE_EPSILON
    y = np.clip(y.astype("float64"), eps, 1 - eps)
    x = x.astype("float64")
    bce = -(x * np.log(y) + (1 - x) * np.log(1 - y))
    axes = tuple(range(1, x.ndim))
    return {
        "binary cross-entropy": bce.mean() + penalty,
        "mean squared error": ((x - y) ** 2).mean() + penalty,
        "mean absolute error": np.abs(x - y).mean() + penalty,
        "binary cross-entropy summed over the features":
            bce.sum(axis=axes).mean() + penalty,
        "binary cross-entropy without the sparsity penalty": bce.mean(),
    }


def train_error_verdict(s: Side, argset: ArgSet, loss: str
                        ) -> Verdict | None:
    """The verdict for a file whose loss on the fixed batch could not be
    measured (``loss``: the task's, as ``compile`` names it), else None."""
    error = s.get("train_error")
    if not error:
        return None
    if "compile" in error.get("message", "").lower():
        return Verdict.fail(f"for {argset.call()} auto is not compiled "
                            "with a loss: auto.compile(optimizer='adam', "
                            f"loss='{loss}')")
    return Verdict.fail(error_feedback(error, "train", argset.call()))


@check("loss", "loss is binary cross-entropy", 3,
       ("dense", "sparse", "conv"),
       requires=("forward-pass",))
def loss(ev: Evidence) -> Verdict:
    """The loss on a fixed batch is binary cross-entropy (plus the task's
    penalty)."""
    for argset, s, r in ev.pairs():
        failed = train_error_verdict(s, argset, "binary_crossentropy")
        if failed:
            return failed
        mine, expected = s["train_loss"], r["train_loss"]
        if np.isclose(mine, expected, rtol=LOSS_RTOL):
            continue
        # Task 1: the penalty is judged by its own check; here the rest.
        without = mine - s.get("penalty", 0.0)
        if ev.task.kind == "sparse" and np.isclose(
                without, expected - r.get("penalty", 0.0), rtol=LOSS_RTOL):
            continue
        guesses = dense_loss_candidates(s["x"], s["auto_out"],
                                        s.get("penalty", 0.0))
        named = [name for name, value in guesses.items()
                 if np.isclose(mine, value, rtol=LOSS_NAMING_RTOL)]
        cause = f"; it equals the {named[0]}" if named else ""
        return Verdict.fail(
            f"for {argset.call()} auto's loss on a fixed batch is "
            f"{mine:.6g}, expected {expected:.6g} (binary cross-entropy"
            f"{' plus the L1 penalty' if ev.task.kind == 'sparse' else ''})"
            f"{cause}")
    return Verdict.ok()


@check("training-step", "one training step matches the reference", 2,
       ("dense", "sparse", "conv", "stacked"),
       requires=("loss", "optimizer", "sparsity-penalty", "mse-loss",
                 "l2-penalty"))
def training_step(ev: Evidence) -> Verdict:
    """One ``train_on_batch`` step changes the weights as the reference's does.
    """
    return step_verdict(ev)


@check("seeded-training", "short seeded training matches the reference", 3,
       KINDS, requires=("weight-sharing", "forward-pass", "optimizer",
                        "loss", "sparsity-penalty", "mse-loss",
                        "l2-penalty", "sampling",
                        "decoder-input", "reconstruction-loss",
                        "kl-divergence", "add-noise", "noise-input-kept",
                        "noise-mean", "noise-scale", "noise-clipping"))
def seeded_training(ev: Evidence) -> Verdict:
    """A short seeded training gives the reference's losses and codes."""
    mine = (ev.student or {}).get("training", {})
    ref = ev.reference.get("training", {})
    call = f"autoencoder{tuple(ev.task.train_args)!r}"
    if ev.task.kind == "denoising":  # the main's pairing (task 4)
        factor, seed, _ = NOISE_TRAINING
        call += (f" on add_noise(x, {factor}, {seed}) against the clean "
                 "x,")
    if mine.get("error"):
        return Verdict.fail(error_feedback(mine["error"], "training",
                                           call))
    rtol = VAE_TRAINING_RTOL if ev.task.kind == "vae" else \
        DENOISING_TRAINING_RTOL if ev.task.kind == "denoising" else \
        TRAINING_RTOL
    source = ev.reference.get("data_source", "")
    for key in ("loss", "val_loss"):
        a, b = mine.get(key) or [np.nan], ref.get(key) or [np.nan]
        if not np.isclose(a[-1], b[-1], rtol=rtol["loss"]):
            return Verdict.fail(
                f"after 2 seeded epochs of {call} on 320 {source}, {key} is "
                f"{a[-1]:.4g}, the reference's {b[-1]:.4g} (tolerance "
                f"{rtol['loss']:.0%})")
    a, b = mine.get("encoded_mean", []), ref.get("encoded_mean", [])
    index = 1 if ev.task.kind == "vae" else 0  # the VAE: the means
    if rtol["encoded"] is None:
        if len(a) == len(b) and np.all(np.isfinite(a)):
            return Verdict.ok()
        return Verdict.fail(f"after 2 seeded epochs of {call} the encoder's "
                            f"outputs are not finite (found {a}), expected "
                            "finite numbers")
    if len(a) != len(b) or not np.isclose(a[index], b[index],
                                          rtol=rtol["encoded"],
                                          atol=TRAINING_ENCODED_ATOL):
        shown = a[index] if len(a) > index else "missing"
        return Verdict.fail(
            f"after 2 seeded epochs of {call}, np.mean of the encoded test "
            f"images is {shown}, the reference's {b[index]:.4g}")
    return Verdict.ok()
