"""The layout of grader/ as the README's maintainers' map draws it: the
stages run -> measure -> judge -> report, none importing a later one; the
shared formats at the top level importing no stage; every module placed.

Reads the sources only (ast): no TensorFlow, well under a second.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader.paths import REPO_ROOT

GRADER = REPO_ROOT / "grader"
STAGES = ("run", "measure", "judge", "report")
# The formats the stages meet in, and what every stage may read.
SHARED = {"options", "results", "measurements", "failures", "tasks",
          "paths", "transport"}
# The orchestrating layer: it drives the stages and may import any.
ORCHESTRATING = {"__init__", "__main__", "cli", "batch", "platforms",
                 "similarity", "doctor", "pipeline", "pytest_plugin",
                 "conftest", "test_submission"}
# The one door from a stage into the next, and why it is there.
DOORS = {
    ("grader.run.forkserver", "measure"):
        "the sandbox's server imports TensorFlow and the worker once, then "
        "forks a worker per job: the run stage handing over to measure",
}


def module_name(path: Path) -> str:
    """``grader/judge/engine.py`` -> ``grader.judge.engine``."""
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every ``grader...`` module a file imports, anywhere in it (also
    inside functions and ``TYPE_CHECKING`` blocks)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: a relative import"
            modules = [f"{node.module}.{alias.name}" for alias in node.names
                       if is_module(f"{node.module}.{alias.name}")]
            found.update(modules or [node.module])
    return {name for name in found if name.split(".")[0] == "grader"}


def is_module(name: str) -> bool:
    """Whether ``name`` (``grader.x.y``) is a module or package of ours
    (``from grader import transport`` imports the module, not the
    package's ``__init__``)."""
    path = REPO_ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py"
                                                 ).is_file()


def part_of(name: str) -> str:
    """The top-level part of ``grader`` a module belongs to: a stage, a
    shared module or an orchestrating one (``grader`` itself: __init__)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


SOURCES = sorted(GRADER.rglob("*.py"))
GRAPH = {module_name(path): imported(path) for path in SOURCES}


def test_every_module_has_its_place():
    """A new top-level module or package must be placed in the map (and
    in the README's) before it can import anything."""
    unplaced = {part_of(name) for name in GRAPH} - set(STAGES) - SHARED \
        - ORCHESTRATING
    assert not unplaced, f"place these in tests/test_layout.py: {unplaced}"


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_imports_a_later_one(stage):
    later = set(STAGES[STAGES.index(stage) + 1:])
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() if part_of(name) == stage
        for target in targets
        if part_of(target) in later and (name, part_of(target)) not in DOORS)
    assert not wrong, "\n".join(wrong)


def test_shared_formats_import_no_stage():
    """results.py knows no output format, measurements.py no measuring
    code: the shared modules import only each other."""
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() if part_of(name) in SHARED
        for target in targets if part_of(target) not in SHARED)
    assert not wrong, "\n".join(wrong)


def test_doors_are_still_used():
    """An exception above that no import needs any more is removed."""
    for name, stage in DOORS:
        assert any(part_of(t) == stage for t in GRAPH.get(name, ())), \
            f"{name} no longer imports {stage}: remove it from DOORS"


def test_the_graph_sees_known_imports():
    """The parser finds imports where they are (a check that cannot pass
    on an empty graph)."""
    assert "grader.judge.checks" in GRAPH["grader.judge.engine"]
    assert "grader.transport" in GRAPH["grader.measure.worker"]
    assert "grader.measure.worker" in GRAPH["grader.run.forkserver"]
    assert len(GRAPH) > 80


def test_checks_are_reported_in_the_declared_order():
    """The order of the checks is ORDER, not the import order of their
    modules; a check missing from ORDER stops the grader."""
    from grader.judge.checks import ORDER, REGISTRY
    from grader.judge.registry import ordered
    assert [c.id for c in REGISTRY] == list(ORDER)
    with pytest.raises(ValueError, match="not ordered"):
        ordered(ORDER[:-1])
