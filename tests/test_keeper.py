"""A zygote kept warm between gradings (``--keep-warm``,
:mod:`grader.run.keeper`): a second grading forks from the zygote the
first one left, with the same verdicts; ``python -m grader stop`` and the
idle time end it; a grading that would start a different zygote (other
data, Keras, level, grader) never uses it; nothing is kept where the
keepers' folder is not private or where there is no sandbox. The hostile
files graded through a kept zygote: tests/test_sandbox.py."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.paths import REPO_ROOT
from grader.run import keeper
from grader.run.isolation import Isolation
from grading import KERAS_MAJOR


def keepers(folder: Path) -> list[int]:
    """The pids of the keepers whose socket is in ``folder``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"grader.run.keeper" in argv and any(
                arg.startswith(str(folder).encode()) for arg in argv):
            found.append(int(entry))
    return sorted(found)


def gone(folder: Path, seconds: float) -> bool:
    """Whether every keeper of ``folder`` ends within ``seconds``."""
    end = time.monotonic() + seconds
    while keepers(folder) and time.monotonic() < end:
        time.sleep(0.2)
    return not keepers(folder)


@pytest.fixture
def kept(tmp_path):
    """A student folder (the reference's task 0), the environment of a
    grading that keeps its zygote (keepers' sockets in a folder of the
    test's own), and that folder; every keeper there is stopped after."""
    student = tmp_path / "student"
    student.mkdir()
    shutil.copy(REPO_ROOT / "0-vanilla.py", student)
    folder = tmp_path / "keep"
    env = dict(os.environ, GRADER_KEEP_DIR=str(folder),
               GRADER_CACHE_DIR=str(tmp_path / "cache"),
               GRADER_KEEP_WARM="120")
    yield student, env, folder
    subprocess.run([sys.executable, "-m", "grader", "stop"], env=env,
                   cwd=REPO_ROOT, capture_output=True)
    for pid in keepers(folder):  # a test that failed half-way
        os.kill(pid, 9)


def grade(student: Path, env: dict[str, str], *flags: str
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", str(student), "--tasks", "0",
         "--keras", str(KERAS_MAJOR), "--no-other-keras", *flags],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True)


def score(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in done.stdout.splitlines()
             if line.startswith("Score:")]
    assert done.returncode == 0 and lines, done.stdout + done.stderr
    return lines[-1].split("[")[0]


def test_a_second_grading_forks_from_the_zygote_the_first_kept(kept):
    student, env, folder = kept
    done = grade(student, env)
    first = score(done)
    assert "TensorFlow stays loaded in its sandbox for 120 s" in done.stderr
    started = keepers(folder)
    assert len(started) == 1, "the first grading left no kept zygote"
    assert first.startswith("Score: ") and "(100%)" in first
    done = grade(student, env)
    second = score(done)
    assert second == first
    assert "stays loaded" not in done.stderr  # said once, when started
    assert keepers(folder) == started, "the second grading started another"
    sockets = list(folder.glob("*.sock"))
    assert len(sockets) == 1
    assert folder.stat().st_mode & 0o777 == 0o700
    stopped = subprocess.run([sys.executable, "-m", "grader", "stop"],
                             env=env, cwd=REPO_ROOT, capture_output=True,
                             text=True)
    assert stopped.stdout.strip() == "1 kept grader stopped"
    assert gone(folder, 30), "python -m grader stop left the keeper"
    assert not list(folder.glob("*.sock")) + list(folder.glob("*.log"))


def test_a_kept_zygote_ends_once_no_grading_came_for_its_time(kept):
    student, env, folder = kept
    score(grade(student, env, "--keep-warm", "1"))
    assert gone(folder, 30), "the keeper outlived its idle time"
    assert not list(folder.glob("*.sock")) + list(folder.glob("*.log"))


def test_keep_warm_0_keeps_nothing(kept):
    student, env, folder = kept
    score(grade(student, env, "--keep-warm", "0"))
    assert keepers(folder) == []


