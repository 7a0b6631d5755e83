"""Classroom 50: ``result.json``, the Release text and the step outputs.

The contract (foundation50/classroom50, wiki "Advanced Autograding" and
``runner.py``): ``result.json`` has schema ``classroom50/result/v1``, the
submission's identity, and integer ``score`` / ``max-score`` with one row
per test (``test-name``, ``passed``, ``score``, ``max-score``);
``release-body.md`` is the Markdown of the submission's Release;
``status=success|failure|error`` and ``summary=...`` lines go to
``$GITHUB_OUTPUT`` (the summary becomes the commit status's description,
which GitHub caps at 140 characters).

Rows, names, points and visibility are the Gradescope output's
(:func:`grader.report.gradescope.results`). Checks that are not shown yet
stay out of the Release text, the summary and the log; ``result.json``
keeps every row, because the gradebook adds them up (the runner attaches
it to the Release, so a student who downloads it sees the rows too).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from grader.report import gradescope
from grader.report.text import summary as outcome_sentence
from grader.results import CheckResult, Report, passing

SCHEMA = "classroom50/result/v1"
IDENTITY = {"classroom": "CLASSROOM", "assignment": "ASSIGNMENT",
            "submission": "SUBMISSION_TAG", "commit": "COMMIT_URL",
            "release": "RELEASE_URL", "review": "REVIEW_URL"}
SUMMARY_CHARS = 140  # GitHub's limit on a commit status's description
MESSAGE_CHARS = 2000  # per check in the Release text (runner.py's cap)
BODY_CHARS = 100_000  # a Release body holds at most 125,000


def whole(points: float, what: str) -> int:
    """``points`` as the integer Classroom 50 requires (a ValueError for
    a fraction: the gradebook would reject the file)."""
    if points != round(points) or points < 0:
        raise ValueError(f"{what}: {points!r} points is not a whole "
                         "number; Classroom 50 takes integer scores only")
    return int(round(points))


def identity(env: Mapping[str, str]) -> dict[str, str]:
    """The submission's identity from the runner's variables (``review``
    falls back to the commit, as the runner's own results do)."""
    found = {key: env.get(name, "") for key, name in IDENTITY.items()}
    found["review"] = found["review"] or found["commit"]
    found["owner"] = env.get("OWNER") or env.get("USERNAME", "")
    found["assignment_type"] = env.get("ASSIGNMENT_TYPE") or "individual"
    return found


def result(report: Report, env: Mapping[str, str], when: str,
           visibility: str = "visible") -> dict[str, Any]:
    """``report`` as ``result.json`` (``when``: UTC, ISO 8601; the runner
    replaces it with the commit's date)."""
    rows = gradescope.results(report, visibility)["tests"]
    tests = [{"test-name": row["name"],
              "passed": row["status"] == "passed",
              "score": whole(row["score"], row["name"]),
              "max-score": whole(row["max_score"], row["name"])}
             for row in rows]
    data: dict[str, Any] = {"schema": SCHEMA, **identity(env),
                            "datetime": when}
    data["score"] = sum(t["score"] for t in tests)
    data["max-score"] = sum(t["max-score"] for t in tests)
    data["tests"] = tests
    return data


def hidden_checks(report: Report, visibility: str) -> set[str]:
    """The checks (``CheckResult.name``) not shown to students yet."""
    return {r.name for r in report.results
            if gradescope.visibility_of(r.check, visibility) != "visible"}


def when_shown(visibility: str) -> str:
    """When the hidden checks are shown, in words."""
    return gradescope.SHOWN_WHEN.get(visibility, "later")


def status(report: Report, visibility: str = "visible") -> str:
    """``success`` when every check shown passed, else ``failure``: with
    checks hidden, the colour of the commit status tells nothing about
    them (the summary says the result is not final)."""
    hidden = hidden_checks(report, visibility)
    shown = [r for r in report.results if r.name not in hidden]
    return ("success" if all(passing(r.status) for r in shown)
            else "failure")


def summary(report: Report, visibility: str = "visible") -> str:
    """The one line of the commit status (at most 140 characters)."""
    hidden = hidden_checks(report, visibility)
    shown = [r for r in report.results if r.name not in hidden]
    passed = sum(passing(r.status) for r in shown)
    if hidden:
        line = (f"autoencoders: {passed} of {len(shown)} checks shown "
                f"passed; {len(hidden)} more shown {when_shown(visibility)}"
                " (not final)")
    else:
        line = (f"autoencoders: {report.score:g}/{report.max_score:g} "
                f"points, {passed} of {len(shown)} checks passed")
    return line[:SUMMARY_CHARS]


def output_lines(status_word: str, line: str) -> str:
    """The ``status=`` and ``summary=`` lines for ``$GITHUB_OUTPUT`` (no
    newline inside a value: the file is one ``key=value`` per line)."""
    flat = re.sub(r"[\r\n]+", " ", line)
    return f"status={status_word}\nsummary={flat}\n"


def fenced(text: str) -> list[str]:
    """``text`` as a fenced block, the fence longer than any run of
    backticks inside it (student text never closes it)."""
    if len(text) > MESSAGE_CHARS:
        text = text[:MESSAGE_CHARS] + "\n[...]"
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return [fence + "text", text, fence]


def without_scores(text: str) -> str:
    """``text`` without the other Keras version's score ("scores 20/37"):
    while checks are hidden, that total would tell their outcome."""
    return re.sub(r"scores [0-9.]+/[0-9.]+", "scores more", text)


def check_lines(result_: CheckResult, hiding: bool = False
                ) -> list[str]:
    """One check that lost points or carries a remark, as Markdown
    (``hiding``: some checks are hidden, so no other-version score)."""
    points = f"{result_.points:g}/{result_.max_points:g}"
    if result_.status == "warning":
        head = f"- ⚠️ **{result_.title}** ({points}, a remark)"
    elif result_.status == "skipped":
        head = f"- ⏭️ **{result_.title}** ({points}, not run)"
    elif result_.status == "error":
        head = (f"- ❗ **{result_.title}** ({points}, the grader failed on "
                "this check, not your file)")
    else:
        head = f"- ❌ **{result_.title}** ({points})"
    message = result_.message.strip()
    if hiding:
        message = without_scores(message)
    if not message:
        return [head]
    if result_.status == "skipped":
        return [f"{head}: {message.splitlines()[0]}"]
    block = "\n".join(fenced(message)).splitlines()
    return [head, ""] + ["  " + line if line else "" for line in block] + [""]


def task_lines(report: Report, task: int, filename: str,
               hidden: set[str], when: str) -> list[str]:
    """One task's section: its score (or what is shown of it), its notes
    (the other Keras version's line among them), what lost points."""
    results = [r for r in report.results if r.task == task]
    shown = [r for r in results if r.name not in hidden]
    if len(shown) < len(results):
        passed = sum(passing(r.status) for r in shown)
        head = (f"#### `{filename}`: {passed} of {len(shown)} checks shown "
                "passed")
    else:
        got = sum(r.points for r in results)
        total = sum(r.max_points for r in results)
        head = f"#### `{filename}`: {got:g}/{total:g}"
    hiding = bool(hidden)
    lines = [head, ""]
    for note in report.extra.get("task_notes", {}).get(str(task), []):
        lines.append(f"- note: {without_scores(note) if hiding else note}")
    for r in shown:
        if r.status != "passed":
            lines += check_lines(r, hiding)
    if all(r.status == "passed" for r in shown) and shown:
        lines.append(f"- ✅ all {len(shown)} checks shown passed"
                     if len(shown) < len(results) else
                     f"- ✅ all {len(shown)} checks passed")
    if len(shown) < len(results):
        lines.append(f"- {len(results) - len(shown)} more checks of this "
                     f"file are not shown yet: they count toward the score "
                     f"and are shown {when}.")
    return lines + [""]


def release_body(report: Report, task_files: Mapping[int, str],
                 visibility: str = "visible",
                 notes: Iterable[str] = ()) -> str:
    """The Markdown of the submission's Release: the outcome, then per
    task what lost points with its feedback (what was tested, expected,
    found; known causes and fixes). Hidden checks are left out, and
    counted as not shown yet."""
    hidden = hidden_checks(report, visibility)
    when = when_shown(visibility)
    if hidden:
        title = "### Autoencoders: graded (not the final result)"
    else:
        title = (f"### Autoencoders: {report.score:g}/"
                 f"{report.max_score:g} points")
    lines = [title, "", outcome_sentence(report, hidden, when), ""]
    for note in list(notes) + report.notes:
        lines.append(f"> {note}")
    if len(lines) > 4:
        lines.append("")
    tasks = sorted({r.task for r in report.results})
    for task in tasks:
        lines += task_lines(report, task, task_files[task], hidden, when)
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items())
    if versions:
        lines.append(f"_Graded with {versions}._")
    body = "\n".join(lines).rstrip() + "\n"
    if len(body) > BODY_CHARS:
        body = body[:BODY_CHARS] + "\n\n[the rest is cut: too long]\n"
    return body
