"""What Gaussian noise clipped to [0, 1] gives, exactly: the statistics
task 4's ``add_noise`` is judged against (no sampling: the moments of
``clip(level + noise_factor * Z, 0, 1)`` with ``Z ~ N(0, 1)``, from the
normal distribution's closed forms and one numerical integral)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from grader.tasks import NoiseCase


def normal_cdf(z: float) -> float:
    """P(Z <= z) for a standard normal Z."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@dataclass(frozen=True)
class Clipped:
    """The distribution of one value ``add_noise`` should return."""

    mean: float
    std: float
    fourth: float     # E[(Y - mean)^4], for the standard deviation's error
    at_low: float     # P(Y == 0)
    at_high: float    # P(Y == 1)
    tail: float       # P(|Y - level| > 2 noise_factor)


def clipped(case: NoiseCase, points: int = 20001) -> Clipped:
    """The distribution of ``clip(level + noise_factor * Z, 0, 1)``: point
    masses at 0 and 1, the normal density between (integrated on
    ``points`` points: the moments are exact to ~1e-9)."""
    level, sd = case.level, case.noise_factor
    low, high = (0.0 - level) / sd, (1.0 - level) / sd
    p_low, p_high = normal_cdf(low), 1.0 - normal_cdf(high)
    z = np.linspace(low, high, points)
    density = np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)
    y = level + sd * z

    def expect(g: np.ndarray, at_low: float, at_high: float) -> float:
        """E[g(Y)], from g on the grid and at the two bounds."""
        return float(np.trapezoid(g * density, z) + at_low * p_low
                     + at_high * p_high)

    mean = expect(y, 0.0, 1.0)
    var = expect((y - mean) ** 2, mean ** 2, (1 - mean) ** 2)
    fourth = expect((y - mean) ** 4, mean ** 4, (1 - mean) ** 4)
    tail = 2 * (1 - normal_cdf(2.0))
    beyond = [b for b in (level - 2 * sd, level + 2 * sd)
              if not 0.0 < b < 1.0]
    return Clipped(mean, math.sqrt(var), fourth, p_low, p_high,
                   math.nan if beyond else tail)


def mean_error(dist: Clipped, n: int) -> float:
    """The standard error of the mean of ``n`` values."""
    return dist.std / math.sqrt(n)


def std_error(dist: Clipped, n: int) -> float:
    """The standard error of the standard deviation of ``n`` values."""
    return math.sqrt(max(dist.fourth - dist.std ** 4, 0.0) / n) / (
        2 * dist.std)


def fraction_error(p: float, n: int) -> float:
    """The standard error of a fraction ``p`` of ``n`` values."""
    return math.sqrt(p * (1 - p) / n)
