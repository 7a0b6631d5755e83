"""A task file as the fingerprints see it: its tokens, normalised.

What a copier changes without changing the code is dropped or made equal:
comments, docstrings (any string standing alone as a statement), blank
lines and line breaks inside brackets are dropped; every name the file
itself binds (its variables, parameters, functions, classes, attributes
set on ``self``) becomes ``V``. Names it does not bind (``keras``,
``Dense``, ``range``, keyword arguments) and literals stay as they are:
they are the code's substance, not its spelling. A string given as a
``name=`` keyword argument (a layer's or a model's name, ``name='latent'``)
is a name too, and dropped with its keyword: naming the layers changes no
code. Each top-level function
or class (and each method of a class) is one unit, and the units are put in
a canonical order and fingerprinted on its own, so reordering them
hides nothing.
"""
from __future__ import annotations

import ast
import functools
import io
import keyword
import re
import tokenize
from dataclasses import dataclass

NAME = "V"
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING,
           tokenize.ENDMARKER}
STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
STARTS = ("<newline>", "<indent>", "<dedent>")
UNIT = "<unit>"  # the end of a unit (see canonical)


@dataclass(frozen=True)
class Token:
    """One kept token: its normalised text and where it is in the file
    (character offsets into the source)."""

    text: str
    start: int
    end: int
    line: int


def names_of(tree: ast.AST) -> tuple[set[str], set[tuple[int, int]]]:
    """What a module names itself, and where calls name their keyword
    arguments.

    The first set: the names it binds (assignment, loop, ``with`` and
    comprehension targets, parameters, functions, classes, attributes
    assigned on any object, ``self.encoder = ...``; not imports, which the
    course dictates). The second:
    the (line, column) of each keyword argument's name (``units=`` in
    ``Dense(units=n)``), the library's name even where a variable has the
    same spelling."""
    names: set[str] = set()
    keywords: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if type(node.ctx) is ast.Store:
                names.add(node.id)
        elif isinstance(node, ast.Attribute):
            if type(node.ctx) is ast.Store:
                names.add(node.attr)
        elif isinstance(node, ast.keyword):
            if node.arg is not None:
                keywords.add((node.lineno, node.col_offset))
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                               ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names - set(keyword.kwlist), keywords


def bound_names(tree: ast.AST) -> set[str]:
    """The names a module binds itself (see :func:`names_of`)."""
    return names_of(tree)[0]


def keyword_positions(tree: ast.AST) -> set[tuple[int, int]]:
    """Where calls name their keyword arguments (see :func:`names_of`)."""
    return names_of(tree)[1]


def _line_starts(source: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", source)]


def raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Python's tokens of ``source``, up to where it stops tokenising (a
    broken file still gives what precedes the error)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


@functools.lru_cache(maxsize=4096)
def _literal(text: str) -> str:
    """A string literal by its value, whatever its quotes."""
    try:
        return repr(ast.literal_eval(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def name_arguments(toks: list[tokenize.TokenInfo],
                   keywords: set[tuple[int, int]]) -> set[int]:
    """The indexes of each ``name='...'`` keyword argument's tokens in
    ``toks``, with the comma that joins it to the call's other arguments
    (before it, or after it when it comes first)."""
    code = [i for i, t in enumerate(toks) if t.type not in SKIPPED]
    dropped: set[int] = set()
    for n in range(len(code) - 3):
        name, equals, value, after = (toks[j] for j in code[n:n + 4])
        if name.string != "name" or name.start not in keywords or \
                equals.string != "=" or value.type != tokenize.STRING or \
                after.string not in (",", ")"):
            continue
        dropped.update(code[n:n + 3])
        if n and toks[code[n - 1]].string == ",":
            dropped.add(code[n - 1])
        elif after.string == ",":
            dropped.add(code[n + 3])
    return dropped


def normalised_tokens(source: str) -> list[Token]:
    """``source``'s tokens, normalised as the module docstring says, in the
    file's own order (no comments, docstrings or blank lines)."""
    try:
        tree = ast.parse(source)
        bound, keywords = names_of(tree)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        # A file that does not parse: every non-keyword name is a name.
        bound, keywords = None, set()
    starts = _line_starts(source)
    toks = raw_tokens(source)
    following = [tokenize.NEWLINE] * len(toks)  # next kept token's type
    for i in range(len(toks) - 2, -1, -1):
        after = toks[i + 1].type
        following[i] = following[i + 1] if after in SKIPPED else after
    kept: list[Token] = []
    previous = tokenize.NEWLINE
    dropped = name_arguments(toks, keywords)
    for i, tok in enumerate(toks):
        kind = tok.type
        if kind in SKIPPED or i in dropped:
            continue
        if kind == tokenize.STRING and previous in STATEMENT_START and \
                following[i] == tokenize.NEWLINE:
            previous = tokenize.DEDENT  # a docstring: the line is gone
            continue
        if kind == tokenize.NEWLINE and previous in STATEMENT_START:
            continue
        text = tok.string
        if kind == tokenize.NAME and not keyword.iskeyword(text) and \
                tok.start not in keywords:
            if bound is None or text in bound:
                text = NAME
        elif kind == tokenize.STRING:
            text = _literal(text)
        elif kind == tokenize.INDENT:
            text = "<indent>"
        elif kind == tokenize.DEDENT:
            text = "<dedent>"
        elif kind == tokenize.NEWLINE:
            text = "<newline>"
        start = starts[min(tok.start[0], len(starts)) - 1] + tok.start[1]
        end = starts[min(tok.end[0], len(starts)) - 1] + tok.end[1]
        kept.append(Token(text, start, end, tok.start[0]))
        previous = kind
    return kept


def units(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` cut into units: each top-level ``def`` or ``class``
    statement and each method of a class is one; what lies between them
    is one too."""
    cuts = {0}
    depth = 0
    in_class = False
    for i, tok in enumerate(tokens):
        if tok.text == "<indent>":
            depth += 1
        elif tok.text == "<dedent>":
            depth -= 1
            in_class = in_class and depth > 0
        elif tok.text in ("def", "class") and (
                i == 0 or tokens[i - 1].text in STARTS) and (
                depth == 0 or (depth == 1 and in_class)):
            cuts.add(i)
            in_class = in_class or (tok.text == "class" and depth == 0)
    ordered = sorted(cuts) + [len(tokens)]
    return [tokens[a:b] for a, b in zip(ordered, ordered[1:]) if b > a]


def canonical(tokens: list[Token]) -> list[Token]:
    """``tokens`` with their units in a canonical order (sorted by their
    normalised text), so the order of functions and methods is lost, and
    a zero-width :data:`UNIT` token after each unit: no fingerprint spans
    two units (:func:`grader.similarity.fingerprints.fingerprint`)."""
    ordered = sorted(units(tokens), key=lambda u: [t.text for t in u])
    return [tok for unit in ordered for tok in unit + [
        Token(UNIT, unit[-1].end, unit[-1].end, unit[-1].line)]]
