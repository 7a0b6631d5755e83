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

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure import plain, stacked, vae
from grader.measure.arrays import flat_arrays, to_numpy
from grader.measure.compiled import compile_info
from grader.measure.errors import StudentFault, grader_error
from grader.measure.student import StudentCode
from grader.measure.trace import describe_call, fingerprint, trace, unbatched
from grader.measure.weights import (set_canonical, trainable_ids,
                                    weighted_layers)
from grader.measurements import find_heads, shares_weights
from grader.tasks import Task

BATCH = 16          # rows for output comparisons


def input_shape(args: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape of one input (without the batch), from a task's
    arguments."""
    first = args[0]
    return tuple(first) if isinstance(first, (list, tuple)) else (first,)


def latent_shape(args: tuple[Any, ...], task: Task) -> tuple[int, ...]:
    """The shape of one latent code (without the batch)."""
    return task.latent_shape(args)


class Probe:
    """Measures one student's (or the reference's) task file."""

    def __init__(self, task: Task, code: StudentCode,
                 images: np.ndarray) -> None:
        self.task = task
        self.code = code
        self.images = images

    def role_shapes(self, models: list[Any], args: tuple[Any, ...]
                    ) -> list[dict[str, list[list[int]] | None]]:
        """What each returned model maps: used to spot a wrong order.

        Each model is first called with the input its position expects, so
        a subclassed model (built on its first call) is built right; the
        other input is tried only where that fails.
        """
        x = np.zeros((2,) + input_shape(args), "float32")
        z = np.zeros((2,) + latent_shape(args, self.task), "float32")
        expected = ("input", "latent", "input")
        roles = []
        for model, first in zip(models, expected):
            row: dict[str, list[list[int]] | None] = {}
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

    def run_argset(self, seed: int, args: tuple[Any, ...]
                   ) -> dict[str, Any]:
        """Builds, traces and measures the models of one argument set; a
        failure is data (``error`` or ``grader_error``)."""
        built = self.code.build(args)
        if built[0] is None:
            return {"error": built[1]}
        models = built[0]
        result: dict[str, Any] = {"roles": self.role_shapes(models, args)}
        encoder, decoder, auto = models
        x = grader_data.inputs_for(input_shape(args), BATCH, seed,
                                   self.images)
        z = self.latents(seed, args)
        traces = {}
        for name, model, value in (("encoder", encoder, x),
                                   ("decoder", decoder, z),
                                   ("auto", auto, x)):
            traced, error = self.code.attempt(trace, model, value)
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
        shape = (BATCH,) + latent_shape(args, self.task)
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
        heads: dict[str, int] = {}
        if self.task.kind == "vae":  # the parent checks this choice
            out["head_layers"] = find_heads(out["layers"]["encoder"],
                                            out["flow"]["encoder"])
            enc_layers, heads = vae.place_heads(enc_layers,
                                                out["head_layers"])
        variables = {"encoder": trainable_ids(encoder),
                     "decoder": trainable_ids(decoder),
                     "auto": trainable_ids(auto)}
        shared = shares_weights(variables)  # the parent checks this too
        auto_layers = weighted_layers(auto_calls)
        if self.task.kind == "stacked":  # before the canonical weights
            out["initial"] = stacked.initial_kernels(enc_layers + dec_layers)
        canonical = set_canonical(enc_layers, dec_layers, auto_layers,
                                  shared, seed)
        if self.task.kind == "stacked":  # what auto's penalty adds up
            out["weight_sums"] = stacked.weight_sums(
                canonical if shared else auto_layers)
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
        out["encoder_out"] = flat_arrays(self.code.call(encoder, "encoder", x))
        out["decoder_out"] = self.code.call(decoder, "decoder", z)
        out["auto_out"] = self.code.call(auto, "auto", x)
        if self.task.kind == "vae":  # which outputs are random?
            out["encoder_again"] = flat_arrays(
                self.code.call(encoder, "encoder", x))
        if self.task.kind == "vae":
            out.update(vae.measure_vae(self.code, self.images, seed, models,
                                       canonical, heads, x, len(enc_layers)))
        else:
            out.update(plain.measure_plain(self.code, models, canonical,
                                           auto_layers, x, shared))
        return out
