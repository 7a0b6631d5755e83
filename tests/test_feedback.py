"""Feedback that teaches: every known cause of an exception is explained in
the course's words (cause and fix) under the Keras versions where it
happens, unknown errors say what the grader was doing, a file that runs
only under the other Keras version says what it scores there (and
``--keras best`` keeps that score), the compare page leads with what is
wrong, and no feedback contains a terminal escape code.

The task files are in corpus/errors/, one folder per cause; its manifest
says under which Keras versions each raises, which check fails and which
cause must explain it.
"""
from __future__ import annotations

import argparse
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from grader import cli
from grader.judge import causes, keras_versions
from grader.report import gradescope
from grader.report.compare_page import write_report
from grader.report.text import render
from grader.judge.file_rules import RULES
from grader.results import Report
from grader.options import Options
from grader.pipeline import grade
from grader.options import Limits
from grader.tasks import TASKS
from grading import CACHE, KERAS_MAJOR

# This module grades each file under both Keras versions itself (the
# workers' version is an option, not the test session's): once is enough.
pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="grades under "
                                "both Keras versions in the Keras 3 run")

ERRORS = Path(__file__).resolve().parent / "corpus" / "errors"
MANIFEST = {name: entry for name, entry in json.loads(
    (ERRORS / "manifest.json").read_text()).items()
    if not name.startswith("_")}
FILES = {n: t.filename for n, t in TASKS.items()}
ESCAPE = re.compile(r"\x1b|\\u001b|\[[0-9;]+m")
CROSS = "keras_tensor_in_graph"  # Keras 2 code that fails under Keras 3


def gradings() -> list[tuple[str, int, str]]:
    """(folder, Keras version, mode) of every grading the tests read."""
    wanted = []
    for name, entry in MANIFEST.items():
        for version in sorted(set(entry["raises"]) | set(
                entry.get("graded_under", []))):
            wanted.append((name, int(version), "info"))
    wanted += [(CROSS, 3, "off"), (CROSS, 3, "best")]
    return wanted


@pytest.fixture(scope="module")
def graded() -> dict[tuple[str, int, str], tuple[Report, dict]]:
    """Every folder graded once under each version it needs (two task
    files at a time), with the workers' raw results."""
    base = Options(limits=Limits(180, 8192), cache_dir=CACHE)

    def one(key: tuple[str, int, str]) -> tuple[Report, dict]:
        """One grading: its report and the workers' raw results."""
        name, version, mode = key
        options = replace(base, tasks=[MANIFEST[name]["task"]],
                          keras_major=version, other_keras=mode)
        report = grade(ERRORS / name, options, pool)
        return report, report.measurements

    keys = gradings()
    with ThreadPoolExecutor(max_workers=2) as pool, \
            ThreadPoolExecutor(max_workers=2) as outer:
        return dict(zip(keys, outer.map(one, keys)))


def cause(cause_id: str) -> causes.Cause:
    """The known cause with this id."""
    return next(c for c in causes.CAUSES if c.id == cause_id)


def fixed_part(template: str) -> str:
    """The longest run of a cause's text between its {fields}."""
    return max(re.split(r"\{\w+\}", template), key=len).strip()


CASES = [(name, int(version)) for name, entry in sorted(MANIFEST.items())
         for version in entry["raises"]]


def test_corpus_covers_the_issues_causes():
    needed = {"keras-tensor", "keras-tensor-loss", "decoder-fed-three",
              "shape-not-tuple", "lambda-output-shape", "debugger-left-in",
              "loss-indexes-prediction", "loop-variable-unbound",
              "lambda-outer-tensor", "outputs-not-tensors",
              "signature-mismatch"}
    found = {expected["cause"] for entry in MANIFEST.values()
             for expected in entry["raises"].values()}
    assert needed <= found
    for name, entry in MANIFEST.items():
        assert (ERRORS / name / FILES[entry["task"]]).is_file(), name


@pytest.mark.parametrize(("name", "version"), CASES,
                         ids=[f"{n}-keras{v}" for n, v in CASES])
