"""The reference solutions' measurements, computed live and cached.

The reference runs through the same worker as a student's file, on the same
machine and versions. Its result is cached under a key made of everything
that could change it (reference and grader sources, library versions, the
Keras major version, the data file), so batch grading computes it once and
a version upgrade recomputes it.
"""
from __future__ import annotations

import hashlib
import os
import platform
import threading
from importlib import metadata
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from grader import transport
from grader.run.isolation import Isolation
from grader.paths import GRADER_DIR, REPO_ROOT
from grader.options import Limits
from grader.run.sandbox import run_tasks
from grader.tasks import Task
from grader.failures import GraderFailure

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class ReferenceUnavailable(GraderFailure):
    """The reference solution could not be measured: a grader problem."""


def library_versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "tf-keras", "numpy"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def cache_key(task: Task, keras_major: int) -> str:
    digest = hashlib.sha256()
    digest.update((REPO_ROOT / task.filename).read_bytes())
    for source in sorted(GRADER_DIR.rglob("*.py")):  # every grader source
        digest.update(source.relative_to(GRADER_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    digest.update(repr(sorted(library_versions().items())).encode())
    digest.update(f"keras{keras_major} {platform.machine()}".encode())
    mnist = os.environ.get("MNIST_PATH")
    if mnist and os.path.isfile(mnist):
        stat = os.stat(mnist)
        digest.update(f"{os.path.abspath(mnist)} {stat.st_size}".encode())
    return digest.hexdigest()[:24]


def failure(result: dict[str, Any] | None) -> bool:
    """Whether a reference measurement is unusable."""
    return result is None or any(
        result.get(k) for k in ("load_error", "probe_error",
                                "grader_error")) or any(
        a.get("error") or a.get("grader_error")
        for a in result.get("argsets", [])) or bool(
        (result.get("pictures") or {}).get("error"))


def reference_results(tasks: list[Task], keras_major: int, limits: Limits,
                      cache_dir: Path | None, isolation: Isolation,
                      pool: Executor, pictures: bool = False,
                      keep: float = 0.0) -> dict[int, dict[str, Any]]:
    """The reference's measurements for ``tasks``: from the cache where
    present, the rest measured in one sandbox of their own (forked from a
    zygote kept ``keep`` seconds, see :func:`run_tasks`)."""
    suffix = "-pictures" if pictures else ""
    tasks = sorted(tasks, key=lambda t: t.number)
    paths = {t.number: cache_dir / (f"{t.stem}-k{keras_major}-"
                                    f"{cache_key(t, keras_major)}{suffix}.npz")
             if cache_dir else None for t in tasks}
    with _locks_guard:  # one measurement of a task at a time per process
        locks = [_locks.setdefault(str(paths[t.number] or t.stem),
                                   threading.Lock()) for t in tasks]
    for lock in locks:
        lock.acquire()
    try:
        found: dict[int, dict[str, Any]] = {}
        for task in tasks:
            path = paths[task.number]
            if path is not None and path.exists():
                try:
                    found[task.number] = transport.load(path)
                except Exception:
                    path.unlink(missing_ok=True)
        missing = [t for t in tasks if t.number not in found]
        outcomes = run_tasks(REPO_ROOT, missing, keras_major, limits,
                             isolation, pool, pictures,
                             keep=keep) if missing else {}
        for task in missing:
            outcome = outcomes[task.number]
            if outcome.status != "ok" or outcome.result is None or \
                    failure(outcome.result):
                raise ReferenceUnavailable(
                    f"measuring the reference {task.filename} failed "
                    f"({outcome.status}): "
                    + "; ".join(outcome.notes + [outcome.output[-1500:]]))
            found[task.number] = outcome.result
            path = paths[task.number]
            if path is not None:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(path.parent, 0o700)  # never readable by workers
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                transport.dump(outcome.result, tmp)
                os.replace(tmp, path)
        return found
    finally:
        for lock in locks:
            lock.release()
