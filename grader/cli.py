"""The command line, and the only module that parses arguments:
``python -m grader [DIR]``, ``batch``, ``compare``, ``gradescope``,
``classroom`` and ``similarity``. Every grading command goes through
:func:`grader.pipeline.grade`."""
from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from grader.failures import GraderFailure
from grader.options import GRADING_FLAGS, Options, options_from
from grader.paths import REPO_ROOT
from grader.pipeline import grade
from grader.platforms.submission import locate
from grader.report import github, gradescope, prairielearn
from grader.report.gradescope import VISIBILITIES
from grader.results import Report
from grader.run.isolation import SandboxUnavailable, detect
from grader.tasks import TASKS, parse_tasks


def add_common(parser: argparse.ArgumentParser) -> None:
    """Adds the grading options every grading command shares."""
    for flags, settings in GRADING_FLAGS:
        parser.add_argument(*flags, **settings)


def parse(parser: argparse.ArgumentParser, argv: list[str],
          folder_arg: str) -> tuple[argparse.Namespace, Options, Path]:
    """Parses ``argv``: the namespace, the grading options and the folder
    named by ``folder_arg`` (a usage error, exit code 2, if it is none)."""
    args = parser.parse_args(argv)
    try:
        options = options_from(vars(args))
        detect(options.sandbox)
    except (ValueError, SandboxUnavailable) as error:
        parser.error(str(error))
    folder = Path(getattr(args, folder_arg))
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder")
    return args, options, folder


FORMATS = ("gradescope", "prairielearn", "github")


def write_outputs(args: argparse.Namespace, report: Report | None,
                  notes: list[str], images: list[dict[str, str]],
                  error: str | None = None) -> None:
    """Writes what ``--json`` (in ``--format``) and ``--github-output``
    ask for: the report, or, with ``error``, a message for the student."""
    if args.json:
        path = Path(args.json)
        if args.format == "prairielearn":
            data = (prairielearn.failure(error) if error else
                    prairielearn.results(report, images, notes))
        elif args.format == "github":
            data = (github.failure(error) if error else
                    github.results(report))
        else:
            data = (gradescope.failure(error) if error else
                    gradescope.results(report, args.visibility, notes))
        gradescope.write(data, path)
    if args.github_output is not None:
        target = args.github_output or os.environ.get("GITHUB_OUTPUT")
        github.append_output(github.failure(error) if error
                             else github.results(report), Path(target))


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
               "autograder.zip, and python -m grader classroom --out DIR")
    parser.add_argument("submission", nargs="?", default=str(REPO_ROOT),
                        help="folder with the task files")
    add_common(parser)
    parser.add_argument("--json", metavar="PATH",
                        help="write the results file of --format here")
    parser.add_argument("--format", choices=FORMATS, default="gradescope",
                        help="what --json writes: Gradescope's "
                             "results.json (default), PrairieLearn's "
                             "results.json (with reconstruction images), "
                             "or GitHub Classroom's runner result")
    parser.add_argument("--visibility", default="visible",
                        choices=VISIBILITIES,
                        help="Gradescope visibility of the model checks "
                             "(the file rules stay visible)")
    parser.add_argument("--github-output", nargs="?", const="",
                        metavar="PATH",
                        help="append GitHub Classroom's result=<base64> "
                             "line to PATH (default: the file named by "
                             "$GITHUB_OUTPUT)")
    parser.add_argument("--search-subfolders", action="store_true",
                        help="if the task files are not at the folder's "
                             "top level, grade the subfolder holding "
                             "most of them (uploads with extra folders)")
    parser.add_argument("--junitxml", metavar="PATH",
                        help="write a JUnit XML report here")
    args, options, folder = parse(parser, argv, "submission")
    if args.github_output == "" and not os.environ.get("GITHUB_OUTPUT"):
        parser.error("--github-output needs a PATH or $GITHUB_OUTPUT")
    notes: list[str] = []
    if args.search_subfolders:
        folder, notes = locate(folder, options.tasks)
    images: list[dict[str, str]] = []
    try:
        options.pictures = bool(args.json) and args.format == "prairielearn"
        report = grade(folder, options)
        if options.pictures:
            images = prairielearn.reconstruction_images(report)
    except Exception as error:  # the student still gets a message
        grader_failed(error)
        write_outputs(args, None, notes, [], error=(
            "The grader itself failed, so your files were not graded "
            "(this is not a problem in your files): "
            f"{type(error).__name__}."))
        return 3
    for note in notes:
        print(f"note: {note}")
    print(report.text({n: t.filename for n, t in TASKS.items()}))
    write_outputs(args, report, notes, images)
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
                 timeout: int | None, timeout_default: str) -> None:
    """What every platform's setup command takes: where to write, which
    tasks, which Keras, the limit per task file."""
    parser.add_argument("--out", required=True, metavar=out)
    parser.add_argument("--tasks", metavar="0,3",
                        help="grade only these tasks (default: all)")
    parser.add_argument("--keras", choices=("2", "3"), default="3")
    parser.add_argument("--timeout", type=int, default=timeout, metavar="S",
                        help=f"limit per task file (default: "
                             f"{timeout_default})")


