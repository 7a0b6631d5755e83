#!/usr/bin/env python3
"""Profile: where the wall time and CPU-seconds of a warm grading go.

For the reference folder graded with the reference's measurements cached
(what a student's second run costs), each measured ``--repeat`` times and
reported as medians:

1. whole runs, as commands: ``import tensorflow`` alone and a whole warm
   ``python -m grader`` (wall, CPU-seconds of the whole process tree, and
   its peak memory: RSS and PSS summed over the tree, as
   ``bench/peak_memory.py`` samples it), after one cold grading (the
   reference measured too) that fills a temporary cache;
2. the sandbox's start, as the grader starts it (``Session`` with no
   job): bubblewrap and a bare interpreter, then with ``import
   tensorflow``, then the real fork server (TensorFlow, the grader's
   modules, the images); and the isolation level's detection;
3. inside the worker, per task and per stage: this process imports what
   the fork server imports, then forks one child per task (as the server
   does) that runs the worker's own ``main`` on a copy of the reference
   file, guard on, with the measuring functions wrapped in timers (each
   stage's time excludes the stages it calls). No sandbox there: its cost
   is part 2. The children run one at a time;
4. in the parent: reading the result back, reading the reference's
   (the same result, from memory), and judging each task.

Nothing of the grader is changed: the timers wrap its functions in the
children of this process only.

Usage: bench/profile_grade.py [--keras 3] [--repeat 3] [--pictures]
[--stages-only] [--json]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
import peak_memory  # noqa: E402
from grader.tasks import TASKS  # noqa: E402

MB = 1024 * 1024
READY = 'import json,sys;print(json.dumps({"ready":True}),flush=True)'
SERVERS = {  # what replaces ``-m grader.run.forkserver MODE FDS``
    "bubblewrap + interpreter": READY + ";sys.stdin.read()",
    "+ import tensorflow, keras": "import tensorflow, tensorflow.keras;"
                                  + READY + ";sys.stdin.read()",
    "fork server (real)": None,
    # The default since the zygote: each folder's server is forked from a
    # zygote that imported TensorFlow once (its first start not counted).
    "fork server forked from the zygote": "zygote"}


def sampled(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Runs ``command``: wall, CPU-seconds of its process tree (sampled
    every 0.1 s: a process's last 0.1 s may be missed), peak summed RSS
    and PSS (MB)."""
    run = peak_memory.sampled(command, env, 0.1)
    return {"wall": run["wall"], "cpu": run["cpu"],
            "rss_mb": run["rss"] / MB, "pss_mb": run["pss"] / MB}


def session_start(keras: int, code: str | None) -> dict[str, float]:
    """A sandbox session for the four task files that is sent no job:
    seconds until its server is ready, and the CPU-seconds its process
    tree used until then."""
    from grader.options import Limits
    from grader.run import session
    from grader.run.isolation import detect

    real = session.server_argv

    def argv(*args, **kwargs):
        full = real(*args, **kwargs)
        cut = full.index("-m")
        return full[:cut] + ["-c", code]

    forked = code == "zygote"
    session.server_argv = argv if code and not forked else real
    isolation = detect("auto")
    try:
        if forked:  # the zygote up first: what each folder then costs
            session.zygote_for(isolation, keras)
        cpu = time.process_time()
        start = time.perf_counter()
        box = session.Session(ROOT, list(TASKS.values()), keras,
                              Limits(), isolation, fork=forked)
        if not box.ready.wait(120) or box.dead:
            sys.exit(f"the sandbox did not start: {box.said()}")
        ready, seen = time.perf_counter() - start, {}
        if box.server.pid is not None:
            peak_memory.tree_cpu(psutil.Process(box.server.pid), seen)
        else:  # the server is the zygote's child: the grader's side only
            seen[0] = time.process_time() - cpu
        box.close()
        return {"wall": ready, "cpu": sum(seen.values())}
    finally:
        session.server_argv = real


