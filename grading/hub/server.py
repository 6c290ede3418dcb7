"""``grading hub start``: check, prepare and run the class's JupyterHub.

Before anything starts: root, the roster's accounts, three free ports (a
Chinese message names a busy one and how to choose another), no other hub on
this workspace.  Then the proxy (npm) and the single-user environment are
made if missing, the student side of the course is copied, the workspace and
the repository are closed to students, and JupyterHub runs in the foreground
until Ctrl+C, its log in ``<workspace>/hub/state/jupyterhub.log``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import HubError, memory
from . import accounts as acc
from .environment import ensure_env
from .hubconfig import HubSettings, secret
from .layout import HubPaths, install_student_side, lock_repository, secure_workspace, write_role_configs
from .proxy import ensure_proxy

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "jupyterhub_config.py"
START_TIMEOUT = 120


# -- checks ------------------------------------------------------------------------------


def require_root() -> None:
    if os.geteuid() != 0:
        raise HubError(
            "班级服务器要以 root 身份运行（它为每个学生用各自的系统账号启动 JupyterLab）："
            "请用 sudo make hub（或 sudo .venv/bin/grading hub start）。"
        )


def port_free(port: int, ip: str = "127.0.0.1") -> bool:
    """Can a server listen on ``ip:port`` now?  (SO_REUSEADDR: a closed connection
    still in TIME_WAIT does not count as busy, as for the real servers.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
            return True
        except OSError:
            return False


def _all_free(base: int, ip: str) -> bool:
    return port_free(base, ip) and port_free(base + 1) and port_free(base + 2)


def suggest_port(base: int, ip: str) -> int:
    for candidate in range(base + 10, base + 1000, 10):
        if candidate + 2 < 65536 and _all_free(candidate, ip):
            return candidate
    return base + 10


def port_message(busy: int, base: int, ip: str) -> str:
    other = suggest_port(base, ip)
    return (
        f"端口 {busy} 已被其他程序占用（班级服务器使用 {base}、{base + 1}、{base + 2} 三个相邻端口：网页、代理接口、Hub 接口）。\n"
        f"请换一个端口再启动，例如 {other}：\n"
        f"  make hub HUB_PORT={other}\n"
        f"  （或 grading hub start --port {other}；会使用 {other}–{other + 2}）\n"
        f"查看是哪个程序占用了端口：ss -ltnp | grep ':{busy} '"
    )


def check_ports(s: HubSettings) -> None:
    for name, port in s.ports.items():
        if not port_free(port, s.ip if name == "public" else "127.0.0.1"):
            raise HubError(port_message(port, s.port, s.ip))


def running_pid(paths: HubPaths) -> int | None:
    """The pid of a JupyterHub already running for this workspace, if any."""
    try:
        pid = int((paths.state / "jupyterhub.pid").read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"jupyterhub" in cmdline else None


# -- prepare and run -----------------------------------------------------------------------


def prepare(
    workspace: Path,
    port: int = 8000,
    ip: str = "0.0.0.0",
    mem_limit="2G",
    idle_timeout: int = 3600,
    cull_every: int = 300,
    staff_group: str = acc.STAFF_GROUP,
    echo=print,
) -> HubSettings:
    """Everything before JupyterHub starts; returns the settings written to ``hub.json``."""
    require_root()
    from ..workspace import Workspace

    ws = Workspace.open(workspace)
    paths = HubPaths(ws.root)
    check_accounts(paths)
    check_not_running(paths)
    why = memory.available()  # None when per-user cgroups work
    s = _settings(
        ws.root,
        ip=ip,
        port=port,
        mem_limit=mem_limit,
        idle_timeout=idle_timeout,
        cull_every=cull_every,
        staff_group=staff_group,
        memory_mode="cgroup" if why is None else "rlimit",
    )
    check_ports(s)
    if why:
        echo(f"⚠ {why}：内存上限改为按进程限制（RLIMIT_AS，每个进程各 {memory.fmt_size(s.mem_limit)}，不是每人合计）。")
    _install(paths, s, echo)
    return s


def check_accounts(paths: HubPaths) -> None:
    """The class has hub accounts, and each has its Linux account."""
    people = acc.load(paths.accounts)
    if not people:
        raise HubError(
            f"工作区 {paths.workspace} 还没有班级服务器账号：先运行 grading init --roster 名单.xlsx，"
            "再运行 grading hub users（make hub 会自动完成这两步）。"
        )
    missing = [a.system for a in people if not acc.system_user_exists(a.system)]
    if missing:
        raise HubError(f"{len(missing)} 个系统账号不存在（如 {missing[0]}）：请先运行 grading hub users。")


def check_not_running(paths: HubPaths) -> None:
    """No other hub runs for this workspace (it would hold the same ports, state and pid files)."""
    pid = running_pid(paths)
    if pid:
        raise HubError(
            f"这个班级的服务器已经在运行（进程 {pid}）。要重启，请先在它的终端按 Ctrl+C，或运行 kill {pid}。"
        )


def _settings(root: Path, *, ip, port, mem_limit, idle_timeout, cull_every, staff_group, memory_mode) -> HubSettings:
    """The hub's settings from the command line's options; proxy and env are filled in by ``_install``."""
    from course import settings as course_settings

    from ..workspace import REPO

    return HubSettings(
        workspace=str(root),
        repo=str(REPO),
        env="",
        course_id=course_settings.load()["course"]["course_id"],
        staff_group=staff_group,
        proxy="",
        ip=ip,
        port=int(port),
        mem_limit=memory.parse_size(mem_limit),
        idle_timeout=int(idle_timeout),
        cull_every=int(cull_every),
        memory_mode=memory_mode,
    )


def _install(paths: HubPaths, s: HubSettings, echo) -> None:
    """Proxy, environment, student side, ``hub.json`` and secrets; then close workspace and repository."""
    from ..workspace import REPO

    s.proxy = str(ensure_proxy(echo))
    s.env = str(ensure_env(echo))
    install_student_side(paths)
    write_role_configs(paths, s.course_id)
    paths.state.mkdir(parents=True, exist_ok=True)
    s.save(paths.settings)
    for name in ("proxy_token", "admin_token"):
        secret(paths.state / name)
    secure_workspace(paths, s.staff_group)
    if lock_repository(s.staff_group, REPO):
        echo(f"✓ 为保护参考答案和源笔记本，仓库 {REPO} 已设为只有 root 和 {s.staff_group} 组（教师、助教）能进入。")


def launch(s: HubSettings, log: Path) -> subprocess.Popen:
    env = dict(os.environ, ECOM_HUB_SETTINGS=str(HubPaths(Path(s.workspace)).settings))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    out = open(log, "ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=HubPaths(Path(s.workspace)).state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        out.close()


def wait_ready(proc: subprocess.Popen, s: HubSettings, log: Path, timeout: float = START_TIMEOUT) -> None:
    url = f"http://127.0.0.1:{s.port}/hub/health"
    size = log.stat().st_size if log.exists() else 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise HubError(explain_exit(log, size, s))
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    raise HubError(f"JupyterHub 在 {timeout:.0f} 秒内没有就绪，请查看日志 {log}。")


def explain_exit(log: Path, since: int, s: HubSettings) -> str:
    try:
        with open(log, "rb") as fh:
            fh.seek(since)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    if "already in use" in text or "EADDRINUSE" in text:
        busy = next((p for p in s.ports.values() if f":{p}" in text or f" {p}" in text), s.port)
        return port_message(busy, s.port, s.ip)
    return f"JupyterHub 启动失败，日志最后几行（完整日志：{log}）：\n{text[-2500:]}"


def banner(s: HubSettings) -> str:
    paths = HubPaths(Path(s.workspace))
    people = acc.load(paths.accounts)
    staff = "、".join(f"{a.login}（{a.name}）" for a in people if a.staff)
    host = socket.gethostname()
    culled = (
        f"空闲 {s.idle_timeout // 60} 分钟的服务器自动关闭"
        if s.idle_timeout >= 60
        else f"空闲 {s.idle_timeout} 秒的服务器自动关闭"
    )
    limit = "cgroup，超出时由系统内核结束该用户的进程" if s.memory_mode == "cgroup" else "按进程 RLIMIT_AS"
    return "\n".join(
        [
            f"✓ 班级服务器已启动：http://127.0.0.1:{s.port}/ （本机）  http://{host}:{s.port}/ （教室里的其他电脑）",
            f"  学生：用户名是学号；教师和助教：{staff}",
            f"  初始密码：{paths.passwords}（只有 root 能读；登录后可在终端运行 passwd 修改）",
            f"  每人内存上限 {memory.fmt_size(s.mem_limit)}（{limit}）；{culled}",
            f"  班级工作区：{s.workspace}；日志：{paths.log}",
            "  停止：按 Ctrl+C（学生已保存的内容、提交和成绩都在工作区里，重启后不会丢失）",
        ]
    )


def run(s: HubSettings, echo=print) -> int:
    """Start JupyterHub, print how to log in, and wait until Ctrl+C or the hub exits."""
    log = HubPaths(Path(s.workspace)).log
    proc = launch(s, log)
    stop = {"asked": False}

    def on_signal(signum, _frame):
        stop["asked"] = True
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        wait_ready(proc, s, log)
        echo(banner(s))
        sys.stdout.flush()
        rc = proc.wait()
    except HubError:
        if proc.poll() is None:
            proc.terminate()
        raise
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    if stop["asked"]:
        echo("班级服务器已停止（学生的服务器仍在运行，下次启动时自动接上；空闲的会被自动关闭）。")
        return 0
    raise HubError(explain_exit(log, 0, s) if rc else "JupyterHub 已退出。")


def stop_user_processes(people: list[acc.Account], timeout: float = 10) -> int:
    """SIGTERM, then SIGKILL, every process of the class's accounts; their memory groups removed."""
    import psutil

    uids = {}
    for a in people:
        try:
            import pwd

            uids[pwd.getpwnam(a.system).pw_uid] = a.system
        except KeyError:
            continue
    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
    for p in procs:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)
    if memory.available() is None:
        for name in uids.values():
            memory.UserCgroup(name, 0).kill_all(timeout=1)
    return len(procs)
