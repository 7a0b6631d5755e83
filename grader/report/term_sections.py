"""The class page's sections for running a term: the grades that changed
since an earlier batch (``--compare``) and what went into Canvas's
gradebook (``--canvas``). Plain data in (see :mod:`grader.batch.regrade`
and :mod:`grader.batch.canvas`), HTML out."""
from __future__ import annotations

import html
from typing import Any, Callable


def _check(check: dict[str, Any]) -> str:
    def side(status: str, got: float | None) -> str:
        return f"{status} ({got:g})" if status else "absent"
    message = html.escape(check["message"].strip())
    return (f"<li>task {check['task']} {html.escape(check['title'])}: "
            f"{side(check['old_status'], check['old_points'])} &rarr; "
            f"<b>{side(check['new_status'], check['new_points'])}</b>"
            + (f"<br><small>{message}</small>" if message else "")
            + "</li>")


def changes_section(found: list[dict[str, Any]], summary: str,
                    old_name: str, csv_name: str,
                    link: Callable[[str], str]) -> str:
    """The students whose grade changed since ``old_name``: old and new
    scores, and the checks that changed with their new messages.
    ``link(name)`` is the HTML link to a student's report."""
    rows = []
    for change in found:
        tasks = "<br>".join(f"{k}: {html.escape(a or '-')} &rarr; "
                            f"{html.escape(b or '-')}"
                            for k, a, b in change["tasks"])
        if change["checks_known"]:
            checks = "<ul>" + "".join(_check(c) for c in change["checks"]) \
                + "</ul>"
        elif "absent" in (change["old_status"], change["new_status"]):
            checks = ""
        else:
            checks = "not known: the old batch's reports are not beside it"
        name = (link(change["student"]) if change["new_status"] != "absent"
                else html.escape(change["student"]))
        rows.append(
            f"<tr><td>{name}</td>"
            f"<td>{html.escape(change['old_total'] or '-')} &rarr; "
            f"{html.escape(change['new_total'] or '-')}</td>"
            f"<td>{html.escape(change['old_status'])} &rarr; "
            f"{html.escape(change['new_status'])}</td>"
            f"<td>{tasks}</td><td>{checks}</td></tr>")
    table = ("<table id='changes'><tr><th>student</th><th>total</th>"
             "<th>status</th><th>tasks</th><th>checks that changed</th>"
             "</tr>" + "".join(rows) + "</table>") if rows else ""
    return (f"<h2>Grades changed since {html.escape(old_name)}</h2>"
            f"<p id='changes-summary'>{html.escape(summary)} Also in "
            f"{html.escape(csv_name)}.</p>{table}")


def canvas_section(path_name: str, column: str, filled: int,
                   no_folder: list[str], not_in_export: list[str],
                   not_filled: dict[str, str], note: str = "") -> str:
    """What went into the Canvas import file, and what did not."""
    items = [f"{filled} students' totals written to the column "
             f"{html.escape(column)} of {html.escape(path_name)}."]
    if note:
        items.append(html.escape(note))
    if no_folder:
        items.append(f"{len(no_folder)} students of the export have no "
                     "folder (their cells are as exported): "
                     + html.escape(", ".join(no_folder)))
    if not_in_export:
        items.append("<span class='bad'>Folders matching no student of "
                     "the export (not imported; add them to --roster): "
                     "</span><span id='canvas-extra'>"
                     + html.escape(", ".join(not_in_export)) + "</span>")
    for folder, why in sorted(not_filled.items()):
        items.append(f"<span class='bad'>{html.escape(folder)} not "
                     f"filled</span>: {html.escape(why)}")
    return ("<h2>Canvas gradebook</h2><ul id='canvas'>"
            + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
