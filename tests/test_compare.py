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

from grader.paths import REPO_ROOT
from grading import CACHE, KERAS_MAJOR, SUBMISSIONS

CORPUS = Path(__file__).resolve().parent / "corpus"


class Page(HTMLParser):
    """Collects the images and highlighted rows of a report."""

    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.diff_rows = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "tr" and attrs.get("class") == "diff":
            self.diff_rows += 1


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
    assert page.diff_rows == 0
    assert stdout.count("same layers") == 12


def test_faulty_folder_still_gets_a_report(reports):
    page, stdout = reports["faulty"]
    check_images(page)
    html = reports["paths"][1].read_text()
    assert "does not parse" in html  # the broken file's error is shown
    assert page.diff_rows >= 1  # the missing UpSampling2D is highlighted
    assert "decoder is missing UpSampling2D" in stdout
    assert "feeds the mean" in html


@needs_browser
@pytest.mark.parametrize("which", [0, 1], ids=["reference", "faulty"])
def test_page_renders_in_headless_chromium(reports, which, tmp_path):
    loaded, total, pixels = render(reports["paths"][which], tmp_path)
    assert loaded == total != 0
    assert pixels.shape == (1600, 1280)
    assert pixels.std() > 10  # text, tables and figures, not a blank page
