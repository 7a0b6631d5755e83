"""A failure on the grader's side is never the student's, on every path:
the CLI (exit code 3, the cause in words), each platform's output (the
autograder failed, not a score; PrairieLearn ``gradable: false``), a batch
row on this machine and through Dask (status ``error``), the pytest
plugin and ``compare``. The failure is simulated: a sandbox that does not
start (``SandboxFailed`` with bubblewrap's words), a bug in the grader,
a check that crashed, and a ``bwrap`` on PATH that cannot start."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fake_dask
from grader import cli
from grader.batch import jobs, reports_dir_of
from grader.failures import SandboxFailed
from grader.paths import REPO_ROOT
from grader.results import CheckResult, Report
from grading import KERAS_MAJOR

# Nothing here runs Keras: once, in the Keras 3 run, is enough.
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="no Keras here: "
                                "tested in the Keras 3 run")

CAUSE = ("bwrap: execvp /tmp/venv/bin/python: No such file or directory")


def sandbox_fails(folder, options, pool=None):
    raise SandboxFailed(f"the sandbox of 0-vanilla.py did not start: "
                        f"{CAUSE}")


def grader_bug(folder, options, pool=None):
    raise KeyError("argsets")


def crashed_check(folder, options, pool=None):
    return Report(str(folder), [
        CheckResult(0, "loads", "file loads", 2, "passed"),
        CheckResult(0, "returns", "returns three models", 2, "error",
                    "the grader failed while measuring 0-vanilla.py: "
                    "IndexError (a bug in the grader, not a verdict on "
                    "your file)")])


def platform_output(fmt: str, path: Path) -> str:
    """What the student reads in ``path``, after checking that it gives
    no score."""
    data = json.loads(path.read_text())
    if fmt == "prairielearn":
        assert data["gradable"] is False and data["tests"] == []
        return data["message"]
    assert data["tests"] == [] and data["score"] == 0
    assert data["extra_data"]["autograder_error"] == data["output"]
    return data["output"]


@pytest.mark.parametrize("fmt", ["gradescope", "prairielearn"])
def test_a_sandbox_that_does_not_start_is_a_grader_error_on_every_platform(
        monkeypatch, capsys, tmp_path, fmt):
    monkeypatch.setattr(cli, "grade", sandbox_fails)
    out = tmp_path / "results.json"
    assert cli.main([str(tmp_path), "--tasks", "0", "--json", str(out),
                     "--format", fmt]) == 3
    captured = capsys.readouterr()
    assert f"grader error: the sandbox of 0-vanilla.py did not start: " \
        f"{CAUSE}" in captured.err
    assert "Traceback" not in captured.err and "FAIL" not in captured.out
    message = platform_output(fmt, out)
    assert message.startswith("The autograder failed, so your files were "
                              "not graded (this is not a problem in your "
                              "files)") and CAUSE in message


def test_a_bug_in_the_grader_is_a_grader_error_with_its_traceback(
        monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "grade", grader_bug)
    out = tmp_path / "results.json"
    assert cli.main([str(tmp_path), "--json", str(out)]) == 3
    err = capsys.readouterr().err
    assert "grader error: 'argsets'" in err and "Traceback" in err
    assert "KeyError: 'argsets'" in platform_output("gradescope", out)


@pytest.mark.parametrize("fmt", ["gradescope", "prairielearn"])
def test_a_check_the_grader_could_not_do_gives_no_score(
        monkeypatch, capsys, tmp_path, fmt):
    monkeypatch.setattr(cli, "grade", crashed_check)
    out = tmp_path / "results.json"
    assert cli.main([str(tmp_path), "--tasks", "0", "--json", str(out),
                     "--format", fmt]) == 3
    assert "ERR!" in capsys.readouterr().out
    message = platform_output(fmt, out)
    assert "The autograder failed" in message
    assert "task 0 'returns three models': the grader failed while " \
        "measuring 0-vanilla.py: IndexError" in message


def test_compare_says_the_sandbox_failed_and_exits_3(monkeypatch, capsys,
                                                     tmp_path):
    monkeypatch.setattr(cli, "grade", sandbox_fails)
    assert cli.main(["compare", str(tmp_path), "--tasks", "0", "--out",
                     str(tmp_path / "page")]) == 3
    assert CAUSE in capsys.readouterr().err
    assert not (tmp_path / "page").exists()


@pytest.mark.parametrize("scheduler", [None, "tcp://127.0.0.1:9"])
@pytest.mark.parametrize("fails", [sandbox_fails, grader_bug,
                                   crashed_check])
def test_a_batch_row_the_grader_could_not_grade_has_status_error(
        monkeypatch, capsys, tmp_path, scheduler, fails):
    monkeypatch.setattr(jobs, "grade", fails)
    monkeypatch.setattr(jobs, "reference_results", lambda *a, **k: {})
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    fake_dask.install(monkeypatch)
    (tmp_path / "class" / "alice").mkdir(parents=True)
    out = tmp_path / "grades.csv"
    argv = ["batch", str(tmp_path / "class"), "--out", str(out), "--tasks",
            "0"] + (["--scheduler", scheduler] if scheduler else [])
    assert cli.main(argv) == 3
    with open(out, newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["status"] == "error"
    expected = {sandbox_fails: CAUSE, grader_bug: "KeyError: 'argsets'",
                crashed_check: "the grader failed while measuring "
                               "0-vanilla.py: IndexError"}[fails]
    assert expected in row["detail"]
    report = (reports_dir_of(out) / "alice.txt").read_text()
    assert expected in report


PLUGIN = f'''
import grader.pytest_plugin
from grader.failures import SandboxFailed


def fails(folder, options, pool=None):
    raise SandboxFailed({CAUSE!r})


grader.pytest_plugin.grade = fails
'''


def test_the_pytest_plugin_stops_with_exit_3_and_the_cause(tmp_path):
    (tmp_path / "sandbox_fails.py").write_text(PLUGIN)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "grader", "--tasks", "0", "-q",
         "-p", "no:cacheprovider", "-p", "sandbox_fails"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"grader error: {CAUSE}" in done.stdout
    assert " failed" not in done.stdout


FAKE_BWRAP = """#!/bin/sh
echo "bwrap: No permissions to create new namespace" >&2
exit 1
"""


def test_a_bwrap_that_cannot_start_with_sandbox_bwrap_exits_3(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "bwrap").write_text(FAKE_BWRAP)
    (bin_dir / "bwrap").chmod(0o755)
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(tmp_path), "--tasks", "0",
         "--sandbox", "bwrap", "--json", str(tmp_path / "results.json")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "grader error: bubblewrap" in done.stderr
    assert "Traceback" not in done.stderr and "FAIL" not in done.stdout
    assert "bubblewrap" in platform_output("gradescope",
                                           tmp_path / "results.json")


@pytest.mark.parametrize("mode", ["info", "best"])
def test_the_other_keras_version_failing_is_an_error_only_where_it_counts(
        monkeypatch, mode):
    """Under ``--keras best`` the other version's score may be the grade:
    its grading failing is the grader's error, not a lower score; under
    ``info`` it is information and the report says what went wrong."""
    from grader import pipeline
    from grader.judge import keras_versions
    from grader.options import Options

    monkeypatch.setattr(keras_versions, "tasks_to_regrade",
                        lambda report, students, mode: [0])
    monkeypatch.setattr(pipeline, "grade", sandbox_fails)
    report = crashed_check(Path("s"), None)
    options = Options(tasks=(0,), other_keras=mode)
    if mode == "best":
        with pytest.raises(SandboxFailed, match="did not start"):
            pipeline.grade_other(Path("s"), options, report, {0: None},
                                 None)
        return
    pipeline.grade_other(Path("s"), options, report, {0: None}, None)
    assert CAUSE in report.extra["keras"]["problem"]
