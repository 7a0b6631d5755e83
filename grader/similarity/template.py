"""What the course dictates, which no similarity may rest on.

For each task: the reference solution at the repository root (what the
tutorial leads every student to) and the lines the file rules require
(the shebang, the one import, the task's signature). Their k-grams are
ignored in every file of the task.
"""
from __future__ import annotations

from pathlib import Path

from grader.judge.file_rules import ALLOWED_IMPORT, SHEBANG
from grader.paths import REPO_ROOT
from grader.tasks import TASKS


def required_lines(task: int) -> str:
    """The lines every file of ``task`` must have, as source."""
    params = ", ".join(TASKS[task].params)
    return (f'{SHEBANG}\n"""Module."""\n{ALLOWED_IMPORT}\n\n\n'
            f'def autoencoder({params}):\n    """Function."""\n')


def template_sources(task: int, root: Path = REPO_ROOT) -> list[str]:
    """The template's sources for ``task``: its required lines, and the
    reference task file where the repository has it."""
    sources = [required_lines(task)]
    reference = root / TASKS[task].filename
    if reference.is_file():
        sources.append(reference.read_text(encoding="utf-8"))
    return sources
