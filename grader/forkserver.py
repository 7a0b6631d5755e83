"""A fork server: imports TensorFlow once, then forks one worker per job.

Started by :class:`grader.sandbox.ForkServer` as ``python -P -m
grader.forkserver``. It reads one JSON job per line on stdin; for each it
forks a child that becomes its own session (so the parent can kill its
whole process group), redirects its output to the job's log, moves into the
job's sandbox, sets the job's environment and memory limit, and runs
:func:`grader.worker.main` exactly as a fresh worker process would. The
server answers on stdout with ``{"id", "pid"}`` when a child starts and
``{"id", "exit"}`` when it ends. It never runs TensorFlow itself, so the
children start from a clean, unthreaded TensorFlow.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import threading

_send_lock = threading.Lock()


def send(message: dict) -> None:
    with _send_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def reap(job_id: int, pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    send({"id": job_id, "exit": os.waitstatus_to_exitcode(status)})


def child(job: dict) -> None:
    """Becomes the worker for ``job``; never returns."""
    from grader import worker

    os.setsid()
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    tempfile.tempdir = None  # read TMPDIR again
    limit = job["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.argv = ["grader.worker", job["job"]]
    worker.main()


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy  # noqa: F401
    from grader import probe, worker  # noqa: F401  (imports TensorFlow)

    send({"ready": True})
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                child(job)
            finally:
                os._exit(70)
        send({"id": job["id"], "pid": pid})
        threading.Thread(target=reap, args=(job["id"], pid),
                         daemon=True).start()


if __name__ == "__main__":
    main()
