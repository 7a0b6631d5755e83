"""Task 4's ``add_noise``, by what it returns for the grader's calls
(:data:`grader.tasks.NOISE_CASES`): an array of the images' shape, the
input left alone, noise of mean 0 and standard deviation ``noise_factor``
that is Gaussian, clipped to [0, 1], independent from value to value, and
seeded by ``seed``. The expected statistics are exact
(:mod:`grader.judge.noise`); the bounds are in
:mod:`grader.judge.tolerances`. Task 4's autoencoder has task 2's checks
(``MODELS_OF`` in :mod:`grader.tasks`)."""
from __future__ import annotations

import math
from dataclasses import replace
from collections.abc import Iterator
from typing import Any

from grader.judge import causes
from grader.judge.evidence import Evidence
from grader.judge.noise import (Clipped, clipped, fraction_error,
                                mean_error, std_error)
from grader.judge.registry import check
from grader.judge.tolerances import NOISE_OTHER_SEED_EQUAL, NOISE_SES
from grader.judge.verdict import Verdict
from grader.tasks import NOISE_CASES, NoiseCase, TaskKind

KIND: tuple[TaskKind, ...] = ("denoising",)
PARAMS = ("images", "noise_factor", "seed")
SIGNATURE = f"add_noise({', '.join(PARAMS)})"
FIX_SHAPE = ("return images + noise_factor * noise, clipped, with noise "
             "of shape images.shape")


def calls(ev: Evidence) -> Iterator[tuple[NoiseCase, dict[str, Any],
                                          Clipped]]:
    """(call, what the student's add_noise did, what it should give)."""
    found = (ev.student or {}).get("noise") or []
    for case, call in zip(NOISE_CASES, found):
        yield case, call, clipped(case)


def off(value: float, expected: float, error: float) -> bool:
    """Whether ``value`` strays more than NOISE_SES standard errors."""
    return not abs(value - expected) <= NOISE_SES * error


@check("add-noise", "add_noise returns noisy images of the same shape", 2,
       KIND, requires=("loads",))
def add_noise(ev: Evidence) -> Verdict:
    """``add_noise`` exists and returns finite numbers in an array of the
    images' shape with a floating-point dtype for every call."""
    found = (ev.student or {}).get("noise") or []
    if not found:
        return Verdict.fail(f"{ev.task.filename} has no function add_noise:"
                            " define add_noise(images, noise_factor, seed)")
    for case, call, _ in calls(ev):
        error = call.get("error")
        if error:
            text = causes.feedback(error, f"calling {case.call()}",
                                   "add_noise", PARAMS)
            if "\ncause:" not in text and error.get("raised_in") == "call":
                text += (f"\ncause: the grader calls {SIGNATURE}, and "
                         "yours takes other arguments\nfix: define "
                         f"{SIGNATURE} as the task says")
            return Verdict.fail(text)
        shape = tuple(call.get("shape") or ())
        if shape != case.shape:
            what = (f"shape {shape}" if "shape" in call
                    else f"a {call.get('type')}")
            return Verdict.fail(f"{case.call()} returned {what}, expected "
                                f"shape {case.shape}: {FIX_SHAPE}")
        if not call.get("dtype", "").startswith("float"):
            return Verdict.fail(
                f"{case.call()} returned dtype {call.get('dtype')}, expected"
                " floating-point values (the images are float32 in [0, 1])")
        if not call.get("finite"):
            return Verdict.fail(f"{case.call()} returned values that are not"
                                " finite (nan or inf)")
    return Verdict.ok()


@check("noise-input-kept", "add_noise returns a new array, input unchanged",
       2, KIND, requires=("add-noise",))
def input_kept(ev: Evidence) -> Verdict:
    """The images passed in are not modified, nor returned."""
    for case, call, _ in calls(ev):
        if call.get("input_changed"):
            return Verdict.fail(
                f"{case.call()} changed the images it was given: the noise "
                "was added in place (images += ..., np.clip(..., out=images)"
                "); compute noisy = images + noise_factor * noise instead, "
                "so that the clean images stay the training's targets")
        if call.get("same_memory"):
            return Verdict.fail(
                f"{case.call()} returned an array that shares memory with "
                "the images it was given; return a new array")
    return Verdict.ok()


