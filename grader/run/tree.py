"""The files and processes of a sandbox on the host: the copied task files,
the workers' environment, the disk a worker used, and the sweep of a uid."""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

MAX_COPIED_FILE = 20 * 1024 * 1024
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "MNIST_PATH", "SYSTEMROOT")
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")


def copy_submission(source: Path, target: Path) -> list[str]:
    """Copies the regular top-level files; returns what was skipped."""
    target.mkdir(parents=True)
    skipped = []
    for entry in sorted(source.iterdir()) if source.is_dir() else []:
        if entry.is_symlink() or not entry.is_file():
            continue
        if entry.stat().st_size > MAX_COPIED_FILE:
            skipped.append(entry.name)
            continue
        shutil.copyfile(entry, target / entry.name)
        os.chmod(target / entry.name, 0o644)
    (target / ".tmp").mkdir()
    return skipped


def base_env(keras_major: int, pythonpath: str) -> dict[str, str]:
    """The environment every worker starts from."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update({
        "PYTHONPATH": pythonpath, "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_USE_LEGACY_KERAS": "1" if keras_major == 2 else "0",
    })
    return env


def owned_size(root: Path, uid: int | None) -> int:
    """Bytes of the files under ``root`` (only those of ``uid``, if set)."""
    total = 0
    stack = [str(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if uid is not None and info.st_uid != uid:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                total += info.st_blocks * 512
    return total


def sweep_uid(uid: int) -> None:
    """Kills every process of ``uid`` and removes what it left in the
    world-writable folders."""
    killer = os.fork()
    if killer == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(killer, 0)
    for root in WORLD_WRITABLE:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def prepare_tree(home: Path, uids: dict[str, int | None], level: str,
                 sandbox_uid: int | None) -> None:
    """Ownership and modes of a session's tree (``home/src/<stem>`` for
    each task, uid of its worker in ``uids``): only the session's uids may
    use it. Outside bubblewrap each worker gets ``home/work/<stem>``."""
    if level != "bwrap":  # folders on the host
        os.chmod(home, 0o711)
        (home / "work").mkdir(mode=0o711)
        for stem, uid in uids.items():
            work = home / "work" / stem
            shutil.copytree(home / "src" / stem, work)
            if uid is not None:
                for path in [work, *work.rglob("*")]:
                    os.chown(path, uid, uid)
                os.chmod(work, 0o700)
    elif sandbox_uid is not None:  # bubblewrap as an unprivileged uid
        for path in [home, *home.rglob("*")]:
            os.chown(path, sandbox_uid, sandbox_uid)


def disk_used(work: Path, level: str, uid: int | None) -> int:
    """Bytes a worker wrote: its folder and, at the uid level, what its
    uid owns in the world-writable folders."""
    total = owned_size(work, None)
    if level == "uid":
        total += sum(owned_size(Path(p), uid) for p in WORLD_WRITABLE)
    return total
