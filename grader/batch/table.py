"""The batch's CSV: one row per student folder, written as rows complete."""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, TextIO

FIXED = ("total", "max", "status", "detail", "sandbox", "integrity", "keras",
         "seconds", "hash", "grader", "report")


def columns(tasks: list[int] | tuple[int, ...]) -> list[str]:
    """The CSV's columns for these tasks."""
    return ["student"] + [f"task{n}" for n in tasks] + list(FIXED)


def row_of(record: dict[str, Any], tasks: list[int] | tuple[int, ...],
           report: str) -> dict[str, str]:
    """A status dict (:func:`grader.batch.jobs.grade_job`) as a CSV row."""
    scores = record.get("scores") or {}
    row = {"student": record["student"]}
    for n in tasks:
        got = scores.get(str(n))
        row[f"task{n}"] = f"{got[0]:g}" if got else ""
    row.update({
        "total": f"{record.get('score', 0):g}",
        "max": f"{record.get('max_score', 0):g}",
        "status": record["status"],
        "detail": " ".join((record.get("detail") or "").split())[:300],
        "sandbox": str((record.get("extra") or {}).get("sandbox", "")),
        "integrity": integrity_cell(record.get("extra") or {}),
        "keras": keras_cell(record.get("extra") or {}),
        "seconds": f"{record.get('seconds', 0):.1f}",
        "hash": record.get("hash", ""),
        "grader": record.get("version", ""),
        "report": report})
    return row


def integrity_cell(extra: dict[str, Any]) -> str:
    """What the integrity checks found, per task file (empty: nothing)."""
    parts = []
    for filename, found in sorted((extra.get("integrity") or {}).items()):
        what = "; ".join(f"{kind} {', '.join(items[:3])}"
                         for kind, items in sorted(found.items()))
        parts.append(f"{filename}: {what}")
    return " | ".join(parts)[:300]


def keras_cell(extra: dict[str, Any]) -> str:
    """Each task graded under both Keras versions: both scores, and which
    one counts (see :mod:`grader.judge.keras_versions`)."""
    facts = extra.get("keras") or {}
    primary, second = facts.get("graded"), facts.get("other")
    parts = []
    for number, entry in sorted((facts.get("tasks") or {}).items()):
        if f"keras{second}" not in entry:
            continue
        parts.append(
            f"task{number}: Keras {primary} {entry[f'keras{primary}']:g}, "
            f"Keras {second} {entry[f'keras{second}']:g} of "
            f"{entry['max']:g}, counted: Keras {entry['scored_under']}")
    return "; ".join(parts)


class Table:
    """The CSV, appended to and flushed as each row comes (no doubles)."""

    def __init__(self, path: Path, header: list[str]):
        self.path, self.header = path, header
        self.rows: dict[str, dict[str, str]] = {}
        self.handle: TextIO | None = None
        self.writer: csv.DictWriter | None = None

    def start(self, kept: list[dict[str, str]]) -> None:
        """Writes the header and rows kept from an earlier run."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w", newline="")
        self.writer = csv.DictWriter(self.handle, self.header,
                                     extrasaction="ignore")
        self.writer.writeheader()
        for row in kept:
            self.add(row)

    def add(self, row: dict[str, str]) -> bool:
        """Appends ``row`` unless its student already has one."""
        if row["student"] in self.rows:
            return False
        self.rows[row["student"]] = row
        assert self.writer is not None and self.handle is not None, "start"
        self.writer.writerow(row)
        self.handle.flush()
        return True

    def finish(self) -> None:
        """Rewrites the file sorted by student (atomically)."""
        if self.handle is not None:
            self.handle.close()
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, self.header,
                                    extrasaction="ignore")
            writer.writeheader()
            for name in sorted(self.rows):
                writer.writerow(self.rows[name])
        os.replace(tmp, self.path)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of an earlier CSV (none if it is missing or unreadable)."""
    try:
        with open(path, newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []
