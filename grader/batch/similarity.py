"""``batch --similarity``: the class compared once grading is done;
``grades-similarity.csv`` beside the CSV and a section for the class page.
Nothing here changes a grade."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TextIO


def similarity_csv_of(out: Path) -> Path:
    """``grades.csv`` -> ``grades-similarity.csv``."""
    return out.with_name(out.stem + "-similarity.csv")


def similarity_report(root: Path, out: Path, against: list[Path],
                      tasks: list[int], stream: TextIO) -> str | None:
    """Compares the class in ``root`` (and against ``against``), writes the
    similarity CSV beside ``out`` and returns the class page's section;
    None, said on stderr as a grader error, if the comparison failed."""
    from grader.report.similarity_section import similarity_section
    from grader.similarity import compare_class
    from grader.similarity.table import write_csv

    try:
        comparisons = compare_class(root, against, tasks)
        path = write_csv(similarity_csv_of(out), comparisons)
    except Exception as error:  # the grades are written; say what failed
        print(f"grader error: the similarity comparison failed "
              f"({type(error).__name__}: {error}); the grades are not "
              "affected", file=sys.stderr)
        traceback.print_exc()
        return None
    flagged = sum(p.flagged for c in comparisons for p in c.pairs)
    print(f"similarity: {flagged} flagged pairs; every pair in {path}",
          file=stream)
    return similarity_section(comparisons, path.name)
