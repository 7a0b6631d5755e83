"""The written format of measurements: what a worker writes, what the judge
reads.

The worker (:mod:`grader.measure`) writes plain dicts and lists (sent in
the format of :mod:`grader.transport`); these TypedDicts say which keys
they hold. A key the judge reads is required (``__required_keys__``) where
its measurement ran; :func:`missing_keys` finds those a result lacks, so
that an incomplete result is the grader's error, never the student's
failure. Nothing here imports TensorFlow: the judge uses it too. (No
``from __future__ import annotations``: ``NotRequired`` must be seen.)
"""
from typing import Any, NotRequired, TypedDict

from grader.tasks import TaskKind

# Values at which activation functions are sampled, to name them by the
# numbers they give (the worker samples in float32, the judge compares in
# float64).
ACTIVATION_PROBE = (-3.0, -1.0, -0.5, -0.1, 0.0, 0.1, 0.5, 1.0, 3.0)

# Task 6's eight variables, in the order its measurements list them.
LOWLEVEL_ROLES = ("encoder_h1", "encoder_h2", "decoder_h1", "decoder_h2",
                  "encoder_b1", "encoder_b2", "decoder_b1", "decoder_b2")


class ErrorInfo(TypedDict, total=False):
    """A failure of the student's code (see
    :func:`grader.measure.errors.error_info`); ``stage`` says what was
    called, ``found`` (a missing function) the callables the file has."""

    type: str
    message: str
    detail: str
    chain: list[dict[str, str]]
    where: dict[str, Any] | None
    raised_in: str
    stage: str
    found: list[str]


class GraderError(TypedDict):
    """A failure of the grader's own measuring code."""

    type: str
    message: str
    trace: str


# One traced leaf layer call (see grader.measure.trace.describe_call):
# "class" is not an identifier, hence the functional form.
_LayerCallBase = TypedDict("_LayerCallBase", {
    "class": str, "name": str, "id": int,
    "input_shapes": list, "output_shapes": list,
    "input_keys": list, "output_keys": list,
    "weights": list, "activation": "list[float] | None",
    "kernel_regularizer": "dict | None", "bias_regularizer": "dict | None",
    "activity_regularizer": "dict | None",
})


class LayerCall(_LayerCallBase, total=False):
    """One layer call: the keys above always, these where they apply."""

    units: int
    filters: int
    kernel_size: list
    strides: list
    padding: str
    pool_size: list
    size: list
    interpolation: str
    rate: float
    use_bias: bool
    dilation_rate: list
    height: int
    width: int
    target_shape: list
    l1: float
    l2: float
    input_sample: Any   # np.ndarray
    output_sample: Any  # np.ndarray


class Flow(TypedDict):
    """Fingerprints of a model's inputs and outputs."""

    inputs: list[str]
    outputs: list[str]


class Measured(TypedDict):
    """One argument set's measurements common to every task (keys present
    when neither ``error`` nor ``grader_error`` is)."""

    roles: list[dict]
    layers: dict[str, list[LayerCall]]   # encoder, decoder, auto
    flow: dict[str, Flow]
    compile: dict[str, Any]
    weights: dict[str, list]             # encoder, decoder: weight shapes
    shared: bool                         # see shares_weights
    variables: dict[str, list[int]]      # encoder, decoder, auto: ids
    heads: dict[str, int]                # VAE: mean, log_var; else {}
    x: Any
    z: Any
    encoder_out: list
    decoder_out: Any
    auto_out: Any


class PlainStep(TypedDict):
    """What :func:`grader.measure.plain.measure_plain` adds: the composed
    models' output, auto's added losses and one training step."""

    composed_out: Any
    penalty: float
    train_loss: float | None
    train_error: ErrorInfo | None
    step_delta: NotRequired[list]        # when the step ran


class PlainMeasured(Measured, PlainStep):
    """A dense, sparse or convolutional argument set's measurements."""


class KernelStats(TypedDict):
    """One layer's kernel as the student's code initialised it (task 5):
    see :func:`grader.measure.stacked.initial_kernels`."""

    shape: list[int]
    fan_in: int
    fan_out: int
    count: int
    max_abs: float
    mean: float
    mean_square: float


class WeightSums(TypedDict):
    """One layer's canonical weights summed as penalties sum them (task 5):
    squares and magnitudes of the kernel and of the biases."""

    kernel_sq: float
    kernel_abs: float
    bias_sq: float
    bias_abs: float


class StackedMeasured(PlainMeasured):
    """Task 5's argument set: the plain measurements, the initial kernels
    and the canonical weights' sums (encoder's layers then decoder's; auto's
    own when it does not share them)."""

    initial: list[KernelStats]
    weight_sums: list[WeightSums]


class EncoderTrace(TypedDict):
    """What :func:`find_heads` reads of a traced encoder: each call's layer
    id, weight shapes and output digests, and the encoder's outputs."""

    layers: list[dict[str, Any]]
    flow: dict[str, list[str]]  # "outputs" only


class VaeMeasured(Measured):
    """A VAE argument set's measurements; the experiments of
    :class:`VaeExperiments` too unless ``vae_error`` says why not."""

    encoder_again: list
    head_layers: dict[str, int]   # the heads used (see find_heads)
    vae_error: NotRequired[str]


class VaeUnmeasured(TypedDict):
    """Why the VAE's experiments could not be made."""

    vae_error: str


class VaeExperiments(TypedDict):
    """The VAE's controlled-sampling experiments."""

    feed: dict[str, Any]
    added_losses: float
    spread: dict[str, Any]
    loss_var0: dict[str, Any]
    loss_kl: dict[str, Any]
    train_error: ErrorInfo | None
    step_delta: NotRequired[list]


