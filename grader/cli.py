"""Command line: ``python -m grader [DIR]``, ``batch`` and their options."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.reference import ReferenceError
from grader.runner import Options, grade
from grader.sandbox import REPO_ROOT, Limits
from grader.tasks import TASKS, parse_tasks


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tasks", metavar="0,3",
                        help="grade only these tasks (default: all)")
    parser.add_argument("--keras", choices=("2", "3", "best"), default="3",
                        help="run submissions under Keras 2 (tf-keras) or "
                             "Keras 3 (default); best: under both, keeping "
                             "the better score of each task")
    parser.add_argument("--no-other-keras", action="store_true",
                        help="do not grade a task that Keras failed under "
                             "the other Keras version too (by default its "
                             "score there is shown, for information)")
    parser.add_argument("--timeout", type=float, default=180.0,
                        metavar="S", help="wall-clock limit per task file "
                                          "(default 180 s)")
    parser.add_argument("--memory", type=int, default=8192, metavar="MB",
                        help="memory limit per task file (default 8192 MB)")
    parser.add_argument("--no-cache", action="store_true",
                        help="recompute the reference instead of reusing "
                             "the cached measurements")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help="task files graded in parallel (default 2)")
    parser.add_argument("--no-fork-server", action="store_true",
                        help="start every worker as a new Python process "
                             "instead of forking it from a process that "
                             "has already imported TensorFlow")


def options_from(args: argparse.Namespace) -> Options:
    best = args.keras == "best"
    if best and args.no_other_keras:
        raise ValueError("--keras best grades under both versions: it "
                         "cannot be combined with --no-other-keras")
    options = Options(tasks=parse_tasks(args.tasks),
                      keras_major=3 if best else int(args.keras),
                      other_keras="best" if best else
                      "off" if args.no_other_keras else "info",
                      limits=Limits(args.timeout, args.memory),
                      workers=args.workers,
                      fork_server=not args.no_fork_server)
    if args.no_cache:
        options.cache_dir = None
    return options


def parse(parser: argparse.ArgumentParser, argv: list[str],
          folder_arg: str) -> tuple[argparse.Namespace, Options, Path]:
    """Parses ``argv``: the namespace, the grading options and the folder
    named by ``folder_arg`` (a usage error, exit code 2, if it is none)."""
    args = parser.parse_args(argv)
    try:
        options = options_from(args)
    except ValueError as error:
        parser.error(str(error))
    folder = Path(getattr(args, folder_arg))
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder")
    return args, options, folder


def grade_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grades a folder of autoencoder task files "
                    "(default: the reference solutions).",
        epilog="Also: python -m grader batch SUBMISSIONS_DIR --out "
               "grades.csv, and python -m grader compare DIR [--out FOLDER]")
    parser.add_argument("submission", nargs="?", default=str(REPO_ROOT),
                        help="folder with the task files")
    add_common(parser)
    parser.add_argument("--json", metavar="PATH",
                        help="write Gradescope's results.json here")
    parser.add_argument("--junitxml", metavar="PATH",
                        help="write a JUnit XML report here")
    args, options, folder = parse(parser, argv, "submission")
    try:
        report = grade(folder, options)
    except ReferenceError as error:
        print(f"grader error: {error}", file=sys.stderr)
        return 3
    print(report.text({n: t.filename for n, t in TASKS.items()}))
    if args.json:
        report.write_json(Path(args.json))
    if args.junitxml:
        from grader.junit import write_junit
        write_junit(report, Path(args.junitxml))
    return 0 if report.all_passed else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "batch":
            from grader.batch import batch_main
            return batch_main(argv[1:])
        if argv and argv[0] == "compare":
            from grader.compare import compare_main
            return compare_main(argv[1:])
        return grade_main(argv)
    except SystemExit as exit_:  # argparse: usage errors exit with 2
        return int(exit_.code or 0)
