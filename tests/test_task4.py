"""Task 4, the denoising autoencoder: a correct solution in another style
(Sequential models, noise drawn with Keras) and the reference score full
marks; each faulty add_noise (tests/corpus/task4/faulty/, one defect per
folder) fails the check for its defect with the words that name it and
passes the add_noise checks it did not touch; NumPy styles of add_noise
pass.

One real grading (the Sequential folder, which measures the reference
too); the faulty and correct add_noise files are measured in this process
by the worker's own code (:func:`grader.measure.denoising.measure_noise`)
and judged by the engine beside that grading's model measurements: their
models are the reference's, only add_noise differs.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import load_task
from grader.judge.engine import evaluate
from grader.judge.evidence import Evidence
from grader.measure.denoising import measure_noise
from grader.measure.student import StudentCode
from grader.report import gradescope, prairielearn
from grader.report.compare_page import write_report
from grader.report.text import render
from grader.results import passing
from grader.tasks import TASKS
from grading import run_grader

TASK = TASKS[4]
CORPUS = Path(__file__).resolve().parent / "corpus" / "task4"
MANIFEST = json.loads((CORPUS / "faulty" / "manifest.json").read_text())
STYLES = CORPUS / "correct"
GRADED_STYLE = STYLES / "sequential_keras_noise"
# Checks a defect of add_noise keeps from running (seeded training
# trains on the student's own noisy images).
TRAINING_NEEDS = {"add-noise", "noise-input-kept", "noise-mean",
                  "noise-scale", "noise-clipping"}


@pytest.fixture(scope="module")
def graded():
    """The one real grading: the Sequential style, task 4 only."""
    return run_grader(GRADED_STYLE, [4], seconds=300)  # a loaded machine


def judged(graded, folder: Path) -> dict:
    """The verdicts on ``folder``'s add_noise (measured here) beside the
    graded style's model measurements."""
    student, reference = graded.measurements[4]
    module = load_task(TASK.stem, folder)
    code = StudentCode(module, str(folder / TASK.filename))
    measured = dict(student, noise=measure_noise(code))
    evidence = Evidence(TASK, measured, reference)
    return {check.id: verdict for check, verdict in evaluate(TASK,
                                                             evidence)}


def test_a_correct_style_scores_full_marks_and_renders(graded, tmp_path):
    not_passed = [(r.name, r.message) for r in graded.results
                  if r.status != "passed"]
    assert not_passed == []
    checks = {r.check for r in graded.results}
    assert {"add-noise", "noise-seed", "encoder-layers",
            "seeded-training"} <= checks
    # every output format and the compare page take the task
    assert "4-denoising.py" in render(graded, {4: TASK.filename})
    assert gradescope.results(graded)["score"] == graded.max_score
    assert prairielearn.results(graded, [], [])["score"] == 1.0
    page, _ = write_report(graded, tmp_path)
    assert "4-denoising.py" in page.read_text()


def test_the_reference_scores_full_marks(graded):
    """The reference's measurements judged as a student's: a grading of
    the reference's folder measures the same file the same way."""
    _, reference = graded.measurements[4]
    verdicts = evaluate(TASK, Evidence(TASK, reference, reference))
    assert [(c.id, v.message) for c, v in verdicts
            if v.status != "passed"] == []


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_faulty_add_noise_fails_the_check_for_its_defect(graded, name):
    entry = MANIFEST[name]
    verdicts = judged(graded, CORPUS / "faulty" / name)
    failed = verdicts[entry["fails"]]
    assert failed.status == "failed", (failed.status, failed.message)
    assert entry["words"] in failed.message, failed.message
    for check in entry["passes"]:
        assert verdicts[check].status == "passed", (check,
                                                    verdicts[check])
    for check in ("encoder-layers", "forward-pass", "training-step"):
        assert verdicts[check].status == "passed", check  # the model's
    if any(not passing(verdicts[c].status) for c in TRAINING_NEEDS):
        assert verdicts["seeded-training"].status == "skipped"


@pytest.mark.parametrize("style", ["numpy_global_seed",
                                   "rng_normal_in_place_copy"])
def test_numpy_styles_of_add_noise_pass(graded, style):
    verdicts = judged(graded, STYLES / style)
    assert {c: v.message for c, v in verdicts.items()
            if c != "seeded-training" and v.status != "passed"} == {}
