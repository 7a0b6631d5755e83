"""The seeded training run, and everything a task's checks need.

:func:`probe_task` is what the worker calls: every argument set measured by
a :class:`~grader.measure.probe.Probe`, then a short training from the
canonical weights on fixed data.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure import denoising
from grader.measure.arrays import flat_arrays
from grader.measure.errors import StudentFault
from grader.measure.probe import Probe, input_shape, latent_shape
from grader.measure.student import StudentCode
from grader.measure.trace import fingerprint, keras, trace
from grader.measure.vae import place_heads
from grader.measure.weights import (set_canonical, trainable_ids,
                                    weighted_layers)
from grader.measurements import TaskMeasured, Training, find_heads
from grader.tasks import Task

TRAIN_ROWS, VAL_ROWS = 320, 160  # the seeded training's data
EPOCHS = 2
BATCH = 32  # rows per step: EPOCHS * TRAIN_ROWS / BATCH Adam steps


def prepare_training(code: StudentCode, task: Task, models: list[Any],
                     args: tuple[Any, ...], sample: np.ndarray
                     ) -> Training:
    """Puts the canonical weights (seed 7) into freshly built models.

    ``sample`` (two inputs) is traced through all three models first,
    which also builds a subclassed model that builds on its first call.
    For a VAE it returns the traced encoder and the heads used, for the
    parent to check (:mod:`grader.judge.heads`); else nothing.
    """
    encoder, decoder, auto = models
    auto_calls, _ = code.run("call auto", trace, auto, sample)
    enc_calls, enc_out = code.run("call encoder", trace, encoder, sample)
    dec_calls, _ = code.run("call decoder", trace, decoder, np.zeros(
        (2,) + latent_shape(args, task), "float32"))
    enc_layers = weighted_layers(enc_calls)
    found: Training = {}
    if task.kind == "vae":
        found["encoder_trace"] = {
            "layers": [{"id": id(c.layer),
                        "weights": [list(v.shape) for v in
                                    c.layer.trainable_weights],
                        "output_keys": [fingerprint(o) for o in c.outputs]}
                       for c in enc_calls],
            "flow": {"outputs": [fingerprint(a)
                                 for a in flat_arrays(enc_out)]}}
        found["head_layers"] = find_heads(found["encoder_trace"]["layers"],
                                          found["encoder_trace"]["flow"])
        enc_layers, _ = place_heads(enc_layers, found["head_layers"])
    shared = trainable_ids(auto) == trainable_ids(encoder) | trainable_ids(
        decoder)
    set_canonical(enc_layers, weighted_layers(dec_calls),
                  weighted_layers(auto_calls), shared, 7)
    keras.utils.set_random_seed(0)
    return found


def seeded_training(code: StudentCode, task: Task, train_x: np.ndarray,
                    val_x: np.ndarray,
                    inputs: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> Training:
    """A short training run from the canonical weights, no shuffling;
    ``inputs`` (task 4: noisy images) replace ``train_x`` and ``val_x`` as
    the model's inputs, which stay its targets."""
    train_in, val_in = inputs or (train_x, val_x)
    args = task.train_args
    built = code.build(args)
    if built[0] is None:
        return {"error": built[1]}
    models = built[0]
    encoder, decoder, auto = models
    try:
        found = prepare_training(code, task, models, args, train_x[:2])
        auto.run_eagerly = True  # 20 steps: cheaper than tracing
        history = code.run("training", lambda: auto.fit(
            train_in, train_x, epochs=EPOCHS, batch_size=BATCH, shuffle=False,
            verbose=0, validation_data=(val_in, val_x)))
        encoded = flat_arrays(code.call(encoder, "encoder", val_x[:10]))
    except StudentFault as fault:
        return {"error": fault.info}
    result: Training = {
        "loss": [float(v) for v in history.history.get("loss", [])],
        "val_loss": [float(v) for v in history.history.get("val_loss", [])],
        "encoded_mean": [float(np.mean(a)) for a in encoded]}
    result.update(found)
    return result


def training_data(task: Task, images: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Student and reference train on the same 320 + 160 inputs."""
    shape = input_shape(task.train_args)
    train = grader_data.inputs_for(shape, TRAIN_ROWS, 11, images)
    val = grader_data.inputs_for(shape, VAL_ROWS, 12, images)
    return train, val


def probe_task(task: Task, module: Any, student_file: str
               ) -> TaskMeasured:
    """Everything the checks of ``task`` need, for every argument set."""
    images, source = grader_data.mnist_images()
    code = StudentCode(module, student_file)
    probe = Probe(task, code, images)
    argsets = [probe.run_argset(seed, argset.args)
               for seed, argset in enumerate(task.argsets)]
    train, val = training_data(task, images)
    if task.kind != "denoising":
        return {"data_source": source, "argsets": argsets,
                "training": seeded_training(code, task, train, val)}
    measured: TaskMeasured = {"data_source": source, "argsets": argsets,
                              "training": {}}
    noisy = denoising.noisy_inputs(code, train, val)
    measured["training"] = {"error": noisy} if isinstance(noisy, dict) \
        else seeded_training(code, task, train, val, noisy)
    return measured
