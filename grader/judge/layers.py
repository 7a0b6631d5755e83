"""Effective layers: what a traced forward pass did, in comparable form.

A worker records every leaf layer call in order. Here those calls become
rows: one per layer with weights (with its activation named by the values it
produced), pooling, upsampling and other shape-changing layers kept, layers
that change nothing dropped, and a stand-alone activation (``Activation``,
``ReLU``, a ``Lambda``) folded into the linear layer before it. Two correct
solutions in different styles give the same rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from grader.judge.tolerances import ACTIVATION_ATOL, ACTIVATION_RTOL
from grader.measurements import ACTIVATION_PROBE

PROBE = np.array(ACTIVATION_PROBE, "float64")  # what the worker sampled

ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "softplus": lambda x: np.log1p(np.exp(x)),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(
        x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "exponential": np.exp,
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "leaky_relu(0.3)": lambda x: np.where(x > 0, x, 0.3 * x),
    "leaky_relu(0.01)": lambda x: np.where(x > 0, x, 0.01 * x),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
}
# Keras 2's hard_sigmoid is 0.2x + 0.5; both count as hard_sigmoid.
ALTERNATIVES = {"hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1)}
WEIGHTLESS_KEEP = {"MaxPooling2D", "AveragePooling2D", "UpSampling2D",
                   "Flatten", "Reshape", "Resizing", "Cropping2D",
                   "ZeroPadding2D", "GlobalAveragePooling2D",
                   "GlobalMaxPooling2D", "Concatenate"}


def name_activation(inputs: np.ndarray, outputs: np.ndarray) -> str | None:
    """The activation that maps ``inputs`` to ``outputs``, or None."""
    inputs = np.asarray(inputs, "float64")
    outputs = np.asarray(outputs, "float64")
    if inputs.shape != outputs.shape or inputs.size == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        for name, fn in list(ACTIVATIONS.items()) + list(ALTERNATIVES.items()):
            if np.allclose(fn(inputs), outputs, rtol=ACTIVATION_RTOL,
                           atol=ACTIVATION_ATOL):
                return name
    return None


def activation_of(values: list[float] | None) -> str:
    """Names an activation sampled at :data:`PROBE`."""
    if values is None:
        return "linear"
    return name_activation(PROBE, np.array(values)) or "custom"


@dataclass
class Row:
    """One effective layer."""

    kind: str
    index: int  # position in the traced calls
    activation: str | None = None
    units: int | None = None
    filters: int | None = None
    kernel: tuple | None = None
    strides: tuple | None = None
    padding: str | None = None
    pool: tuple | None = None
    size: tuple | None = None
    output_shape: tuple | None = None
    input_shape: tuple | None = None
    layer_id: int | None = None
    regularizers: dict[str, Any] = field(default_factory=dict)
    activation_layer: str | None = None  # class of a folded activation layer

    @property
    def weighted(self) -> bool:
        """Whether the row's layer has weights."""
        return self.units is not None or self.filters is not None or \
            self.kind in ("Dense", "Conv2D", "Conv2DTranspose")

    def describe(self, with_activation: bool = True) -> str:
        """``Dense(64, relu)``, ``Conv2D(16, 3x3, same, relu)`` ..."""
        parts: list[str] = []
        if self.units is not None:
            parts.append(str(self.units))
        if self.filters is not None:
            parts.append(str(self.filters))
        if self.kernel:
            parts.append("x".join(str(k) for k in self.kernel))
        if self.pool:
            parts.append("x".join(str(k) for k in self.pool))
        if self.size:
            parts.append("x".join(str(k) for k in self.size))
        if self.padding:
            parts.append(self.padding)
        if with_activation and self.activation and self.weighted:
            parts.append(self.activation)
        return f"{self.kind}({', '.join(parts)})" if parts else self.kind


def _tuple(value: Any) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return (int(value), int(value))


def _regularizers(call: dict) -> dict[str, Any]:
    regs = {k: call[k] for k in ("kernel_regularizer", "bias_regularizer",
                                 "activity_regularizer") if call.get(k)}
    if call.get("l1") or call.get("l2"):  # an ActivityRegularization layer
        regs["activity_regularizer"] = {"class": call["class"],
                                        "l1": call.get("l1", 0.0),
                                        "l2": call.get("l2", 0.0)}
    return regs


