"""How to grade (:class:`Options`) and what one worker may use
(:class:`Limits`): the settings the CLI, the pytest plugin and batch share."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Mapping

from grader.tasks import COURSE_TASKS, GOING_FURTHER, TASKS, parse_tasks


def default_cache_dir() -> Path:
    """Where the reference's measurements are cached: $GRADER_CACHE_DIR,
    else $XDG_CACHE_HOME/autoencoders-grader (~/.cache by default)."""
    base = os.environ.get("GRADER_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "autoencoders-grader")
    return Path(base)


KEEP_WARM = 600.0  # seconds a kept grader waits for the next grading


def default_keep_warm() -> float:
    """``--keep-warm``'s default: ``GRADER_KEEP_WARM`` (seconds, 0 for
    off) where set, else :data:`KEEP_WARM`."""
    value = os.environ.get("GRADER_KEEP_WARM", "")
    if not value.strip():
        return KEEP_WARM
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # negative, or not a number (NaN too)
        raise ValueError(f"GRADER_KEEP_WARM={value!r} is not 0 (off) or "
                         "a number of seconds")
    return seconds


@dataclass(frozen=True)
class Limits:
    """What one worker may use."""

    seconds: float = 180.0   # wall clock
    memory_mb: int = 8192    # address space (RLIMIT_AS)
    disk_mb: int = 32        # writable space of its folder
    file_mb: int = 16        # largest file it may write (RLIMIT_FSIZE)
    output_kb: int = 2048    # stdout + stderr before it is stopped
    processes: int = 512     # processes and threads (RLIMIT_NPROC)

    @property
    def cpu_seconds(self) -> int:
        """CPU time: TensorFlow uses both cores, so twice the wall time."""
        return int(2 * self.seconds + 30)


OtherKeras = Literal["info", "best", "off"]
SandboxLevel = Literal["auto", "bwrap", "uid", "none"]


@dataclass(frozen=True)
class Options:
    """How to grade: plain, frozen data that every path takes whole (the
    CLI, the pytest plugin, a batch's jobs on this machine or on Dask, the
    platforms' entry points). Change one with ``dataclasses.replace``."""

    # The tasks graded (a missing file scores zero): the course's four
    # unless --tasks names others.
    tasks: tuple[int, ...] = COURSE_TASKS
    # Graded too where the folder holds their file. The command line
    # without --tasks sets the "Going further" tasks (GOING_FURTHER); with
    # --tasks, and by default here, none: exactly ``tasks`` are graded.
    if_present: tuple[int, ...] = ()
    keras_major: int = 3
    # The other Keras version: "info" grades the tasks that Keras itself
    # failed under it too and says what they score there; "best" keeps the
    # better score of every task; "off" grades one version only.
    other_keras: OtherKeras = "info"
    limits: Limits = field(default_factory=Limits)
    # Reuse the reference's cached measurements. The folder is
    # ``cache_dir``, or when that is None the default of the machine that
    # grades (:func:`default_cache_dir`, resolved there: a Dask worker
    # uses its own), see :meth:`cache_folder`.
    cache: bool = True
    cache_dir: Path | None = None
    workers: int = 2
    fork_server: bool = True  # start workers by fork from a TF-loaded server
    # Seconds the TensorFlow-loaded zygote those servers are forked from
    # stays, after a grading, for the next one (grader.run.keeper); 0: it
    # ends with the grading. The command line's default is 600.
    keep_warm: float = 0.0
    sandbox: SandboxLevel = "auto"  # isolation level: auto, bwrap, uid, none
    guard: bool = True  # the in-process audit hook (off only in tests)
    # Also measure what the comparison page and PrairieLearn's images show
    # (a longer training, reconstructions, the VAE's latent plane).
    pictures: bool = False

    def __post_init__(self) -> None:
        # A list of tasks (or a str path) is accepted and stored as the
        # frozen, hashable form.
        object.__setattr__(self, "tasks", tuple(self.tasks))
        object.__setattr__(self, "if_present", tuple(self.if_present))
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))

    def tasks_for(self, folder: Path) -> tuple[int, ...]:
        """The tasks graded in ``folder``: :attr:`tasks`, and those of
        :attr:`if_present` whose file it holds, in task order."""
        found = {n for n in self.if_present
                 if (Path(folder) / TASKS[n].filename).is_file()}
        return tuple(sorted(set(self.tasks) | found))

    def tasks_words(self) -> str:
        """The tasks graded, in words: ``0,1,2,3`` and, where there are
        any, `` (and 4,5,6 where present)``."""
        words = ",".join(str(n) for n in self.tasks)
        if self.if_present:
            words += (f" (and {','.join(str(n) for n in self.if_present)} "
                      "where present)")
        return words

    def most_tasks(self) -> int:
        """How many task files a grading may run, at most."""
        return len(set(self.tasks) | set(self.if_present))

    def cache_folder(self) -> Path | None:
        """Where the reference's measurements are cached on the machine
        that calls this (None: no cache)."""
        if not self.cache:
            return None
        return self.cache_dir or default_cache_dir()


