"""The worker: loads one task file in a sandbox and measures it.

Run by :mod:`grader.sandbox` as ``python -P -m grader.worker JOB.json`` with
the working directory inside a temporary copy of the submission. It imports
TensorFlow first, then installs an audit hook that refuses writes outside
that copy (and new processes and network connections), then imports the
student's file and runs :func:`grader.probe.probe_task`. The result goes to
the path named in the job, tagged with a token the parent passed in the
environment (removed before any student code runs).
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

BLOCKED_EVENTS = {
    "subprocess.Popen": "start a process",
    "os.system": "run a shell command",
    "os.exec": "replace the process",
    "os.posix_spawn": "start a process",
    "os.spawn": "start a process",
    "os.fork": "fork the process",
    "os.forkpty": "fork the process",
    "socket.connect": "open a network connection",
    "os.kill": "send a signal",
}
PATH_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir",
               "shutil.rmtree", "os.chmod", "os.chown", "os.symlink",
               "os.link", "os.truncate", "os.utime", "shutil.copyfile",
               "shutil.move"}


class Guard:
    """An audit hook: records and refuses what a submission may not do."""

    def __init__(self, root: Path, allowed_files: set[str]):
        self.root = str(root.resolve())
        self.allowed = allowed_files
        self.violations: list[str] = []
        self.active = True

    def inside(self, path) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        try:
            resolved = os.path.realpath(os.fsdecode(path))
        except Exception:
            return False
        return (resolved == self.root
                or resolved.startswith(self.root + os.sep)
                or resolved in self.allowed
                or resolved.startswith(("/dev/", "/proc/")))

    def refuse(self, what: str) -> None:
        if len(self.violations) < 20:
            self.violations.append(what)
        raise PermissionError(f"the grader does not allow this: {what}")

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")
                       ) or (isinstance(flags, int) and flags & (
                           os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writing and path is not None and not self.inside(path):
                self.refuse(f"write {os.fsdecode(path)}")
        elif event in PATH_EVENTS:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not \
                        self.inside(path):
                    self.refuse(f"{event} {os.fsdecode(path)}")
        elif event in BLOCKED_EVENTS:
            self.refuse(BLOCKED_EVENTS[event])


def load_student(path: Path):
    """Imports ``path`` as a module named after the file, like __import__."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    token = os.environ.pop("GRADER_TOKEN", "")
    result_path = Path(job["result"])
    sandbox = Path.cwd()
    sys.path.append(str(sandbox))  # siblings importable, never shadowing

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np  # noqa: F401  (imported before the hook is active)

    from grader import probe, transport
    from grader.tasks import TASKS

    task = TASKS[job["task"]]
    guard = Guard(sandbox, {str(result_path.resolve())})
    sys.addaudithook(guard)
    result: dict = {"token": token, "task": task.number,
                    "versions": versions(probe)}
    student_file = str(sandbox / task.filename)
    try:
        module = load_student(Path(student_file))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        info = probe.error_info(exc, student_file)
        if isinstance(exc, SyntaxError):
            info["where"] = {"line": exc.lineno,
                             "code": (exc.text or "").strip()}
        result["load_error"] = info
    else:
        function = getattr(module, "autoencoder", None)
        if not callable(function):
            result["load_error"] = {
                "type": "MissingFunction",
                "message": "no function named autoencoder",
                "found": sorted(
                    name for name, value in vars(module).items()
                    if callable(value) and not name.startswith("_")
                    and getattr(value, "__module__", None) == module.__name__)}
        else:
            try:
                result.update(probe.probe_task(task, module, student_file))
                if job.get("mode") == "compare":
                    from grader import compare_probe
                    result["compare"] = compare_probe.compare_task(
                        task, module, student_file)
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                result["probe_error"] = probe.error_info(exc, student_file)
                result["probe_error"]["trace"] = traceback.format_exc()[-2000:]
    result["violations"] = list(guard.violations)
    guard.active = False
    transport.dump(result, result_path)
    sys.stdout.flush()
    os._exit(0)  # skip TF's slow teardown and any student atexit handlers


def versions(probe) -> dict:
    import platform

    keras = probe.keras
    version = getattr(keras, "__version__", None)
    if version is None and hasattr(keras, "version"):
        version = keras.version()
    return {"python": platform.python_version(),
            "tensorflow": probe.tf.__version__, "keras": version,
            "keras_major": 2 if os.environ.get("TF_USE_LEGACY_KERAS") == "1"
            else 3}


if __name__ == "__main__":
    main()
