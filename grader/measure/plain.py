"""Measurements of a plain (dense or convolutional) autoencoder beyond the
common ones of :meth:`grader.measure.probe.Probe.measure`: the composed
models, the added losses and one training step (student code called only
through :class:`~grader.measure.student.StudentCode`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.compiled import added_losses
from grader.measure.student import StudentCode


def measure_plain(code: StudentCode, models: list[Any],
                  canonical: list[Any], auto_layers: list[Any],
                  x: np.ndarray, shared: bool) -> dict[str, Any]:
    """The composed models' output, auto's added losses (penalty), and
    one training step: its loss and how it moved the weights."""
    encoder, decoder, auto = models
    out: dict[str, Any] = {}
    out["composed_out"] = code.call(
        decoder, "decoder", code.call(encoder, "encoder", x))
    code.call(auto, "auto", x)
    out["penalty"] = code.run("read auto.losses", added_losses, auto)
    step = code.train_step(auto, x, canonical if shared else auto_layers)
    out["train_loss"] = step["loss"]
    out["train_error"] = step["error"]
    if "step_delta" in step:
        out["step_delta"] = step["step_delta"]
    return out
