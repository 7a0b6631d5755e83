"""The course's file rules, checked on the source text (never run).

Each rule is its own check with its own point, separate from the model
checks, so a style slip never hides a correct model or the reverse.
"""
from __future__ import annotations

import ast
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pycodestyle

from grader.judge.verdict import Verdict
from grader.tasks import KERAS_IMPORT

SHEBANG = "#!/usr/bin/env python3"
ALLOWED_IMPORT = KERAS_IMPORT  # a task may allow more (Task.imports)


class _Collector(pycodestyle.BaseReport):
    """A pycodestyle report that keeps the violations instead of printing."""

    def __init__(self, options: Any) -> None:
        super().__init__(options)
        self.found: list[tuple[int, int, str]] = []

    def error(self, line_number: int, offset: int, text: str,
              check: Any) -> Any:
        """Collects one pycodestyle finding."""
        code = super().error(line_number, offset, text, check)
        if code:
            self.found.append((line_number, offset + 1, text))
        return code


def pycodestyle_violations(path: Path) -> list[tuple[int, int, str]]:
    """(line, column, 'E123 message') for each violation in ``path``."""
    guide = pycodestyle.StyleGuide(quiet=True, reporter=_Collector)
    report = guide.check_files([str(path)])
    return report.found


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def shebang(path: Path, source: str, tree: ast.Module | None) -> Verdict:
    """The first line is ``#!/usr/bin/env python3``."""
    first = source.split("\n", 1)[0].rstrip("\r")
    if first == SHEBANG:
        return Verdict.ok()
    return Verdict.fail(f"line 1 is {first[:60]!r}, expected {SHEBANG!r}")


def module_docstring(path: Path, source: str,
                     tree: ast.Module | None) -> Verdict:
    """The module has a docstring."""
    if tree is None:
        return Verdict.fail("the file does not parse, so no docstring")
    if ast.get_docstring(tree):
        return Verdict.ok()
    return Verdict.fail('the module has no docstring: start the file (after '
                        'the shebang) with """What this module does."""')


def definition_docstrings(path: Path, source: str,
                          tree: ast.Module | None) -> Verdict:
    """Every function, class and method has a docstring."""
    if tree is None:
        return Verdict.fail("the file does not parse")
    missing = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef)):
            if not ast.get_docstring(node):
                missing.append(f"{node.name} (line {node.lineno})")
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef,
                                         ast.AsyncFunctionDef)) and \
                            not ast.get_docstring(item):
                        missing.append(f"{node.name}.{item.name} "
                                       f"(line {item.lineno})")
    if missing:
        return Verdict.fail("no docstring: " + ", ".join(missing[:5]))
    return Verdict.ok()


def style(path: Path, source: str, tree: ast.Module | None) -> Verdict:
    """pycodestyle finds nothing."""
    found = pycodestyle_violations(path)
    if not found:
        return Verdict.ok()
    shown = "; ".join(f"line {line}:{col} {text}"
                      for line, col, text in found[:3])
    more = f" (+{len(found) - 3} more)" if len(found) > 3 else ""
    return Verdict.fail(f"{len(found)} pycodestyle violation(s): {shown}"
                        f"{more}")


def executable(path: Path, source: str, tree: ast.Module | None) -> Verdict:
    """The file is executable."""
    if os.stat(path).st_mode & 0o111:
        return Verdict.ok()
    return Verdict.fail(f"the file is not executable: chmod +x {path.name}")


def final_newline(path: Path, source: str,
                  tree: ast.Module | None) -> Verdict:
    """The file ends with a newline."""
    if source.endswith("\n"):
        return Verdict.ok()
    return Verdict.fail("the file does not end with a newline")


def imports(path: Path, source: str, tree: ast.Module | None,
            allowed: tuple[str, ...] = (ALLOWED_IMPORT,)) -> Verdict:
    """The only import is ``import tensorflow.keras as keras`` (or one of
    ``allowed``, the task's)."""
    if tree is None:
        return Verdict.fail("the file does not parse")
    other = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            text = ast.get_source_segment(source, node) or ast.unparse(node)
            if " ".join(text.split()) not in allowed:
                other.append(f"line {node.lineno}: {text.strip()}")
    if other:
        return Verdict.fail(f"only {' and '.join(map(repr, allowed))} "
                            f"{'is' if len(allowed) == 1 else 'are'} "
                            "allowed; found "
                            + "; ".join(other[:3]))
    return Verdict.ok()


RuleFn = Callable[[Path, str, "ast.Module | None"], Verdict]
RULES: list[tuple[str, str, RuleFn]] = [
    ("shebang", "first line is #!/usr/bin/env python3", shebang),
    ("module-docstring", "module docstring", module_docstring),
    ("docstrings", "functions, classes and methods have docstrings",
     definition_docstrings),
    ("pycodestyle", "pycodestyle clean", style),
    ("executable", "file is executable", executable),
    ("final-newline", "ends with a newline", final_newline),
    ("imports", "imports only tensorflow.keras as keras", imports),
]


def rule_title(rule_id: str, title: str, allowed: tuple[str, ...]) -> str:
    """A rule's title for a task whose import lines are ``allowed``."""
    if rule_id == "imports" and allowed != (ALLOWED_IMPORT,):
        return "imports only " + " and ".join(
            a.removeprefix("import ") for a in allowed)
    return title


def check_file(path: Path, allowed: tuple[str, ...] = (ALLOWED_IMPORT,)
               ) -> dict[str, Verdict]:
    """Every file rule's verdict for ``path`` (a missing file fails all);
    ``allowed``: the imports the task allows."""
    if not path.is_file():
        return {rule_id: Verdict.fail(f"{path.name} not found")
                for rule_id, _, _ in RULES}
    raw = path.read_bytes()
    source = raw.decode("utf-8", "replace")
    tree = _parse(source)
    return {rule_id: imports(path, source, tree, allowed)
            if fn is imports else fn(path, source, tree)
            for rule_id, _, fn in RULES}
