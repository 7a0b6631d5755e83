"""``python -m grader compare DIR``: the student's models beside the
reference's, as one self-contained HTML page (images embedded as PNG).

Student code runs in the grader's workers, as for grading. The page never
judges: its verdicts, messages and points are the grading's own check
results (:class:`grader.results.Report`), and its tables and figures show
the measurements those checks read (``report.measurements``).
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from grader.judge.causes import describe, plain
from grader.judge.evidence import Side
from grader.judge.layers import Row
from grader.measurements import ErrorInfo
from grader.report.divergence import (Divergence, divergence,
                                      divergence_sentence, empty_sentence)
from grader.report.lowlevel_page import variables_part
from grader.report.figures import (LOAD_CHECK, curves_figure, grid_figure,
                                   image_tag, latent_figure, png, pyplot,
                                   reconstructions_figure)
from grader.results import SYMBOL, CheckResult, Report
from grader.tasks import TASKS, Task

# Re-exported for the pages and tests that import them from here.
__all__ = ["DEFAULT_OUT", "LOAD_CHECK", "image_tag", "png", "pyplot",
           "reconstructions_figure", "write_report"]

DEFAULT_OUT = Path("compare-report")
# Each model's table, and the grading's check that judged that model.
MODELS = (("encoder", "encoder-layers"), ("decoder", "decoder-layers"),
          ("auto", "weight-sharing"))
# The grading's checks that cover what the page's own seeded run (the
# pictures) needed, by the measured error they would show.
PICTURE_CHECKS = {
    "error": ("loads", "returns", "seeded-training", "lowlevel-module"),
    "reconstruction_error": ("forward-pass", "seeded-training"),
    "latent_error": ("encoder-outputs", "forward-pass", "seeded-training"),
    "grid_error": ("forward-pass", "seeded-training"),
}
# The student's picture behind each of those errors.
PICTURES = {"reconstruction_error": "reconstructions",
            "latent_error": "latent_means", "grid_error": "grid"}


# ------------------------------------------------------------------ tables

def params(call: dict) -> int:
    return int(sum(np.prod(shape) for shape in call.get("weights", [])))


def table_rows(argset: dict | None, model: str) -> list[tuple[Row, int]]:
    """One argument set's measured rows of a model, as the checks see them
    (:meth:`grader.judge.evidence.Side.rows`), with each row's parameters."""
    if not argset:
        return []
    calls = argset.get("layers", {}).get(model) or []
    return [(row, params(calls[row.index]))
            for row in Side(argset).rows(model)]


def row_cells(row: Row, count: int) -> list[str]:
    size = row.units if row.units is not None else row.filters
    shape = row.kernel or row.pool or row.size or ()
    kernel = "x".join(str(k) for k in shape)
    return [row.kind, "" if size is None else str(size), kernel,
            row.padding or "", row.activation or "",
            str(row.output_shape) if row.output_shape else "", str(count)]


def side_by_side(student: list[tuple[Row, int]],
                 reference: list[tuple[Row, int]]) -> str:
    """The reference's and the student's rows of one model, row by row (no
    highlighting: whether they differ is the check's to say)."""
    head = ("<tr><th>#</th>" + "".join(
        f"<th>{h}</th>" for h in ("type", "units/filters", "kernel", "padding",
                                  "activation", "output", "params")) * 2
            + "</tr>")
    body = []
    for i in range(max(len(reference), len(student))):
        cells_r = row_cells(*reference[i]) if i < len(reference) else [""] * 7
        cells_s = row_cells(*student[i]) if i < len(student) else [""] * 7
        body.append(f"<tr><td>{i + 1}</td>"
                    + "".join(f"<td>{html.escape(c)}</td>" for c in cells_r)
                    + "".join(f"<td>{html.escape(c)}</td>" for c in cells_s)
                    + "</tr>")
    return ("<table><tr><th></th><th colspan='7'>reference</th>"
            "<th colspan='7'>student</th></tr>" + head + "".join(body)
            + "</table>")


