"""A failure of the grader's own code is reported as a grader error (exit
code 3), never as a student's failed check."""
from __future__ import annotations

from pathlib import Path

from grader import cli, measurements
from grader.judge.evidence import Evidence
from grader.results import CheckResult, Report
from grader.judge.engine import evaluate
from grader.tasks import TASKS


def test_a_check_that_crashes_is_a_grader_error(monkeypatch):
    # A student result with argument sets but none of the measured keys,
    # let past the completeness check: the checks that read them raise
    # KeyError inside the grader.
    monkeypatch.setattr("grader.judge.evidence.missing_keys",
                        lambda *args, **kwargs: [])
    student = {"argsets": [{"roles": [], "layers": {}}] * 4,
               "training": {}}
    reference = {"argsets": [{"roles": [], "layers": {}}] * 4,
                 "training": {}}
    verdicts = dict((c.id, v) for c, v in
                    evaluate(TASKS[0], Evidence(TASKS[0], student,
                                                reference)))
    crashed = [v for v in verdicts.values() if v.status == "error"]
    assert crashed, verdicts
    for verdict in crashed:
        assert "bug in the grader, not a verdict on your file" in \
            verdict.message
    assert "failed" not in {v.status for v in verdicts.values()
                            if "KeyError" in v.message}


def test_a_measurement_the_grader_failed_makes_every_model_check_an_error():
    failure = {"type": "IndexError", "message": "too many indices",
               "trace": "..."}
    student = {"argsets": [{"grader_error": failure}]}
    verdicts = evaluate(TASKS[3], Evidence(TASKS[3], student, {}))
    assert verdicts and {v.status for _, v in verdicts} == {"error"}
    assert all("IndexError: too many indices" in v.message
               for _, v in verdicts)


def test_a_grader_error_exits_with_3_and_says_the_score_is_incomplete(
        monkeypatch, capsys, tmp_path: Path):
    report = Report(str(tmp_path), [
        CheckResult(0, "loads", "file loads", 2, "passed"),
        CheckResult(0, "returns", "returns", 2, "error", "the grader "
                    "failed while measuring 0-vanilla.py")])
    monkeypatch.setattr(cli, "grade", lambda folder, options: report)
    assert cli.main([str(tmp_path), "--tasks", "0"]) == 3
    out = capsys.readouterr().out
    assert "ERR!" in out and "GRADER ERROR" in out and "incomplete" in out


def complete_result(task) -> dict:
    """A task result holding every key the judge reads (dummy values)."""
    keys = set(measurements.Measured.__required_keys__)
    if task.kind == "vae":
        keys |= measurements.VaeMeasured.__required_keys__ \
            | measurements.VaeExperiments.__required_keys__
    else:
        keys |= measurements.PlainMeasured.__required_keys__
    return {"data_source": "mnist", "training": {},
            "argsets": [{key: None for key in keys} for _ in task.argsets]}


def test_a_result_missing_a_key_the_judge_reads_is_a_grader_error():
    task = TASKS[3]
    student = complete_result(task)
    assert measurements.missing_keys(student, task.kind,
                                     len(task.argsets)) == []
    del student["argsets"][1]["auto_out"]
    assert measurements.missing_keys(student, task.kind,
                                     len(task.argsets)) == \
        ["argsets[1].auto_out"]
    verdicts = evaluate(task, Evidence(task, student, complete_result(task)))
    assert verdicts and {v.status for _, v in verdicts} == {"error"}
    assert all("argsets[1].auto_out" in v.message and "bug in the grader"
               in v.message for _, v in verdicts)


def test_a_failed_argset_or_load_needs_no_measured_keys():
    task = TASKS[0]
    student = complete_result(task)
    student["argsets"][0] = {"roles": [], "error": {"type": "ValueError",
                                                    "message": "bad"}}
    assert measurements.missing_keys(student, task.kind,
                                     len(task.argsets)) == []
    assert measurements.missing_keys({"load_error": {"type": "X"}},
                                     task.kind, len(task.argsets)) == []
    student["argsets"].pop()
    assert measurements.missing_keys(student, task.kind,
                                     len(task.argsets)) == [
        f"argsets[{len(task.argsets) - 1}]"]


def encoder_rows(order: list[str]) -> tuple[list[dict], dict]:
    """Traced encoder calls (hidden Dense, then the heads in ``order``)
    and the encoder's flow, as a worker's phase "trace" writes them."""
    keys = {"hidden": "h", "mean": "m", "log_var": "v", "sampling": "z"}
    rows = [{"id": 1, "weights": [[4, 8], [8]], "output_keys": ["h"]}]
    rows += [{"id": 2 + i, "weights": [[8, 2], [2]],
              "output_keys": [keys[name]]} for i, name in enumerate(order)]
    rows.append({"id": 9, "weights": [], "output_keys": ["z"]})
    return rows, {"inputs": ["x"], "outputs": ["z", "m", "v"]}


def test_the_parent_finds_the_heads_in_any_call_order():
    from grader.measurements import find_heads

    assert find_heads(*encoder_rows(["mean", "log_var"])) == {
        "mean": 1, "log_var": 2}
    assert find_heads(*encoder_rows(["log_var", "mean"])) == {
        "mean": 2, "log_var": 1}
    rows, flow = encoder_rows(["mean", "log_var"])
    assert find_heads(rows, dict(flow, outputs=["z", "m"])) == {}
    assert find_heads(rows, dict(flow, outputs=["z", "m", "m"])) == {}
    assert find_heads(rows, dict(flow, outputs=["z", "m", "q"])) == {}
