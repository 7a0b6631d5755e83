"""The check registry: each model check's id, title, points and tasks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grader.judge.evidence import Evidence
from grader.judge.verdict import Verdict

CheckFn = Callable[[Evidence], Verdict]


@dataclass(frozen=True)
class Check:
    """A registered check: its id, title, points, tasks and function."""

    id: str
    title: str
    points: float
    kinds: tuple[str, ...]
    function: CheckFn
    requires: tuple[str, ...] = ()


REGISTRY: list[Check] = []


def check(check_id: str, title: str, points: float, kinds: tuple[str, ...],
          requires: tuple[str, ...] = ()) -> Callable[[CheckFn], CheckFn]:
    """Registers a model check, run in registration order."""
    def register(function: CheckFn) -> CheckFn:
        """Adds ``function`` to the registry."""
        REGISTRY.append(Check(check_id, title, points, kinds, function,
                              requires))
        return function
    return register
