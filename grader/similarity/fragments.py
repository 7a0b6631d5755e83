"""Where a pair's matching fragments are in the two sources."""
from __future__ import annotations

import numpy as np

from grader.similarity.documents import Document


def source_ranges(doc: Document, slices: np.ndarray) -> list[tuple[int,
                                                                   int]]:
    """The character ranges of ``doc.source`` that the matching token
    slices cover (2 x N, in the canonical token order), merged where the
    tokens follow each other in the file with only blanks between them
    (comments and docstrings between are left unmarked)."""
    marked = np.zeros(len(doc.tokens), dtype=bool)
    for start, end in zip(slices[0], slices[1]):
        marked[int(start):int(end)] = True
    order = sorted(range(len(doc.tokens)),
                   key=lambda i: (doc.tokens[i].start, i))
    rank = {index: place for place, index in enumerate(order)}
    ranges: list[tuple[int, int]] = []
    last = -2
    for index in sorted(np.flatnonzero(marked).tolist(), key=rank.get):
        tok = doc.tokens[index]
        gap = doc.source[ranges[-1][1]:tok.start] if ranges else "#"
        if rank[index] == last + 1 and not gap.strip(" \t\r\n\\"):
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], tok.end))
        else:
            ranges.append((tok.start, tok.end))
        last = rank[index]
    return [(start, end) for start, end in ranges if end > start]
