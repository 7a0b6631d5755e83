"""Tampering is reported, not just ignored: a file with correct models that
replaces what the grading relies on keeps its model marks and fails the
integrity check, which names what it replaced."""
from __future__ import annotations

import pytest

from grader.paths import REPO_ROOT
from grader.judge.file_rules import RULES
from grading import SUBMISSIONS, run_grader

MODEL_CHECKS = ("loads", "returns", "encoder-layers", "decoder-layers",
                "activations", "forward-pass", "loss", "training-step",
                "seeded-training")


@pytest.mark.parametrize(("folder", "named"), [
    ("tamper_numpy_correct", ["numpy.allclose", "numpy.isclose",
                              "numpy.testing.assert_allclose"]),
    ("tamper_unittest", ["unittest.case.TestCase.assertEqual"]),
    ("tamper_keras_layer", ["Dense.get_config"]),
])
def test_tampering_is_named_and_changes_no_other_verdict(folder, named):
    report = run_grader(SUBMISSIONS / folder, [0])
    for check in MODEL_CHECKS:
        assert report.find(0, check).status == "passed", check
    result = report.find(0, "integrity")
    assert result.status == "failed"
    assert "replaced or wrapped functions the grading uses" in \
        result.message
    for name in named:
        assert name in result.message or any(
            name in item for item in
            report.extra["integrity"]["0-vanilla.py"]["replaced"]), name
    failed = {r.check for r in report.results if r.status != "passed"}
    assert failed - {rule_id for rule_id, _, _ in RULES} == {"integrity"}


def test_refused_actions_are_named_in_the_integrity_check():
    report = run_grader(SUBMISSIONS / "writes_outside", [0])
    result = report.find(0, "integrity")
    assert result.status == "failed"
    assert "write ../results.json" in result.message
    assert report.extra["integrity"]["0-vanilla.py"]["refused"] == [
        "write ../results.json"]


def test_the_reference_keeps_to_building_models():
    report = run_grader(REPO_ROOT, [0, 1, 2, 3])
    assert {r.status for r in report.results
            if r.check == "integrity"} == {"passed"}
    assert "integrity" not in report.extra


def vae_argset(head_layers: dict) -> dict:
    """One VAE argument set as a worker reports it: the encoder's traced
    calls (hidden, mean, log variance, sampling), its outputs' digests and
    the heads the worker says it used."""
    rows = [{"id": 1, "weights": [[4, 8], [8]], "output_keys": ["h"]},
            {"id": 2, "weights": [[8, 2], [2]], "output_keys": ["m"]},
            {"id": 3, "weights": [[8, 2], [2]], "output_keys": ["v"]},
            {"id": 4, "weights": [], "output_keys": ["z"]}]
    return {"layers": {"encoder": rows},
            "flow": {"encoder": {"outputs": ["z", "m", "v"]}},
            "head_layers": head_layers}


def test_heads_the_measurements_contradict_stop_the_model_checks():
    from grader.judge import heads
    from grader.judge.engine import task_results
    from grader.options import Limits
    from grader.run.outcome import WorkerOutcome
    from grader.tasks import TASKS

    honest = {"argsets": [vae_argset({"mean": 1, "log_var": 2})]}
    assert heads.disagreements(honest) == []
    variables = {"encoder": [1, 2], "decoder": [3], "auto": [1, 2, 3]}
    plain = {"layers": {"encoder": []}, "flow": {"encoder": {}},
             "variables": variables, "shared": True}
    assert heads.disagreements({"argsets": [plain]}) == []
    assert heads.disagreements({"argsets": [dict(plain, shared=False)]}) \
        == ["argument set 1 (weight sharing)"]
    swapped = {"argsets": [vae_argset({"mean": 2, "log_var": 1}),
                           vae_argset({})],
               "training": {"encoder_trace": {
                   "layers": vae_argset({})["layers"]["encoder"],
                   "flow": {"outputs": ["z", "m", "v"]}},
                   "head_layers": {"mean": 1, "log_var": 2}}}
    assert heads.disagreements(swapped) == ["argument set 1",
                                            "argument set 2"]
    results = {r.check: r for r in task_results(
        TASKS[3], REPO_ROOT, WorkerOutcome("ok", swapped), {}, Limits())}
    assert results["loads"].status == "failed"
    assert "measurements contradict themselves" in results["loads"].message
    assert results["integrity"].status == "failed"
    assert "argument set 1, argument set 2" in results["integrity"].message
    assert {r.status for c, r in results.items() if c not in (
        "loads", "integrity") and c not in {i for i, _, _ in RULES}} == {
        "skipped"}
