"""Measurements of a plain (dense or convolutional) autoencoder beyond the
common ones of :meth:`grader.measure.probe.Probe.measure`: the composed
models, the added losses and one training step (student code called only
through :class:`~grader.measure.student.StudentCode`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.compiled import added_losses
from grader.measure.student import StudentCode
from grader.measurements import PlainStep


def measure_plain(code: StudentCode, models: list[Any],
                  canonical: list[Any], auto_layers: list[Any],
                  x: np.ndarray, shared: bool) -> PlainStep:
    """The composed models' output, auto's added losses (penalty), and
    one training step: its loss and how it moved the weights."""
    encoder, decoder, auto = models
    composed = code.call(decoder, "decoder", code.call(encoder, "encoder", x))
    code.call(auto, "auto", x)
    penalty = code.run("read auto.losses", added_losses, auto)
    step = code.train_step(auto, x, canonical if shared else auto_layers)
    out: PlainStep = {"composed_out": composed, "penalty": penalty,
                      "train_loss": step["loss"], "train_error": step["error"]}
    if "step_delta" in step:
        out["step_delta"] = step["step_delta"]
    return out
