"""The compiled model: its optimizer and loss, and one training step."""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.arrays import to_numpy


def compile_info(auto: Any) -> dict[str, Any]:
    """The optimizer's class and settings and the loss's name."""
    optimizer = getattr(auto, "optimizer", None)
    info: dict[str, Any] = {"optimizer": None, "learning_rate": None,
                            "loss": None}
    if optimizer is not None:
        info["optimizer"] = type(optimizer).__name__
        try:
            info["learning_rate"] = float(to_numpy(optimizer.learning_rate))
        except Exception:
            pass
        for attr in ("beta_1", "beta_2", "epsilon"):
            try:
                info[attr] = float(to_numpy(getattr(optimizer, attr)))
            except Exception:
                pass
    loss = getattr(auto, "loss", None)
    if loss is not None:
        info["loss"] = loss if isinstance(loss, str) else getattr(
            loss, "__name__", type(loss).__name__)
    return info


def train_loss(auto: Any, x: np.ndarray) -> float:
    """One ``train_on_batch`` step; returns the loss before the update.

    Run eagerly: tracing a tf.function for a single step costs more than
    the step, and student and reference are measured the same way.
    """
    auto.run_eagerly = True
    result = auto.train_on_batch(x, x, return_dict=True)
    if "loss" not in result:
        raise ValueError("train_on_batch returned no 'loss': "
                         f"{sorted(result)}")
    return float(np.mean(to_numpy(result["loss"])))


def added_losses(model: Any) -> float:
    """The sum of the losses the model added (``model.losses``)."""
    return float(sum(float(np.sum(to_numpy(loss))) for loss in model.losses))
