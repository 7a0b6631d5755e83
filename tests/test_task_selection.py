"""Which tasks are graded: the course's four by default, a "Going further"
task too where the folder holds its file, exactly ``--tasks`` when given;
every path (the CLI's options, a single grading, the pytest plugin, a
batch on this machine and on Dask, the platforms' scripts) honours it. No
TensorFlow: the gradings are replaced by recorders."""
from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

import pytest

import fake_dask
from grader import cli, pipeline, pytest_plugin
from grader.batch import jobs
from grader.cli.platforms import assignment_options
from grader.options import (GRADING_FLAGS, Options, grading_argv,
                            options_from)
from grader.platforms import classroom50, gradescope
from grader.results import CheckResult, Report
from grader.tasks import COURSE_TASKS, GOING_FURTHER, TASKS, parse_tasks
from grading import KERAS_MAJOR

pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="no Keras here: "
                                "tested in the Keras 3 run")


def flags(argv: list[str]) -> dict:
    """The CLI's grading flags' values for ``argv``."""
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    return vars(parser.parse_args(argv))


def parsed(argv: list[str]) -> Options:
    """The options the CLI's grading flags give for ``argv``."""
    return options_from(flags(argv))


def folder_with(tmp_path: Path, numbers: tuple[int, ...]) -> Path:
    """A folder holding the task files of ``numbers``."""
    folder = tmp_path / "alice"
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / TASKS[n].filename).write_text("x = 1\n")
    return folder


def test_parse_tasks_takes_every_task_and_all():
    assert COURSE_TASKS == (0, 1, 2, 3) and 4 in GOING_FURTHER
    assert parse_tasks(None) == parse_tasks("") == [0, 1, 2, 3]
    assert parse_tasks("4,0") == [0, 4]
    assert parse_tasks("all") == sorted(TASKS)
    with pytest.raises(ValueError, match="choose from 0, 1, 2, 3, 4"):
        parse_tasks("9")


def test_default_is_the_course_and_what_the_folder_holds(tmp_path):
    default = parsed([])
    course = folder_with(tmp_path / "a", (0, 1))
    further = folder_with(tmp_path / "b", (0, 4))
    assert default.tasks_for(course) == (0, 1, 2, 3)
    assert default.tasks_for(further) == (0, 1, 2, 3, 4)
    assert parsed(["--tasks", "0,1"]).tasks_for(further) == (0, 1)
    assert parsed(["--tasks", "4"]).tasks_for(course) == (4,)
    assert parsed(["--tasks", "all"]).tasks_for(course) == tuple(TASKS)
    # Built in code, Options grades exactly its tasks.
    assert Options(tasks=(0,)).tasks_for(further) == (0,)
    assert Options().tasks_for(further) == (0, 1, 2, 3)


