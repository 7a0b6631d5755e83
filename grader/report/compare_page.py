"""``python -m grader compare DIR``: the student's models beside the
reference's, as one self-contained HTML page (images embedded as PNG).

Student code runs in the grader's workers, as for grading; this module only
turns their plain-data results into tables, figures and a page.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from grader.judge import causes
from grader.judge.causes import plain
from grader.judge.checks.structure import compare_rows, structural
from grader.judge.layers import Row, effective_rows
from grader.results import SYMBOL, Report
from grader.tasks import TASKS, Task

DEFAULT_OUT = Path("compare-report")
FIG_DPI = 100
MODELS = ("encoder", "decoder", "auto")


# ------------------------------------------------------------------ figures

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


def latent_figure(student: dict, reference: dict):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.8))
    for ax, (side, result) in zip(axes, (("reference", reference),
                                         ("student", student))):
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
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 4.2))
    for ax, (side, result) in zip(axes, (("reference", reference),
                                         ("student", student))):
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


# ------------------------------------------------------------------ tables

def params(call: dict) -> int:
    return int(sum(np.prod(shape) for shape in call.get("weights", [])))


def table_rows(calls: list[dict]) -> list[tuple[Row, int]]:
    return [(row, params(calls[row.index])) for row in effective_rows(calls)]


def row_cells(row: Row, count: int) -> list[str]:
    size = row.units if row.units is not None else row.filters
    shape = row.kernel or row.pool or row.size or ()
    kernel = "x".join(str(k) for k in shape)
    return [row.kind, "" if size is None else str(size), kernel,
            row.padding or "", row.activation or "",
            str(row.output_shape) if row.output_shape else "", str(count)]


def side_by_side(model: str, student: list[dict] | None,
                 reference: list[dict]) -> tuple[str, str]:
    """(verdict, HTML table) for one model."""
    ref_rows = table_rows(reference)
    mine = table_rows(student) if student is not None else []
    head = ("<tr><th>#</th>" + "".join(
        f"<th>{h}</th>" for h in ("type", "units/filters", "kernel", "padding",
                                  "activation", "output", "params")) * 2
            + "</tr>")
    body = []
    for i in range(max(len(ref_rows), len(mine))):
        cells_r = row_cells(*ref_rows[i]) if i < len(ref_rows) else [""] * 7
        cells_s = row_cells(*mine[i]) if i < len(mine) else [""] * 7
        differs = cells_r != cells_s
        body.append(
            f"<tr class='{'diff' if differs else 'same'}'><td>{i + 1}</td>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells_r)
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells_s)
            + "</tr>")
    if student is None:
        verdict = "the student's model could not be traced"
    else:
        kind = "conv"
        problems = compare_rows(model, structural([r for r, _ in mine], kind),
                                structural([r for r, _ in ref_rows], kind))
        acts = [] if problems else [
            f"layer {i + 1}: activation {a.activation}, expected "
            f"{b.activation}"
            for i, ((a, _), (b, _)) in enumerate(zip(mine, ref_rows))
            if a.activation != b.activation]
        verdict = "; ".join((problems + acts)[:2]) or "same layers"
    table = ("<table><tr><th></th><th colspan='7'>reference</th>"
             "<th colspan='7'>student</th></tr>" + head + "".join(body)
             + "</table>")
    return verdict, table


# ------------------------------------------------------------------ page

CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
tr.diff td { background: #fde2e2; }
.passed { color: #17702f; } .failed { color: #b3261e; }
.skipped { color: #777; } .warning { color: #a86400; }
.error { background: #fff3cd; border: 1px solid #e0c36c; padding: .5em;
         white-space: pre-wrap; }
.wrong { background: #fde2e2; border: 1px solid #e0a0a0; padding: .5em; }
.wrong li { margin: .3em 0; white-space: pre-wrap; }
.verdict { font-weight: bold; }
"""


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


def image_tag(figure: tuple[str, int, int], alt: str) -> str:
    data, width, height = figure
    return (f"<img src='data:image/png;base64,{data}' width='{width}' "
            f"height='{height}' alt='{html.escape(alt)}'>")


def error_box(what: str, error: dict | None) -> str:
    """A student's error on the page, with its cause and fix if known."""
    if not error:
        return f"<p class='error'>{html.escape(what)}: not available</p>"
    text = causes.feedback(error, what, error.get("stage"))
    return f"<p class='error'>{html.escape(text)}</p>"


def wrong_items(task: Task, report: Report) -> list[str]:
    """What is wrong with a task, most telling first: the notes (another
    Keras version), then each failed check's and warning's feedback."""
    notes = report.extra.get("task_notes", {}).get(str(task.number), [])
    items = [f"note: {plain(note)}" for note in notes]
    for r in report.results:
        if r.task == task.number and r.status in ("failed", "warning"):
            items.append(f"{r.title} ({SYMBOL[r.status]}): "
                         f"{plain(r.message)}")
    return items


