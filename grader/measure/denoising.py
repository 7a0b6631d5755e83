"""Task 4's ``add_noise``: what it returns for the grader's calls
(:data:`grader.tasks.NOISE_CASES`), as statistics of the noise it added,
and the noisy inputs of the seeded training (runs inside the worker only;
student code is called only through
:class:`~grader.measure.student.StudentCode`).

Nothing here judges: :mod:`grader.judge.checks.denoising` compares the
statistics with what Gaussian noise clipped to [0, 1] gives.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.measure.arrays import to_numpy
from grader.measure.student import StudentCode
from grader.measurements import ErrorInfo, NoiseCall
from grader.tasks import NOISE_CASES, NOISE_TRAINING, NoiseCase


def correlations(noise: np.ndarray) -> list[dict[str, Any]]:
    """The correlation of the noise of neighbouring values along every
    axis longer than 1 (axis 0: consecutive images), with the number of
    pairs; ``r`` is None where the noise does not vary."""
    found = []
    for axis in range(noise.ndim):
        if noise.shape[axis] < 2:
            continue
        count = noise.shape[axis] - 1
        a = np.take(noise, range(count), axis=axis).ravel()
        b = np.take(noise, range(1, count + 1), axis=axis).ravel()
        r = None
        if a.std() > 0 and b.std() > 0:
            r = float(np.corrcoef(a, b)[0, 1])
        found.append({"axis": axis, "r": r, "pairs": int(a.size)})
    return found


def statistics(case: NoiseCase, out: np.ndarray) -> NoiseCall:
    """What the judge reads of one output of the right shape."""
    values = out.astype("float64")
    noise = values - case.level
    spread = 2 * case.noise_factor
    return {"mean": float(values.mean()), "std": float(values.std()),
            "min": float(values.min()), "max": float(values.max()),
            "at_low": float(np.mean(values == 0.0)),
            "at_high": float(np.mean(values == 1.0)),
            "tail": float(np.mean(np.abs(noise) > spread)),
            "finite": bool(np.all(np.isfinite(values))),
            "correlations": correlations(noise)}


def call_once(code: StudentCode, case: NoiseCase
              ) -> tuple[NoiseCall, np.ndarray | None]:
    """One call of ``add_noise``: what it did, and its output as an array
    when it has the images' shape and is numeric."""
    images = np.full(case.shape, case.level, "float32")
    kept = images.copy()
    value, error = code.attempt(code.module.add_noise, images,
                                case.noise_factor, case.seed)
    found: NoiseCall = {"input_changed": not np.array_equal(images, kept)}
    if error:
        found["error"] = {"stage": f"call {case.call()}", **error}
        return found, None
    try:
        out = np.asarray(to_numpy(value))
    except Exception as exc:  # a value NumPy cannot hold: its type
        found["type"] = f"{type(value).__name__} ({type(exc).__name__})"
        return found, None
    found["type"] = type(value).__name__
    found["shape"] = list(out.shape)
    found["dtype"] = str(out.dtype)
    found["same_memory"] = bool(isinstance(value, np.ndarray)
                                and np.shares_memory(value, images))
    if out.shape != images.shape or out.dtype.kind not in "fiub":
        return found, None
    found.update(statistics(case, out))
    return found, out


def measure_noise(code: StudentCode) -> list[NoiseCall]:
    """Every call of :data:`grader.tasks.NOISE_CASES`, in order; each also
    says which fraction of its values equal the first call's (same
    images' shape only), and of those that neither call clipped, for the
    seed's checks."""
    calls: list[NoiseCall] = []
    first: np.ndarray | None = None
    if not callable(getattr(code.module, "add_noise", None)):
        return calls
    for i, case in enumerate(NOISE_CASES):
        found, out = call_once(code, case)
        if i == 0:
            first = out
        elif out is not None and first is not None and \
                out.shape == first.shape:
            found["equal_to_first"] = float(np.mean(out == first))
            inside = (out > 0) & (out < 1) & (first > 0) & (first < 1)
            if inside.any():  # where neither was clipped
                found["equal_inside"] = float(np.mean(
                    out[inside] == first[inside]))
        calls.append(found)
    return calls


def noisy_inputs(code: StudentCode, train: np.ndarray, val: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray] | ErrorInfo:
    """The seeded training's inputs, as the main makes them: the student's
    ``add_noise`` of copies of ``train`` and ``val``
    (:data:`grader.tasks.NOISE_TRAINING`); or what went wrong."""
    factor, train_seed, val_seed = NOISE_TRAINING
    if not callable(getattr(code.module, "add_noise", None)):
        return {"stage": "add_noise for the training",
                "type": "MissingFunction",
                "message": "no function named add_noise"}
    made = []
    for images, seed in ((train, train_seed), (val, val_seed)):
        stage = f"add_noise(x, {factor}, {seed}) for the training"
        value, error = code.attempt(code.module.add_noise, images.copy(),
                                    factor, seed)
        if error:
            return {"stage": stage, **error}
        try:
            out = np.asarray(to_numpy(value), "float32")
        except Exception as exc:  # a value NumPy cannot hold
            return {"stage": stage, "type": type(exc).__name__,
                    "message": f"add_noise returned a "
                               f"{type(value).__name__}, not an array"}
        if out.shape != images.shape:
            return {"stage": stage, "type": "shape",
                    "message": f"add_noise returned shape {out.shape} for "
                               f"images of shape {images.shape}"}
        made.append(out)
    return made[0], made[1]
