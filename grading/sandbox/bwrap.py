"""The bubblewrap backend: the command line that starts a student kernel.

Two ways, depending on who grades:

* **as root** (a class server, CI): bubblewrap creates the namespaces with
  root's privileges, then ``setpriv`` drops to a uid of its own
  (:func:`grading.sandbox.kernel.allocate_uid`), without capabilities and with
  ``no_new_privs``; so ``RLIMIT_NPROC`` binds (it never binds uid 0) and the
  kernel can write nothing it does not own;
* **as an ordinary user**: a user namespace (``--unshare-user``) maps the user to
  ``nobody`` inside; nested user namespaces are disabled.

Either way ``prlimit`` sets the rlimits right before the kernel starts.

>>> from pathlib import Path
>>> from grading.sandbox import Limits
>>> argv = Bubblewrap(exe="/usr/bin/bwrap", as_root=False).argv(
...     ["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "/tmp/gk/ipc/kernel.json"], _example_run())
>>> argv[argv.index("--bind") + 1: argv.index("--bind") + 3]
['/tmp/gk/ipc', '/tmp/gk/ipc']
>>> "--unshare-net" in argv and "--die-with-parent" in argv and argv[-4:-2] == ["-m", "ipykernel_launcher"]
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .base import Limits, platform_note

#: where things are inside the sandbox
WORK = "/submission"  # nbgrader's copy of this submission (the kernel's cwd)
LIB = "/opt/ecom-course/lib"  # PYTHONPATH: the student course package is LIB/course
DATA = "/opt/ecom-course/data"
SETTINGS = "/opt/ecom-course/settings.yaml"
CACHE = "/tmp/.cache"  # MPLCONFIGDIR is CACHE/matplotlib
#: the few files of /etc a Python kernel needs (users, time zone, fonts, the dynamic linker)
ETC = (
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/fonts",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/mime.types",
    "/etc/matplotlibrc",
)
TOP_LEVEL = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

_PROBED: dict[tuple, str | None] = {}


def python_paths() -> list[str]:
    """Folders of the running Python environment (venv and base installation), outside /usr."""
    paths = []
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(sys.executable).resolve().parent.parent)}:
        real = os.path.realpath(p)
        if not real.startswith(("/usr/", "/bin", "/lib")) and real not in ("/usr", "/"):
            paths.append(p)
            if real != p:
                paths.append(real)
    return sorted(set(paths), key=lambda s: (len(s), s))


class Bubblewrap:
    name = "bwrap"

    def __init__(self, exe: str | None = None, as_root: bool | None = None):
        # GRADING_BWRAP: a bubblewrap outside PATH (e.g. built into ~/bin on a server without root)
        self.exe = exe or os.environ.get("GRADING_BWRAP") or shutil.which("bwrap") or "/usr/bin/bwrap"
        self.as_root = (os.geteuid() == 0) if as_root is None else as_root
        self.setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        self.prlimit = shutil.which("prlimit") or "/usr/bin/prlimit"

    @property
    def privileged(self) -> bool:
        """True when the sandbox runs under a uid of its own (the grader is root)."""
        return self.as_root

    # -- can it run here? ------------------------------------------------------
    def problem(self) -> str | None:
        """None when a sandbox starts here; otherwise why not (Chinese, one line)."""
        note = platform_note()
        if note:
            return note
        if not os.path.exists(self.exe):
            return "没有找到 bubblewrap（bwrap 命令）"
        for tool in (self.prlimit,) + ((self.setpriv,) if self.as_root else ()):
            if not os.path.exists(tool):
                return f"没有找到 {os.path.basename(tool)}（util-linux 软件包）"
        key = (self.exe, self.as_root)
        if key not in _PROBED:
            _PROBED[key] = self._probe()
        return _PROBED[key]

    def _probe(self) -> str | None:
        uid = 65534
        argv = self._namespaces() + self._system() + ["--proc", "/proc", "--dev", "/dev", "--"]
        argv += self._drop(uid) + [self.prlimit, "--nproc=64", "--", "/bin/sh", "-c", "id -u"]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap 无法启动（{exc}）"
        if proc.returncode != 0 or proc.stdout.strip() != str(uid):
            err = (proc.stderr or proc.stdout).strip().splitlines()
            return "本机不允许 bubblewrap 创建命名空间（" + (err[-1] if err else f"退出码 {proc.returncode}") + "）"
        return None

    # -- the command line ----------------------------------------------------------
    def _namespaces(self) -> list[str]:
        a = [
            self.exe,
            "--die-with-parent",
            "--new-session",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            "grading-sandbox",
        ]
        if not self.as_root:
            a += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns"]
        return a

    def _system(self) -> list[str]:
        a = ["--ro-bind", "/usr", "/usr"]
        for top in TOP_LEVEL:
            if os.path.islink(top):
                a += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                a += ["--ro-bind", top, top]
        a += ["--perms", "0755", "--dir", "/etc"]
        for path in ETC:
            a += ["--ro-bind-try", path, path]
        return a

    @staticmethod
    def _python() -> list[str]:
        """The Python environment, read-only; after the /tmp tmpfs, which would hide a venv under /tmp."""
        a = []
        for path in python_paths():
            a += _parents(path, {"/usr", "/tmp"}) + ["--ro-bind", path, path]
        return a

    def _drop(self, uid: int | None) -> list[str]:
        if not self.as_root:
            return []
        return [
            self.setpriv,
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]

    def argv(self, kernel_cmd: list[str], run) -> list[str]:
        """The whole command: bubblewrap, the uid drop, the rlimits, then the kernel."""
        lim = run.limits
        a = self._namespaces() + self._system()
        a += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--perms",
            "1777",
            "--size",
            str(lim.tmpfs_mb * 1024 * 1024),
            "--tmpfs",
            "/tmp",
        ]
        a += self._python()
        for src, dest in run.seeds(CACHE):  # caches a fresh kernel would otherwise rebuild (seconds)
            if os.path.dirname(dest) != "/tmp":
                a += ["--perms", "1777", "--dir", os.path.dirname(dest)]
            a += ["--ro-bind", str(src), dest]
        a += _parents(LIB, {"/usr", "/tmp"}) + ["--ro-bind", str(run.lib), LIB]
        if run.data_dir:
            a += ["--ro-bind", str(run.data_dir), DATA]
        if run.settings_file:
            a += ["--ro-bind", str(run.settings_file), SETTINGS]
        a += _parents(str(run.ipc_dir), {"/tmp"}) + ["--bind", str(run.ipc_dir), str(run.ipc_dir)]
        a += ["--bind", str(run.workdir), WORK, "--chdir", WORK, "--clearenv"]
        for key, value in sorted(
            run.env(WORK, LIB, DATA if run.data_dir else None, SETTINGS if run.settings_file else None, CACHE).items()
        ):
            a += ["--setenv", key, value]
        a += ["--"] + self._drop(run.uid) + rlimits(self.prlimit, lim) + list(kernel_cmd)
        return a

    def stop(self, run) -> None:
        """Nothing to do: the PID namespace dies with its first process."""


def _parents(path: str, mounted: set[str]) -> list[str]:
    """``--dir`` for each folder above ``path`` (bubblewrap would make them 0700: no way through
    for the sandbox uid)."""
    out = []
    parent = os.path.dirname(path.rstrip("/"))
    chain = []
    while parent not in ("/", ""):
        chain.append(parent)
        parent = os.path.dirname(parent)
    for folder in reversed(chain):
        if folder not in mounted:
            out += ["--perms", "0755", "--dir", folder]
    return out


def rlimits(prlimit: str, lim) -> list[str]:
    mem = lim.memory_mb * 1024 * 1024
    return [
        prlimit,
        f"--as={mem}:{mem}",
        f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds}",
        f"--nproc={lim.tasks}:{lim.tasks}",
        f"--fsize={lim.file_mb * 1024 * 1024}:{lim.file_mb * 1024 * 1024}",
        "--core=0:0",
        "--",
    ]


def _example_run():
    """A run description for the doctest (no files are touched)."""

    class Run:
        limits, lib, data_dir, settings_file, uid = Limits(), Path("/tmp/gk/lib"), None, None, None
        ipc_dir, workdir = Path("/tmp/gk/ipc"), Path("/ws/autograded/s1/m1")

        def env(self, work, lib, data, settings, cache=None):
            return {"HOME": "/tmp", "PYTHONPATH": lib}

        def seeds(self, cache):
            return []

    return Run()
