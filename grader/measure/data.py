"""The inputs the probes and the seeded training run use.

MNIST comes from the ``.npz`` named by ``MNIST_PATH`` when that is set (a
file that cannot be read is the grader's failure: the parent checks it
first, see :mod:`grader.run.data_file`); otherwise the grader makes
synthetic digit-like images (strokes on a 28x28 canvas) from a fixed seed,
so grading never needs the network. The source is part of every result,
and student and reference always see the same data.
"""
from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np


def mnist_images() -> tuple[np.ndarray, str]:
    """Up to 2,000 test images as float32 in [0, 1], and their source."""
    images, _, source = labelled_images()
    return images, source


@functools.lru_cache(maxsize=1)
def labelled_images() -> tuple[np.ndarray, np.ndarray, str]:
    """The images of :func:`mnist_images` with their labels (for synthetic
    images, the number of strokes), and their source.

    In a sandbox the file is not visible: the grader hands it over as an
    open descriptor (``MNIST_FD``), read once before any worker forks.
    """
    path = os.environ.get("MNIST_PATH")
    if path:
        try:
            source = os.fdopen(int(os.environ["MNIST_FD"]), "rb") \
                if os.environ.get("MNIST_FD") else path
            with np.load(source) as data:
                images = data["x_test"][:2000].astype("float32") / 255.0
                labels = data["y_test"][:2000].astype("int64")
            return images, labels, f"MNIST ({os.path.basename(path)})"
        except Exception as error:  # the parent checked it: never silent
            raise RuntimeError(f"MNIST_PATH={path} cannot be read: "
                               f"{error}") from error
    images, strokes = synthetic_digits(2000, with_strokes=True)
    return images, strokes, "synthetic digit-like images (seed 0)"


def synthetic_digits(count: int, seed: int = 0, with_strokes: bool = False
                     ) -> Any:  # images, or (images, strokes)
    """Digit-like 28x28 images: a few thick strokes, values in [0, 1].

    With ``with_strokes``, also each image's number of strokes.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28].astype("float32")
    images = np.zeros((count, 28, 28), "float32")
    strokes = np.zeros(count, "int64")
    for index, image in enumerate(images):
        strokes[index] = rng.integers(2, 5)
        for _ in range(strokes[index]):
            (x0, y0), (x1, y1) = rng.uniform(6, 22, size=(2, 2))
            t = np.linspace(0, 1, 24)[:, None, None]
            px, py = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            dist = np.min((xx - px) ** 2 + (yy - py) ** 2, axis=0)
            np.maximum(image, np.exp(-dist / 2.5), out=image)
    return (images, strokes) if with_strokes else images


def padded(images: np.ndarray, size: int) -> np.ndarray:
    """``images`` (n, h, w) flattened to ``size`` values each, zero-padded
    around when ``size`` is a larger square (28x28 digits as task 5's
    32x32 inputs); flattened as they are otherwise."""
    side = int(round(np.sqrt(size)))
    height, width = images.shape[1:3]
    if side * side == size and side >= max(height, width) and \
            size > height * width:
        top, left = (side - height) // 2, (side - width) // 2
        images = np.pad(images, ((0, 0), (top, side - height - top),
                                 (left, side - width - left)))
    return images.reshape(len(images), -1)


def inputs_for(shape: tuple, count: int, seed: int,
               images: np.ndarray) -> np.ndarray:
    """``count`` inputs of ``shape`` (no batch axis) with values in [0, 1].

    MNIST-shaped inputs are images; others are seeded uniform noise.
    """
    shape = tuple(shape)
    rng = np.random.default_rng(seed)
    if shape == (784,):
        rows = rng.choice(len(images), count, replace=count > len(images))
        return images[rows].reshape(count, 784)
    if shape == (28, 28, 1):
        rows = rng.choice(len(images), count, replace=count > len(images))
        return images[rows][..., None]
    return rng.uniform(0, 1, (count,) + shape).astype("float32")
