"""Similarity between the files of a class, and against known solutions.

``python -m grader similarity CLASS_DIR [--against KNOWN_DIR ...]`` and
``python -m grader batch ... --similarity``. Information for the
instructor, never a grade. By stage: :mod:`~grader.similarity.tokens`
normalises a file's tokens, :mod:`~grader.similarity.fingerprints` hashes
them with copydetect, :mod:`~grader.similarity.template` and
:mod:`~grader.similarity.frequency` say which fragments to ignore,
:mod:`~grader.similarity.threshold` when a pair is flagged,
:mod:`~grader.similarity.compare` compares one task's files,
:mod:`~grader.similarity.fragments` locates the matching fragments in the
sources and :mod:`~grader.similarity.table` writes the CSV.
"""
from __future__ import annotations

from pathlib import Path

from grader.paths import REPO_ROOT
from grader.similarity.compare import TaskComparison, all_pairs, compare_task

__all__ = ["TaskComparison", "all_pairs", "compare_class"]


def compare_class(class_dir: Path, known_dirs: list[Path],
                  tasks: list[int],
                  root: Path = REPO_ROOT) -> list[TaskComparison]:
    """Every task of ``tasks`` compared across ``class_dir`` (one folder
    per student) and against ``known_dirs``."""
    return [compare_task(task, class_dir, known_dirs, root)
            for task in tasks]
