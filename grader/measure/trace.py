"""Tracing a forward pass: every leaf layer call, described as plain data.

:func:`trace` records the calls of one model on one input;
:func:`describe_call` turns a call into the row the judge reads (see
:func:`grader.judge.layers.effective_rows`): class, shapes, the fingerprints
of its inputs and outputs (how data flows), weights, activation (named by
its values), regularizers and a sample of its values.
"""
from __future__ import annotations

import hashlib
import sys
from typing import Any

import numpy as np

from grader.measure.arrays import flat_arrays, to_numpy
from grader.measurements import ACTIVATION_PROBE

import tensorflow as tf  # noqa: E402  (the worker imports TF once, here)
import tensorflow.keras as keras  # noqa: E402

PROBE = np.array(ACTIVATION_PROBE, "float32")  # where activations are read
SAMPLE_VALUES = 256  # values kept of a layer's input/output, per call


def keras_modules() -> list:
    """The Keras packages loaded in this process (tf-keras and/or Keras 3)."""
    found = [keras]
    for name in ("keras", "tf_keras"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "layers"):
            found.append(module)
    return found


def layer_base_classes() -> list[type]:
    """The ``Layer`` base class of each loaded Keras package."""
    bases = []
    for module in keras_modules():
        base = module.layers.Layer
        if base not in bases:
            bases.append(base)
    return bases


def is_model(obj: Any) -> bool:
    """Whether ``obj`` is a Model of any loaded Keras package."""
    return any(isinstance(obj, module.Model) for module in keras_modules())


class Call:
    """One call of a leaf layer seen during a forward pass."""

    def __init__(self, layer: Any, inputs: Any, outputs: Any):
        self.layer = layer
        self.inputs = [np.asarray(a) for a in flat_arrays(to_numpy(inputs))]
        self.outputs = [np.asarray(a) for a in flat_arrays(to_numpy(outputs))]


def has_sublayers(layer: Any) -> bool:
    """Whether ``layer`` holds other layers (is not a leaf)."""
    try:
        return any(True for _ in layer._flatten_layers(
            include_self=False, recursive=False))
    except Exception:
        return bool(getattr(layer, "layers", None))


def trace(model: Any, x: Any) -> tuple[list[Call], Any]:
    """Calls ``model(x)`` eagerly, recording each leaf layer call in order."""
    calls: list[Call] = []
    patched: list[tuple[Any, Any]] = []
    for base in layer_base_classes():
        original = base.__call__

        def recording(self: Any, *args: Any, __original: Any = original,
                      **kwargs: Any) -> Any:
            out = __original(self, *args, **kwargs)
            if not has_sublayers(self):
                try:
                    calls.append(Call(self, args[0] if args else
                                      next(iter(kwargs.values()), None), out))
                except Exception:
                    pass
            return out

        base.__call__ = recording  # type: ignore[method-assign]
        patched.append((base, original))
    try:
        output = model(x)
    finally:
        for base, original in patched:
            base.__call__ = original
    return calls, to_numpy(output)


def regularizer_info(reg: Any) -> dict | None:
    """Names a regularizer by what it computes on two probe tensors."""
    if reg is None:
        return None
    t = tf.constant([[-2.0, -1.0, 0.5, 1.0, 3.0]])
    try:
        r1 = float(to_numpy(reg(t)))
        r2 = float(to_numpy(reg(2 * t)))
    except Exception as exc:
        return {"class": type(reg).__name__, "error": str(exc)[:200]}
    # r(t) = a*sum|t| + b*sum t^2: solve from t and 2t (sum|t| = 7.5,
    # sum t^2 = 15.25).
    b = (r2 - 2 * r1) / (2 * 15.25)
    a = (r1 - b * 15.25) / 7.5
    return {"class": type(reg).__name__, "l1": a, "l2": b}


def activation_values(layer: Any) -> list[float] | None:
    """The layer's activation at :data:`ACTIVATION_PROBE`, or None."""
    fn = getattr(layer, "activation", None)
    if fn is None or not callable(fn):
        return None
    try:
        return [float(v) for v in to_numpy(fn(tf.constant(PROBE)))]
    except Exception:
        return None


def fingerprint(array: np.ndarray) -> str:
    """A short digest of an array's values, shape and type: equal digests
    mean one call's output is another's input (how data flows)."""
    array = np.ascontiguousarray(array)
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


def describe_call(call: Call) -> dict:
    """The plain description of one traced layer call."""
    layer = call.layer
    info: dict[str, Any] = {
        "class": type(layer).__name__,
        "name": getattr(layer, "name", ""),
        "id": id(layer),
        "input_shapes": [list(a.shape[1:]) for a in call.inputs],
        "output_shapes": [list(a.shape[1:]) for a in call.outputs],
        "input_keys": [fingerprint(a) for a in call.inputs],
        "output_keys": [fingerprint(a) for a in call.outputs],
        "weights": [list(v.shape) for v in layer.trainable_weights],
        "activation": activation_values(layer),
    }
    for attr in ("units", "filters", "kernel_size", "strides", "padding",
                 "pool_size", "size", "interpolation", "rate", "use_bias",
                 "dilation_rate", "height", "width", "target_shape"):
        value = getattr(layer, attr, None)
        if isinstance(value, (int, float, str, bool)) or (
                isinstance(value, (list, tuple)) and all(
                    isinstance(v, (int, float)) for v in value)):
            info[attr] = list(value) if isinstance(value, tuple) else value
    for attr in ("kernel_regularizer", "bias_regularizer",
                 "activity_regularizer"):
        info[attr] = regularizer_info(getattr(layer, attr, None))
    for attr in ("l1", "l2"):  # ActivityRegularization layers
        value = getattr(layer, attr, None)
        if isinstance(value, (int, float)):
            info[attr] = float(value)
    batched = all(a.ndim >= 1 for a in call.inputs + call.outputs)
    if len(call.inputs) == 1 and len(call.outputs) == 1 and batched:
        # The most negative and most positive inputs of the first sample
        # (and their outputs): both signs, to tell relu from linear. A
        # scalar (a loss term added with add_loss) has no samples to keep.
        first_in = call.inputs[0][0].ravel()
        first_out = call.outputs[0][0].ravel()
        if first_in.shape == first_out.shape:
            order = np.argsort(first_in, kind="stable")
            half = SAMPLE_VALUES // 2
            keep = np.unique(np.concatenate([order[:half], order[-half:]]))
        else:
            keep = np.arange(min(first_in.size, SAMPLE_VALUES))
        info["input_sample"] = first_in[keep[keep < first_in.size]]
        info["output_sample"] = first_out[keep[keep < first_out.size]]
    return info


def unbatched(name: str, output: Any, rows: int) -> str | None:
    """Why ``name``'s output is not a batch of ``rows`` rows, or None."""
    article = "an" if name[0] in "aeiou" else "a"
    for array in flat_arrays(output):
        if array.ndim == 0 or array.shape[0] != rows:
            return (f"returns {article} {name} whose output for a batch of "
                    f"{rows} inputs has shape {tuple(array.shape)}; expected "
                    "one "
                    f"row per input ({rows}, ...): a model returns a batch, "
                    "not a single value")
    return None
