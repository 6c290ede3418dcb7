"""The processes of a sandbox: a uid of its own, finding what is left, stopping it, measuring it.

With a uid per sandbox (grading as root) everything the sandbox started is
found by its uid; otherwise by its PID namespace.  Nothing here follows a
student's file or trusts a student's process: ``/proc`` and signals only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
import time
from pathlib import Path

UID_RANGE = range(61000, 65000)  # Debian: 60000-64999 are allocated on demand; none is a login user


def short_tmp() -> str:
    """A short folder for unix sockets (their paths are limited to 107 bytes)."""
    return "/tmp" if os.access("/tmp", os.W_OK) else tempfile.gettempdir()


def allocate_uid() -> tuple[int, int]:
    """A uid no other sandbox on this machine uses right now, and the lock that holds it."""
    folder = Path(short_tmp()) / "grading-sandbox-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    start = (os.getpid() * 7919) % len(UID_RANGE)
    for i in range(len(UID_RANGE)):
        uid = UID_RANGE[(start + i) % len(UID_RANGE)]
        fd = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        kill_uid(uid)  # nothing may be left from a grader that crashed
        return uid, fd
    raise RuntimeError("no free sandbox uid")


def processes_of_uid(uid: int) -> list[int]:
    """Processes running as ``uid`` (the owner of ``/proc/<pid>`` is a process's effective uid)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    out.append(int(entry))
    return out


def processes_in_pidns(ns: str) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{entry}/ns/pid") == ns:
                    out.append(int(entry))
    return out


def kill_all(find, timeout: float = 10.0) -> list[int]:
    """SIGKILL what ``find()`` returns until nothing is left; return the pids killed."""
    killed: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        pids = find()
        if not pids or time.monotonic() > deadline:
            return killed
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.05)


def kill_uid(uid: int) -> list[int]:
    return kill_all(lambda: processes_of_uid(uid))


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of each of its threads, recursively).

    Reads only the sandbox's own entries of /proc, not the whole process table:
    the watchdog asks five times a second.
    """
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            threads = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in threads:
            try:
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except (OSError, ValueError):
                continue
            out += kids
            todo += kids
    return out


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes have used so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / _CLOCK


def memory(pids) -> int:
    """Bytes the processes use together.

    Resident sizes first (cheap); only when they add up to a lot, the
    proportional set sizes, where pages a fork shares count once.
    """
    rss = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/statm") as fh:
                rss += int(fh.read().split()[1]) * _PAGE
    if rss < _PSS_FROM:
        return rss
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
    return total


_CLOCK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_PSS_FROM = 1 << 30  # below a gigabyte of resident memory no sandbox is near its limit