def test_a_platform_script_keeps_the_selection():
    default = parsed([])
    assert "--tasks" not in grading_argv(default)
    assert parsed(grading_argv(default)) == default
    chosen = parsed(["--tasks", "0,4"])
    assert grading_argv(chosen)[:2] == ["--tasks", "0,4"]
    assert parsed(grading_argv(chosen)) == chosen
    with pytest.raises(ValueError):  # no flags say "0, and 4 if present"
        grading_argv(Options(tasks=(0,), if_present=(4,)))
    words = default.tasks_words()
    assert words.startswith("0,1,2,3 (and 4") and "where present" in words
    # A platform's assignment built without --tasks grades the course's
    # four exactly, and its time budget is theirs alone; with --tasks,
    # exactly those.
    course = assignment_options(flags([]))
    assert (course.tasks, course.if_present) == (COURSE_TASKS, ())
    assert grading_argv(course)[:2] == ["--tasks", "0,1,2,3"]
    most = len(COURSE_TASKS)
    assert gradescope.Settings(options=course).rounds() == -(-2 * most // 2)
    assert classroom50.Settings(options=course).rounds() == \
        -(-2 * most // 2)
    asked = assignment_options(flags(["--tasks", "0,4"]))
    assert (asked.tasks, asked.if_present) == ((0, 4), ())


def test_a_platform_assignment_keeps_nothing_warm():
    """A platform's container grades once: nothing of the grader may
    outlive its run, whatever the instructor's own default."""
    for argv in ([], ["--keep-warm", "300"]):
        options = assignment_options(flags(argv))
        assert options.keep_warm == 0
        args = grading_argv(options)
        assert args[args.index("--keep-warm") + 1] == "0"


class Stop(Exception):
    """Ends a recorded grading once its tasks are known."""


def test_a_single_grading_measures_the_selected_tasks(monkeypatch,
                                                      tmp_path):
    seen: dict[str, list[int]] = {}

    def reference(tasks, *args, **kwargs):
        seen["reference"] = [t.number for t in tasks]
        return {}

    def run_tasks(folder, tasks, *args, **kwargs):
        seen["student"] = [t.number for t in tasks]
        raise Stop

    monkeypatch.setattr(pipeline, "check_data", lambda: None)
    monkeypatch.setattr(pipeline, "reference_results", reference)
    monkeypatch.setattr(pipeline, "run_tasks", run_tasks)
    folder = folder_with(tmp_path, (0, 4))
    for options, graded, present in (
            (parsed(["--sandbox", "none"]), [0, 1, 2, 3, 4], [0, 4]),
            (parsed(["--sandbox", "none", "--tasks", "0"]), [0], [0])):
        with pytest.raises(Stop):
            pipeline.grade(folder, options)
        assert seen == {"reference": graded, "student": present}


def test_the_plugin_keeps_the_tests_of_the_graded_tasks(tmp_path):
    folder = folder_with(tmp_path, (0, 4))
    items = [SimpleNamespace(callspec=SimpleNamespace(params={"task": n}))
             for n in TASKS]
    dropped: list = []

    def deselect(items: list) -> None:
        dropped.extend(items)

    for argv, kept in (([], [0, 1, 2, 3, 4]), (["--tasks", "4"], [4])):
        args = vars(parsed_namespace(argv))
        values = {pytest_plugin.dest(flags[0]):
                  args[flags[0].lstrip("-").replace("-", "_")]
                  for flags, _ in GRADING_FLAGS}
        values["--submission"] = str(folder)
        dropped.clear()
        config = SimpleNamespace(
            getoption=values.__getitem__,
            hook=SimpleNamespace(pytest_deselected=deselect))
        chosen = list(items)
        pytest_plugin.pytest_collection_modifyitems(config, chosen)
        assert [i.callspec.params["task"] for i in chosen] == kept
        assert len(dropped) == len(TASKS) - len(kept)


def parsed_namespace(argv: list[str]) -> argparse.Namespace:
    """The CLI's parsed grading flags (argparse's names)."""
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize("scheduler", (None, "tcp://127.0.0.1:9"))
def test_a_batch_grades_and_tabulates_the_going_further_tasks(
        monkeypatch, tmp_path, scheduler):
    seen: list[tuple[int, ...]] = []

    def fake_grade(folder, options, pool=None):
        tasks = options.tasks_for(folder)  # the job's copy of the folder
        seen.append(tasks)
        return Report(str(folder), [CheckResult(n, "loads", "file loads",
                                                2, "passed")
                                    for n in tasks])

    monkeypatch.setattr(jobs, "grade", fake_grade)
    monkeypatch.setattr(jobs, "reference_results", lambda *a, **k: {})
    fake_dask.install(monkeypatch)
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    folder_with(tmp_path / "class" / "a", (0, 4))
    (tmp_path / "class" / "a" / "alice").rename(tmp_path / "class" / "ann")
    folder_with(tmp_path / "class" / "b", (0,))
    (tmp_path / "class" / "b" / "alice").rename(tmp_path / "class" / "bob")
    for extra in ("a", "b"):
        (tmp_path / "class" / extra).rmdir()
    out = tmp_path / "grades.csv"
    command = ["batch", str(tmp_path / "class"), "--out", str(out)]
    if scheduler:
        command += ["--scheduler", scheduler]
    assert cli.main(command) == 0
    assert sorted(seen) == [(0, 1, 2, 3), (0, 1, 2, 3, 4)]
    header, *rows = out.read_text().splitlines()
    assert header.startswith("student,task0,task1,task2,task3,task4,")
    ann = next(r for r in rows if r.startswith("ann,")).split(",")
    bob = next(r for r in rows if r.startswith("bob,")).split(",")
    assert ann[5] == "2" and bob[5] == ""  # bob's task 4: not graded


def test_every_kind_has_its_place_in_the_order_workers_take_tasks():
    from grader.tasks import ALL_KINDS, LONGEST_FIRST

    assert sorted(LONGEST_FIRST) == sorted(ALL_KINDS)
