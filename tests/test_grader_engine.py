"""The grader's engine: the reference scores 100%, bad submissions fail the
right check in bounded time, tampering earns nothing, results repeat."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

from grader.paths import REPO_ROOT
from grader.report.gradescope import results
from grading import SUBMISSIONS, KERAS_MAJOR, failed, run_grader, statuses


@pytest.fixture(scope="module")
def reference_report():
    return run_grader(REPO_ROOT, [0, 1, 2, 3])


def test_reference_scores_full_marks(reference_report):
    bad = [(r.name, r.message) for r in reference_report.results
           if r.status != "passed"]
    assert bad == []
    assert reference_report.score == reference_report.max_score > 100


@pytest.mark.parametrize(("folder", "check", "words"), [
    ("syntax_error", "loads", "does not parse"),
    ("import_exception", "loads", "ValueError: broken at import (line 5"),
    ("sys_exit", "loads", "sys.exit(0) was called"),
    ("os_exit", "loads", "ended the grading process early"),
    ("call_exception", "returns", "IndexError"),
    ("wrong_return", "returns", "returned 2 values"),
    ("return_order", "returns", "(auto, encoder, decoder)"),
    ("writes_outside", "loads", "write ../results.json"),
    ("memory_hog", "returns", "MemoryError"),
])
def test_bad_submission_fails_the_right_check(folder, check, words):
    report = run_grader(SUBMISSIONS / folder, [0], memory_mb=6144)
    result = report.find(0, check)
    assert result.status == "failed"
    assert words in result.message
    # Nothing that depends on the failed step is awarded.
    assert not any(r.status == "passed" for r in report.results
                   if r.check in ("forward-pass", "loss", "seeded-training"))


def test_endless_loop_is_stopped_in_bounded_time():
    report = run_grader(SUBMISSIONS / "infinite_loop", [0], seconds=20)
    result = report.find(0, "loads")
    assert result.status == "failed" and "did not finish within 20 s" in \
        result.message
    assert report.seconds < 60


def test_missing_file_and_wrong_function_name():
    report = run_grader(SUBMISSIONS / "missing", [0])
    assert "0-vanilla.py not found" in report.find(0, "loads").message
    assert report.find(0, "shebang").status == "failed"
    report = run_grader(SUBMISSIONS / "wrong_name", [1])
    message = report.find(1, "loads").message
    assert "no function autoencoder; found sparse" in message


def test_other_tasks_are_still_graded():
    report = run_grader(SUBMISSIONS / "mixed", [0, 1])
    assert "loads" in failed(report, 0)
    assert set(statuses(report, 1).values()) == {"passed"}


def test_style_slips_do_not_hide_a_correct_model():
    report = run_grader(SUBMISSIONS / "style_only", [0])
    assert failed(report, 0) == {"pycodestyle", "executable",
                                 "final-newline"}
    assert "E231" in report.find(0, "pycodestyle").message


def test_tampering_with_numpy_does_not_change_the_verdict(tmp_path):
    report = run_grader(SUBMISSIONS / "tamper_numpy", [0])
    assert "activations" in failed(report, 0)
    assert "sigmoid, expected relu" in report.find(0, "activations").message
    assert "numpy.allclose" in report.find(0, "integrity").message


def test_fake_results_file_is_not_written(tmp_path):
    folder = tmp_path / "student"
    shutil.copytree(SUBMISSIONS / "writes_outside", folder)
    run_grader(folder, [0])
    assert not (tmp_path / "results.json").exists()


def test_two_runs_give_the_same_json(tmp_path):
    first = results(run_grader(SUBMISSIONS / "tamper_numpy", [0],
                               fresh=True))
    second = results(run_grader(SUBMISSIONS / "tamper_numpy", [0],
                                fresh=True))
    for result in (first, second):
        result.pop("execution_time")
    assert first == second


def test_cli_exit_codes_json_schema_and_junit(tmp_path):
    out = tmp_path / "results.json"
    xml = tmp_path / "junit.xml"
    command = [sys.executable, "-m", "grader", str(SUBMISSIONS / "mixed"),
               "--tasks", "0,1", "--keras", str(KERAS_MAJOR), "--json",
               str(out), "--junitxml", str(xml)]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "FAIL  file loads and defines autoencoder" in done.stdout
    data = json.loads(out.read_text())
    assert set(data) == {"score", "execution_time", "output", "tests",
                         "extra_data"}
    assert data["extra_data"]["sandbox"] in ("bwrap", "uid", "none")
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status",
                             "output", "visibility"}
        assert test["status"] in ("passed", "failed")
    assert "<testcase" in xml.read_text()
    usage = subprocess.run([sys.executable, "-m", "grader", "--tasks", "9"],
                           cwd=REPO_ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "unknown task" in usage.stderr


def test_batch_mode_writes_one_row_per_student(tmp_path):
    root = tmp_path / "class"
    for name, folder in (("alice", SUBMISSIONS / "style_only"),
                         ("bob", SUBMISSIONS / "mixed"),
                         ("carol", SUBMISSIONS / "tamper_numpy_correct"),
                         ("dave", SUBMISSIONS.parent / "corpus" / "errors"
                          / "adam_lr")):
        shutil.copytree(folder, root / name)
    csv_path = tmp_path / "grades.csv"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(root), "--out",
         str(csv_path), "--tasks", "0", "--keras", str(KERAS_MAJOR)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = csv_path.read_text().splitlines()
    assert rows[0] == ("student,task0,total,max,status,detail,sandbox,"
                       "integrity,keras,seconds,hash,grader,report")
    table = {row["student"]: row for row in csv.DictReader(
        io.StringIO(csv_path.read_text()))}
    assert rows[1].startswith("alice,34,34,37,graded,")
    assert rows[2].startswith("bob,")
    assert table["alice"]["integrity"] == table["alice"]["keras"] == ""
    assert "0-vanilla.py: replaced numpy.allclose" in \
        table["carol"]["integrity"]
    if KERAS_MAJOR == 3:  # Adam(lr=...) is Keras 2 code
        assert table["dave"]["keras"].startswith("task0: Keras 3 ")
        assert "Keras 2 37 of 37, counted: Keras 3" in table["dave"]["keras"]
    assert (tmp_path / "grades-reports" / "alice.json").exists()


def test_crash_on_empty_hidden_layers_only_warns():
    report = run_grader(SUBMISSIONS / "crash_on_empty", [0])
    result = report.find(0, "empty-hidden-layers")
    assert result.status == "warning"
    assert "autoencoder(30, [], 4)" in result.message
    assert "IndexError" in result.message
    assert report.all_passed and report.score == report.max_score


def test_a_model_returning_a_scalar_is_the_students_failure():
    report = run_grader(SUBMISSIONS / "scalar_encoder", [0])
    result = report.find(0, "returns")
    assert result.status == "failed"
    assert "returns an encoder whose output for a batch of 16 inputs has " \
        "shape ()" in result.message
    assert "a model returns a batch" in result.message
    assert not report.grader_errors
