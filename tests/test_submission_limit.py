"""Gradescope submission limits: the zip's run_autograder run as Gradescope
runs it, on submission_metadata.json files written here (the fields of
gradescope/autograder_samples docs/submission_metadata.md), and the
counting rules on their own."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.paths import REPO_ROOT
from grader.platforms.submission_limit import (KEY, Limit, decide,
                                               graded_runs, parse_time,
                                               record, refused)
from grading import CACHE, KERAS_MAJOR

NOW = "2026-03-10T12:00:00.000000-07:00"
DUE = "2026-03-20T23:00:00.000000-07:00"
LIMIT = Limit(2, 24.0)
# Packaging does not depend on the Keras version (test_platforms too).
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="platform "
                                "packaging is tested in the Keras 3 run")


def at(hours_before: float) -> str:
    """NOW minus some hours, as Gradescope writes times."""
    from datetime import timedelta
    return (parse_time(NOW) - timedelta(hours=hours_before)).isoformat()


def graded_results(score: float, note: str) -> dict:
    """A previous submission's results.json, as the grader wrote it."""
    return {"score": score, "output": note, "tests": [
        {"name": "Task 0: compiled with Adam", "score": score,
         "max_score": 2.0, "status": "passed", "output": "",
         "visibility": "visible"}], "extra_data": {}}


def metadata(previous: list[dict], created_at: str = NOW,
             due: str | None = DUE) -> dict:
    """A submission_metadata.json (the fields the docs list)."""
    return {"id": 123456, "created_at": created_at,
            "assignment": {"due_date": due, "group_size": None,
                           "group_submission": False, "id": 25828,
                           "course_id": 1234, "late_due_date": None,
                           "release_date": "2026-03-01T00:00:00-07:00",
                           "title": "Autoencoders", "total_points": "37.0"},
            "submission_method": "upload",
            "users": [{"email": "s@example.com", "id": 1, "name": "S"}],
            "previous_submissions": previous}


def run(hours_before: float, score: float = 1.0, error: bool = False,
        results: dict | None = None) -> dict:
    """One entry of previous_submissions."""
    entry = {"submission_time": at(hours_before), "score": score,
             "autograder_error": error}
    if results is not None:
        entry["results"] = results
    return entry


# ------------------------------------------------------------ run_autograder

@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Path:
    """Gradescope's /autograder from a zip built with --max-submissions 2
    --window-hours 24 (task 0)."""
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", "--out", str(out),
         "--tasks", "0", "--keras", str(KERAS_MAJOR), "--max-submissions",
         "2", "--window-hours", "24"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 graded submissions per 24 hours" in done.stdout
    root = tmp_path_factory.mktemp("autograder")
    import zipfile
    with zipfile.ZipFile(out) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            os.chmod(root / "source" / info.filename,
                     info.external_attr >> 16 & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    if CACHE.is_dir():
        shutil.copytree(CACHE, root / "source" / ".grader-cache")
    return root


def run_autograder(root: Path, meta: dict) -> tuple[dict, str]:
    """Runs run_autograder on an empty submission (graded in seconds:
    the file is missing) with ``meta`` as submission_metadata.json."""
    shutil.rmtree(root / "results", ignore_errors=True)
    shutil.rmtree(root / "submission", ignore_errors=True)
    (root / "submission").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps(meta))
    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               AUTOGRADER_PYTHON=sys.executable, AUTOGRADER_USER="")
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    return data, done.stdout + done.stderr


def test_one_graded_run_in_the_last_hour_is_graded(limited):
    data, output = run_autograder(limited, metadata(
        [run(1, results=graded_results(2.0, "earlier"))]))
    assert "grading tasks 0" in output  # the grader ran
    assert "None of the task files (0-vanilla.py) was found" in \
        data["output"]
    first = data["output"].splitlines()[0]
    assert first == ("Submission limit (2 graded submissions per 24 "
                     "hours): counting this one you have used 2, 0 left; "
                     "the next grading is allowed from 2026-03-11 11:00 "
                     "UTC-07:00.")
    assert data["extra_data"][KEY]["graded_runs"] == [at(1), at(0)]


