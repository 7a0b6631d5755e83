"""A fork server: imports TensorFlow once, then forks one worker per job.

Started by :class:`grader.run.session.Session` as ``python -P -m
grader.run.forkserver MODE`` (see :func:`grader.run.bwrap.server_mode`):
inside bubblewrap (``bwrap-root``: as root, without a user namespace;
``bwrap``: in one), as root at the ``uid`` level. It reads one JSON job
per line on stdin; for each it forks a child that isolates itself (see
:func:`child`) and runs :func:`grader.measure.worker.main`. The server
answers on stdout with ``{"id", "pid"}`` when a child starts and ``{"id",
"exit"}`` when it ends, and stops a job on ``{"kill": id}``. It never runs
TensorFlow itself, so the children start from a clean, unthreaded
TensorFlow.

The pipes a job writes its result and its output to are inherited from
the parent (their numbers are in the job); each child closes every other
job's pipes.
"""
from __future__ import annotations

import ctypes
import gc
import io
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading

from grader.run.processes import kill_uid, processes

_send_lock = threading.Lock()
_state_lock = threading.Lock()
_active: dict[int, dict] = {}  # job id -> job, with its "pid"
_ran: set[int] = set()  # every job id this server started
# Forked from a zygote: each task's result and output pipe, as received.
_task_fds: dict[int, dict[str, int]] = {}
_all_fds: set[int] = set()
CLONE_NEWNET = 0x40000000
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38


def send(message: dict) -> None:
    with _send_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def not_dumpable() -> None:
    """No process of the same uid may trace this one or read its memory,
    file descriptors or environment through /proc."""
    c = libc()
    c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def network_namespace() -> bool:
    """A new, empty network namespace for this process (root only)."""
    return libc().unshare(CLONE_NEWNET) == 0