def test_known_cause_is_explained(graded, name, version):
    entry = MANIFEST[name]
    expected = entry["raises"][str(version)]
    report, _ = graded[(name, version, "info")]
    task = entry["task"]
    result = report.find(task, expected["check"])
    assert result.status == "failed", (result.status, result.message)
    known = cause(expected["cause"])
    cause_line = next(line for line in result.message.splitlines()
                      if line.startswith("cause: "))
    assert fixed_part(known.why) in cause_line, result.message
    assert "\nfix: " + known.fix.split("{", 1)[0] in result.message
    assert expected["words"] in result.message
    # The student's line and what the grader was doing come first.
    first = result.message.splitlines()[0]
    assert re.match(r"(building the models with|one training step|"
                    r"importing|calling the|the seeded training)", first), \
        first
    assert " raised " in first
    for rule_id, _, _ in RULES:  # the files break no file rule
        assert report.find(task, rule_id).status == "passed", rule_id


def test_first_messages_carry_a_cause_wherever_the_library_raised(
        graded):
    """Wherever Keras, TensorFlow or the call of autoencoder raised, the
    task's first failed check explains why; only errors the student's own
    code raised may go without."""
    bare = []
    for (name, version, _mode), (report, raw) in graded.items():
        task = TASKS[MANIFEST[name]["task"]]
        student = raw[task.number][0]
        errors = keras_versions.raised_errors(task, student)
        if not errors:  # graded under a version where it does not raise
            continue
        first = keras_versions.first_failure(report, task.number)
        assert first is not None, (name, version)
        library = any(e.get("raised_in") != "student" for e, _ in errors)
        if library and "\ncause: " not in first.message:
            bare.append((name, version, first.message.splitlines()[0]))
    assert not bare


def test_unknown_error_says_what_the_grader_was_doing(graded):
    report, _ = graded[("unknown_error", 3, "info")]
    message = report.find(0, "returns").message
    assert message.startswith(
        "building the models with autoencoder(784, [128, 64], 32) raised "
        "ZeroDivisionError: integer division or modulo by zero (line ")
    assert "cause:" not in message
    assert "under Keras 2" not in message  # the student's code raised


def test_cross_version_line_gives_the_other_versions_score(graded):
    info, _ = graded[(CROSS, 3, "info")]
    alone, _ = graded[(CROSS, 3, "off")]
    under_2, _ = graded[(CROSS, 2, "info")]
    got_2, total = under_2.task_scores()[3]
    got_3, _ = alone.task_scores()[3]
    assert got_3 < got_2 <= total
    line = (f"under Keras 2 this file scores {got_2:g}/{total:g}: it is "
            "Keras 2 code; see the fix above to make it run under Keras 3")
    assert info.find(3, "returns").message.endswith("\n" + line)
    assert line in render(info, FILES)
    # Information, not credit: the verdicts and the score are Keras 3's.
    assert [(r.check, r.status) for r in info.results] == \
        [(r.check, r.status) for r in alone.results]
    assert info.score == alone.score
    facts = gradescope.results(info)["extra_data"]["keras"]
    assert facts["tasks"]["3"] == {"keras3": got_3, "keras2": got_2,
                                   "max": total, "scored_under": 3,
                                   "line": line}
    assert "keras" not in alone.extra or \
        "keras2" not in alone.extra["keras"]["tasks"]["3"]


def test_cross_version_line_only_where_the_other_version_scores_more(
        graded):
    for name, entry in MANIFEST.items():
        task = entry["task"]
        for version in entry["raises"]:
            report, _ = graded[(name, int(version), "info")]
            text = render(report, FILES)
            other = 2 if version == "3" else 3
            if version not in entry.get("other_scores_more", []):
                assert "this file scores" not in text, (name, version)
                continue
            there, _ = graded[(name, other, "info")]
            got, total = there.task_scores()[task]
            assert got > report.task_scores()[task][0]
            assert f"under Keras {other} this file scores {got:g}/" \
                f"{total:g}: " in text, name


