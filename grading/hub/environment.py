"""The single-user environment: the pinned packages every hub user runs, nothing of ours.

Students' servers must not be able to import or read ``grading`` (the reference
answers), so they cannot run from the repository's ``.venv`` (it has the
repository installed in editable mode, and on many machines its interpreter
lives under ``/root``).  The hub builds one virtual environment per set of pins
under ``/opt/ecom-ops/`` (or ``$ECOM_HUB_ENV_ROOT``) from a Python every user
may run, installs ``requirements()`` into it (the student environment of
``grading.package`` -- the pins of ``pyproject.toml`` -- plus nbgrader for the
Assignments tab and jupyterhub for ``jupyterhub-singleuser``; the Kubernetes
image installs the same list), and makes it read-only for the users.  The course code is *not* in it: a student's server
gets the student-side copy of ``course/`` and the data on ``PYTHONPATH``, a
TA's server the repository (see ``grading.hub.layout``).

Built once per machine and per pin set (a few minutes the first time; a
stamp file marks a complete build; a lock keeps two builds apart).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from . import HubError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OVERRIDES = REPO / "jupyter" / "overrides.json"
STAMP = ".ecom-hub-complete"


class EnvError(HubError):
    """The environment cannot be built; the message says in Chinese what to install."""


#: added to the student environment on a hub: the Assignments tab and the single-user server
HUB_PACKAGES = ("nbgrader", "jupyterhub")


def requirements() -> list[str]:
    """``name==version`` lines of the single-user environment (students and staff alike).

    >>> any(r.startswith("jupyterhub==") for r in requirements()), any(r.startswith("pytest") for r in requirements())
    (True, False)
    """
    import tomllib

    from ..package import student_requirements

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs += extra
    extra_pins = [r.replace(" ", "") for r in reqs if r.split("==")[0].strip() in HUB_PACKAGES]
    return student_requirements(REPO) + sorted(set(extra_pins))


def requirements_text() -> str:
    return "# the class hub's single-user environment (grading/hub/environment.py)\n" + "\n".join(requirements()) + "\n"


def env_root() -> Path:
    return Path(os.environ.get("ECOM_HUB_ENV_ROOT") or "/opt/ecom-ops")


def world_runnable(path: Path) -> bool:
    """Can any user run ``path`` (every parent directory searchable, the file executable)?"""
    path = Path(path).resolve()
    try:
        if not path.stat().st_mode & stat.S_IXOTH:
            return False
        return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents)
    except OSError:
        return False


def _version(python: Path) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.split()
    return int(major), int(minor)


def base_python() -> Path:
    """A Python >= 3.11 with venv that every user can run: this interpreter's base if
    it is reachable, else the system's python3.X of the same version, else python3."""
    v = sys.version_info
    candidates = [
        Path(getattr(sys, "_base_executable", sys.executable)),
        Path(f"/usr/bin/python{v.major}.{v.minor}"),
        Path("/usr/bin/python3"),
        Path("/usr/local/bin/python3"),
    ]
    for c in candidates:
        if c.exists() and world_runnable(c):
            found = _version(c)
            if found and found >= (3, 11):
                return c.resolve()
    raise EnvError(
        "找不到所有用户都能运行的 Python 3.11 或更新版本（带 venv）。"
        "Debian/Ubuntu 上运行：apt-get install python3 python3-venv，然后重试。"
    )


def env_dir(python: Path | None = None) -> Path:
    python = python or base_python()
    key = hashlib.sha256(requirements_text().encode() + str(python).encode()).hexdigest()[:10]
    ver = _version(python) or (0, 0)
    return env_root() / f"hub-env-py{ver[0]}{ver[1]}-{key}"


def ready(path: Path) -> bool:
    return (path / STAMP).exists()


def ensure_env(echo=print) -> Path:
    """The built environment's directory (built now if missing)."""
    python = base_python()
    target = env_dir(python)
    if ready(target):
        return target
    env_root().mkdir(parents=True, exist_ok=True)
    os.chmod(env_root(), 0o755)
    with open(env_root() / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build of the same pins: wait, then reuse it
        if ready(target):
            return target
        echo(f"正在准备 JupyterHub 单用户环境 {target}（每台机器、每组版本只需一次，约 1–5 分钟）……")
        shutil.rmtree(target, ignore_errors=True)
        log = env_root() / f"{target.name}.log"
        target.mkdir(parents=True)
        (target / "requirements.txt").write_text(requirements_text(), encoding="utf-8")
        with open(log, "w") as out:
            for cmd in (
                [str(python), "-m", "venv", str(target)],
                [
                    str(target / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--no-input",
                    "--disable-pip-version-check",
                    "-r",
                    str(target / "requirements.txt"),
                ],
            ):
                if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                    raise EnvError(
                        f"安装单用户环境失败（{' '.join(cmd[:3])}…），详细记录见 {log}。"
                        "请检查网络能否访问 Python 软件包源，然后重试。"
                    )
        _install_settings(target)
        _readable_by_all(target)
        (target / STAMP).write_text("ok\n")
    echo(f"✓ 单用户环境已就绪：{target}")
    return target


def _install_settings(target: Path) -> None:
    """JupyterLab in Simplified Chinese with no news or update pop-ups (as ``make lab``)."""
    settings = target / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    shutil.copy(OVERRIDES, settings / "overrides.json")


def _readable_by_all(target: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(target):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                mode = os.stat(p).st_mode
                os.chmod(p, (mode | 0o444 | (0o111 if mode & 0o100 else 0)) & ~0o022)
