"""Linux namespaces, mounts and capabilities through libc (inside the
sandbox only): what :mod:`grader.run.zygote_server` uses to give each
folder's fork server namespaces of its own, as bubblewrap would.

Every call raises OSError with the kernel's reason when it fails: a fork
server that cannot isolate itself never serves a job.
"""
from __future__ import annotations

import ctypes
import os

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT = 0x20
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
# linux/capability.h
CAPABILITY_VERSION_3 = 0x20080522
CAPS = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3,
        "CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SYS_ADMIN": 21}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def unshare_all() -> None:
    """New mount, PID (for the next child), network, IPC and UTS
    namespaces for this process."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET
                         | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")


def make_private() -> None:
    """No mount made here reaches another namespace, nor the reverse."""
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None),
           "mount --make-rprivate /")


def mount_tmpfs(path: str, size: int, mode: int) -> None:
    """A tmpfs of ``size`` bytes at ``path`` (made if missing)."""
    os.makedirs(path, exist_ok=True)
    options = f"size={size},mode={mode:o}".encode()
    _check(_libc.mount(b"tmpfs", path.encode(), b"tmpfs",
                       MS_NOSUID | MS_NODEV, options), f"tmpfs on {path}")


def bind(source: str, target: str) -> None:
    """``source`` seen at ``target`` too, read-only."""
    _check(_libc.mount(source.encode(), target.encode(), None,
                       MS_BIND | MS_REC, None), f"bind {source} {target}")
    _check(_libc.mount(None, target.encode(), None,
                       MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
                       | MS_NODEV, None), f"read-only {target}")


def mount_proc() -> None:
    """A /proc of this process's PID namespace (it must be its first
    process): it shows this namespace's processes alone."""
    _check(_libc.mount(b"proc", b"/proc", b"proc",
                       MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32),
                ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def keep_capabilities(names: tuple[str, ...]) -> None:
    """This process keeps only the capabilities ``names`` (none: it keeps
    nothing); what it drops it can never take back."""
    mask = 0
    for name in names:
        mask |= 1 << CAPS[name]
    header = _CapHeader(CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = mask & 0xFFFFFFFF
    data[1].effective = data[1].permitted = mask >> 32
    _check(_libc.capset(ctypes.byref(header), data), "capset")
