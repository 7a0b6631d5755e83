"""Gradescope submission limits: N graded submissions per window.

Gradescope leaves rate limiting to the autograder
(gradescope/autograder_samples docs/submission_metadata.md): the zip's
``run_autograder`` reads ``/autograder/submission_metadata.json`` and,
through ``python -m grader submission-limit``, asks :func:`decide` whether
to grade. A submission over the limit is not graded: its results are the
last graded submission's, with a message on top (the student keeps the
last valid score). Time is counted from the submission's ``created_at``,
never the clock, so an instructor's rerun gets the same answer.

What counts: a previous submission counts when it was graded, that is,
Gradescope does not flag it ``autograder_error`` (PR #140 of the samples),
its results do not say the grader failed, and it was not itself refused.
Gradescope gives the results of the latest previous submission only, so
every results.json this module touches carries the list of the graded
runs so far (``extra_data.submission_limit.graded_runs``): refused and
failed runs are left out of it. Without that list (the first submission
under a limit, or a run whose results never got it) every previous
submission not flagged as an autograder error counts.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

PERIODS = ("always", "before-due-date")
KEY = "submission_limit"  # our entry in results.json's extra_data


@dataclass(frozen=True)
class Limit:
    """At most ``count`` graded submissions in any ``window_hours``
    (None: in all); ``period`` ``before-due-date`` lifts the limit for
    submissions made after the assignment's due date."""

    count: int
    window_hours: float | None = None
    period: str = "always"

    def check(self) -> None:
        """Raises ValueError for a limit that cannot be applied."""
        if self.count < 1:
            raise ValueError("--max-submissions must be at least 1")
        if self.window_hours is not None and self.window_hours <= 0:
            raise ValueError("--window-hours must be more than 0")
        if self.period not in PERIODS:
            raise ValueError(f"the limit period is one of {PERIODS}")

    def words(self) -> str:
        """'2 graded submissions per 24 hours'."""
        plural = "s" if self.count != 1 else ""
        span = ("in all" if self.window_hours is None
                else f"per {self.window_hours:g} hours")
        until = (", until the due date" if self.period == "before-due-date"
                 else "")
        return f"{self.count} graded submission{plural} {span}{until}"


@dataclass
class Decision:
    """Whether to grade this submission, and what to tell the student."""

    grade: bool
    applies: bool  # False: after the due date with ``before-due-date``
    used: list[datetime] = field(default_factory=list)  # counted, in window
    history: list[datetime] = field(default_factory=list)  # all graded runs
    left: int = 0  # gradings left once this submission is counted
    next_at: datetime | None = None  # when no grading is left: the next


def parse_time(text: str) -> datetime:
    """A Gradescope time (ISO 8601 with its UTC offset)."""
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"the time {text!r} has no UTC offset")
    return moment


def shown(moment: datetime) -> str:
    """A time as the student reads it, in the submission's own offset:
    '2026-03-11 09:00 UTC-07:00'."""
    offset = moment.strftime("%z")
    zone = ("UTC" if offset in ("", "+0000")
            else f"UTC{offset[:3]}:{offset[3:5]}")
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


