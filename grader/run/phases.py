"""The jobs a task takes: one, or for a VAE two in sequence (phase "trace",
then phase "measure" with the heads the parent planned)."""
from __future__ import annotations

from grader.run.outcome import WorkerOutcome
from grader.tasks import Task

FAILED = ("load_error", "probe_error", "grader_error")


def phases(task: Task) -> tuple[str, ...]:
    """The jobs measuring ``task`` takes, in order."""
    return ("trace", "measure") if task.kind == "vae" else ("measure",)


def job_id(task: Task, phase: str) -> int:
    """The fork server's id of ``task``'s job in ``phase``."""
    return task.number if phase == "measure" else 1000 + task.number


def merge_first(outcome: WorkerOutcome, first: WorkerOutcome) -> None:
    """Adds what a VAE's phase "trace" recorded for the integrity check
    (replaced functions, refused actions, reads, processes left) to the
    phase "measure" outcome, each finding once."""
    outcome.left_processes += first.left_processes
    outcome.notes[:0] = first.notes
    if outcome.result is None:
        return
    for key in ("tampered", "violations", "reads"):
        merged = []
        for item in list(first.result.get(key) or []) + list(
                outcome.result.get(key) or []):
            if item not in merged:
                merged.append(item)
        outcome.result[key] = merged
