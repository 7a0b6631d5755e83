"""Progress of a batch: a bar on a terminal, periodic lines otherwise."""
from __future__ import annotations

import sys
import time
from typing import TextIO


def clock(seconds: float) -> str:
    """Seconds as m:ss."""
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts finished folders and shows count, rate and ETA.

    On a terminal the last line is a bar redrawn after every folder; else a
    plain line is printed at most every ``every`` seconds, and at the end.
    Each folder's own line (its score and status) is printed in both modes.
    """

    def __init__(self, total: int, stream: TextIO | None = None,
                 every: float = 10.0, tty: bool | None = None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.started = self.last = time.monotonic()
        if self.tty and total:
            self.stream.write(self.bar())
            self.stream.flush()

    def line(self) -> str:
        """Prints one folder's line."""
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = clock(left / rate) if rate > 0 else "?"
        return (f"{self.done}/{self.total} folders, {rate * 60:.1f} per "
                f"minute, elapsed {clock(elapsed)}, ETA {eta}")

    def bar(self, width: int = 30) -> str:
        """Redraws the progress bar (on a terminal)."""
        filled = width * self.done // max(self.total, 1)
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.line()}"

    def advance(self, message: str) -> None:
        """One folder finished; ``message`` is its line."""
        self.done += 1
        now = time.monotonic()
        if self.tty:
            self.stream.write(f"\r\033[K{message}\n{self.bar()}")
        else:
            self.stream.write(message + "\n")
            if now - self.last >= self.every or self.done == self.total:
                self.stream.write(f"progress: {self.line()}\n")
                self.last = now
        self.stream.flush()

    def close(self) -> None:
        """Ends the progress display."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
