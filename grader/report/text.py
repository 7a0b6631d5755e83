"""The plain-text report printed by ``python -m grader``."""
from __future__ import annotations

from grader.results import SYMBOL, Report


def summary(report: Report, hidden: frozenset[str] | set[str] = frozenset(),
            when: str = "later") -> str:
    """One sentence on the outcome that never claims more than is shown.

    ``hidden`` names the checks (``CheckResult.name``) the student cannot
    see yet, shown ``when``: while there are any, passing every visible
    check is not "all passed".
    """
    if not report.results:
        return "Nothing was graded."
    shown = [r for r in report.results if r.name not in hidden]
    failed = sum(r.status == "failed" for r in shown)
    if len(shown) < len(report.results):
        return (f"{len(shown) - failed} of the {len(shown)} checks shown "
                f"passed; {len(report.results) - len(shown)} more checks "
                f"count toward the score and are shown {when}, so this is "
                "not the final result.")
    if failed:
        return f"{failed} of the {len(shown)} checks failed."
    return "All checks passed."


def render(report: Report, task_files: dict[int, str]) -> str:
    """Per task, each check with its status, points and feedback."""
    lines = [f"Grading {report.submission}"]
    scores = report.task_scores()
    for task in sorted(scores):
        got, total = scores[task]
        lines.append(f"\n{task_files[task]}  {got:g}/{total:g}")
        for note in report.extra.get("task_notes", {}).get(str(task), []):
            lines.append(f"  note: {note}")
        for r in (r for r in report.results if r.task == task):
            points = f"{r.points:g}/{r.max_points:g}"
            lines.append(f"  {SYMBOL[r.status]}  {r.title:<52} {points}")
            if r.status != "passed" or r.message.startswith("note"):
                for line in r.message.splitlines()[:6]:
                    if line:
                        lines.append(f"        {line}")
    lines += [f"\n{note}" for note in report.notes]
    if report.grader_errors:
        lines.append(f"\nGRADER ERROR: the grader failed on "
                     f"{len(report.grader_errors)} check(s); the score "
                     "below is incomplete (exit code 3)")
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items())
    lines.append(f"\nScore: {report.score:g}/{report.max_score:g}"
                 f" ({100 * report.score / max(report.max_score, 1):.0f}%)"
                 f"  [{versions}; {report.seconds:.1f} s]")
    return "\n".join(lines)