class LowLevelMeasured(TypedDict):
    """One argument set of task 6 (:mod:`grader.measure.lowlevel`): the
    module built; the rest once its variables were matched to the roles
    of :data:`LOWLEVEL_ROLES` (``roles``: their positions, None when the
    shapes do not fit)."""

    module: str                      # the class's name
    keras_parts: list[str]           # attributes holding Keras layers
    variables: list[dict]            # shape, dtype, class, is_variable
    stats: list[dict]                # initial mean, std, size
    # The largest change of the initial values with the same seed argument
    # and with another (None: that build failed); not for argument set 0.
    same_seed: NotRequired[float | None]
    other_seed: NotRequired[float | None]
    roles: list[int] | None
    x: NotRequired[Any]
    auto_out: NotRequired[Any]
    encode_out: NotRequired[Any]
    losses: NotRequired[list]        # each train_step's returned loss
    deltas: NotRequired[list]        # per step, per role: the change
    train_error: NotRequired[ErrorInfo]


class ArgsetFailure(TypedDict, total=False):
    """An argument set whose measurement stopped: the student's ``error``
    (with ``roles`` if the models were built) or the grader's."""

    roles: list[dict]
    error: ErrorInfo
    grader_error: GraderError


class Training(TypedDict, total=False):
    """The seeded training run: losses per epoch, or the error."""

    loss: list[float]
    val_loss: list[float]
    encoded_mean: list[float]
    error: ErrorInfo
    encoder_trace: EncoderTrace   # VAE: the traced encoder the heads are in
    head_layers: dict[str, int]   # VAE: the heads the worker used


class NoiseCall(TypedDict, total=False):
    """One call of task 4's ``add_noise`` (see
    :func:`grader.measure.denoising.call_once`): the student's ``error``,
    or what it returned and, for an array of the images' shape, the
    statistics of the noise it added."""

    error: ErrorInfo
    input_changed: bool
    type: str
    shape: list[int]
    dtype: str
    same_memory: bool
    mean: float
    std: float
    min: float
    max: float
    at_low: float        # the fraction of values at exactly 0
    at_high: float       # ... at exactly 1
    tail: float          # ... more than 2 noise_factor from the images
    finite: bool
    correlations: list[dict[str, Any]]   # axis, r, pairs
    equal_to_first: float
    equal_inside: float  # ... of the values neither call clipped


class NoiseMeasured(TypedDict):
    """What task 4's result holds besides :class:`TaskMeasured`: its
    ``add_noise`` calls (empty: the file has no ``add_noise``)."""

    noise: list[NoiseCall]


class TaskMeasured(TypedDict):
    """What a task result holds when the file loaded and was measured."""

    data_source: str
    argsets: list[dict]   # PlainMeasured | VaeMeasured | ArgsetFailure
    training: Training


class TaskResult(TypedDict, total=False):
    """Everything a worker writes for one task file."""

    token: str
    task: int
    versions: dict[str, Any]
    data_source: str
    argsets: list[dict]
    training: Training
    pictures: dict[str, Any]
    noise: list[NoiseCall]
    load_error: ErrorInfo
    probe_error: ErrorInfo
    grader_error: GraderError
    tampered: list
    violations: list
    reads: list


def _lacking(data: dict[str, Any], kind: Any, where: str) -> list[str]:
    """The required keys of TypedDict ``kind`` that ``data`` lacks."""
    return [f"{where}{key}" for key in sorted(kind.__required_keys__)
            if key not in data]


def missing_keys(result: dict[str, Any], task_kind: TaskKind,
                 argsets: int | None = None) -> list[str]:
    """The keys the judge reads that ``result`` (a worker's task result)
    lacks, as ``argsets[i].key``; empty if it is complete. Only what ran
    is required: nothing after a load, probe or grader error, nothing but
    the error in a failed argument set. ``argsets`` is how many the task
    has."""
    if any(result.get(k) for k in ("load_error", "probe_error",
                                   "grader_error")):
        return []
    missing = _lacking(result, TaskMeasured, "")
    if task_kind == "denoising":
        missing += _lacking(result, NoiseMeasured, "")
    found = result.get("argsets") or []
    if argsets is not None and "argsets" in result:
        missing += [f"argsets[{i}]" for i in range(len(found), argsets)]
    measured = {"vae": VaeMeasured, "stacked": StackedMeasured,
                "lowlevel": LowLevelMeasured}.get(task_kind, PlainMeasured)
    for i, argset in enumerate(found):
        if not isinstance(argset, dict):
            missing.append(f"argsets[{i}]")
            continue
        if argset.get("error") or argset.get("grader_error"):
            continue
        missing += _lacking(argset, measured, f"argsets[{i}].")
        if task_kind == "vae" and not argset.get("vae_error"):
            missing += _lacking(argset, VaeExperiments, f"argsets[{i}].")
    return missing


def find_heads(layer_rows: list[dict], flow: dict) -> dict[str, int]:
    """``{"mean": i, "log_var": j}``: positions, among the weighted layers
    in first-call order, of the layers whose single output is encoder
    output 1 (the mean) and 2 (the log variance); ``{}`` if not found."""
    outputs = flow.get("outputs") or []
    if len(outputs) != 3:
        return {}
    order: list[Any] = []  # layer ids of the weighted layers
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


def shares_weights(variables: dict[str, Any]) -> bool:
    """Whether auto's trainable variables are exactly the encoder's and
    the decoder's (``variables``: each model's variable identities)."""
    return set(variables["auto"]) == set(variables["encoder"]) | set(
        variables["decoder"])
