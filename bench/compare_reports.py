#!/usr/bin/env python3
"""Compares two runs of ``bench/corpus_reports.py``, and checks the faulty
corpus's manifests against a run.

``python bench/compare_reports.py BEFORE AFTER [--manifests]`` prints, per
folder whose report changed, each test whose status, score or message
changed (timings and ``extra_data.sandbox_detail``, which names the
machine's sandbox, are left out); exit code 1 when anything changed.
``--manifests`` also checks every faulty folder of
``tests/corpus/faulty/manifest.json`` (and, for a Keras 2 run, of
``tests/corpus/keras2/faulty/``) in AFTER as ``tests/test_grader_corpus.py``
does, without grading again: its check fails with its words, the checks it
must pass and the file rules pass (a warning reads as passed in the JSON).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.judge.checks import REGISTRY  # noqa: E402
from grader.judge.file_rules import RULES  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
TITLES = {c.id: c.title for c in REGISTRY} | {
    rule_id: title for rule_id, title, _ in RULES}


def stable(path: Path) -> dict[str, Any]:
    """A report without what names the machine or the time."""
    data = json.loads(path.read_text())
    data.pop("execution_time", None)
    data.get("extra_data", {}).pop("sandbox_detail", None)
    return data


def differences(before: Path, after: Path) -> list[str]:
    """Lines naming every change between the two runs."""
    lines = []
    names = sorted({p.name for p in before.glob("*.json")}
                   | {p.name for p in after.glob("*.json")})
    for name in names:
        if not (before / name).is_file() or not (after / name).is_file():
            only = "after" if (after / name).is_file() else "before"
            lines.append(f"{name}: only in {only}")
            continue
        old, new = stable(before / name), stable(after / name)
        if old == new:
            continue
        lines.append(f"{name}:")
        old_tests = {t["name"]: t for t in old.pop("tests", [])}
        new_tests = {t["name"]: t for t in new.pop("tests", [])}
        for test in sorted(old_tests.keys() | new_tests.keys()):
            if old_tests.get(test) != new_tests.get(test):
                lines.append(f"  {test}:\n    before {old_tests.get(test)}"
                             f"\n    after  {new_tests.get(test)}")
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                lines.append(f"  {key}:\n    before {old.get(key)!r}"
                             f"\n    after  {new.get(key)!r}")
    return lines


def manifest_failures(run: Path, group: str) -> list[str]:
    """Faulty folders of ``group`` whose report in ``run`` breaks their
    manifest entry."""
    manifest = json.loads((CORPUS / group / "manifest.json").read_text())
    prefix = "__".join(Path(group).parts)
    found = []
    for name, entry in sorted(manifest.items()):
        path = run / f"{prefix}__{name}.json"
        if not path.is_file():
            found.append(f"{name}: no report")
            continue
        tests = {t["name"]: t for t in stable(path)["tests"]}
        task = entry["task"]
        failing = tests.get(f"Task {task}: {TITLES[entry['fails']]}", {})
        if failing.get("status") != "failed" or \
                entry["words"] not in failing.get("output", ""):
            found.append(f"{name}: {entry['fails']} is {failing}")
        for check in entry["passes"] + [r for r, _, _ in RULES]:
            result = tests.get(f"Task {task}: {TITLES[check]}", {})
            if result.get("status") != "passed":
                found.append(f"{name}: {check} is {result}")
    return found


def graded_under(run: Path) -> int | None:
    """The Keras major version the run graded with."""
    for path in sorted(run.glob("*.json")):
        graded = stable(path).get("extra_data", {}).get("keras", {})
        if isinstance(graded, dict) and graded.get("graded"):
            return int(graded["graded"])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--manifests", action="store_true")
    args = parser.parse_args()
    lines = differences(args.before, args.after)
    if args.manifests:
        groups = ["faulty"]
        if graded_under(args.after) == 2:  # as the test grades them
            groups.append("keras2/faulty")
        for group in groups:
            lines += [f"manifest {group}: {line}"
                      for line in manifest_failures(args.after, group)]
    print("\n".join(lines) if lines else
          f"{len(list(args.after.glob('*.json')))} reports: no change")
    sys.exit(1 if lines else 0)


if __name__ == "__main__":
    main()
