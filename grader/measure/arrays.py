"""Tensors to NumPy: the plain arrays every measurement is made of."""
from __future__ import annotations

from typing import Any

import numpy as np


def to_numpy(value: Any) -> Any:
    """Tensors (possibly nested in lists/tuples/dicts) to NumPy arrays."""
    if isinstance(value, (list, tuple)):
        return [to_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def flat_arrays(value: Any) -> list[np.ndarray]:
    """The arrays of a nested structure, flattened in order."""
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in flat_arrays(v)]
    if isinstance(value, dict):
        return [a for v in value.values() for a in flat_arrays(v)]
    return [np.asarray(value)]
