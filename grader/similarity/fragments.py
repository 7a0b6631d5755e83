"""Where a pair's matching fragments are in the two sources."""
from __future__ import annotations

import numpy as np

from grader.similarity.documents import Document
from grader.similarity.tokens import UNIT

LAYOUT = ("<newline>", "<indent>", "<dedent>", UNIT)


def source_ranges(doc: Document, slices: np.ndarray) -> list[tuple[int,
                                                                   int]]:
    """The character ranges of ``doc.source`` that the matching token
    slices cover (2 x N, in the canonical token order): one range per run
    of tokens that follow each other in the file with only blanks between
    them (comments and docstrings between are left unmarked), without
    line breaks and indentation at either end."""
    marked = np.zeros(len(doc.tokens), dtype=bool)
    for start, end in zip(slices[0], slices[1]):
        marked[int(start):int(end)] = True
    order = sorted(range(len(doc.tokens)),
                   key=lambda i: (doc.tokens[i].start, i))
    runs: list[list[int]] = []
    previous = None
    for _place, index in enumerate(order):
        if not marked[index]:
            previous = None
            continue
        tok = doc.tokens[index]
        gap = (doc.source[doc.tokens[previous].end:tok.start]
               if previous is not None else "#")
        if previous is not None and not gap.strip(" \t\r\n\\"):
            runs[-1].append(index)
        else:
            runs.append([index])
        previous = index
    ranges = []
    for run in runs:
        code = [doc.tokens[i] for i in run if doc.tokens[i].text not in LAYOUT]
        if code:
            ranges.append((code[0].start, max(t.end for t in code)))
    return ranges
