"""The check registry: each model check's id, title, points and tasks.

A check module defines its checks with :func:`check`; the order they run
and are reported in is the explicit list in :mod:`grader.judge.checks`,
which :func:`ordered` checks against what was defined.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grader.judge.evidence import Evidence
from grader.judge.verdict import Verdict
from grader.tasks import TaskKind

CheckFn = Callable[[Evidence], Verdict]


@dataclass(frozen=True)
class Check:
    """A registered check: its id, title, points, tasks and function."""

    id: str
    title: str
    points: float
    kinds: tuple[TaskKind, ...]
    function: CheckFn
    requires: tuple[str, ...] = ()


DEFINED: dict[str, Check] = {}  # by id, as the check modules define them


def check(check_id: str, title: str, points: float,
          kinds: tuple[TaskKind, ...], requires: tuple[str, ...] = ()
          ) -> Callable[[CheckFn], CheckFn]:
    """Defines a model check (its place in the order is
    :data:`grader.judge.checks.ORDER`'s)."""
    def register(function: CheckFn) -> CheckFn:
        """Adds ``function`` to the defined checks."""
        if check_id in DEFINED:
            raise ValueError(f"check {check_id!r} is defined twice")
        DEFINED[check_id] = Check(check_id, title, points, kinds, function,
                                  requires)
        return function
    return register


def ordered(order: tuple[str, ...]) -> list[Check]:
    """The defined checks in ``order``; a check defined but not ordered,
    or ordered but not defined, is a grader bug (ValueError)."""
    unordered = sorted(set(DEFINED) - set(order))
    undefined = sorted(set(order) - set(DEFINED))
    if unordered or undefined or len(set(order)) != len(order):
        raise ValueError(f"the check order does not match the checks: "
                         f"not ordered {unordered}, not defined "
                         f"{undefined}, or listed twice")
    return [DEFINED[check_id] for check_id in order]
