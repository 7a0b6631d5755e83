"""``python -m grader classroom50 --out DIR``: the Classroom 50 autograder.

``DIR`` is what the teacher commits as ``CLASSROOM/autograders/SLUG/`` of
the classroom's ``classroom50`` repository: ``autograder.py`` (from
``templates/``, the settings written in), ``requirements.txt``, the
reference task files and the ``grader`` package (the files of the
Gradescope zip), ``runtime.json`` (the assignment's runtime block: Python
3.11 and bubblewrap) and a ``README.md`` for the teacher.

Facts from foundation50/classroom50 (``autograde-runner.yaml``,
``runner.py``, wiki "Advanced Autograding"): the grade job stops after 15
minutes, runtime setup and publishing included; the runner fetches the
folder as one ``.tar.gz`` of at most 10 MB from the organization's Pages
site and runs ``python3 autograder.py`` with that runtime's Python; the
runtime block has no pip field, so ``autograder.py`` installs the
requirements itself.
"""
from __future__ import annotations

import io
import json
import math
import re
import tarfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.options import Limits, Options, grading_argv
from grader.platforms.gradescope import TEMPLATES, project_files

TEMPLATE = TEMPLATES / "classroom50_autograder.py"
PYTHON = "3.11"
RUNTIME = {"python": PYTHON, "apt": ["bubblewrap"]}
JOB_SECONDS = 15 * 60  # autograde-runner.yaml: grade, timeout-minutes: 15
# Before autograder.py starts: checkout, setup-python, apt-get install
# bubblewrap, fetching runner.py and the bundle. After it: the commit
# status and the Release.
BEFORE_SECONDS, AFTER_SECONDS = 150, 60
INSTALL_SECONDS = 240  # pip install of TensorFlow and the rest, at most
START_SECONDS = 60  # TensorFlow's import, the fork server, the report
MAX_BUNDLE_BYTES = 10 * 1024 * 1024  # runner.py's MAX_FETCH_BYTES
# Gradescope's choices that mean something here (nothing is "published").
VISIBILITIES = ("visible", "after_due_date", "hidden")