class Stages:
    """Timers wrapped around functions; a stage's time excludes the
    stages it calls (its inclusive time is kept too)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(lambda: [0.0] * 4)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list] = []

    def wrap(self, owner, attr: str, name) -> None:
        """Replaces ``owner.attr`` by a timed call; ``name`` is the stage,
        or a function of the call's arguments giving it."""
        fn = getattr(owner, attr)

        def timed(*args, **kwargs):
            stage = name(*args, **kwargs) if callable(name) else name
            outer = any(frame[0] == stage for frame in self.stack)
            self.stack.append([stage, 0.0, 0.0])
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                wall = time.perf_counter() - wall
                cpu = time.process_time() - cpu
                _, inner_wall, inner_cpu = self.stack.pop()
                row = self.times[stage]
                self.calls[stage] += 1
                if self.calls[stage] == 1:  # what a fresh worker pays once
                    self.times[f"{stage}: first call"] = [
                        wall - inner_wall, cpu - inner_cpu, wall, cpu]
                row[0] += wall - inner_wall
                row[1] += cpu - inner_cpu
                if not outer:
                    row[2] += wall
                    row[3] += cpu
                if self.stack:
                    self.stack[-1][1] += wall
                    self.stack[-1][2] += cpu
        setattr(owner, attr, timed)


def probe_stage(code, stage: str, *args, **kwargs) -> str:
    """The stage of a ``StudentCode.run`` call."""
    if stage == "training":
        return "seeded training: fit"
    return "forward passes" if stage.startswith("call") else "other"


def instrument(stages: Stages) -> None:
    """Wraps the worker's measuring functions (in a child only)."""
    from grader import transport
    from grader.measure import (data, integrity, pictures, probe, student,
                                training, vae, weights, worker)

    for owner, attr, name in (
            (worker, "measure", "other"), (worker, "load_student",
                                           "load task file"),
            (training, "probe_task", "other"),
            (data, "mnist_images", "data"), (data, "inputs_for", "data"),
            (student.StudentCode, "build", "build models"),
            (probe, "trace", "trace"), (training, "trace", "trace"),
            (probe, "describe_call", "trace"),
            (probe.Probe, "role_shapes", "forward passes"),
            (student.StudentCode, "call", "forward passes"),
            (student.StudentCode, "run", probe_stage),
            (student, "train_loss", "training step"),
            (vae, "train_loss", "training step"),
            (weights, "assign_canonical", "set/read weights"),
            (student, "snapshot", "set/read weights"),
            (vae, "snapshot", "set/read weights"),
            (vae, "restore", "set/read weights"),
            (training, "seeded_training", "seeded training: rest"),
            (pictures, "measure_pictures", "pictures"),
            (integrity, "snapshot", "integrity snapshot"),
            (integrity, "changed", "integrity snapshot"),
            (transport, "dump", "result dump")):
        stages.wrap(owner, attr, name)


def worker_child(task, folder: Path, result_w: int, stats_w: int,
                 pictures: bool) -> None:
    """In a forked child: the worker's ``main`` on ``task``, timed; the
    stage table goes to ``stats_w`` just before the result is written."""
    from grader import transport
    from grader.measure import worker

    stages = Stages()
    instrument(stages)
    dump, started = transport.dump, time.perf_counter()

    def dump_then_report(tree, target):
        dump(tree, target)
        table = dict(stages.times, total=[time.perf_counter() - started,
                                          time.process_time()])
        os.write(stats_w, json.dumps(table).encode())
        os.close(stats_w)
    transport.dump = dump_then_report
    os.chdir(folder)
    os.environ.update(HOME=str(folder), TMPDIR=str(folder),
                      KERAS_HOME=f"{folder}/.keras", MPLCONFIGDIR=str(folder))
    tempfile.tempdir = None  # read TMPDIR again, as the fork server does
    worker.main({"token": "profile", "task": task.number, "guard": True,
                 "result_fd": result_w, "pictures": pictures})


