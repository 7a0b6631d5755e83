"""Canonical weights: the same deterministic weights in student and reference.

Every layer with weights gets values that depend only on its position in
call order, the weight's index and its shape (:func:`canonical_value`), so
two models of the same architecture compute the same function.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.arrays import to_numpy
from grader.measure.trace import Call


def weighted_layers(calls: list[Call]) -> list:
    """Layers with trainable weights, in first-call order, each once."""
    seen, layers = set(), []
    for call in calls:
        if call.layer.trainable_weights and id(call.layer) not in seen:
            seen.add(id(call.layer))
            layers.append(call.layer)
    return layers


# ---------------------------------------------------------------- weights

def canonical_value(seed: int, position: int, index: int,
                    shape: tuple) -> np.ndarray:
    """The deterministic value of weight ``index`` of layer ``position``.

    Kernels are Glorot-uniform, other weights uniform in [-0.1, 0.1]: what
    depends only on position and shape is identical in student and reference.
    """
    rng = np.random.default_rng([seed, position, index])
    if len(shape) >= 2:
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape).astype("float32")
    return rng.uniform(-0.1, 0.1, shape).astype("float32")


def assign_canonical(layers: list, seed: int) -> None:
    """Gives every weight of ``layers`` its canonical value."""
    for position, layer in enumerate(layers):
        for index, variable in enumerate(layer.trainable_weights):
            shape = tuple(int(d) for d in variable.shape)
            variable.assign(canonical_value(seed, position, index, shape))


def set_canonical(encoder_layers: list[Any], decoder_layers: list[Any],
                  auto_layers: list[Any], shared: bool, seed: int
                  ) -> list[Any]:
    """The weight set-up every measurement starts from: the encoder's
    weighted layers then the decoder's get their canonical values (in that
    order, returned); when auto does not share them (``shared`` false),
    auto's own layers get theirs by its own call order."""
    canonical = encoder_layers + decoder_layers
    assign_canonical(canonical, seed)
    if not shared:
        assign_canonical(auto_layers, seed)
    return canonical


def snapshot(layers: list) -> list[list[np.ndarray]]:
    """Copies of the layers' trainable weights."""
    return [[np.array(to_numpy(v)) for v in layer.trainable_weights]
            for layer in layers]


def restore(layers: list, values: list[list[np.ndarray]]) -> None:
    """Puts back weights taken by :func:`snapshot`."""
    for layer, arrays in zip(layers, values):
        for variable, value in zip(layer.trainable_weights, arrays):
            variable.assign(value)


def trainable_ids(model: Any) -> set[int]:
    """The identities of the model's trainable variables."""
    return {id(v) for v in model.trainable_weights}
