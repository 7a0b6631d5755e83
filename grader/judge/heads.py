"""The parent's decision of which encoder layers are a VAE's heads.

A worker only traces (phase "trace", see
:func:`grader.measure.training.trace_task`); here, out of the submission's
reach, the mean and log-variance layers are found by the fingerprints of
their outputs, and the worker's second job (phase "measure") is told them.
"""
from __future__ import annotations

from typing import Any


def find_heads(layer_rows: list[dict], flow: dict) -> dict[str, int]:
    """``{"mean": i, "log_var": j}``: positions, among the weighted layers
    in first-call order, of the layers whose single output is encoder
    output 1 (the mean) and 2 (the log variance); ``{}`` if not found."""
    outputs = flow.get("outputs") or []
    if len(outputs) != 3:
        return {}
    order: list[int] = []  # layer ids of the weighted layers
    for row in layer_rows:
        if row.get("weights") and row.get("id") not in order:
            order.append(row.get("id"))
    found: dict[str, int] = {}
    for role, target in (("mean", outputs[1]), ("log_var", outputs[2])):
        for row in layer_rows:
            keys = row.get("output_keys") or []
            if row.get("weights") and len(keys) == 1 and keys[0] == target:
                found[role] = order.index(row.get("id"))
                break
    if len(found) != 2 or found["mean"] == found["log_var"]:
        return {}
    return found


def heads_of(traced: Any) -> dict[str, int]:
    """The heads in one traced encoder (see :func:`find_heads`)."""
    if not isinstance(traced, dict) or traced.get("error"):
        return {}
    try:
        return find_heads(traced["layers"]["encoder"],
                          traced["flow"]["encoder"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}


def plan(trace_result: dict[str, Any]) -> dict[str, Any]:
    """The phase "measure" plan from a phase "trace" result: the heads of
    every argument set, of the seeded training and of the pictures."""
    argsets = trace_result.get("argsets")
    return {"argsets": [heads_of(a) for a in argsets]
            if isinstance(argsets, list) else [],
            "training": heads_of(trace_result.get("training")),
            "pictures": heads_of(trace_result.get("pictures"))}