def read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def profile_task(task, pictures: bool, keras: int) -> dict[str, list]:
    """One task's worker stages (forked child) and the parent's side."""
    import threading

    from grader import transport
    from grader.judge.checks.integrity import integrity_findings
    from grader.judge.engine import task_results
    from grader.options import Limits
    from grader.run.outcome import WorkerOutcome

    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        folder = Path(tmp)
        shutil.copy2(ROOT / task.filename, folder / task.filename)
        result_r, result_w = os.pipe()
        stats_r, stats_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(result_r)
                os.close(stats_r)
                worker_child(task, folder, result_w, stats_w, pictures)
            finally:
                os._exit(70)
        os.close(result_w)
        os.close(stats_w)
        got: dict[str, bytes] = {}
        reader = threading.Thread(target=lambda: got.update(
            result=read_all(result_r)))
        reader.start()
        stats = read_all(stats_r)
        reader.join()
        os.waitpid(pid, 0)
    if not stats:
        sys.exit(f"the profiled worker of {task.filename} wrote nothing")
    times = json.loads(stats)
    times["total"] = times["total"][:2] * 2
    times["untimed rest of worker"] = [
        times["total"][i] - sum(times[s][i] for s in STAGES if s in times)
        for i in (0, 1)] * 2
    cpu, wall = time.process_time(), time.perf_counter()
    result = transport.load(io.BytesIO(got["result"]))
    times["result load (parent)"] = [time.perf_counter() - wall,
                                     time.process_time() - cpu] * 2
    if any(result.get(k) for k in ("load_error", "probe_error",
                                   "grader_error")):
        sys.exit(f"measuring {task.filename} failed: {result}")
    cached = io.BytesIO()
    transport.dump(result, cached)
    cpu, wall = time.process_time(), time.perf_counter()
    reference = transport.load(io.BytesIO(cached.getvalue()))
    times["cached reference read"] = [time.perf_counter() - wall,
                                      time.process_time() - cpu] * 2
    cpu, wall = time.process_time(), time.perf_counter()
    outcome = WorkerOutcome(status="ok", result=result)
    checks = task_results(task, ROOT, outcome, reference, Limits())
    integrity_findings(outcome)
    times["judge"] = [time.perf_counter() - wall,
                      time.process_time() - cpu] * 2
    failed = [c for c in checks if c.status not in ("passed", "warning")]
    if failed:
        sys.exit(f"{task.filename}: checks not passed: {failed[:3]}")
    times["result size MB"] = [len(got["result"]) / MB] * 4
    return times


def preload() -> dict[str, list]:
    """What the fork server imports before its first job, timed."""
    out = {}
    cpu, wall = time.process_time(), time.perf_counter()
    import tensorflow  # noqa: F401
    out["import tensorflow"] = [time.perf_counter() - wall,
                                time.process_time() - cpu]
    cpu, wall = time.process_time(), time.perf_counter()
    import tensorflow.keras  # noqa: F401
    out["import tensorflow.keras"] = [time.perf_counter() - wall,
                                      time.process_time() - cpu]
    cpu, wall = time.process_time(), time.perf_counter()
    from grader.run import forkserver
    forkserver.preload()  # the grader's modules, the images, gc.freeze()
    out["grader modules, images"] = [time.perf_counter() - wall,
                                     time.process_time() - cpu]
    return out


def median_table(runs: list[dict[str, list]]) -> dict[str, list[float]]:
    """The median of every cell over the runs."""
    keys = {k for run in runs for k in run}
    return {k: [statistics.median(run[k][i] for run in runs if k in run)
                for i in range(len(next(r[k] for r in runs if k in r)))]
            for k in keys}


def measure_all(args: argparse.Namespace) -> dict:
    keras = int(args.keras)
    os.environ["TF_USE_LEGACY_KERAS"] = "1" if keras == 2 else "0"
    out: dict = {"machine": {
        "cpus": os.cpu_count(), "load_average": os.getloadavg(),
        "keras": keras, "repeat": args.repeat, "pictures": args.pictures}}
    if args.stages_only:  # parts 3 and 4 alone
        out["preload"] = preload()
        out["tasks"] = {task.filename: median_table(
            [profile_task(task, args.pictures, keras)
             for _ in range(args.repeat)]) for task in TASKS.values()}
        return out
    with tempfile.TemporaryDirectory(prefix="profile-cache-") as tmp:
        env = dict(os.environ, GRADER_CACHE_DIR=tmp, TF_CPP_MIN_LOG_LEVEL="3",
                   GRADER_KEEP_WARM="0")  # each run imports TensorFlow
        grade = [sys.executable, "-m", "grader", str(ROOT), "--keras",
                 args.keras, "--workers", str(args.workers)]
        if args.pictures:  # PrairieLearn's results carry the pictures
            grade += ["--json", f"{tmp}/results.json", "--format",
                      "prairielearn"]
        out["cold grading"] = sampled(grade, env)
        runs = defaultdict(list)
        for _ in range(args.repeat):
            runs["import tensorflow alone"].append(sampled(
                [sys.executable, "-c", "import tensorflow"], env))
            runs["warm grading"].append(sampled(grade, env))
        for name, rows in runs.items():
            out[name] = {k: statistics.median(r[k] for r in rows)
                         for k in rows[0]}
    from grader.run.bwrap import bwrap_problem
    from grader.run.isolation import detect
    starts = defaultdict(list)
    for _ in range(args.repeat):
        detect.cache_clear()  # each grading process detects once
        bwrap_problem.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        detect("auto")
        starts["isolation detection"].append(
            {"wall": time.perf_counter() - wall,
             "cpu": time.process_time() - cpu})
        for name, code in SERVERS.items():
            starts[name].append(session_start(keras, code))
    out["sandbox start"] = {name: {k: statistics.median(r[k] for r in rows)
                                   for k in rows[0]}
                            for name, rows in starts.items()}
    out["preload"] = preload()
    out["tasks"] = {}
    for task in TASKS.values():
        runs_of_task = [profile_task(task, args.pictures, keras)
                        for _ in range(args.repeat)]
        out["tasks"][task.filename] = median_table(runs_of_task)
    return out


