#!/usr/bin/env python3
"""Benchmark: ``python -m grader batch`` on N copies of the reference folder.

Measures, each as a separate command (TensorFlow's start-up included), with
the reference's measurements already cached:
1. on this machine with ``--workers 1``,
2. on this machine with ``--workers 2``,
3. on Dask, ``--scheduler local:2`` (two single-threaded worker processes),
reporting the total, the cost per folder and the time to the first row
(the first folder's line on stdout, as the CSV gets its row).

Usage: bench/batch_time.py [--copies 20] [--tasks 0,1,2,3] [--keras 3]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader.tasks import TASKS  # noqa: E402

TASK_FILES = tuple(t.filename for t in TASKS.values())
ROW = re.compile(r"^\S+: [\d.]+/[\d.]+")


def timed_batch(command: list[str], env: dict[str, str]
                ) -> tuple[float, float]:
    """Runs a batch; returns (total seconds, seconds to the first row)."""
    start = time.perf_counter()
    first = None
    process = subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if first is None and ROW.match(line):
            first = time.perf_counter() - start
    if process.wait() != 0:
        sys.exit(f"{' '.join(command)} failed:\n{''.join(lines)[-2000:]}")
    return time.perf_counter() - start, first or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--tasks", default="0,1,2,3")
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        tmp_path = Path(tmp)
        env = dict(os.environ, GRADER_CACHE_DIR=str(tmp_path / "cache"),
                   GRADER_KEEP_WARM="0")  # every batch imports TF itself
        common = ["--tasks", args.tasks, "--keras", args.keras]
        subprocess.run([sys.executable, "-m", "grader", *common], cwd=ROOT,
                       env=env, capture_output=True)  # warms the cache
        root = tmp_path / "class"
        for i in range(args.copies):
            folder = root / f"student{i:02d}"
            folder.mkdir(parents=True)
            for name in TASK_FILES:
                shutil.copy2(ROOT / name, folder / name)
        results = {}
        for label, extra in (("local, 1 worker", ["--workers", "1"]),
                             ("local, 2 workers", ["--workers", "2"]),
                             ("Dask local:2", ["--scheduler", "local:2"])):
            out = tmp_path / label.replace(" ", "_").replace(",", "")
            results[label] = timed_batch(
                [sys.executable, "-m", "grader", "batch", str(root),
                 "--out", str(out / "grades.csv"), *common, *extra], env)
    print(f"machine: {os.cpu_count()} CPU cores, Keras {args.keras}, tasks "
          f"{args.tasks}, {args.copies} folders, reference cached, "
          f"MNIST_PATH {'set' if os.environ.get('MNIST_PATH') else 'unset'}")
    for label, (total, first) in results.items():
        print(f"{label:<17} {total:6.1f} s = {total / args.copies:4.1f} s "
              f"per folder; first row after {first:5.1f} s")


if __name__ == "__main__":
    main()
