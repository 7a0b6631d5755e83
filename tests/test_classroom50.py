"""Classroom 50: the folder ``python -m grader classroom50`` writes, and its
``autograder.py`` run as the runner runs it (the student's git checkout as
working folder, the runner's variables set); ``result.json``, the Release
text and the ``$GITHUB_OUTPUT`` lines against the contract of
foundation50/classroom50 (runner.py, wiki "Advanced Autograding")."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.judge.checks import checks_for
from grader.judge.file_rules import RULES
from grader.options import Limits, Options
from grader.paths import REPO_ROOT
from grader.platforms import classroom50 as platform
from grader.platforms import classroom50_run
from grader.report import classroom50, gradescope
from grader.results import CheckResult, Report
from grading import CACHE, KERAS_MAJOR, run_grader

CORPUS = REPO_ROOT / "tests" / "corpus"
CORRECT = CORPUS / "correct" / "sequential"
FAULTY = CORPUS / "faulty" / "vanilla_sgd"  # compiled with SGD: 3 checks
ENV = {"CLASSROOM": "cs-autoencoders", "ASSIGNMENT": "autoencoders",
       "ASSIGNMENT_TYPE": "individual", "USERNAME": "alice",
       "OWNER": "alice",
       "SUBMISSION_TAG": "submit/2026-12-06T09-00-00Z-abc1234",
       "COMMIT_URL": "https://github.com/org/repo/commit/abc1234",
       "RELEASE_URL": "https://github.com/org/repo/releases/tag/submit%2Fx",
       "REVIEW_URL": "https://github.com/org/repo/compare/a...b",
       "PAGES_BASE_URL": "https://org.github.io/classroom50",
       "GITHUB_REPOSITORY": "org/repo", "GITHUB_SHA": "abc1234"}
TASK_FILES = {0: "0-vanilla.py", 1: "1-sparse.py", 2: "2-convolutional.py",
              3: "3-variational.py"}
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="platform "
                                "packaging is tested in the Keras 3 run")


# ------------------------------------------------------------ helpers

def check_result_schema(data: dict) -> None:
    """classroom50/result/v1 as runner.py's validate_result (and the score
    collector) accept it, plus what the contract says the sums are."""
    assert data["schema"] == "classroom50/result/v1"
    for key in ("classroom", "assignment", "submission", "commit",
                "release", "review", "datetime", "owner"):
        assert isinstance(data[key], str) and data[key], key
    assert data["assignment_type"] in ("individual", "group")
    assert data["submission"].startswith("submit/")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["datetime"])
    for key in ("score", "max-score"):
        assert type(data[key]) is int and data[key] >= 0, key
    assert data["score"] <= data["max-score"]
    names = []
    for test in data["tests"]:
        assert set(test) == {"test-name", "passed", "score", "max-score"}
        assert isinstance(test["test-name"], str) and test["test-name"]
        assert type(test["passed"]) is bool
        assert type(test["score"]) is int and type(test["max-score"]) is int
        assert 0 <= test["score"] <= test["max-score"]
        names.append(test["test-name"])
    assert len(set(names)) == len(names)
    assert data["score"] == sum(t["score"] for t in data["tests"])
    assert data["max-score"] == sum(t["max-score"] for t in data["tests"])
    assert len(json.dumps(data)) < 10 * 1024 * 1024  # the collector's cap


def checkout(folder: Path | None, where: Path) -> Path:
    """A git checkout of ``folder``'s files, as actions/checkout leaves it."""
    where.mkdir(parents=True)
    if folder is not None:
        shutil.copytree(folder, where, dirs_exist_ok=True)
    else:
        (where / "README.md").write_text("nothing here yet\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "work"]):
        subprocess.run(git + args, cwd=where, check=True, capture_output=True)
    return where


def run_autograder(bundle: Path, work: Path, path: str | None = None
                   ) -> tuple[subprocess.CompletedProcess, Path]:
    """Runs ``bundle/autograder.py`` as the runner does: ``python3
    autograder.py`` in the checkout, the runner's variables set."""
    output = work.parent / f"{work.name}-github-output"
    env = dict(os.environ, **ENV, GITHUB_OUTPUT=str(output),
               GRADER_CACHE_DIR=str(CACHE), RUNNER_TEMP=str(work.parent))
    if path is not None:
        env["PATH"] = path
    done = subprocess.run([sys.executable, str(bundle / "autograder.py")],
                          cwd=work, env=env, capture_output=True, text=True,
                          timeout=600)
    return done, output


def write(tmp: Path, **settings) -> Path:
    """The folder the CLI's code writes, for task 0."""
    out = tmp / "bundle"
    options = Options(tasks=(0,), workers=2, sandbox="bwrap",
                      keras_major=KERAS_MAJOR)
    platform.write_bundle(out, platform.Settings(options, **settings))
    return out


def model_checks() -> list:
    return checks_for("dense")


def hand_report() -> Report:
    """Task 0 with every file rule passed and, among the model checks,
    one failure (a cause, a fix, the other Keras version's line, student
    text with backticks), one check not run and one remark."""
    report = Report("hand")
    for rule_id, title, _ in RULES:
        report.results.append(CheckResult(0, rule_id, title, 1, "passed"))
    checks = model_checks()
    for index, check in enumerate(checks):
        status, message = "passed", ""
        if index == 2:
            status = "failed"
            message = ("for autoencoder(784, [128, 64], 32) the decoder "
                       "has 1 layer, expected 3\nfound: ```Dense(784)```\n"
                       "cause: the loop over hidden_layers stops early\n"
                       "fix: build one Dense per hidden layer, reversed\n"
                       "under Keras 2 this file scores 20/37: it is "
                       "Keras 2 code")
        elif index == 3:
            status, message = "skipped", "not checked until 'x' passes"
        elif index == 4:
            status, message = "warning", "note: the latent layer is named z"
        report.results.append(CheckResult(0, check.id, check.title,
                                          check.points, status, message))
    report.extra["task_notes"] = {"0": ["graded from the folder hw/"]}
    report.versions = {"python": "3.11.7", "tensorflow": "2.21.0"}
    return report


# ------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The folder the command writes, for task 0."""
    out = tmp_path_factory.mktemp("c50") / "autoencoders"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "classroom50", "--out", str(out),
         "--tasks", "0", "--keras", str(KERAS_MAJOR)], cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "runtime.json" in done.stdout and "Per task file" in done.stdout
    return out


