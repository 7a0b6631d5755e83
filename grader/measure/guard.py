"""The in-process guard: an audit hook, the friendly first line.

It refuses, with a clear message, what a task file has no business doing
(writing outside its folder, starting processes, opening connections,
sending signals, loading C libraries through ctypes or forking through
``_posixsubprocess``), and records it, with the files it read outside its
folder. Python's audit hooks are not a security boundary: what keeps the
machine safe is the OS sandbox (:mod:`grader.run.sandbox`); this guard makes
the refusals readable and reportable.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

BLOCKED_EVENTS = {
    "subprocess.Popen": "start a process",
    "os.system": "run a shell command",
    "os.exec": "replace the process",
    "os.posix_spawn": "start a process",
    "os.spawn": "start a process",
    "os.fork": "fork the process",
    "os.forkpty": "fork the process",
    "socket.connect": "open a network connection",
    "socket.bind": "listen on a network port",
    "socket.sendto": "send network data",
    "os.kill": "send a signal",
    "os.killpg": "send a signal",
    "signal.pthread_kill": "send a signal",
    "ctypes.dlopen": "load a C library through ctypes",
    "ctypes.dlsym": "call C functions through ctypes",
    "ctypes.cdata": "read raw memory through ctypes",
    "ctypes.string_at": "read raw memory through ctypes",
    "ctypes.wstring_at": "read raw memory through ctypes",
    "mmap.__new__": "map memory",
    "os.setuid": "change its user",
    "sys._current_frames": "inspect the grader's frames",
}
PATH_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir",
               "shutil.rmtree", "os.chmod", "os.chown", "os.symlink",
               "os.link", "os.truncate", "os.utime", "shutil.copyfile",
               "shutil.move"}
LIST_EVENTS = {"os.listdir", "os.scandir", "glob.glob", "os.walk"}
BACK_DOORS = ("_posixsubprocess", "_ctypes", "ctypes")
MAX_RECORDED = 20


class Guard:
    """An audit hook: records and refuses what a submission may not do."""

    def __init__(self, root: Path, readable: list[str]):
        self.root = str(root.resolve())
        self.readable = tuple(os.path.realpath(p) for p in readable)
        self.violations: list[str] = []
        self.reads: list[str] = []
        self.active = True

    def inside(self, path: Any) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        try:
            resolved = os.path.realpath(os.fsdecode(path))
        except Exception:
            return False
        return (resolved == self.root
                or resolved.startswith(self.root + os.sep)
                or resolved.startswith(("/dev/", "/proc/")))

    def may_read(self, path: Any) -> bool:
        if self.inside(path):
            return True
        resolved = os.path.realpath(os.fsdecode(path))
        return any(resolved == p or resolved.startswith(p + os.sep)
                   for p in self.readable)

    def refuse(self, what: str) -> None:
        if len(self.violations) < MAX_RECORDED:
            self.violations.append(what)
        raise PermissionError(f"the grader does not allow this: {what}")

    def note_read(self, path: Any) -> None:
        try:
            shown = os.fsdecode(path)
        except Exception:
            return
        if len(self.reads) < MAX_RECORDED and shown not in self.reads:
            self.reads.append(shown)

    def __call__(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            if path is None or isinstance(path, int):
                return
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")
                       ) or (isinstance(flags, int) and flags & (
                           os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writing and not self.inside(path):
                self.refuse(f"write {os.fsdecode(path)}")
            elif not writing and not self.may_read(path):
                self.note_read(path)
        elif event in PATH_EVENTS:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not \
                        self.inside(path):
                    self.refuse(f"{event} {os.fsdecode(path)}")
        elif event in LIST_EVENTS:
            path = args[0] if args else "."
            if isinstance(path, (str, bytes, os.PathLike)) and not \
                    self.may_read(path or "."):
                self.note_read(f"{os.fsdecode(path)} (listed)")
        elif event in BLOCKED_EVENTS:
            self.refuse(BLOCKED_EVENTS[event])

    def close_back_doors(self) -> None:
        """Makes the modules that bypass the audit events refuse politely:
        ``_posixsubprocess.fork_exec`` starts a process without one."""
        module = sys.modules.get("_posixsubprocess")
        if module is not None:
            def fork_exec(*args: Any, **kwargs: Any) -> None:
                self.refuse("start a process through _posixsubprocess")
            module.fork_exec = fork_exec  # type: ignore[attr-defined]
