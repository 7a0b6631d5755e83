"""Where users install the grader: each way ends in full marks at the level
the machine offers, or in exit code 3 with the reason, never in points lost.

Every case grades task 0 of a copy of the project (the reference's
``0-vanilla.py``) with ``python -m grader``, in a subprocess started the
way that install starts it:

- a virtual environment under ``$TMPDIR`` (the sandbox mounts its own /tmp:
  the environment must still be there inside);
- the same reached through a symlinked folder (the sandbox binds resolved
  paths and must start what it binds), and one made with ``--copies``;
- a normal user with Debian's Python (bubblewrap in a user namespace);
- no bubblewrap on PATH, as root (exit 3: root never runs student code
  unsandboxed unasked) and as a normal user (no sandbox, said in the report);
- no user namespaces (inside ``bwrap --disable-userns``) as a normal user;
- a bubblewrap that passes detection and then refuses to start (exit 3
  with bubblewrap's own words, in the text and in the Gradescope results).

The environments are virtual environments whose ``site-packages`` is a
link to this one's (no installs: the same packages, another interpreter
path). Root with Python unreadable by others (pyenv under a closed /root)
is this test session's own case, checked by ``test_sandbox.py``. The
sandbox does not depend on Keras, so this runs under Keras 3 only, as
root (it switches users).
"""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.paths import REPO_ROOT
from grading import KERAS_MAJOR

USER = "aegrader-test"
pytestmark = [
    pytest.mark.skipif(KERAS_MAJOR != 3, reason="the sandbox does not "
                       "depend on the Keras version"),
    pytest.mark.skipif(os.geteuid() != 0, reason="switches users: root "
                       "only"),
]
FAKE_BWRAP = """#!/bin/sh
# Passes the grader's detection trial (which starts Python with -S), then
# refuses every sandbox, as a bubblewrap broken by a kernel policy would.
for arg in "$@"; do
    [ "$arg" = "-S" ] && exec {real} "$@"
done
echo "bwrap: Creating new namespace failed: Operation not permitted" >&2
exit 1
"""


def user_exists() -> bool:
    return subprocess.run(["id", "-u", USER], capture_output=True
                          ).returncode == 0


def open_folder() -> Path:
    """A folder every user may read, removed at the end of the module."""
    folder = Path(tempfile.mkdtemp(prefix="ae-env-"))
    os.chmod(folder, 0o755)
    return folder


def project_copy(target: Path) -> Path:
    """The grader and the reference task files, as a clone has them
    (readable by every user: a grading at the uid level closes the
    reference files to other users, and copies keep their modes)."""
    shutil.copytree(REPO_ROOT, target, ignore=shutil.ignore_patterns(
        ".venv", ".git", "tests", "__pycache__", "mains", "bench",
        "*-report", "grader-reports"))
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK)
                   else 0o644)
    return target


def environment(base_python: str, target: Path, copies: bool = False
                ) -> Path:
    """A virtual environment of ``base_python`` at ``target`` whose
    packages are this session's (a link); returns its python. With
    ``copies``, its interpreter is a copy, not a link."""
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(target)]
                   + (["--copies"] if copies else []),
                   check=True, capture_output=True)
    packages = next(target.glob("lib/python3*/site-packages"))
    packages.rmdir()
    packages.symlink_to(site.getsitepackages()[0])
    return target / "bin" / "python"


def grade(python: Path, cwd: Path, home: Path, user: str | None = None,
          path: str | None = None, wrap: list[str] | None = None
          ) -> dict:
    """``python -m grader --tasks 0`` in ``cwd``: exit code, output, the
    Gradescope results."""
    results = home / "results.json"
    env = {"PATH": path or os.environ["PATH"], "HOME": str(home),
           "GRADER_CACHE_DIR": str(home / "cache"),
           "TF_CPP_MIN_LOG_LEVEL": "3", "LANG": "C.UTF-8"}
    if os.environ.get("MNIST_PATH"):
        env["MNIST_PATH"] = os.environ["MNIST_PATH"]
    argv = (wrap or []) + [str(python), "-m", "grader", "--tasks", "0",
                           "--no-other-keras", "--json", str(results)]
    if user:
        argv = [shutil.which("runuser"), "-u", user, "--",
                shutil.which("env")] + [
            f"{k}={v}" for k, v in env.items()] + argv
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    data = json.loads(results.read_text()) if results.exists() else {}
    return {"rc": done.returncode, "out": done.stdout, "err": done.stderr,
            "results": data}


