#!/usr/bin/env python3
"""Benchmark: peak memory of a whole grading of the reference folder.

Runs ``python -m grader`` (all tasks unless ``--tasks``; the reference
measured live with ``--no-cache``, as on a fresh Gradescope container
without a prepared cache) and samples its whole process tree (grader,
fork server, workers) every ``--interval`` seconds. Prints the peak of the
summed RSS (what ``top`` shows; pages shared after fork are counted once
per process, so it overstates) and of the summed PSS (shared pages split
between the processes sharing them: what a container's memory limit
sees), and the Gradescope memory setting to choose.

Usage: bench/peak_memory.py [--tasks 0,1,2,3] [--keras 3] [--workers 1]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader.platforms.gradescope import memory_setting_mb  # noqa: E402


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """(summed RSS, summed PSS) in bytes of ``process`` and descendants."""
    rss = pss = 0
    try:
        members = [process] + process.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for member in members:
        try:
            info = member.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="0,1,2,3")
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()
    command = [sys.executable, "-m", "grader", str(ROOT), "--tasks",
               args.tasks, "--keras", args.keras, "--workers",
               str(args.workers), "--no-cache"]
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
                                      GRADER_KEEP_WARM="0"))
    process = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
    while child.poll() is None:
        rss, pss = tree_memory(process)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(args.interval)
    output = child.stdout.read()
    seconds = time.monotonic() - started
    if child.returncode != 0:
        sys.exit(f"grading failed ({child.returncode}):\n{output[-3000:]}")
    mb = 1024 * 1024
    choice = memory_setting_mb(peak_pss / mb, peak_rss / mb)
    print(f"tasks {args.tasks}, Keras {args.keras}, {args.workers} "
          f"worker(s), {seconds:.1f} s")
    print(f"peak RSS (summed over the process tree): {peak_rss / mb:.0f} MB")
    print(f"peak PSS (summed over the process tree): {peak_pss / mb:.0f} MB")
    print(f"memory setting to choose: {choice / 1024:g} GB "
          "(max(1.5 x PSS, RSS), rounded up to 512 MB)")


if __name__ == "__main__":
    main()
