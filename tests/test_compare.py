"""``python -m grader compare``: the page is written for the reference
against itself and for a faulty folder, parses, embeds valid PNGs of the
stated sizes, and renders in a real headless browser with every image
loaded."""
from __future__ import annotations

import base64
import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import needs_browser, render

from grader.measurements import ACTIVATION_PROBE
from grader.paths import REPO_ROOT
from grading import CACHE, KERAS_MAJOR, SUBMISSIONS

CORPUS = Path(__file__).resolve().parent / "corpus"


class Page(HTMLParser):
    """Collects the images of a report and the grading's verdicts shown
    beside its layer tables, as (check id, status)."""

    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.verdicts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "p" and attrs.get("data-check"):
            self.verdicts.append((attrs["data-check"], attrs["data-status"]))


def run_compare(folder: Path, out: Path, tasks: str):
    env = dict(os.environ, GRADER_CACHE_DIR=str(CACHE))
    done = subprocess.run(
        [sys.executable, "-m", "grader", "compare", str(folder), "--out",
         str(out), "--tasks", tasks, "--keras", str(KERAS_MAJOR),
         # The page's training (6 epochs per task, reference measured live
         # the first time) took over 180 s on a loaded CI machine.
         "--timeout", "600"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert Path(lines[-1]) == (out / "index.html").resolve()
    page = Page()
    page.feed((out / "index.html").read_text())
    return page, done.stdout


def check_images(page: Page) -> None:
    assert page.images
    for image in page.images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        data = base64.b64decode(image["src"][len(prefix):])
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (int(image["width"]),
                                   int(image["height"])), image["alt"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("compare")
    faulty = base / "faulty"
    faulty.mkdir()
    shutil.copy2(SUBMISSIONS / "syntax_error" / "0-vanilla.py", faulty)
    shutil.copy2(CORPUS / "faulty" / "conv_missing_upsampling" /
                 "2-convolutional.py", faulty)
    shutil.copy2(CORPUS / "faulty" / "vae_decoder_fed_mean" /
                 "3-variational.py", faulty)
    return {"reference": run_compare(REPO_ROOT, base / "ref", "0,1,2,3"),
            "faulty": run_compare(faulty, base / "bad", "0,2,3"),
            "paths": (base / "ref" / "index.html",
                      base / "bad" / "index.html")}


def test_reference_against_itself(reports):
    page, stdout = reports["reference"]
    check_images(page)
    # 4 tasks: curves + reconstructions each, and the VAE's two pictures.
    assert len(page.images) == 10
    # each model's table under its check's verdict: all passed
    assert len(page.verdicts) == 12
    assert {status for _, status in page.verdicts} == {"passed"}
    assert stdout.count("encoder: PASS; decoder: PASS; auto: PASS") == 4


def test_faulty_folder_still_gets_a_report(reports):
    page, stdout = reports["faulty"]
    check_images(page)
    html = reports["paths"][1].read_text()
    assert "does not parse" in html  # the broken file's error is shown
    # the conv decoder's table is under its failed check and its message
    assert ("decoder-layers", "failed") in page.verdicts
    assert "decoder is missing UpSampling2D" in stdout
    assert "decoder is missing UpSampling2D" in html
    assert "feeds the mean" in html


@needs_browser
@pytest.mark.parametrize("which", [0, 1], ids=["reference", "faulty"])
def test_page_renders_in_headless_chromium(reports, which, tmp_path):
    loaded, total, pixels = render(reports["paths"][which], tmp_path)
    assert loaded == total != 0
    assert pixels.shape == (1600, 1280)
    assert pixels.std() > 10  # text, tables and figures, not a blank page


# ---------------------------------------------------------------- by hand
# The page never judges: a Report built by hand, with measurements the
# page's old own comparison would have judged differently from the
# grade, is rendered as graded. No TensorFlow, no training.

PROBE = list(ACTIVATION_PROBE)
RELU = [max(x, 0.0) for x in PROBE]


def call(index: int, kind: str, inputs: list, outputs: list, **info):
    """One traced layer call, shaped like probe.describe_call's."""
    units = info.get("units")
    weights = [[inputs[-1], units], [units]] if units else []
    return {"class": kind, "name": f"{kind.lower()}_{index}", "id": index,
            "input_shapes": [inputs], "output_shapes": [outputs],
            "input_keys": [f"k{index}"], "output_keys": [f"k{index + 1}"],
            "weights": weights, "activation": info.get("activation"),
            "input_sample": [0.1, 0.2], "output_sample": [0.1, 0.2],
            **{k: v for k, v in info.items() if k != "activation"}}


def dense_models(flatten: bool) -> dict:
    encoder = [call(0, "Dense", [784], [128], units=128, activation=RELU),
               call(1, "Dense", [128], [64], units=64, activation=RELU),
               call(2, "Dense", [64], [32], units=32, activation=RELU)]
    if flatten:  # shape-keeping: a dense task's checks see weighted rows
        encoder.insert(0, call(9, "Flatten", [784], [784]))
    decoder = [call(3, "Dense", [32], [64], units=64, activation=RELU),
               call(4, "Dense", [64], [128], units=128, activation=RELU),
               call(5, "Dense", [128], [784], units=784,
                    activation=[1 / (1 + 2.718281828 ** -x) for x in PROBE])]
    return {"argsets": [{"layers": {"encoder": encoder, "decoder": decoder,
                                    "auto": encoder + decoder}}]}


DECODER_MESSAGE = ("for autoencoder(784, [128, 64], 32): decoder layer 2 "
                   "is Dense(100), expected Dense(128)")


def hand_report():
    from grader.results import CheckResult, Report

    results = [
        CheckResult(0, "loads", "file loads and defines autoencoder", 2,
                    "passed"),
        CheckResult(0, "returns", "returns encoder, decoder, auto", 2,
                    "passed"),
        CheckResult(0, "encoder-layers", "encoder layers", 3, "passed"),
        # failed by the grade although the measured rows below are the
        # reference's: the page must say what the grade said
        CheckResult(0, "decoder-layers", "decoder layers", 3, "failed",
                    DECODER_MESSAGE),
        CheckResult(0, "activations", "activations", 3, "skipped",
                    "not checked: decoder layers failed"),
        CheckResult(0, "weight-sharing", "auto shares encoder's and "
                    "decoder's layers", 2, "passed")]
    report = Report("hand-made", results, versions={"python": "3"})
    report.measurements = {0: (dense_models(flatten=True),
                               dense_models(flatten=False))}
    return report


def verdicts(page: str) -> dict[str, tuple[str, str]]:
    """{check id: (status, text)} of the page's per-model verdicts."""
    class Verdicts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found, self.current = {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "p" and attrs.get("data-check"):
                self.current = attrs["data-check"]
                self.found[self.current] = (attrs["data-status"], "")

        def handle_endtag(self, tag):
            if tag == "p":
                self.current = None

        def handle_data(self, data):
            if self.current:
                status, text = self.found[self.current]
                self.found[self.current] = (status, text + data)

    parser = Verdicts()
    parser.feed(page)
    return parser.found


def test_page_shows_the_grades_verdicts_not_its_own(tmp_path, monkeypatch):
    from grader.judge.checks import structure
    from grader.report.compare_page import write_report

    def judging(*args, **kwargs):
        raise AssertionError("the compare page judged the layers itself")

    monkeypatch.setattr(structure, "compare_rows", judging)
    monkeypatch.setattr(structure, "structural", judging)
    report = hand_report()
    path, summary = write_report(report, tmp_path)
    page = path.read_text()
    found = verdicts(page)
    # each model's verdict is its check's, status and message
    assert found["encoder-layers"][0] == "passed"
    assert found["decoder-layers"][0] == "failed"
    assert DECODER_MESSAGE in found["decoder-layers"][1]
    assert found["weight-sharing"][0] == "passed"
    # the Flatten the dense checks ignore is shown, never called a fault
    assert "<td>Flatten</td>" in page and "not part of the task" not in page
    assert "same layers" not in page and "class='diff'" not in page
    # the scores are the report's
    got, total = report.task_scores()[0]
    assert f"data-score='{got:g}/{total:g}'" in page
    assert (got, total) == (9, 15)
    assert f"Score {report.score:g}/{report.max_score:g}" in page
    lines = summary[0].splitlines()
    assert lines[0] == f"0-vanilla.py: {got:g}/{total:g}"
    assert lines[-1] == "  encoder: PASS; decoder: FAIL; auto: PASS"
