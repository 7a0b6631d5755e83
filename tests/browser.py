"""Headless Chromium for the tests of the HTML pages (Debian's chromium,
which .ci/run installs): the page's images all load, and a screenshot is
not blank."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest


def browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_browser = pytest.mark.skipif(
    browser() is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (.ci/run installs it)")


def render(page: Path, scratch: Path) -> tuple[int, int, np.ndarray]:
    """Opens ``page``: (images loaded, images on the page, screenshot as a
    grey-level array of 1600 x 1280). The page counts its loaded images in
    a ``data-loaded="N/M"`` attribute."""
    from PIL import Image

    flags = [browser(), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={scratch / 'profile'}",
             "--virtual-time-budget=5000"]
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    loaded = re.search(r'data-loaded="(\d+)/(\d+)"', dom.stdout)
    assert loaded, dom.stderr[-2000:]
    shot = scratch / "shot.png"
    subprocess.run(flags + ["--window-size=1280,1600",
                            f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("L"), "float32")
    return int(loaded.group(1)), int(loaded.group(2)), pixels
