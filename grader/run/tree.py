"""The files and processes of a sandbox on the host: the copied task files,
the workers' environment, the disk a worker used, and the sweep of a uid."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from grader.run.processes import kill_uid

PASSED_ENV = ("PATH", "LANG", "LC_ALL", "MNIST_PATH", "SYSTEMROOT")
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")


def folder_files(source: Path) -> list[Path]:
    """What a grading copies of a folder: its regular top-level files."""
    if not source.is_dir():
        return []
    return [entry for entry in sorted(source.iterdir())
            if not entry.is_symlink() and entry.is_file()]


def megabytes(size: int) -> str:
    """A size in words: '31.0 MB'."""
    return f"{size / (1024 * 1024):.1f} MB"


def size_problem(source: Path, filename: str, file_mb: int,
                 disk_mb: int) -> str | None:
    """Why the task file ``filename`` of ``source`` cannot be graded for
    its size, decided before anything is copied: the file itself over
    ``file_mb`` (the largest file a worker may have), or the folder's
    files together over ``disk_mb`` (its writable space). None if it fits.
    """
    files = folder_files(source)
    sizes = {entry.name: entry.stat().st_size for entry in files}
    if sizes.get(filename, 0) > file_mb * 1024 * 1024:
        return (f"{filename} is {megabytes(sizes[filename])}: a task file "
                f"may be at most {file_mb} MB. Is something large pasted "
                "into it (data, a saved model)? Keep the data in its own "
                "file and load it at run time")
    total = sum(sizes.values())
    if total > disk_mb * 1024 * 1024:
        largest = sorted(sizes.items(), key=lambda item: -item[1])[:3]
        named = ", ".join(f"{name} ({megabytes(size)})"
                          for name, size in largest)
        return (f"the folder's files come to {megabytes(total)}, more than "
                f"the {disk_mb} MB a grading may use (the largest: {named}): "
                "remove the files the tasks do not need")
    return None


def copy_submission(source: Path, target: Path) -> None:
    """Copies the regular top-level files (their sizes were checked by
    :func:`size_problem` first) and makes the worker's temporary folder."""
    target.mkdir(parents=True)
    for entry in folder_files(source):
        shutil.copyfile(entry, target / entry.name)
        os.chmod(target / entry.name, 0o644)
    (target / ".tmp").mkdir()


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
    kill_uid(uid)
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


def prepare_tree(home: Path, uids: dict[str, int | None], level: str
                 ) -> None:
    """Ownership and modes of a session's tree (``home/src/<stem>`` for
    each task, uid of its worker in ``uids``). Outside bubblewrap each
    worker gets ``home/work/<stem>``, its own uid's alone; under bubblewrap
    the fork server copies ``src/<stem>`` into the task's own tmpfs (as
    root, handing it to the worker's uid), so ``home`` stays the grader's
    alone."""
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


def disk_used(work: Path, level: str, uid: int | None) -> int:
    """Bytes a worker wrote: its folder and, at the uid level, what its
    uid owns in the world-writable folders."""
    total = owned_size(work, None)
    if level == "uid":
        total += sum(owned_size(Path(p), uid) for p in WORLD_WRITABLE)
    return total
