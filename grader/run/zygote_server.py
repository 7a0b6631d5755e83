"""Inside the sandbox: the zygote, which imports TensorFlow once and forks
each folder's fork server into namespaces of its own.

Started by :class:`grader.run.zygote.Zygote` as ``python -P -m
grader.run.zygote_server MODE FD`` (MODE as :mod:`grader.run.forkserver`'s;
FD a SOCK_SEQPACKET socket to the grader). Each message on the socket is a
JSON object with file descriptors attached (SCM_RIGHTS):

- ``{"session": ID, "stems": [...], "tasks": [...], "disk_mb": N}`` with
  the server's stdin, stdout and stderr, then each task's result and output
  pipe: forks that folder's fork server. Under bubblewrap it gets new mount,
  PID, network, IPC and UTS namespaces: only its own task files
  (``/ae/spool/ID/src`` seen as ``/ae/src``, the spool itself covered),
  a fresh tmpfs per task file (``disk_mb``, mode 0700) and for ``/tmp``, a
  ``/proc`` of its own PID namespace, of which it is the first process;
  then it drops the capabilities it no longer needs (root's: those that
  hand each worker its uid; a user namespace's: all) and serves jobs as
  :func:`grader.run.forkserver.run_server` does. When it ends, its PID
  namespace ends with it. So two folders never share a namespace, a
  writable folder, or (root's) a uid, as with a bubblewrap of their own.
- ``{"kill": ID}``: ends that folder's server and everything it started.

The zygote never runs TensorFlow itself, and never runs a thread: a fork
of it is as clean as a new process that imported TensorFlow.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys

from grader.run import forkserver, namespaces
from grader.run.bwrap import python_paths

SPOOL, SRC, WORK, TMP_BYTES = "/ae/spool", "/ae/src", "/ae/work", 16 << 20
# What root's fork server keeps: handing each worker its own uid, its
# folder and the sweep of its processes.
SERVER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL",
               "CAP_FOWNER", "CAP_DAC_OVERRIDE")


def isolate(message: dict, mode: str) -> None:
    """In the session's first process: its namespaces and mounts (under
    bubblewrap); the caller then forks the server, first of its PID
    namespace."""
    namespaces.unshare_all()
    namespaces.make_private()
    namespaces.bind(f"{SPOOL}/{int(message['session'])}/src", SRC)
    # Hide the other sessions' files: an empty tmpfs over the spool (a
    # user namespace cannot unmount what bubblewrap mounted).
    namespaces.mount_tmpfs(SPOOL, 4096, 0o755)
    namespaces.mount_tmpfs(WORK, 1 << 20, 0o755)
    for stem in message["stems"]:
        if "/" in stem or stem in ("", ".", ".."):
            raise ValueError(f"not a task's stem: {stem!r}")
        namespaces.mount_tmpfs(f"{WORK}/{stem}",
                               int(message["disk_mb"]) << 20, 0o700)
    # A fresh /tmp, with Python's folders that live under /tmp (a virtual
    # environment there) bound back on top of it.
    held = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY))
            for path in python_paths() if path.startswith("/tmp/")]
    namespaces.mount_tmpfs("/tmp", TMP_BYTES, 0o1777)
    for path, fd in held:
        os.makedirs(path, exist_ok=True)
        namespaces.bind(f"/proc/self/fd/{fd}", path)
        os.close(fd)


def serve_session(message: dict, fds: list[int], mode: str) -> None:
    """Becomes the folder's fork server on ``fds``; never returns."""
    stdin, stdout, stderr, *pipes = fds
    for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    tasks = [int(n) for n in message["tasks"]]
    for number, result, output in zip(tasks, pipes[0::2], pipes[1::2]):
        forkserver._task_fds[number] = {"result_fd": result,
                                        "output_fd": output}
    forkserver._all_fds.update(pipes)
    forkserver.run_server(mode)
    os._exit(0)


def start_session(message: dict, fds: list[int], mode: str,
                  control: socket.socket) -> int:
    """Forks the folder's server; returns the pid that ends it when
    killed (under bubblewrap the first process of its PID namespace)."""
    told_r, told_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            os.close(told_r)
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            if mode.startswith("bwrap"):
                isolate(message, mode)
                server = os.fork()
                if server:
                    os.write(told_w, str(server).encode())
                    os._exit(0)
                namespaces.mount_proc()
                namespaces.keep_capabilities(
                    SERVER_CAPS if mode == "bwrap-root" else ())
            else:
                os.write(told_w, str(os.getpid()).encode())
            os.close(told_w)
            serve_session(message, fds, mode)
        except BaseException as error:  # said on the session's stderr
            os.write(fds[2], f"the folder's sandbox could not be set up: "
                             f"{type(error).__name__}: {error}\n".encode())
        finally:
            os._exit(70)
    os.close(told_w)
    for fd in fds:
        os.close(fd)
    told = os.read(told_r, 64)
    os.close(told_r)
    return int(told) if told else 0


def main() -> None:
    mode, control = sys.argv[1], socket.socket(fileno=int(sys.argv[2]))
    forkserver.not_dumpable()
    forkserver.preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # reaped as they end
    sessions: dict[int, int] = {}
    control.send(json.dumps({"ready": True}).encode())
    while True:
        data, fds, _, _ = socket.recv_fds(control, 1 << 16, 64)
        if not data:  # the grader is gone: so is everything here
            break
        message = json.loads(data)
        if "kill" in message:
            pid = sessions.pop(int(message["kill"]), 0)
            if pid > 0:
                try:
                    os.killpg(pid, signal.SIGKILL) if not mode.startswith(
                        "bwrap") else os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            continue
        sessions[int(message["session"])] = start_session(
            message, list(fds), mode, control)


if __name__ == "__main__":
    main()
