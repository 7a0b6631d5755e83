"""The command line, the only package that parses arguments: ``python -m
grader [DIR]``, ``compare`` and ``doctor`` here; ``gradescope``,
``classroom50`` and ``submission-limit`` in :mod:`.platforms`; ``batch`` and
``similarity`` in :mod:`.classwork`. Every grading command goes through
:func:`grader.pipeline.grade`."""
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
from grader.report import outputs
from grader.report.gradescope import VISIBILITIES
from grader.report.text import render
from grader.tasks import TASKS


def add_common(parser: argparse.ArgumentParser) -> None:
    """Adds the grading options every grading command shares."""
    for flags, settings in GRADING_FLAGS:
        parser.add_argument(*flags, **settings)


def add_flags(parser: argparse.ArgumentParser, flags: list) -> None:
    """Adds (flags, argparse settings) pairs to ``parser``."""
    for names, settings in flags:
        parser.add_argument(*names, **settings)


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


def kept_note(options: Options) -> None:
    """Says on stderr, once, that this grading left TensorFlow loaded for
    the next one (a keeper it started, see ``--keep-warm``)."""
    from grader.run.keeper import started_here

    if started_here():
        print(f"note: TensorFlow stays loaded in its sandbox for "
              f"{options.keep_warm:g} s, so that your next grading starts "
              "at once ('python -m grader stop' ends it; --keep-warm 0 or "
              "GRADER_KEEP_WARM=0 turns this off)", file=sys.stderr)


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
    parser.add_argument("--format", choices=tuple(outputs.FORMATS),
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
    pictures = outputs.FORMATS[args.format].pictures
    try:
        options = replace(options, pictures=bool(args.json)
                          and pictures is not None)
        report = grade(folder, options)
        if options.pictures and pictures is not None:
            images = pictures(report)
    except Exception as error:  # the student still gets a message
        grader_failed(error)
        cause = (str(error) if isinstance(error, GraderFailure) else
                 f"{type(error).__name__}: {error}")
        outputs.write(args, None, outputs.Extras(notes),
                      error=outputs.not_graded(cause))
        return 3
    for note in notes:
        print(f"note: {note}")
    print(render(report, {n: t.filename for n, t in TASKS.items()}))
    kept_note(options)
    errors = report.grader_errors  # a score without them is not the grade
    extras = outputs.Extras(notes, images, args.visibility)
    outputs.write(args, report, extras, error=outputs.not_graded(
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
    kept_note(options)
    print(f"({time.monotonic() - started:.1f} s)")
    print(path.resolve())
    return 3 if report.grader_errors else 0


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


def stop_main(argv: list[str]) -> int:
    """``python -m grader stop``: ends the graders kept warm
    (``--keep-warm``) by this user."""
    from grader.run.keeper import stop_all

    command("stop", "Ends the sandboxed processes that earlier gradings "
                    "kept warm for the next grading (--keep-warm)."
            ).parse_args(argv)
    stopped = stop_all()
    print(f"{stopped} kept grader{'s' if stopped != 1 else ''} stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Runs the command ``argv`` names; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in ("batch", "similarity"):
            from grader.cli import classwork
            return getattr(classwork, f"{argv[0]}_main")(argv[1:])
        if argv and argv[0] in ("gradescope", "classroom50",
                                "submission-limit"):
            from grader.cli import platforms
            return getattr(platforms, argv[0].replace("-", "_")
                           + "_main")(argv[1:])
        if argv and argv[0] == "compare":
            return compare_main(argv[1:])
        if argv and argv[0] == "doctor":
            return doctor_main(argv[1:])
        if argv and argv[0] == "stop":
            return stop_main(argv[1:])
        return grade_main(argv)
    except SystemExit as exit_:  # argparse: usage errors exit with 2
        return int(exit_.code or 0)
