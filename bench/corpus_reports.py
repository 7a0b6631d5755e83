#!/usr/bin/env python3
"""Grades every corpus folder and writes one JSON report per folder.

``python bench/corpus_reports.py OUT_DIR [--keras 2|3]`` writes
``OUT_DIR/<group>__<folder>.json`` (Gradescope JSON without timings): the
before/after record that proves a change kept every verdict. Compare two
runs with ``bench/compare_reports.py``. ``--under task6`` grades only the
folders under ``tests/corpus/task6``.
"""
from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.options import Limits, Options  # noqa: E402
from grader.pipeline import grade  # noqa: E402
from grader.report.gradescope import results  # noqa: E402
from grader.results import Report  # noqa: E402
from grader.tasks import TASKS  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def folders() -> list[Path]:
    """Every folder of the corpus that holds a task file."""
    found = []
    for path in sorted(CORPUS.rglob("*.py")):
        if path.name in {t.filename for t in TASKS.values()}:
            if path.parent not in found:
                found.append(path.parent)
    return found


def stable(report) -> dict:
    """The report without what varies between runs (time)."""
    data = results(report) if isinstance(report, Report) else report
    data = dict(data)
    data.pop("execution_time", None)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--under", metavar="GROUP",
                        help="only the corpus folders under this one")
    args = parser.parse_args()
    chosen = [f for f in folders() if not args.under
              or f.is_relative_to(CORPUS / args.under)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    options = Options(keras_major=int(args.keras), limits=Limits(180, 8192))

    def one(folder: Path) -> None:
        tasks = [n for n, t in TASKS.items()
                 if (folder / t.filename).is_file()]
        own = Options(**{**options.__dict__, "tasks": tasks})
        report = grade(folder, own)
        name = "__".join(folder.relative_to(CORPUS).parts)
        (out / f"{name}.json").write_text(
            json.dumps(stable(report), indent=1, sort_keys=True) + "\n")

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, chosen))
    print(f"{len(chosen)} reports written to {out}")


if __name__ == "__main__":
    main()
