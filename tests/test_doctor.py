"""``python -m grader doctor``: says what this machine gives the grader
and proves it with one real grading of the reference's task 0 (from the
test session's reference cache), without importing TensorFlow itself; a
bubblewrap that cannot start is exit code 3 with bubblewrap's words."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from grader.paths import REPO_ROOT
from grader.run.isolation import detect
from grading import CACHE, KERAS_MAJOR

RUN = ("import sys; from grader.cli import main; code = main(sys.argv[1:]); "
       "print('tensorflow imported:', 'tensorflow' in sys.modules); "
       "sys.exit(code)")


def doctor(*argv: str, path: str | None = None
           ) -> subprocess.CompletedProcess:
    env = dict(os.environ, GRADER_CACHE_DIR=str(CACHE))
    if path:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-c", RUN, "doctor", *argv],
                          cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_doctor_reports_the_machine_and_grades_the_reference():
    done = doctor("--keras", str(KERAS_MAJOR))
    out = done.stdout
    isolation = detect("auto")
    strongest = isolation.level == "bwrap" and isolation.warning() is None
    images_ok = "cannot be read" not in out
    assert done.returncode == (0 if strongest and images_ok else 1), \
        out + done.stderr
    assert f"isolation: {isolation.level}: {isolation.describe()}" in out
    if isolation.warning():
        assert isolation.warning() in out
    assert re.search(r"versions: python [\d.]+, tensorflow [\d.]+, keras "
                     r"[\d.]+, tf-keras [\d.]+", out)
    assert "images: " + ("MNIST from" if os.environ.get("MNIST_PATH")
                         else "synthetic") in out
    assert f"cache: {CACHE} (" in out
    graded = re.search(r"grading the reference 0-vanilla.py in a sandbox "
                       rf"\({isolation.level}\): (\d+)/(\d+) in", out)
    assert graded and graded.group(1) == graded.group(2), out
    assert "tensorflow imported: False" in out


def test_doctor_with_a_bwrap_that_cannot_start_exits_3_and_says_why(
        tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "bwrap").write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' "
        ">&2\nexit 1\n")
    (bin_dir / "bwrap").chmod(0o755)
    done = doctor("--sandbox", "bwrap",
                  path=f"{bin_dir}:{os.environ['PATH']}")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "--sandbox bwrap is not available" in done.stdout
    assert "fails (bubblewrap said: bwrap: No permissions to create new " \
        "namespace)" in done.stdout
