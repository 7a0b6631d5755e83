"""The class page ``grades.html``: what a whole batch got wrong, at a glance.

Built from the batch's status dicts (:func:`grader.batch.jobs.grade_job`),
never recomputing a score. One self-contained page: the histograms are
PNGs embedded as base64, the links go to the text reports beside it.
"""
from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader.report.compare_page import LOAD_CHECK, image_tag, png, pyplot
from grader.report.similarity_section import CSS as SIMILARITY_CSS
from grader.tasks import TASKS

CSS = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #bbb; padding: 3px 8px; text-align: left;
         vertical-align: top; }
th { background: #eee; }
.bad { color: #a00; }
.figures img { margin: 0 1em 1em 0; border: 1px solid #ddd; }
.students a { margin-right: 0.6em; white-space: nowrap; }
"""
TOP_CAUSES = 30
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
LIST = re.compile(r"\[[#,\s]*\]")  # [128, 64] and [20] alike
CALL = re.compile(r"^for autoencoder\([^)]*\)[:,]?\s*")  # the argument set


def normalized(message: str) -> str:
    """A failure message's gist: its first clause after the argument set
    (``for autoencoder(...):``), numbers as ``#``, lists of them as ``[#]``.

    Messages name the argument set, sizes and values; those differ between
    students who made the same mistake, so they are dropped.
    """
    first = CALL.sub("", (message.strip().splitlines() or [""])[0])
    for stop in ("; ", ". ", ": "):
        first = first.split(stop, 1)[0]
    gist = LIST.sub("[#]", NUMBER.sub("#", first))
    return " ".join(gist.split())


def link(name: str, reports: str) -> str:
    """An HTML link to one student's report."""
    return (f"<a href='{html.escape(reports)}/{quote(name)}.txt'>"
            f"{html.escape(name)}</a>")


def histogram(values: list[float], top: float, title: str,
              xlabel: str) -> tuple[str, int, int]:
    """The score histogram, as SVG."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.2, 2.8))
    bins = min(20, max(1, int(round(top)))) if top > 0 else 1
    ax.hist(values, bins=bins, range=(0, max(top, 1e-9)), color="#4a7ab5",
            edgecolor="white")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("students")
    fig.tight_layout()
    return png(fig)


def rate_chart(rates: list[tuple[str, float]]) -> tuple[str, int, int]:
    """Each check's pass rate, as SVG."""
    plt = pyplot()
    shown = rates[:15][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(shown) + 1.0))
    ax.barh([label[:60] for label, _ in shown],
            [100 * rate for _, rate in shown], color="#c0504d")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of students failing")
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return png(fig)


def graded_normally(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's check results of the tasks whose file ran and brought
    back a result: a timeout, crash or missing file fails every check of
    its task, which would only repeat the problems section."""
    workers = (record.get("extra") or {}).get("workers", {})
    return [r for r in record.get("results", [])
            if workers.get(str(r["task"]), "ok") == "ok"]


def check_label(result: dict[str, Any]) -> str:
    """A check's label on the chart."""
    return f"task {result['task']}: {result['title']}"


def write_class_page(path: Path, records: dict[str, dict[str, Any]],
                     reports_dir: Path, tasks: list[int],
                     sections: list[str] | None = None,
                     similarity: str = "") -> Path:
    """Writes the class page to ``path`` and returns it; ``sections``
    (HTML) go under the heading (:mod:`grader.report.term_sections`), and
    ``similarity`` is the similarity section's HTML, if any
    (:mod:`grader.report.similarity_section`)."""
    reports = reports_dir.name
    names = sorted(records)
    graded = [n for n in names if records[n].get("results")]
    statuses = Counter(records[n]["status"] for n in names)
    parts = [f"<h1>Class report: {len(names)} students</h1>",
             "<p>" + ", ".join(f"{count} {html.escape(status)}"
                               for status, count in sorted(statuses.items()))
             + "</p>"] + list(sections or [])

    # Score distributions.
    figures = []
    for n in tasks:
        scores = [records[s]["scores"][str(n)] for s in graded
                  if str(n) in records[s].get("scores", {})]
        if scores:
            top = max(total for _, total in scores)
            figures.append(image_tag(histogram(
                [got for got, _ in scores], top,
                f"{TASKS[n].filename} ({len(scores)} students)",
                f"points of {top:g}"), f"task {n} scores"))
    overall = [100 * records[s]["score"] / records[s]["max_score"]
               for s in graded if records[s]["max_score"]]
    if overall:
        figures.append(image_tag(histogram(
            overall, 100, f"overall ({len(overall)} students)",
            "% of the points"), "overall scores"))
    mean = sum(overall) / len(overall) if overall else 0.0
    parts += ["<h2>Score distribution</h2>",
              f"<p>Mean {mean:.1f}% over {len(overall)} students.</p>",
              "<div class='figures'>" + "".join(figures) + "</div>"]

    # Failure rate of every check, and the causes of the failures.
    counted: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    labels: dict[tuple, str] = {}
    causes: dict[tuple, list[str]] = defaultdict(list)
    examples: dict[tuple, str] = {}
    for name in graded:
        for result in graded_normally(records[name]):
            key = (result["task"], result["check"])
            labels[key] = check_label(result)
            counted[key][1] += 1
            if result["status"] != "failed":
                continue
            counted[key][0] += 1
            cause = key + (normalized(result["message"]),)
            causes[cause].append(name)
            examples.setdefault(cause, result["message"].splitlines()[0]
                                if result["message"] else "")
    rates = sorted(((labels[k], failed / total, k, failed, total)
                    for k, (failed, total) in counted.items()),
                   key=lambda r: (-r[1], r[2]))
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{failed}/{total}</td>"
        f"<td>{100 * rate:.0f}%</td></tr>"
        for label, rate, _, failed, total in rates)
    failing = [(label, rate) for label, rate, *_ in rates if rate > 0]
    chart = (image_tag(rate_chart(failing), "failure rates per check")
             if failing else "<p>No check failed.</p>")
    parts += ["<h2>Failure rate of each check</h2>",
              "<p>Per task, over the students whose file of that task was "
              "graded without a problem (timeouts, crashes and missing files "
              "are listed below, not counted here).</p>",
              f"<div class='figures'>{chart}</div>",
              "<table id='rates'><tr><th>check</th><th>failed</th>"
              "<th>rate</th></tr>"
              f"{rows}</table>"]
    ranked = sorted(causes.items(), key=lambda c: (-len(c[1]), c[0]))
    rows = "".join(
        f"<tr><td>{len(students)}</td><td>{html.escape(labels[cause[:2]])}"
        f"</td><td>{html.escape(examples[cause])}</td>"
        "<td class='students'>"
        + "".join(link(s, reports) for s in students) + "</td></tr>"
        for cause, students in ranked[:TOP_CAUSES])
    parts += ["<h2>Most frequent causes of failure</h2>",
              "<p>Failed checks grouped by check and by the gist of their "
              "feedback (first clause, numbers left out); one example "
              "message each.</p>",
              "<table id='causes'><tr><th>students</th><th>check</th>"
              "<th>feedback "
              f"(example)</th><th>who</th></tr>{rows}</table>"
              if ranked else "<p>None.</p>"]

    # Gradings with a problem, and folders whose files were tampered with.
    problems = [n for n in names if records[n]["status"] != "graded"]
    rows = "".join(
        f"<tr><td>{link(n, reports)}</td><td class='bad'>"
        f"{html.escape(records[n]['status'])}</td>"
        f"<td>{html.escape(records[n].get('detail') or '')}</td></tr>"
        for n in problems)
    parts += ["<h2>Students whose grading had a problem</h2>",
              "<table id='problems'><tr><th>student</th><th>status</th>"
              "<th>what happened"
              f"</th></tr>{rows}</table>" if problems else "<p>None.</p>"]
    tampered = [(n, r) for n in graded for r in records[n]["results"]
                if r["check"] == "integrity" and r["status"] == "failed"]
    has_integrity = any(r["check"] == "integrity" for n in graded
                        for r in records[n]["results"])
    rows = "".join(
        f"<tr><td>{link(n, reports)}</td><td>task {r['task']}</td>"
        f"<td>{html.escape(r['message'])}</td></tr>" for n, r in tampered)
    parts += ["<h2>Integrity check failed</h2>",
              "<table id='integrity'><tr><th>student</th><th>task</th>"
              "<th>finding</th></tr>"
              f"{rows}</table>" if tampered else
              "<p>None.</p>" if has_integrity else
              "<p>This grader has no integrity check.</p>"]
    if similarity:
        parts.append(similarity)
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<title>Class report</title>"
            f"<style>{CSS}{SIMILARITY_CSS}</style></head><body>"
            + "\n".join(parts)
            + LOAD_CHECK + "</body></html>\n")
    path.write_text(page)
    return path