def probe_network() -> bool:
    """Whether a child can get a network namespace of its own."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if network_namespace() else 1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def sweep(job: dict, level: str) -> tuple[int, int]:
    """Kills every process the job left behind; returns how many, and how
    many others were killed with them that could not be traced to a job.

    A job with a uid of its own (root's levels): every process of that
    uid, whatever session it made for itself, and no other. Otherwise
    (bubblewrap in a user namespace: one uid for all) those of its
    session; and once no other job runs there, every process but the
    server is killed, but counted for this job only where it was the
    sandbox's one job: a daemon that left its session cannot be traced
    to a task there, and no sibling is charged with it.
    """
    me = os.getpid()
    left: list[int] = []
    stray: list[int] = []
    for pid, session, uid in processes():
        if pid in (1, me) or pid == job["pid"]:
            continue
        if job.get("uid") is not None:
            if uid == job["uid"]:
                left.append(pid)
        elif session == job["pid"]:
            left.append(pid)
        elif level == "bwrap" and not _active:
            (left if _ran == {job["id"]} else stray).append(pid)
    for pid in stray:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:  # the worker itself, when it is stopped before it ends
        os.killpg(job["pid"], signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if job.get("uid") is not None:
        kill_uid(job["uid"])
    return len(left), len(stray)


def reap(job: dict, level: str) -> None:
    _, status = os.waitpid(job["pid"], 0)
    with _state_lock:
        _active.pop(job["id"], None)
        left, stray = sweep(job, level)
    send({"id": job["id"], "exit": os.waitstatus_to_exitcode(status),
          "left": left, "stray": stray})


def set_limits(limits: dict) -> None:
    """Memory, file size, processes, CPU time; no core dumps."""
    def cap(kind: int, value: int) -> None:
        resource.setrlimit(kind, (value, value))

    cap(resource.RLIMIT_AS, limits["memory_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_FSIZE, limits["file_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_NPROC, limits["processes"])
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def child(job: dict, level: str) -> None:
    """Becomes the worker for ``job``; never returns.

    It closes every pipe but its own, sends its output to the job's output
    pipe, takes its own copy of the task file (bwrap: from the read-only
    source into the size-limited work folder), sets its limits, and at the
    uid level enters an empty network namespace and drops to the job's
    unprivileged uid before any student code runs.
    """
    from grader.measure import worker

    try:
        prepare(job, level)
    except BaseException as error:  # before any student code: the grader's
        setup_failed(job, error)
    worker.main(job)


def setup_failed(job: dict, error: BaseException) -> None:
    """Reports a worker that could not be set up (its copy, its uid, its
    limits) as the grader's error, in the job's result; never returns."""
    from grader import transport
    from grader.measure.errors import grader_error

    failure = grader_error(error)
    failure["message"] = ("the sandbox could not set up the worker: "
                          f"{type(error).__name__}: {error}")[:400]
    try:
        buffer = io.BytesIO()  # numpy's writer seeks: not on a pipe
        transport.dump({"token": job["token"], "task": job["task"],
                        "grader_error": failure}, buffer)
        os.write(job["result_fd"], buffer.getvalue())
    finally:
        os._exit(71)


def prepare(job: dict, level: str) -> None:
    """Isolates this process for ``job`` (see :func:`child`)."""
    os.setsid()
    mine = {job["result_fd"], job["output_fd"]}
    for fd in _all_fds - mine:
        try:
            os.close(fd)
        except OSError:
            pass
    os.dup2(job["output_fd"], 1)
    os.dup2(job["output_fd"], 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.close(job["output_fd"])
    # Fresh stream objects on the job's pipe: the server's own carry the
    # server's buffers and locks.
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    if job.get("src"):  # bubblewrap: into the task's own tmpfs
        shutil.copytree(job["src"], job["cwd"], dirs_exist_ok=True)
    if level == "bwrap-root":  # the copy becomes the worker's alone
        for root, dirs, files in os.walk(job["cwd"]):
            for name in [root] + [os.path.join(root, n)
                                  for n in dirs + files]:
                os.chown(name, job["uid"], job["uid"])
        os.chmod(job["cwd"], 0o700)
    if level == "uid":
        network_namespace()
    if level in ("uid", "bwrap-root"):
        os.setgroups([])
        os.setgid(job["uid"])
        os.setuid(job["uid"])
    set_limits(job["limits"])
    not_dumpable()
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    tempfile.tempdir = None  # read TMPDIR again
    sys.argv = ["grader.measure.worker"]


def serve(level: str) -> None:
    for line in sys.stdin:
        message = json.loads(line)
        if "kill" in message:
            with _state_lock:
                job = _active.get(message["kill"])
                if job is not None:
                    sweep(job, level)
            continue
        job = message
        job.update(_task_fds.get(job["task"], {}))  # forked from a zygote
        # No other thread may be inside send() while forking: the child
        # would inherit stdout's lock held, and hang on its first print.
        with _state_lock, _send_lock:
            pid = os.fork()
            if pid == 0:
                try:
                    child(job, level)
                finally:
                    os._exit(70)
            job["pid"] = pid
            _active[job["id"]] = job
            _ran.add(job["id"])
        for fd in (job["result_fd"], job["output_fd"]):
            _all_fds.discard(fd)
            os.close(fd)
        send({"id": job["id"], "pid": pid})
        threading.Thread(target=reap, args=(job, level), daemon=True).start()


def preload() -> None:
    """Imports TensorFlow, Keras and the worker's code, and reads the
    data, once: every worker forked from here inherits them."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy  # noqa: F401
    from grader import tasks, transport  # noqa: F401
    from grader.measure import (data, guard, integrity,  # noqa: F401
                                pictures, training, worker)

    data.labelled_images()  # read once; the workers inherit it
    integrity.preload()
    # What is loaded now lives as long as the process: out of the
    # collector's reach, a worker's gc.collect() (Keras 3's clear_session
    # calls one per model build, 0.2 CPU-s with TensorFlow loaded) scans
    # only the objects made since, and the collector never writes to the
    # pages the workers share with this process.
    gc.freeze()


def run_server(level: str) -> None:
    """Says it is ready, serves jobs until its input ends, then sweeps
    what any job left."""
    send({"ready": True, "level": level,
          "network": level.startswith("bwrap") or (level == "uid"
                                                   and probe_network())})
    serve(level)
    # The grader closed the pipe, or died: no job outlives it.
    with _state_lock:
        for job in list(_active.values()):
            sweep(job, level)


def main() -> None:
    level = sys.argv[1] if len(sys.argv) > 1 else "none"
    if len(sys.argv) > 2:
        _all_fds.update(int(fd) for fd in sys.argv[2].split(",") if fd)
    not_dumpable()
    preload()
    run_server(level)


if __name__ == "__main__":
    main()
