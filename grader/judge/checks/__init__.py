"""The model checks, in the order they run; see each module's docstring.

- integrity: no tampering, nothing refused, nothing read outside
- loading: the file loads, autoencoder returns three models in order
- structure: layers, sizes, kernels, padding, activations, weight sharing
- vae: task 3's outputs, sampling, decoder input and loss terms
- sparse: task 1's L1 penalty on the encoded output
- numeric: forward pass, optimizer, loss, one step, seeded training

The tolerances they compare with (each explained) are in
:mod:`grader.judge.tolerances`; the causes of known errors in
:mod:`grader.judge.causes`.
"""
from grader.judge.checks import (integrity, loading, structure,  # noqa: F401
                                 vae, sparse, numeric)
from grader.judge.registry import REGISTRY, Check

__all__ = ["REGISTRY", "Check", "checks_for"]


def checks_for(kind: str) -> list[Check]:
    """The registered model checks of one kind of task, in order."""
    return [c for c in REGISTRY if kind in c.kinds]
