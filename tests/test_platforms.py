"""The platforms: Gradescope's zip run as Gradescope runs it,
PrairieLearn's results file (Classroom 50: test_classroom50.py); every
platform gets the points ``python -m grader`` gives."""
from __future__ import annotations

import argparse
import base64
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from grader import cli
from grader.options import Limits, Options, options_from
from grader.paths import REPO_ROOT
from grader.judge.checks import checks_for
from grader.judge.file_rules import RULES
from grader.platforms.gradescope import Settings, build_zip
from grader.platforms.submission import locate
from grader.report import gradescope, prairielearn
from grader.report.text import summary
from grader.results import CheckResult, Report
from grading import CACHE, KERAS_MAJOR, SUBMISSIONS, run_grader

CORPUS = REPO_ROOT / "tests" / "corpus"
CORRECT = CORPUS / "correct" / "sequential"
FAULTY = CORPUS / "faulty" / "vanilla_sgd"
HANG_SECONDS = 15
# Task 0's checks: the file rules (1 point each) and the model checks.
TASK0_CHECKS = len(RULES) + len(checks_for("dense"))
TASK0_POINTS = len(RULES) + sum(c.points for c in checks_for("dense"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The packaging, the scripts and the formats do not depend on the Keras
# version (the grading inside them does, and is tested under both).
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="platform "
                                "packaging is tested in the Keras 3 run")


# ------------------------------------------------------------ helpers

def points(data: dict) -> list[tuple[str, float, float]]:
    """(name, score, max_score) per test of a Gradescope results.json."""
    return [(t["name"], t["score"], t["max_score"]) for t in data["tests"]]


def check_gradescope_schema(data: dict) -> None:
    """Gradescope's results.json (autograder_samples docs/specs.md)."""
    assert isinstance(data, dict)
    assert set(data) <= {"score", "execution_time", "output", "visibility",
                         "stdout_visibility", "extra_data", "tests",
                         "leaderboard"}
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["output"], str) and data["output"].strip()
    assert isinstance(data.get("extra_data", {}), dict)
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status",
                             "output", "visibility"}
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in gradescope.VISIBILITIES
    if data["tests"]:
        assert data["score"] == sum(t["score"] for t in data["tests"])


def unpack(zip_path: Path, root: Path) -> Path:
    """Lays ``zip_path`` out as Gradescope does under ``root``: source/,
    run_autograder copied beside it, the prepared reference cache."""
    source = root / "source"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(source)
        for info in archive.infolist():  # extractall drops the modes
            mode = info.external_attr >> 16 & 0o777
            if mode:
                os.chmod(source / info.filename, mode)
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    # what setup.sh's grading of the reference leaves (same files, same
    # versions: the same cache keys)
    shutil.copytree(CACHE, source / ".grader-cache")
    return root


def run_autograder(root: Path, submission: Path | None,
                   python: str = sys.executable) -> tuple[dict, str]:
    """Runs ``root/run_autograder`` on a copy of ``submission``; returns
    results.json and the script's output."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    if submission is not None:
        shutil.copytree(submission, root / "submission", dirs_exist_ok=True)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               AUTOGRADER_PYTHON=python, AUTOGRADER_USER="")
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = root / "results" / "results.json"
    return json.loads(results.read_text()), done.stdout + done.stderr


# ------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def expected() -> dict[str, Report]:
    """What ``python -m grader`` gives each folder (task 0); also fills
    the reference cache the autograder's copy starts from."""
    return {"correct": run_grader(CORRECT, [0]),
            "faulty": run_grader(FAULTY, [0]),
            "hang": run_grader(SUBMISSIONS / "infinite_loop", [0],
                               seconds=HANG_SECONDS)}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory, expected) -> Path:
    """Gradescope's /autograder, from the zip the CLI builds."""
    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", "--out", str(out),
         "--tasks", "0", "--keras", str(KERAS_MAJOR)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "memory at least" in done.stdout and "GB" in done.stdout
    return unpack(out, tmp_path_factory.mktemp("autograder"))