def test_an_autograder_error_does_not_count(limited):
    failed = {"score": 0.0, "output": "The autograder failed.", "tests": [],
              "extra_data": {"autograder_error": "The autograder failed."}}
    data, output = run_autograder(limited, metadata(
        [run(3), run(1, score=0.0, error=True, results=failed)]))
    assert "grading tasks 0" in output
    assert data["output"].startswith(
        "Submission limit (2 graded submissions per 24 hours): counting "
        "this one you have used 2, 0 left")
    assert len(data["tests"]) > 1  # graded: every check of task 0


def test_two_graded_runs_stop_the_third(limited):
    last = graded_results(2.0, "All checks passed.")
    data, output = run_autograder(limited, metadata(
        [run(3, score=1.0), run(1, score=2.0, results=last)]))
    assert "grading tasks" not in output  # not graded
    assert data["tests"] == last["tests"] and data["score"] == 2.0
    lines = data["output"].splitlines()
    assert lines[0].startswith(
        "Submission limit reached: 2 graded submissions per 24 hours. You "
        "have used 2 (submitted 2026-03-10 09:00 UTC-07:00, 2026-03-10 "
        "11:00 UTC-07:00), so this submission was not graded; the next "
        "grading is allowed from 2026-03-11 09:00 UTC-07:00.")
    assert lines[-1] == "All checks passed."  # the last graded feedback
    assert data["extra_data"][KEY]["counted"] is False


# ------------------------------------------------------------ the counting

def test_runs_outside_the_window_do_not_count():
    decision = decide(metadata([run(30), run(25), run(2)]), LIMIT)
    assert decision.grade and decision.left == 0
    assert [t.isoformat() for t in decision.used] == [at(2)]


def test_a_refused_run_does_not_count_and_its_message_is_not_repeated():
    last = graded_results(2.0, "your feedback")
    first = metadata([run(3), run(2, results=last)], created_at=at(1))
    refusal = refused(first, LIMIT, decide(first, LIMIT))
    assert refusal["extra_data"][KEY]["graded_runs"] == [at(3), at(2)]
    again = metadata([run(3), run(2), run(1, score=2.0, results=refusal)])
    decision = decide(again, LIMIT)
    assert [t.isoformat() for t in decision.used] == [at(3), at(2)]
    second = refused(again, LIMIT, decision)
    assert second["output"].count("Submission limit reached") == 1
    assert second["output"].endswith("\n\nyour feedback")
    assert second["tests"] == last["tests"]


def test_the_graded_runs_carried_in_the_results_decide():
    carried = graded_results(1.0, "x")
    carried["extra_data"][KEY] = {"counted": True,
                                  "graded_runs": [at(20), at(1)]}
    # 5 and 3 hours ago: refused runs the results' list leaves out
    meta = metadata([run(20), run(5), run(3), run(1, results=carried)])
    assert [t.isoformat() for t in graded_runs(meta)] == [at(20), at(1)]
    assert not decide(meta, LIMIT).grade


def test_time_is_the_submissions_not_the_clock():
    meta = metadata([run(3), run(1, results=graded_results(1.0, "x"))],
                    created_at=at(-30))  # a rerun: 30 h after NOW
    assert decide(meta, LIMIT).grade
    assert not decide(metadata(meta["previous_submissions"]), LIMIT).grade


def test_before_the_due_date_only():
    limit = Limit(2, 24.0, "before-due-date")
    previous = [run(3), run(1, results=graded_results(1.0, "x"))]
    assert not decide(metadata(previous, due=at(-5)), limit).grade
    assert decide(metadata(previous, due=at(0.5)), limit).grade  # late
    decision = decide(metadata(previous, due=at(-5)), limit)
    assert decision.next_at == parse_time(at(-5))  # the limit lifts then
    assert not decide(metadata(previous, due=at(0.5)), LIMIT).grade


def test_a_run_the_grader_failed_on_is_not_counted():
    meta = metadata([run(1, results=graded_results(1.0, "x"))])
    results = record(graded_results(0.0, "grader error"), meta, LIMIT, 3)
    assert results["extra_data"][KEY] == {
        "counted": False, "limit": LIMIT.words(), "graded_runs": [at(1)]}
    assert "does not count; 1 left" in results["output"].splitlines()[0]
    counted = record(graded_results(1.0, "ok"), meta, LIMIT, 1)
    assert counted["extra_data"][KEY]["graded_runs"] == [at(1), at(0)]