def load(path: Path) -> dict[str, Any]:
    """The metadata file; ValueError when it is missing or not an object."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if not isinstance(data, dict) or "created_at" not in data:
        raise ValueError(f"{path} has no created_at")
    return data


def ours(results: Any) -> dict[str, Any]:
    """What this module wrote into a results.json (empty if nothing)."""
    extra = results.get("extra_data") if isinstance(results, dict) else None
    entry = extra.get(KEY) if isinstance(extra, dict) else None
    return entry if isinstance(entry, dict) else {}


def failed(results: Any) -> bool:
    """Whether a results.json says the grader itself failed."""
    extra = results.get("extra_data") if isinstance(results, dict) else None
    return isinstance(extra, dict) and bool(extra.get("autograder_error"))


def earlier(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """The previous submissions made before this one, oldest first."""
    now = parse_time(metadata["created_at"])
    entries = [e for e in metadata.get("previous_submissions") or []
               if isinstance(e, dict) and e.get("submission_time")]
    return sorted((e for e in entries
                   if parse_time(e["submission_time"]) < now),
                  key=lambda e: parse_time(e["submission_time"]))


def graded_runs(metadata: dict[str, Any]) -> list[datetime]:
    """The times of the previous submissions that were graded (before this
    one's ``created_at``), oldest first."""
    now = parse_time(metadata["created_at"])
    previous = earlier(metadata)
    if not previous:
        return []
    latest = previous[-1]
    chain = ours(latest.get("results")).get("graded_runs")
    if isinstance(chain, list):
        runs = {parse_time(t) for t in chain}
        if latest.get("autograder_error") is True:
            runs.discard(parse_time(latest["submission_time"]))
    else:
        runs = {parse_time(e["submission_time"]) for e in previous
                if e.get("autograder_error") is not True}
        results = latest.get("results")
        if failed(results) or ours(results).get("counted") is False:
            runs.discard(parse_time(latest["submission_time"]))
    return sorted(t for t in runs if t < now)


def decide(metadata: dict[str, Any], limit: Limit) -> Decision:
    """Whether the submission ``metadata`` describes may be graded, how
    many gradings are left after it and when the next one is allowed."""
    now = parse_time(metadata["created_at"])
    history = graded_runs(metadata)
    due_text = (metadata.get("assignment") or {}).get("due_date")
    due = parse_time(due_text) if due_text else None
    if limit.period == "before-due-date" and due is not None and now > due:
        return Decision(True, False, history=history)
    start = (now - timedelta(hours=limit.window_hours)
             if limit.window_hours is not None else None)
    used = [t for t in history if start is None or t > start]
    grade = len(used) < limit.count
    after = used + [now] if grade else used
    next_at = None
    if len(after) >= limit.count:
        if limit.window_hours is not None:
            # a place frees when all but count - 1 runs left the window
            next_at = after[len(after) - limit.count] + timedelta(
                hours=limit.window_hours)
        if limit.period == "before-due-date" and due is not None:
            next_at = min(next_at or due, due)
    return Decision(grade, True, used, history,
                    max(0, limit.count - len(after)), next_at)


def when_next(decision: Decision) -> str:
    """When the student may be graded again, in words."""
    if decision.next_at is None:
        return "no further submission will be graded"
    return f"the next grading is allowed from {shown(decision.next_at)}"


def entry_of(decision: Decision, limit: Limit, counted: bool,
             now: datetime) -> dict[str, Any]:
    """Our ``extra_data`` entry: the graded runs a later submission
    counts from (this one among them if ``counted``)."""
    runs = decision.history + ([now] if counted else [])
    if limit.window_hours is not None:
        runs = [t for t in runs
                if t > now - timedelta(hours=limit.window_hours)]
    return {"counted": counted, "limit": limit.words(),
            "graded_runs": [t.isoformat() for t in runs]}


def _times(moments: list[datetime]) -> str:
    return ", ".join(shown(t) for t in moments)


def refused(metadata: dict[str, Any], limit: Limit,
            decision: Decision) -> dict[str, Any]:
    """The results.json of a submission over the limit: the last graded
    submission's results, with a message on top."""
    now = parse_time(metadata["created_at"])
    previous = earlier(metadata)
    last = decision.history[-1]  # the latest graded run (in the window)
    message = (
        f"Submission limit reached: {limit.words()}. You have used "
        f"{len(decision.used)} (submitted {_times(decision.used)}), so this "
        f"submission was not graded; {when_next(decision)}. "
        "Runs that ended in an autograder error do not count.")
    latest = previous[-1] if previous else {}
    base = latest.get("results") if isinstance(latest.get("results"),
                                               dict) else None
    usable = base is not None and not failed(base) and (
        parse_time(latest["submission_time"]) in decision.history
        or ours(base).get("counted") is False and "output" in ours(base))
    results: dict[str, Any]
    if usable and base is not None:
        results = copy.deepcopy(base)
        shown_before = ours(base).get("output", results.get("output", ""))
        message += (f"\nBelow: the score and feedback of your last graded "
                    f"submission ({shown(last)}).")
    else:
        score = next((e.get("score") for e in reversed(previous)
                      if parse_time(e["submission_time"]) == last), None)
        results = {"score": float(score or 0.0), "tests": []}
        shown_before = ""
        message += (f"\nYour last graded submission ({shown(last)}) keeps "
                    "its score; its feedback is shown on that submission.")
    results["output"] = message + ("\n\n" + shown_before if shown_before
                                   else "")
    extra = results.get("extra_data")
    results["extra_data"] = dict(extra) if isinstance(extra, dict) else {}
    entry = entry_of(decision, limit, False, now)
    entry["output"] = shown_before  # the next refusal shows it, not this
    results["extra_data"][KEY] = entry
    return results


def record(results: dict[str, Any], metadata: dict[str, Any],
           limit: Limit, grader_status: int) -> dict[str, Any]:
    """A graded submission's results.json with the limit and the count
    left on top, and the graded runs for the next submission to count.
    A run whose grading failed on the grader's side does not count."""
    now = parse_time(metadata["created_at"])
    decision = decide(metadata, limit)
    counted = grader_status in (0, 1) and not failed(results)
    if not decision.applies:
        line = (f"Submission limit ({limit.words()}): it does not apply "
                "after the due date.")
    elif not counted:
        line = (f"Submission limit ({limit.words()}): this run ended in an "
                "autograder error, so it does not count; "
                f"{limit.count - len(decision.used)} left.")
    else:
        line = (f"Submission limit ({limit.words()}): counting this one you "
                f"have used {len(decision.used) + 1}, {decision.left} left")
        line += (f"; {when_next(decision)}." if decision.left == 0
                 else ".")
    results = dict(results)
    results["output"] = line + "\n\n" + str(results.get("output") or "")
    extra = results.get("extra_data")
    results["extra_data"] = dict(extra) if isinstance(extra, dict) else {}
    results["extra_data"][KEY] = entry_of(decision, limit, counted,
                                          now)
    return results


def check_file(metadata_path: Path, results_path: Path,
               limit: Limit) -> bool:
    """Before grading: True to grade; False when the submission is over
    the limit, its results.json written to ``results_path``. ValueError
    when the metadata cannot be read."""
    from grader.report.gradescope import write

    metadata = load(metadata_path)
    decision = decide(metadata, limit)
    if decision.grade:
        return True
    write(refused(metadata, limit, decision), results_path)
    return False


def record_file(metadata_path: Path, results_path: Path, limit: Limit,
                grader_status: int) -> None:
    """After grading: :func:`record` applied to ``results_path`` in place.
    Metadata that cannot be read is said on top of the output (the
    submission was graded without the limit)."""
    from grader.report.gradescope import write

    results = json.loads(Path(results_path).read_text())
    try:
        metadata = load(metadata_path)
        results = record(results, metadata, limit, grader_status)
    except (ValueError, KeyError, TypeError) as error:
        results["output"] = (
            f"The submission limit ({limit.words()}) could not be checked "
            f"({error}), so this submission was graded without it.\n\n"
            + str(results.get("output") or ""))
    write(results, results_path)
