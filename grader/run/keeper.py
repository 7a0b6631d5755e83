"""A zygote kept warm between gradings (``--keep-warm S``).

A grading's zygote (:mod:`grader.run.zygote`) imports TensorFlow once per
grader process. Kept warm, it outlives the grading: a small keeper process
(this module, run as ``python -P -m grader.run.keeper``; it never imports
TensorFlow) holds it and serves every grading of this user that needs the
same zygote, until none has come for S seconds. A student who grades again
after an edit then pays the measuring alone, not the import.

Isolation is the zygote's: every folder's fork server is still forked from
it into namespaces (or, root's uid level, uids) of its own, and the zygote
never runs student code. The keeper listens on a Unix socket in a folder
only this user can open (:func:`keeper_dir`: ``/tmp/ae-grader-UID``, mode
0700, refused unless this user owns it); a task file never sees it
(bubblewrap gives it a /tmp of its own; root's uid level runs it as
another uid). It is never kept at level ``none``, where a task file runs
as the grader's own user.

A zygote is only reused by a grading that would start the same one: the
socket's name is a digest of everything the zygote loaded or inherited
(:func:`zygote_key`: the grader's checkout and sources, the interpreter,
the library versions, the Keras version, the level, the environment it
passes on, the data file). Any change starts another keeper; the old one
ends when idle.

The protocol (SOCK_SEQPACKET, one JSON object per message, replies in
order): ``{"op": "ping"}``, ``{"op": "session", "spooled": B}`` (the
session's number and folder), ``{"op": "start", ...}`` with the server's
descriptors attached (as :meth:`Zygote.start_server`), ``{"op": "end",
"ident": N}``, ``{"op": "stop"}``. The sessions of a connection that
closes are ended with it.
"""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import json
import os
import select
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from grader.paths import GRADER_DIR, REPO_ROOT
from grader.run.bwrap import python_executable
from grader.run.isolation import Isolation
from grader.run.tree import PASSED_ENV
from grader.run.zygote import (READY_SECONDS, Forks, Zygote, ZygoteGone,
                               zygote_for)


class KeeperUnavailable(RuntimeError):
    """No kept zygote can be had here (the grading starts its own)."""


def keeper_dir() -> Path | None:
    """This user's folder for keepers' sockets (``GRADER_KEEP_DIR``, else
    ``/tmp/ae-grader-UID``), made if missing; None when it is not safe
    (another owner, a link, open to others)."""
    path = Path(os.environ.get("GRADER_KEEP_DIR")
                or f"/tmp/ae-grader-{os.geteuid()}")
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or \
            info.st_mode & 0o077:
        return None
    return path


