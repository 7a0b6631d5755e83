#!/usr/bin/env python3
"""The autoencoders autograder for Classroom 50.

Written by ``python -m grader classroom50``; commit the folder it is in as
``CLASSROOM/autograders/ASSIGNMENT/`` of the classroom50 repository. The
Classroom 50 runner runs it with the student's checkout as working folder
(Python from the assignment's runtime block: 3.11, and bubblewrap from
its apt list; see runtime.json). It

1. checks the Python version and installs the pinned requirements
   (``requirements.txt`` beside it) unless they are installed already;
2. on a GitHub-hosted runner, lets bubblewrap create its namespaces
   (Ubuntu's AppArmor restricts them for unprivileged users);
3. grades the checkout in the full sandbox with the ``grader`` package
   beside it (``grader.platforms.classroom50_run``), which writes
   ``result.json``, ``release-body.md`` and the ``status=`` / ``summary=``
   lines of ``$GITHUB_OUTPUT``.

Exit 0: graded (the checks' outcome is in those files). Non-zero: it
could not grade, the cause on stderr; the runner then records an error,
never a score. Only the standard library is used before the install.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

# Settings, written by `python -m grader classroom50`.
TASKS = "@TASKS@"
KERAS = "@KERAS@"
VISIBILITY = "@VISIBILITY@"
# python -m grader's flags, one a line
GRADING_ARGS = """
@GRADING_ARGS@
""".split()
TASK_SECONDS = "@TASK_SECONDS@"
BUDGET_SECONDS = "@BUDGET_SECONDS@"
INSTALL_SECONDS = "@INSTALL_SECONDS@"
PYTHON = "@PYTHON@"

BUNDLE = Path(__file__).resolve().parent
STARTED = time.monotonic()
USERNS = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
OUTPUTS = ("result.json", "release-body.md")


class CannotGrade(Exception):
    """The autograder cannot grade: an infrastructure failure."""


def say(line: str) -> None:
    """One line for the job log."""
    print(f"autograder: {line}", flush=True)


def tail(text: str, lines: int = 15) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.strip().splitlines()[-lines:])


def check_python() -> None:
    """The pinned requirements are for one Python version."""
    found = "%d.%d" % sys.version_info[:2]
    if found != PYTHON:
        raise CannotGrade(
            f"this runner's Python is {found}, the grader's pinned "
            f"requirements are for Python {PYTHON}: give the assignment "
            f"the runtime in runtime.json ({{\"python\": \"{PYTHON}\", "
            "\"apt\": [\"bubblewrap\"]}})")


def pinned() -> list[tuple[str, str]]:
    """(name, version) of every ``name==version`` line of requirements.txt."""
    found = []
    for line in (BUNDLE / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found.append((name.split("[")[0].strip(), version.strip()))
    return found


def missing() -> list[str]:
    """The pinned requirements this Python does not have."""
    need = []
    for name, version in pinned():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = None
        if have != version:
            need.append(f"{name}=={version}")
    return need


def install() -> None:
    """Installs the pinned requirements unless they are installed."""
    need = missing()
    if not need:
        say("the pinned requirements are installed")
        return
    say(f"installing {len(need)} pinned requirements ({', '.join(need)})")
    started = time.monotonic()
    command = [sys.executable, "-m", "pip", "install", "--quiet",
               "--disable-pip-version-check", "--no-input", "-r",
               str(BUNDLE / "requirements.txt")]
    try:
        done = subprocess.run(command, cwd=BUNDLE, capture_output=True,
                              text=True, timeout=int(INSTALL_SECONDS))
    except subprocess.TimeoutExpired:
        raise CannotGrade(f"installing the pinned requirements took more "
                          f"than {INSTALL_SECONDS} s") from None
    if done.returncode != 0 or missing():
        raise CannotGrade("pip could not install the pinned requirements:\n"
                          + tail(done.stdout + done.stderr))
    say(f"installed them in {time.monotonic() - started:.0f} s")


def allow_namespaces() -> None:
    """On a GitHub-hosted runner (a virtual machine of this job alone,
    with passwordless sudo), lifts Ubuntu's AppArmor restriction on
    unprivileged user namespaces, which bubblewrap needs. Elsewhere the
    machine is left as it is; the grader says if bubblewrap cannot run."""
    try:
        restricted = USERNS.read_text().strip() != "0"
    except OSError:
        return
    if not restricted:
        return
    if os.environ.get("RUNNER_ENVIRONMENT") != "github-hosted" \
            or shutil.which("sudo") is None:
        say("unprivileged user namespaces are restricted here (AppArmor); "
            "bubblewrap may not start")
        return
    done = subprocess.run(
        ["sudo", "-n", "sysctl", "-q", "-w",
         "kernel.apparmor_restrict_unprivileged_userns=0"],
        capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        say("allowed unprivileged user namespaces for bubblewrap")
    else:
        say("could not allow unprivileged user namespaces: "
            + tail(done.stderr, 3))


def grade() -> None:
    """Grades the checkout in a Python of its own, in the bundle (a
    ``grader`` folder in the student's checkout is never imported),
    stopped at the deadline."""
    budget = int(BUDGET_SECONDS)
    left = budget - (time.monotonic() - STARTED)
    if left < 60:
        raise CannotGrade(f"no time left to grade ({left:.0f} s of the "
                          f"{budget} s this autograder may take)")
    settings = {"checkout": os.getcwd(), "visibility": VISIBILITY,
                "grading_args": GRADING_ARGS}
    code = ("import sys\n"
            "from grader.platforms.classroom50_run import main\n"
            f"sys.exit(main({settings!r}))\n")
    cache = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir())
    env = dict(os.environ, PYTHONPATH=str(BUNDLE), TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("GRADER_CACHE_DIR",
                   str(cache / "autoencoders-grader-cache"))
    say(f"grading tasks {TASKS} under Keras {KERAS}, {TASK_SECONDS} s per "
        f"task file, at most {left:.0f} s in all")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=BUNDLE,
                               env=env, start_new_session=True)
    try:
        status = process.wait(timeout=left)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise CannotGrade(f"grading did not finish within the {budget} s "
                          "this autograder may take") from None
    if status != 0:
        raise CannotGrade(f"the grader could not grade (exit status "
                          f"{status}; its message is above)")


def main() -> int:
    """Installs, grades; 0 when graded, 1 when it could not grade."""
    for name in OUTPUTS:  # never a copy committed by the student
        Path(name).unlink(missing_ok=True)
    try:
        check_python()
        install()
        allow_namespaces()
        grade()
    except (CannotGrade, OSError) as error:
        print(f"autograder: cannot grade: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
