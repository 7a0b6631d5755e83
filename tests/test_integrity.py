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
