"""Fingerprints of normalised token streams, by copydetect.

copydetect (:class:`copydetect.CodeFingerprint`, :func:`copydetect.
compare_files`) hashes every k-gram of a text, keeps them in a set with
where each occurs, and matches two sets into the copied slices of both
texts. We hand it our normalised tokens, one character per distinct token
(:class:`Alphabet`), with its own filtering off: its k-grams of characters
are then k-grams of tokens, and its slices are token positions.

Every k-gram is kept (window 1, no winnowing): copydetect hashes with
Python's ``hash``, which changes between processes, so a winnowing window
would keep different k-grams on every run. With all of them kept, the
same files get the same scores on every run; files of this size make that
cheap.
"""
from __future__ import annotations

import io

import numpy as np
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import get_token_coverage

from grader.similarity.tokens import Token

K = 10  # tokens per k-gram: a shorter match is noise (MOSS's -n)
FIRST = 0x4E00  # encoded tokens are CJK characters: no clash with syntax


class Alphabet:
    """One character per distinct normalised token, the same for every
    file of one run."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def code(self, text: str) -> str:
        """The character standing for the token ``text``."""
        found = self.codes.get(text)
        if found is None:
            found = self.codes[text] = chr(FIRST + len(self.codes))
        return found

    def encode(self, tokens: list[Token]) -> str:
        """The tokens as a string of one character each."""
        return "".join(self.code(tok.text) for tok in tokens)


def fingerprint(name: str, text: str, boundary: str) -> CodeFingerprint:
    """Every k-gram hash of the encoded ``text`` and where it occurs, but
    for the k-grams that span a ``boundary`` character (the end of a
    function, a method, or the module's other code): each unit is
    fingerprinted on its own."""
    print_ = CodeFingerprint(name, K, 1, filter=False, fp=io.StringIO(text))
    spanning = np.zeros(len(text) + K, dtype=bool)
    for at in np.flatnonzero(np.frombuffer(text.encode("utf-32-le"),
                                           dtype="<u4") == ord(boundary)):
        spanning[max(0, at - K + 1):at + 1] = True
    if spanning.any():
        for value, starts in list(print_.hash_idx.items()):
            kept = [i for i in starts if not spanning[i]]
            if kept:
                print_.hash_idx[value] = kept
            else:
                del print_.hash_idx[value]
        print_.hashes = set(print_.hash_idx)
        print_.token_coverage = get_token_coverage(
            print_.hash_idx, K, len(text))
    return print_


def drop(print_: CodeFingerprint, ignored: set[int]) -> None:
    """Forgets the hashes in ``ignored`` (the template's, the frequent
    ones), so they neither match nor count in the file's size."""
    gone = print_.hashes & ignored
    if not gone:
        return
    print_.hashes = print_.hashes - gone
    for value in gone:
        del print_.hash_idx[value]
    print_.token_coverage = get_token_coverage(
        print_.hash_idx, print_.k, len(print_.filtered_code))


def match(a: CodeFingerprint, b: CodeFingerprint
          ) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Tokens of ``a`` and of ``b`` inside matching k-grams, and the
    matching slices of each (2 x N arrays of token start and end)."""
    if a.hashes.isdisjoint(b.hashes):
        empty = np.zeros((2, 0), dtype=int)
        return 0, 0, empty, empty
    _, _, (slices_a, slices_b) = compare_files(a, b)
    slices_a = np.asarray(slices_a, dtype=int).reshape(2, -1)
    slices_b = np.asarray(slices_b, dtype=int).reshape(2, -1)
    return (int(np.sum(slices_a[1] - slices_a[0])),
            int(np.sum(slices_b[1] - slices_b[0])), slices_a, slices_b)
