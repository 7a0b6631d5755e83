"""The comparison page's words for a training that went wrong: whether the
student's seeded training diverged (a loss that is not finite, or that
grew far beyond both its own start and the reference's), with the likely
cause from the grading's failed checks, and why a picture has nothing to
draw.

Reads the page's measured pictures (:mod:`grader.measure.pictures`) and the
grading's check results; judges nothing the grade depends on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.judge.text import plain, shorten
from grader.results import CheckResult, Report

# A loss over EXPLODING times the larger of the student's own first-epoch
# loss and the reference's largest has diverged. Both runs start from the
# same weights on the same images, so the reference sets the scale; the
# student's own start covers a loss on another legitimate scale (summed
# over the batch: 32 times, or over the 784 pixels where the reference
# averages), which then falls, never grows tenfold.
EXPLODING = 10.0
# The checks whose failure most likely makes a training diverge, most
# telling first; any other failed check comes after them.
LIKELY = ("kl-divergence", "reconstruction-loss", "loss", "sampling",
          "sparsity-penalty", "activations", "optimizer", "decoder-input",
          "encoder-outputs", "vae-training-step", "training-step",
          "seeded-training")


@dataclass(frozen=True)
class Divergence:
    """Where the student's seeded training diverged."""

    key: str  # "loss" or "val_loss"
    epoch: int  # the first diverged epoch, from 1
    value: float  # the loss there (maybe NaN or infinite)
    last: float  # the last epoch's
    epochs: int
    scale: float  # the scale it was measured against
    not_finite: int | None  # the first epoch whose loss is NaN or infinite

    @property
    def finite(self) -> bool:
        """Was the loss still a number (exploding, not NaN)?"""
        return math.isfinite(self.value)


def largest(values: list[float]) -> float:
    """The largest finite magnitude among ``values`` (0 if none)."""
    return max([abs(v) for v in values if math.isfinite(v)] or [0.0])


def divergence(student: dict, reference: dict) -> Divergence | None:
    """The first epoch at which the student's loss (then val_loss) is not
    finite or is over EXPLODING times the scale, else None."""
    for key in ("loss", "val_loss"):
        values = [float(v) for v in student.get(key) or []]
        if not values:
            continue
        start = abs(values[0]) if math.isfinite(values[0]) else 0.0
        scale = max(start, largest(reference.get(key) or []))
        bad = [e for e, v in enumerate(values, 1) if not math.isfinite(v)]
        for epoch, value in enumerate(values, 1):
            if not math.isfinite(value) or (
                    scale > 0 and abs(value) > EXPLODING * scale):
                return Divergence(key, epoch, value, values[-1],
                                  len(values), scale,
                                  bad[0] if bad else None)
    return None


def number(value: float) -> str:
    """A loss in words: 3 significant digits, or what it is instead."""
    if math.isnan(value):
        return "NaN (not a number)"
    if math.isinf(value):
        return "infinite"
    return f"{value:.3g}"


def likely_cause(report: Report, task: int) -> CheckResult | None:
    """The failed check of the grading that most likely explains it."""
    failed = {r.check: r for r in report.results
              if r.task == task and r.status == "failed"}
    for check_id in LIKELY:
        if check_id in failed:
            return failed[check_id]
    return next(iter(failed.values()), None)


def divergence_sentence(found: Divergence, reference: dict,
                        report: Report, task: int) -> str:
    """The student's training diverged, in words: the epoch, the loss,
    the reference's for scale, and the likely cause."""
    ref = [float(v) for v in reference.get(found.key) or []]
    text = "The student's seeded training diverged: "
    nan = "the weights the training updated: the model outputs NaN."
    if not found.finite:
        return text + (f"from epoch {found.epoch} of {found.epochs} its "
                       f"{found.key} is {number(found.value)}, and so are "
                       f"{nan}" + cause_words(report, task))
    text += (f"at epoch {found.epoch} of {found.epochs} its {found.key} was "
             f"{number(found.value)}, over {EXPLODING:g} times the scale of "
             f"the reference's ({number(found.scale)}); ")
    if found.not_finite is not None:
        text += (f"from epoch {found.not_finite} on it is not a number, and "
                 f"neither are {nan}")
    else:
        text += f"it ends at {number(found.last)}" + (
            f" (the reference's at {number(ref[-1])})." if ref else ".")
    if ref and min(ref) > 0 and found.finite and found.value < 0:
        text += (" A negative loss has no lower bound to stop at: the "
                 "reference's is never negative, as a cross-entropy (and a "
                 "KL divergence) cannot be.")
    return text + cause_words(report, task)


def cause_words(report: Report, task: int) -> str:
    """' Likely cause, from the grading's failed checks: ...'."""
    cause = likely_cause(report, task)
    if cause is None:
        return (" No check of the grading failed; the loss is the first "
                "thing to look at.")
    first = plain(cause.message).splitlines()[0] if cause.message else ""
    return (f" Likely cause, from the grading's failed checks: "
            f"{cause.title}: {shorten(first, 400)}")


def nothing_to_draw(values: Any) -> str | None:
    """Why a measured picture draws nothing (or only part), else None."""
    if values is None:
        return None  # not measured: the page's error box says why
    array = np.asarray(values, dtype="float64")
    if array.size == 0:
        return "nothing was measured, so there is nothing to draw"
    bad = ~np.isfinite(array)
    if bad.all():
        return "every value is NaN or infinite, so there is nothing to draw"
    if bad.any():
        return (f"{int(bad.sum())} of {array.size} values are NaN or "
                "infinite and are left blank")
    return None


def empty_sentence(what: str, values: Any, diverged: Divergence | None
                   ) -> str | None:
    """'student's grid is all NaN ...' where a measured picture draws
    nothing (or not all), with the divergence that explains it."""
    empty = nothing_to_draw(values)
    if empty is None:
        return None
    why = (f": the training diverged and its loss is not a number from "
           f"epoch {diverged.not_finite} (see the top of this task)"
           if diverged and diverged.not_finite is not None else "")
    return f"{what}: {empty}{why}."
