"""The probe: builds a task file's three models for one argument set,
traces them and takes the measurements every task shares (runs inside the
worker only; :mod:`grader.measure.plain` and :mod:`grader.measure.vae` add
the kind-specific ones).

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
from typing import Any, Callable

import numpy as np

from grader.measure import data as grader_data
from grader.measure import plain, vae
from grader.measure.arrays import flat_arrays, to_numpy
from grader.measure.compiled import compile_info
from grader.measure.errors import (StudentFault, error_info, grader_error,
                                   guarded)
from grader.measure.trace import (describe_call, fingerprint, is_model, keras,
                                  trace, unbatched)
from grader.measurements import find_heads, shares_weights
from grader.measure.weights import (assign_canonical, trainable_ids,
                                    weighted_layers)
from grader.tasks import Task

BATCH = 16          # rows for output comparisons


class Probe:
    """Measures one student's (or the reference's) task file."""

    def __init__(self, task: Task, module: Any, student_file: str,
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

    def call(self, model: Any, name: str, value: Any) -> Any:
        """``model(value)`` as NumPy arrays; see :meth:`run`."""
        return self.run(f"call {name}", lambda: to_numpy(model(value)))

    # Shapes of the three models' inputs, from the task's arguments.
    def input_shape(self, args: tuple) -> tuple:
        """The shape of one input (without the batch)."""
        first = args[0]
        return tuple(first) if isinstance(first, (list, tuple)) else (first,)

    def latent_shape(self, args: tuple) -> tuple:
        """The shape of one latent code (without the batch)."""
        latent = args[2]
        if isinstance(latent, (list, tuple)):
            return tuple(latent)
        return (latent,)

    def build(self, args: tuple) -> tuple[list | None, dict | None]:
        """Calls ``autoencoder(*args)`` from a fresh session and seed;
        returns ([encoder, decoder, auto], None) or (None, error)."""
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

    def role_shapes(self, models: list, args: tuple) -> list[dict]:
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

    def run_argset(self, seed: int, args: tuple) -> dict[str, Any]:
        """Builds, traces and measures the models of one argument set; a
        failure is data (``error`` or ``grader_error``)."""
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
        """The decoder's inputs: normal codes (VAE) or relu-like ones."""
        rng = np.random.default_rng([seed, 99])
        shape = (BATCH,) + self.latent_shape(args)
        if self.task.kind == "vae":
            return rng.standard_normal(shape).astype("float32")
        return rng.uniform(0, 2, shape).astype("float32")  # relu codes

    def measure(self, seed: int, args: tuple, models: list, traces: dict,
                x: np.ndarray, z: np.ndarray) -> dict[str, Any]:
        """Layer rows, flow, compile settings, outputs with canonical
        weights, then the kind's own measurements."""
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
        if self.task.kind == "vae":  # the parent checks this choice
            out["head_layers"] = find_heads(out["layers"]["encoder"],
                                            out["flow"]["encoder"])
            enc_layers, heads = vae.place_heads(enc_layers,
                                                out["head_layers"])
        canonical = enc_layers + dec_layers
        assign_canonical(canonical, seed)
        variables = {"encoder": trainable_ids(encoder),
                     "decoder": trainable_ids(decoder),
                     "auto": trainable_ids(auto)}
        shared = shares_weights(variables)  # the parent checks this too
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
        out["variables"] = {name: sorted(ids)
                            for name, ids in variables.items()}
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
            out.update(vae.measure_vae(self, seed, models, canonical, heads,
                                       x, len(enc_layers)))
        else:
            out.update(plain.measure_plain(self, models, canonical,
                                           auto_layers, x, shared))
        return out