def zygote_key(isolation: Isolation, keras_major: int) -> str:
    """A digest of everything a zygote loaded or inherited: two gradings
    with the same key would start identical zygotes."""
    from grader.run.reference import library_versions  # it runs sessions
    digest = hashlib.sha256()
    for source in sorted(GRADER_DIR.rglob("*.py")):
        digest.update(source.relative_to(GRADER_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    mnist = os.environ.get("MNIST_PATH", "")
    try:
        info = os.stat(mnist) if mnist else None
    except OSError:
        info = None
    facts = {"root": str(REPO_ROOT), "python": python_executable(),
             "libraries": library_versions(),
             "keras": keras_major, "level": isolation.level,
             "privileged": isolation.privileged,
             "env": {k: os.environ.get(k) for k in PASSED_ENV},
             "mnist": [mnist] + ([info.st_dev, info.st_ino, info.st_size,
                                  info.st_mtime_ns] if info else [])}
    digest.update(json.dumps(facts, sort_keys=True).encode())
    return digest.hexdigest()[:20]


# ------------------------------------------------------------ the client

class KeptZygote:
    """A grading's handle on a kept zygote: the interface of
    :class:`~grader.run.zygote.Zygote` that a session uses."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.lock = threading.Lock()

    def _ask(self, message: dict[str, Any], fds: list[int] | None = None
             ) -> dict[str, Any]:
        with self.lock:
            try:
                socket.send_fds(self.connection, [json.dumps(
                    message).encode()], fds or [])
                reply = self.connection.recv(1 << 16)
            except OSError as error:
                raise ZygoteGone(f"the kept zygote stopped answering "
                                 f"({error})") from error
        if not reply:
            raise ZygoteGone("the kept zygote ended")
        try:
            answer: dict[str, Any] = json.loads(reply)
        except ValueError as error:
            raise ZygoteGone(f"the kept zygote's answer is not JSON "
                             f"({error})") from error
        if "error" in answer:
            raise ZygoteGone(str(answer["error"]))
        return answer

    def alive(self) -> bool:
        """Whether the keeper answers and its zygote runs."""
        try:
            return bool(self._ask({"op": "ping"}).get("alive"))
        except ZygoteGone:
            return False

    def new_session(self, spooled: bool) -> tuple[int, Path]:
        answer = self._ask({"op": "session", "spooled": spooled})
        return int(answer["ident"]), Path(answer["home"])

    def start_server(self, ident: int, stems: list[str], tasks: list[int],
                     disk_mb: int, fds: list[int]) -> None:
        self._ask({"op": "start", "ident": ident, "stems": stems,
                   "tasks": tasks, "disk_mb": disk_mb}, fds)

    def end_session(self, ident: int, home: Path) -> None:
        try:
            self._ask({"op": "end", "ident": ident})
        except ZygoteGone:
            pass

    def stop(self) -> None:
        """Asks the keeper to end, with its zygote and its sessions."""
        try:
            self._ask({"op": "stop"})
        except ZygoteGone:
            pass

    def close(self) -> None:
        """Leaves the keeper (which ends this connection's sessions)."""
        try:
            self.connection.close()
        except OSError:
            pass


def connect(path: Path) -> KeptZygote | None:
    """The keeper listening at ``path``, if one does."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return KeptZygote(connection)


def live(path: Path) -> KeptZygote | None:
    """The keeper at ``path`` if it answers and its zygote runs."""
    found = connect(path)
    if found is not None and not found.alive():
        found.close()
        found = None
    return found


def kept_zygote(isolation: Isolation, keras_major: int, seconds: float
                ) -> KeptZygote:
    """The kept zygote of this level and Keras version, started (as a
    keeper that waits ``seconds`` for each next grading) if none runs;
    raises :class:`KeeperUnavailable` with the reason otherwise."""
    if isolation.level == "none":
        raise KeeperUnavailable("nothing is kept without a sandbox")
    folder = keeper_dir()
    if folder is None:
        raise KeeperUnavailable("the keepers' folder is not this user's "
                                "private folder")
    path = folder / f"{zygote_key(isolation, keras_major)}.sock"
    found = live(path)
    if found is not None:
        return found
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = live(path)
        if found is not None:
            return found
        start_keeper(path, isolation, keras_major, seconds)
    found = connect(path)
    if found is None:
        raise KeeperUnavailable("the keeper started but does not listen")
    return found


def start_keeper(path: Path, isolation: Isolation, keras_major: int,
                 seconds: float) -> None:
    """Starts a keeper for ``path`` in a session of its own and waits until
    its zygote is ready; raises :class:`KeeperUnavailable` with what it
    said when it cannot start."""
    log = open(path.with_suffix(".log"), "wb")
    try:
        process = subprocess.Popen(
            [python_executable(), "-P", "-m", "grader.run.keeper", str(path),
             isolation.level, "1" if isolation.privileged else "0",
             str(keras_major), str(seconds)],
            cwd=path.parent, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
            start_new_session=True)
    except OSError as error:
        raise KeeperUnavailable(f"{type(error).__name__}: {error}") from error
    finally:
        log.close()
    assert process.stdout is not None
    # The keeper says "ready" or why not once its zygote's own wait for
    # the import (READY_SECONDS) is over at the latest.
    said = "no word from the keeper"
    if select.select([process.stdout], [], [], READY_SECONDS + 30)[0]:
        said = process.stdout.readline().decode("utf-8", "replace").strip()
    process.stdout.close()
    if said != "ready":
        process.kill()
        process.wait()
        raise KeeperUnavailable(said or "the keeper ended before it was "
                                        "ready")
    _started.append(path)


def stop_all() -> int:
    """Ends every keeper of this user; returns how many were running."""
    folder = keeper_dir()
    stopped = 0
    for path in sorted(folder.glob("*.sock")) if folder else []:
        found = connect(path)
        if found is not None:
            found.stop()
            found.close()
            stopped += 1
    return stopped


_kept: dict[tuple[Isolation, int], KeptZygote] = {}
_kept_guard = threading.Lock()
_started: list[Path] = []  # the keepers this process started


def started_here() -> int:
    """How many keepers this process started (the CLI says so once)."""
    return len(_started)


def forks_for(isolation: Isolation, keras_major: int, keep: float) -> Forks:
    """The zygote a session forks its server from: with ``keep`` seconds
    (``--keep-warm``), the kept one of this level and Keras version where
    one can be had, else (and with 0) this process's own."""
    if keep > 0:
        key = (isolation, keras_major)
        with _kept_guard:
            found = _kept.pop(key, None)
            if found is not None and found.alive():
                _kept[key] = found
                return found
            if found is not None:
                found.close()
            try:
                _kept[key] = kept_zygote(isolation, keras_major, keep)
                return _kept[key]
            except KeeperUnavailable:
                pass
    return zygote_for(isolation, keras_major)


def leave_all() -> None:
    """Leaves every keeper (at exit); they stay for the next grading."""
    with _kept_guard:
        for found in _kept.values():
            found.close()
        _kept.clear()


atexit.register(leave_all)


# ------------------------------------------------------------ the keeper

class Keeper:
    """Holds one zygote and serves gradings on a listening socket."""

    def __init__(self, zygote: Zygote, seconds: float) -> None:
        self.zygote, self.seconds = zygote, seconds
        self.state = threading.Lock()
        self.clients = 0
        self.last = time.monotonic()
        self.stopping = threading.Event()

    def handle(self, connection: socket.socket) -> None:
        """Serves one grading; ends its sessions when it leaves."""
        sessions: dict[int, Path] = {}
        try:
            while not self.stopping.is_set():
                data, fds, _, _ = socket.recv_fds(connection, 1 << 16, 64)
                if not data:
                    break
                reply = self.answer(json.loads(data), fds, sessions)
                connection.send(json.dumps(reply).encode())
        except (OSError, ValueError):
            pass
        finally:
            for ident, home in sessions.items():
                self.zygote.end_session(ident, home)
            connection.close()
            with self.state:
                self.clients -= 1
                self.last = time.monotonic()

    def answer(self, message: dict[str, Any], fds: list[int],
               sessions: dict[int, Path]) -> dict[str, Any]:
        op = message.get("op")
        try:
            if op == "ping":
                return {"alive": self.zygote.alive()}
            if op == "session":
                ident, home = self.zygote.new_session(
                    bool(message.get("spooled")))
                sessions[ident] = home
                return {"ident": ident, "home": str(home)}
            if op == "start" and int(message["ident"]) in sessions:
                self.zygote.start_server(
                    int(message["ident"]), list(message["stems"]),
                    [int(n) for n in message["tasks"]],
                    int(message["disk_mb"]), list(fds))
                return {"ok": True}
            if op == "end" and int(message["ident"]) in sessions:
                ident = int(message["ident"])
                self.zygote.end_session(ident, sessions.pop(ident))
                return {"ok": True}
            if op == "stop":
                self.stopping.set()
                return {"ok": True}
            return {"error": f"not a request: {op!r}"}
        except ZygoteGone as error:
            return {"error": str(error)}
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def serve(self, listener: socket.socket) -> None:
        """Accepts gradings until none came for ``seconds``, the zygote
        ends, or one asks it to stop."""
        listener.settimeout(1.0)
        while not self.stopping.is_set() and self.zygote.alive():
            with self.state:
                idle = self.clients == 0 and \
                    time.monotonic() - self.last > self.seconds
            if idle:
                break
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            connection.settimeout(None)
            with self.state:
                self.clients += 1
            threading.Thread(target=self.handle, args=(connection,),
                             daemon=True).start()


def main() -> None:
    path = Path(sys.argv[1])
    isolation = Isolation(sys.argv[2], privileged=sys.argv[3] == "1")
    try:
        zygote = Zygote(isolation, int(sys.argv[4]))
    except ZygoteGone as error:
        print(f"the zygote did not start: {error}", flush=True)
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    staging = path.with_suffix(f".{os.getpid()}")
    listener.bind(str(staging))
    listener.listen(16)
    os.replace(staging, path)  # a keeper left from before is replaced
    mine = os.stat(path).st_ino
    print("ready", flush=True)
    sys.stdout.close()
    try:
        Keeper(zygote, float(sys.argv[5])).serve(listener)
    finally:
        try:
            if os.stat(path).st_ino == mine:  # not a newer keeper's
                path.unlink()
                path.with_suffix(".log").unlink(missing_ok=True)
        except OSError:
            pass
        listener.close()
        zygote.close()


if __name__ == "__main__":
    main()
