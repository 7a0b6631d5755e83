"""The pytest plugin (``pytest grader --submission DIR``) and the CLI take
the same grading options, map them the same way, and ``--tasks``
deselects the other tasks' tests."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli
from grader.options import GRADING_FLAGS, options_from
from grader.paths import REPO_ROOT
from grader.pytest_plugin import RENAMED, dest, grading_values
from grader.run.reference import ReferenceUnavailable
from grader.tasks import TASKS


def collect(*args: str) -> subprocess.CompletedProcess:
    """``pytest grader --collect-only`` (collecting grades nothing)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "grader", "--collect-only", "-q",
         "-p", "no:cacheprovider", *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_tasks_deselects_the_other_tasks_tests():
    every = collect()
    assert every.returncode == 0, every.stdout + every.stderr
    run = collect("--tasks", "0,3")
    assert run.returncode == 0, run.stdout + run.stderr
    ids = [line for line in run.stdout.splitlines() if "::" in line]
    stems = {TASKS[n].stem for n in (0, 3)}
    assert ids and all(any(f"[{s}::" in i for s in stems) for i in ids)
    total = len([line for line in every.stdout.splitlines()
                 if "::" in line])
    deselected = re.search(r"(\d+) deselected", run.stdout)
    assert deselected and int(deselected.group(1)) == total - len(ids)
    assert "skipped" not in run.stdout


def test_the_plugin_accepts_every_grading_option_of_the_cli():
    run = collect("--keras", "2", "--no-other-keras", "--grader-timeout",
                  "30", "--memory", "4096", "--no-cache", "--workers", "1",
                  "--sandbox", "auto", "--no-fork-server", "--tasks", "1")
    assert run.returncode == 0, run.stdout + run.stderr


class FakeConfig:
    """Just what ``grading_values`` reads of a pytest config."""

    def __init__(self, values: dict):
        self.values = values

    def getoption(self, name: str):
        return self.values[name]


@pytest.mark.parametrize("argv", [
    [], ["--tasks", "0,2", "--keras", "2", "--timeout", "30"],
    ["--keras", "best", "--workers", "1", "--no-cache", "--memory", "512"],
    ["--no-other-keras", "--no-fork-server", "--sandbox", "none"]])
def test_plugin_and_cli_map_options_the_same_way(argv):
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    args = vars(parser.parse_args(argv))
    # The plugin's names for the same values, as pytest would store them.
    plugin = FakeConfig({dest(flags[0]): args[flags[0].lstrip("-")
                                              .replace("-", "_")]
                         for flags, _ in GRADING_FLAGS})
    assert options_from(grading_values(plugin)) == options_from(args)
    assert set(RENAMED) <= {f for flags, _ in GRADING_FLAGS for f in flags}


def test_compare_says_the_reference_failed_and_exits_3(
        monkeypatch, capsys, tmp_path: Path):
    def fails(folder, options):
        raise ReferenceUnavailable("measuring the reference 0-vanilla.py "
                                   "failed (timeout)")
    monkeypatch.setattr(cli, "grade", fails)
    assert cli.main(["compare", str(tmp_path), "--tasks", "0",
                     "--out", str(tmp_path / "page")]) == 3
    err = capsys.readouterr().err
    assert "grader error: measuring the reference" in err
    assert "Traceback" not in err
    assert not (tmp_path / "page").exists()
