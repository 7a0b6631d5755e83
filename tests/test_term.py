"""Running a term, on files written here (no grading): the regrade report
of ``batch --compare`` and the Canvas import file of ``batch --canvas``.
The same through the command line, on a real batch: test_batch.py."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from grader.batch import reports_dir_of
from grader.batch.canvas import fill, read_export, read_roster, write
from grader.batch.regrade import changes, load_old, summary, write_csv
from grader.batch.table import Table, columns, row_of
from grader.batch.resume import record_path

# A gradebook as Canvas exports it: quoted names, the Points Possible row,
# read-only score columns, a test student without a login, CRLF, a BOM.
EXPORT = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,"
    "Autoencoders (4021),Quiz 1 (4000),Current Score,Final Score\r\n"
    "    Points Possible,,,,,37.00,10.00,(read only),(read only)\r\n"
    '"Doe, Jane",101,9001,jdoe,Section 1,,8.00,80.00,80.00\r\n'
    '"Roe, Rick",102,9002,rroe,Section 1,,7.00,70.00,70.00\r\n'
    '"Poe, Edgar",103,9003,epoe,Section 2,,,,\r\n'
    '"Student, Test",104,,,Section 1,,,,\r\n')


def check(task: int, name: str, points: float, status: str,
          message: str = "") -> dict:
    """One check result of a status dict."""
    return {"task": task, "check": name, "title": name.replace("_", " "),
            "max_points": points, "status": status, "message": message}


def record(name: str, results: list[dict], status: str = "graded") -> dict:
    """A status dict as a batch job returns it (tasks 0 and 1)."""
    scores = {}
    for r in results:
        got, top = scores.get(str(r["task"]), (0.0, 0.0))
        scores[str(r["task"])] = [
            got + (r["max_points"] if r["status"] == "passed" else 0.0),
            top + r["max_points"]]
    return {"student": name, "status": status, "detail": "",
            "scores": scores, "score": sum(g for g, _ in scores.values()),
            "max_score": sum(t for _, t in scores.values()),
            "results": results, "extra": {}, "hash": "h", "version": "v",
            "seconds": 1.0}


def base() -> list[dict]:
    return [check(0, "shebang", 1, "passed"),
            check(0, "optimizer", 2, "failed", "compiled with SGD"),
            check(1, "sparsity", 3, "passed")]


def write_batch(records: dict[str, dict], out: Path) -> Path:
    """Writes a batch's CSV and status dicts, as run_batch does."""
    reports = reports_dir_of(out)
    reports.mkdir(parents=True)
    table = Table(out, columns([0, 1]))
    table.start([])
    for name, rec in records.items():
        table.add(row_of(rec, [0, 1], str(reports / f"{name}.txt")))
        record_path(reports, name).write_text(json.dumps(rec))
    table.finish()
    return out


@pytest.fixture
def regraded(tmp_path):
    """An old batch of five students, and a regrade in which alice gains
    a check, bob loses one, carol's points move between tasks (same
    total), dave is unchanged and erin is new (frank is gone)."""
    old = {n: record(n, base())
           for n in ("alice", "bob", "carol", "dave", "frank")}
    new = {n: record(n, base())
           for n in ("alice", "bob", "carol", "dave", "erin")}
    new["alice"]["results"][1] = check(0, "optimizer", 2, "passed")
    new["bob"]["results"][2] = check(1, "sparsity", 3, "failed",
                                     "the penalty is L2, not L1")
    new["carol"]["results"][1] = check(0, "optimizer", 2, "passed")
    new["carol"]["results"].append(check(1, "latent", 2, "failed",
                                         "latent size 64, expected 32"))
    new["carol"]["results"][2] = check(1, "sparsity", 1, "passed")
    new = {n: record(n, r["results"]) for n, r in new.items()}
    return load_old(write_batch(old, tmp_path / "old.csv")), new


