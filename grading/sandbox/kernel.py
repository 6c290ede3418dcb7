"""One sandboxed kernel: its private folders, its uid, its watchdog, and its end.

:func:`sandboxed` turns any jupyter_client kernel manager class into one that
starts the kernel inside the sandbox (``GuardedExecute`` uses it, so the
grading workers, plain ``nbgrader autograde`` and the formgrader's button all
get it):

* the kernel speaks to the grader over unix sockets (``transport="ipc"``) in a
  private folder bound into the sandbox, as the sandbox has no network;
  interrupts go as messages (a signal to bubblewrap would not reach the kernel);
* the course package the kernel imports is a compiled copy of the student
  files (grading/package.py), made once per grading process and bound read-only;
* a watchdog thread stops the sandbox when its processes together exceed the
  process count, the CPU cores or the memory of :class:`grading.sandbox.Limits`;
* after the kernel ends, :meth:`Run.stop` makes sure no process of the
  sandbox is left (by its uid, or by its PID namespace), and
  :func:`sanitise` removes from the notebook folder what the grader must not
  follow (symbolic links, pipes, sockets, set-uid bits) before nbgrader writes
  its results there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path

from .procs import (
    allocate_uid,
    cpu_seconds,
    descendants,
    kill_all,
    memory,
    processes_in_pidns,
    processes_of_uid,
    short_tmp,
)

REPO = Path(__file__).resolve().parent.parent.parent


def sanitise(folder: Path, owner: tuple[int, int] | None = None) -> list[str]:
    """Make a folder the sandbox wrote into safe for the grader; return what was removed.

    Symbolic links (they would lead the grader's writes elsewhere), pipes,
    sockets and device nodes are removed, set-uid/set-gid bits cleared, and with
    ``owner`` every entry is handed back to the grader.  Nothing is followed.
    """
    removed: list[str] = []
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return removed
    stack = [folder]
    while stack:
        d = stack.pop()
        with contextlib.suppress(OSError):
            os.chmod(d, stat.S_IMODE(os.lstat(d).st_mode) | stat.S_IRWXU)
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            path = Path(e.path)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode) or not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(str(path.relative_to(folder)))
                continue
            if owner is not None and (st.st_uid, st.st_gid) != owner:
                with contextlib.suppress(OSError):
                    os.lchown(path, *owner)
            if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                with contextlib.suppress(OSError):
                    os.chmod(path, stat.S_IMODE(st.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))
            if stat.S_ISDIR(st.st_mode):
                stack.append(path)
    if owner is not None:
        with contextlib.suppress(OSError):
            os.lchown(folder, *owner)
    return removed


def _hand_over(folder: Path, uid: int) -> None:
    """Give the notebook folder to the sandbox uid (the kernel writes its answer file there)."""
    os.lchown(folder, uid, uid)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            with contextlib.suppress(OSError):
                os.lchown(os.path.join(dirpath, name), uid, uid)


_LIBS: dict[tuple, Path] = {}


def course_lib() -> Path:
    """A compiled copy of the student course package, shared by this process's kernels.

    Made again when a course file changes; bound read-only into each sandbox, so
    no kernel can change it for the next, and none spends a third of a second
    compiling it (five notebooks per submission).
    """
    import atexit
    import compileall

    from ..package import copy_course, course_files

    key = tuple((f, *_stat(REPO / f)) for f in course_files(REPO))
    lib = _LIBS.get(key)
    if lib is None or not lib.is_dir():
        for old in _LIBS.values():
            shutil.rmtree(old.parent, ignore_errors=True)
        _LIBS.clear()
        base = Path(tempfile.mkdtemp(prefix="gk-lib-", dir=short_tmp()))
        os.chmod(base, 0o755)  # a sandbox uid reads it
        lib = base / "lib"
        copy_course(lib, REPO)
        compileall.compile_dir(str(lib), quiet=2, workers=1)
        for dirpath, _dirnames, filenames in os.walk(lib):
            os.chmod(dirpath, 0o755)
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), 0o644)
        _LIBS[key] = lib
        atexit.register(shutil.rmtree, base, True)
    return lib


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def host_caches() -> list[tuple[str, Path]]:
    """(kind, file) of caches built on the grading machine: matplotlib's font list, jieba's dictionary."""
    out = []
    mpl = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib"
    )
    fonts = sorted(Path(mpl).glob("fontlist-v*.json"))
    if fonts and fonts[-1].is_file():
        out.append(("matplotlib", fonts[-1]))
    jieba = Path(tempfile.gettempdir()) / "jieba.cache"  # jieba's default dictionary, prepared
    if jieba.is_file() and not jieba.is_symlink():
        out.append(("jieba", jieba))
    return out


class Run:
    """Everything about one sandboxed kernel, from start to end."""

    def __init__(self, backend, workdir: Path, limits, data_dir: Path | None = None):
        self.backend = backend
        self.workdir = Path(workdir).resolve()
        self.limits = limits
        self.base = Path(tempfile.mkdtemp(prefix="gk-", dir=short_tmp()))
        self.ipc_dir = self.base / "ipc"
        self.ipc_dir.mkdir()
        self.lib = course_lib()
        data = data_dir or os.environ.get("COURSE_DATA_DIR") or REPO / "datasets" / "data"
        self.data_dir = Path(data) if Path(data).is_dir() else None
        settings = os.environ.get("COURSE_SETTINGS")
        self.settings_file = Path(settings) if settings and Path(settings).is_file() else None
        self.uid, self._lock = allocate_uid() if backend.privileged else (None, None)
        self.pid: int | None = None
        self.ns: str | None = None
        self.violation: str | None = None
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self._stopped = False

    # -- what the kernel sees ---------------------------------------------------------
    def seeds(self, cache: str) -> list[tuple[Path, str]]:
        """(host file, path inside) of read-only caches: matplotlib's font list, jieba's dictionary."""
        out = []
        for kind, src in host_caches():
            out.append((src, f"{cache}/matplotlib/{src.name}" if kind == "matplotlib" else f"/tmp/{src.name}"))
        return out

    def env(
        self, work: str, lib: str, data: str | None, settings: str | None, cache: str = "/tmp/.cache"
    ) -> dict[str, str]:
        e = {
            "MPLCONFIGDIR": f"{cache}/matplotlib",
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
            "PYTHONPATH": lib,
            "PYTHONNOUSERSITE": "1",
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "LANG": os.environ.get("LANG") or "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "COURSE_SANDBOX": "1",
            "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION") or "autograde",
            # one thread per numeric library: several kernels share the grading machine
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        for key, value in os.environ.items():
            if key.startswith("COURSE_") and key not in ("COURSE_RECHECK", "COURSE_DATA_DIR", "COURSE_SETTINGS"):
                e.setdefault(key, value)
        for key in ("MPLBACKEND", "TZ", "LC_ALL"):
            if os.environ.get(key):
                e[key] = os.environ[key]
        if data:
            e["COURSE_DATA_DIR"] = data
        if settings:
            e["COURSE_SETTINGS"] = settings
        return e

    # -- life cycle -----------------------------------------------------------------------
    def prepare(self, connection_file: Path) -> None:
        """Right before launch: the sandbox uid owns its sockets folder and notebook folder."""
        if self.uid is not None:
            os.lchown(self.ipc_dir, self.uid, self.uid)
            if connection_file.exists():
                os.lchown(connection_file, self.uid, self.uid)
            _hand_over(self.workdir, self.uid)
        elif self.backend.name != "bwrap":  # a container's uid must reach the sockets
            os.chmod(self.ipc_dir, 0o777)
            with contextlib.suppress(OSError):
                os.chmod(connection_file, 0o644)

    def started(self, pid: int) -> None:
        self.pid = pid
        self._watch = threading.Thread(target=self._watchdog, name="sandbox-watchdog", daemon=True)
        self._watch.start()

    def _watchdog(self) -> None:
        """Stop the sandbox when its processes together take too many processes, cores or memory."""
        lim, tick = self.limits, 0.25
        cpu_before, hot = None, 0.0
        while not self._stop.wait(tick):
            pids = descendants(self.pid)
            if not pids and not os.path.exists(f"/proc/{self.pid}"):
                return
            if self.ns is None and pids:
                with contextlib.suppress(OSError):
                    self.ns = os.readlink(f"/proc/{pids[0]}/ns/pid")
            cpu = cpu_seconds(pids)
            rate = 0.0 if cpu_before is None else max(0.0, cpu - cpu_before) / tick
            cpu_before = cpu
            hot = hot + tick if rate > lim.cpus else 0.0
            if len(pids) > lim.processes + 1:  # + bubblewrap's own init
                self.violation = f"学生代码同时启动了超过 {lim.processes} 个进程（fork 炸弹），评分沙箱已被终止"
            elif hot >= lim.cpu_burst_seconds:
                self.violation = (
                    f"学生代码同时占用了超过 {lim.cpus:g} 个 CPU 核心（例如大量并行进程），"
                    "会拖慢其他同学的评分，评分沙箱已被终止"
                )
            elif memory(pids) > lim.memory_mb * 1024 * 1024:
                self.violation = f"学生代码的进程共占用内存超过 {lim.memory_mb} MB，评分沙箱已被终止"
            if self.violation:
                self.kill()
                return

    def members(self) -> list[int]:
        """Processes of this sandbox that are still alive."""
        if self.uid is not None:
            return processes_of_uid(self.uid)
        if self.ns is not None:
            return processes_in_pidns(self.ns)
        return []

    def kill(self) -> None:
        """Stop the whole sandbox now (the kernel manager then sees a dead kernel)."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        kill_all(self.members)

    def stop(self) -> None:
        """After the kernel: nothing of the sandbox survives; its folders are removed."""
        if self._stopped:
            return
        self._stopped = True
        self._stop.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
        kill_all(self.members)
        with contextlib.suppress(Exception):
            self.backend.stop(self)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        shutil.rmtree(self.base, ignore_errors=True)


class SandboxedKernel:
    """Mixin for a jupyter_client kernel manager (see :func:`sandboxed`)."""

    sandbox_run: Run | None = None

    def attach_sandbox(self, run: Run) -> None:
        self.sandbox_run = run
        self.transport = "ipc"
        self.ip = str(run.ipc_dir / "k")
        self.connection_file = str(run.ipc_dir / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        run = self.sandbox_run
        if run is None:
            return cmd
        self.kernel_spec.interrupt_mode = "message"  # a signal to bubblewrap would not reach the kernel
        run.prepare(Path(self.connection_file))
        return run.backend.argv(cmd, run)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        proc = getattr(self.provisioner, "process", None)
        if self.sandbox_run is not None and proc is not None:
            self.sandbox_run.started(proc.pid)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if self.sandbox_run is not None and not restart:
                self.sandbox_run.stop()


_CLASSES: dict[type, type] = {}


def sandboxed(base: type) -> type:
    """``base`` (a kernel manager class) starting its kernels in the sandbox."""
    if issubclass(base, SandboxedKernel):
        return base
    if base not in _CLASSES:
        _CLASSES[base] = type(f"Sandboxed{base.__name__}", (SandboxedKernel, base), {})
    return _CLASSES[base]
