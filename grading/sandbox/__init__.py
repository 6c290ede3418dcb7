"""The grading sandbox: every student kernel runs inside one.

What a student's code sees and may do while its notebook is graded:

* the system (``/usr``, a few files of ``/etc``) and the Python environment,
  read-only; no home directory, no repository, no class workspace;
* the course package (the student files of grading/package.py), the shop data
  and the settings file, read-only;
* nbgrader's working copy of this one submission (the notebook's folder) is
  the only writable place, plus a private, size-limited tmpfs at ``/tmp``;
* no network (its own, empty network namespace); the kernel talks to the
  grader over unix sockets in a private folder (jupyter ``transport="ipc"``);
* its own PID namespace: every process it starts dies with the notebook;
* limits: address space, CPU seconds, processes, file size (rlimits), and a
  watchdog that stops a sandbox whose processes together exceed the process
  count, the memory budget or more than one CPU core for over a second and a
  half (a fork storm cannot slow the other students' grading);
* an unprivileged user id: a fresh uid without capabilities when the grader
  runs as root, the user's own uid in a user namespace otherwise;
* ``COURSE_SANDBOX=1`` in its environment (``course.grade`` then defers to the
  clean re-check, which runs outside, never runs student code, and decides
  the score).

Backends behind one interface: ``bwrap`` (bubblewrap, the default; Debian
package ``bubblewrap``) and ``podman`` / ``docker`` (a container image holding the
student environment).  ``off`` grades without a sandbox: only when the TA asks
for it explicitly, and the run is marked in the report and the score sheet.

>>> normalise_mode("Bubblewrap"), normalise_mode(None)
('bwrap', 'auto')
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

#: environment variables read by every grading path (CLI workers, plain nbgrader, formgrader)
MODE_ENV = "GRADING_SANDBOX"
IMAGE_ENV = "GRADING_SANDBOX_IMAGE"
MODES = ("auto", "bwrap", "podman", "docker", "off")
DEFAULT_IMAGE = "ecom-ops-student:latest"
UNSAFE_MARK = "未使用沙箱评分（不安全）"
BACKEND_ZH = {"bwrap": "bubblewrap 沙箱", "podman": "podman 容器沙箱", "docker": "docker 容器沙箱", "off": UNSAFE_MARK}


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use (rlimits per process, the watchdog for the sandbox as a whole)."""

    memory_mb: int = 4096        # address space per process; the sandbox's summed RSS
    cpu_seconds: int = 3600      # CPU time per process
    tasks: int = 512             # RLIMIT_NPROC (threads count): caps a fork storm
    processes: int = 16          # the watchdog stops a sandbox with more processes (a kernel needs one or two)
    file_mb: int = 200           # largest file it may write
    tmpfs_mb: int = 512          # size of its private /tmp
    cpus: float = 1.25           # CPU cores it may use together (a kernel uses one; numeric libraries get one thread)
    cpu_burst_seconds: float = 1.6   # ... before the watchdog stops it


def normalise_mode(mode: str | None) -> str:
    m = (mode or "auto").strip().lower()
    aliases = {"bubblewrap": "bwrap", "none": "off", "no": "off", "false": "off", "0": "off", "unsafe": "off",
               "": "auto", "on": "auto", "yes": "auto", "true": "auto", "1": "auto"}
    m = aliases.get(m, m)
    if m not in MODES:
        raise SandboxUnavailable(f"不认识的沙箱方式「{mode}」。可选：{'、'.join(MODES)}。")
    return m


def mode_from_env() -> str:
    return normalise_mode(os.environ.get(MODE_ENV))


def how_to_fix(reason: str) -> str:
    """The refusal every grading path prints (CLI, plain nbgrader, formgrader)."""
    return (
        f"拒绝评分：无法在沙箱中运行学生代码（{reason}）。\n"
        "评分时学生代码必须在沙箱里运行：只能看到自己的提交，不能联网，启动的进程随笔记本一起结束，"
        "否则一份恶意提交就能读到参考答案或改写全班成绩。\n"
        "解决办法（任选其一）：\n"
        "  1. 在 Debian/Ubuntu 上安装 bubblewrap：sudo apt-get install bubblewrap\n"
        "     （其他 Linux：dnf install bubblewrap / pacman -S bubblewrap；如果在 Docker 容器里评分，"
        "容器需要允许创建命名空间，例如 --security-opt seccomp=unconfined --cap-add SYS_ADMIN，或改在宿主机上评分）\n"
        "  2. 在已安装 bubblewrap 的班级服务器（Linux）上评分：把工作区复制过去后运行同一条 grading autograde 命令；\n"
        "     macOS 和 Windows 没有 bubblewrap，请用班级服务器，或 WSL2 中的 Debian/Ubuntu。\n"
        "  3. 有 Docker 或 Podman 和学生环境镜像时：grading autograde 模块 --sandbox docker"
        f"（镜像名用 --sandbox-image 或环境变量 {IMAGE_ENV} 指定，默认 {DEFAULT_IMAGE}）。\n"
        "  4. 确实要在没有沙箱的情况下评分（不安全；报告和成绩表评语会注明“未使用沙箱”）：\n"
        "     grading autograde 模块 --unsafe-no-sandbox；直接用 nbgrader 或 formgrader 时先设置环境变量 "
        f"{MODE_ENV}=off。"
    )


def backend(mode: str | None = None, image: str | None = None):
    """The backend for ``mode`` (``None`` for ``off``); raises :class:`SandboxUnavailable`.

    ``auto`` means bubblewrap: containers need an image, so they are only used
    when asked for by name.
    """
    mode = normalise_mode(mode if mode is not None else os.environ.get(MODE_ENV))
    if mode == "off":
        return None
    if mode in ("auto", "bwrap"):
        from .bwrap import Bubblewrap

        b = Bubblewrap()
    else:
        from .container import Container

        b = Container(mode, image or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE)
    problem = b.problem()
    if problem:
        raise SandboxUnavailable(how_to_fix(problem))
    return b


def check(mode: str | None = None, image: str | None = None) -> str:
    """The name of the backend that will be used (``off`` included); raises when unusable."""
    b = backend(mode, image)
    return "off" if b is None else b.name


def describe(name: str | None) -> str:
    return BACKEND_ZH.get(name or "off", name or UNSAFE_MARK)


def platform_note() -> str | None:
    """Why no sandbox can exist on this operating system at all (macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return f"当前系统是 {sys.platform}，bubblewrap 只能在 Linux 上运行"
    return None
