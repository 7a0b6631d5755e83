"""Task 5's own measurements (the stacked autoencoder): the statistics of
the kernels as the student's code initialised them, and the sums of the
canonical weights an L2 (or L1) penalty is made of.

Plain numbers only; the judge compares them with Glorot uniform's bounds
and variance and with ``l2_scale`` (:mod:`grader.judge.checks.stacked`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.arrays import to_numpy
from grader.measurements import KernelStats, WeightSums


def initial_kernels(layers: list[Any]) -> list[KernelStats]:
    """For each layer (in the order given), its first weight of rank 2 or
    more (the kernel) as initialised: shape, fans, largest magnitude, mean
    and mean square (in float64). A layer without one gives its shapes
    only (``fan_in`` 0)."""
    found: list[KernelStats] = []
    for layer in layers:
        shapes = [list(v.shape) for v in layer.trainable_weights]
        kernel = next((v for v in layer.trainable_weights
                       if len(v.shape) >= 2), None)
        if kernel is None:
            found.append({"shape": shapes[0] if shapes else [], "fan_in": 0,
                          "fan_out": 0, "count": 0, "max_abs": 0.0,
                          "mean": 0.0, "mean_square": 0.0})
            continue
        values = np.asarray(to_numpy(kernel), "float64")
        receptive = int(np.prod(values.shape[:-2])) if values.ndim > 2 else 1
        found.append({
            "shape": list(values.shape),
            "fan_in": int(values.shape[-2]) * receptive,
            "fan_out": int(values.shape[-1]) * receptive,
            "count": int(values.size),
            "max_abs": float(np.max(np.abs(values))) if values.size else 0.0,
            "mean": float(np.mean(values)) if values.size else 0.0,
            "mean_square": float(np.mean(values ** 2)) if values.size
            else 0.0})
    return found


def weight_sums(layers: list[Any]) -> list[WeightSums]:
    """For each layer, the sum of squares and of magnitudes of its kernel
    (weights of rank 2 or more) and of its other weights (biases), as they
    are now (the canonical weights): what an L2 or L1 penalty adds up."""
    sums: list[WeightSums] = []
    for layer in layers:
        totals = {"kernel": [0.0, 0.0], "bias": [0.0, 0.0]}
        for variable in layer.trainable_weights:
            values = np.asarray(to_numpy(variable), "float64")
            part = totals["kernel" if values.ndim >= 2 else "bias"]
            part[0] += float(np.sum(values ** 2))
            part[1] += float(np.sum(np.abs(values)))
        sums.append({"kernel_sq": totals["kernel"][0],
                     "kernel_abs": totals["kernel"][1],
                     "bias_sq": totals["bias"][0],
                     "bias_abs": totals["bias"][1]})
    return sums