@pytest.fixture(scope="module")
def matrix():
    """Every case graded once, two at a time."""
    if not user_exists():
        subprocess.run(["useradd", "--create-home", USER], check=True)
    root = open_folder()
    project = project_copy(root / "project")
    pyenv_like = environment(sys._base_executable, root / "venv")
    copied = environment(sys._base_executable, root / "copies-venv",
                         copies=True)
    debian = environment("/usr/bin/python3", root / "debian-venv") \
        if os.path.exists("/usr/bin/python3") else None
    (root / "link").symlink_to(root)
    empty_bin = root / "empty-bin"
    empty_bin.mkdir()
    fake_bin = root / "fake-bin"
    fake_bin.mkdir()
    fake = fake_bin / "bwrap"
    fake.write_text(FAKE_BWRAP.format(real=shutil.which("bwrap")))
    fake.chmod(0o755)
    homes = {}
    for name in ("tmp", "link", "copies", "user", "user-nobwrap",
                 "user-nouserns", "root-nobwrap", "fake"):
        homes[name] = root / "homes" / name
        homes[name].mkdir(parents=True)
        if name.startswith("user"):
            shutil.chown(homes[name], USER, USER)
    os.chmod(root / "homes", 0o755)
    user_path = "/usr/local/bin:/usr/bin:/bin"
    no_userns = [shutil.which("bwrap"), "--unshare-user", "--disable-userns",
                 "--dev-bind", "/", "/", "--"]
    cases = {
        "tmp": lambda: grade(pyenv_like, project, homes["tmp"]),
        "link": lambda: grade(root / "link" / "venv" / "bin" / "python",
                              root / "link" / "project", homes["link"]),
        "copies": lambda: grade(copied, project, homes["copies"]),
        "root-nobwrap": lambda: grade(pyenv_like, project,
                                      homes["root-nobwrap"],
                                      path=str(empty_bin)),
        "fake": lambda: grade(pyenv_like, project, homes["fake"],
                              path=f"{fake_bin}:{os.environ['PATH']}"),
    }
    if debian is not None:
        cases.update({
            "user": lambda: grade(debian, project, homes["user"], USER,
                                  path=user_path),
            "user-nobwrap": lambda: grade(debian, project,
                                          homes["user-nobwrap"], USER,
                                          path=str(empty_bin)),
            "user-nouserns": lambda: grade(debian, project,
                                           homes["user-nouserns"], USER,
                                           path=user_path, wrap=no_userns),
        })
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(case) for name, case in cases.items()}
        done = {name: future.result() for name, future in futures.items()}
    yield done
    shutil.rmtree(root, ignore_errors=True)


def full_marks(case: dict) -> bool:
    results = case["results"]
    return case["rc"] == 0 and results.get("score") == sum(
        t["max_score"] for t in results.get("tests", []))


def sandbox_of(case: dict) -> str:
    return case["results"].get("extra_data", {}).get("sandbox", "")


@pytest.mark.parametrize("name", ["tmp", "link", "copies"])
def test_a_virtual_environment_under_tmp_or_behind_a_link(matrix, name):
    case = matrix[name]
    assert full_marks(case), case["out"][-2000:] + case["err"][-2000:]
    assert sandbox_of(case) == "bwrap"
    assert "warning" not in case["out"].lower(), case["out"]


def test_a_normal_user_gets_bubblewrap_in_a_user_namespace(matrix):
    if "user" not in matrix:
        pytest.skip("no Debian python3 here")
    case = matrix["user"]
    assert full_marks(case), case["out"][-2000:] + case["err"][-2000:]
    assert sandbox_of(case) == "bwrap"
    assert "warning" not in case["out"].lower(), case["out"]


def test_root_without_bubblewrap_refuses_to_grade_unsandboxed(matrix):
    case = matrix["root-nobwrap"]
    if sandbox_of(case) == "uid":  # Python readable by others here
        assert full_marks(case)
        return
    assert case["rc"] == 3, case["out"] + case["err"]
    assert "bwrap is not on PATH" in case["err"], case["err"]
    assert "score" not in case["results"] or not case["results"].get(
        "tests"), case["results"]


@pytest.mark.parametrize("name", ["user-nobwrap", "user-nouserns"])
def test_a_normal_user_without_a_sandbox_is_graded_and_told(matrix, name):
    if name not in matrix:
        pytest.skip("no Debian python3 here")
    case = matrix[name]
    assert full_marks(case), case["out"][-2000:] + case["err"][-2000:]
    assert sandbox_of(case) == "none"
    assert "WARNING: no sandbox" in case["out"], case["out"]


def test_a_bubblewrap_that_refuses_to_start_is_a_grader_error(matrix):
    case = matrix["fake"]
    assert case["rc"] == 3, case["out"] + case["err"]
    said = "Creating new namespace failed: Operation not permitted"
    assert said in case["err"], case["err"]
    # No check failed for the student: the results say the grader failed.
    assert "FAIL" not in case["out"], case["out"]
    results = case["results"]
    assert results.get("score", 0) == 0 and not results.get("tests")
    assert "autograder failed" in results.get("output", ""), results
    assert said in results.get("output", ""), results
