"""One task compared across a class: every pair of students, and every
student against every known solution."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grader.paths import REPO_ROOT
from grader.similarity import frequency
from grader.similarity.documents import (Document, document, known_files,
                                         read, student_files)
from grader.similarity.fingerprints import Alphabet, drop, match
from grader.similarity.template import template_sources
from grader.similarity.threshold import Threshold, threshold_of


@dataclass
class Pair:
    """Two files of one task and how much of them matches.

    ``similarity`` is the share of both files' distinctive tokens (those
    not in the template and not frequent) that lie in matching fragments;
    ``matched`` the fewer of the two files' matching tokens."""

    task: int
    student: str
    other: str
    similarity: float
    matched: int
    flagged: bool
    slices: tuple[np.ndarray, np.ndarray] | None = field(default=None,
                                                         repr=False)


@dataclass
class TaskComparison:
    """A task's documents, threshold and pairs (most similar first)."""

    task: int
    documents: dict[str, Document]
    threshold: Threshold
    frequent_limit: int
    pairs: list[Pair]


def distinctive(doc: Document) -> int:
    """How many of the file's tokens the comparison can see."""
    return int(doc.print_.token_coverage)


def pair_of(task: int, a: Document, b: Document,
            threshold: Threshold) -> Pair:
    """Compares two documents."""
    seen_a, seen_b = a.print_.hashes, b.print_.hashes
    if seen_a.isdisjoint(seen_b):
        return Pair(task, a.name, b.name, 0.0, 0, False)
    in_a, in_b, slices_a, slices_b = match(a.print_, b.print_)
    total = distinctive(a) + distinctive(b)
    similarity = (in_a + in_b) / total if total else 0.0
    matched = min(in_a, in_b)
    flagged = threshold.flags(similarity, matched)
    return Pair(task, a.name, b.name, round(similarity, 4), matched,
                flagged, (slices_a, slices_b) if flagged else None)


def compare_task(task: int, class_dir: Path, known_dirs: list[Path],
                 root: Path = REPO_ROOT) -> TaskComparison:
    """Every pair of the task's files in ``class_dir`` and against
    ``known_dirs``, the course's template for it taken from ``root``."""
    alphabet = Alphabet()
    template: set[int] = set()
    for source in template_sources(task, root):
        template |= document("template", root, source,
                             alphabet).print_.hashes
    students = {name: document(name, path, read(path), alphabet)
                for name, path in student_files(class_dir, task).items()}
    known = {name: document(name, path, read(path), alphabet)
             for name, path in known_files(known_dirs, task).items()}
    docs = {**students, **known}
    files = len(docs)
    ignored = template | frequency.frequent(
        (d.print_ for d in docs.values()), files)
    for doc in docs.values():
        drop(doc.print_, ignored)
    threshold = threshold_of(task, root)
    names = sorted(students)
    pairs = [pair_of(task, students[a], students[b], threshold)
             for i, a in enumerate(names) for b in names[i + 1:]]
    pairs += [pair_of(task, students[a], known[b], threshold)
              for a in names for b in sorted(known)]
    pairs.sort(key=lambda p: (-p.similarity, -p.matched, p.student,
                              p.other))
    return TaskComparison(task, docs, threshold, frequency.limit(files),
                          pairs)


def all_pairs(comparisons: list[TaskComparison]) -> list[Pair]:
    """Every pair of every task, most similar first."""
    pairs = [p for c in comparisons for p in c.pairs]
    pairs.sort(key=lambda p: (-p.similarity, -p.matched, p.task, p.student,
                              p.other))
    return pairs
