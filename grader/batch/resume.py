"""``--resume``: which folders an earlier, interrupted batch already did."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.batch.table import read_rows


def record_path(reports_dir: Path, name: str) -> Path:
    """Where a folder's status dict is kept (for resume and the page)."""
    return reports_dir / f"{name}.batch.json"


def load_record(reports_dir: Path, name: str) -> dict[str, Any] | None:
    """The record a finished folder left, or None."""
    try:
        return json.loads(record_path(reports_dir, name).read_text())
    except (OSError, ValueError):
        return None


def kept_rows(csv_path: Path, reports_dir: Path, digests: dict[str, str],
              version: str, header: list[str]
              ) -> dict[str, tuple[dict[str, str], dict[str, Any]]]:
    """The rows to keep, by student, with their status dicts.

    A row is kept when its folder still exists with the same files (the
    ``hash`` column), the grader, libraries and options are the same (the
    ``grader`` column), the columns are today's, its status dict is on
    disk, and its status is not ``error`` (a grader problem, retried).
    """
    kept = {}
    for row in read_rows(csv_path):
        name = row.get("student")
        if (name not in digests or list(row) != header
                or row.get("hash") != digests[name]
                or row.get("grader") != version
                or row.get("status") in (None, "", "error")):
            continue
        record = load_record(reports_dir, name)
        if record is not None and record.get("hash") == digests[name]:
            kept[name] = (row, record)
    return kept
