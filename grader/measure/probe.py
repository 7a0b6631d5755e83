"""What a worker measures on one task file: runs inside the worker only.

Every function here returns plain data (dicts, lists, numbers, arrays). The
parent compares the student's data with the reference's and decides; nothing
here judges.

The measurements remove randomness instead of tolerating it: every layer
that has weights gets the same deterministic weights in student and
reference (by its position in call order and its shapes), and the VAE's
sampling is controlled by forcing the log-variance layer's output.
"""
from __future__ import annotations

import copy
import hashlib
import re
import sys
import traceback
from typing import Any, Callable

import numpy as np

from grader.measure import data as grader_data
from grader.tasks import Task

import tensorflow as tf  # noqa: E402  (the worker imports TF once, here)
import tensorflow.keras as keras  # noqa: E402

# Values at which activation functions are sampled, to name them by numbers.
ACTIVATION_PROBE = np.array([-3, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 3], "float32")
BATCH = 16          # rows for output comparisons
SPREAD_ROWS = 2048  # rows for the VAE sampling statistics
SAMPLE_VALUES = 256  # values kept of a layer's input/output, per call
LOG_VAR_ZERO = -30.0  # log-variance that makes the sampling noise ~3e-7
LOG_VAR_SPREAD = float(np.log(0.25))  # log-variance with std exp(lv/2) = 0.5


# ---------------------------------------------------------------- utilities

def keras_modules() -> list:
    """The Keras packages loaded in this process (tf-keras and/or Keras 3)."""
    found = [keras]
    for name in ("keras", "tf_keras"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "layers"):
            found.append(module)
    return found


def layer_base_classes() -> list[type]:
    bases = []
    for module in keras_modules():
        base = module.layers.Layer
        if base not in bases:
            bases.append(base)
    return bases


def is_model(obj: Any) -> bool:
    return any(isinstance(obj, module.Model) for module in keras_modules())


def to_numpy(value: Any) -> Any:
    """Tensors (possibly nested in lists/tuples/dicts) to NumPy arrays."""
    if isinstance(value, (list, tuple)):
        return [to_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def flat_arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in flat_arrays(v)]
    if isinstance(value, dict):
        return [a for v in value.values() for a in flat_arrays(v)]
    return [np.asarray(value)]


def error_info(exc: BaseException, student_file: str) -> dict:
    """Type, telling line and details of the message, the exception's
    chain, the innermost line of the student's file, and whether the
    student's code or a library raised it (the judge names the cause)."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if f.filename == student_file]
    where = None
    if mine:
        frame = mine[-1]
        where = {"line": frame.lineno, "code": (frame.line or "").strip(),
                 "function": frame.name}
    text = ANSI.sub("", str(exc))
    message = key_line(text)
    if isinstance(exc, SystemExit):
        message = f"sys.exit({exc.code!r}) was called"
    chain, seen, inner = [], {id(exc)}, exc.__cause__ or exc.__context__
    while inner is not None and id(inner) not in seen and len(chain) < 3:
        seen.add(id(inner))
        chain.append({"type": type(inner).__name__,
                      "message": ANSI.sub("", str(inner))[:600]})
        inner = inner.__cause__ or inner.__context__
    raised_in = ("student" if frames and frames[-1].filename == student_file
                 else "library" if frames else "")
    return {"type": type(exc).__name__, "message": message[:400],
            "detail": text[:2000], "chain": chain, "where": where,
            "raised_in": raised_in}


KEY_WORDS = ("incompatible", "expected", "must", "shape", "not found",
             "missing", "unexpected", "invalid")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def key_line(message: str) -> str:
    """The telling line of a long Keras error (it wraps the cause in
    "Exception encountered when calling ..." and argument listings)."""
    lines = [line.strip() for line in ANSI.sub("", message).splitlines()
             if line.strip()]
    if len(lines) <= 1:
        return " ".join(lines)
    for line in lines:
        framing = line.startswith(("Exception encountered",
                                   "Call arguments", "Arguments received",
                                   "•"))
        if not framing and any(w in line.lower() for w in KEY_WORDS):
            return line
    return lines[0]


def guarded(student_file: str, fn: Callable, *args) -> tuple[Any, dict | None]:
    """Runs ``fn``; returns (value, None) or (None, error info)."""
    try:
        return fn(*args), None
    except BaseException as exc:  # student code may raise SystemExit too
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, error_info(exc, student_file)


class StudentFault(Exception):
    """The student's code or models failed while being measured.

    ``info`` says what was called (the stage) and what it raised; anything
    else that escapes a measurement is the grader's own failure.
    """

    def __init__(self, info: dict):
        super().__init__(info.get("message", ""))
        self.info = info


def grader_error(exc: BaseException) -> dict:
    """A failure of the grader's own measuring code, with its traceback."""
    return {"type": type(exc).__name__, "message": key_line(str(exc))[:400],
            "trace": traceback.format_exc()[-2000:]}


# ------------------------------------------------------------------ tracing

class Call:
    """One call of a leaf layer seen during a forward pass."""

    def __init__(self, layer, inputs, outputs):
        self.layer = layer
        self.inputs = [np.asarray(a) for a in flat_arrays(to_numpy(inputs))]
        self.outputs = [np.asarray(a) for a in flat_arrays(to_numpy(outputs))]


def has_sublayers(layer) -> bool:
    try:
        return any(True for _ in layer._flatten_layers(
            include_self=False, recursive=False))
    except Exception:
        return bool(getattr(layer, "layers", None))


def trace(model, x) -> tuple[list[Call], Any]:
    """Calls ``model(x)`` eagerly, recording each leaf layer call in order."""
    calls: list[Call] = []
    patched = []
    for base in layer_base_classes():
        original = base.__call__

        def recording(self, *args, __original=original, **kwargs):
            out = __original(self, *args, **kwargs)
            if not has_sublayers(self):
                try:
                    calls.append(Call(self, args[0] if args else
                                      next(iter(kwargs.values()), None), out))
                except Exception:
                    pass
            return out

        base.__call__ = recording
        patched.append((base, original))
    try:
        output = model(x)
    finally:
        for base, original in patched:
            base.__call__ = original
    return calls, to_numpy(output)


def regularizer_info(reg) -> dict | None:
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


def activation_values(layer) -> list[float] | None:
    fn = getattr(layer, "activation", None)
    if fn is None or not callable(fn):
        return None
    try:
        return [float(v) for v in to_numpy(fn(tf.constant(ACTIVATION_PROBE)))]
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
    elif call.inputs and call.outputs:
        info["identity"] = len(call.inputs) == len(call.outputs) and all(
            a.shape == b.shape and np.allclose(a, b)
            for a, b in zip(call.inputs, call.outputs))
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


def weighted_layers(calls: list[Call]) -> list:
    """Layers with trainable weights, in first-call order, each once."""
    seen, layers = set(), []
    for call in calls:
        if call.layer.trainable_weights and id(call.layer) not in seen:
            seen.add(id(call.layer))
            layers.append(call.layer)
    return layers


# ---------------------------------------------------------------- weights

def canonical_value(seed: int, position: int, index: int,
                    shape: tuple) -> np.ndarray:
    """The deterministic value of weight ``index`` of layer ``position``.

    Kernels are Glorot-uniform, other weights uniform in [-0.1, 0.1]: what
    depends only on position and shape is identical in student and reference.
    """
    rng = np.random.default_rng([seed, position, index])
    if len(shape) >= 2:
        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape).astype("float32")
    return rng.uniform(-0.1, 0.1, shape).astype("float32")


def assign_canonical(layers: list, seed: int) -> None:
    for position, layer in enumerate(layers):
        for index, variable in enumerate(layer.trainable_weights):
            shape = tuple(int(d) for d in variable.shape)
            variable.assign(canonical_value(seed, position, index, shape))


def snapshot(layers: list) -> list[list[np.ndarray]]:
    return [[np.array(to_numpy(v)) for v in layer.trainable_weights]
            for layer in layers]


def restore(layers: list, values: list[list[np.ndarray]]) -> None:
    for layer, arrays in zip(layers, values):
        for variable, value in zip(layer.trainable_weights, arrays):
            variable.assign(value)


def trainable_ids(model) -> set[int]:
    return {id(v) for v in model.trainable_weights}


# ---------------------------------------------------------------- compile

def compile_info(auto) -> dict:
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


def train_loss(auto, x) -> float:
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


def added_losses(model) -> float:
    return float(sum(float(np.sum(to_numpy(loss))) for loss in model.losses))


# ---------------------------------------------------------------- probes

