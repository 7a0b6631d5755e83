"""The parent's check of what a worker had to decide before it measured.

A worker puts a VAE's mean and log-variance layers last before it gives
the encoder its canonical weights, choosing them by
:func:`grader.measurements.find_heads` on the calls it traced, and gives
auto weights of its own unless it shares the encoder's and decoder's
(:func:`grader.measurements.shares_weights`). The judge runs the same
functions again on the measured rows, flows and variables, and keeps a
worker's measurements only where both agree. They always agree for an
honest file (the same function on the same data): a difference means the
file changed the worker's computation, and its model checks are not judged.
"""
from __future__ import annotations

from typing import Any

from grader.measurements import find_heads, shares_weights


def _heads_in(layers: Any, flow: Any) -> dict[str, int]:
    """The heads in one traced encoder, or {} if it is not readable."""
    try:
        return find_heads(list(layers), dict(flow))
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}


def _same_sharing(argset: dict[str, Any]) -> bool:
    """Whether the worker's ``shared`` is what its variables show."""
    try:
        return shares_weights(argset["variables"]) == argset["shared"]
    except (KeyError, TypeError):
        return True  # incomplete: a grader error (missing_keys), not this


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
        if "head_layers" in argset and argset["head_layers"] != mine:
            found.append(f"argument set {index + 1}")
        if not _same_sharing(argset):
            found.append(f"argument set {index + 1} (weight sharing)")
    training = (result or {}).get("training") or {}
    if isinstance(training, dict) and "encoder_trace" in training:
        trace = training.get("encoder_trace") or {}
        mine = _heads_in(trace.get("layers") or [], trace.get("flow") or {})
        if training.get("head_layers") != mine:
            found.append("the seeded training")
    return found