def test_keras_best_keeps_the_better_score_and_says_which(graded):
    best, _ = graded[(CROSS, 3, "best")]
    under_2, _ = graded[(CROSS, 2, "info")]
    under_3, _ = graded[(CROSS, 3, "off")]
    assert best.task_scores()[3] == under_2.task_scores()[3]
    assert [(r.check, r.status, r.message) for r in best.results] == \
        [(r.check, r.status, r.message) for r in under_2.results]
    facts = best.extra["keras"]
    assert facts["mode"] == "best" and facts["tasks"]["3"]["scored_under"] \
        == 2
    text = render(best, FILES)
    got_3, total = under_3.task_scores()[3]
    assert (f"note: scored under Keras 2 (--keras best); under Keras 3 this "
            f"file scores {got_3:g}/{total:g}: cause: a keras.backend") in text
    assert facts["tasks"]["3"]["line"] in text
    assert "the better score per task" in text
    shown = gradescope.results(best)
    assert shown["score"] == under_2.score
    assert "task 3: scored under Keras 2" in shown["output"]
    assert shown["extra_data"]["keras"]["tasks"]["3"][
        "scored_under"] == 2


def test_cli_parses_keras_best():
    parser = argparse.ArgumentParser()
    cli.add_common(parser)
    options = cli.options_from(parser.parse_args(["--keras", "best"]))
    assert (options.keras_major, options.other_keras) == (3, "best")
    options = cli.options_from(parser.parse_args(["--keras", "2"]))
    assert (options.keras_major, options.other_keras) == (2, "info")
    options = cli.options_from(parser.parse_args(["--no-other-keras"]))
    assert options.other_keras == "off"
    with pytest.raises(ValueError):
        cli.options_from(parser.parse_args(["--keras", "best",
                                            "--no-other-keras"]))


def test_no_feedback_contains_an_escape_code(graded, tmp_path):
    student = graded[("lambda_batch_shape", 3, "info")][1][3][0]
    # The Lambda's error, whose text Keras colours with terminal codes.
    lambda_detail = [side["error"].get("detail", "")
                     for side in student["argsets"] if side.get("error")]
    assert any("infer the shape of the Lambda" in d for d in lambda_detail)
    for (name, version, mode), (report, _raw) in graded.items():
        renderings = [render(report, FILES),
                      json.dumps(gradescope.results(report))]
        if name in ("lambda_batch_shape", "decoder_fed_three"):
            page, _ = write_report(report, tmp_path / f"{name}{version}")
            renderings.append(page.read_text())
        for rendering in renderings:
            assert not ESCAPE.search(rendering), (name, version, mode)


def test_plain_and_shorten_never_cut_mid_word():
    coloured = "\x1b[1mWe could not infer the shape.\x1b[0m Second one."
    assert causes.plain(coloured) == "We could not infer the shape. Second " \
        "one."
    long = ("A first sentence that is short. Word " + "word " * 60
            + "end of a long second sentence. A third.")
    cut = causes.shorten(long, 60)
    assert cut == "A first sentence that is short."
    only = causes.shorten("word " * 100, 50)
    assert only.endswith(" ...") and len(only) <= 54
    assert set(only[:-4].split()) == {"word"}
    error = {"type": "ValueError", "message": "x " * 300,
             "where": {"line": 3, "code": "y = f(x)"}}
    assert len(causes.describe(error)) < 300


def test_compare_page_leads_with_what_is_wrong(graded, tmp_path):
    report, raw = graded[("decoder_fed_three", 3, "info")]
    path, summary = write_report(report, tmp_path)
    page = path.read_text()
    wrong = page.index("What is wrong")
    assert wrong < page.index("<h3>Layers for")
    assert "cause: the decoder takes one input, z" in page[wrong:]
    assert "graded with python" in page and "{'" not in page
    lines = summary[0].splitlines()
    assert lines[0] == f"3-variational.py: {report.score:g}/" \
        f"{report.max_score:g}"
    assert lines[1].startswith("  - returns encoder, decoder, auto (FAIL): "
                               "building the models with")
    assert any(line.strip().startswith("cause: the decoder takes one input")
               for line in lines)
    assert lines[-1].startswith("  encoder: ")


KERAS_TENSOR = ("A KerasTensor cannot be used as input to a TensorFlow "
                "function. A KerasTensor is a symbolic placeholder for a "
                "shape and dtype.")


