"""The model checks, in the order they run and are reported (:data:`ORDER`);
see each module's docstring.

- integrity: no tampering, nothing refused, nothing read outside
- loading: the file loads, autoencoder returns three models in order
- structure: layers, sizes, kernels, padding, activations, weight sharing
- vae: task 3's outputs, sampling, decoder input and loss terms
- sparse: task 1's L1 penalty on the encoded output
- denoising: task 4's add_noise (its autoencoder has task 2's checks)
- stacked: task 5's Glorot uniform kernels, L2 penalty and squared error
- numeric: forward pass, optimizer, loss, one step, seeded training
- lowlevel: task 6's tf.Module: variables, initial values, seed, forward
  pass, training step

The engine runs a check after those it ``requires`` whatever the order
here. The tolerances they compare with (each explained) are in
:mod:`grader.judge.tolerances`; the causes of known errors in
:mod:`grader.judge.causes`.
"""
from grader.judge.checks import (  # noqa: F401  (define the checks)
    denoising,
    integrity,
    loading,
    lowlevel,
    numeric,
    sparse,
    stacked,
    structure,
    vae,
)
from grader.judge.registry import Check, ordered
from grader.tasks import TaskKind, model_kind

__all__ = ["ORDER", "REGISTRY", "Check", "checks_for"]

# Every model check's id, in the order results are reported.
ORDER: tuple[str, ...] = (
    # integrity
    "integrity",
    # loading
    "loads", "returns",
    # structure
    "empty-hidden-layers", "encoder-layers", "decoder-layers", "activations",
    "weight-sharing",
    # vae
    "encoder-outputs", "sampling", "decoder-input", "reconstruction-loss",
    "kl-divergence", "vae-training-step",
    # sparse
    "sparsity-penalty",
    # denoising
    "add-noise", "noise-input-kept", "noise-mean", "noise-scale",
    "noise-clipping", "noise-independence", "noise-seed",
    # stacked
    "initializer", "l2-penalty", "mse-loss",
    # numeric
    "forward-pass", "optimizer", "loss", "training-step", "seeded-training",
    # lowlevel
    "lowlevel-loads", "lowlevel-module", "lowlevel-variables",
    "no-keras-layers", "lowlevel-init", "lowlevel-seed", "lowlevel-forward",
    "lowlevel-train-step", "lowlevel-training",
)

REGISTRY: list[Check] = ordered(ORDER)


def checks_for(kind: TaskKind) -> list[Check]:
    """The registered model checks of one kind of task, in order: its
    own and those of the kind whose models it has
    (:func:`grader.tasks.model_kind`)."""
    return [c for c in REGISTRY
            if kind in c.kinds or model_kind(kind) in c.kinds]