def versions_in_words(report: Report) -> str:
    """'python 3.11.7, tensorflow 2.21.0, keras 3.15.1 (Keras 3)'."""
    return ", ".join(f"{name} {version}"
                     for name, version in report.versions.items())


def task_section(task: Task, report: Report, student: dict | None,
                 reference: dict) -> tuple[str, str]:
    """(HTML section, one-line summary) for one task."""
    results = [r for r in report.results if r.task == task.number]
    got = sum(r.points for r in results)
    total = sum(r.max_points for r in results)
    parts = [f"<h2>{task.filename} — {got:g}/{total:g}</h2>"]
    wrong = wrong_items(task, report)
    if wrong:
        parts.append("<div class='wrong'><h3>What is wrong</h3><ul>"
                     + "".join(f"<li>{html.escape(item)}</li>"
                               for item in wrong) + "</ul></div>")
    else:
        parts.append("<p class='passed'>Every check passed.</p>")
    first = (student or {}).get("argsets", [{}])[0] if student else {}
    ref_first = reference["argsets"][0]
    parts.append(f"<h3>Layers for {html.escape(task.argsets[0].call())}</h3>")
    verdicts = []
    for model in MODELS:
        calls = first.get("layers", {}).get(model) if first else None
        verdict, table = side_by_side(model, calls,
                                      ref_first["layers"][model])
        verdicts.append(f"{model}: {verdict}")
        parts.append(f"<p class='verdict'>{html.escape(model)}: "
                     f"{html.escape(verdict)}</p>{table}")
    problem = None
    if student is None or not first.get("layers"):
        problem = next((r.message for r in results
                        if r.status == "failed" and r.check in
                        ("loads", "returns")), "the models could not be built")
        parts.append(f"<p class='error'>{html.escape(problem)}</p>")
    parts.append("<h3>Checks</h3><table><tr><th>check</th><th>result</th>"
                 "<th>points</th><th>feedback</th></tr>")
    for r in results:
        parts.append(f"<tr><td>{html.escape(r.title)}</td>"
                     f"<td class='{r.status}'>{r.status}</td>"
                     f"<td>{r.points:g}/{r.max_points:g}</td>"
                     f"<td>{html.escape(plain(r.message))}</td></tr>")
    parts.append("</table>")
    mine = (student or {}).get("pictures") or {}
    ref = reference.get("pictures") or {}
    parts.append(f"<h3>Seeded training: {ref.get('epochs', '?')} epochs on "
                 f"{ref.get('train_size', '?')} "
                 f"{html.escape(ref.get('data_source', ''))}, same weights "
                 "and order for both</h3>")
    if mine.get("error"):
        parts.append(error_box("student's training", mine["error"]))
    elif not mine and problem:
        parts.append(f"<p class='error'>student: {html.escape(problem)}</p>")
    parts.append(image_tag(curves_figure(mine, ref),
                           "loss and val_loss per epoch"))
    parts.append("<h3>Reconstructions of 10 test images</h3>")
    if mine.get("reconstruction_error"):
        parts.append(error_box("student's reconstructions",
                               mine["reconstruction_error"]))
    parts.append(image_tag(reconstructions_figure(mine, ref),
                           "originals, reference and student"))
    if task.kind == "vae":
        parts.append("<h3>Latent space</h3>")
        for key, what in (("latent_error", "student's latent means"),
                          ("grid_error", "student's decoded grid")):
            if mine.get(key):
                parts.append(error_box(what, mine[key]))
        parts.append(image_tag(latent_figure(mine, ref),
                               "latent means coloured by label"))
        parts.append(image_tag(grid_figure(mine, ref),
                               "decoded latent grid"))
    lines = [f"{task.filename}: {got:g}/{total:g}"
             + ("" if wrong else "; every check passed")]
    for item in wrong:
        head, *rest = item.splitlines()
        lines.append(f"  - {head}")
        lines += [f"    {line}" for line in rest if line]
    lines.append("  " + "; ".join(verdicts))
    summary = "\n".join(lines)
    return "\n".join(parts), summary


def write_report(report: Report, out: Path) -> tuple[Path, list[str]]:
    """Writes ``out/index.html``; returns its path and the summary lines."""
    sections, summary = [], []
    for number in sorted(report.measurements):
        student, reference = report.measurements[number]
        section, line = task_section(TASKS[number], report, student,
                                     reference)
        sections.append(section)
        summary.append(line)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>Comparison: {html.escape(report.submission)}</title>"
            f"<style>{CSS}</style></head><body>"
            f"<h1>{html.escape(report.submission)} vs the reference</h1>"
            f"<p>Score {report.score:g}/{report.max_score:g}; graded "
            f"with {html.escape(versions_in_words(report))}</p>"
            + "\n".join(sections) + LOAD_CHECK + "</body></html>\n")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(page)
    return path, summary
