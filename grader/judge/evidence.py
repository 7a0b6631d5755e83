"""What a check reads: the student's and the reference's measurements of one
task (PrairieLearn's ``self.st`` / ``self.ref``), and the verdicts so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from grader.judge.layers import Row, effective_rows
from grader.judge.verdict import Verdict
from grader.measurements import ErrorInfo, missing_keys
from grader.results import passing
from grader.tasks import ArgSet, Task


@dataclass
class Side:
    """One argument set's measurements for the student or the reference."""

    data: dict[str, Any]

    @property
    def error(self) -> ErrorInfo | None:
        """The error that stopped this argument set's measuring, if any."""
        return self.data.get("error")

    def rows(self, model: str) -> list[Row]:
        """``model``'s traced calls as comparable layer rows."""
        return effective_rows(self.data.get("layers", {}).get(model, []),
                              self.data.get("flow", {}).get(model))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        """One measurement, or ``default``."""
        return self.data.get(key, default)


@dataclass
class Evidence:
    """Everything the checks of one task read, and the verdicts so far."""

    task: Task
    student: dict[str, Any] | None  # the worker's result, None if none
    reference: dict[str, Any]
    worker_problem: str | None = None  # timeout, crash, ...
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    @property
    def grader_error(self) -> dict | None:
        """The worker's report that the grader's own measuring code failed
        on this file (anywhere), or a result lacking keys the judge reads
        (see :func:`grader.measurements.missing_keys`), or None."""
        result = self.student or {}
        if result.get("grader_error"):
            return result["grader_error"]
        for argset in result.get("argsets", []):
            if argset.get("grader_error"):
                return argset["grader_error"]
        if self.student is not None:
            missing = missing_keys(result, self.task.kind,
                                   len(self.task.argsets))
            if missing:
                shown = ", ".join(missing[:6]) + (
                    f" and {len(missing) - 6} more" if len(missing) > 6
                    else "")
                return {"type": "IncompleteMeasurement",
                        "message": f"the worker's result lacks {shown}"}
        return None

    def passed(self, check_id: str) -> bool:
        """Whether ``check_id`` passed (or only warned)."""
        verdict = self.verdicts.get(check_id)
        return verdict is not None and passing(verdict.status)

    def pairs(self, include_edge: bool = False
              ) -> Iterator[tuple[ArgSet, Side, Side]]:
        """(argument set, student, reference) for each argument set."""
        student = (self.student or {}).get("argsets", [])
        reference = self.reference.get("argsets", [])
        for argset, s, r in zip(self.task.argsets, student, reference):
            if argset.edge and not include_edge:
                continue
            yield argset, Side(s), Side(r)
