"""Fragments that many files share are convergent, not copied.

Like MOSS's ``-m`` and Dolos's ``--max-fingerprint-count``: a k-gram found
in more than :func:`limit` of a task's files (students and known
solutions together) is ignored in all of them.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Iterable

from copydetect import CodeFingerprint

MIN_FILES = 10  # MOSS's default for -m
SHARE = 0.1  # and never fewer than a tenth of the files


def limit(files: int) -> int:
    """How many files may share a k-gram before it is ignored."""
    return max(MIN_FILES, math.ceil(SHARE * files))


def frequent(prints: Iterable[CodeFingerprint], files: int) -> set[int]:
    """The hashes found in more than ``limit(files)`` of ``prints``."""
    counts: Counter[int] = Counter()
    for print_ in prints:
        counts.update(print_.hashes)
    most = limit(files)
    return {value for value, count in counts.items() if count > most}
