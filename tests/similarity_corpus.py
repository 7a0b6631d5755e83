"""The similarity tests' corpus: independent solutions (the grader's
correct corpora and ``tests/corpus/similarity/independent``, all written
for this project) and disguised copies made from them here.

A disguise is what a copier does without touching the code: every name the
file binds renamed (the course's signature kept), docstrings reworded,
top-level functions and classes in reverse order, comments and blank lines
added.
"""
from __future__ import annotations

import ast
import io
import shutil
import tokenize
from pathlib import Path

from grader.similarity.tokens import bound_names, keyword_positions
from grader.tasks import TASKS

CORPUS = Path(__file__).parent / "corpus"
SIMILARITY = CORPUS / "similarity"
KEPT = {"autoencoder", "self", "call", "__init__", "build", "get_config",
        "input_dims", "hidden_layers", "latent_dims", "lambtha", "filters"}


def reordered(source: str) -> str:
    """``source`` with its top-level functions and classes reversed."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    blocks = [node for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    if len(blocks) < 2:
        return source
    first = min(d.lineno for d in blocks[0].decorator_list) \
        if blocks[0].decorator_list else blocks[0].lineno
    head = "".join(lines[:first - 1])
    texts = ["".join(lines[(min(d.lineno for d in b.decorator_list)
                            if b.decorator_list else b.lineno) - 1:
                           b.end_lineno]).rstrip("\n") + "\n"
             for b in blocks]
    tail = "".join(lines[blocks[-1].end_lineno:])
    return head + "\n\n".join(reversed(texts)) + "\n" + tail


def renamed(source: str, salt: str) -> str:
    """``source`` with every name it binds renamed (and docstrings
    reworded)."""
    tree = ast.parse(source)
    names = bound_names(tree) - KEPT
    keywords = keyword_positions(tree)
    out = []
    previous = tokenize.NEWLINE
    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, tok in enumerate(toks):
        text = tok.string
        if tok.type == tokenize.NAME and text in names and \
                tok.start not in keywords:
            text = f"{salt}_{text[::-1].strip('_')}"
        elif tok.type == tokenize.STRING and previous in (
                tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                tokenize.NL) and toks[i + 1].type == tokenize.NEWLINE:
            text = f'"""In my own words ({salt}): see the task."""'
        out.append(tok._replace(string=text))
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.type
    return tokenize.untokenize(out)


def commented(source: str) -> str:
    """``source`` with a blank line and a comment before every third
    indented line (comments and blank lines may stand anywhere but after a
    backslash)."""
    out: list[str] = []
    for number, line in enumerate(source.splitlines(keepends=True)):
        stripped = line.lstrip()
        indent = line[:len(line) - len(stripped)]
        if number % 3 == 0 and indent and stripped and \
                not (out and out[-1].rstrip().endswith("\\")):
            out.append("\n" + indent + "# next step of the model\n")
        out.append(line)
    return "".join(out)


def disguise(source: str, salt: str) -> str:
    """A disguised copy of ``source``."""
    return commented(renamed(reordered(source), salt))


def copy_folder(origin: Path, target: Path, salt: str) -> Path:
    """``target``: the task files of ``origin``, each disguised."""
    target.mkdir(parents=True)
    for task in TASKS.values():
        path = origin / task.filename
        if path.is_file():
            (target / task.filename).write_text(
                disguise(path.read_text(), salt))
    return target


def independent_folders() -> dict[str, Path]:
    """Every independent solution folder, by a unique name."""
    found = {}
    for group in (CORPUS / "correct", CORPUS / "keras2" / "correct",
                  SIMILARITY / "independent"):
        for folder in sorted(p for p in group.iterdir() if p.is_dir()):
            found[f"{group.parent.name}_{group.name}_{folder.name}"] = folder
    return found


def build_class(root: Path, copied: dict[str, str]) -> Path:
    """A class folder: every independent folder as is, and for each
    ``copy name -> original name`` a disguised copy (an original starting
    with ``known:`` is the known folder of that name)."""
    originals = independent_folders()
    for name, folder in originals.items():
        shutil.copytree(folder, root / name)
    for name, original in copied.items():
        origin = (SIMILARITY / "known" / original[len("known:"):]
                  if original.startswith("known:") else originals[original])
        copy_folder(origin, root / name, salt=name)
    return root
