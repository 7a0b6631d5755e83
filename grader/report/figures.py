"""The comparison's figures: training curves, reconstructions and (VAE)
latent pictures of the student beside the reference, as embedded PNGs.

Plain drawing of measured values (grader.measure.pictures): no verdicts.
Also used by the class page and PrairieLearn's images.
"""
from __future__ import annotations

import base64
import html
import io

import numpy as np

FIG_DPI = 100


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig) -> tuple[str, int, int]:
    """A figure as (base64 PNG, width, height) at FIG_DPI, then closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIG_DPI)
    width, height = (int(round(v * FIG_DPI)) for v in fig.get_size_inches())
    pyplot().close(fig)
    return base64.b64encode(buffer.getvalue()).decode(), width, height


def as_image(array: np.ndarray) -> np.ndarray:
    """One input as a 2-D (or RGB) picture."""
    array = np.asarray(array, "float32")
    if array.ndim == 1 and array.size == 784:
        return array.reshape(28, 28)
    if array.ndim == 3 and array.shape[-1] == 1:
        return array[..., 0]
    return np.clip(array, 0, 1)


def curves_figure(student: dict, reference: dict):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for side, result, style in (("reference", reference, "-"),
                                ("student", student, "--")):
        for key, color in (("loss", "tab:blue"), ("val_loss", "tab:orange")):
            values = result.get(key) or []
            if values:
                ax.plot(range(1, len(values) + 1), values, style, color=color,
                        marker="o", label=f"{side} {key}")
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("loss")
    if ax.lines:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return png(fig)


def reconstructions_figure(student: dict, reference: dict):
    plt = pyplot()
    rows = [("original", reference.get("originals")),
            ("reference", reference.get("reconstructions")),
            ("student", student.get("reconstructions"))]
    fig, axes = plt.subplots(3, 10, figsize=(8.0, 2.8))
    for r, (label, images) in enumerate(rows):
        for c in range(10):
            ax = axes[r][c]
            ax.axis("off")
            if images is not None and len(images) > c:
                ax.imshow(as_image(images[c]), cmap="gray", vmin=0, vmax=1)
        axes[r][0].set_title(label, fontsize=8, loc="left")
    fig.tight_layout()
    return png(fig)


def side_by_side(student: dict, reference: dict, size: tuple):
    """A figure of two panels, and (axes, side's name, side's pictures)
    for the reference (left) and the student (right)."""
    fig, axes = pyplot().subplots(1, 2, figsize=size)
    return fig, zip(axes, ("reference", "student"), (reference, student))


def latent_figure(student: dict, reference: dict):
    """The latent means of test digits, coloured by label, side by side."""
    fig, panels = side_by_side(student, reference, (8.0, 3.8))
    for ax, side, result in panels:
        means = result.get("latent_means")
        ax.set_title(f"{side}: latent means, coloured by label", fontsize=9)
        # (for synthetic images the "label" is the number of strokes)
        if means is None or means.ndim != 2 or means.shape[1] < 2:
            ax.text(0.5, 0.5, "not available", ha="center")
            continue
        ax.scatter(means[:, 0], means[:, 1], s=4, cmap="tab10", vmin=0,
                   vmax=9, c=result.get("latent_labels"))
    fig.tight_layout()
    return png(fig)


def grid_figure(student: dict, reference: dict):
    """The decoded grid of the latent plane, side by side."""
    fig, panels = side_by_side(student, reference, (8.0, 4.2))
    for ax, side, result in panels:
        ax.axis("off")
        ax.set_title(f"{side}: decoded latent grid", fontsize=9)
        grid = result.get("grid")
        if grid is None:
            ax.text(0.5, 0.5, "not available", ha="center")
            continue
        size = int(round(np.sqrt(len(grid))))
        tiles = [as_image(g) for g in grid]
        rows = [np.concatenate(tiles[i * size:(i + 1) * size], axis=1)
                for i in range(size)]
        ax.imshow(np.concatenate(rows, axis=0), cmap="gray", vmin=0, vmax=1)
    fig.tight_layout()
    return png(fig)


def image_tag(figure: tuple[str, int, int], alt: str) -> str:
    """An ``<img>`` of a :func:`png` figure, at its size in pixels."""
    data, width, height = figure
    return (f"<img src='data:image/png;base64,{data}' width='{width}' "
            f"height='{height}' alt='{html.escape(alt)}'>")


# Marks the body with how many images decoded: "loaded/total".
LOAD_CHECK = """<script>
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var ok = images.filter(function (i) {
    return i.complete && i.naturalWidth > 0;
  }).length;
  document.body.setAttribute("data-loaded", ok + "/" + images.length);
});
</script>"""