@pytest.fixture(scope="module")
def faulty_run(bundle, tmp_path_factory):
    """The autograder on a git checkout of a faulty submission; also what
    ``python -m grader`` gives that folder (its Gradescope output)."""
    expected = run_grader(FAULTY, [0])  # also fills the reference cache
    work = checkout(FAULTY, tmp_path_factory.mktemp("faulty") / "repo")
    (work / "result.json").write_text('{"score": 999}')  # the student's
    done, output = run_autograder(bundle, work)
    return expected, work, done, output


# ------------------------------------------------------------ the folder

def test_folder_holds_autograder_runtime_and_grader(bundle):
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*")
             if p.is_file()}
    assert {"autograder.py", "requirements.txt", "runtime.json",
            "README.md", "0-vanilla.py", "grader/cli/__init__.py",
            "grader/platforms/classroom50_run.py"} <= names
    assert not any(n.startswith(("tests/", ".venv/", "bench/", ".git"))
                   or "__pycache__" in n for n in names)
    assert not any(p.is_symlink() for p in bundle.rglob("*"))
    assert os.access(bundle / "autograder.py", os.X_OK)
    assert json.loads((bundle / "runtime.json").read_text()) == \
        {"python": "3.11", "apt": ["bubblewrap"]}
    assert (bundle / "requirements.txt").read_text() == \
        (REPO_ROOT / "requirements.txt").read_text()
    text = (bundle / "autograder.py").read_text()
    assert 'TASKS = "0"' in text and 'PYTHON = "3.11"' in text
    assert not re.search(r'"@[A-Z_]+@"', text)
    style = subprocess.run([sys.executable, "-m", "pycodestyle",
                            str(bundle / "autograder.py")],
                           capture_output=True, text=True)
    assert style.returncode == 0, style.stdout
    assert platform.bundle_bytes(bundle) < platform.MAX_BUNDLE_BYTES


def test_time_limits_fit_the_grade_job():
    for tasks in ([0], [0, 1, 2, 3]):
        for workers in (1, 2, 4):
            settings = platform.Settings(Options(tasks=tasks,
                                                 workers=workers))
            settings.check()
            assert (platform.INSTALL_SECONDS + platform.START_SECONDS
                    + settings.rounds() * settings.task_limit()
                    <= settings.budget_seconds())
            assert (platform.BEFORE_SECONDS + settings.budget_seconds()
                    + platform.AFTER_SECONDS) <= 15 * 60
    assert platform.Settings().task_limit() >= 30
    with pytest.raises(ValueError):
        platform.Settings(Options(limits=Limits(300)),
                          fixed_seconds=True).check()


