"""One options object: every grading option of the CLI's table reaches a
batch job unchanged, on this machine and through a Dask job's pickling;
the batch's version digest is computed from that object and changes with
every option that can change a verdict; a platform's script gets the same
options back as flags. No TensorFlow: the grading itself is replaced by a
recorder."""
from __future__ import annotations

import argparse
import pickle
from dataclasses import fields, replace
from pathlib import Path

import cloudpickle
import pytest

import fake_dask
from grader import cli
from grader.batch import jobs
from grader.batch.version import NOT_IN_DIGEST, grader_version
from grader.options import (GRADING_FLAGS, Limits, Options, grading_argv,
                            options_from)
from grader.results import CheckResult, Report
from grading import KERAS_MAJOR

# Nothing here runs Keras: once, in the Keras 3 run, is enough.
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="no Keras here: "
                                "tested in the Keras 3 run")

# A value other than the default for every flag of GRADING_FLAGS (a flag
# added to the table without one here fails the first test).
NOT_DEFAULT = {
    "--tasks": ["--tasks", "1,3"],
    "--keras": ["--keras", "best"],
    "--no-other-keras": ["--no-other-keras"],
    "--timeout": ["--timeout", "37.5"],
    "--memory": ["--memory", "3072"],
    "--no-cache": ["--no-cache"],
    "--workers": ["--workers", "3"],
    "--sandbox": ["--sandbox", "none"],
    "--no-fork-server": ["--no-fork-server"],
    "--keep-warm": ["--keep-warm", "30"],  # the tests' default is 0
}
EXTRA = {"--keras": [["--keras", "2"]]}  # the other non-default values
SCHEDULERS = (None, "tcp://127.0.0.1:9")  # local, and Dask (faked)


def parsed(argv: list[str]) -> Options:
    """The options the CLI's grading flags give for ``argv``."""
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    return options_from(parser.parse_args(argv))


def every_argv() -> list[list[str]]:
    return [argv for flags, _ in GRADING_FLAGS
            for argv in [NOT_DEFAULT[flags[0]]] + EXTRA.get(flags[0], [])]


def test_every_flag_has_a_value_that_changes_the_options():
    assert set(NOT_DEFAULT) == {flags[0] for flags, _ in GRADING_FLAGS}
    for argv in every_argv():
        assert parsed(argv) != parsed([]), argv


@pytest.fixture
def recorder(monkeypatch, tmp_path):
    """Replaces the grading (and the reference) with a recorder of the
    options each job got; a class of one folder."""
    seen: list[Options] = []

    def fake_grade(folder, options, pool=None):
        seen.append(options)
        return Report(str(folder), [CheckResult(n, "loads", "file loads",
                                                2, "passed")
                                    for n in options.tasks])

    monkeypatch.setattr(jobs, "grade", fake_grade)
    monkeypatch.setattr(jobs, "reference_results", lambda *a, **k: {})
    fake_dask.install(monkeypatch)
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "0-vanilla.py").write_text("x = 1\n")
    return seen, tmp_path


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_every_grading_option_reaches_the_batch_job_unchanged(
        recorder, scheduler):
    seen, tmp = recorder
    for number, argv in enumerate(every_argv()):
        out = tmp / f"run{number}" / "grades.csv"
        command = ["batch", str(tmp / "class"), "--out", str(out), *argv]
        if scheduler:
            command += ["--scheduler", scheduler]
        seen.clear()
        assert cli.main(command) == 0, argv
        assert seen == [parsed(argv)], argv
        row = out.read_text().splitlines()[1]
        assert row.startswith("alice,") and ",graded," in row


def test_dask_job_carries_the_whole_options_object():
    options = Options(tasks=(2,), keras_major=2, other_keras="off",
                      limits=Limits(12.5, 999, 7, 3, 11, 64), cache=False,
                      cache_dir=Path("/nowhere"), workers=5,
                      fork_server=False, sandbox="none", guard=False,
                      pictures=True)
    assert pickle.loads(cloudpickle.dumps(options)) == options
    assert len({options, pickle.loads(pickle.dumps(options))}) == 1


def test_the_cache_folder_is_resolved_on_the_machine_that_grades(
        monkeypatch, tmp_path):
    options = Options()
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "here"))
    assert options.cache_folder() == tmp_path / "here"
    travelled = pickle.loads(cloudpickle.dumps(options))
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "there"))
    assert travelled.cache_folder() == tmp_path / "there"
    assert replace(options, cache=False).cache_folder() is None


# A changed value for every field of Options and of its Limits.
CHANGED = {"tasks": (0,), "if_present": (4,), "keras_major": 2,
           "other_keras": "best",
           "cache": False, "cache_dir": Path("/elsewhere"), "workers": 7,
           "fork_server": False, "keep_warm": 30.0, "sandbox": "none",
           "guard": False, "pictures": True}


def test_the_digest_changes_with_every_option_that_can_change_a_verdict():
    base = Options()
    version = grader_version(base)
    limits = [replace(base, limits=replace(base.limits,
                                           **{f.name: getattr(base.limits,
                                                              f.name) + 1}))
              for f in fields(Limits)]
    assert set(CHANGED) == {f.name for f in fields(Options)} - {"limits"}
    assert set(NOT_IN_DIGEST) < set(CHANGED)
    for name, value in CHANGED.items():
        changed = grader_version(replace(base, **{name: value}))
        assert (changed == version) == (name in NOT_IN_DIGEST), name
    assert version not in {grader_version(o) for o in limits}
    # --keras best and --no-other-keras (dropped by the batch before).
    assert grader_version(parsed(["--keras", "best"])) != version
    assert grader_version(parsed(["--no-other-keras"])) != version


def test_a_platform_script_gets_the_same_options_back_as_flags():
    for argv in every_argv() + [[]]:
        options = parsed(argv)
        assert parsed(grading_argv(options)) == options, argv
    with pytest.raises(ValueError):
        grading_argv(Options(guard=False))
    with pytest.raises(ValueError):
        grading_argv(Options(keras_major=2, other_keras="best"))