def verdict_html(model: str, result: CheckResult | None) -> str:
    """The grading's verdict on one model: its check's status and message."""
    if result is None:
        return (f"<p class='verdict'>{html.escape(model)}: no check of the "
                "grading judges this model</p>")
    message = plain(result.message)
    return (f"<p class='verdict' data-check='{html.escape(result.check)}' "
            f"data-status='{result.status}'>{html.escape(model)} — "
            f"{html.escape(result.title)}: <span class='{result.status}'>"
            f"{SYMBOL[result.status]}</span>"
            + (f"<br>{html.escape(message)}" if message else "") + "</p>")


# ------------------------------------------------------------------ page

CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
h2 { border-bottom: 2px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
.passed { color: #17702f; } .failed { color: #b3261e; }
.skipped { color: #777; } .warning { color: #a86400; }
.error { background: #fff3cd; border: 1px solid #e0c36c; padding: .5em;
         white-space: pre-wrap; }
.wrong { background: #fde2e2; border: 1px solid #e0a0a0; padding: .5em; }
.wrong li { margin: .3em 0; white-space: pre-wrap; }
.verdict { font-weight: bold; white-space: pre-wrap; }
.diverged, .empty { background: #fff0e0; border: 1px solid #e0a060;
                    padding: .5em; }
"""


def failed_check(report: Report, task: int, checks: tuple[str, ...]
                 ) -> CheckResult | None:
    """The first of these checks that the grading failed, or None."""
    for check_id in checks:
        result = report.find(task, check_id)
        if result is not None and result.status == "failed":
            return result
    return None


def error_box(what: str, error: ErrorInfo | None,
              result: CheckResult | None) -> str:
    """That the student's ``what`` could not be made: the grading's own
    failed check that covers it (title and message), else the measured
    error as it was recorded."""
    if result is not None:
        text = (f"{what}: not available. {result.title} "
                f"({SYMBOL[result.status]}): {plain(result.message)}")
    else:
        text = (f"{what}: not available (no check of the grading failed "
                f"on it); the page's run stopped with {describe(error or {})}")
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


def layers_part(task: Task, report: Report, student: dict | None,
                reference: dict) -> tuple[list[str], list[str]]:
    """(HTML parts, summary words): each model's measured rows, student's
    beside the reference's, under the verdict of the grading's check of
    that model."""
    first = ((student or {}).get("argsets") or [{}])[0]
    ref_first = reference["argsets"][0]
    parts = [f"<h3>Layers for {html.escape(task.argsets[0].call())}</h3>"]
    words = []
    for model, check_id in MODELS:
        result = report.find(task.number, check_id)
        words.append(f"{model}: " + (SYMBOL[result.status] if result
                                     else "no check"))
        parts.append(verdict_html(model, result))
        parts.append(side_by_side(table_rows(first, model),
                                  table_rows(ref_first, model)))
    return parts, words


def pictures_part(task: Task, report: Report, student: dict | None,
                  reference: dict, diverged: Divergence | None = None
                  ) -> list[str]:
    """The seeded training's curves, reconstructions and latent pictures,
    with the grading's failed check where the student's could not be made,
    and why a picture of the student's draws nothing."""
    mine = (student or {}).get("pictures") or {}
    ref = reference.get("pictures") or {}

    def errors(*keys_whats: tuple[str, str]) -> list[str]:
        boxes = []
        for key, what in keys_whats:
            covering = failed_check(report, task.number, PICTURE_CHECKS[key])
            # no pictures at all: the models did not load or build
            if mine.get(key) or (key == "error" and not mine and covering):
                boxes.append(error_box(what, mine.get(key), covering))
            empty = empty_sentence(what, mine.get(PICTURES.get(key, "")),
                                   diverged)
            if empty:  # measured, but nothing (or not all) can be drawn
                boxes.append(f"<p class='empty'>{html.escape(empty)}</p>")
        return boxes

    parts = [f"<h3>Seeded training: {ref.get('epochs', '?')} epochs on "
             f"{ref.get('train_size', '?')} "
             f"{html.escape(ref.get('data_source', ''))}, same weights "
             "and order for both</h3>"]
    parts += errors(("error", "student's training"))
    parts.append(image_tag(curves_figure(mine, ref),
                           "loss and val_loss per epoch"))
    parts.append("<h3>Reconstructions of 10 test images</h3>")
    parts += errors(("reconstruction_error", "student's reconstructions"))
    parts.append(image_tag(reconstructions_figure(mine, ref),
                           "originals, reference and student"))
    if task.kind == "vae":
        parts.append("<h3>Latent space</h3>")
        parts += errors(("latent_error", "student's latent means"),
                        ("grid_error", "student's decoded grid"))
        parts.append(image_tag(latent_figure(mine, ref),
                               "latent means coloured by label"))
        parts.append(image_tag(grid_figure(mine, ref),
                               "decoded latent grid"))
    return parts


def task_section(task: Task, report: Report, student: dict | None,
                 reference: dict) -> tuple[str, str]:
    """(HTML section, one-line summary) for one task."""
    results = [r for r in report.results if r.task == task.number]
    got, total = report.task_scores().get(task.number, (0.0, 0.0))
    parts = [f"<h2 data-score='{got:g}/{total:g}'>{task.filename} — "
             f"{got:g}/{total:g}</h2>"]
    ref_pictures = reference.get("pictures") or {}
    diverged = divergence((student or {}).get("pictures") or {},
                          ref_pictures)
    said = divergence_sentence(diverged, ref_pictures, report, task.number) \
        if diverged else ""
    if said:
        parts.append(f"<p class='diverged'>{html.escape(said)}</p>")
    wrong = wrong_items(task, report)
    if wrong:
        parts.append("<div class='wrong'><h3>What is wrong</h3><ul>"
                     + "".join(f"<li>{html.escape(item)}</li>"
                               for item in wrong) + "</ul></div>")
    else:
        parts.append("<p class='passed'>Every check passed.</p>")
    layers, words = (variables_part if task.kind == "lowlevel" else
                     layers_part)(task, report, student, reference)
    parts += layers
    parts.append("<h3>Checks</h3><table><tr><th>check</th><th>result</th>"
                 "<th>points</th><th>feedback</th></tr>")
    for r in results:
        parts.append(f"<tr><td>{html.escape(r.title)}</td>"
                     f"<td class='{r.status}'>{r.status}</td>"
                     f"<td>{r.points:g}/{r.max_points:g}</td>"
                     f"<td>{html.escape(plain(r.message))}</td></tr>")
    parts.append("</table>")
    parts += pictures_part(task, report, student, reference, diverged)
    lines = [f"{task.filename}: {got:g}/{total:g}"
             + ("" if wrong else "; every check passed")]
    for item in wrong:
        head, *rest = item.splitlines()
        lines.append(f"  - {head}")
        lines += [f"    {line}" for line in rest if line]
    lines += [f"  {said}"] if said else []
    lines.append("  " + "; ".join(words))
    return "\n".join(parts), "\n".join(lines)


def write_report(report: Report, out: Path) -> tuple[Path, list[str]]:
    """Writes ``out/index.html``; returns its path and the summary lines."""
    sections, summary = [], []
    for number in sorted(report.measurements):
        student, reference = report.measurements[number]
        section, line = task_section(TASKS[number], report, student,
                                     reference)
        sections.append(section)
        summary.append(line)
    # the folder's name: the machine's path says nothing to a reader
    name = html.escape(Path(report.submission).resolve().name)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>Comparison: {name}</title>"
            f"<style>{CSS}</style></head><body>"
            f"<h1>{name} vs the reference</h1>"
            f"<p>Score {report.score:g}/{report.max_score:g}; graded "
            f"with {html.escape(versions_in_words(report))}</p>"
            + "\n".join(sections) + LOAD_CHECK + "</body></html>\n")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(page)
    return path, summary
