"""The seeded training run, and everything a task's checks need.

:func:`probe_task` is what the worker calls: every argument set measured by
a :class:`~grader.measure.probe.Probe`, then a short training from the
canonical weights on fixed data.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure.arrays import flat_arrays
from grader.measure.errors import StudentFault, guarded
from grader.measure.probe import Probe, encoder_trace
from grader.measure.trace import keras, trace
from grader.measure.vae import place_heads
from grader.measure.weights import (assign_canonical, trainable_ids,
                                    weighted_layers)
from grader.tasks import Task


def prepare_training(probe: Probe, models: list, args: tuple,
                     sample: np.ndarray,
                     heads: dict[str, int] | None = None) -> None:
    """Puts the canonical weights (seed 7) into freshly built models.

    ``sample`` (two inputs) is traced through all three models first,
    which also builds a subclassed model that builds on its first call.
    A VAE's ``heads`` are the parent's plan (see
    :mod:`grader.judge.heads`).
    """
    encoder, decoder, auto = models
    auto_calls, _ = probe.run("call auto", trace, auto, sample)
    enc_calls, _ = probe.run("call encoder", trace, encoder, sample)
    dec_calls, _ = probe.run("call decoder", trace, decoder, np.zeros(
        (2,) + probe.latent_shape(args), "float32"))
    enc_layers = weighted_layers(enc_calls)
    if probe.task.kind == "vae":
        enc_layers, _ = place_heads(enc_layers, heads)
    assign_canonical(enc_layers + weighted_layers(dec_calls), 7)
    if trainable_ids(auto) != trainable_ids(encoder) | trainable_ids(
            decoder):
        assign_canonical(weighted_layers(auto_calls), 7)
    keras.utils.set_random_seed(0)


def seeded_training(probe: Probe, train_x: np.ndarray, val_x: np.ndarray,
                    heads: dict[str, int] | None = None
                    ) -> dict[str, Any]:
    """A short training run from the canonical weights, no shuffling."""
    args = probe.task.train_args
    models, error = probe.build(args)
    if error:
        return {"error": error}
    encoder, decoder, auto = models
    try:
        prepare_training(probe, models, args, train_x[:2], heads)
        auto.run_eagerly = True  # 20 steps: cheaper than tracing
        history = probe.run("training", lambda: auto.fit(
            train_x, train_x, epochs=2, batch_size=32, shuffle=False,
            verbose=0, validation_data=(val_x, val_x)))
        encoded = flat_arrays(probe.call(encoder, "encoder", val_x[:10]))
    except StudentFault as fault:
        return {"error": fault.info}
    return {"loss": [float(v) for v in history.history.get("loss", [])],
            "val_loss": [float(v) for v in
                         history.history.get("val_loss", [])],
            "encoded_mean": [float(np.mean(a)) for a in encoded]}


def training_data(task: Task, images: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Student and reference train on the same 320 + 160 inputs."""
    shape = Probe(task, None, "", images).input_shape(task.train_args)
    train = grader_data.inputs_for(shape, 320, 11, images)
    val = grader_data.inputs_for(shape, 160, 12, images)
    return train, val


def planned(plan: dict | None, key: str, index: int | None = None
            ) -> dict[str, int] | None:
    """The heads ``plan`` (the parent's) names for ``key`` (``index``)."""
    value = (plan or {}).get(key)
    if index is not None:
        value = value[index] if isinstance(value, list) and index < len(
            value) else None
    return value if isinstance(value, dict) else None


def probe_task(task: Task, module: Any, student_file: str,
               plan: dict | None = None) -> dict[str, Any]:
    """Everything the checks of ``task`` need, for every argument set
    (phase "measure"; a VAE's heads from ``plan``, see :func:`trace_task`)."""
    images, source = grader_data.mnist_images()
    probe = Probe(task, module, student_file, images)
    results = {"data_source": source, "argsets": []}
    for seed, argset in enumerate(task.argsets):
        results["argsets"].append(probe.run_argset(
            seed, argset.args, planned(plan, "argsets", seed)))
    train, val = training_data(task, images)
    results["training"] = seeded_training(probe, train, val,
                                          planned(plan, "training"))
    return results


def training_trace(probe: Probe, args: tuple,
                   sample: np.ndarray) -> dict[str, Any]:
    """Phase "trace" of a training run: built and traced as
    :func:`prepare_training` does (auto first), the encoder's rows."""
    models, error = probe.build(args)
    if error:
        return {"error": error}
    _, error = guarded(probe.file, trace, models[2], sample)
    if error:
        return {"error": {"stage": "call auto", **error}}
    return encoder_trace(probe.file, models[0], sample)


def trace_task(task: Task, module: Any, student_file: str,
               pictures: bool = False) -> dict[str, Any]:
    """Phase "trace" (VAE tasks): the encoder's layer rows and output
    fingerprints for every argument set, the seeded training's arguments
    and (``pictures``) the course's, from which the parent plans the heads.
    No training, no experiments."""
    images, source = grader_data.mnist_images()
    probe = Probe(task, module, student_file, images)
    results: dict[str, Any] = {"data_source": source, "argsets": [
        probe.trace_argset(seed, argset.args)
        for seed, argset in enumerate(task.argsets)]}
    train, _ = training_data(task, images)
    results["training"] = training_trace(probe, task.train_args, train[:2])
    if pictures:
        from grader.measure.pictures import course_sample
        results["pictures"] = training_trace(
            probe, task.course_args, course_sample(task))
    return results
