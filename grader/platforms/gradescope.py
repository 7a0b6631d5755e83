"""``python -m grader gradescope --out autograder.zip``: Gradescope's zip.

At the zip's root: ``setup.sh`` and ``run_autograder`` (from
``templates/``, with the chosen settings written in), ``requirements.txt``,
the reference task files and the ``grader`` package. Gradescope extracts
it to ``/autograder/source``; nothing else of the repository (tests,
virtual environments) goes in.

Time: the per-task limit is chosen so that a whole grading ends inside the
platform's timeout even when every task file hangs, and a hang costs that
task only. Memory: what a full grading of the reference measured
(``bench/peak_memory.py``), with room to spare.
"""
from __future__ import annotations

import math
import re
import shlex
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from grader.options import Options, grading_argv
from grader.paths import REPO_ROOT
from grader.platforms.submission_limit import PERIODS, Limit
from grader.tasks import TASKS

TEMPLATES = Path(__file__).resolve().parent / "templates"
GRADER_DIR = REPO_ROOT / "grader"
SCRIPTS = ("setup.sh", "run_autograder")
# Before the first task file and after the last: Python and TensorFlow
# start at half a vCPU, the fork server, the report.
START_SECONDS = 90
# Between the script's own deadline and Gradescope's (results.json must be
# written before Gradescope stops the container).
MARGIN_SECONDS = 30
MIN_TASK_SECONDS = 30
# bench/peak_memory.py, a full grading of the reference (4 tasks, the
# reference measured live), Keras 3, on the 2-core CI machine: workers ->
# (peak summed PSS, peak summed RSS) in MB.
MEASURED_MB = {1: (890, 1154), 2: (1033, 1564)}
MEMORY_STEP_MB = 512
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same settings, the same zip


# The submission limit's options (zip and run_autograder):
# (flags, argparse settings), read by :func:`limit_from`.
LIMIT_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--max-submissions",), dict(
        type=int, metavar="N",
        help="grade at most N submissions per student (runs that end in "
             "an autograder error do not count; default: no limit)")),
    (("--window-hours",), dict(
        type=float, metavar="H",
        help="count the graded submissions of the last H hours (default: "
             "all of them)")),
    (("--limit-period",), dict(
        choices=PERIODS, default="always",
        help="before-due-date: the limit is lifted after the "
             "assignment's due date (default: always)")),
]


def limit_from(values: Mapping[str, Any]) -> Limit | None:
    """The limit that parsed :data:`LIMIT_FLAGS` ask for, or None;
    ValueError for one that cannot be applied."""
    if values["max_submissions"] is None:
        if values["window_hours"] is not None:
            raise ValueError("--window-hours needs --max-submissions")
        return None
    limit = Limit(values["max_submissions"], values["window_hours"],
                  values["limit_period"])
    limit.check()
    return limit


def memory_setting_mb(pss_mb: float, rss_mb: float) -> int:
    """Half as much again as the peak PSS (a student's model may be
    larger than the reference's; sampling can miss a short peak), never
    under the summed RSS, rounded up to :data:`MEMORY_STEP_MB`."""
    need = max(1.5 * pss_mb, rss_mb)
    return int(math.ceil(need / MEMORY_STEP_MB) * MEMORY_STEP_MB)


