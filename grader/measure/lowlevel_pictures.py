"""What ``python -m grader compare`` shows of task 6 (worker side only):
the same pictures as for the Keras tasks (:mod:`grader.measure.pictures`),
made with ``train_step`` and ``__call__``: a short training from the
canonical values, loss and val_loss per epoch, and the reconstructions of
ten test images.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure import data as grader_data
from grader.measure import lowlevel
from grader.measure.arrays import to_numpy
from grader.measure.errors import StudentFault, error_info
from grader.measure.pictures import BATCH_SIZE, EPOCHS, TRAIN, VALIDATION
from grader.measure.student import StudentCode
from grader.tasks import Task


def measure_pictures(task: Task, module: Any, student_file: str
                     ) -> dict[str, Any]:
    """Training curves and reconstructions for the course's arguments."""
    images, _, source = grader_data.labelled_images()
    code = StudentCode(module, student_file)
    out: dict[str, Any] = {"data_source": source, "epochs": EPOCHS,
                           "train_size": TRAIN}
    args = task.course_args
    flat = images.reshape(len(images), -1)
    train, val = flat[:TRAIN], flat[TRAIN:TRAIN + VALIDATION]
    test = flat[TRAIN + VALIDATION:TRAIN + VALIDATION + 10]
    out["originals"] = test
    built, error = lowlevel.build(code, task, args, lowlevel.SEEDS[0])
    if built is None:
        out["error"] = error
        return out
    out["loss"], out["val_loss"] = [], []
    try:
        roles = lowlevel.match_roles(code, built, args, test)
        if roles is None:
            out["error"] = {"stage": "build", "type": "shapes",
                            "message": "its variables' shapes are not the "
                                       "task's"}
            return out
        lowlevel.assign(built, roles, lowlevel.canonical(args, 7))
        for _ in range(EPOCHS):
            losses = [lowlevel.step(code, built, roles,
                                    train[i:i + BATCH_SIZE])[0]
                      for i in range(0, TRAIN, BATCH_SIZE)]
            out["loss"].append(float(np.mean(
                [np.nan if v is None else v for v in losses])))
            recon = code.call(built, "__call__", val)
            out["val_loss"].append(float(np.mean(np.square(val - recon))))
    except StudentFault as fault:
        out["error"] = fault.info
        return out
    try:
        out["reconstructions"] = np.asarray(to_numpy(built(test)), "float32")
    except Exception as exc:
        out["reconstruction_error"] = error_info(exc, student_file)
    return out
