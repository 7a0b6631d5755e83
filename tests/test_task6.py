"""Task 6, the low-level autoencoder: the reference and the correct styles
of tests/corpus/task6/correct/ score full marks; each faulty file of
tests/corpus/task6/faulty/ (written by its generate_faulty.py) fails the
check of its defect with the words of its manifest and passes the rest it
did not touch; the judge's own logic on hand-built measurements.

One folder goes through the whole grading (sandbox, worker, the
reference measured in a sandbox too): the style with
tf.keras.optimizers.Adam, under both Keras versions. The reference file
and the rest of the corpus are measured by the worker's own function in
this process (one TensorFlow start instead of one sandbox per folder: CI's
time) and judged by the engine against the reference's measurements from
that grading, as the pipeline does.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grader.judge import lowlevel_causes
from grader.judge.checks import lowlevel
from grader.judge.file_rules import RULES
from grader.judge.engine import task_results
from grader.options import Limits, Options
from grader.paths import REPO_ROOT
from grader.results import Report
from grader.run.outcome import WorkerOutcome
from grader.tasks import TASKS, parse_tasks
from grading import run_grader

CORPUS = Path(__file__).resolve().parent / "corpus" / "task6"
MANIFEST = json.loads((CORPUS / "faulty" / "manifest.json").read_text())
CORRECT = sorted(p for p in (CORPUS / "correct").iterdir() if p.is_dir())
GRADED = CORPUS / "correct" / "keras_optimizer"  # the whole grading too


@pytest.fixture(scope="module")
def reports():
    """GRADED graded; every other folder (the reference's too) measured
    here and judged against the reference measurements of that grading."""
    from grader.measure.worker import measure  # TensorFlow: only here

    task = TASKS[6]
    found = {GRADED.name: run_grader(GRADED, [6])}
    reference = found[GRADED.name].measurements[6][1]
    folders = [REPO_ROOT] + [p for p in CORRECT if p != GRADED] + [
        CORPUS / "faulty" / name for name in sorted(MANIFEST)]
    for folder in folders:
        result = measure(task, str(folder / task.filename), False)
        report = Report(str(folder))
        report.results = task_results(task, folder,
                                      WorkerOutcome("ok", result),
                                      reference, Limits())
        found["reference" if folder == REPO_ROOT else folder.name] = report
    return found


def not_passed(report) -> list[tuple[str, str]]:
    return [(r.check, r.message) for r in report.results
            if r.status != "passed"]


def test_reference_and_correct_styles_score_full_marks(reports):
    for name in ["reference"] + [p.name for p in CORRECT]:
        report = reports[name]
        assert not_passed(report) == [], name
        assert report.max_score == 26 and not report.grader_errors


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_faulty_file_fails_the_check_for_its_defect(reports, name):
    entry, report = MANIFEST[name], reports[name]
    result = report.find(6, entry["fails"])
    assert result.status == "failed", (result.status, result.message)
    assert entry["words"] in result.message
    assert "\ncause: " in result.message and "\nfix: " in result.message
    for check in entry["passes"]:
        assert report.find(6, check).status == "passed", check
    for rule_id, _, _ in RULES:  # the defect is in the model, not the style
        assert report.find(6, rule_id).status == "passed", rule_id


def test_the_corpus_covers_every_check_of_the_task():
    failing = {entry["fails"] for entry in MANIFEST.values()}
    assert failing == {"lowlevel-variables", "no-keras-layers",
                       "lowlevel-init", "lowlevel-seed", "lowlevel-forward",
                       "lowlevel-train-step"}


def test_task6_is_graded_only_when_asked_for():
    assert 6 not in parse_tasks(None) and parse_tasks("6") == [6]
    assert 6 not in Options().tasks
    assert TASKS[6].signature == ("Autoencoder(input_dims, hidden_dims, "
                                  "latent_dims, seed, learning_rate)")


# The judge's logic on hand-built measurements (no TensorFlow).

def test_initial_statistics_pass_within_standard_errors_only():
    n = 100_352  # the tutorial's first weight: a band of 0.00079 on std
    assert lowlevel.stat_problem({"mean": 0.0003, "std": 0.0504,
                                  "size": n}) is None
    truncated = {"mean": 0.0, "std": 0.044, "size": n}
    assert "standard deviation 0.044" in lowlevel.stat_problem(truncated)
    assert "truncated normal" in lowlevel_causes.init_cause(truncated)
    small = {"mean": 0.01, "std": 0.03, "size": 8}  # a small bias: wide
    assert lowlevel.stat_problem(small) is None


def test_step_causes_name_the_defect_from_the_update():
    rng = np.random.default_rng(0)
    ref = [rng.normal(0, 0.01, (20, 5)), rng.normal(0, 0.01, 5)]
    zero = [np.zeros_like(a) for a in ref]
    assert "unchanged" in lowlevel_causes.step_cause(zero, ref, 0.01, 0)
    tenth = [a / 10 for a in ref]
    assert "about 0.001, not learning_rate (0.01)" in \
        lowlevel_causes.step_cause(tenth, ref, 0.01, 0)
    other = [a + rng.normal(0, 0.01, a.shape) for a in ref]
    assert "not Adam's" in lowlevel_causes.step_cause(other, ref, 0.01, 0)
    assert "second did not" in lowlevel_causes.step_cause(tenth, ref, 0.01,
                                                          1)


def test_loss_and_shape_causes():
    assert "64 times the mean" in lowlevel_causes.loss_cause(6.4, 0.1)
    wanted = [(784, 128), (128,)]
    row = {"is_variable": True, "dtype": "float32"}
    assert "transposed" in lowlevel_causes.variables_cause(
        [(128, 784), (128,)], wanted, [row, row])
    assert "trainable=False" in lowlevel_causes.variables_cause(
        wanted * 2, wanted, [row] * 4)
    assert "dtype float64" in lowlevel_causes.variables_cause(
        wanted, wanted, [row, dict(row, dtype="float64")])


def test_compare_page_shows_the_variables_of_a_module(tmp_path):
    """Task 6 has no Keras layers: the page shows each variable's shape
    and initial statistics under the grading's verdicts (hand-built)."""
    from grader.report.compare_page import write_report
    from grader.results import CheckResult

    def argset(std: float) -> dict:
        shapes = [(784, 128), (128, 64), (64, 128), (128, 784), (128,),
                  (64,), (128,), (784,)]
        return {"variables": [{"shape": list(s)} for s in shapes],
                "stats": [{"mean": 0.0, "std": std, "size": 1}] * 8,
                "roles": list(range(8))}

    report = Report("/tmp/student")
    report.results = [
        CheckResult(6, "lowlevel-variables", "its trainable variables have "
                    "the task's shapes", 2, "passed", ""),
        CheckResult(6, "lowlevel-init", "initial values drawn from "
                    "N(0, 0.05²)", 2, "failed", "standard deviation 1")]
    report.measurements[6] = ({"argsets": [argset(1.0)]},
                              {"argsets": [argset(0.05)]})
    path, summary = write_report(report, tmp_path)
    page = path.read_text()
    assert "<td>encoder_h1</td><td>(784, 128), mean 0, std 1</td>" \
        "<td>(784, 128), mean 0, std 0.05</td>" in page
    assert "Variables of Autoencoder(784, 128, 64, 0, 0.01)" in page
    assert summary[0].splitlines()[-1] == \
        "  variables: passed; init: failed; seed: no check"


def test_a_file_drawing_keras_initial_values_is_measured_alike_each_run():
    """A module that breaks the rules with a Keras layer draws its initial
    values from Keras's global generator: the build sets it, so the
    feedback's numbers are the same on every run."""
    from conftest import load_task
    from grader.measure import lowlevel
    from grader.measure.student import StudentCode

    folder = CORPUS / "faulty" / "keras_dense_layers"
    module = load_task("6-low-level", folder)
    code = StudentCode(module, str(folder / "6-low-level.py"))
    x = np.linspace(0, 1, 3 * 784, dtype="float32").reshape(3, 784)
    encoded = []
    for _ in range(2):
        built, error = lowlevel.build(code, TASKS[6], (784, 128, 64), 1)
        assert error is None
        encoded.append(np.asarray(built.encode(x)))
    np.testing.assert_array_equal(encoded[0], encoded[1])
