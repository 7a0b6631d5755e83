"""``python -m grader doctor``: what this machine gives the grader, and a
real grading to prove it.

It says which isolation level is in force and why, what each stronger
level would need here (bubblewrap, user namespaces, root with a Python
other users can read), the library versions, where the images come from
(MNIST or the synthetic fallback of :mod:`grader.measure.data`), the
cache folder, and then starts a sandbox and grades the reference's task 0.
Nothing here imports TensorFlow: the workers do.

Exit code: 0 when the strongest level works and the reference scores full
marks; 1 when it grades, but something here is weaker than it should be
(each such line says what to do); 3 when it cannot grade.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from grader.options import Options
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.run.data_file import mnist_problem
from grader.run.bwrap import bwrap_problem, python_paths
from grader.run.isolation import Isolation, detect, readable_by_others
from grader.results import passing
from grader.run.reference import library_versions
from grader.tasks import TASKS

USERNS_FILES = ("/proc/sys/kernel/unprivileged_userns_clone",
                "/proc/sys/user/max_user_namespaces",
                "/proc/sys/kernel/apparmor_restrict_unprivileged_userns")


def proc_value(path: str) -> str | None:
    """A /proc/sys setting, or None where this kernel has no such file."""
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def namespace_facts() -> list[str]:
    """What bubblewrap needs, as found here (one line each), with
    bubblewrap's own words where a trial start failed."""
    lines = [f"bwrap on PATH: {shutil.which('bwrap') or 'no'}"]
    for path in USERNS_FILES:
        value = proc_value(path)
        if value is not None:
            lines.append(f"{path} = {value}")
    if os.geteuid() == 0:
        said = bwrap_problem(True)
        lines.append("trial as root, without a user namespace: " + (
            "works" if said is None else f"fails ({said})"))
    said = bwrap_problem(False)
    lines.append("trial in a user namespace: " + (
        "works" if said is None else f"fails ({said})"))
    return lines


def unreadable_python() -> list[str]:
    """Folders of Python and of the grader that other users cannot read
    (the uid level's workers read them on the host)."""
    grader = str(Path(__file__).resolve().parent)
    return [p for p in python_paths() + [grader] if not readable_by_others(p)]


def isolation_lines(isolation: Isolation) -> tuple[list[str], bool]:
    """The level in force, why, and what the stronger levels need here;
    whether it is the strongest (every guarantee of bubblewrap)."""
    root = os.geteuid() == 0
    lines = [f"isolation: {isolation.level}: {isolation.describe()}"]
    strongest = isolation.full
    if isolation.warning():
        lines.append(f"  {isolation.warning()}")
    if not strongest:
        lines.append("  the strongest level needs bubblewrap that can "
                     "create its namespaces; here:")
        lines += [f"    {line}" for line in namespace_facts()]
        lines.append("  to do: install bubblewrap (Debian/Ubuntu: apt-get "
                     "install bubblewrap); as root, a container must allow "
                     "mount and PID namespaces (CAP_SYS_ADMIN, or Docker's "
                     "--privileged / a seccomp profile that allows "
                     "unshare); as another user, unprivileged user "
                     "namespaces must be allowed (sysctl "
                     "kernel.unprivileged_userns_clone=1, "
                     "user.max_user_namespaces > 0)")
    if root and isolation.level != "bwrap":
        hidden = unreadable_python()
        if hidden:
            lines.append("  the uid level needs Python and the grader "
                         "readable by other users; not readable here: "
                         + ", ".join(hidden))
    if isolation.level == "none" and not root:
        lines.append("  the uid level needs the grader to run as root")
    return lines, strongest


def mnist_lines() -> tuple[list[str], bool]:
    """Where the images come from, and whether a grading can read them."""
    path = os.environ.get("MNIST_PATH")
    if not path:
        return ["images: synthetic digit-like images (seed 0): MNIST_PATH "
                "is not set (set it to an mnist.npz to grade on MNIST)"], True
    problem = mnist_problem()
    if problem:
        return [f"images: {problem}; until then every grading stops with "
                "this error (exit 3)"], False
    return [f"images: MNIST from {path}"], True


def cache_lines(options: Options) -> list[str]:
    """The cache folder and what it holds."""
    folder = options.cache_folder()
    if folder is None:
        return ["cache: off (--no-cache): the reference is measured every "
                "time"]
    held = len(list(folder.glob("*.npz"))) if folder.is_dir() else 0
    state = (f"{held} cached measurement(s)" if folder.is_dir()
             else "not created yet")
    return [f"cache: {folder} ({state}; $GRADER_CACHE_DIR moves it)"]


def grading_lines(options: Options) -> tuple[list[str], bool]:
    """A sandbox started for real: the reference's first task graded."""
    options = replace(options, tasks=options.tasks[:1] or (0,),
                      if_present=())
    name = TASKS[options.tasks[0]].filename
    try:
        report = grade(REPO_ROOT, options)
    except Exception as error:  # the grader's own side: say it in words
        return [f"grading the reference {name}: FAILED: "
                f"{type(error).__name__}: {error}"], False
    full = report.score == report.max_score > 0 and not report.grader_errors
    lines = [f"grading the reference {name} in a sandbox "
             f"({report.extra.get('sandbox')}): {report.score:g}/"
             f"{report.max_score:g} in {report.seconds:.1f} s"]
    if not full:
        lines += [f"  {r.status}: {r.title}: {r.message.splitlines()[0]}"
                  for r in report.results
                  if not passing(r.status) and r.message]
    return lines, full


def run_doctor(options: Options, stream: TextIO | None = None) -> int:
    """Prints what this machine gives the grader and grades the reference
    once; returns the exit code (see the module's docstring)."""
    stream = stream or sys.stdout

    def say(lines: list[str]) -> None:
        stream.write("\n".join(lines) + "\n")
        stream.flush()

    try:
        isolation = detect(options.sandbox)
    except Exception as error:
        say([f"isolation: --sandbox {options.sandbox} is not available: "
             f"{error}"] + namespace_facts())
        return 3
    level, strongest = isolation_lines(isolation)
    say(level)
    versions = library_versions()
    say(["versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
         f"python: {sys.executable}"])
    images, images_ok = mnist_lines()
    say(images + cache_lines(options))
    graded, full = grading_lines(options)
    say(graded)
    if not full:
        say(["doctor: the grader cannot grade here: see the lines above"])
        return 3
    if not (strongest and images_ok):
        say(["doctor: the grader works here, with the shortcomings above"])
        return 1
    say(["doctor: all well (strongest isolation, reference at full marks)"])
    return 0
