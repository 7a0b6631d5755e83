"""The comparison's figures: training curves, reconstructions and (VAE)
latent pictures of the student beside the reference, as embedded PNGs.

Plain drawing of measured values (grader.measure.pictures): no verdicts.
Also used by the class page and PrairieLearn's images.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np

FIG_DPI = 100


def pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(fig: Any) -> tuple[str, int, int]:
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
    side = int(round(np.sqrt(array.size)))
    if array.ndim == 1 and side * side == array.size:  # task 5: 32x32
        return np.clip(array.reshape(side, side), 0, 1)
    if array.ndim == 3 and array.shape[-1] == 1:
        return array[..., 0]
    return np.clip(array, 0, 1)


SEPARATE_SCALE = 10.0  # the student's loss this many times the reference's


def separate_scales(student: dict, reference: dict) -> float | None:
    """The reference's largest loss where the student's losses would
    flatten its curve on one axis (their largest finite magnitude over
    SEPARATE_SCALE times the reference's), else None."""
    def largest(result: dict) -> float:
        values = np.asarray([v for key in ("loss", "val_loss")
                             for v in result.get(key) or []], "float64")
        values = np.abs(values[np.isfinite(values)])
        return float(values.max()) if values.size else 0.0

    mine, ref = largest(student), largest(reference)
    return ref if ref > 0 and mine > SEPARATE_SCALE * ref else None


def decade_ticks(limits: tuple[float, float], linear: float,
                 most: int = 6) -> list[float]:
    """At most about ``most`` ticks of powers of ten (and 0) between
    ``limits`` on a symmetric log axis linear up to ``linear``."""
    low, high = limits
    top = max(abs(low), abs(high), linear * 10)
    powers = list(range(int(np.ceil(np.log10(linear))),
                        int(np.ceil(np.log10(top))) + 1))
    step = max(1, -(-len(powers) // most))
    ticks = [0.0]
    for power in powers[::-1][::step]:
        ticks += [sign * 10.0 ** power for sign in (-1, 1)
                  if low <= sign * 10.0 ** power <= high]
    return sorted(ticks)


def draw_curves(ax: Any, result: dict[str, Any], side: str, style: str
                ) -> None:
    """One side's loss and val_loss per epoch (non-finite values are left
    out of the line)."""
    for key, color in (("loss", "tab:blue"), ("val_loss", "tab:orange")):
        values = np.asarray(result.get(key) or [], "float64")
        if values.size:
            values[~np.isfinite(values)] = np.nan
            ax.plot(range(1, len(values) + 1), values, style, color=color,
                    marker="o", label=f"{side} {key}")


def curves_axes(student: dict[str, Any], reference: dict[str, Any]
                ) -> tuple[Any, Any, Any]:
    """The loss figure and its axes: (figure, reference's axis, student's
    axis). Where the student's losses would flatten the reference's, the
    student's get their own scale on the right, labelled so."""
    fig, ax = pyplot().subplots(figsize=(6.4, 3.6))
    scale = separate_scales(student, reference)
    own = ax.twinx() if scale else ax
    draw_curves(ax, reference, "reference", "-")
    draw_curves(own, student, "student", "--")
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if own is ax or scale is None:
        ax.set_ylabel("loss")
    else:  # linear up to the reference's size, logarithmic beyond
        own.set_yscale("symlog", linthresh=scale)
        own.set_yticks(decade_ticks(own.get_ylim(), scale))
        ax.set_ylabel("reference loss (left, linear)")
        own.set_ylabel("student loss (right, symmetric log)",
                       color="tab:red")
        own.tick_params(axis="y", colors="tab:red")
        ax.set_title("the student's loss has its own scale (right): on the "
                     "reference's it would flatten it", fontsize=8)
    lines = ax.lines + (own.lines if own is not ax else [])
    if lines:
        ax.legend(lines, [line.get_label() for line in lines], fontsize=8)
    fig.tight_layout()
    return fig, ax, own


def curves_figure(student: dict[str, Any], reference: dict[str, Any]
                  ) -> Any:
    """The loss and val_loss curves of both sides, as a PNG."""
    return png(curves_axes(student, reference)[0])


def no_picture(ax: Any, values: Any) -> bool:
    """Writes on ``ax`` why ``values`` draw nothing (not measured, or no
    finite value); True if so."""
    if values is not None and np.isfinite(
            np.asarray(values, "float64")).any():
        return False
    ax.text(0.5, 0.5, "not available" if values is None else
            "nothing to draw:\nno finite values", ha="center", va="center",
            transform=ax.transAxes, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    return True


def reconstructions_figure(student: dict[str, Any],
                           reference: dict[str, Any]) -> Any:
    plt = pyplot()
    rows = [("original", reference.get("originals")),
            ("reference", reference.get("reconstructions")),
            ("student", student.get("reconstructions"))]
    fig, axes = plt.subplots(3, 10, figsize=(8.0, 2.8))
    for r, (label, images) in enumerate(rows):
        for c in range(10):
            ax = axes[r][c]
            ax.axis("off")
            if images is not None and len(images) > c and np.isfinite(
                    np.asarray(images[c], "float64")).any():
                ax.imshow(as_image(images[c]), cmap="gray", vmin=0, vmax=1)
        if label == "student":
            no_picture(axes[r][4], images)
        axes[r][0].set_title(label, fontsize=8, loc="left")
    fig.tight_layout()
    return png(fig)


def side_by_side(student: dict[str, Any], reference: dict[str, Any],
                 size: tuple[float, float]) -> Any:
    """A figure of two panels, and (axes, side's name, side's pictures)
    for the reference (left) and the student (right)."""
    fig, axes = pyplot().subplots(1, 2, figsize=size)
    return fig, zip(axes, ("reference", "student"), (reference, student))


def latent_figure(student: dict[str, Any], reference: dict[str, Any]
                  ) -> Any:
    """The latent means of test digits, coloured by label, side by side."""
    fig, panels = side_by_side(student, reference, (8.0, 3.8))
    for ax, side, result in panels:
        means = result.get("latent_means")
        ax.set_title(f"{side}: latent means, coloured by label", fontsize=9)
        # (for synthetic images the "label" is the number of strokes)
        if no_picture(ax, means):
            continue
        if means.ndim != 2 or means.shape[1] < 2:
            ax.text(0.5, 0.5, "not available", ha="center")
            continue
        ax.scatter(means[:, 0], means[:, 1], s=4, cmap="tab10", vmin=0,
                   vmax=9, c=result.get("latent_labels"))
    fig.tight_layout()
    return png(fig)


def grid_figure(student: dict[str, Any], reference: dict[str, Any]
                ) -> Any:
    """The decoded grid of the latent plane, side by side."""
    fig, panels = side_by_side(student, reference, (8.0, 4.2))
    for ax, side, result in panels:
        ax.axis("off")
        ax.set_title(f"{side}: decoded latent grid", fontsize=9)
        grid = result.get("grid")
        if no_picture(ax, grid):
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