STAGES = ("load task file", "data", "build models", "trace",
          "forward passes", "training step", "set/read weights",
          "seeded training: fit", "seeded training: rest", "pictures",
          "integrity snapshot", "other", "result dump")
PARENT = ("result load (parent)", "cached reference read", "judge")


def cell(row: list[float] | None) -> str:
    return f"{row[0]:5.2f} /{row[1]:5.2f}" if row else f"{'-':>13}"


def print_table(out: dict) -> None:
    machine = out["machine"]
    load = ", ".join(f"{v:.1f}" for v in machine["load_average"])
    print(f"machine: {machine['cpus']} CPU cores, load average {load} at "
          f"the start; Keras {machine['keras']}; medians of "
          f"{machine['repeat']} runs; pictures "
          f"{'on' if machine['pictures'] else 'off'}")
    if "warm grading" not in out:
        print_stages(out)
        return
    floor = out["import tensorflow alone"]["wall"]
    print(f"\n{'whole runs':<28}{'wall s':>8}{'CPU s':>8}{'x import':>10}"
          f"{'peak RSS':>10}{'peak PSS':>10}")
    for name in ("import tensorflow alone", "warm grading",
                 "cold grading"):
        row = out[name]
        print(f"{name:<28}{row['wall']:8.1f}{row['cpu']:8.1f}"
              f"{row['wall'] / floor:9.1f}x{row['rss_mb']:7.0f} MB"
              f"{row['pss_mb']:7.0f} MB")
    print(f"\n{'sandbox start (no job)':<28}{'wall s':>8}{'CPU s':>8}")
    for name in ("isolation detection", *SERVERS):
        row = out["sandbox start"][name]
        print(f"{name:<28}{row['wall']:8.2f}{row['cpu']:8.2f}")
    print_stages(out)


def print_stages(out: dict) -> None:
    print(f"\n{'fork server preload':<28}{'wall s':>8}{'CPU s':>8}")
    for name in ("import tensorflow", "import tensorflow.keras",
                 "grader modules, images"):
        wall, cpu = out["preload"][name]
        print(f"{name:<28}{wall:8.2f}{cpu:8.2f}")
    tasks = out["tasks"]
    print("\nper task: wall / CPU seconds (each stage without the stages "
          "it calls)")
    print(f"{'stage':<24}" + "".join(f"{name[:13]:>14}" for name in tasks)
          + f"{'all tasks':>14}")

    def line(label: str, rows: list) -> None:
        total = [sum(r[i] for r in rows if r) for i in (0, 1)]
        print(f"{label:<24}" + "".join(f"{cell(r):>14}" for r in rows)
              + f"{cell(total):>14}")

    for stage in STAGES:
        rows = [t.get(stage) for t in tasks.values()]
        if any(rows):
            line(stage, rows)
    line("untimed rest of worker", [t["untimed rest of worker"]
                                    for t in tasks.values()])
    line("worker total", [t["total"] for t in tasks.values()])
    # Task 6 builds no Keras models: its column stays empty here.
    line("build models: 1st call", [t.get("build models: first call")
                                    for t in tasks.values()])
    line("training step: 1st call", [t.get("training step: first call")
                                     for t in tasks.values()])
    line("seeded training, all", [
        (t.get("seeded training: rest") or [])[2:] or None
        for t in tasks.values()])
    for stage in PARENT:
        line(stage, [t[stage] for t in tasks.values()])
    print(f"{'result size (MB)':<24}" + "".join(
        f"{t['result size MB'][0]:14.2f}" for t in tasks.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2,
                        help="workers of the whole gradings (default 2)")
    parser.add_argument("--pictures", action="store_true",
                        help="measure the pictures too (as PrairieLearn's "
                             "results do)")
    parser.add_argument("--stages-only", action="store_true",
                        help="only the worker's stages and the parent's "
                             "side (parts 3 and 4): no whole gradings")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON instead")
    args = parser.parse_args()
    out = measure_all(args)
    if args.json:
        print(json.dumps(out, indent=1, sort_keys=True))
    else:
        print_table(out)


if __name__ == "__main__":
    main()
