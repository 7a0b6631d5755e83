"""Measurements of a variational autoencoder beyond the common ones of
:meth:`grader.measure.probe.Probe.measure`.

The sampling is controlled, not tolerated: the log-variance layer's output
is forced (to ~0 variance, or to a known one), and the decoder is made
blind to z to read the KL term exactly.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure.arrays import flat_arrays
from grader.measure.compiled import added_losses, train_loss
from grader.measure.student import StudentCode
from grader.measure.weights import restore, snapshot
from grader.measurements import VaeExperiments, VaeUnmeasured

SPREAD_ROWS = 2048  # rows for the VAE sampling statistics
LOG_VAR_ZERO = -30.0  # log-variance that makes the sampling noise ~3e-7
LOG_VAR_SPREAD = float(np.log(0.25))  # log-variance with std exp(lv/2) = 0.5


def place_heads(layers: list, plan: dict[str, int] | None
                ) -> tuple[list, dict[str, int]]:
    """Puts the mean and log-variance layers last, mean first; the rest
    keep call order.

    ``plan`` gives their positions in ``layers``, as
    :func:`grader.measurements.find_heads` finds them (the parent checks
    that choice, see :mod:`grader.judge.heads`); without one, nothing is
    moved and no heads are named.
    """
    plan = plan if isinstance(plan, dict) else {}
    mean, log_var = plan.get("mean"), plan.get("log_var")
    if not (isinstance(mean, int) and isinstance(log_var, int)) or not all(
            type(i) is int and 0 <= i < len(layers)
            for i in (mean, log_var)) or mean == log_var:
        return layers, {}
    rest = [layer for k, layer in enumerate(layers) if k not in (mean,
                                                                 log_var)]
    ordered = rest + [layers[mean], layers[log_var]]
    return ordered, {"mean": len(rest), "log_var": len(rest) + 1}


def measure_vae(code: StudentCode, images: np.ndarray, seed: int,
                models: list[Any], canonical: list[Any],
                heads: dict[str, int], x: np.ndarray,
                n_encoder: int) -> VaeExperiments | VaeUnmeasured:
    """What feeds the decoder, the added losses, the sampling spread,
    and the loss with no variance and with a blind decoder (KL);
    ``images`` are the digits inputs are drawn from."""
    encoder, decoder, auto = models
    if not heads:
        return {"vae_error": "mean and log-variance layers not identified"}
    log_var_layer = canonical[heads["log_var"]]
    start = snapshot(canonical)

    def force_log_var(value: float) -> None:
        kernel, *rest = log_var_layer.trainable_weights
        kernel.assign(np.zeros(kernel.shape, "float32"))
        for variable in rest:
            variable.assign(np.full(variable.shape, value, "float32"))

    # Is auto's decoder fed something random (z), the mean or log_var?
    first, second = code.call(auto, "auto", x), code.call(auto, "auto", x)
    _, mean, log_var = flat_arrays(code.call(encoder, "encoder", x))
    feed = {"auto_1": first, "auto_2": second,
            "decoder_of_mean": code.call(decoder, "decoder", mean),
            "decoder_of_log_var": code.call(decoder, "decoder", log_var)}
    code.call(auto, "auto", x)
    added = code.run("read auto.losses", added_losses, auto)

    # Spread of z around the mean with log_var forced to log(0.25).
    force_log_var(LOG_VAR_SPREAD)
    big = grader_data.inputs_for(
        tuple(x.shape[1:]), SPREAD_ROWS, seed + 1, images)
    z, mean, log_var = flat_arrays(code.call(encoder, "encoder", big))
    spread = {"noise": z - mean, "log_var": log_var[:4]}

    # Loss with the variance driven to ~0 (z = mean), first Adam step.
    force_log_var(LOG_VAR_ZERO)
    _, mean0, log_var0 = flat_arrays(code.call(encoder, "encoder", x))
    loss_var0 = {"mean": mean0, "log_var": log_var0,
                 "decoded": code.call(decoder, "decoder", mean0),
                 "auto": code.call(auto, "auto", x)}
    step = code.train_step(auto, x, canonical)
    loss_var0["loss"] = step["loss"]

    # Loss with the decoder made blind to z: the KL term, exactly.
    restore(canonical, start)
    kernel = canonical[n_encoder].trainable_weights[0]
    kernel.assign(np.zeros(kernel.shape, "float32"))
    _, mean1, log_var1 = flat_arrays(code.call(encoder, "encoder", x))
    loss_kl = {"mean": mean1, "log_var": log_var1,
               "decoded": code.call(decoder, "decoder", mean1)}
    loss, error = code.attempt(train_loss, auto, x)
    loss_kl["loss"] = loss
    loss_kl["error"] = error
    restore(canonical, start)
    out: VaeExperiments = {"feed": feed, "added_losses": added,
                           "spread": spread, "loss_var0": loss_var0,
                           "train_error": step["error"], "loss_kl": loss_kl}
    if "step_delta" in step:
        out["step_delta"] = step["step_delta"]
    return out