def gradescope_main(argv: list[str]) -> int:
    """``python -m grader gradescope --out autograder.zip``."""
    from grader.platforms.gradescope import Settings, build_zip

    parser = command("gradescope",
                     "Builds the autograder zip to upload to Gradescope.")
    add_platform(parser, "autograder.zip", None, "the most that fits "
                 "the platform's timeout")
    parser.add_argument("--visibility", default="visible",
                        choices=VISIBILITIES,
                        help="when students see the model checks (the file "
                             "rules are always visible)")
    parser.add_argument("--platform-timeout", type=float, default=10.0,
                        metavar="MIN",
                        help="the assignment's autograder timeout on "
                             "Gradescope (default 10, at most 40)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="task files graded in parallel; give the "
                             "autograder as many CPUs (default 1)")
    args = parser.parse_args(argv)
    try:
        settings = Settings(tasks=parse_tasks(args.tasks),
                            keras_major=int(args.keras),
                            visibility=args.visibility,
                            workers=max(1, args.workers),
                            platform_minutes=args.platform_timeout,
                            task_seconds=args.timeout)
        lines = build_zip(Path(args.out), settings)
    except ValueError as error:
        parser.error(str(error))
    print("\n".join(lines))
    return 0


def classroom_main(argv: list[str]) -> int:
    """``python -m grader classroom --out DIR``."""
    from grader.platforms.classroom import Settings, write_workflow

    parser = command("classroom",
                     "Writes DIR/.github/workflows/classroom.yml for a "
                     "GitHub Classroom assignment's template repository.")
    add_platform(parser, "DIR", 300, "300 s")
    parser.add_argument("--grader-repo", required=True, metavar="OWNER/NAME",
                        help="the GitHub repository holding this grader "
                             "(a private one needs a GRADER_TOKEN secret)")
    parser.add_argument("--grader-ref", default="main", metavar="REF",
                        help="branch, tag or commit of the grader to use")
    args = parser.parse_args(argv)
    try:
        path = write_workflow(Path(args.out), Settings(
            grader_repo=args.grader_repo, grader_ref=args.grader_ref,
            tasks=parse_tasks(args.tasks), keras_major=int(args.keras),
            task_seconds=args.timeout))
    except ValueError as error:
        parser.error(str(error))
    print(f"wrote {path}: commit it to the assignment's template "
          "repository (the workflow must stay named Autograding Tests)")
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
    options.pictures = True
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
    from grader.batch import run_batch
    return run_batch(root, Path(args.out), options, args.scheduler,
                     args.resume, against=against)


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
        if argv and argv[0] == "classroom":
            return classroom_main(argv[1:])
        if argv and argv[0] == "similarity":
            return similarity_main(argv[1:])
        return grade_main(argv)
    except SystemExit as exit_:  # argparse: usage errors exit with 2
        return int(exit_.code or 0)
