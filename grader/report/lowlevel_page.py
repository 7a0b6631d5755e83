"""The compare page's part for task 6, whose "models" are a tf.Module's
variables, not Keras layers: each variable the task asks for, with its
shape and initial statistics, the student's beside the reference's (render
only; the verdicts are the grading's)."""
from __future__ import annotations

import html

from grader.measurements import LOWLEVEL_ROLES
from grader.results import SYMBOL, Report
from grader.tasks import Task

# The grading's checks this part shows the verdicts of.
CHECKS = ("lowlevel-variables", "lowlevel-init", "lowlevel-seed")


def rows(argset: dict) -> dict[str, str]:
    """Each role's cell text, 'shape, mean m, std s', by role; the
    variables no role matched under their position."""
    variables = argset.get("variables") or []
    stats = argset.get("stats") or []
    roles = argset.get("roles") or []
    cells = {}
    for i, (variable, stat) in enumerate(zip(variables, stats)):
        name = LOWLEVEL_ROLES[roles.index(i)] if i in roles else \
            f"variable {i}"
        cells[name] = (f"{tuple(variable.get('shape', []))}, mean "
                       f"{stat.get('mean', 0):.3g}, std "
                       f"{stat.get('std', 0):.3g}")
    return cells


def variables_part(task: Task, report: Report, student: dict | None,
                   reference: dict) -> tuple[list[str], list[str]]:
    """(HTML parts, summary words): the first argument set's variables,
    student's beside the reference's, under the grading's verdicts."""
    first = ((student or {}).get("argsets") or [{}])[0]
    mine, ref = rows(first), rows(reference["argsets"][0])
    call = task.argsets[0].call(task.function)
    parts = [f"<h3>Variables of {html.escape(call)}</h3>"]
    words = []
    for check_id in CHECKS:
        result = report.find(task.number, check_id)
        word = "no check" if result is None else result.status
        words.append(f"{check_id.removeprefix('lowlevel-')}: {word}")
        if result is not None:
            parts.append(f"<p class='{result.status}'>"
                         f"{SYMBOL[result.status]} "
                         f"{html.escape(result.title)}</p>")
    if first.get("error"):
        parts.append("<p class='error'>not measured: "
                     f"{html.escape(str(first['error'].get('message')))}</p>")
    names = [n for n in LOWLEVEL_ROLES if n in ref or n in mine] + [
        n for n in list(ref) + list(mine) if n not in LOWLEVEL_ROLES]
    parts.append("<table><tr><th>variable</th><th>student's (initial)</th>"
                 "<th>reference's (initial)</th></tr>"
                 + "".join(f"<tr><td>{html.escape(name)}</td>"
                           f"<td>{html.escape(mine.get(name, '—'))}</td>"
                           f"<td>{html.escape(ref.get(name, '—'))}</td></tr>"
                           for name in names) + "</table>")
    return parts, words
