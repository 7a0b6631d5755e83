"""The command line, and the only module that parses arguments:
``python -m grader [DIR]``, ``batch``, ``compare``, ``gradescope``,
``classroom50``, ``doctor`` and ``similarity``. Every grading command goes
through :func:`grader.pipeline.grade`."""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import replace
from pathlib import Path

from grader.failures import GraderFailure
from grader.options import GRADING_FLAGS, Options, options_from
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.platforms.submission import locate
from grader.report import outputs, prairielearn
from grader.report.gradescope import VISIBILITIES
from grader.tasks import TASKS, parse_tasks


def add_common(parser: argparse.ArgumentParser) -> None:
    """Adds the grading options every grading command shares."""
    for flags, settings in GRADING_FLAGS:
        parser.add_argument(*flags, **settings)


def grading_options(argv: list[str]) -> Options:
    """The options that grading flags give: what a platform's script
    passes on (see :func:`grader.options.grading_argv`)."""
    parser = argparse.ArgumentParser(prog="python -m grader")
    add_common(parser)
    return options_from(vars(parser.parse_args(argv)))


def parse(parser: argparse.ArgumentParser, argv: list[str],
          folder_arg: str) -> tuple[argparse.Namespace, Options, Path]:
    """Parses ``argv``: the namespace, the grading options and the folder
    named by ``folder_arg`` (a usage error, exit code 2, if it is none; a
    sandbox level the machine lacks is the grading's error, exit 3)."""
    args = parser.parse_args(argv)
    try:
        options = options_from(vars(args))
    except ValueError as error:
        parser.error(str(error))
    folder = Path(getattr(args, folder_arg))
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder")
    return args, options, folder


def grader_failed(error: Exception) -> int:
    """Says on stderr that the grader itself failed (a traceback unless
    the failure is a known one, told in words); returns exit code 3."""
    print(f"grader error: {error}", file=sys.stderr)
    if not isinstance(error, GraderFailure):
        traceback.print_exc()
    return 3


def grade_main(argv: list[str]) -> int:
    """``python -m grader [DIR]``: grades one folder, prints the report."""
    parser = argparse.ArgumentParser(
        prog="python -m grader",
        description="Grades a folder of autoencoder task files "
                    "(default: the reference solutions).",
        epilog="Also: python -m grader batch SUBMISSIONS_DIR --out "
               "grades.csv [--scheduler ...] [--resume], python -m grader "
               "compare DIR [--out FOLDER], python -m grader gradescope --out "
               "autograder.zip, python -m grader classroom50 --out DIR, and "
               "python -m grader doctor (what this machine gives the "
               "grader)")
    parser.add_argument("submission", nargs="?", default=str(REPO_ROOT),
                        help="folder with the task files")
    add_common(parser)
    parser.add_argument("--json", metavar="PATH",
                        help="write the results file of --format here")
    parser.add_argument("--format", choices=outputs.FORMATS,
                        default="gradescope",
                        help="what --json writes: Gradescope's "
                             "results.json (default), PrairieLearn's "
                             "results.json (with reconstruction images)")
    parser.add_argument("--visibility", default="visible",
                        choices=VISIBILITIES,
                        help="Gradescope visibility of the model checks "
                             "(the file rules stay visible)")
    parser.add_argument("--search-subfolders", action="store_true",
                        help="if the task files are not at the folder's "
                             "top level, grade the subfolder holding "
                             "most of them (uploads with extra folders)")
    parser.add_argument("--junitxml", metavar="PATH",
                        help="write a JUnit XML report here")
    args, options, folder = parse(parser, argv, "submission")
    notes: list[str] = []
    if args.search_subfolders:
        folder, notes = locate(folder, options.tasks)
    images: list[dict[str, str]] = []
    try:
        options = replace(options, pictures=bool(args.json)
                          and args.format == "prairielearn")
        report = grade(folder, options)
        if options.pictures:
            images = prairielearn.reconstruction_images(report)
    except Exception as error:  # the student still gets a message
        grader_failed(error)
        cause = (str(error) if isinstance(error, GraderFailure) else
                 f"{type(error).__name__}: {error}")
        outputs.write(args, None, notes, [],
                      error=outputs.not_graded(cause))
        return 3
    for note in notes:
        print(f"note: {note}")
    print(report.text({n: t.filename for n, t in TASKS.items()}))
    errors = report.grader_errors  # a score without them is not the grade
    outputs.write(args, report, notes, images, error=outputs.not_graded(
        f"{len(errors)} check(s) could not be done; the first, task "
        f"{errors[0].task} '{errors[0].title}': {errors[0].message}")
        if errors else None)
    if args.junitxml:
        from grader.report.junit import write_junit
        write_junit(report, Path(args.junitxml))
    if report.grader_errors:
        return 3
    return 0 if report.all_passed else 1