@dataclass(frozen=True)
class Settings:
    """What the autograder grades (``options``, passed whole to the
    grader in the folder as its flags) and how long it may take."""

    # A GitHub-hosted runner of a private repository has 2 CPUs; the
    # full sandbox always (a student's repository is a public machine).
    options: Options = field(
        default_factory=lambda: Options(workers=2, sandbox="bwrap"))
    visibility: str = "visible"
    # True: ``options.limits.seconds`` is the limit per task file (it was
    # given); False: what fits the grade job's limit.
    fixed_seconds: bool = False

    def budget_seconds(self) -> int:
        """How long autograder.py may take, install and grading."""
        return JOB_SECONDS - BEFORE_SECONDS - AFTER_SECONDS

    def rounds(self) -> int:
        """Task files in a row on the workers, worst case: the student's
        and the reference's, under both Keras versions with ``--keras
        best``. Otherwise the other Keras version grades again only files
        that stopped at a Keras-version error (not a hang); it runs in
        what is left, and the deadline stops the rest."""
        per_task = 4 if self.options.other_keras == "best" else 2
        return math.ceil(per_task * self.options.most_tasks()
                         / max(1, self.options.workers))

    def task_limit(self) -> int:
        """Seconds per task file: every one may run to its limit and the
        grading still ends inside the budget after the install."""
        if self.fixed_seconds:
            return int(self.options.limits.seconds)
        left = self.budget_seconds() - INSTALL_SECONDS - START_SECONDS
        return min(int(Limits().seconds), left // self.rounds())

    def grading_options(self) -> Options:
        """The options the autograder grades with: ``options`` with the
        limit per task file that fits."""
        return replace(self.options, limits=replace(
            self.options.limits, seconds=float(self.task_limit())))

    def keras_words(self) -> str:
        """The Keras version(s) graded, in words."""
        return ("2 and 3 (the better score per task)"
                if self.options.other_keras == "best"
                else str(self.options.keras_major))

    def check(self) -> None:
        """Raises ValueError for settings the job's limit cannot hold."""
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {self.visibility!r}")
        worst = (INSTALL_SECONDS + START_SECONDS
                 + self.rounds() * self.task_limit())
        if self.task_limit() < 1 or worst > self.budget_seconds():
            raise ValueError(
                f"{self.task_limit()} s per task file can take {worst} s "
                f"with the install, more than the {self.budget_seconds()} s"
                " the 15-minute grade job leaves: lower --timeout or grade "
                "fewer tasks")


def autograder_text(settings: Settings) -> str:
    """autograder.py with the settings written in."""
    options = settings.grading_options()
    values = {"TASKS": options.tasks_words(),
              "KERAS": settings.keras_words(),
              "VISIBILITY": settings.visibility,
              # Flags and values hold no spaces: split() gives them back.
              "GRADING_ARGS": "\n".join(grading_argv(options)),
              "TASK_SECONDS": str(settings.task_limit()),
              "BUDGET_SECONDS": str(settings.budget_seconds()),
              "INSTALL_SECONDS": str(INSTALL_SECONDS),
              "PYTHON": PYTHON}
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.search(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"no value for {left.group()} in the template")
    return text


def teacher_readme(settings: Settings) -> str:
    """README.md of the folder: where it goes and what to set."""
    tasks = settings.options.tasks_words()
    return f"""# Autoencoders autograder for Classroom 50

Written by `python -m grader classroom50` (tasks {tasks}, Keras
{settings.keras_words()}, model checks {settings.visibility}).

1. Commit this folder as `CLASSROOM/autograders/ASSIGNMENT/` of your
   `classroom50` repository (`ASSIGNMENT` is the assignment's slug) and wait
   for the Publish Pages workflow.
2. Give the assignment this folder's runtime: `gh teacher assignment add
   ORG CLASSROOM ASSIGNMENT ... --runtime runtime.json` (or, in the web
   form, Advanced settings: `{json.dumps(RUNTIME)}`). The default runtime
   is Python 3.14, on which the pinned TensorFlow does not install.
3. Submit a solution as a test student: the Release shows the score and,
   per task file, what lost points.

Each grading installs the pinned requirements (`requirements.txt`; the
job log says how long it took), then grades in bubblewrap,
{settings.task_limit()} s at most per task file, \
{settings.budget_seconds()} s at most in all (the grade job stops after
15 minutes). A grader that cannot grade exits non-zero
with the cause in the job log: the submission shows an error, not a score.

Publishing serves this folder from your organization's Pages site: the
reference solutions in it can be downloaded by anyone who finds the URL,
and `result.json` on a student's Release lists every check, shown or
not. The visibility setting decides what the Release text, the commit
status and the job log show.

Try it on a checkout of a submission (Python {PYTHON}, requirements
installed or installable):

```
cd SUBMISSION_CHECKOUT
CLASSROOM=c ASSIGNMENT=a SUBMISSION_TAG=submit/try OWNER=me \\
  COMMIT_URL=https://example.invalid/c RELEASE_URL=https://example.invalid/r \\
  GITHUB_OUTPUT=$PWD/out.txt python3 PATH/TO/THIS/FOLDER/autograder.py
cat result.json release-body.md out.txt
```
"""


def write_bundle(out: Path, settings: Settings) -> list[str]:
    """Writes the folder ``out``; returns what to tell the teacher."""
    settings.check()
    out.mkdir(parents=True, exist_ok=True)
    (out / "autograder.py").write_text(autograder_text(settings))
    (out / "autograder.py").chmod(0o755)
    for path, name in project_files():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (out / "runtime.json").write_text(json.dumps(RUNTIME, indent=2) + "\n")
    (out / "README.md").write_text(teacher_readme(settings))
    size = bundle_bytes(out)
    if size > MAX_BUNDLE_BYTES:
        raise ValueError(f"{out} packs to {size} bytes, more than the "
                         f"{MAX_BUNDLE_BYTES} the runner fetches")
    return [
        f"wrote {out} (tasks {settings.options.tasks_words()}, "
        f"Keras {settings.keras_words()}, model checks "
        f"{settings.visibility}; "
        f"{size / 1e6:.1f} MB packed)",
        "Commit it as CLASSROOM/autograders/ASSIGNMENT/ of the classroom50 "
        "repository.",
        f"Runtime: gh teacher assignment add ... --runtime {out}/runtime."
        f"json (Python {PYTHON}, apt bubblewrap).",
        f"Per task file: {settings.task_limit()} s; the autograder stops "
        f"after {settings.budget_seconds()} s, install included, with an "
        "error, never a partial score.",
    ]


def bundle_bytes(folder: Path) -> int:
    """The size of ``folder`` packed as the Publish Pages workflow packs
    it (``tar -czf``)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    return buffer.tell()