def test_compare_names_exactly_the_changed_students(regraded, tmp_path):
    old, new = regraded
    found = changes(old, new, [0, 1])
    by = {c["student"]: c for c in found}
    assert sorted(by) == ["alice", "bob", "carol", "erin", "frank"]
    assert (by["alice"]["old_total"], by["alice"]["new_total"]) == ("4", "6")
    assert by["alice"]["tasks"] == [("task0", "1", "3")]
    assert [(c["check"], c["old_status"], c["new_status"], c["new_points"])
            for c in by["alice"]["checks"]] == [
        ("optimizer", "failed", "passed", 2)]
    assert by["bob"]["checks"][0]["message"] == "the penalty is L2, not L1"
    assert [c["check"] for c in by["carol"]["checks"]] == [
        "optimizer", "sparsity", "latent"]
    assert by["carol"]["old_total"] == by["carol"]["new_total"] == "4"
    assert by["erin"]["old_status"] == "absent"
    assert by["frank"]["new_status"] == "absent"
    assert summary(found, 4) == (
        "3 of 4 students' grades changed: 1 up, 1 down, 1 with the same "
        "total; 1 new (not in the old CSV); 1 no longer graded.")
    with open(write_csv(found, tmp_path / "c.csv"), newline="") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert rows["bob"]["change"] == "-3"
    assert rows["bob"]["checks"] == ("task 1 sparsity: passed 3 -> failed "
                                     "0: the penalty is L2, not L1")


def test_compare_without_the_old_reports_lists_scores_only(regraded,
                                                           tmp_path):
    old, new = regraded
    for path in reports_dir_of(old.path).iterdir():
        path.unlink()
    found = changes(load_old(old.path), new, [0, 1])
    alice = next(c for c in found if c["student"] == "alice")
    assert alice["checks"] == [] and not alice["checks_known"]


def test_compare_refuses_a_csv_that_batch_did_not_write(tmp_path):
    (tmp_path / "x.csv").write_text("name,grade\nalice,3\n")
    with pytest.raises(ValueError, match="not a CSV written by batch"):
        load_old(tmp_path / "x.csv")


def graded(names: dict[str, float]) -> dict[str, dict]:
    return {n: {"student": n, "status": "graded", "score": s,
                "max_score": 37.0} for n, s in names.items()}


def filled_export(tmp_path: Path, records: dict, roster=None) -> tuple:
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORT.encode())
    book = read_export(path, "Autoencoders")
    done = fill(book, records, roster)
    return write(book, tmp_path / "out.csv").read_bytes().decode(), done


def test_canvas_matches_by_login_and_keeps_every_other_byte(tmp_path):
    text, done = filled_export(tmp_path, graded(
        {"jdoe": 30, "rroe": 12.5, "zz_guest": 3}))
    assert text == EXPORT.replace(
        "jdoe,Section 1,,", "jdoe,Section 1,30,").replace(
        "rroe,Section 1,,", "rroe,Section 1,12.5,")
    assert done.filled == {"jdoe": "jdoe", "rroe": "rroe"}
    assert done.no_folder == ["epoe"]  # the cell stays blank
    assert done.not_in_export == ["zz_guest"]  # the extra folder


def test_canvas_matches_by_roster(tmp_path):
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("folder,login\njane-doe-hw4,jdoe\n"
                          "Edgar_Poe,EPOE\n")
    text, done = filled_export(tmp_path, graded(
        {"jane-doe-hw4": 37, "Edgar_Poe": 0, "rroe": 20}),
        read_roster(roster_csv))
    assert text == EXPORT.replace(
        "jdoe,Section 1,,", "jdoe,Section 1,37,").replace(
        "rroe,Section 1,,", "rroe,Section 1,20,").replace(
        "epoe,Section 2,,", "epoe,Section 2,0,")
    assert done.not_in_export == [] and done.no_folder == []


def test_canvas_leaves_grader_errors_and_ambiguous_folders_blank(tmp_path):
    records = graded({"jdoe": 30, "rroe": 10, "RRoe": 11})
    records["jdoe"]["status"] = "error"
    text, done = filled_export(tmp_path, records)
    assert text == EXPORT
    assert set(done.not_filled) == {"jdoe", "rroe", "RRoe"}


def test_canvas_column_must_exist(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(EXPORT.encode())
    with pytest.raises(ValueError, match="no column of the export named "
                       "'Homework 9'.*'Autoencoders \\(4021\\)'"):
        read_export(path, "Homework 9")
    assert read_export(path, "Autoencoders (4021)").column == 5
