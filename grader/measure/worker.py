"""The worker: loads one task file in its sandbox and measures it.

Forked by :mod:`grader.run.forkserver` (which has already imported TensorFlow
and isolated the process), with the working directory in the worker's own
copy of the task file. It records the identity of the functions the
grading relies on, installs the audit hook of :mod:`grader.measure.guard`
(unless the job switches it off, as the sandbox tests do), imports the
student's file, runs :func:`grader.measure.training.probe_task`, and writes
the result, tagged with the job's token, to the job's result pipe.
"""
from __future__ import annotations

import importlib.util
import io
import os
import platform
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.measurements import TaskResult
    from grader.tasks import Task


def load_student(path: Path) -> ModuleType:
    """Imports ``path`` as a module named after the file, like __import__."""
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def readable_roots() -> list[str]:
    """What a task file may read without it being noted: Python, the
    installed packages, the grader's worker code, system files, data."""
    roots = [sys.base_prefix, sys.prefix, sys.exec_prefix,
             os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
             "/usr", "/etc", "/lib", "/lib64", "/sys", "/bin"]
    roots += [p for p in sys.path if p]
    if os.environ.get("MNIST_PATH"):
        roots.append(os.environ["MNIST_PATH"])
    return roots


def measure(task: Task, student_file: str, with_pictures: bool
            ) -> TaskResult:
    """Imports the task file and measures it (errors become data)."""
    from grader.measure import errors, training

    result: TaskResult = {}
    try:
        module = load_student(Path(student_file))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        info = errors.error_info(exc, student_file)
        if isinstance(exc, SyntaxError):
            info["where"] = {"line": exc.lineno,
                             "code": (exc.text or "").strip()}
        return {"load_error": info}
    function = getattr(module, task.function, None)
    if not callable(function):
        return {"load_error": {
            "type": "MissingFunction",
            "message": f"no function named {task.function}",
            "found": sorted(
                name for name, value in vars(module).items()
                if callable(value) and not name.startswith("_")
                and getattr(value, "__module__", None) == module.__name__)}}
    try:
        if task.kind == "lowlevel":  # a tf.Module, not Keras models
            from grader.measure import lowlevel, lowlevel_pictures
            result.update(lowlevel.probe_task(task, module, student_file))
            if with_pictures:
                result["pictures"] = lowlevel_pictures.measure_pictures(
                    task, module, student_file)
            return result
        if task.kind == "denoising":  # task 4: its add_noise
            from grader.measure import denoising
            from grader.measure.student import StudentCode
            result["noise"] = denoising.measure_noise(
                StudentCode(module, student_file))
        result.update(training.probe_task(task, module, student_file))
        if with_pictures:
            from grader.measure import pictures
            result["pictures"] = pictures.measure_pictures(
                task, module, student_file)
    except errors.StudentFault as fault:
        result["probe_error"] = fault.info
    except Exception as exc:  # the grader's own measuring code
        result["grader_error"] = errors.grader_error(exc)
    return result


def main(job: dict) -> None:
    """Runs ``job`` (see :meth:`grader.run.session.Session._job`); exits."""
    from grader.measure import integrity, trace
    from grader import transport
    from grader.measure.guard import Guard
    from grader.tasks import TASKS

    # One thread for TensorFlow's kernels, set before any of them runs:
    # a reduction then adds its terms in one order on every machine,
    # whatever its number of cores (an inner-dimension split over threads
    # regroups a sum, and float32 rounds each grouping its own way), and
    # the workers of a folder, already one per core, do not also compete
    # for the cores with each other's kernel threads.
    trace.tf.config.threading.set_intra_op_parallelism_threads(1)
    folder = Path.cwd()
    sys.path.append(str(folder))  # siblings importable, never shadowing
    task = TASKS[job["task"]]
    result: dict = {"token": job.pop("token"), "task": task.number,
                    "versions": versions(trace)}
    result_fd = job["result_fd"]
    before = integrity.snapshot()
    guard = Guard(folder, readable_roots())
    if job.get("guard", True):
        sys.addaudithook(guard)
        guard.close_back_doors()
    student_file = str(folder / task.filename)
    result.update(measure(task, student_file, job.get("pictures", False)))
    guard.active = False
    result["tampered"] = integrity.changed(before)
    result["violations"] = list(guard.violations)
    result["reads"] = list(guard.reads)
    buffer = io.BytesIO()
    transport.dump(result, buffer)
    with os.fdopen(result_fd, "wb") as pipe:
        pipe.write(buffer.getvalue())
    sys.stdout.flush()
    os._exit(0)  # skip TF's slow teardown and any student atexit handlers


def versions(trace: ModuleType) -> dict[str, Any]:
    """The versions of Python, TensorFlow and Keras the worker ran."""
    keras = trace.keras
    version = getattr(keras, "__version__", None)
    if version is None and hasattr(keras, "version"):
        version = keras.version()
    return {"python": platform.python_version(),
            "tensorflow": trace.tf.__version__, "keras": version,
            "keras_major": 2 if os.environ.get("TF_USE_LEGACY_KERAS") == "1"
            else 3}