@pytest.fixture(scope="module")
def hanging_autograder(tmp_path_factory, expected) -> Path:
    """The same, with a short limit per task file."""
    out = tmp_path_factory.mktemp("zip-hang") / "autograder.zip"
    build_zip(out, Settings(Options(tasks=(0,), keras_major=KERAS_MAJOR,
                                    workers=1,
                                    limits=Limits(HANG_SECONDS)),
                            fixed_seconds=True))
    return unpack(out, tmp_path_factory.mktemp("autograder-hang"))


# ------------------------------------------------------------ Gradescope

def test_zip_holds_what_grading_needs_and_nothing_else(autograder):
    source = autograder / "source"
    names = {p.relative_to(source).as_posix() for p in source.rglob("*")
             if p.is_file() and ".grader-cache" not in p.parts}
    assert {"setup.sh", "run_autograder", "requirements.txt",
            "0-vanilla.py", "3-variational.py", "grader/cli/__init__.py",
            "grader/platforms/templates/run_autograder"} <= names
    assert not any(n.startswith(("tests/", ".venv/", "bench/", ".git"))
                   or "__pycache__" in n for n in names)
    for script in ("setup.sh", "run_autograder"):
        assert os.access(source / script, os.X_OK)
        text = (source / script).read_text()
        assert text.startswith("#!/usr/bin/env bash\n")
        assert "@" not in "".join(line for line in text.splitlines()
                                  if line.startswith(("TASKS", "KERAS")))
    assert 'TASKS="0"' in (source / "run_autograder").read_text()
    assert (source / "requirements.txt").read_text() == \
        (REPO_ROOT / "requirements.txt").read_text()