@check("noise-mean", "the noise has mean 0", 2, KIND,
       requires=("add-noise",))
def noise_mean(ev: Evidence) -> Verdict:
    """At 0.5, where clipping is symmetric, the mean stays 0.5 (within
    standard errors of the spread found, if that is the larger: a wrong
    spread is the scale check's)."""
    for case, call, dist in calls(ev):
        if case.level != 0.5:
            continue
        n = case.size
        spread = replace(dist, std=max(dist.std, call["std"]))
        if off(call["mean"], dist.mean, mean_error(spread, n)):
            shift = (call["mean"] - case.level) / case.noise_factor
            cause = (": the noise looks uniform in [0, 1) (np.random.rand, "
                     "np.random.uniform); draw it from a normal distribution "
                     "of mean 0 (standard_normal)"
                     if 0.4 < shift < 0.6 else
                     ": draw the noise with mean 0 (loc=0.0)")
            bound = NOISE_SES * mean_error(spread, n)
            return Verdict.fail(
                f"{case.call()} has mean {call['mean']:.4f}, expected "
                f"{dist.mean:.4f} (within {bound:.4f}): its noise averages "
                f"{shift:.3g} noise_factor, not 0{cause}")
    return Verdict.ok()


def spread_cause(case: NoiseCase, std: float) -> str:
    """The known defect behind a standard deviation ``std`` (a diagnosis
    once the check failed: within 3% of a defect's exact value)."""
    f = case.noise_factor
    known = [(clipped(replace(case, noise_factor=1.0)).std,
              "the noise is not multiplied by noise_factor (its standard "
              "deviation is 1)"),
             (clipped(replace(case, noise_factor=f * f)).std,
              "the noise is multiplied by noise_factor twice")]
    if 2 * f < case.level:  # unclipped: uniform noise times noise_factor
        known.append((f / math.sqrt(12), "that of uniform noise; draw it "
                      "from a normal distribution (standard_normal)"))
    for value, cause in known:
        if abs(std - value) <= 0.03 * value:
            return ": " + cause
    return ": multiply noise of standard deviation 1 by noise_factor"


@check("noise-scale", "Gaussian noise of standard deviation noise_factor",
       3, KIND, requires=("add-noise",))
def noise_scale(ev: Evidence) -> Verdict:
    """At 0.5 the spread is that of clipped normal noise of standard
    deviation ``noise_factor``, and where nothing is clipped its tails
    are a Gaussian's."""
    for case, call, dist in calls(ev):
        if case.level != 0.5:
            continue
        n = case.size
        if off(call["std"], dist.std, std_error(dist, n)):
            cause = spread_cause(case, call["std"])
            return Verdict.fail(
                f"{case.call()} has standard deviation {call['std']:.4f}, "
                f"expected {dist.std:.4f} (noise of standard deviation "
                f"{case.noise_factor} clipped to [0, 1]; within "
                f"{NOISE_SES * std_error(dist, n):.4f}){cause}")
        if not math.isnan(dist.tail) and off(
                call["tail"], dist.tail, fraction_error(dist.tail, n)):
            return Verdict.fail(
                f"{case.call()} puts {call['tail']:.2%} of its values more "
                f"than 2 noise_factor from the images; Gaussian noise puts "
                f"{dist.tail:.2%} there: the noise has the right spread but "
                "is not Gaussian; draw it from a normal distribution "
                "(standard_normal, np.random.normal)")
    return Verdict.ok()


@check("noise-clipping", "the noisy images are clipped to [0, 1]", 2, KIND,
       requires=("add-noise",))
