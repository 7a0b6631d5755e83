"""The model checks, in the order they run; see each module's docstring.

- integrity: no tampering, nothing refused, nothing read outside
- loading: the file loads, autoencoder returns three models in order
- structure: layers, sizes, kernels, padding, activations, weight sharing
- vae: task 3's outputs, sampling, decoder input and loss terms
- sparse: task 1's L1 penalty on the encoded output
- numeric: forward pass, optimizer, loss, one step, seeded training
- numbers: the tolerances (each explained) and numeric comparisons
"""
from grader.checks import (integrity, loading, structure, vae,  # noqa
                           sparse, numeric)
from grader.checks.base import REGISTRY, Check, Evidence, Verdict

__all__ = ["REGISTRY", "Check", "Evidence", "Verdict", "checks_for"]


def checks_for(kind: str) -> list[Check]:
    """The registered model checks of one kind of task, in order."""
    return [c for c in REGISTRY if kind in c.kinds]