def test_old_github_classroom_command_is_gone():
    assert not (REPO_ROOT / "grader" / "platforms" / "classroom.py").exists()
    done = subprocess.run([sys.executable, "-m", "grader", "--format",
                           "github", "--json", "x.json"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice" in done.stderr


# ------------------------------------------------------------ gradings

def test_faulty_submission_graded_like_gradescope(faulty_run):
    expected, work, done, output = faulty_run
    assert done.returncode == 0, done.stderr
    data = json.loads((work / "result.json").read_text())
    check_result_schema(data)
    for key, name in classroom50.IDENTITY.items():
        assert data[key] == ENV[name]
    assert data["owner"] == "alice"
    ours = [(t["test-name"], t["score"], t["max-score"], t["passed"])
            for t in data["tests"]]
    theirs = [(t["name"], t["score"], t["max_score"],
               t["status"] == "passed")
              for t in gradescope.results(expected)["tests"]]
    assert ours == theirs and 0 < data["score"] < data["max-score"]
    assert data["score"] == expected.score
    body = (work / "release-body.md").read_text()
    assert "compiled with Adam" in body and "SGD" in body
    assert f"{expected.score:g}/{expected.max_score:g}" in body
    assert body in done.stdout  # the job log shows what the Release shows
    lines = output.read_text().splitlines()
    assert lines[0] == "status=failure"
    assert lines[1].startswith("summary=") and len(lines) == 2
    assert f"{expected.score:g}/{expected.max_score:g}" in lines[1]


def test_correct_submission_scores_full_marks(bundle, tmp_path):
    run_grader(CORRECT, [0])  # the reference cache (shared with others)
    work = checkout(CORRECT, tmp_path / "repo")
    done, output = run_autograder(bundle, work)
    assert done.returncode == 0, done.stderr
    data = json.loads((work / "result.json").read_text())
    check_result_schema(data)
    assert data["score"] == data["max-score"] > 0
    assert all(t["passed"] for t in data["tests"])
    assert output.read_text().startswith("status=success\nsummary=")
    assert "all 20 checks passed" in (work / "release-body.md").read_text()


def test_missing_task_files_are_a_graded_zero(bundle, tmp_path):
    run_grader(CORRECT, [0])  # the reference cache
    work = checkout(None, tmp_path / "repo")
    done, output = run_autograder(bundle, work)
    assert done.returncode == 0, done.stderr
    data = json.loads((work / "result.json").read_text())
    check_result_schema(data)
    assert data["score"] == 0 and data["max-score"] > 0
    assert "None of the task files" in (work / "release-body.md").read_text()
    assert output.read_text().startswith("status=failure\n")


# ------------------------------------------------------------ failures

def test_no_grader_importable_is_an_error_not_a_score(bundle, tmp_path):
    broken = tmp_path / "bundle"
    shutil.copytree(bundle, broken)
    shutil.rmtree(broken / "grader")
    work = checkout(None, tmp_path / "repo")
    done, output = run_autograder(broken, work)
    assert done.returncode != 0
    assert "No module named 'grader'" in done.stderr
    assert "cannot grade" in done.stderr
    assert not (work / "result.json").exists() and not output.exists()


def test_sandbox_that_cannot_start_is_an_error(bundle, tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    work = checkout(FAULTY, tmp_path / "repo")
    done, output = run_autograder(bundle, work,
                                  f"{fake}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode != 0
    assert "bubblewrap cannot create its namespaces" in done.stderr
    assert not (work / "result.json").exists() and not output.exists()


def test_wrong_python_names_the_runtime_to_set(tmp_path, monkeypatch):
    monkeypatch.setattr(platform, "PYTHON", "3.99")
    out = write(tmp_path)
    work = checkout(None, tmp_path / "repo")
    done, output = run_autograder(out, work)
    assert done.returncode != 0
    assert "Python 3.99" in done.stderr and "runtime.json" in done.stderr


def test_checks_the_grader_failed_on_give_no_score(tmp_path, monkeypatch):
    report = hand_report()
    report.results[-1].status = "error"
    monkeypatch.setattr(classroom50_run, "grade", lambda *_: report)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    (tmp_path / "result.json").write_text("{}")
    code = classroom50_run.main({
        "checkout": str(tmp_path), "visibility": "visible",
        "grading_args": ["--tasks", "0", "--workers", "1", "--timeout",
                         "30"]})
    assert code == 3
    assert not (tmp_path / "result.json").exists()
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------ the texts

def test_release_body_tells_what_failed_why_and_how_to_fix():
    report = hand_report()
    body = classroom50.release_body(report, TASK_FILES)
    failed = model_checks()[2]
    assert body.startswith(f"### Autoencoders: {report.score:g}/"
                           f"{report.max_score:g} points\n")
    assert f"❌ **{failed.title}** (0/{failed.points:g})" in body
    for words in ("cause: the loop over hidden_layers stops early",
                  "fix: build one Dense per hidden layer, reversed",
                  "under Keras 2 this file scores 20/37",
                  "note: graded from the folder hw/",
                  "not checked until 'x' passes",
                  "note: the latent layer is named z",
                  "python 3.11.7"):
        assert words in body, words
    # the student's ``` stays inside a longer fence, the block inside its
    # list item (every line indented)
    assert "\n  ````text\n" in body and body.count("````") == 2
    assert "\n  cause: the loop" in body and "\n  ````\n" in body
    passed = [c.title for c in model_checks()[5:]]
    assert not any(f"**{title}**" in body for title in passed)


@pytest.mark.parametrize("visibility", ["after_due_date", "hidden"])
def test_hidden_checks_stay_out_and_are_never_all_passed(visibility):
    report = hand_report()
    cross = "under Keras 2 this file scores 37/37: it is Keras 2 code"
    report.extra["task_notes"] = {"0": [cross]}
    body = classroom50.release_body(report, TASK_FILES, visibility)
    line = classroom50.summary(report, visibility)
    for check in model_checks():
        assert check.title not in body
    assert "cause:" not in body and "20/37" not in body
    # the other version's line stays, without the total it would tell
    assert "under Keras 2 this file scores more: it is Keras 2 code" in body
    assert "37/37" not in body
    assert "not shown yet" in body
    assert classroom50.when_shown(visibility) in body
    assert "All checks passed" not in body
    assert f"{report.score:g}/" not in body + line
    assert "not final" in line and len(line) <= 140
    data = classroom50.result(report, ENV, "2026-12-06T09:00:00Z",
                              visibility)
    check_result_schema(data)  # every row counts, shown or not
    assert len(data["tests"]) == len(report.results)
    assert data["score"] == report.score
    assert classroom50.status(report, visibility) == "success"
    visible = classroom50.release_body(report, TASK_FILES, "visible")
    assert model_checks()[2].title in visible


def test_output_lines_stay_one_per_key():
    lines = classroom50.output_lines("failure", "a\nstatus=success\r\nb")
    assert lines.splitlines() == ["status=failure",
                                  "summary=a status=success b"]
    assert len(classroom50.summary(hand_report())) <= 140


def test_fractional_points_are_refused():
    with pytest.raises(ValueError):
        classroom50.whole(0.5, "Task 0: x")
    assert classroom50.whole(3.0, "Task 0: x") == 3


# ------------------------------------------------------------ its steps

def load_autograder(bundle: Path):
    """The generated autograder.py as a module (nothing runs on import)."""
    spec = importlib.util.spec_from_file_location("c50_autograder",
                                                  bundle / "autograder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_read_as_pinned(bundle):
    module = load_autograder(bundle)
    pins = dict(module.pinned())
    assert pins["tensorflow"] == "2.21.0" and pins["dask"] == "2026.8.0"
    assert module.missing() == []  # this environment has them: no pip run


@pytest.mark.parametrize("hosted", [True, False])
def test_namespaces_opened_only_on_a_hosted_runner(bundle, tmp_path,
                                                   monkeypatch, hosted):
    module = load_autograder(bundle)
    switch = tmp_path / "apparmor_restrict_unprivileged_userns"
    switch.write_text("1\n")
    monkeypatch.setattr(module, "USERNS", switch)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sudo").write_text(
        f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> {tmp_path}/calls\n")
    (fake / "sudo").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    if hosted:
        monkeypatch.setenv("RUNNER_ENVIRONMENT", "github-hosted")
    else:
        monkeypatch.delenv("RUNNER_ENVIRONMENT", raising=False)
    module.allow_namespaces()
    calls = tmp_path / "calls"
    if hosted:
        assert calls.read_text().split() == [
            "-n", "sysctl", "-q", "-w",
            "kernel.apparmor_restrict_unprivileged_userns=0"]
    else:  # a teacher's own machine is left as it is
        assert not calls.exists()
