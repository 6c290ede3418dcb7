"""What every sandbox backend shares: the modes, the limits, the refusal and its Chinese how-to.

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

    memory_mb: int = 4096  # address space per process; the sandbox's summed RSS
    cpu_seconds: int = 3600  # CPU time per process
    tasks: int = 512  # RLIMIT_NPROC (threads count): caps a fork storm
    processes: int = 16  # the watchdog stops a sandbox with more processes (a kernel needs one or two)
    file_mb: int = 200  # largest file it may write
    tmpfs_mb: int = 512  # size of its private /tmp
    cpus: float = 1.25  # CPU cores it may use together (a kernel uses one; numeric libraries get one thread)
    cpu_burst_seconds: float = 1.6  # ... before the watchdog stops it


def normalise_mode(mode: str | None) -> str:
    m = (mode or "auto").strip().lower()
    aliases = {
        "bubblewrap": "bwrap",
        "none": "off",
        "no": "off",
        "false": "off",
        "0": "off",
        "unsafe": "off",
        "": "auto",
        "on": "auto",
        "yes": "auto",
        "true": "auto",
        "1": "auto",
    }
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


def describe(name: str | None) -> str:
    return BACKEND_ZH.get(name or "off", name or UNSAFE_MARK)


def platform_note() -> str | None:
    """Why no sandbox can exist on this operating system at all (macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return f"当前系统是 {sys.platform}，bubblewrap 只能在 Linux 上运行"
    return None
