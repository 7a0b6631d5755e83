"""Hostile task files: nothing one does reaches outside its own folder.

Each file below builds correct models (the reference's task 0) and first
does one hostile thing. They are graded at every isolation level this
machine offers (bubblewrap; the uid level when the tests run as root) with
the in-process guard off: the sandbox alone must hold; and with the guard
on at the strongest level, for the guard's own sentences. For
every grading: nothing outside the worker's folder changed (grader files,
the reference cache, the other students' folders), no process is left,
the listener received nothing, a report was written and the task failed
with the sentence for what it did (where the guard is off and the OS
refused silently, the models are simply graded). Disk use during all of
it stays within 100 MB.

The gradings with the guard off, and the classmate's, fork their servers
from a zygote kept warm between gradings (``--keep-warm``, one per level,
as a student's successive gradings do); those with the guard on from the
grading process's own. After every hostile file, the kept zygote is the
one that was started first, and grades the reference's file in full
(one hostile file asks every kept zygote's socket it can reach to stop).

The sandbox does not depend on the Keras version, so this module runs
under Keras 3 only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.paths import REPO_ROOT
from grading import KERAS_MAJOR
from grader.run.isolation import SandboxUnavailable, detect, python_readable
from grader.options import Options
from grader.pipeline import grade
from grader.options import Limits
from grader.run import keeper
from test_keeper import keepers

pytestmark = pytest.mark.skipif(KERAS_MAJOR != 3, reason="the sandbox does "
                                "not depend on the Keras version")
MARK = "ae-hostile-mark"
REFERENCE = (REPO_ROOT / "0-vanilla.py").read_text()
HOSTILE = {
    "ctypes_write": '''
import ctypes
_libc = ctypes.CDLL(None)
_fd = _libc.open(b"{outside}/pwned", 0o101, 0o644)
_libc.write(_fd, b"pwned", 5)
_fd = _libc.open(b"{grader}/pwned.py", 0o101, 0o644)
_libc.write(_fd, b"pwned", 5)
''',
    "ctypes_system": '''
import ctypes
ctypes.CDLL(None).system(b"echo pwned > {tmp_canary}; "
                         b"(sleep 300; : {mark}) &")
''',
    "kill_grader": '''
import ctypes, os, signal
_libc = ctypes.CDLL(None)
_parent = os.getppid()
with open(f"/proc/{{_parent}}/stat") as _f:
    _grand = int(_f.read().rsplit(")", 1)[1].split()[1])
_libc.kill(_grand, signal.SIGKILL)
_libc.kill(_parent, signal.SIGKILL)
''',
    "keeper_socket": '''
import os, socket
# The kept zygotes' sockets (their exact paths), then any in the keepers'
# folders: asks each to stop, which would end the zygote every later
# grading forks from.
_paths = {sockets}
for _folder in ("{keep}", "/tmp/ae-grader-%d" % os.geteuid(),
                "/tmp/ae-grader-0"):
    try:
        _paths += [os.path.join(_folder, _n) for _n in os.listdir(_folder)]
    except OSError:
        pass
for _path in _paths:
    try:
        _s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        _s.connect(_path)
        _s.send(b'{{"op": "stop"}}')
    except OSError:
        pass
''',
    "socket_connect": '''
import socket
try:
    _s = socket.create_connection(("127.0.0.1", {port}), timeout=3)
    _s.sendall(b"pwned")
except OSError:
    pass
''',
    "fork": '''
import os
if os.fork() == 0:
    os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 300; : {mark}"])
''',
    "posixsubprocess": '''
import _posixsubprocess, os
_r, _w = os.pipe()
_posixsubprocess.fork_exec(
    [b"/bin/sh", b"-c", b"echo pwned > {tmp_canary}; sleep 300; : {mark}"],
    [b"/bin/sh"], True, (_w,), None, None, -1, -1, -1, -1, -1, -1, _r, _w,
    True, False, -1, None, None, None, -1, None, False)
''',
    "setsid_daemon": '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["/bin/sh", "-c",
                             "while :; do sleep 1; done; : {mark}"])
    os._exit(0)
time.sleep(0.5)
''',
    "stdout_flood": '''
import os
_block = b"x" * (1 << 20)
for _ in range(3 * 1024):
    os.write(1, _block)
''',
    "disk_flood": '''
_block = b"x" * (1 << 20)
for _i in range(200):
    try:
        with open(f"fill{{_i}}", "wb") as _f:
            for _ in range(15):
                _f.write(_block)
    except OSError:
        pass
''',
    "segfault": '''
import ctypes
ctypes.string_at(0)
''',
    "find_reference": '''
import os
_found = None
_here = os.getcwd()
for _ in range(8):
    _here = os.path.dirname(_here)
    try:
        for _root, _dirs, _files in os.walk(_here):
            for _name in ("reference", "solutions", "correct"):
                _path = os.path.join(_root, _name, "0-vanilla.py")
                if os.path.isfile(_path):
                    _found = _path
            if _found or _root.count(os.sep) > 12:
                break
    except OSError:
        pass
    if _found:
        break
for _path in ["{repo}/0-vanilla.py", _found]:
    try:
        exec(open(_path).read(), globals())  # use the reference's models
        break
    except (OSError, TypeError):
        pass
''',
    "root_files": '''
import os, stat
_found = []
for _path in {root_only!r}:
    try:
        with open(_path, "rb") as _f:
            _f.read(1)
        _found.append(_path)
    except OSError:
        pass
# Everything readable here that this uid could not read by the file's
# own modes: what only a privilege (root, a capability) would allow.
_uid, _groups = os.getuid(), set(os.getgroups()) | {{os.getgid()}}
for _top in ("/etc", "/root", "/home", "/var", "/srv", "/opt", "/tmp",
             "/ae", "/work", "/usr/local"):
    for _root, _dirs, _files in os.walk(_top):
        for _name in _files:
            _path = os.path.join(_root, _name)
            try:
                _info = os.stat(_path)
                if not stat.S_ISREG(_info.st_mode):
                    continue
                with open(_path, "rb") as _f:
                    _f.read(1)
            except OSError:
                continue
            _mode = _info.st_mode
            if not (_mode & stat.S_IROTH
                    or (_info.st_uid == _uid and _mode & stat.S_IRUSR)
                    or (_info.st_gid in _groups and _mode & stat.S_IRGRP)):
                _found.append(_path)
if _found:
    raise RuntimeError("READABLE " + " ".join(sorted(_found)[:20]))
''',
    "fork_bomb": '''
import os
_started, _children = 0, []
for _ in range(1000):
    try:
        _pid = os.fork()
    except OSError:
        break
    if _pid == 0:
        try:
            os.execv("/bin/sleep", ["{mark}", "300"])
        finally:
            os._exit(0)
    _children.append(_pid)
    _started += 1
for _pid in _children[10:]:  # room again for the models' threads
    os.kill(_pid, 9)
    os.waitpid(_pid, 0)
if _started >= 1000:
    raise RuntimeError(f"FORKED {{_started}}: no process limit")
''',
    "other_student": '''
import glob
for _path in ["{classmate}/0-vanilla.py"] + glob.glob("{cache}/*"):
    try:
        _text = open(_path, "rb").read()
        open(_path, "wb").write(b"pwned")
    except OSError:
        pass
''',
}
APPENDED = {"find_reference"}  # runs after the file's own (faulty) models
FAULTY = (REPO_ROOT / "tests" / "corpus" / "faulty" / "vanilla_sigmoid_latent"
          / "0-vanilla.py").read_text()
# What the report must say, with the guard on (None: the guard is not
# what stops it) and with it off (None: the OS refused it silently).
SENTENCES = {
    "ctypes_write": ("load a C library through ctypes", None),
    "ctypes_system": ("load a C library through ctypes", "left"),
    "kill_grader": ("load a C library through ctypes", None),
    "socket_connect": ("open a network connection", None),
    "keeper_socket": (None, None),
    "fork": ("fork the process", "left"),
    "posixsubprocess": ("start a process through _posixsubprocess",
                        "left"),
    "setsid_daemon": ("fork the process", "left"),
    "stdout_flood": ("printed more than", "printed more than"),
    "disk_flood": (None, None),
    "segfault": ("read raw memory through ctypes", "segmentation fault"),
    "find_reference": ("read files outside its folder", None),
    "other_student": ("read files outside its folder", None),
    "root_files": (None, None),
    "fork_bomb": ("fork the process", "left"),
}
# Each folder holds a correct 1-sparse.py too: whatever the hostile
# 0-vanilla.py does, the other task keeps full marks and is accused of
# nothing (its own uid, folder and processes).
WITH_SIBLING = ("kill_grader", "stdout_flood", "setsid_daemon",
                "ctypes_system", "fork_bomb", "root_files")


def root_only_files() -> list[str]:
    """Files on this machine that only root (or their group) may read:
    what a worker must never find, at any level."""
    found = []
    for top in ("/etc", "/root", "/var/log", "/var/lib"):
        for root, _dirs, files in os.walk(top):
            for name in files:
                path = os.path.join(root, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode) and not (
                        info.st_mode & stat.S_IROTH):
                    found.append(path)
            if len(found) > 400:
                return found
    return found


def levels() -> list[str]:
    """The levels this machine offers (or, with AE_TEST_SANDBOX_LEVELS,
    those of them named there: CI runs the uid level on its own, with
    Python made reachable in a private mount namespace)."""
    found = []
    for level in wanted_levels():
        try:
            detect(level)
            found.append(level)
        except SandboxUnavailable:
            pass
    return found


def tree_digest(root: Path) -> str:
    """A digest of every file's path, size and content under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def marked_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if MARK.encode() in handle.read():
                    found.append(int(entry))
        except (OSError, ValueError):
            pass
    return found


