"""The class page's similarity section: per task, the flagged pairs with
their score, each with the two files side by side and the matching
fragments highlighted. Information for the instructor, never a grade."""
from __future__ import annotations

import html

from grader.similarity.compare import Pair, TaskComparison
from grader.similarity.documents import KNOWN
from grader.similarity.fragments import source_ranges
from grader.tasks import TASKS

SHOWN = 40  # side-by-side views per task; the CSV has every pair
CSS = """
.pair summary { cursor: pointer; margin: 0.3em 0; }
.sides { display: flex; gap: 1em; align-items: flex-start; }
.sides > div { flex: 1; min-width: 0; }
.sides pre { font-size: 12px; background: #fafafa; border: 1px solid #ddd;
             padding: 0.5em; overflow-x: auto; }
.sides mark { background: #ffd27a; }
.known { color: #555; font-style: italic; }
"""


def highlighted(source: str, ranges: list[tuple[int, int]]) -> str:
    """``source`` as HTML, the ``ranges`` in ``<mark>``."""
    parts, at = [], 0
    for start, end in ranges:
        parts.append(html.escape(source[at:start]))
        parts.append(f"<mark>{html.escape(source[start:end])}</mark>")
        at = end
    parts.append(html.escape(source[at:]))
    return "".join(parts)


def label(name: str) -> str:
    """A student's or known solution's name as HTML."""
    if name.startswith(KNOWN):
        return f"<span class='known'>{html.escape(name)}</span>"
    return html.escape(name)


def side_by_side(comparison: TaskComparison, pair: Pair, open_: bool) -> str:
    """One flagged pair: its score and both files, fragments marked."""
    columns = []
    for name, slices in zip((pair.student, pair.other), pair.slices or ()):
        doc = comparison.documents[name]
        columns.append(
            f"<div><b>{label(name)}</b><pre>"
            f"{highlighted(doc.source, source_ranges(doc, slices))}"
            "</pre></div>")
    return (f"<details class='pair'{' open' if open_ else ''}><summary>"
            f"{label(pair.student)} &harr; {label(pair.other)}: "
            f"similarity {pair.similarity:.2f}, {pair.matched} matching "
            "tokens</summary><div class='sides'>" + "".join(columns)
            + "</div></details>")


def task_part(comparison: TaskComparison) -> str:
    """The section's part for one task."""
    task = TASKS[comparison.task]
    flagged = [p for p in comparison.pairs if p.flagged]
    need = comparison.threshold
    head = (f"<h3>{html.escape(task.filename)}</h3><p>{len(flagged)} "
            f"flagged of {len(comparison.pairs)} pairs (flagged: similarity "
            f"at least {need.similarity:g} and at least {need.tokens} "
            "matching tokens in each file).</p>")
    if not flagged:
        return head
    rows = "".join(
        f"<tr><td>{label(p.student)}</td><td>{label(p.other)}</td>"
        f"<td>{p.similarity:.2f}</td><td>{p.matched}</td></tr>"
        for p in flagged)
    views = "".join(side_by_side(comparison, p, i == 0)
                    for i, p in enumerate(flagged[:SHOWN]))
    more = (f"<p>{len(flagged) - SHOWN} more flagged pairs are in the "
            "CSV.</p>" if len(flagged) > SHOWN else "")
    return (head + f"<table id='similar-{comparison.task}'><tr><th>student"
            "</th><th>other</th><th>similarity</th><th>matching tokens</th>"
            f"</tr>{rows}</table>{views}{more}")


def similarity_section(comparisons: list[TaskComparison],
                       csv_name: str) -> str:
    """The whole section, as HTML."""
    intro = (
        "<h2>Similar solutions</h2><p>Evidence for a human to read, not a "
        "verdict, and no grade was changed. A score is the share of both "
        "files' own code that lies in matching fragments, after renamed "
        "names, comments, docstrings, blank lines and the order of "
        "functions are set aside, and after the code the course dictates "
        "(the reference solution, the required lines) and fragments common "
        "to many files are ignored. Highlighted: the matching fragments; "
        "code that matches but is the course's or common stays plain. "
        f"Every pair is in <a href='{html.escape(csv_name)}'>"
        f"{html.escape(csv_name)}</a>.</p>")
    return intro + "".join(task_part(c) for c in comparisons)
