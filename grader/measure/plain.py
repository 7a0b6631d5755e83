"""Measurements of a plain (dense or convolutional) autoencoder beyond the
common ones of :meth:`grader.measure.probe.Probe.measure`: the composed
models, the added losses and one training step."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from grader.measure.compiled import added_losses, train_loss
from grader.measure.errors import guarded
from grader.measure.weights import snapshot

if TYPE_CHECKING:
    from grader.measure.probe import Probe


def measure_plain(probe: Probe, models: list, canonical: list,
                  auto_layers: list, x: np.ndarray,
                  shared: bool) -> dict[str, Any]:
    """The composed models' output, auto's added losses (penalty), and
    one training step: its loss and how it moved the weights."""
    encoder, decoder, auto = models
    out: dict[str, Any] = {}
    out["composed_out"] = probe.call(
        decoder, "decoder", probe.call(encoder, "encoder", x))
    probe.call(auto, "auto", x)
    out["penalty"] = probe.run("read auto.losses", added_losses, auto)
    layers = canonical if shared else auto_layers
    before = snapshot(layers)
    loss, error = guarded(probe.file, train_loss, auto, x)
    out["train_loss"] = loss
    out["train_error"] = error
    if error is None:
        after = snapshot(layers)
        out["step_delta"] = [[a - b for a, b in zip(la, lb)]
                             for la, lb in zip(after, before)]
    return out
