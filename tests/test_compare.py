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

import numpy as np
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


# ------------------------------------------------------- a diverged VAE
# As tests/corpus/faulty/vae_kl_sign trains: its KL term has the wrong
# sign, so the loss falls without bound and turns NaN; every picture of
# the student's is then NaN. Built by hand: no TensorFlow, no training.

NAN = float("nan")
KL_SIGN = ("for autoencoder(784, [512], 2) the loss uses KL with the wrong "
           "sign; the task's loss is the binary cross-entropy summed over "
           "the features plus -0.5 * sum(1 + log_var - mean^2 - "
           "exp(log_var)), averaged over the batch")


def vae_pictures(diverged: bool) -> dict:
    """The page's seeded training and pictures of one side."""
    rng = np.random.default_rng(0)
    pictures = {"data_source": "MNIST (mnist.npz)", "epochs": 6,
                "train_size": 640, "originals": rng.random((10, 784)),
                "latent_labels": rng.integers(0, 10, 1000),
                "loss": [384.9, 232.3, 209.2, 198.1, 192.0, 187.5],
                "val_loss": [258.4, 219.4, 205.8, 197.8, 192.9, 189.3],
                "reconstructions": rng.random((10, 784)),
                "latent_means": rng.normal(size=(1000, 2)),
                "grid": rng.random((100, 784))}
    if diverged:
        pictures.update(
            loss=[176.7, -3566.3, -27948.6, -1.7e18, NAN, NAN],
            val_loss=[-573.8, -10416.9, -63051.6, NAN, NAN, NAN],
            reconstructions=np.full((10, 784), NAN),
            latent_means=np.full((1000, 2), NAN),
            grid=np.full((100, 784), NAN))
    return pictures


def diverged_report(folder: Path):
    """The grading of a VAE whose KL term has the wrong sign."""
    from grader.results import CheckResult, Report

    passed = ("loads", "returns", "encoder-layers", "decoder-layers",
              "weight-sharing", "sampling", "reconstruction-loss")
    results = [CheckResult(3, check, check, 3, "passed") for check in passed]
    results += [
        CheckResult(3, "kl-divergence", "KL divergence term", 3, "failed",
                    KL_SIGN),
        CheckResult(3, "seeded-training", "short seeded training matches "
                    "the reference", 3, "skipped", "not checked until 'KL "
                    "divergence term' passes")]
    report = Report(str(folder), results, versions={"python": "3"})
    sides = [dict(dense_models(flatten=False), pictures=vae_pictures(bad))
             for bad in (True, False)]
    report.measurements = {3: tuple(sides)}
    return report


def test_a_diverged_training_is_said_and_no_picture_is_left_unexplained(
        tmp_path):
    from grader.report.compare_page import write_report

    folder = tmp_path / "vae_kl_sign"
    path, summary = write_report(diverged_report(folder), tmp_path / "out")
    page = path.read_text()
    # at the top of the task's section: the epoch, the loss, the cause
    said = page.index("<p class='diverged'>")
    assert page.index("<h2") < said < page.index("What is wrong")
    sentence = page[said:page.index("</p>", said)]
    assert ("diverged: at epoch 3 of 6 its loss was -2.79e+04, "
            "over 10 times the scale of the reference&#x27;s (385); from "
            "epoch 5 on it is not a number, and neither are the weights the "
            "training updated: the model outputs NaN.") in sentence
    assert ("Likely cause, from the grading&#x27;s failed checks: KL "
            "divergence term: for autoencoder(784, [512], 2) the loss uses "
            "KL with the wrong sign") in sentence
    assert "The student's seeded training diverged" in summary[0]
    # each empty picture says why
    for what in ("reconstructions", "latent means", "decoded grid"):
        assert (f"<p class='empty'>student&#x27;s {what}: every value is "
                "NaN or infinite, so there is nothing to draw: the training "
                "diverged and its loss is not a number from epoch 5") in page
    # the folder's name, never the machine's path
    assert "<title>Comparison: vae_kl_sign</title>" in page
    assert "<h1>vae_kl_sign vs the reference</h1>" in page
    assert str(tmp_path) not in page


def test_the_loss_chart_keeps_the_reference_readable():
    from grader.report.figures import curves_axes, pyplot

    reference = vae_pictures(diverged=False)
    fig, ref_axis, student_axis = curves_axes(vae_pictures(True), reference)
    try:
        assert student_axis is not ref_axis
        assert student_axis.get_yscale() == "symlog"
        assert "reference loss" in ref_axis.get_ylabel()
        assert "student loss" in student_axis.get_ylabel()
        # the reference's curve fills its axis (matplotlib's margins leave
        # about 10 % of the height): not a flat line at one edge
        low, high = ref_axis.get_ylim()
        values = reference["loss"] + reference["val_loss"]
        assert (max(values) - min(values)) / (high - low) > 0.8
    finally:
        pyplot().close(fig)
    # a student on the reference's scale shares its axis
    fig, ref_axis, student_axis = curves_axes(reference, reference)
    pyplot().close(fig)
    assert student_axis is ref_axis


@needs_browser
def test_diverged_page_renders_in_headless_chromium(tmp_path):
    from grader.report.compare_page import write_report

    path, _ = write_report(diverged_report(tmp_path / "vae_kl_sign"),
                           tmp_path / "out")
    loaded, total, pixels = render(path, tmp_path)
    assert loaded == total == 4  # curves, reconstructions, latent, grid
    assert pixels.std() > 10
    # the divergence box (#fff0e0, grey 243) stands near the top
    top = pixels[:600]
    assert (np.abs(top - 243) <= 2).mean() > 0.02


@pytest.mark.parametrize(("loss", "epoch"), [
    ([NAN, NAN, NAN], 1),  # NaN from the start
    ([300.0, 5000.0, 1e9], 2),  # too large a learning rate
    ([176.7, -3566.3, -27948.6], 3),  # no lower bound
    ([384.0, 230.0, 200.0], None),  # trains like the reference
    # summed where the reference averages over 784 pixels: another scale,
    # but falling
    ([300.0 * 784, 200.0 * 784, 190.0 * 784], None),
])
def test_divergence_is_a_non_finite_or_exploding_loss(loss, epoch):
    from grader.report.divergence import divergence

    found = divergence({"loss": loss}, {"loss": [384.9, 232.3, 209.2]})
    assert (found.epoch if found else None) == epoch