def command(name: str, description: str) -> argparse.ArgumentParser:
    """The parser of ``python -m grader NAME``."""
    return argparse.ArgumentParser(prog=f"python -m grader {name}",
                                   description=description)


def add_platform(parser: argparse.ArgumentParser, out: str,
                 **defaults: object) -> None:
    """What every platform's setup command takes: where to write, and the
    grading options (every one of ``python -m grader``'s, with the
    platform's ``defaults``), which its script passes on whole."""
    parser.add_argument("--out", required=True, metavar=out)
    add_common(parser)
    parser.set_defaults(**defaults)


def gradescope_main(argv: list[str]) -> int:
    """``python -m grader gradescope --out autograder.zip``."""
    from grader.platforms.gradescope import (LIMIT_FLAGS, Settings,
                                             build_zip, limit_from)

    parser = command("gradescope",
                     "Builds the autograder zip to upload to Gradescope. "
                     "The grading options are those of python -m grader, "
                     "except the defaults: --workers 1 (give the "
                     "autograder as many CPUs), --timeout the most that "
                     "fits the platform's timeout.")
    add_platform(parser, "autograder.zip", workers=1, timeout=None)
    parser.add_argument("--visibility", default="visible",
                        choices=VISIBILITIES,
                        help="when students see the model checks (the file "
                             "rules are always visible)")
    parser.add_argument("--platform-timeout", type=float, default=10.0,
                        metavar="MIN",
                        help="the assignment's autograder timeout on "
                             "Gradescope (default 10, at most 40)")
    add_flags(parser, LIMIT_FLAGS)
    args = parser.parse_args(argv)
    try:
        settings = Settings(options=options_from(vars(args)),
                            visibility=args.visibility,
                            platform_minutes=args.platform_timeout,
                            fixed_seconds=args.timeout is not None,
                            limit=limit_from(vars(args)))
        lines = build_zip(Path(args.out), settings)
    except ValueError as error:
        parser.error(str(error))
    print("\n".join(lines))
    return 0


def add_flags(parser: argparse.ArgumentParser, flags: list) -> None:
    """Adds (flags, argparse settings) pairs to ``parser``."""
    for names, settings in flags:
        parser.add_argument(*names, **settings)


def submission_limit_main(argv: list[str]) -> int:
    """``python -m grader submission-limit check|record``: what the
    Gradescope zip's run_autograder runs before and after grading. Exit
    codes of ``check``: 0 grade, 10 over the limit (results written), 3
    the metadata could not be read."""
    from grader.platforms import submission_limit as limits
    from grader.platforms.gradescope import LIMIT_FLAGS, limit_from

    parser = command("submission-limit", "Applies a Gradescope submission "
                     "limit (run by the autograder zip's run_autograder).")
    parser.add_argument("step", choices=("check", "record"))
    parser.add_argument("--metadata", required=True, metavar="PATH")
    parser.add_argument("--results", required=True, metavar="PATH")
    parser.add_argument("--grader-status", type=int, default=0)
    add_flags(parser, LIMIT_FLAGS)
    args = parser.parse_args(argv)
    try:
        limit = limit_from(vars(args))
        if limit is None:
            raise ValueError("--max-submissions is needed")
    except ValueError as error:
        parser.error(str(error))
    try:
        if args.step == "record":
            limits.record_file(Path(args.metadata), Path(args.results),
                               limit, args.grader_status)
            return 0
        graded = limits.check_file(Path(args.metadata), Path(args.results),
                                   limit)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"submission limit: {error}", file=sys.stderr)
        return 3
    return 0 if graded else 10


