#!/usr/bin/env python3
"""Benchmark: ``python -m grader similarity`` on a generated class.

Generates N student folders (four task files each): folder i takes, for
each task, one of the project's independent solutions (the tests'
corpus, in turn) disguised with its own names, docstrings, comments and
order of functions (``tests/similarity_corpus.py``), so every solution
recurs in many folders: the worst case, where most pairs share fragments
and many are flagged. Then times the command as a user runs it (Python's
start included), against the tests' known folder, CSV written.

Usage: bench/similarity_time.py [--folders 300]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from grader.tasks import TASKS  # noqa: E402
from similarity_corpus import (SIMILARITY, disguise,  # noqa: E402
                               independent_folders)


def generate(root: Path, folders: int) -> int:
    """Writes the class; returns how many task files it has."""
    pools = {n: [f / t.filename for f in independent_folders().values()
                 if (f / t.filename).is_file()]
             for n, t in TASKS.items()}
    files = 0
    for i in range(folders):
        folder = root / f"student{i:03d}"
        folder.mkdir(parents=True)
        for n, task in TASKS.items():
            origin = pools[n][(i * (n + 1)) % len(pools[n])]
            (folder / task.filename).write_text(
                disguise(origin.read_text(), f"s{i}"))
            files += 1
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folders", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        klass = Path(scratch) / "class"
        files = generate(klass, args.folders)
        out = Path(scratch) / "similarity.csv"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "grader", "similarity", str(klass),
             "--against", str(SIMILARITY / "known"), "--out", str(out)],
            cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}):\n{done.stderr[-3000:]}")
        rows = sum(1 for _ in out.open()) - 1
        flagged = sum(1 for line in out.open() if ",yes," in line)
    print(f"{args.folders} folders, {files} task files: {rows} pairs, "
          f"{flagged} flagged, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