# The grading options of every command (``python -m grader``, ``batch``,
# ``compare``) and of the pytest plugin: (flags, argparse settings). The
# plugin names --timeout --grader-timeout (pytest-timeout owns --timeout).
GRADING_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--tasks",), dict(metavar="0,3",
                        help="grade exactly these tasks, or all (default: "
                             "the course's 0-3, and each 'Going further' "
                             "task, 4-6, whose file the folder holds)")),
    (("--keras",), dict(choices=("2", "3", "best"), default="3",
                        help="run submissions under Keras 2 (tf-keras) or "
                             "Keras 3 (default); best: under both, keeping "
                             "the better score of each task")),
    (("--no-other-keras",), dict(
        action="store_true",
        help="do not grade a task that Keras failed under the other Keras "
             "version too (by default its score there is shown, for "
             "information)")),
    (("--timeout",), dict(type=float, default=180.0, metavar="S",
                          help="wall-clock limit per task file (default "
                               "180 s)")),
    (("--memory",), dict(type=int, default=8192, metavar="MB",
                         help="memory limit per task file (default 8192 "
                              "MB)")),
    (("--no-cache",), dict(action="store_true",
                           help="recompute the reference instead of reusing "
                                "the cached measurements")),
    (("--workers",), dict(type=int, default=2, metavar="N",
                          help="task files graded in parallel (default 2)")),
    (("--sandbox",), dict(
        choices=("auto", "bwrap", "uid", "none"), default="auto",
        help="how workers are isolated: bubblewrap namespaces, an "
             "unprivileged uid per worker (root without namespaces), or "
             "none (debugging only); auto picks the strongest available")),
    (("--no-fork-server",), dict(
        action="store_true",
        help="start every worker as a new Python process instead of "
             "forking it from a process that has already imported "
             "TensorFlow")),
    (("--keep-warm",), dict(
        type=float, default=None, metavar="S",
        help="keep the sandboxed process that has imported TensorFlow for "
             "S seconds after the grading, so that the next grading within "
             "that time skips the import (default 600, or "
             "GRADER_KEEP_WARM; 0: off; 'python -m grader stop' ends it)")),
]


def options_from(values: Mapping[str, Any]) -> Options:
    """The :class:`Options` that parsed :data:`GRADING_FLAGS` give (keys
    are their argparse names: ``tasks``, ``no_other_keras``, ...; an
    ``argparse.Namespace`` is read the same way; a ``timeout`` of None is
    the default); a ValueError for a combination that makes no sense."""
    if not isinstance(values, Mapping):
        values = vars(values)
    best = values["keras"] == "best"
    if best and values["no_other_keras"]:
        raise ValueError("--keras best grades under both versions: it "
                         "cannot be combined with --no-other-keras")
    if values["workers"] < 1:
        raise ValueError("--workers must be at least 1")
    keep = values.get("keep_warm")
    if keep is not None and keep < 0:
        raise ValueError("--keep-warm must be 0 (off) or more seconds")
    return Options(tasks=tuple(parse_tasks(values["tasks"])),
                   if_present=() if values["tasks"] else GOING_FURTHER,
                   keras_major=3 if best else int(values["keras"]),
                   other_keras="best" if best else
                   "off" if values["no_other_keras"] else "info",
                   limits=Limits(Limits.seconds if values["timeout"] is None
                                 else values["timeout"], values["memory"]),
                   cache=not values["no_cache"],
                   workers=values["workers"],
                   fork_server=not values["no_fork_server"],
                   keep_warm=default_keep_warm() if keep is None else keep,
                   sandbox=values["sandbox"])


def grading_argv(options: Options) -> list[str]:
    """The :data:`GRADING_FLAGS` that give ``options`` (the inverse of
    :func:`options_from` for every option the flags can set): how a
    platform's script passes the same options on to ``python -m grader``.
    Raises ValueError for an option no flag can express."""
    base = Options()
    fixed = replace(options, tasks=base.tasks, if_present=base.if_present,
                    keras_major=3,
                    other_keras="info", cache=True, workers=base.workers,
                    fork_server=True, keep_warm=base.keep_warm,
                    sandbox="auto", limits=replace(
                        options.limits, seconds=base.limits.seconds,
                        memory_mb=base.limits.memory_mb))
    default_tasks = (options.tasks, options.if_present) == (
        COURSE_TASKS, GOING_FURTHER)
    if fixed != base or (options.other_keras == "best"
                         and options.keras_major != 3) or not (
            default_tasks or not options.if_present):
        raise ValueError(f"no flags give these options: {options}")
    keras = "best" if options.other_keras == "best" else \
        str(options.keras_major)
    argv = [] if default_tasks else [
        "--tasks", ",".join(str(n) for n in options.tasks)]
    argv += ["--keras", keras, "--timeout", f"{options.limits.seconds:g}",
            "--memory", str(options.limits.memory_mb),
            "--workers", str(options.workers), "--sandbox", options.sandbox]
    if options.other_keras == "off":
        argv.append("--no-other-keras")
    if not options.cache:
        argv.append("--no-cache")
    if not options.fork_server:
        argv.append("--no-fork-server")
    argv += ["--keep-warm", f"{options.keep_warm:g}"]
    return argv