class Listener(threading.Thread):
    """A TCP listener on 127.0.0.1 that records what reaches it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.connections = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.settimeout(1)
            try:
                self.received += connection.recv(100)
            except OSError:
                pass
            connection.close()


class DiskSampler(threading.Thread):
    """The largest growth of used disk space while it runs."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path = path
        self.start_used = shutil.disk_usage(path).used
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            grown = shutil.disk_usage(self.path).used - self.start_used
            self.peak = max(self.peak, grown)
            time.sleep(0.01)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Every hostile file graded at every level, guard on and off."""
    root = tmp_path_factory.mktemp("hostile")
    cache = root / "cache"  # the reference's, for these gradings alone
    outside = root / "outside"
    outside.mkdir()
    (root / "reference").mkdir()
    shutil.copy(REPO_ROOT / "0-vanilla.py", root / "reference")
    classmate = root / "classmate"
    classmate.mkdir()
    shutil.copy(REPO_ROOT / "0-vanilla.py", classmate)
    listener = Listener()
    listener.start()
    canaries, cases = [], [(levels()[0], True, "classmate", classmate)]
    keep_dir = root / "keep"  # the kept zygotes' sockets
    sockets = [str(keep_dir / keeper.zygote_key(detect(level), KERAS_MAJOR))
               + ".sock" for level in levels()]
    root_only = root_only_files()
    for level in levels():
        # The guard's own sentences once, at the strongest level (a run
        # of named levels alone, like CI's uid step, has them already).
        with_guard = level == levels()[0] and not os.environ.get(
            "AE_TEST_SANDBOX_LEVELS")
        for guard in (True, False) if with_guard else (False,):
            for name, snippet in HOSTILE.items():
                folder = root / f"{level}-{guard}" / name
                folder.mkdir(parents=True)
                canary = f"/tmp/ae-hostile-{level}-{guard}-{name}"
                canaries.append(canary)
                text = snippet.format(
                    outside=outside, grader=REPO_ROOT / "grader",
                    tmp_canary=canary, mark=MARK, port=listener.port,
                    repo=REPO_ROOT, classmate=classmate, cache=cache,
                    root_only=root_only, keep=keep_dir, sockets=sockets)
                (folder / "0-vanilla.py").write_text(
                    FAULTY + text if name in APPENDED else
                    REFERENCE.replace(
                        "import tensorflow.keras as keras\n",
                        "import tensorflow.keras as keras\n" + text, 1))
                if name in WITH_SIBLING:
                    shutil.copy(REPO_ROOT / "1-sparse.py", folder)
                cases.append((level, guard, name, folder))
    # The reference measured first, so the cache stays as it is from here.
    grade(REPO_ROOT, Options(tasks=[0, 1], keras_major=KERAS_MAJOR,
                             cache_dir=cache, other_keras="off"))
    os.environ["GRADER_KEEP_DIR"] = str(keep_dir)
    watched = [REPO_ROOT / "grader", cache, outside, root / "reference",
               classmate]
    before = {path: tree_digest(path) for path in watched}
    disk = DiskSampler(str(root))
    disk.start()

    def one(case):
        level, guard, name, folder = case
        tasks = [0, 1] if (folder / "1-sparse.py").exists() else [0]
        options = Options(tasks=tasks, keras_major=KERAS_MAJOR,
                          limits=Limits(seconds=120, memory_mb=6144),
                          cache_dir=cache, sandbox=level, guard=guard,
                          other_keras="off", keep_warm=600.0 if not guard
                          or name == "classmate" else 0.0)
        return case, grade(folder, options, pool)

    def kept_first() -> list[int]:  # a kept zygote per level, first
        for level in levels():
            grade(classmate, Options(tasks=[0], keras_major=KERAS_MAJOR,
                                     cache_dir=cache, sandbox=level,
                                     guard=False, other_keras="off",
                                     keep_warm=600.0))
        return keepers(keep_dir)

    # The disk floods one at a time: each may fill its own quota.
    floods = [case for case in cases if case[2] == "disk_flood"]
    try:
        first = kept_first()
        with ThreadPoolExecutor(max_workers=2) as pool, \
                ThreadPoolExecutor(max_workers=4) as outer:
            reports = {case[:3]: report for case, report in outer.map(
                one, [case for case in cases if case not in floods])}
            reports.update((case[:3], one(case)[1]) for case in floods)
        kept_after = {level: grade(root / "reference", Options(
            tasks=[0], keras_major=KERAS_MAJOR, cache_dir=cache,
            sandbox=level, guard=False, other_keras="off",
            keep_warm=600.0)) for level in levels()}
        kept = {"first": first, "last": keepers(keep_dir),
                "after": kept_after}
    finally:
        keeper.leave_all()
        keeper.stop_all()
        del os.environ["GRADER_KEEP_DIR"]
    disk.stop.set()
    listener.stop.set()
    if os.environ.get("AE_DEBUG_HOSTILE"):
        for key, report in reports.items():
            print(key, [(r.check, r.message[:150]) for r in report.results
                        if r.status != "passed"])
    time.sleep(0.5)
    return {"reports": reports, "before": before, "watched": watched,
            "disk": disk.peak, "listener": listener, "canaries": canaries,
            "processes": marked_processes(), "kept": kept}


def wanted_levels() -> list[str]:
    named = os.environ.get("AE_TEST_SANDBOX_LEVELS")
    return named.split(",") if named else ["bwrap", "uid"]


def test_every_level_this_machine_offers_is_tested():
    if os.environ.get("AE_TEST_SANDBOX_LEVELS"):
        assert levels() == wanted_levels()  # each one named can be had
        return
    assert "bwrap" in levels()
    if os.geteuid() == 0 and python_readable():
        assert "uid" in levels()


def test_nothing_outside_the_workers_folders_changed(hostile):
    after = {path: tree_digest(path) for path in hostile["watched"]}
    assert after == hostile["before"]
    assert not (REPO_ROOT / "grader" / "pwned.py").exists()
    left = [c for c in hostile["canaries"] if os.path.exists(c)]
    assert left == []


def test_no_process_is_left_and_nothing_reached_the_listener(hostile):
    assert hostile["processes"] == []
    assert hostile["listener"].connections == 0
    assert hostile["listener"].received == b""


def test_disk_use_stays_small_under_floods(hostile):
    # 3 GB asked for. Under bubblewrap each task file's tmpfs holds 32 MB
    # and /tmp 16 MB, whatever the speed of the writer. The uid level has
    # no quota: a monitor polls the worker's files every 10 ms and stops it
    # past 32 MB, so a fast disk lets a flood run some tens of MB further
    # before it is seen (CI measured up to 105 MB of growth, the whole
    # file system's, with the reference's cache).
    bound = 200 if "uid" in levels() else 100
    assert hostile["disk"] < bound * 1024 * 1024, hostile["disk"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_gets_its_sentence(hostile, name):
    for (level, guard, case), report in hostile["reports"].items():
        if case != name:
            continue
        assert report.results, (level, guard)
        assert report.extra["sandbox"] == level
        messages = " | ".join(r.message for r in report.results
                              if r.task == 0 and r.status != "passed")
        expected = SENTENCES[name][0 if guard else 1]
        if expected == "left":
            expected = "running after it ended"
        if expected is not None:
            assert expected in messages, (level, guard, messages)
        assert not report.grader_errors, (level, guard)
        if (report.find(1, "loads")) is not None:  # the other task
            assert [(r.check, r.message) for r in report.results
                    if r.task == 1 and r.status != "passed"] == [], \
                (level, guard, name)


def test_root_files_are_never_readable_inside(hostile):
    # Guard off: only the operating system stands between the task file
    # and every file of this machine that its uid may not read.
    for (level, guard, case), report in hostile["reports"].items():
        if case == "root_files" and not guard:
            messages = " | ".join(r.message for r in report.results)
            assert "READABLE" not in messages, (level, messages)
            assert report.find(0, "seeded-training").status == "passed"


def test_a_thousand_forks_stay_under_the_process_limit(hostile):
    for (level, guard, case), report in hostile["reports"].items():
        if case == "fork_bomb" and not guard:
            messages = " | ".join(r.message for r in report.results)
            assert "FORKED" not in messages, (level, messages)
            assert "running after it ended" in messages, (level, messages)


def test_root_gets_the_strongest_level_without_loosening_the_host():
    if os.geteuid() != 0:
        pytest.skip("root's level")
    isolation = detect("auto")
    assert (isolation.level, isolation.privileged) == ("bwrap", True)
    assert isolation.full and isolation.warning() is None
    assert "started by root" in isolation.describe()


def test_the_sandbox_kills_the_grader_process_never(hostile):
    # Killing its parent and grandparent: the task is graded, and so is
    # task 1.
    for (level, guard, case), report in hostile["reports"].items():
        if case != "kill_grader" or guard:
            continue
        # The OS refuses the kill: the server is root's while the worker
        # has a uid of its own, or the first process of the folder's PID
        # namespace, which no process inside can kill (seen from inside,
        # its parent is 0: the file kills its own process group).
        result = report.find(0, "loads")
        assert result.status == "passed" or \
            "was killed (SIGKILL)" in result.message, (level, result.message)
        assert "sandbox it ran in was killed" not in result.message
        assert report.find(1, "seeded-training").status == "passed"


def test_a_search_for_the_reference_finds_nothing(hostile):
    # The file's own models have a sigmoid latent layer; had it read a
    # reference solution, it would have used that one's models instead.
    for (level, guard, case), report in hostile["reports"].items():
        if case == "find_reference":
            assert report.find(0, "activations").status == "failed", \
                (level, guard)


def test_the_kept_zygote_outlives_every_hostile_file_untouched(hostile):
    kept = hostile["kept"]
    assert len(kept["first"]) == len(levels())  # one kept zygote a level
    assert kept["last"] == kept["first"]  # none was replaced
    for level, report in kept["after"].items():
        assert report.score == report.max_score > 0, (level, [
            (r.name, r.message) for r in report.results
            if r.status != "passed"])


def test_a_classmate_graded_beside_a_hostile_file_is_untouched(hostile):
    report = hostile["reports"][(levels()[0], True, "classmate")]
    assert [r.name for r in report.results if r.status != "passed"] == []
