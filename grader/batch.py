"""``python -m grader batch SUBMISSIONS_DIR --out grades.csv``.

Grades every subfolder (one student each). The reference is measured once
(and cached); task files of all students share one pool of workers. Each
student's full report is written next to the CSV, as text and as
Gradescope JSON.
"""
from __future__ import annotations

import argparse
import csv
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.cli import add_common, parse
from grader.isolation import detect
from grader.reference import ReferenceError, reference_results
from grader.report import csv_table
from grader.runner import grade
from grader.tasks import TASKS


def batch_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader batch",
        description="Grades every subfolder of SUBMISSIONS_DIR.")
    parser.add_argument("submissions", help="folder of student folders")
    parser.add_argument("--out", required=True, metavar="grades.csv",
                        help="CSV file to write (reports go to a folder "
                             "beside it)")
    add_common(parser)
    args, options, root = parse(parser, argv, "submissions")
    folders = sorted(p for p in root.iterdir()
                     if p.is_dir() and not p.name.startswith("."))
    out = Path(args.out)
    reports_dir = out.with_suffix("").with_name(out.stem + "-reports")
    reports_dir.mkdir(parents=True, exist_ok=True)
    files = {n: t.filename for n, t in TASKS.items()}
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        try:  # the reference once, before the students share the pool
            reference_results([TASKS[n] for n in options.tasks],
                              options.keras_major, options.limits,
                              options.cache_dir, detect(options.sandbox),
                              pool)
        except ReferenceError as error:
            print(f"grader error: {error}", file=sys.stderr)
            return 3
        with ThreadPoolExecutor(max_workers=max(1, options.workers)) as \
                outer:
            reports = list(outer.map(
                lambda folder: grade(folder, options, pool), folders))
    with open(out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_table.header(options.tasks))
        for folder, report in zip(folders, reports):
            text_path = reports_dir / f"{folder.name}.txt"
            text_path.write_text(report.text(files) + "\n")
            report.write_json(reports_dir / f"{folder.name}.json")
            writer.writerow(csv_table.row(folder.name, report,
                                          options.tasks, str(text_path)))
            print(f"{folder.name}: {report.score:g}/{report.max_score:g}")
    print(f"grades written to {out}")
    return 0
