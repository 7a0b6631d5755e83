"""``batch --canvas EXPORT.csv --canvas-column NAME``: the batch's totals
in Canvas's gradebook, ready for its import.

EXPORT.csv is the gradebook Canvas exports: ``Student, ID, SIS User ID,
SIS Login ID, Section``, then one column per assignment (``Name (id)``),
and a "Points Possible" row under the header. A student is matched to the
folder named like the ``SIS Login ID`` (case and surrounding spaces
aside), or to the folder a ``--roster`` CSV (``folder,login``) gives that
login. The copy written beside the batch's CSV differs from the export in
that one column's cells of the matched students only: the other cells,
the column order, the Points Possible row, quoting, line ends and a byte
order mark stay as they were. A student without a folder keeps the cell
the export had (blank for a new assignment); a folder the grader failed
on (status ``error``) is not filled: no grade stands for a grader error.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOGIN = "SIS Login ID"
BOM = "\ufeff"


@dataclass
class Gradebook:
    """A Canvas export, as read, and the column to fill."""

    path: Path
    rows: list[list[str]]  # the header first
    column: int
    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True

    @property
    def name(self) -> str:
        """The filled column's header."""
        return self.rows[0][self.column]

    def students(self) -> list[int]:
        """The row indices of students (not the header, nor the rows
        Canvas puts under it such as Points Possible)."""
        login = self.rows[0].index(LOGIN)
        return [i for i, row in enumerate(self.rows[1:], 1)
                if len(row) > login and row[login].strip()
                and row[0].strip() != "Points Possible"]

    def points_possible(self) -> str:
        """The Points Possible row's cell of the column ('' if none)."""
        for row in self.rows[1:]:
            if row and row[0].strip() == "Points Possible":
                return row[self.column] if len(row) > self.column else ""
        return ""


@dataclass
class Filled:
    """What :func:`fill` did."""

    filled: dict[str, str] = field(default_factory=dict)  # folder: login
    no_folder: list[str] = field(default_factory=list)  # logins, blank
    not_in_export: list[str] = field(default_factory=list)  # folders
    not_filled: dict[str, str] = field(default_factory=dict)  # folder: why


def find_column(header: list[str], name: str) -> int:
    """The column named ``name``, or ``name (id)`` as Canvas names
    assignments; ValueError when none or several match."""
    exact = [i for i, h in enumerate(header) if h.strip() == name.strip()]
    if len(exact) == 1:
        return exact[0]
    prefixed = [i for i, h in enumerate(header)
                if h.strip().startswith(name.strip() + " (")
                and h.strip().endswith(")")]
    if len(prefixed) == 1 and not exact:
        return prefixed[0]
    found = exact or prefixed
    assignments = ", ".join(repr(h) for h in header[5:]) or "none"
    raise ValueError(
        f"{'several columns' if found else 'no column'} of the export "
        f"named {name!r} (its assignment columns: {assignments}); create "
        "the assignment in Canvas and export the gradebook again")


def read_export(path: Path, column: str) -> Gradebook:
    """Reads a Canvas gradebook export; ValueError when it is not one or
    has no such column."""
    try:
        data = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    bom = data.startswith(BOM)
    text = data[1:] if bom else data
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or LOGIN not in rows[0]:
        raise ValueError(f"{path} is not a Canvas gradebook export (no "
                         f"{LOGIN!r} column in its first line)")
    return Gradebook(Path(path), rows, find_column(rows[0], column),
                     "\r\n" if "\r\n" in text else "\n", bom,
                     text.endswith(("\n", "\r")))


def read_roster(path: Path) -> dict[str, str]:
    """A roster CSV with columns ``folder,login``: login by folder;
    ValueError when it has no such columns or a folder twice."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, csv.Error, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if rows and not {"folder", "login"} <= set(rows[0]):
        raise ValueError(f"{path} needs the columns folder,login")
    roster: dict[str, str] = {}
    for row in rows:
        folder = (row["folder"] or "").strip()
        if folder in roster:
            raise ValueError(f"{path} lists the folder {folder} twice")
        if folder:
            roster[folder] = (row["login"] or "").strip()
    return roster


def points(score: float) -> str:
    """A total as the import reads it (no exponent, no trailing zeros)."""
    return f"{score:.4f}".rstrip("0").rstrip(".")


def fill(book: Gradebook, records: dict[str, dict[str, Any]],
         roster: dict[str, str] | None = None) -> Filled:
    """Writes each matched student's total into the column (in place)."""
    login_at = book.rows[0].index(LOGIN)
    by_login: dict[str, list[int]] = {}
    for i in book.students():
        by_login.setdefault(book.rows[i][login_at].strip().casefold(),
                            []).append(i)
    done = Filled()
    folders: dict[str, list[str]] = {}
    for folder in sorted(records):
        login = (roster or {}).get(folder, folder).strip()
        folders.setdefault(login.casefold(), []).append(folder)
    matched = {key for key in folders if key in by_login}
    for key, names in sorted(folders.items()):
        for folder in names:
            record = records[folder]
            if key not in by_login:
                done.not_in_export.append(folder)
            elif len(names) > 1:
                done.not_filled[folder] = (
                    f"the folders {', '.join(names)} all match the login "
                    f"{key}")
            elif record.get("status") == "error":
                done.not_filled[folder] = ("the grader failed on it: "
                                           + (record.get("detail") or ""))
            else:
                for i in by_login[key]:
                    row = book.rows[i]
                    row.extend([""] * (book.column + 1 - len(row)))
                    row[book.column] = points(record.get("score", 0.0))
                done.filled[folder] = book.rows[by_login[key][0]][login_at]
    done.not_in_export.sort()
    done.no_folder = sorted(book.rows[i][login_at].strip()
                            for i in book.students()
                            if book.rows[i][login_at].strip().casefold()
                            not in matched)
    return done


def write(book: Gradebook, path: Path) -> Path:
    """Writes the gradebook as the export was written."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=book.newline).writerows(book.rows)
    text = buffer.getvalue()
    if not book.final_newline:
        text = text[:-len(book.newline)]
    Path(path).write_bytes(((BOM if book.bom else "") + text).encode())
    return Path(path)
