"""The parent's check of the VAE heads a worker used.

A worker puts the mean and log-variance layers last before it gives the
encoder its canonical weights, choosing them by
:func:`grader.measurements.find_heads` on the calls it traced; the judge
runs the same function on the measured rows and flows and keeps a worker's
measurements only where both agree. They always agree for an honest file
(the same function on the same data): a difference means the file changed
the worker's computation, and the file's model checks are not judged.
"""
from __future__ import annotations

from typing import Any

from grader.measurements import find_heads


def _heads_in(layers: Any, flow: Any) -> dict[str, int]:
    """The heads in one traced encoder, or {} if it is not readable."""
    try:
        return find_heads(list(layers), dict(flow))
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}


def disagreements(result: dict[str, Any] | None) -> list[str]:
    """Where the heads a worker reports differ from those its own
    measurements show, in words; [] when they agree everywhere."""
    found = []
    for index, argset in enumerate((result or {}).get("argsets") or []):
        if not isinstance(argset, dict) or argset.get("error") or \
                argset.get("grader_error") or "layers" not in argset:
            continue
        mine = _heads_in((argset.get("layers") or {}).get("encoder") or [],
                         (argset.get("flow") or {}).get("encoder") or {})
        if argset.get("head_layers") != mine:
            found.append(f"argument set {index + 1}")
    training = (result or {}).get("training") or {}
    if isinstance(training, dict) and "encoder_trace" in training:
        trace = training.get("encoder_trace") or {}
        mine = _heads_in(trace.get("layers") or [], trace.get("flow") or {})
        if training.get("head_layers") != mine:
            found.append("the seeded training")
    return found
