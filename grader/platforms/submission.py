"""Where a platform's upload keeps the task files, in words for a student.

Students upload a folder, an archive with a folder inside, or an extra
``__MACOSX`` folder. The grader grades one folder: the shallowest one
holding the most of the task files asked for.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from grader.tasks import TASKS

MAX_DEPTH = 3
MAX_FOLDERS = 2000
SKIPPED = ("__MACOSX", "__pycache__", "node_modules")


def candidates(root: Path) -> list[Path]:
    """``root`` and its subfolders up to :data:`MAX_DEPTH` levels down,
    shallowest first (hidden folders and archive debris skipped)."""
    found = [root]
    for top, dirs, _ in os.walk(root):
        depth = len(Path(top).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and d not in SKIPPED and depth < MAX_DEPTH)
        found += [Path(top) / d for d in dirs]
        if len(found) > MAX_FOLDERS:
            break
    return sorted(found[:MAX_FOLDERS],
                  key=lambda p: (len(p.relative_to(root).parts), str(p)))


def locate(root: Path, tasks: Sequence[int]) -> tuple[Path, list[str]]:
    """The folder to grade inside ``root``, and notes for the student."""
    names = [TASKS[n].filename for n in tasks]
    if not root.is_dir():
        return root, ["The submission is not a folder of files."]
    folders = candidates(root)
    counts = [sum((folder / name).is_file() for name in names)
              for folder in folders]
    best = max(range(len(folders)), key=lambda i: (counts[i], -i))
    folder, notes = folders[best], []
    if counts[best] == 0:
        return root, ["None of the task files (" + ", ".join(names)
                      + ") was found in the submission: upload the .py "
                      "files themselves, with exactly these names."]
    if folder != root:
        notes.append(f"Your task files were found in the folder "
                     f"{folder.relative_to(root)}/ of your submission, not "
                     "at its top level; they were graded from there.")
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        notes.append("Not found (graded as missing): " + ", ".join(missing)
                     + ". Check the file names.")
    return folder, notes
