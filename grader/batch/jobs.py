"""One student folder in, one status dict out: the unit a batch schedules.

A job receives the folder as bytes (a zip of its top-level files, as the
sandbox would copy them), unpacks it into a temporary folder on whatever
machine runs it, grades it with :func:`grader.pipeline.grade` exactly as
``python -m grader`` does, and returns plain data (scores, every check's
result, the text and Gradescope reports). It never raises: a grading that
fails for any reason comes back with a status and a sentence.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import os
import socket
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal, get_args

from grader.batch.version import grader_version
from grader.failures import GraderFailure
from grader.options import Options
from grader.pipeline import grade
from grader.report import gradescope
from grader.report.text import render
from grader.results import Report
from grader.run.isolation import detect
from grader.run.reference import reference_results
from grader.run.sandbox import MAX_COPIED_FILE
from grader.run.tree import folder_files
from grader.tasks import TASKS

# A folder's status, most serious first (a folder gets the first that fits).
FolderStatus = Literal["error", "timeout", "crashed", "no result",
                       "missing files", "graded"]
STATUSES: tuple[FolderStatus, ...] = get_args(FolderStatus)
# The folder status a task's worker status (or "missing": no file) gives.
WORKER_STATUS: dict[str, FolderStatus] = {
    "timeout": "timeout", "crashed": "crashed", "no-result": "no result",
    "missing": "missing files"}
TASK_FILES = {n: t.filename for n, t in TASKS.items()}


def pack(folder: Path) -> tuple[bytes, str]:
    """The folder as zip bytes, and a digest of its files' names, modes and
    bytes. The zip has fixed timestamps: the same files, the same bytes.

    A file too large to travel (over :data:`MAX_COPIED_FILE`, over every
    size limit of a grading anyway) travels as its size alone, so that the
    grading refuses it with the message a single grading gives.
    """
    buffer, digest = io.BytesIO(), hashlib.sha256()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in folder_files(folder):
            size = entry.stat().st_size
            mode = entry.stat().st_mode & 0o777  # the file rules see it
            info = zipfile.ZipInfo(entry.name, date_time=(1980, 1, 1, 0, 0,
                                                          0))
            info.external_attr = mode << 16
            if size > MAX_COPIED_FILE:
                info.comment = f"size={size}".encode()
                data = b""
            else:
                data = entry.read_bytes()
            digest.update(f"{entry.name}\0{mode:o}\0{size}\0".encode()
                          + data)
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue(), digest.hexdigest()[:16]


def unpack(payload: bytes, target: Path) -> None:
    """Writes the zip's top-level files, with their permission bits, into
    ``target`` (nothing else); a file that travelled as its size alone
    becomes a sparse file of that size (no disk used)."""
    target.mkdir(parents=True)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for info in archive.infolist():
            name = info.filename
            if "/" in name or "\\" in name or name in ("", ".", ".."):
                continue
            with open(target / name, "wb") as handle:
                handle.write(archive.read(info))
                if info.comment.startswith(b"size="):
                    handle.truncate(int(info.comment[5:]))
            os.chmod(target / name, (info.external_attr >> 16) & 0o777
                     or 0o644)


_machine_guard = threading.Lock()
_prepared: set[tuple[str, Options]] = set()


def prepare_reference(options: Options, pool: ThreadPoolExecutor) -> None:
    """Measures the reference once per machine (cached, under a file lock).

    Every process on the machine that grades waits for the first one to
    write the cache, then reads it; without a cache it is measured here.
    """
    cache = options.cache_folder()
    key = (str(cache), options)
    if cache is None or key in _prepared:
        return
    cache.mkdir(parents=True, exist_ok=True)
    with _machine_guard, open(cache / ".batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            reference_results([TASKS[n] for n in options.tasks],
                              options.keras_major, options.limits,
                              cache, detect(options.sandbox), pool,
                              keep=options.keep_warm)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        _prepared.add(key)


def folder_status(report: Report) -> tuple[FolderStatus, str]:
    """The folder's status and, unless graded, the sentence that explains
    it: ``error`` where a check says the grader failed (``ERR!``), else
    the message of the check that reports how a worker ended."""
    if report.grader_errors:
        first = report.grader_errors[0]
        return "error", f"task {first.task}: {first.message}"
    found = {n: WORKER_STATUS.get(s, "graded")
             for n, s in report.extra.get("workers", {}).items()}
    for status in STATUSES:
        tasks = sorted(n for n, s in found.items() if s == status)
        if tasks and status != "graded":
            loads = report.find(int(tasks[0]), "loads")
            return status, loads.message if loads else ""
    return "graded", ""


def failure(name: str, version: str, digest: str, detail: str,
            started: float) -> dict[str, Any]:
    """The status dict of a folder the grader could not grade."""
    return {"student": name, "status": "error", "detail": detail,
            "hash": digest, "version": version, "scores": {},
            "score": 0.0, "max_score": 0.0, "results": [], "extra": {},
            "text": f"Grading {name}\n\ngrader error: {detail}",
            "gradescope": None, "seconds": time.monotonic() - started,
            "host": socket.gethostname(), "pid": os.getpid()}


def grade_job(name: str, payload: bytes, digest: str, options: Options,
              version: str = "", pool: ThreadPoolExecutor | None = None
              ) -> dict[str, Any]:
    """Grades one folder sent as bytes with ``options`` (the batch's whole
    options object); returns its status dict.

    Runs wherever it is scheduled (this process, or a Dask worker): the
    reference's measurements come from that machine's cache. ``version``
    is the batch's :func:`grader.batch.version.grader_version`: a machine
    whose grader differs refuses the job. Never raises.
    """
    started = time.monotonic()
    try:
        here = grader_version(options)
        if version and here != version:
            return failure(name, version, digest,
                           f"{socket.gethostname()} runs another grader "
                           f"(version {here}, batch {version}): install "
                           "the same grader, libraries and data", started)
        own = pool is None
        pool = pool or ThreadPoolExecutor(max_workers=max(1,
                                                          options.workers))
        try:
            prepare_reference(options, pool)
            with tempfile.TemporaryDirectory(prefix="ae-batch-") as tmp:
                os.chmod(tmp, 0o700)  # no other user reads a submission
                folder = Path(tmp) / "s"
                unpack(payload, folder)
                real = str(folder.resolve())
                report = grade(folder, options, pool)
        finally:
            if own:
                pool.shutdown()
        report.submission = name
        for result in report.results:
            result.message = result.message.replace(real, name)
        status, detail = folder_status(report)
        scores = report.task_scores()
        return {"student": name, "status": status, "detail": detail,
                "hash": digest, "version": version,
                "scores": {str(n): list(scores.get(n, (0.0, 0.0)))
                           for n in sorted(set(options.tasks)
                                           | set(scores))},
                "score": report.score, "max_score": report.max_score,
                "results": [asdict(r) for r in report.results],
                "extra": report.extra, "text": render(report, TASK_FILES),
                "gradescope": gradescope.results(report),
                "seconds": time.monotonic() - started,
                "host": socket.gethostname(), "pid": os.getpid()}
    except GraderFailure as error:  # the sandbox, the reference, ...
        return failure(name, version, digest, f"grader error: {error}",
                       started)
    except Exception as error:  # a job reports, it never raises
        return failure(name, version, digest,
                       f"grader error: {type(error).__name__}: {error}",
                       started)
