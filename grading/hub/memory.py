"""Per-user memory limits enforced by the kernel: one cgroup per user.

Every process of a user's single-user server (the server, its kernels, a
terminal, anything a student starts) is placed in ``<root>/ecom-hub/<user>``:
the spawner writes the new process into the group *before* it drops to the
user's uid and execs, so nothing escapes, and children inherit the group.
The kernel's OOM killer ends a process of that group when the group's memory
(RSS + page cache + swap where accounted) would pass the limit; other users
and the hub are not touched.  When the server stops, whatever is still in the
group is killed (a student's background process does not outlive the server).

cgroup v2 (``memory.max`` + ``memory.swap.max``, Debian 12 and most current
servers) and v1 (``memory.limit_in_bytes`` + ``memory.memsw.limit_in_bytes``)
are both handled.  Where neither is writable (not root, a container without
cgroup access) ``available()`` says why, and the hub falls back to a
per-process address-space limit (RLIMIT_AS), which it reports as weaker.

>>> parse_size("1.5G"), parse_size("512M"), parse_size(1024)
(1610612736, 536870912, 1024)
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PARENT = "ecom-hub"
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_size(text) -> int:
    """``"1.5G"`` -> bytes; plain integers are bytes."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", str(text).upper())
    if not m:
        raise ValueError(f"内存上限「{text}」看不懂：请写成 1G、1.5G 或 800M 这样的形式。")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def fmt_size(n: int) -> str:
    """>>> fmt_size(1610612736)
    '1.5G'
    """
    for unit in ("T", "G", "M", "K"):
        if n >= _UNITS[unit]:
            return f"{n / _UNITS[unit]:.4g}{unit}"
    return str(n)


def _version() -> tuple[int, Path] | None:
    """(cgroup version, directory that holds the per-user groups' parent) or None."""
    if (CGROUP_ROOT / "cgroup.controllers").exists():
        if "memory" in (CGROUP_ROOT / "cgroup.controllers").read_text().split():
            return 2, CGROUP_ROOT
        return None
    if (CGROUP_ROOT / "memory" / "memory.limit_in_bytes").exists():
        return 1, CGROUP_ROOT / "memory"
    return None


def available() -> str | None:
    """None when per-user cgroups can be made here, else the reason (Chinese)."""
    found = _version()
    if found is None:
        return "本机没有可用的 cgroup 内存控制器（/sys/fs/cgroup）"
    if os.geteuid() != 0 or not os.access(found[1], os.W_OK):
        return f"没有写 {found[1]} 的权限（需要 root）"
    return None


class UserCgroup:
    """The memory cgroup of one user (created on demand, limit set each start)."""

    def __init__(self, user: str, limit: int):
        found = _version()
        if found is None:
            raise RuntimeError(available() or "no cgroup")
        self.version, base = found
        self.parent = base / PARENT
        self.path = self.parent / user
        self.limit = int(limit)

    def create(self) -> UserCgroup:
        if self.version == 2:
            self.parent.mkdir(exist_ok=True)
            _write(self.parent / "cgroup.subtree_control", "+memory")
            self.path.mkdir(exist_ok=True)
            _write(self.path / "memory.max", str(self.limit))
            _write(self.path / "memory.swap.max", "0", optional=True)
        else:
            self.parent.mkdir(exist_ok=True)
            self.path.mkdir(exist_ok=True)
            # memsw (memory + swap) must stay >= memory: raise it first when growing
            _write(self.path / "memory.memsw.limit_in_bytes", "-1", optional=True)
            _write(self.path / "memory.limit_in_bytes", str(self.limit))
            _write(self.path / "memory.memsw.limit_in_bytes", str(self.limit), optional=True)
        return self

    def add(self, pid: int) -> None:
        """Move a process into the group (the spawner calls it in the child, pre-exec)."""
        _write(self.path / "cgroup.procs", str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def effective_limit(self) -> int:
        name = "memory.max" if self.version == 2 else "memory.limit_in_bytes"
        text = (self.path / name).read_text().strip()
        return -1 if text == "max" else int(text)

    def usage(self) -> int:
        name = "memory.current" if self.version == 2 else "memory.usage_in_bytes"
        try:
            return int((self.path / name).read_text())
        except OSError:
            return 0

    def peak(self) -> int:
        """Highest usage seen (v1 max_usage_in_bytes, v2 memory.peak where the kernel has it)."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int((self.path / name).read_text())
        except (OSError, ValueError):
            return self.usage()

    def kill_all(self, timeout: float = 5.0) -> None:
        """SIGKILL whatever is left in the group, then remove it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        try:
            self.path.rmdir()
        except OSError:
            pass


def _write(path: Path, value: str, optional: bool = False) -> None:
    try:
        with open(path, "w") as fh:
            fh.write(value)
    except FileNotFoundError:
        if not optional:
            raise
    except OSError:
        if not optional:
            raise


def remove_parent() -> None:
    """Remove the empty ``ecom-hub`` parent group (after the last hub stopped)."""
    found = _version()
    if found:
        try:
            (found[1] / PARENT).rmdir()
        except OSError:
            pass
