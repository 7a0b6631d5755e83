"""The one sentence a student reads when a worker brought back nothing
usable: what was refused, or what stopped it (a timeout, a signal, a
flood of output, ...)."""
from __future__ import annotations

import signal

from grader.judge import causes
from grader.options import Limits
from grader.run.outcome import WorkerOutcome
from grader.tasks import Task

SIGNALS: dict[int, str] = {
    signal.SIGSEGV: "it crashed with a segmentation fault (SIGSEGV)",
    signal.SIGBUS: "it crashed with a bus error (SIGBUS)",
    signal.SIGABRT: "it aborted (SIGABRT)",
    signal.SIGKILL: "it was killed (SIGKILL): most often it ran out of "
                    "memory",
    signal.SIGXCPU: "it used more CPU time than allowed (SIGXCPU)",
    signal.SIGXFSZ: "it wrote a file larger than allowed (SIGXFSZ)",
    signal.SIGFPE: "it crashed with an arithmetic error (SIGFPE)",
}


def worker_problem(task: Task, outcome: WorkerOutcome,
                   limits: Limits) -> str | None:
    """One sentence for a worker that brought back no usable result:
    what was refused, or what stopped it."""
    if outcome.status in ("ok", "grader"):  # "grader": checks say ERR!
        return None
    name = task.filename
    if outcome.status == "timeout":
        return (f"grading {name} did not finish within {limits.seconds:g} s "
                "(an endless loop, or input() waiting?)")
    if outcome.status == "output":
        return (f"grading {name} was stopped: it printed more than "
                f"{limits.output_kb} KB of output (a print in a loop?)")
    if outcome.status == "disk":
        return (f"grading {name} was stopped: it wrote more than "
                f"{limits.disk_mb} MB of files")
    if outcome.status == "too-large":
        return f"{name} was not graded: " + "; ".join(outcome.notes)
    if outcome.status == "sandbox":
        return (f"grading {name} was stopped: the sandbox it ran in was "
                "killed (" + "; ".join(outcome.notes or ["by the task file "
                                                         "itself?"]) + ")")
    if outcome.status == "no-result" and outcome.notes:
        return f"grading {name} brought back no result: {outcome.notes[0]}"
    noise = ("I0000", "W0000", "WARNING: All log messages", "To enable")
    lines = [line for line in outcome.output.strip().splitlines()
             if line.strip() and not line.startswith(noise)]
    tail = [causes.plain(line) for line in lines[-1:]] or [""]
    if outcome.returncode is not None and outcome.returncode < 0:
        number = -outcome.returncode
        why = SIGNALS.get(number, f"it was stopped by signal {number}")
        return (f"grading {name} was stopped: {why}"
                + (f". Last output: {tail[0][:200]}" if tail[0] else ""))
    return (f"{name} ended the grading process early (exit code "
            f"{outcome.returncode}): does it call os._exit or exit?"
            + (f" Last output: {tail[0][:200]}" if tail[0] else ""))
