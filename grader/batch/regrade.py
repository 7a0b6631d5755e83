"""``batch --compare old.csv``: whose grade changed since an earlier batch,
and which checks changed it.

The earlier batch is read before this one writes anything (``old.csv``
may be the file this batch rewrites): its rows, and, when its reports
folder is still beside it, each student's status dict with every check's
result. A student is listed when the total or any task's score differs
(the cells as the CSV writes them, so no rounding decides), or when the
student is new or gone; for each, the checks whose status or points
changed, with their new messages.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.batch.resume import load_record
from grader.batch.table import row_of
from grader.results import passing

COLUMNS = ("student", "old_total", "new_total", "change", "old_status",
           "new_status", "tasks", "checks")


@dataclass
class Snapshot:
    """An earlier batch: its rows and status dicts, by student."""

    path: Path
    rows: dict[str, dict[str, str]]
    records: dict[str, dict[str, Any] | None] = field(default_factory=dict)


def load_old(path: Path) -> Snapshot:
    """Reads an earlier batch's CSV and the status dicts beside it;
    ValueError when it is not a batch CSV."""
    from grader.batch import reports_dir_of

    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, csv.Error, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if rows and not {"student", "total", "status"} <= set(rows[0]):
        raise ValueError(f"{path} is not a CSV written by batch (no "
                         "student, total and status columns)")
    for row in rows:
        try:
            float(row["total"] or 0)
        except ValueError:
            raise ValueError(f"{path}: the total of {row['student']} is not "
                             f"a number ({row['total']!r})") from None
    reports = reports_dir_of(path)
    return Snapshot(path, {r["student"]: r for r in rows},
                    {r["student"]: load_record(reports, r["student"])
                     for r in rows})


def points(result: dict[str, Any]) -> float:
    """The points a check result (a status dict's entry) earned."""
    return result["max_points"] if passing(result["status"]) else 0.0


def changed_checks(old: list[dict[str, Any]],
                   new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks whose status or points differ, in the new order (then
    the checks that are gone)."""
    before = {(r["task"], r["check"]): r for r in old}
    after = {(r["task"], r["check"]): r for r in new}
    found = []
    for key in list(after) + [k for k in before if k not in after]:
        was, now = before.get(key), after.get(key)
        if was and now and was["status"] == now["status"] \
                and points(was) == points(now):
            continue
        shown: dict[str, Any] = now or was or {}  # one of them is there
        found.append({
            "task": key[0], "check": key[1], "title": shown["title"],
            "old_status": was["status"] if was else "",
            "old_points": points(was) if was else None,
            "new_status": now["status"] if now else "",
            "new_points": points(now) if now else None,
            "message": now.get("message", "") if now else ""})
    return found


def changes(old: Snapshot, records: dict[str, dict[str, Any]],
            tasks: list[int] | tuple[int, ...]) -> list[dict[str, Any]]:
    """One entry per student whose grade differs from ``old``, sorted."""
    found = []
    for name in sorted(set(old.rows) | set(records)):
        was = old.rows.get(name)
        now = (row_of(records[name], tasks, "") if name in records
               else None)
        cells = sorted({k for row in (was, now) if row for k in row
                        if k.startswith("task")},
                       key=lambda k: int(k[4:]) if k[4:].isdigit() else 0)
        tasks_changed = [(k, (was or {}).get(k, ""), (now or {}).get(k, ""))
                         for k in cells
                         if (was or {}).get(k, "") != (now or {}).get(k, "")]
        if was and now and was.get("total") == now["total"] \
                and not tasks_changed:
            continue
        before = old.records.get(name)
        known = before is not None and name in records
        found.append({
            "student": name,
            "old_total": was.get("total", "") if was else "",
            "new_total": now["total"] if now else "",
            "old_status": was.get("status", "") if was else "absent",
            "new_status": now["status"] if now else "absent",
            "tasks": tasks_changed,
            "checks": changed_checks((before or {}).get("results") or [],
                                     records[name].get("results") or [])
            if known else [],
            "checks_known": known})
    return found


def direction(change: dict[str, Any]) -> str:
    """'up', 'down', 'same' (the total; tasks moved) or 'new'/'gone'."""
    if change["old_status"] == "absent":
        return "new"
    if change["new_status"] == "absent":
        return "gone"
    old, new = float(change["old_total"] or 0), float(change["new_total"])
    return "up" if new > old else "down" if new < old else "same"


def summary(found: list[dict[str, Any]], compared: int) -> str:
    """The summary line: how many changed, up and down."""
    ways = [direction(c) for c in found]
    moved = [w for w in ways if w in ("up", "down", "same")]
    line = (f"{len(moved)} of {compared} students' grades changed: "
            f"{ways.count('up')} up, {ways.count('down')} down")
    if ways.count("same"):
        line += f", {ways.count('same')} with the same total"
    for kind, words in (("new", "new (not in the old CSV)"),
                        ("gone", "no longer graded")):
        if ways.count(kind):
            line += f"; {ways.count(kind)} {words}"
    return line + "."


def check_words(check: dict[str, Any]) -> str:
    """'task 0 compiled with Adam: failed 0 -> passed 2: message'."""
    def side(status: str, got: float | None) -> str:
        return f"{status} {got:g}" if status else "absent"
    text = (f"task {check['task']} {check['title']}: "
            f"{side(check['old_status'], check['old_points'])} -> "
            f"{side(check['new_status'], check['new_points'])}")
    message = " ".join(check["message"].split())
    return f"{text}: {message}" if message else text


def checks_cell(change: dict[str, Any]) -> str:
    """The changed checks in one cell (or why they are not known)."""
    if change["checks_known"]:
        return " | ".join(check_words(c) for c in change["checks"])
    if "absent" in (change["old_status"], change["new_status"]):
        return ""
    return "(not known: the old batch's reports are not beside its CSV)"


def write_csv(found: list[dict[str, Any]], path: Path) -> Path:
    """Writes the changes as a CSV, one row per student."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for change in found:
            total = (float(change["new_total"] or 0)
                     - float(change["old_total"] or 0))
            writer.writerow([
                change["student"], change["old_total"], change["new_total"],
                f"{total:+g}", change["old_status"], change["new_status"],
                "; ".join(f"{k}: {a or '-'} -> {b or '-'}"
                          for k, a, b in change["tasks"]),
                checks_cell(change)])
    return path