def test_a_grading_that_would_start_another_zygote_never_uses_it(
        monkeypatch, tmp_path):
    bwrap = Isolation("bwrap")
    key = keeper.zygote_key(bwrap, 3)
    assert keeper.zygote_key(bwrap, 3) == key
    assert keeper.zygote_key(bwrap, 2) != key
    assert keeper.zygote_key(Isolation("uid"), 3) != key
    assert keeper.zygote_key(Isolation("bwrap", privileged=True), 3) != key
    data = tmp_path / "mnist.npz"
    data.write_bytes(b"one")
    monkeypatch.setenv("MNIST_PATH", str(data))
    with_data = keeper.zygote_key(bwrap, 3)
    assert with_data != key
    data.write_bytes(b"other")  # the same path, another file
    assert keeper.zygote_key(bwrap, 3) != with_data
    monkeypatch.setenv("LANG", "xx_XX.UTF-8")  # passed on to the zygote
    assert keeper.zygote_key(bwrap, 3) not in (key, with_data)


def test_a_changed_grader_source_starts_another_zygote(monkeypatch):
    key = keeper.zygote_key(Isolation("bwrap"), 3)
    original = Path.read_bytes

    def changed(path: Path) -> bytes:
        data = original(path)
        return data + b"#" if path.name == "probe.py" else data

    monkeypatch.setattr(Path, "read_bytes", changed)
    assert keeper.zygote_key(Isolation("bwrap"), 3) != key
    monkeypatch.undo()
    monkeypatch.setattr(keeper, "REPO_ROOT", Path("/another/checkout"))
    assert keeper.zygote_key(Isolation("bwrap"), 3) != key  # its own files


@pytest.mark.parametrize("mode", [0o755, 0o770])
def test_nothing_is_kept_in_a_folder_others_may_open(monkeypatch, tmp_path,
                                                     mode):
    folder = tmp_path / "keep"
    folder.mkdir()
    folder.chmod(mode)
    monkeypatch.setenv("GRADER_KEEP_DIR", str(folder))
    assert keeper.keeper_dir() is None
    with pytest.raises(keeper.KeeperUnavailable, match="private"):
        keeper.kept_zygote(Isolation("bwrap"), 3, 60)


def test_nothing_is_kept_through_a_link(monkeypatch, tmp_path):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    monkeypatch.setenv("GRADER_KEEP_DIR", str(tmp_path / "link"))
    assert keeper.keeper_dir() is None


def test_nothing_is_kept_without_a_sandbox(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_KEEP_DIR", str(tmp_path / "keep"))
    with pytest.raises(keeper.KeeperUnavailable, match="without a sandbox"):
        keeper.kept_zygote(Isolation("none"), 3, 60)
    assert not (tmp_path / "keep").exists() or not list(
        (tmp_path / "keep").iterdir())


def test_a_keeper_that_answers_nonsense_counts_as_gone():
    import socket
    import threading

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    def nonsense() -> None:
        while theirs.recv(1 << 16):
            theirs.send(b"not json")

    threading.Thread(target=nonsense, daemon=True).start()
    found = keeper.KeptZygote(ours)
    assert not found.alive()
    with pytest.raises(keeper.ZygoteGone, match="not JSON"):
        found.new_session(True)
    found.close()
    theirs.close()


def test_the_default_comes_from_grader_keep_warm(monkeypatch):
    from grader.options import KEEP_WARM, default_keep_warm

    for value, seconds in (("", KEEP_WARM), ("0", 0.0), ("30", 30.0)):
        monkeypatch.setenv("GRADER_KEEP_WARM", value)
        assert default_keep_warm() == seconds
    for value in ("-5", "soon", "nan"):
        monkeypatch.setenv("GRADER_KEEP_WARM", value)
        with pytest.raises(ValueError, match="GRADER_KEEP_WARM"):
            default_keep_warm()