@pytest.mark.parametrize("script", ["setup.sh", "run_autograder"])
def test_scripts_pass_bash_n_and_shellcheck(autograder, script):
    path = autograder / "source" / script
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    done = subprocess.run(["shellcheck", "-s", "bash", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_setup_installs_python_311_beside_the_system_python(autograder):
    text = (autograder / "source" / "setup.sh").read_text()
    assert "python3.11 python3.11-venv" in text
    assert "python3.11 -m venv" in text
    assert "-r \"$SOURCE/requirements.txt\"" in text
    assert "bubblewrap" in text
    assert "python3 -m pip" not in text  # the harness's python stays as is


@pytest.mark.parametrize("folder", ["correct", "faulty"])
def test_run_autograder_gives_the_graders_points(autograder, expected,
                                                 folder):
    source = CORRECT if folder == "correct" else FAULTY
    data, output = run_autograder(autograder, source)
    check_gradescope_schema(data)
    report = expected[folder]
    assert points(data) == points(gradescope.results(report))
    assert data["score"] == report.score
    if folder == "correct":
        assert data["score"] == report.max_score == TASK0_POINTS
        assert "All checks passed." in data["output"]
    else:
        failed = [t for t in data["tests"] if t["status"] == "failed"]
        assert failed[0]["name"] == "Task 0: compiled with Adam"
        assert "compiled with SGD" in failed[0]["output"]
        assert 0 < data["score"] < TASK0_POINTS
    assert "Score:" in output  # the text report goes to stdout


def test_run_autograder_on_an_empty_submission(autograder):
    data, _ = run_autograder(autograder, None)
    check_gradescope_schema(data)
    assert data["score"] == 0 and len(data["tests"]) == TASK0_CHECKS
    assert "None of the task files (0-vanilla.py) was found" in \
        data["output"]


def test_run_autograder_finds_files_in_an_extra_folder(autograder,
                                                       expected, tmp_path):
    upload = tmp_path / "upload"
    shutil.copytree(CORRECT, upload / "my-homework")
    (upload / "__MACOSX").mkdir()
    (upload / "__MACOSX" / "0-vanilla.py").write_text("junk\n")
    data, _ = run_autograder(autograder, upload)
    check_gradescope_schema(data)
    assert points(data) == points(gradescope.results(expected["correct"]))
    assert "found in the folder my-homework/" in data["output"]


def test_a_hang_costs_its_task_not_the_submission(hanging_autograder,
                                                  expected):
    data, _ = run_autograder(hanging_autograder,
                             SUBMISSIONS / "infinite_loop")
    check_gradescope_schema(data)
    report = expected["hang"]
    assert points(data) == points(gradescope.results(report))
    loads = next(t for t in data["tests"]
                 if t["name"] == "Task 0: file loads and defines autoencoder")
    assert f"did not finish within {HANG_SECONDS} s" in loads["output"]
    assert data["score"] > 0  # the file rules still count


@pytest.mark.parametrize("python", ["/nonexistent/python", "false"])
def test_a_broken_grader_still_writes_a_results_file(autograder, python):
    data, _ = run_autograder(autograder, CORRECT, python=python)
    check_gradescope_schema(data)
    assert data["score"] == 0 and data["tests"] == []
    assert "tell your instructors" in data["output"]


def test_visibility_hides_model_checks_and_never_says_all_passed(expected):
    report = expected["correct"]
    data = gradescope.results(report, "after_due_date")
    check_gradescope_schema(data)
    seen = {t["name"]: t["visibility"] for t in data["tests"]}
    assert seen["Task 0: pycodestyle clean"] == "visible"
    assert seen["Task 0: compiled with Adam"] == "after_due_date"
    assert "all passed" not in data["output"].lower()
    assert "after the due date" in data["output"]
    assert "All checks passed." in gradescope.results(report)["output"]


def test_summary_counts_only_what_is_shown():
    report = Report("x", [CheckResult(0, "shebang", "s", 1, "passed"),
                          CheckResult(0, "optimizer", "o", 2, "failed")])
    assert summary(report) == "1 of the 2 checks failed."
    hidden = summary(report, {"0::optimizer"}, "after the due date")
    assert hidden.startswith("1 of the 1 checks shown passed; 1 more")
    assert "all" not in hidden.lower()


def test_search_subfolders_prefers_the_most_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "0-vanilla.py").write_text("")
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("0-vanilla.py", "1-sparse.py"):
        (tmp_path / "b" / "c" / name).write_text("")
    folder, notes = locate(tmp_path, [0, 1, 2])
    assert folder == tmp_path / "b" / "c"
    assert "b/c/" in notes[0] and "2-convolutional.py" in notes[1]
    assert locate(tmp_path / "a", [0]) == (tmp_path / "a", [])


def test_per_task_limit_fits_the_platform_timeout():
    for tasks in ([0], [0, 1, 2, 3]):
        for workers in (1, 2):
            for minutes in (10, 40):
                for keras, per_task in (("info", 2), ("best", 4)):
                    settings = Settings(Options(tasks=tasks,
                                                workers=workers,
                                                other_keras=keras),
                                        platform_minutes=minutes)
                    settings.check()
                    jobs = -(-per_task * len(tasks) // workers)
                    assert 90 + jobs * settings.task_limit() <= \
                        settings.grading_seconds() < minutes * 60
    with pytest.raises(ValueError):  # 8 x 300 s > 10 min
        Settings(Options(limits=Limits(300)), fixed_seconds=True).check()
    with pytest.raises(ValueError):
        Settings(platform_minutes=60).check()


def test_the_zip_grades_with_the_options_it_was_built_with(tmp_path):
    """Every grading option given to ``python -m grader gradescope``
    reaches the zip's grading command (and its reference measurement)."""
    out = tmp_path / "autograder.zip"
    argv = ["--tasks", "0,3", "--keras", "best", "--memory", "4096",
            "--workers", "2", "--no-fork-server", "--sandbox", "bwrap"]
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", "--out", str(out),
         "--platform-timeout", "40", *argv],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    wanted = options_from(parser.parse_args(argv))
    for script in ("run_autograder", "setup.sh"):
        with zipfile.ZipFile(out) as archive:
            text = archive.read(script).decode()
        line = next(line for line in text.splitlines()
                    if line.startswith("GRADING_ARGS=("))
        given = options_from(parser.parse_args(
            shlex.split(line[len("GRADING_ARGS=("):-1])))
        assert given == replace(wanted, limits=replace(
            wanted.limits, seconds=given.limits.seconds)), script
        # 4 jobs per task (both Keras versions, student and reference)
        assert given.limits.seconds == (40 * 60 - 30 - 90) // 4


# ------------------------------------------------------------ PrairieLearn

ENTRYPOINT = REPO_ROOT / "grader" / "platforms" / "templates" / \
    "prairielearn.sh"


def test_prairielearn_entrypoint_passes_bash_n_and_shellcheck():
    assert subprocess.run(["bash", "-n", str(ENTRYPOINT)]).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    done = subprocess.run(["shellcheck", str(ENTRYPOINT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_prairielearn_results_file(tmp_path, expected):
    """The image's entry point on /grade laid out as PrairieLearn does."""
    root = tmp_path / "grade"
    shutil.copytree(FAULTY, root / "student")
    (root / "tests").mkdir()
    (root / "tests" / "tasks").write_text("0\n")
    (root / "tests" / "timeout").write_text("300\n")
    done = subprocess.run(
        ["bash", str(ENTRYPOINT)], cwd=tmp_path, capture_output=True,
        text=True, timeout=600,
        env=dict(os.environ, PRAIRIELEARN_ROOT=str(root),
                 GRADER_HOME=str(REPO_ROOT), GRADER_CACHE_DIR=str(CACHE),
                 GRADER_PYTHON=sys.executable))
    assert done.returncode == 0, done.stderr
    assert "270 s per task file" in done.stdout  # (300 - 30) / 1 task
    out = root / "results" / "results.json"
    assert out.stat().st_size < prairielearn.MAX_BYTES
    data = json.loads(out.read_text())
    report = expected["faulty"]
    assert data["gradable"] is True
    assert 0 <= data["score"] <= 1
    assert data["score"] == pytest.approx(report.score / report.max_score)
    assert [(t["points"], t["max_points"]) for t in data["tests"]] == \
        [(r.points, r.max_points) for r in report.results]
    for test in data["tests"]:
        assert {"name", "points", "max_points", "message", "output"} <= \
            set(test)
    assert len(data["images"]) == 1
    for image in data["images"]:
        prefix = "data:image/png;base64,"
        assert image["url"].startswith(prefix) and image["label"]
        png = base64.b64decode(image["url"][len(prefix):], validate=True)
        assert png.startswith(PNG_MAGIC)
        with Image.open(io.BytesIO(png)) as picture:
            picture.verify()


def test_prairielearn_dockerfile_copies_what_exists():
    dockerfile = ENTRYPOINT.with_name("prairielearn.Dockerfile")
    copied = [line.split()[1:-1] for line in
              dockerfile.read_text().splitlines()
              if line.startswith("COPY ")]
    assert ["grader"] in copied
    for sources in copied:
        for source in sources:
            assert (REPO_ROOT / source).exists(), source
    assert "prairielearn.sh" in dockerfile.read_text()


def test_prairielearn_entrypoint_without_a_grader(tmp_path):
    root = tmp_path / "grade"
    (root / "student").mkdir(parents=True)
    done = subprocess.run(
        ["bash", str(ENTRYPOINT), "0"], cwd=tmp_path, capture_output=True,
        text=True, timeout=60,
        env=dict(os.environ, PRAIRIELEARN_ROOT=str(root),
                 GRADER_HOME=str(tmp_path), GRADER_PYTHON="false"))
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["gradable"] is False and "not counted" in data["message"]


def test_prairielearn_stays_under_1_mb_without_changing_points():
    results = [CheckResult(0, f"c{i}", "t", 1, "failed", "x" * 50_000)
               for i in range(30)]
    report = Report("x", results)
    image = {"label": "big", "url": "data:image/png;base64," + "A" * 400_000}
    data = prairielearn.results(report, [image, dict(image)])
    assert len(json.dumps(data).encode()) < prairielearn.MAX_BYTES
    assert data["images"] == [] and data["score"] == 0
    assert [t["max_points"] for t in data["tests"]] == [1] * 30
    failure = prairielearn.failure("the grader failed")
    assert failure["gradable"] is False and failure["message"]
