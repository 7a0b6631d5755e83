"""``python -m grader batch`` and ``similarity``: the commands that take
a folder of student folders."""
from __future__ import annotations

import argparse
from pathlib import Path

from grader.cli import add_common, add_flags, command, grader_failed, parse
from grader.tasks import parse_tasks


def add_against(parser: argparse.ArgumentParser) -> None:
    """``--against KNOWN_DIR ...``: known solutions to compare with."""
    parser.add_argument("--against", nargs="+", default=[],
                        metavar="KNOWN_DIR",
                        help="folders of known solutions (e.g. cloned "
                             "public repositories; any folder holding a "
                             "task file, at any depth, is one)")


def known_dirs(parser: argparse.ArgumentParser,
               args: argparse.Namespace) -> list[Path]:
    """The ``--against`` folders (a usage error if one is not a folder)."""
    for name in args.against:
        if not Path(name).is_dir():
            parser.error(f"--against {name}: not a folder")
    return [Path(name) for name in args.against]


def similarity_main(argv: list[str]) -> int:
    """``python -m grader similarity CLASS_DIR --out similarity.csv``."""
    from grader.similarity import compare_class
    from grader.similarity.table import summary, write_csv

    parser = command("similarity",
                     "Compares every pair of students' task files (one "
                     "folder per student), and each against known "
                     "solutions; writes every pair's similarity to a CSV. "
                     "Evidence for a human, never a grade.")
    parser.add_argument("submissions", help="folder of student folders")
    add_against(parser)
    parser.add_argument("--tasks", metavar="0,3",
                        help="compare only these tasks (default: all, "
                             "4-6 included)")
    parser.add_argument("--out", required=True, metavar="similarity.csv")
    args = parser.parse_args(argv)
    root = Path(args.submissions)
    if not root.is_dir():
        parser.error(f"{root} is not a folder")
    try:
        tasks = parse_tasks(args.tasks or "all")
    except ValueError as error:
        parser.error(str(error))
    against = known_dirs(parser, args)
    try:
        comparisons = compare_class(root, against, tasks)
        path = write_csv(Path(args.out), comparisons)
    except Exception as error:
        return grader_failed(error)
    print("\n".join(summary(comparisons) + [f"every pair in {path}"]))
    return 0


def batch_main(argv: list[str]) -> int:
    """``python -m grader batch DIR --out grades.csv``."""
    parser = command("batch",
                     "Grades every subfolder of SUBMISSIONS_DIR (one student "
                     "each), on this machine or on a Dask cluster.")
    parser.add_argument("submissions", help="folder of student folders")
    parser.add_argument("--out", required=True, metavar="grades.csv",
                        help="CSV file to write (reports go to a folder "
                             "beside it, the class page to grades.html)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:8786|local:N",
                        help="grade on a Dask cluster: a running scheduler's "
                             "address, or local:N for N worker processes "
                             "on this machine (default: no Dask)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the rows of folders already graded with "
                             "the same files and grader; grade the rest")
    parser.add_argument("--similarity", action="store_true",
                        help="compare the class's files too: a section of "
                             "the class page and grades-similarity.csv "
                             "(never a grade change)")
    add_against(parser)
    from grader.batch.term import TERM_FLAGS, term_from
    add_flags(parser, TERM_FLAGS)
    add_common(parser)
    args, options, root = parse(parser, argv, "submissions")
    against = (known_dirs(parser, args)
               if args.similarity or args.against else None)
    if args.scheduler:
        from grader.batch.cluster import parse_scheduler
        try:
            parse_scheduler(args.scheduler)
        except ValueError as error:
            parser.error(str(error))
    try:
        term = term_from(vars(args))
    except ValueError as error:
        parser.error(str(error))
    from grader.batch import run_batch
    try:
        return run_batch(root, Path(args.out), options, args.scheduler,
                         args.resume, term=term, against=against)
    except Exception as error:  # the grader's side: never a student's row
        return grader_failed(error)
