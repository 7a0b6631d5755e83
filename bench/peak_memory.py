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


def tree_cpu(process: psutil.Process, seen: dict[int, float]) -> None:
    """Records in ``seen`` the CPU-seconds so far of ``process`` and each
    of its descendants (a process's own, not its children's)."""
    try:
        members = [process] + process.children(recursive=True)
    except psutil.Error:
        return
    for member in members:
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        seen[member.pid] = max(seen.get(member.pid, 0.0),
                               times.user + times.system)


def sampled(command: list[str], env: dict[str, str], interval: float,
            memory: bool = True, cpu: bool = True) -> dict[str, float]:
    """Runs ``command`` in the repository's root, sampling its process
    tree every ``interval`` seconds until it ends: ``wall`` seconds and,
    with ``cpu``, its ``cpu`` seconds (a process's last ``interval`` may
    be missed, so a lower bound) and, with ``memory``, the peak summed
    ``rss`` and ``pss`` in bytes (each sample costs the sampler CPU-time
    the command could have used: sample only what is reported). Exits with
    the command's output if it fails."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    process, seen = psutil.Process(child.pid), {}
    peak_rss = peak_pss = 0
    while child.poll() is None:
        if memory:
            rss, pss = tree_memory(process)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if cpu:
            tree_cpu(process, seen)
        time.sleep(interval)
    wall = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n"
                 f"{output[-3000:]}")
    return {"wall": wall, "cpu": sum(seen.values()), "rss": peak_rss,
            "pss": peak_pss}


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
    run = sampled(command, dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
                                GRADER_KEEP_WARM="0"), args.interval)
    seconds, peak_rss, peak_pss = run["wall"], run["rss"], run["pss"]
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
