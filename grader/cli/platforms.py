"""``python -m grader gradescope``, ``classroom50`` and
``submission-limit``: the commands that package the grader for a
platform (each script passes the grading options on whole)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.cli import add_common, add_flags, command
from grader.options import Options, options_from
from grader.report.gradescope import VISIBILITIES


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
        settings = Settings(options=assignment_options(vars(args)),
                            visibility=args.visibility,
                            platform_minutes=args.platform_timeout,
                            fixed_seconds=args.timeout is not None,
                            limit=limit_from(vars(args)))
        lines = build_zip(Path(args.out), settings)
    except ValueError as error:
        parser.error(str(error))
    print("\n".join(lines))
    return 0


def assignment_options(values: dict[str, Any]) -> Options:
    """The grading options of a platform's assignment: as the command line
    gives them, except that without ``--tasks`` an assignment grades the
    course's four tasks exactly (no "Going further" task where present:
    an assignment grades what it was made for, and its time limit per task
    file is not shared with tasks it does not ask for), and nothing is
    kept warm after it (``--keep-warm 0``: a platform's container grades
    once, and nothing of the grader outlives its run)."""
    options = replace(options_from(values), keep_warm=0.0)
    return options if values.get("tasks") else replace(options,
                                                       if_present=())


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
            options=assignment_options(vars(args)), visibility=args.visibility,
            fixed_seconds=args.timeout is not None)
        lines = classroom50.write_bundle(Path(args.out), settings)
    except ValueError as error:
        parser.error(str(error))
    print("\n".join(lines))
    return 0
