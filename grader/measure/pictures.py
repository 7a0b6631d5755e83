"""What ``python -m grader compare`` needs beyond grading: worker side only.

For the course's arguments: a short seeded training from the canonical
weights (loss and val_loss per epoch), reconstructions of ten test digits,
and for the VAE the latent means of test digits with their labels and a
decoded grid of the latent plane. Whatever fails is reported as an error
next to what could be measured.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure.arrays import flat_arrays, to_numpy
from grader.measure.errors import StudentFault, error_info
from grader.measure.student import StudentCode
from grader.measure.training import prepare_training
from grader.tasks import Task

EPOCHS = 6
TRAIN, VALIDATION = 640, 256
BATCH_SIZE = 32
GRID = 10  # the decoded latent grid is GRID x GRID


def course_inputs(task: Task, images: np.ndarray, count: int,
                  offset: int) -> np.ndarray:
    """``count`` images in the shape the course's arguments take."""
    chosen = images[offset:offset + count]
    if task.model_kind == "conv":
        return chosen[..., None]
    if task.kind == "stacked":  # task 5's 1,024 inputs: 32x32 digits
        return grader_data.padded(chosen, task.course_args[0])
    return chosen.reshape(len(chosen), -1)


def measure_pictures(task: Task, module: Any, student_file: str
                     ) -> dict[str, Any]:
    """Training curves, reconstructions and (VAE) latent pictures."""
    images, labels, source = grader_data.labelled_images()
    code = StudentCode(module, student_file)
    out: dict[str, Any] = {"data_source": source, "epochs": EPOCHS,
                           "train_size": TRAIN}
    args = task.course_args
    built = code.build(args)
    if built[0] is None:
        out["error"] = built[1]
        return out
    models = built[0]
    encoder, decoder, auto = models
    train = course_inputs(task, images, TRAIN, 0)
    val = course_inputs(task, images, VALIDATION, TRAIN)
    test = course_inputs(task, images, 10, TRAIN + VALIDATION)
    out["originals"] = test
    try:
        prepare_training(code, task, models, args, train[:2])
        history = code.run("training", lambda: auto.fit(
            train, train, epochs=EPOCHS, batch_size=BATCH_SIZE,
            shuffle=False, verbose=0, validation_data=(val, val)))
    except StudentFault as fault:
        out["error"] = fault.info
        return out
    out["loss"] = [float(v) for v in history.history.get("loss", [])]
    out["val_loss"] = [float(v) for v in history.history.get("val_loss", [])]
    try:
        out["reconstructions"] = np.asarray(to_numpy(auto(test)), "float32")
    except Exception as exc:
        out["reconstruction_error"] = error_info(exc, student_file)
    if task.kind == "vae":
        out.update(latent_pictures(task, encoder, decoder, images, labels,
                                   student_file))
    return out


def latent_pictures(task: Task, encoder: Any, decoder: Any,
                    images: np.ndarray,
                    labels: np.ndarray, student_file: str) -> dict[str, Any]:
    """Latent means of 1,000 test digits, and a decoded grid of the plane."""
    out: dict[str, Any] = {}
    digits = images[-1000:].reshape(1000, -1)
    try:
        outputs = flat_arrays(to_numpy(encoder(digits)))
        out["latent_means"] = np.asarray(outputs[1] if len(outputs) > 1
                                         else outputs[0], "float32")
        out["latent_labels"] = labels[-1000:]
    except Exception as exc:
        out["latent_error"] = error_info(exc, student_file)
    latent = task.course_args[2]
    try:
        axis = np.linspace(-3, 3, GRID)
        plane = np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=2)
        codes = np.zeros((GRID * GRID, latent), "float32")
        codes[:, :2] = plane.reshape(-1, 2)
        out["grid"] = np.asarray(to_numpy(decoder(codes)), "float32")
    except Exception as exc:
        out["grid_error"] = error_info(exc, student_file)
    return out
