"""What a batch writes for running a term, once every folder is graded:
the regrade report (``--compare``) and the Canvas import file
(``--canvas``), beside the CSV, and their sections of the class page."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, TextIO

from grader.batch import canvas, regrade
from grader.report.class_page import link
from grader.report.term_sections import canvas_section, changes_section


@dataclass
class Term:
    """The earlier batch to compare with and the gradebook to fill, both
    read before the batch starts (a bad file stops it before grading)."""

    compare: regrade.Snapshot | None = None
    gradebook: canvas.Gradebook | None = None
    roster: dict[str, str] | None = None


# The batch's options for a term: (flags, argparse settings), read by
# :func:`term_from`.
TERM_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--compare",), dict(
        metavar="old.csv",
        help="list the students whose grades differ from this earlier "
             "batch's CSV, and the checks that changed (in "
             "grades-changes.csv and the class page)")),
    (("--canvas",), dict(
        metavar="EXPORT.csv",
        help="Canvas's gradebook export: written beside the CSV "
             "(grades-canvas.csv) with --canvas-column filled with the "
             "totals, for Canvas's import")),
    (("--canvas-column",), dict(
        metavar="NAME", help="the assignment's column in the export")),
    (("--roster",), dict(
        metavar="roster.csv",
        help="CSV with columns folder,login, for folders not named as "
             "the student's SIS Login ID")),
]


def term_from(values: Mapping[str, Any]) -> Term | None:
    """The files that parsed :data:`TERM_FLAGS` name, read (ValueError if
    one cannot be), or None when none is named."""
    if not any(values[k] for k in ("compare", "canvas", "canvas_column",
                                   "roster")):
        return None
    if bool(values["canvas"]) != bool(values["canvas_column"]):
        raise ValueError("--canvas and --canvas-column go together")
    if values["roster"] and not values["canvas"]:
        raise ValueError("--roster needs --canvas")
    return Term(
        regrade.load_old(Path(values["compare"]))
        if values["compare"] else None,
        canvas.read_export(Path(values["canvas"]), values["canvas_column"])
        if values["canvas"] else None,
        canvas.read_roster(Path(values["roster"]))
        if values["roster"] else None)


def changes_path(out: Path) -> Path:
    """``grades.csv`` -> ``grades-changes.csv``."""
    return out.with_name(out.stem + "-changes.csv")


def canvas_path(out: Path) -> Path:
    """``grades.csv`` -> ``grades-canvas.csv``."""
    return out.with_name(out.stem + "-canvas.csv")


def points_note(book: canvas.Gradebook,
                records: dict[str, dict[str, Any]]) -> str:
    """A note when Canvas's Points Possible differs from the grader's."""
    tops: set[float] = {r["max_score"] for r in records.values()
                        if r.get("status") != "error" and r.get("max_score")}
    try:
        possible = float(book.points_possible())
    except ValueError:
        return ""
    if tops and possible not in tops:
        return (f"Canvas's Points Possible of {book.name} is "
                f"{possible:g}, the grader's maximum "
                f"{', '.join(f'{t:g}' for t in sorted(tops))}: the totals "
                "are written as they are, not scaled.")
    return ""


def write_term_outputs(term: Term, out: Path,
                       records: dict[str, dict[str, Any]],
                       tasks: list[int] | tuple[int, ...], reports: str,
                       stream: TextIO) -> list[str]:
    """Writes the regrade report and the Canvas file; returns the class
    page's sections. Folders that match no student go to stderr."""
    sections = []
    if term.compare is not None:
        found = regrade.changes(term.compare, records, tasks)
        compared = len(set(term.compare.rows) & set(records))
        line = regrade.summary(found, compared)
        path = regrade.write_csv(found, changes_path(out))
        print(f"compared with {term.compare.path}: {line} ({path})",
              file=stream)
        sections.append(changes_section(
            found, line, term.compare.path.name, path.name,
            lambda name: link(name, reports)))
    if term.gradebook is not None:
        book = term.gradebook
        done = canvas.fill(book, records, term.roster)
        path = canvas.write(book, canvas_path(out))
        note = points_note(book, records)
        print(f"Canvas: {len(done.filled)} totals in the column "
              f"{book.name!r} of {path}; {len(done.no_folder)} students "
              "without a folder left as exported", file=stream)
        for folder in done.not_in_export:
            print(f"Canvas: the folder {folder} matches no student of "
                  f"{book.path.name} (not imported; map it with --roster)",
                  file=sys.stderr)
        for folder, why in sorted(done.not_filled.items()):
            print(f"Canvas: {folder} not filled: {why}", file=sys.stderr)
        if note:
            print(f"Canvas: {note}", file=sys.stderr)
        sections.append(canvas_section(
            path.name, book.name, len(done.filled), done.no_folder,
            done.not_in_export, done.not_filled, note))
    return sections
