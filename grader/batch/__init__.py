"""``python -m grader batch SUBMISSIONS_DIR --out grades.csv``.

Grades every subfolder (one student each) as one job, on this machine or on
a Dask cluster (``--scheduler``): :mod:`grader.batch.jobs` grades one
folder, :mod:`grader.batch.local` and :mod:`grader.batch.cluster` run the
jobs, :mod:`grader.batch.table` writes the CSV as rows complete,
:mod:`grader.batch.progress` shows progress and :mod:`grader.batch.resume`
finds what an interrupted batch already did. Each student's report is
written beside the CSV (text, Gradescope JSON and the status dict), and
the class page :mod:`grader.report.class_page` last; before it,
:mod:`grader.batch.term` writes the regrade report (``--compare``) and the
Canvas import file (``--canvas``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from grader.batch.jobs import pack
from grader.batch.progress import Progress
from grader.batch.resume import kept_rows, record_path
from grader.batch.table import Table, columns, row_of
from grader.batch.version import grader_version
from grader.failures import GraderFailure
from grader.options import Options
from grader.run.isolation import detect, hide_from_workers

if TYPE_CHECKING:
    from grader.batch.term import Term


def reports_dir_of(out: Path) -> Path:
    """``grades.csv`` -> ``grades-reports/``."""
    return out.with_name(out.stem + "-reports")


def student_folders(root: Path) -> list[Path]:
    """The student folders of ``root``: its subfolders, sorted."""
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith("."))


def save_record(record: dict[str, Any], reports_dir: Path) -> Path:
    """Writes the folder's text and Gradescope reports and its status dict;
    returns the text report's path."""
    name = record["student"]
    text_path = reports_dir / f"{name}.txt"
    text_path.write_text(record["text"] + "\n")
    if record.get("gradescope") is not None:
        (reports_dir / f"{name}.json").write_text(
            json.dumps(record["gradescope"], indent=2) + "\n")
    kept = {k: v for k, v in record.items() if k not in ("gradescope",)}
    record_path(reports_dir, name).write_text(json.dumps(kept) + "\n")
    return text_path


def run_batch(root: Path, out: Path, options: Options,
              scheduler: str | None = None, resume: bool = False,
              stream: TextIO | None = None, term: Term | None = None,
              against: list[Path] | None = None) -> int:
    """Grades every folder in ``root``; writes ``out``, the reports and
    the class page, and what ``term`` (a :class:`grader.batch.term.Term`)
    asks for. Every folder is graded with ``options``, the whole object, on
    whichever machine grades it. With ``against`` (a list, maybe empty, of
    known solutions' folders) the class is compared for similarity too
    (:mod:`grader.batch.similarity`). Returns the exit code: 0, or 3 when
    the grader itself failed (the reference could not be measured, some
    row has status ``error``, or the similarity comparison failed)."""
    from grader.report.class_page import write_class_page

    stream = stream or sys.stdout
    version = grader_version(options)
    reports_dir = reports_dir_of(out)
    reports_dir.mkdir(parents=True, exist_ok=True)
    if detect(options.sandbox).level == "uid":
        # Workers share the machine's filesystem view at this level: no
        # student's worker may read the class's folders or the reports.
        for path in hide_from_workers([root, reports_dir]):
            print(f"note: made {path} unreadable to other users, so that "
                  "no student's worker can read it", file=stream)
    folders = student_folders(root)
    packed = {f.name: pack(f) for f in folders}
    tasks = sorted({n for f in folders for n in options.tasks_for(f)}
                   | set(options.tasks))  # a column each
    header = columns(tasks)
    kept = kept_rows(out, reports_dir, {n: d for n, (_, d) in packed.items()},
                     version, header) if resume else {}
    todo = [(name, payload, digest)
            for name, (payload, digest) in packed.items()
            if name not in kept]
    if resume:
        print(f"resume: {len(kept)} of {len(folders)} folders already "
              f"graded, {len(todo)} to grade", file=stream)
    records = {name: record for name, (_, record) in kept.items()}
    table = Table(out, header)
    table.start([row for row, _ in kept.values()])
    progress = Progress(len(todo), stream)
    if scheduler:
        from grader.batch.cluster import run_dask
        results = run_dask(todo, options, version, scheduler)
    else:
        from grader.batch.local import run_local
        results = run_local(todo, options, version)
    try:
        for record in results:
            name = record["student"]
            if name in records:  # a rerun of a finished job: one row each
                continue
            records[name] = record
            text_path = save_record(record, reports_dir)
            table.add(row_of(record, tasks, str(text_path)))
            status = ("" if record["status"] == "graded"
                      else f" [{record['status']}]")
            progress.advance(f"{name}: {record['score']:g}/"
                             f"{record['max_score']:g}{status}")
    except GraderFailure as error:  # before any folder was graded
        print(f"grader error: {error}", file=sys.stderr)
        return 3
    finally:
        progress.close()
        table.finish()
    sections = []
    if term is not None:
        from grader.batch.term import write_term_outputs
        sections = write_term_outputs(term, out, records,
                                      tasks, reports_dir.name,
                                      stream)
    section: str | None = ""
    if against is not None:
        from grader.batch.similarity import similarity_report
        section = similarity_report(root, out, against, tasks,
                                    stream)
    page = write_class_page(out.with_suffix(".html"), records, reports_dir,
                            tasks, sections, section or "")
    print(f"grades written to {out}; class page {page}", file=stream)
    failed = section is None or any(r["status"] == "error"
                                    for r in records.values())
    return 3 if failed else 0