@pytest.mark.parametrize(("error", "stage", "expected"), [
    ({"type": "ValueError", "message": KERAS_TENSOR,
      "where": {"line": 40, "code": "auto.add_loss(K.mean(kl))",
                "function": "autoencoder"}}, "build",
     "keras-tensor-add-loss"),
    ({"type": "ValueError", "message": KERAS_TENSOR,
      "where": {"line": 12, "code": "kl = K.sum(K.exp(log_var))",
                "function": "vae_loss"}}, "train", "keras-tensor-loss"),
    ({"type": "ValueError", "message": KERAS_TENSOR,
      "where": {"line": 9, "code": "epsilon = K.random_normal(K.shape(m))",
                "function": "sampling"}}, "build", "keras-tensor"),
    ({"type": "ValueError", "message": KERAS_TENSOR}, "build",
     "keras-tensor"),
    ({"type": "ValueError", "message": 'Layer "functional_3" expects 2 '
      "input(s), but it received 1 input tensors."}, "build",
     "wrong-input-count"),
    ({"type": "ValueError", "message": "Unrecognized keyword arguments "
      "passed to Dense: {'init': 'uniform'}"}, "build", "unknown-keyword"),
    ({"type": "IndexError", "message": "list index out of range",
      "raised_in": "student"}, "build", "index-past-end"),
    ({"type": "IndexError", "message": "list index out of range",
      "raised_in": "library"}, "build", None),
    ({"type": "SystemExit", "message": "sys.exit(0) was called"}, "import",
     "exits"),
    ({"type": "MemoryError", "message": ""}, "build", "out-of-memory"),
    ({"type": "NotImplementedError", "message": "\x1b[1mWe could not "
      "automatically infer the shape of the Lambda's output.\x1b[0m"},
     "build", "lambda-output-shape"),
    ({"type": "ZeroDivisionError", "message": "division by zero"}, "build",
     None),
    # tf.map_fn on a model's tensor, under Keras 2 (no Lambda on the line)
    ({"type": "TypeError", "message": "Could not build a TypeSpec for "
      "KerasTensor(type_spec=TensorSpec(shape=(None, 2), dtype=tf.float32, "
      "name=None), name='dense/BiasAdd:0', description=\"created by layer "
      "'dense'\") of unsupported type <class 'tf_keras.src.engine."
      "keras_tensor.KerasTensor'>.", "where": {
          "line": 30, "code": "z = tf.map_fn(draw, mean)"}}, "build",
     "keras2-typespec"),
    # Keras 3, a Lambda given output_shape: its function meets the outer
    # tensor when the encoder is called
    ({"type": "ValueError", "message": "Exception encountered when calling "
      "Lambda.call().", "detail": "Exception encountered when calling "
      "Lambda.call().\n\n" + KERAS_TENSOR, "where": {
          "line": 31, "code": "return mean + K.exp(log_var / 2) * epsilon",
          "function": "sampling"}}, "call encoder", "lambda-outer-tensor"),
    ({"type": "ValueError", "message": "Output tensors of a Functional model "
      "must be the output of a TensorFlow `Layer` (thus holding past layer "
      "metadata). Found: <tf_keras.src.layers.core.dense.Dense object at "
      "0x7f51eb90e450>"}, "build", "outputs-not-tensors"),
    ({"type": "ValueError", "message": "All `outputs` values must be "
      "KerasTensors. Received: outputs=None including invalid value None of "
      "type <class 'NoneType'>"}, "build", "outputs-not-tensors"),
    ({"type": "ValueError", "message": "Inputs to a layer should be tensors. "
      "Got '<Functional name=functional_3, built=True>' (of type <class "
      "'keras.src.models.functional.Functional'>) as input for layer "
      "'functional_2'."}, "build", "called-on-non-tensor"),
    # the task's signature is unknown here: no cause for the arity
    ({"type": "TypeError", "message": "autoencoder() takes 3 positional "
      "arguments but 4 were given"}, "build", None),
], ids=lambda value: value if isinstance(value, str) else None)
def test_recognisers(error, stage, expected):
    found = causes.recognise(error, stage)
    assert (found[0].id if found else None) == expected
    text = causes.feedback(error, causes.doing(stage, "autoencoder(1, [], 1)"),
                           stage)
    assert not ESCAPE.search(text)
    assert ("\ncause: " in text) == (expected is not None)