def classroom50_main(argv: list[str]) -> int:
    """``python -m grader classroom50 --out DIR``."""
    from grader.platforms import classroom50

    parser = command("classroom50",
                     "Writes the Classroom 50 autograder folder DIR (commit "
                     "it as CLASSROOM/autograders/ASSIGNMENT/ of the "
                     "classroom50 repository). The grading options are "
                     "those of python -m grader, except the defaults: "
                     "--timeout what fits the 15-minute grade job, the "
                     "bubblewrap sandbox.")
    add_platform(parser, "DIR", timeout=None, sandbox="bwrap")
    parser.add_argument("--visibility", default="visible",
                        choices=classroom50.VISIBILITIES,
                        help="when students see the model checks in the "
                             "Release text (the file rules are always "
                             "shown)")
    args = parser.parse_args(argv)
    try:
        settings = classroom50.Settings(
            options=options_from(vars(args)), visibility=args.visibility,
            fixed_seconds=args.timeout is not None)
        lines = classroom50.write_bundle(Path(args.out), settings)
    except ValueError as error:
        parser.error(str(error))
    print("\n".join(lines))
    return 0


def compare_main(argv: list[str]) -> int:
    """``python -m grader compare DIR [--out FOLDER]``."""
    from grader.report.compare_page import DEFAULT_OUT, write_report

    parser = command("compare",
                     "Writes an HTML page comparing a folder's models with "
                     "the reference's.")
    parser.add_argument("submission", help="folder with the task files")
    parser.add_argument("--out", default=str(DEFAULT_OUT), metavar="FOLDER",
                        help="where index.html goes (default: "
                             "./compare-report)")
    add_common(parser)
    args, options, folder = parse(parser, argv, "submission")
    started = time.monotonic()
    options = replace(options, pictures=True)
    try:
        report = grade(folder, options)
    except Exception as error:
        return grader_failed(error)
    path, summary = write_report(report, Path(args.out))
    print("\n".join(summary))
    print(f"({time.monotonic() - started:.1f} s)")
    print(path.resolve())
    return 3 if report.grader_errors else 0


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
                        help="compare only these tasks (default: all)")
    parser.add_argument("--out", required=True, metavar="similarity.csv")
    args = parser.parse_args(argv)
    root = Path(args.submissions)
    if not root.is_dir():
        parser.error(f"{root} is not a folder")
    try:
        tasks = parse_tasks(args.tasks)
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


def doctor_main(argv: list[str]) -> int:
    """``python -m grader doctor``: see :mod:`grader.doctor`."""
    from grader.doctor import run_doctor

    parser = command("doctor", "Says what this machine gives the grader "
                     "and grades the reference's task 0 in a sandbox. Exit "
                     "code 0: all well; 1: shortcomings; 3: cannot grade.")
    add_common(parser)
    parser.set_defaults(tasks="0")
    try:
        options = options_from(vars(parser.parse_args(argv)))
    except ValueError as error:
        parser.error(str(error))
    return run_doctor(options)


def main(argv: list[str] | None = None) -> int:
    """Runs the command ``argv`` names; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "batch":
            return batch_main(argv[1:])
        if argv and argv[0] == "compare":
            return compare_main(argv[1:])
        if argv and argv[0] == "gradescope":
            return gradescope_main(argv[1:])
        if argv and argv[0] == "classroom50":
            return classroom50_main(argv[1:])
        if argv and argv[0] == "doctor":
            return doctor_main(argv[1:])
        if argv and argv[0] == "submission-limit":
            return submission_limit_main(argv[1:])
        if argv and argv[0] == "similarity":
            return similarity_main(argv[1:])
        return grade_main(argv)
    except SystemExit as exit_:  # argparse: usage errors exit with 2
        return int(exit_.code or 0)