class Probe:
    """Measures one student's (or the reference's) task file."""

    def __init__(self, task: Task, module, student_file: str,
                 images: np.ndarray):
        self.task = task
        self.module = module
        self.file = student_file
        self.images = images

    def run(self, stage: str, fn: Callable, *args) -> Any:
        """Runs student code (``fn`` calls into the models); a failure is
        the student's, raised as :class:`StudentFault` naming ``stage``."""
        try:
            return fn(*args)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise StudentFault({"stage": stage,
                                **error_info(exc, self.file)}) from exc

    def call(self, model, name: str, value) -> Any:
        """``model(value)`` as NumPy arrays; see :meth:`run`."""
        return self.run(f"call {name}", lambda: to_numpy(model(value)))

    # Shapes of the three models' inputs, from the task's arguments.
    def input_shape(self, args: tuple) -> tuple:
        first = args[0]
        return tuple(first) if isinstance(first, (list, tuple)) else (first,)

    def latent_shape(self, args: tuple) -> tuple:
        latent = args[2]
        if isinstance(latent, (list, tuple)):
            return tuple(latent)
        return (latent,)

    def build(self, args: tuple) -> tuple[Any, dict | None]:
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        value, error = guarded(self.file, self.module.autoencoder,
                               *copy.deepcopy(args))
        if error:
            return None, {"stage": "build", **error}
        if not isinstance(value, (tuple, list)):
            return None, {"stage": "return", "type": type(value).__name__,
                          "message": f"returned a {type(value).__name__}, "
                                     "not the tuple encoder, decoder, auto"}
        if len(value) != 3:
            return None, {"stage": "return", "type": "tuple",
                          "message": f"returned {len(value)} values, "
                                     "expected 3 (encoder, decoder, auto)"}
        kinds = [type(v).__name__ for v in value]
        if not all(is_model(v) for v in value):
            return None, {"stage": "return", "type": "types",
                          "message": "returned " + ", ".join(kinds)
                                     + ": all three must be Keras models"}
        return list(value), None

    def role_shapes(self, models, args) -> list[dict]:
        """What each returned model maps: used to spot a wrong order.

        Each model is first called with the input its position expects, so
        a subclassed model (built on its first call) is built right; the
        other input is tried only where that fails.
        """
        x = np.zeros((2,) + self.input_shape(args), "float32")
        z = np.zeros((2,) + self.latent_shape(args), "float32")
        expected = ("input", "latent", "input")
        roles = []
        for model, first in zip(models, expected):
            row = {}
            for label in (first, "latent" if first == "input" else "input"):
                if row and any(row.values()):
                    row.setdefault(label, None)
                    continue
                try:
                    out = flat_arrays(to_numpy(model(
                        x if label == "input" else z)))
                    row[label] = [list(a.shape[1:]) for a in out]
                except Exception:
                    row[label] = None
            roles.append(row)
        return roles

    def run_argset(self, seed: int, args: tuple) -> dict:
        models, error = self.build(args)
        if error:
            return {"error": error}
        result: dict[str, Any] = {"roles": self.role_shapes(models, args)}
        encoder, decoder, auto = models
        x = grader_data.inputs_for(self.input_shape(args), BATCH, seed,
                                   self.images)
        z = self.latents(seed, args)
        traces = {}
        for name, model, value in (("encoder", encoder, x),
                                   ("decoder", decoder, z),
                                   ("auto", auto, x)):
            traced, error = guarded(self.file, trace, model, value)
            if error:
                result["error"] = {"stage": f"call {name}", **error}
                return result
            traces[name] = traced
            problem = unbatched(name, traced[1], len(value))
            if problem:
                result["error"] = {"stage": "return", "type": "shape",
                                   "message": problem, "where": None}
                return result
        try:
            result.update(self.measure(seed, args, models, traces, x, z))
        except StudentFault as fault:
            result["error"] = fault.info
        except Exception as exc:  # the grader's own code failed
            result["grader_error"] = grader_error(exc)
        return result

    def latents(self, seed: int, args: tuple) -> np.ndarray:
        rng = np.random.default_rng([seed, 99])
        shape = (BATCH,) + self.latent_shape(args)
        if self.task.kind == "vae":
            return rng.standard_normal(shape).astype("float32")
        return rng.uniform(0, 2, shape).astype("float32")  # relu codes

    def measure(self, seed, args, models, traces, x, z) -> dict:
        encoder, decoder, auto = models
        enc_calls, _ = traces["encoder"]
        dec_calls, _ = traces["decoder"]
        auto_calls, _ = traces["auto"]
        inputs = {"encoder": x, "decoder": z, "auto": x}
        out: dict[str, Any] = {
            "layers": {name: [describe_call(c) for c in traces[name][0]]
                       for name in traces},
            "flow": {name: {"inputs": [fingerprint(np.asarray(
                inputs[name], "float32"))], "outputs": [
                fingerprint(a) for a in flat_arrays(traces[name][1])]}
                for name in traces},
            "compile": compile_info(auto),
        }
        enc_layers = weighted_layers(enc_calls)
        dec_layers = weighted_layers(dec_calls)
        heads = {}
        if self.task.kind == "vae":
            enc_layers, heads = self.order_heads(enc_layers, enc_calls,
                                                 traces["encoder"][1])
        canonical = enc_layers + dec_layers
        assign_canonical(canonical, seed)
        shared = trainable_ids(auto) == trainable_ids(encoder) | trainable_ids(
            decoder)
        auto_layers = weighted_layers(auto_calls)
        if not shared:  # give auto the same weights by its own call order
            assign_canonical(auto_layers, seed)
        out["weights"] = {
            "encoder": [[list(v.shape) for v in layer.trainable_weights]
                        for layer in enc_layers],
            "decoder": [[list(v.shape) for v in layer.trainable_weights]
                        for layer in dec_layers],
        }
        out["shared"] = shared
        out["heads"] = heads
        out["x"] = x
        out["z"] = z
        out["encoder_out"] = flat_arrays(self.call(encoder, "encoder", x))
        out["decoder_out"] = self.call(decoder, "decoder", z)
        out["auto_out"] = self.call(auto, "auto", x)
        if self.task.kind == "vae":  # which outputs are random?
            out["encoder_again"] = flat_arrays(
                self.call(encoder, "encoder", x))
        if self.task.kind == "vae":
            out.update(self.measure_vae(seed, models, canonical, heads, x,
                                        len(enc_layers)))
        else:
            out.update(self.measure_plain(models, canonical, auto_layers, x,
                                          shared))
        return out

    def order_heads(self, layers, calls, outputs):
        """Puts the mean and log-variance layers last, mean first.

        They are found by which traced layer produced encoder outputs 1 and
        2 (the task's mean and log variance); the rest keep call order.
        """
        outputs = flat_arrays(outputs)
        found = {}
        if len(outputs) == 3:
            for role, target in (("mean", outputs[1]),
                                 ("log_var", outputs[2])):
                for call in calls:
                    if (call.layer.trainable_weights and len(call.outputs) == 1
                            and call.outputs[0].shape == target.shape
                            and np.allclose(call.outputs[0], target)):
                        found[role] = call.layer
                        break
        if len(found) != 2 or found["mean"] is found["log_var"]:
            return layers, {}
        rest = [layer for layer in layers if layer is not found["mean"]
                and layer is not found["log_var"]]
        ordered = rest + [found["mean"], found["log_var"]]
        return ordered, {"mean": len(rest), "log_var": len(rest) + 1}

    def measure_plain(self, models, canonical, auto_layers, x, shared) -> dict:
        encoder, decoder, auto = models
        out: dict[str, Any] = {}
        out["composed_out"] = self.call(
            decoder, "decoder", self.call(encoder, "encoder", x))
        self.call(auto, "auto", x)
        out["penalty"] = self.run("read auto.losses", added_losses, auto)
        layers = canonical if shared else auto_layers
        before = snapshot(layers)
        loss, error = guarded(self.file, train_loss, auto, x)
        out["train_loss"] = loss
        out["train_error"] = error
        if error is None:
            after = snapshot(layers)
            out["step_delta"] = [[a - b for a, b in zip(la, lb)]
                                 for la, lb in zip(after, before)]
        return out

    def measure_vae(self, seed, models, canonical, heads, x,
                    n_encoder: int) -> dict:
        encoder, decoder, auto = models
        out: dict[str, Any] = {}
        if not heads:
            out["vae_error"] = "mean and log-variance layers not identified"
            return out
        log_var_layer = canonical[heads["log_var"]]
        start = snapshot(canonical)

        def force_log_var(value):
            kernel, *rest = log_var_layer.trainable_weights
            kernel.assign(np.zeros(kernel.shape, "float32"))
            for variable in rest:
                variable.assign(np.full(variable.shape, value, "float32"))

        # Is auto's decoder fed something random (z), the mean or log_var?
        first, second = self.call(auto, "auto", x), self.call(auto, "auto", x)
        _, mean, log_var = flat_arrays(self.call(encoder, "encoder", x))
        out["feed"] = {"auto_1": first, "auto_2": second,
                       "decoder_of_mean": self.call(decoder, "decoder", mean),
                       "decoder_of_log_var": self.call(decoder, "decoder",
                                                       log_var)}
        self.call(auto, "auto", x)
        out["added_losses"] = self.run("read auto.losses", added_losses, auto)

        # Spread of z around the mean with log_var forced to log(0.25).
        force_log_var(LOG_VAR_SPREAD)
        big = grader_data.inputs_for(
            tuple(x.shape[1:]), SPREAD_ROWS, seed + 1, self.images)
        z, mean, log_var = flat_arrays(self.call(encoder, "encoder", big))
        out["spread"] = {"noise": z - mean, "log_var": log_var[:4]}

        # Loss with the variance driven to ~0 (z = mean), first Adam step.
        force_log_var(LOG_VAR_ZERO)
        _, mean0, log_var0 = flat_arrays(self.call(encoder, "encoder", x))
        out["loss_var0"] = {"mean": mean0, "log_var": log_var0,
                            "decoded": self.call(decoder, "decoder", mean0),
                            "auto": self.call(auto, "auto", x)}
        before = snapshot(canonical)
        loss, error = guarded(self.file, train_loss, auto, x)
        out["loss_var0"]["loss"] = loss
        out["train_error"] = error
        if error is None:
            after = snapshot(canonical)
            out["step_delta"] = [[a - b for a, b in zip(la, lb)]
                                 for la, lb in zip(after, before)]

        # Loss with the decoder made blind to z: the KL term, exactly.
        restore(canonical, start)
        kernel = canonical[n_encoder].trainable_weights[0]
        kernel.assign(np.zeros(kernel.shape, "float32"))
        _, mean1, log_var1 = flat_arrays(self.call(encoder, "encoder", x))
        out["loss_kl"] = {"mean": mean1, "log_var": log_var1,
                          "decoded": self.call(decoder, "decoder", mean1)}
        loss, error = guarded(self.file, train_loss, auto, x)
        out["loss_kl"]["loss"] = loss
        out["loss_kl"]["error"] = error
        restore(canonical, start)
        return out

    def prepare_training(self, models, args, sample) -> None:
        """Puts the canonical weights (seed 7) into freshly built models.

        ``sample`` (two inputs) is traced through all three models first,
        which also builds a subclassed model that builds on its first call.
        """
        encoder, decoder, auto = models
        auto_calls, _ = self.run("call auto", trace, auto, sample)
        enc_calls, enc_out = self.run("call encoder", trace, encoder, sample)
        dec_calls, _ = self.run("call decoder", trace, decoder, np.zeros(
            (2,) + self.latent_shape(args), "float32"))
        enc_layers = weighted_layers(enc_calls)
        if self.task.kind == "vae":
            enc_layers, _ = self.order_heads(enc_layers, enc_calls, enc_out)
        assign_canonical(enc_layers + weighted_layers(dec_calls), 7)
        if trainable_ids(auto) != trainable_ids(encoder) | trainable_ids(
                decoder):
            assign_canonical(weighted_layers(auto_calls), 7)
        keras.utils.set_random_seed(0)

    def seeded_training(self, train_x, val_x) -> dict:
        """A short training run from the canonical weights, no shuffling."""
        args = self.task.train_args
        models, error = self.build(args)
        if error:
            return {"error": error}
        encoder, decoder, auto = models
        try:
            self.prepare_training(models, args, train_x[:2])
            auto.run_eagerly = True  # 20 steps: cheaper than tracing
            history = self.run("training", lambda: auto.fit(
                train_x, train_x, epochs=2, batch_size=32, shuffle=False,
                verbose=0, validation_data=(val_x, val_x)))
            encoded = flat_arrays(self.call(encoder, "encoder", val_x[:10]))
        except StudentFault as fault:
            return {"error": fault.info}
        return {"loss": [float(v) for v in history.history.get("loss", [])],
                "val_loss": [float(v) for v in
                             history.history.get("val_loss", [])],
                "encoded_mean": [float(np.mean(a)) for a in encoded]}


def training_data(task: Task, images: np.ndarray):
    """Student and reference train on the same 320 + 160 inputs."""
    shape = Probe(task, None, "", images).input_shape(task.train_args)
    train = grader_data.inputs_for(shape, 320, 11, images)
    val = grader_data.inputs_for(shape, 160, 12, images)
    return train, val


def probe_task(task: Task, module, student_file: str) -> dict:
    """Everything the checks of ``task`` need, for every argument set."""
    images, source = grader_data.mnist_images()
    probe = Probe(task, module, student_file, images)
    results = {"data_source": source, "argsets": []}
    for seed, argset in enumerate(task.argsets):
        results["argsets"].append(probe.run_argset(seed, argset.args))
    train, val = training_data(task, images)
    results["training"] = probe.seeded_training(train, val)
    return results
