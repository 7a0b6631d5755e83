"""PrairieLearn's external-grading ``results.json`` (docs/externalGrading.md).

``score`` is the fraction of the points (0 to 1); one test per check with
its own points; ``images`` carries, per task, the reconstructions of ten
test digits (originals, the reference's and the student's) after the
compare page's short seeded training, as PNG data URLs. PrairieLearn
refuses files over 1 MB: images are dropped, then long texts cut, until
the file fits.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from grader.report.text import render, summary
from grader.results import Report
from grader.tasks import TASKS

MAX_BYTES = 1_000_000
BUDGET = 950_000  # leaves room for what PrairieLearn adds around it
CUT_MESSAGE = 1500


def reconstruction_images(report: Report
                          ) -> list[dict[str, str]]:
    """Per task graded in compare mode, the reconstruction figure."""
    from grader.report.figures import reconstructions_figure

    images = []
    for number in sorted(report.measurements):
        student, reference = report.measurements[number]
        mine = (student or {}).get("pictures") or {}
        ref = reference.get("pictures") or {}
        if ref.get("reconstructions") is None:
            continue
        encoded, _, _ = reconstructions_figure(mine, ref)
        note = ("" if mine.get("reconstructions") is not None else
                " (yours could not be computed: see the checks)")
        images.append({
            "label": f"{TASKS[number].filename}: 10 test images, the "
                     "reference's and your reconstructions after "
                     f"{ref.get('epochs', '?')} epochs of seeded training"
                     + note,
            "url": f"data:image/png;base64,{encoded}"})
    return images


def results(report: Report, images: Iterable[dict[str, str]] = (),
            notes: Iterable[str] = ()) -> dict[str, Any]:
    """``report`` as PrairieLearn's results.json (under 1 MB)."""
    data: dict[str, Any] = {
        "gradable": True,
        "score": (report.score / report.max_score if report.max_score
                  else 0.0),
        "message": "\n".join(list(notes) + [summary(report)]),
        "output": render(report, {n: t.filename for n, t in TASKS.items()}),
        "tests": [{
            "name": f"Task {r.task}: {r.title}",
            "description": r.name,
            "points": r.points,
            "max_points": r.max_points,
            "message": r.message,
            "output": "",
        } for r in report.results],
        "images": list(images),
    }
    return fit(data)


def failure(message: str) -> dict[str, Any]:
    """A submission that could not be graded: PrairieLearn shows
    ``message`` and does not count the attempt (``gradable`` false)."""
    return {"gradable": False, "score": 0.0, "message": message,
            "output": "", "tests": [], "images": []}


def size(data: dict[str, Any]) -> int:
    """The JSON size of ``data`` in bytes."""
    return len(json.dumps(data).encode())


def fit(data: dict[str, Any]) -> dict[str, Any]:
    """Drops images, then cuts long texts, until ``data`` is within
    :data:`BUDGET` bytes; scores and points are never changed."""
    while data["images"] and size(data) > BUDGET:
        data["images"].pop()
    if size(data) > BUDGET:
        data["output"] = data["output"][:CUT_MESSAGE]
        for test in data["tests"]:
            if len(test["message"]) > CUT_MESSAGE:
                test["message"] = test["message"][:CUT_MESSAGE] + " [...]"
    return data
