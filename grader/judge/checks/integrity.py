"""Did the task file keep to building models? Tampering, refused actions
and reads outside its folder, as the worker recorded them.

The grader judges in its own process, so none of these changes another
verdict: the models are measured and judged as usual, and this check says
what else the file did, for the student and the instructor to see. One
exception: measurements that contradict themselves (the VAE heads the
worker used are not those its own measurements show, see
:mod:`grader.judge.heads`) cannot be judged, and the file's model checks
are not.
"""
from __future__ import annotations

from grader.judge import heads
from grader.judge.evidence import Evidence
from grader.judge.verdict import Verdict
from grader.judge.registry import check
from grader.tasks import ALL_KINDS
from grader.run.outcome import WorkerOutcome

SHOWN = 4


def findings(result: dict | None) -> dict[str, list[str]]:
    """What the worker recorded: replaced functions, refused actions,
    files read (or folders listed) outside the task file's folder."""
    result = result or {}
    found = {"replaced": list(result.get("tampered", [])),
             "refused": list(result.get("violations", [])),
             "read": list(result.get("reads", []))}
    if result.get("left_processes"):
        found["left"] = [f"{result['left_processes']} process(es)"]
    found["inconsistent"] = heads.disagreements(result)
    return {k: v for k, v in found.items() if v}


def integrity_findings(outcome: WorkerOutcome | None) -> dict[str, list]:
    """The findings of a worker's outcome (for the report's extra data)."""
    if outcome is None:
        return {}
    return findings(dict(outcome.result or {},
                         left_processes=outcome.left_processes))


def _shown(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


@check("integrity", "keeps to building models (no tampering)", 2,
       ALL_KINDS)
def integrity(ev: Evidence) -> Verdict:
    """The file changed nothing the grading relies on, was refused nothing and
    read nothing outside."""
    if ev.student is None:
        return Verdict("skipped", "not checked: no result came back from "
                                  "the task file's worker")
    found = findings(ev.student)
    if not found:
        return Verdict.ok()
    parts = []
    if "replaced" in found:
        parts.append("it replaced or wrapped functions the grading uses ("
                     + _shown(found["replaced"]) + ")")
    if "refused" in found:
        parts.append("it tried what the grader refused ("
                     + _shown(found["refused"]) + ")")
    if "left" in found:
        parts.append(f"it left {found['left'][0]} running after it ended "
                     "(the sandbox killed them)")
    if "inconsistent" in found:
        parts.append("its measurements contradict themselves (the layers "
                     "the worker used as mean and log variance are not "
                     "those the encoder returns, in "
                     + _shown(found["inconsistent"]) + ")")
    if "read" in found:
        parts.append("it read files outside its folder ("
                     + _shown(found["read"]) + ")")
    return Verdict.fail(
        "; ".join(parts) + ". A task file only builds and returns models: "
        "the grader judges in its own process, so this changed no other "
        "verdict, and it is reported to your instructor")
