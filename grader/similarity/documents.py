"""The files compared: each student's task file and each known solution's.

A class folder holds one folder per student (as in ``batch``). A known
folder (``--against``) is searched at any depth: every folder holding a
task file is one known solution, named ``known:<its path>``, so a folder
of cloned repositories can be given as is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from copydetect import CodeFingerprint

from grader.similarity.fingerprints import Alphabet, fingerprint
from grader.similarity.tokens import (UNIT, Token, canonical,
                                      normalised_tokens)
from grader.tasks import TASKS

MAX_BYTES = 200_000  # a task file is a few kB; more is not a solution
KNOWN = "known:"


@dataclass
class Document:
    """One task file: its source, its tokens in canonical order, their
    encoding and fingerprint."""

    name: str
    path: Path
    source: str
    tokens: list[Token]
    print_: CodeFingerprint = field(repr=False)


def regular(path: Path) -> bool:
    """A regular file, not a link (a student's link could point at any
    file of the machine, whose text the page would show)."""
    return path.is_file() and not path.is_symlink()


def read(path: Path) -> str:
    """The file's text (bytes past :data:`MAX_BYTES` are not read, bytes
    that are not UTF-8 are replaced)."""
    with open(path, "rb") as handle:
        return handle.read(MAX_BYTES).decode("utf-8", "replace")


def document(name: str, path: Path, source: str,
             alphabet: Alphabet) -> Document:
    """Tokenises and fingerprints one file."""
    tokens = canonical(normalised_tokens(source))
    return Document(name, path, source, tokens, fingerprint(
        name, alphabet.encode(tokens), alphabet.code(UNIT)))


def student_files(class_dir: Path, task: int) -> dict[str, Path]:
    """Each student's file of ``task``, by student (folder) name; students
    without the file (or whose file is a link) are left out."""
    found = {}
    for folder in sorted(class_dir.iterdir()):
        path = folder / TASKS[task].filename
        if folder.is_dir() and not folder.name.startswith(".") and \
                regular(path):
            found[folder.name] = path
    return found


def known_files(known_dirs: list[Path], task: int) -> dict[str, Path]:
    """Each known solution's file of ``task``, named ``known:<folder>``
    (the folder's path below the known folder, or its name when the known
    folder itself holds the file)."""
    found = {}
    for root in known_dirs:
        for path in sorted(root.rglob(TASKS[task].filename)):
            hidden = any(part.startswith(".")
                         for part in path.relative_to(root).parts)
            if hidden or not regular(path):
                continue
            folder = path.parent.relative_to(root).as_posix()
            label = root.name if folder == "." else folder
            name = KNOWN + label
            if name in found:  # two known folders with the same layout
                name = KNOWN + f"{root.name}/{label}"
            found[name] = path
    return found
