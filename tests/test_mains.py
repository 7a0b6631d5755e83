"""The course mains run end to end in fast mode (300 samples, one epoch),
headless and offline, print values of the expected form, and save PNGs."""
from __future__ import annotations

import os
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

from grader.paths import REPO_ROOT

FLOAT = r"-?\d+\.\d+(?:e-?\d+)?"
FIGURES = {0: [("0-main.png", 640, 480)], 1: [("1-main.png", 640, 480)],
           2: [("2-main.png", 640, 480)],
           3: [("3-main.png", 640, 480), ("3-main-grid.png", 1000, 1000)],
           4: [("4-main.png", 640, 480)],
           6: [("6-main.png", 1600, 360)]}


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory):
    """A 300-image MNIST-shaped file: the real one's slice when available."""
    path = tmp_path_factory.mktemp("data") / "mnist.npz"
    source = os.environ.get("MNIST_PATH")
    if source and os.path.isfile(source):
        with np.load(source) as data:
            arrays = {k: data[k][:300] for k in data.files}
    else:
        rng = np.random.default_rng(0)
        images = (rng.random((300, 28, 28)) * 255).astype("uint8")
        labels = rng.integers(0, 10, 300).astype("uint8")
        arrays = {"x_train": images, "y_train": labels,
                  "x_test": images, "y_test": labels}
    np.savez(path, **arrays)
    return path


def png_size(path):
    with open(path, "rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def run_main(number, tiny_mnist, figures, cwd=REPO_ROOT, extra=()):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY",)}
    # Fashion-MNIST (task 6) has MNIST's shapes: the same file stands in.
    env.update(MNIST_PATH=str(tiny_mnist), TF_CPP_MIN_LOG_LEVEL="3",
               FASHION_MNIST_PATH=str(tiny_mnist))
    # ./mains/N-main.py runs "python3" from PATH: make it this interpreter,
    # as an activated virtual environment does.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env["PATH"]
    script = REPO_ROOT / "mains" / f"{number}-main.py"
    return subprocess.run(
        [str(script), "--epochs", "1", "--samples", "300", "--figures",
         str(figures), *extra], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("number", [0, 1, 2, 3, 4, 6])
def test_main_runs_headless_and_saves_figures(number, tiny_mnist, tmp_path):
    done = run_main(number, tiny_mnist, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "loss" in out and "val_loss" in out
    if number == 3:
        arrays = re.findall(r"\[\[.*?\]\]", out, re.S)
        assert len(arrays) == 2
        means, spreads = (np.array(re.findall(FLOAT, a), float)
                          for a in arrays)
        assert means.shape == spreads.shape == (20,)
        assert np.all(spreads > 0) and np.all(np.abs(means) < 20)
    else:
        value = float(re.findall(rf"^({FLOAT})$", out, re.M)[-1])
        assert 0 <= value < 100
    if number == 2:
        assert "(300, 28, 28, 1)" in out
    if number == 4:  # the noisy images: clipped to [0, 1]
        assert "(300, 28, 28, 1) 0.0 1.0" in out
    for name, width, height in FIGURES[number]:
        assert png_size(tmp_path / name) == (width, height)


def test_main_runs_from_inside_mains_on_another_solution(tiny_mnist,
                                                         tmp_path):
    solution = tmp_path / "student"
    solution.mkdir()
    (solution / "0-vanilla.py").write_text(
        (REPO_ROOT / "0-vanilla.py").read_text())
    done = run_main(0, tiny_mnist, tmp_path / "figs",
                    cwd=REPO_ROOT / "mains",
                    extra=("--solution", str(solution)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "figs" / "0-main.png").exists()


@pytest.mark.parametrize("number, variable", [(0, "MNIST_PATH"),
                                              (6, "FASHION_MNIST_PATH")])
def test_no_data_gives_one_clear_sentence(tmp_path, number, variable):
    env = dict(os.environ, **{variable: str(tmp_path / "nowhere.npz")})
    done = subprocess.run([sys.executable, str(REPO_ROOT / "mains" /
                                               f"{number}-main.py")],
                          env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{variable}=" in done.stderr and "could not be read" in \
        done.stderr
