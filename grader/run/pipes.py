"""Reading a worker's pipes: its output as a bounded tail, its result up to
a bound, taken only whole, readable and with the job's token."""
from __future__ import annotations

import io
import threading

from grader import transport
from grader.run.outcome import WorkerOutcome

MAX_RESULT = 64 * 1024 * 1024
OUTPUT_TAIL = 4000


class Reader(threading.Thread):
    """Drains one pipe: keeps a bounded tail (output) or everything up to
    a bound (the result), and notes when the bound is passed."""

    def __init__(self, fd: int, bound: int, keep_all: bool):
        super().__init__(daemon=True)
        self.fd, self.bound, self.keep_all = fd, bound, keep_all
        self.data = bytearray()
        self.total = 0
        self.over = threading.Event()

    def run(self) -> None:
        with open(self.fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                self.total += len(chunk)
                if self.total > self.bound:
                    self.over.set()
                if self.keep_all and not self.over.is_set():
                    self.data += chunk
                elif not self.keep_all:
                    self.data = (self.data + chunk)[-OUTPUT_TAIL:]


def take_result(outcome: WorkerOutcome, result: Reader, token: str) -> None:
    """Puts the job's result into ``outcome`` if it is whole, readable
    and carries the job's token; otherwise says why not."""
    if result.over.is_set():
        outcome.status = "no-result"
        outcome.notes.append("result larger than allowed")
        return
    if not result.data:
        outcome.status = "crashed" if outcome.returncode else \
            "no-result"
        return
    try:
        data = transport.load(io.BytesIO(bytes(result.data)))
    except Exception as exc:
        outcome.status = "no-result"
        outcome.notes.append(f"unreadable result: {exc}")
        return
    if data.get("token") != token:
        outcome.status = "no-result"
        outcome.notes.append("result not written by the grader")
        return
    outcome.result = data