@pytest.mark.parametrize(("error", "what", "fix"), [
    ("Output tensors of a Functional model must be the output of a "
     "TensorFlow `Layer` (thus holding past layer metadata). Found: "
     "<tf_keras.src.layers.core.dense.Dense object at 0x7f51eb90e450>",
     "a layer that was created but never called on a tensor",
     "call each layer on the tensor before it"),
    ("All `outputs` values must be KerasTensors. Received: outputs=<Dense "
     "name=dense_2, built=False> including invalid value <Dense name="
     "dense_2, built=False> of type <class 'keras.src.layers.core.dense."
     "Dense'>", "a layer that was created but never called on a tensor",
     "call each layer on the tensor before it"),
    ("Output tensors of a Functional model must be the output of a "
     "TensorFlow `Layer` (thus holding past layer metadata). Found: "
     "<tf_keras.src.engine.sequential.Sequential object at 0x7f51e8fc4450>",
     "a model (not its output)", "decoder(encoder(inputs))"),
    ("All `outputs` values must be KerasTensors. Received: outputs=<function"
     " dec at 0x7f81aebd1800> including invalid value <function dec at "
     "0x7f81aebd1800> of type <class 'function'>",
     "a Python function (not what it returns)", "call the function"),
    ("Output tensors of a Functional model must be the output of a "
     "TensorFlow `Layer` (thus holding past layer metadata). Found: None",
     "None (what a function without a return", "make the function"),
    ("All `outputs` values must be KerasTensors. Received: outputs=[[0. 0.]]"
     " including invalid value [[0. 0.]] of type <class 'numpy.ndarray'>",
     "a value that no layer computed", "last layer"),
])
def test_outputs_that_are_not_tensors_are_named(error, what, fix):
    found = causes.recognise({"type": "ValueError", "message": error},
                             "build")
    assert found and found[0].id == "outputs-not-tensors"
    cause_line, fix_line = found[1].splitlines()
    assert f"was given as outputs {what}" in cause_line
    assert fix in fix_line


SPARSE = TASKS[1].params  # (input_dims, hidden_layers, latent_dims, lambtha)


@pytest.mark.parametrize(("message", "yours"), [
    ("autoencoder() takes 3 positional arguments but 4 were given",
     "yours takes 3; lambtha is left out"),
    ("autoencoder() takes 2 positional arguments but 4 were given",
     "yours takes 2; latent_dims and lambtha are left out"),
    ("autoencoder() missing 1 required positional argument: 'activation'",
     "yours also asks for 'activation', which the task does not give"),
    ("autoencoder() got an unexpected keyword argument 'lambtha'",
     "yours has no argument 'lambtha'"),
])
def test_a_call_that_does_not_fit_names_the_tasks_signature(message, yours):
    error = {"type": "TypeError", "message": message, "raised_in": "call"}
    text = causes.feedback(error, causes.doing("build", "autoencoder(...)"),
                           "build", SPARSE)
    assert ("\ncause: the task asks for autoencoder(input_dims, "
            "hidden_layers, latent_dims, lambtha), and the grader calls it "
            f"with those 4 arguments; {yours}\n") in text
    assert text.endswith("fix: define autoencoder(input_dims, hidden_layers,"
                         " latent_dims, lambtha) as the task says, and use "
                         "every argument")
    # the student's own helper with a wrong arity is not the task's
    other = dict(error, message=message.replace("autoencoder", "build"))
    found = causes.recognise(other, "build", SPARSE)
    assert found is None or found[0].id != "signature-mismatch"


def test_a_call_that_does_not_fit_is_not_sent_to_the_other_keras():
    from grader.measure.errors import guarded

    def autoencoder(input_dims, hidden_layers, latent_dims):
        return input_dims[0]

    _, error = guarded(__file__, autoencoder, 784, [64], 32, 1e-5)
    assert error["raised_in"] == "call"
    assert error["message"].endswith(
        "autoencoder() takes 3 positional arguments but 4 were given")
    # the other Keras version cannot help: no grading under it
    result = {"argsets": [{"error": dict(error, stage="build")}]}
    assert not keras_versions.version_specific(TASKS[1], result)
    _, error = guarded(__file__, autoencoder, [], [64], 32)
    assert error["raised_in"] == "student"
