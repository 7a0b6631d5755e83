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
from pathlib import Path
from typing import Any

from grader import transport
from grader.sandbox import REPO_ROOT, ForkServer, Limits, run_worker
from grader.tasks import Task

GRADER_DIR = Path(__file__).resolve().parent
KEY_SOURCES = ("probe.py", "tasks.py", "data.py", "worker.py", "transport.py",
               "compare_probe.py")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class ReferenceError(RuntimeError):
    """The reference solution could not be measured: a grader problem."""


def default_cache_dir() -> Path:
    base = os.environ.get("GRADER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "autoencoders-grader")
    return Path(base)


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
    for name in KEY_SOURCES:
        digest.update((GRADER_DIR / name).read_bytes())
    digest.update(repr(sorted(library_versions().items())).encode())
    digest.update(f"keras{keras_major} {platform.machine()}".encode())
    mnist = os.environ.get("MNIST_PATH")
    if mnist and os.path.isfile(mnist):
        stat = os.stat(mnist)
        digest.update(f"{os.path.abspath(mnist)} {stat.st_size}".encode())
    return digest.hexdigest()[:24]


def reference_result(task: Task, keras_major: int, limits: Limits,
                     cache_dir: Path | None, mode: str = "grade",
                     server: ForkServer | None = None) -> dict[str, Any]:
    """The reference's measurements for ``task`` (from cache if present)."""
    key = cache_key(task, keras_major) + ("-compare" if mode == "compare"
                                          else "")
    path = cache_dir / f"{task.stem}-k{keras_major}-{key}.npz" \
        if cache_dir else None
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if path is not None and path.exists():
            try:
                return transport.load(path)
            except Exception:
                path.unlink(missing_ok=True)
        outcome = run_worker(task, REPO_ROOT, keras_major, limits, mode,
                             server)
        result = outcome.result
        if outcome.status != "ok" or result is None or any(
                result.get(k) for k in ("load_error", "probe_error")) or any(
                a.get("error") or a.get("probe_error")
                for a in result.get("argsets", [])) or (result.get(
                    "compare") or {}).get("error"):
            raise ReferenceError(
                f"measuring the reference {task.filename} failed "
                f"({outcome.status}): {outcome.output[-1500:]}")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            transport.dump(result, tmp)
            os.replace(tmp, path)
        return result
