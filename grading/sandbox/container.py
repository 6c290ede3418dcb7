"""The container backend (podman or docker): the same sandbox from a container runtime.

For TAs who have a container runtime and an image holding the student
environment (the JupyterHub student image of grading/hub is one: same pinned
versions).  The image only has to provide ``python`` with ipykernel and the
course's dependencies; the course package, the data and the settings are
mounted read-only from the grader's copy, exactly as with bubblewrap.

The container has no network (``--network none``), a read-only root, a private
size-limited ``/tmp``, no capabilities, ``no-new-privileges``, limits on memory,
processes, CPUs and file size, and runs as an unprivileged uid.  A container
does not die with the ``docker run`` client, so :meth:`Container.stop`
removes it by name when the kernel ends.

>>> from grading.sandbox.bwrap import _example_run
>>> argv = Container("docker", "ecom-ops-student:latest", exe="docker").argv(
...     ["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "/tmp/gk/ipc/kernel.json"], _example_run())
>>> argv[:4], "--network" in argv and argv[argv.index("--network") + 1]
(['docker', 'run', '--rm', '--interactive'], 'none')
>>> argv[-7:]
['--entrypoint', 'python', 'ecom-ops-student:latest', '-m', 'ipykernel_launcher', '-f', '/tmp/gk/ipc/kernel.json']
"""

from __future__ import annotations

import os
import shutil
import subprocess

from .bwrap import CACHE, DATA, LIB, SETTINGS, WORK

_PROBED: dict[tuple, str | None] = {}


class Container:
    def __init__(self, runtime: str, image: str, exe: str | None = None):
        self.name = runtime
        self.image = image
        self.exe = exe or shutil.which(runtime) or runtime

    @property
    def privileged(self) -> bool:
        """A uid of its own when the grader is root (files are handed over to it)."""
        return os.geteuid() == 0

    def problem(self) -> str | None:
        key = (self.exe, self.image)
        if key not in _PROBED:
            _PROBED[key] = self._probe()
        return _PROBED[key]

    def _probe(self) -> str | None:
        if not shutil.which(self.exe):
            return f"没有找到 {self.name} 命令"
        try:
            info = subprocess.run(
                [self.exe, "info", "--format", "{{json .}}"], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{self.name} 无法运行（{exc}）"
        if info.returncode != 0:
            last = (info.stderr or info.stdout).strip().splitlines()
            return f"{self.name} 服务不可用（{last[-1] if last else f'退出码 {info.returncode}'}）"
        img = subprocess.run([self.exe, "image", "inspect", self.image], capture_output=True, text=True, timeout=60)
        if img.returncode != 0:
            return f"{self.name} 中没有学生环境镜像 {self.image}（先构建或拉取该镜像）"
        return None

    def container_name(self, run) -> str:
        return f"grading-kernel-{os.getpid()}-{run.ipc_dir.parent.name}"

    def argv(self, kernel_cmd: list[str], run) -> list[str]:
        lim = run.limits
        uid = run.uid if run.uid is not None else os.getuid()
        a = [
            self.exe,
            "run",
            "--rm",
            "--interactive",
            "--name",
            self.container_name(run),
            "--network",
            "none",
            "--read-only",
            "--tmpfs",
            f"/tmp:rw,size={lim.tmpfs_mb}m,mode=1777",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--init",
            "--user",
            f"{uid}:{uid}",
            "--memory",
            f"{lim.memory_mb}m",
            "--pids-limit",
            str(lim.tasks),
            "--cpus",
            "1",
            "--ulimit",
            f"fsize={lim.file_mb * 1024 * 1024}",
            "--ulimit",
            f"cpu={lim.cpu_seconds}",
            "--volume",
            f"{run.lib}:{LIB}:ro",
            "--volume",
            f"{run.ipc_dir}:{run.ipc_dir}",
            "--volume",
            f"{run.workdir}:{WORK}",
            "--workdir",
            WORK,
        ]
        if run.data_dir:
            a += ["--volume", f"{run.data_dir}:{DATA}:ro"]
        if run.settings_file:
            a += ["--volume", f"{run.settings_file}:{SETTINGS}:ro"]
        for src, dest in run.seeds(CACHE):
            a += ["--volume", f"{src}:{dest}:ro"]
        env = run.env(WORK, LIB, DATA if run.data_dir else None, SETTINGS if run.settings_file else None, CACHE)
        env.pop("PATH", None)  # the image's own
        for key, value in sorted(env.items()):
            a += ["--env", f"{key}={value}"]
        # the image's interpreter, not the grader's; its entrypoint (a hub start script) is not wanted
        return a + ["--entrypoint", "python", self.image] + list(kernel_cmd[1:])

    def stop(self, run) -> None:
        """Remove the container (it outlives a killed ``docker run`` client)."""
        try:
            subprocess.run([self.exe, "rm", "--force", self.container_name(run)], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            pass