def noise_clipping(ev: Evidence) -> Verdict:
    """Every value is in [0, 1], and the values pushed past a bound sit
    on it: images at 0 (or 1) come back exactly 0 (or 1) wherever the
    noise is negative (positive), half the values for any noise of mean
    0 that is symmetric."""
    for case, call, _ in calls(ev):
        if call["min"] < 0.0 or call["max"] > 1.0:
            return Verdict.fail(
                f"{case.call()} returned values from {call['min']:.3g} to "
                f"{call['max']:.3g}: clip the noisy images to [0, 1] after "
                "adding the noise (np.clip(noisy, 0., 1.))")
    for case, call, dist in calls(ev):
        n = case.size
        for key, expected, bound in (("at_low", dist.at_low, 0),
                                     ("at_high", dist.at_high, 1)):
            if case.level != bound:
                continue
            if off(call[key], expected, fraction_error(expected, n)):
                return Verdict.fail(
                    f"{case.call()} puts {call[key]:.1%} of its values at "
                    f"exactly {bound}; noise clipped to [0, 1] puts "
                    f"{expected:.1%} there: add the noise first, then clip "
                    "(values past a bound must become the bound, not be "
                    "rescaled or redrawn)")
    return Verdict.ok()


def axis_words(axis: int) -> str:
    """Which neighbours an axis pairs, in words."""
    return ("consecutive images" if axis == 0 else
            f"neighbouring values along axis {axis}")


@check("noise-independence", "independent noise for every value", 2, KIND,
       requires=("add-noise",))
def noise_independence(ev: Evidence) -> Verdict:
    """The noise of neighbouring values (and of consecutive images) is
    uncorrelated, where clipping rarely bites (images at 0.5); within an
    image first, where a shared draw shows first."""
    for case, call, _ in calls(ev):
        if case.level != 0.5:
            continue
        rows = sorted(call.get("correlations") or [],
                      key=lambda row: (row.get("axis") == 0,
                                       row.get("axis")))
        for row in rows:
            r, pairs = row.get("r"), row.get("pairs") or 1
            words = axis_words(int(row.get("axis", 0)))
            if r is None:
                return Verdict.fail(
                    f"{case.call()}: the noise does not vary between "
                    f"{words}: draw one value for every pixel of every image"
                    f" (noise of shape images.shape)")
            if abs(r) > NOISE_SES / math.sqrt(pairs):
                return Verdict.fail(
                    f"{case.call()}: the noise of {words} is correlated "
                    f"(r = {r:.3f}, independent noise gives |r| < "
                    f"{NOISE_SES / math.sqrt(pairs):.3f}): draw one value "
                    "for every pixel of every image (noise of shape "
                    "images.shape), not one shared along an axis")
    return Verdict.ok()


@check("noise-seed", "the seed gives the noise", 2, KIND,
       requires=("add-noise",))
def noise_seed(ev: Evidence) -> Verdict:
    """The same seed gives the same noise, even after other seeds were
    used; another seed gives other noise."""
    first = NOISE_CASES[0]
    for i, (case, call, _) in enumerate(calls(ev)):
        if i == 0 or case.shape != first.shape or \
                case.noise_factor != first.noise_factor:
            continue
        equal = call.get("equal_to_first", 0.0)
        if case.seed == first.seed and equal < 1.0:
            return Verdict.fail(
                f"{first.call()} called again after other seeds returned "
                f"other values ({equal:.0%} equal): the seed is not used, or"
                " it seeds a generator that other calls move on (e.g. "
                "tf.random.normal(seed=...)); draw the noise from "
                "np.random.default_rng(seed)")
        inside = call.get("equal_inside", 0.0)  # clipped values coincide
        if case.seed != first.seed and inside > NOISE_OTHER_SEED_EQUAL:
            return Verdict.fail(
                f"{case.call()} returned the same noise as {first.call()} "
                f"({inside:.0%} of the values neither clipped are equal): "
                "the seed argument is ignored (a fixed seed?); seed the "
                "generator with seed")
    return Verdict.ok()