def side_branches(calls: list[dict], flow: dict | None) -> set[int]:
    """Indices of weightless calls whose results never reach the model's
    outputs: a loss term built from the model's tensors (``add_loss`` on a
    functional model, Keras 2) runs in the forward pass but is not a layer
    of the model.

    Data flow is followed by the digests of the arrays each call took and
    gave. Where a call on the way to the outputs took something no traced
    call gave (plain TensorFlow between layers, as in a subclassed model),
    the flow is not fully seen, and nothing is dropped.
    """
    if not flow or any("input_keys" not in c for c in calls):
        return set()
    live_keys = set(flow["outputs"])
    live: set[int] = set()
    for index in range(len(calls) - 1, -1, -1):
        if live_keys & set(calls[index]["output_keys"]):
            live.add(index)
            live_keys |= set(calls[index]["input_keys"])
    given = set(flow["inputs"])
    for index, call in enumerate(calls):
        if index in live and not set(call["input_keys"]) <= given:
            return set()
        given |= set(call["output_keys"])
    return {i for i, call in enumerate(calls)
            if i not in live and not call["weights"]}


RAW_OPS = {"TFOpLambda", "SlicingOpLambda"}  # Keras 2's wrapped TF ops


def raw_ops(calls: list[dict], flow: dict | None) -> set[int]:
    """Indices of TensorFlow ops applied to a functional model's tensors
    (Keras 2 wraps each in a ``TFOpLambda``) that are not a layer's
    activation: e.g. ``z = mean + K.exp(log_var / 2) * epsilon`` written
    in the model's graph. An op is that layer's activation only where it
    alone takes the output of the weighted layer just before it, and that
    output is not itself one of the model's outputs."""
    if not flow or any("input_keys" not in c for c in calls):
        return set()
    taken: dict[str, int] = {}
    for call in calls:
        for key in set(call["input_keys"]):
            taken[key] = taken.get(key, 0) + 1
    dropped, last_weighted = set(), None
    for index, call in enumerate(calls):
        if call["weights"]:
            last_weighted = call
            continue
        if call["class"] not in RAW_OPS:
            continue
        own = last_weighted["output_keys"] if last_weighted else []
        activation = (len(call["input_keys"]) == 1 and own
                      and call["input_keys"] == own[:1]
                      and taken.get(own[0], 0) == 1
                      and own[0] not in flow["outputs"])
        if not activation:
            dropped.add(index)
    return dropped


def passes_through(call: dict) -> bool:
    """A call without samples (several inputs or outputs, or scalars) whose
    outputs are its inputs, value for value (equal digests)."""
    inputs, outputs = call.get("input_keys"), call.get("output_keys")
    return "input_sample" not in call and bool(inputs) and bool(outputs) \
        and inputs == outputs


def effective_rows(calls: list[dict], flow: dict | None = None) -> list[Row]:
    """Turns traced calls (see :func:`grader.measure.trace.describe_call`) to
    rows, leaving out side branches (see :func:`side_branches`) and
    TensorFlow ops that are not activations (see :func:`raw_ops`)."""
    rows: list[Row] = []
    dropped = side_branches(calls, flow) | raw_ops(calls, flow)
    for index, call in enumerate(calls):
        if index in dropped:
            continue
        kind = call["class"]
        out_shape = tuple(call["output_shapes"][0]) if call["output_shapes"] \
            else None
        in_shape = tuple(call["input_shapes"][0]) if call["input_shapes"] \
            else None
        regs = _regularizers(call)
        if call["weights"]:
            rows.append(Row(
                kind=kind, index=index,
                activation=activation_of(call.get("activation")),
                units=call.get("units"), filters=call.get("filters"),
                kernel=_tuple(call.get("kernel_size")),
                strides=_tuple(call.get("strides")),
                padding=call.get("padding"), output_shape=out_shape,
                input_shape=in_shape, layer_id=call["id"], regularizers=regs))
            continue
        if "input_sample" in call and call["input_shapes"] == \
                call["output_shapes"] and kind not in WEIGHTLESS_KEEP:
            fn = name_activation(call["input_sample"], call["output_sample"])
            if fn == "linear":  # changes nothing: Dropout, Input, identity
                if regs and rows:
                    rows[-1].regularizers.update(regs)
                continue
            previous = rows[-1] if rows else None
            if fn and previous is not None and previous.weighted and \
                    previous.activation == "linear" and \
                    previous.output_shape == in_shape:
                previous.activation = fn
                previous.activation_layer = kind
                continue
            rows.append(Row(kind=kind, index=index, activation=fn or "custom",
                            output_shape=out_shape, input_shape=in_shape,
                            regularizers=regs))
            continue
        if passes_through(call):
            continue
        rows.append(Row(
            kind=kind, index=index, pool=_tuple(call.get("pool_size")),
            size=_tuple(call.get("size")) if kind.startswith("UpSampling")
            else None,
            strides=_tuple(call.get("strides")),
            padding=call.get("padding") if kind.endswith("Pooling2D")
            else None,
            output_shape=out_shape, input_shape=in_shape, regularizers=regs))
    return rows


def output_shape(rows: list[Row]) -> tuple | None:
    """The row's output shape, for messages."""
    return rows[-1].output_shape if rows else None
