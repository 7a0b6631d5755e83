"""The similarity CSV: one row per pair, most similar first."""
from __future__ import annotations

import csv
from pathlib import Path

from grader.similarity.compare import TaskComparison, all_pairs
from grader.tasks import TASKS

COLUMNS = ("task", "student", "other", "similarity", "flagged", "matched",
           "needed_similarity", "needed_tokens")


def write_csv(path: Path, comparisons: list[TaskComparison]) -> Path:
    """Writes every pair of ``comparisons`` to ``path``: the task file, the
    two names (a known solution as ``known:<folder>``), the similarity
    (0 to 1), ``yes``/``no`` for flagged, the matching tokens, and the
    task's threshold."""
    needed = {c.task: c.threshold for c in comparisons}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for pair in all_pairs(comparisons):
            writer.writerow([
                TASKS[pair.task].filename, pair.student, pair.other,
                f"{pair.similarity:.3f}", "yes" if pair.flagged else "no",
                pair.matched, f"{needed[pair.task].similarity:g}",
                needed[pair.task].tokens])
    return path


def summary(comparisons: list[TaskComparison]) -> list[str]:
    """Per task, a line with how many pairs are flagged and what the task
    needs, then one line per flagged pair."""
    lines = []
    for comparison in comparisons:
        flagged = [p for p in comparison.pairs if p.flagged]
        need = comparison.threshold
        lines.append(f"{TASKS[comparison.task].filename}: {len(flagged)} "
                     f"flagged of {len(comparison.pairs)} pairs (needs "
                     f"similarity >= {need.similarity:g} and {need.tokens} "
                     "matching tokens)")
        lines += [f"  {p.similarity:.2f}  {p.student}  {p.other}"
                  for p in flagged]
    return lines
