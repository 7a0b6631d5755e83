#!/usr/bin/env python3
"""Benchmark: wall time to grade the reference folder, and a batch of copies.

Measures, each as a separate command so TensorFlow's start-up is included:
1. a single ``python -m grader`` with a cold reference cache (the reference
   is measured live too) and nothing kept warm,
2. the same with the reference cached (what a student's second run costs),
   twice: with nothing kept (``--keep-warm 0``: every grading imports
   TensorFlow) and forking from the zygote the grading before kept warm
   (the default, ``--keep-warm 600``),
3. ``python -m grader batch`` on N copies of the reference folder, warm
   cache, nothing kept (the batch imports TensorFlow once), reported as
   total and per folder;

and ``import tensorflow`` alone (the median of 3, in the same run), the
floor each figure is also given as a multiple of.

The cold grading's, the batch's and the imports' process trees are
sampled for their CPU-seconds (every 0.05 s: a process's last 0.05 s may
be missed, so the figure is a lower bound); the other commands are only
timed, as sampling costs the sampler about 5% of a core.
For the cold grading and the batch it prints what those CPU-seconds allow
at best on this machine's cores: the cold grading's import (one core)
plus the rest of its CPU-seconds spread over all cores, and the batch's
CPU-seconds per folder spread over all cores. No scheduling can beat
these bounds; only measuring with fewer CPU-seconds can.

The course's four tasks are graded (``--tasks 0,1,2,3``).

Usage: bench/grade_time.py [--copies 10] [--keras 3] [--workers 2]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from grader import tasks  # noqa: E402
import peak_memory  # noqa: E402

# The course's four tasks (what a default grading grades), so figures stay
# comparable with gradings made before the "Going further" tasks existed.
COURSE = getattr(tasks, "COURSE_TASKS", tuple(tasks.TASKS))
TASK_FILES = tuple(tasks.TASKS[n].filename for n in COURSE)


def sampled(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Runs ``command``: its wall time and (at least) the CPU-seconds of
    its process tree."""
    run = peak_memory.sampled(command, env, 0.05, memory=False)
    return run["wall"], run["cpu"]


def timed(command: list[str], env: dict[str, str]) -> float:
    """Runs ``command``: its wall time (nothing sampled meanwhile)."""
    return peak_memory.sampled(command, env, 0.05, memory=False,
                               cpu=False)["wall"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        tmp_path = Path(tmp)
        env = dict(os.environ, GRADER_CACHE_DIR=str(tmp_path / "cache"),
                   GRADER_KEEP_DIR=str(tmp_path / "keep"))
        grade = [sys.executable, "-m", "grader", "--keras", args.keras,
                 "--workers", str(args.workers),
                 "--tasks", ",".join(str(n) for n in COURSE)]
        imports = [sampled([sys.executable, "-c", "import tensorflow"], env)
                   for _ in range(3)]
        floor = statistics.median(wall for wall, _ in imports)
        import_cpu = statistics.median(cpu for _, cpu in imports)
        try:
            cold, cold_cpu = sampled(grade + ["--keep-warm", "0"], env)
            warm = timed(grade + ["--keep-warm", "0"], env)
            timed(grade + ["--keep-warm", "600"], env)  # leaves one kept
            kept = statistics.median(timed(grade + ["--keep-warm", "600"],
                                           env) for _ in range(3))
        finally:
            subprocess.run([sys.executable, "-m", "grader", "stop"],
                           cwd=ROOT, env=env, capture_output=True)
        root = tmp_path / "class"
        for i in range(args.copies):
            folder = root / f"student{i:02d}"
            folder.mkdir(parents=True)
            for name in TASK_FILES:
                shutil.copy2(ROOT / name, folder / name)
        batch, batch_cpu = sampled(
            grade[:3] + ["batch", str(root), "--out",
                         str(tmp_path / "grades.csv")]
            + grade[3:] + ["--keep-warm", "0"], env)
    cores = os.cpu_count() or 1
    cold_bound = floor + max(cold_cpu - import_cpu, 0.0) / cores
    per_folder_cpu = batch_cpu / args.copies
    print(f"machine: {os.cpu_count()} CPU cores, Keras {args.keras}, "
          f"{args.workers} workers, MNIST_PATH "
          f"{'set' if os.environ.get('MNIST_PATH') else 'unset'}")
    print(f"import tensorflow alone (median of 3): {floor:6.1f} s")
    print(f"single grading, cold reference cache: {cold:6.1f} s "
          f"({cold / floor:.1f}x import)")
    print(f"single grading, warm reference cache: {warm:6.1f} s "
          f"({warm / floor:.1f}x import)")
    print(f"the same, forked from the zygote kept warm (median of 3): "
          f"{kept:6.1f} s ({kept / floor:.1f}x import)")
    print(f"batch of {args.copies} folders (warm):  {batch:6.1f} s "
          f"= {batch / args.copies:.1f} s per folder "
          f"({batch / args.copies / floor:.1f}x import)")
    print(f"what the CPU-seconds allow at best on {cores} cores:")
    print(f"  cold grading: {cold_cpu:.1f} CPU-s; the import "
          f"({import_cpu:.1f} CPU-s, one core) then the rest on all cores: "
          f"{cold_bound:.1f} s ({cold_bound / floor:.1f}x import)")
    print(f"  batch: {per_folder_cpu:.1f} CPU-s per folder; on all cores: "
          f"{per_folder_cpu / cores:.1f} s per folder "
          f"({per_folder_cpu / cores / floor:.1f}x import)")


if __name__ == "__main__":
    main()