@dataclass(frozen=True)
class Settings:
    """What the autograder grades (``options``, passed whole to the
    grader in the zip as its flags) and how long it may take."""

    # Gradescope's default machine is half a vCPU: one worker.
    options: Options = field(default_factory=lambda: Options(workers=1))
    visibility: str = "visible"
    platform_minutes: float = 10.0  # Gradescope's timeout setting
    # True: ``options.limits.seconds`` is the limit per task file (it was
    # given); False: the most that fits the platform's timeout.
    fixed_seconds: bool = False
    limit: Limit | None = None  # graded submissions per student

    def jobs_per_task(self) -> int:
        """Worker runs a task may need: the student's and the reference's
        (if the prepared cache is missed), under both Keras versions with
        ``--keras best``."""
        return 4 if self.options.other_keras == "best" else 2

    def grading_seconds(self) -> int:
        """The script's own deadline for the whole grading."""
        return int(self.platform_minutes * 60) - MARGIN_SECONDS

    def rounds(self) -> int:
        """Worker runs one after another, at worst."""
        return math.ceil(self.jobs_per_task() * self.options.most_tasks()
                         / max(1, self.options.workers))

    def task_limit(self) -> float:
        """Seconds per task file: every task file may hang, and if the
        prepared reference cache is missed the reference runs too
        (:meth:`jobs_per_task` on ``workers`` workers), and all of it ends
        before :meth:`grading_seconds`."""
        if self.fixed_seconds:
            return self.options.limits.seconds
        return int((self.grading_seconds() - START_SECONDS)
                   // self.rounds())

    def grading_options(self) -> Options:
        """The options every submission is graded with."""
        return replace(self.options, limits=replace(
            self.options.limits, seconds=self.task_limit()))

    def check(self) -> None:
        """Raises ValueError for settings Gradescope cannot run."""
        if self.limit is not None:
            self.limit.check()
        if not 1 <= self.platform_minutes <= 40:
            raise ValueError("Gradescope's timeout is 1 to 40 minutes")
        least = 1 if self.fixed_seconds else MIN_TASK_SECONDS
        if self.task_limit() < least:
            raise ValueError(
                f"{self.task_limit():g} s per task file is too little: "
                "raise --platform-timeout or grade fewer tasks")
        worst = self.rounds() * self.task_limit() + START_SECONDS
        if worst > self.grading_seconds():
            raise ValueError(
                f"--timeout {self.task_limit():g} s per task file can take "
                f"{worst:g} s in all, more than the "
                f"{self.grading_seconds()} s the platform's timeout leaves")


def substitute(template: str, settings: Settings) -> str:
    """A script template with the settings written in."""
    options = settings.grading_options()
    values = {"TASKS": options.tasks_words(),
              "KERAS": ("2 and 3, the better score per task"
                        if options.other_keras == "best"
                        else str(options.keras_major)),
              "VISIBILITY": settings.visibility,
              "GRADING_ARGS": shlex.join(grading_argv(options)),
              "TASK_SECONDS": f"{settings.task_limit():g}",
              "GRADING_SECONDS": str(settings.grading_seconds()),
              "MAX_SUBMISSIONS": str(settings.limit.count
                                     if settings.limit else 0),
              "WINDOW_HOURS": (f"{settings.limit.window_hours:g}"
                               if settings.limit
                               and settings.limit.window_hours else ""),
              "LIMIT_PERIOD": (settings.limit.period if settings.limit
                               else "always")}
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    left = re.search(r"@[A-Z_]+@", template)
    if left:
        raise ValueError(f"no value for {left.group()} in a template")
    return template


def project_files() -> list[tuple[Path, str]]:
    """(file, name in the zip) for what grading needs."""
    files = [(REPO_ROOT / "requirements.txt", "requirements.txt")]
    files += [(REPO_ROOT / t.filename, t.filename) for t in TASKS.values()]
    for path in sorted(GRADER_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts \
                and path.suffix != ".pyc":
            files.append((path, path.relative_to(REPO_ROOT).as_posix()))
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes,
         mode: int) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_zip(out: Path, settings: Settings) -> list[str]:
    """Writes the autograder zip to ``out``; returns what to tell the
    instructor (the settings to choose on Gradescope)."""
    settings.check()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for script in SCRIPTS:
            text = substitute((TEMPLATES / script).read_text(), settings)
            _add(archive, script, text.encode(), 0o755)
        for path, name in project_files():
            _add(archive, name, path.read_bytes(),
                 0o755 if path.suffix == ".py" and name[0].isdigit()
                 else 0o644)
    options = settings.options
    workers = options.workers
    pss, rss = MEASURED_MB[min(max(workers, 1), 2)]
    memory = memory_setting_mb(pss, rss)
    keras = ("2 and 3 (the better score per task)"
             if options.other_keras == "best" else str(options.keras_major))
    limit = (f"Submission limit per student: {settings.limit.words()} "
             "(runs that end in an autograder error do not count)."
             if settings.limit else "No submission limit.")
    return [
        f"wrote {out} (tasks {options.tasks_words()}, Keras "
        f"{keras}, model checks {settings.visibility})",
        "Gradescope: Programming Assignment > Configure Autograder > "
        "Zip file upload > Ubuntu 22.04 base image; upload this zip.",
        f"Autograder settings: memory at least {memory / 1024:g} GB "
        f"(a full grading measured {pss} MB PSS, {rss} MB RSS; the "
        f"default 768 MB is not enough), {workers} CPU"
        f"{'s' if workers > 1 else ''} to match --workers "
        f"{workers}, timeout {settings.platform_minutes:g} min.",
        f"Per task file: {settings.task_limit():g} s; the whole grading "
        f"stops after {settings.grading_seconds()} s with a results.json "
        "in every case.",
        limit,
    ]
