"""A real class hub on loopback for the tests and the load benchmark.

``ClassHub`` makes a class workspace under ``/tmp/ecomhub-*`` with a small
roster, creates the Linux accounts with a prefix of its own (``t1a2b-``...),
releases module 1, and runs ``grading hub start`` (the same command as
``make hub``) on three free loopback ports.  ``cleanup()`` stops the hub,
ends every process of its accounts, deletes the accounts and their homes and
the workspace: always called by the fixtures, also after a failure.

Needs root (Linux accounts, PAM, setuid spawning), useradd/chpasswd/runuser,
Node.js and npm; ``why_no_hub()`` says what is missing.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from grading.hub import accounts as acc  # noqa: E402
from grading.hub.server import port_free, stop_user_processes  # noqa: E402

START_TIMEOUT = 600  # the first start on a machine builds the single-user environment
SPAWN_TIMEOUT = 180


def why_no_hub() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the class hub runs on Linux only"
    if os.geteuid() != 0:
        return "the class hub tests need root (Linux accounts, PAM, spawning as each user); CI runs as root"
    for tool in ("useradd", "userdel", "chpasswd", "runuser", "node", "npm"):
        if not shutil.which(tool):
            return f"{tool} is missing (Debian: passwd, util-linux, nodejs/npm)"
    if not Path("/etc/pam.d/login").exists():
        return "PAM service 'login' is missing (/etc/pam.d/login; Debian package login)"
    return None


PORT_ATTEMPTS = 4


def ephemeral_ports() -> range:
    """The kernel's range for port-0 binds (Linux default 32768-60999)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_base_port() -> int:
    """A port P with P, P+1, P+2 free on loopback, outside the ephemeral range.

    Kernels, JupyterLab and the hub's single-user servers bind port 0, which the
    OS serves from the ephemeral range; a probed port there can be taken before
    the hub binds it (CI: "端口 … 已被其他程序占用").
    """
    busy = ephemeral_ports()
    for _ in range(200):
        p = random.randrange(20000, 32000)
        if not any(p + i in busy for i in range(3)) and all(port_free(p + i) for i in range(3)):
            return p
    raise RuntimeError("no three free ports in a row on 127.0.0.1")


def run_grading(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [str(BIN / "python"), "-m", "grading", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=900
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"grading {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


class PortTaken(Exception):
    """``grading hub start`` refused: a port was taken between our probe and its start."""


class ClassHub:
    def __init__(
        self,
        students=("张三", "李四"),
        mem_limit: str = "1G",
        idle_timeout: int = 3600,
        cull_every: int = 300,
        modules=("module1_listing",),
    ):
        self.root = Path(tempfile.mkdtemp(prefix="ecomhub-", dir="/tmp"))
        os.chmod(self.root, 0o711)  # students pass through to the workspace's exchange
        self.workspace = self.root / "ws"
        self.prefix = f"t{random.randrange(16**4):04x}-"
        # students' Linux accounts are their 学号: numbers of this run, never a real account
        first = random.randrange(10**6, 10**7) * 100
        self.students = [(str(first + i + 1), name) for i, name in enumerate(students)]
        self.mem_limit, self.idle_timeout, self.cull_every = mem_limit, idle_timeout, cull_every
        self.modules = modules
        self.port = free_base_port()
        self.proc: subprocess.Popen | None = None
        self.out_path = self.root / "hub-start.out"
        self.accounts: list[acc.Account] = []
        self._tokens: dict[str, str] = {}

    # -- set-up ---------------------------------------------------------------------------
    def setup(self) -> ClassHub:
        roster = self.root / "名单.csv"
        with open(roster, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["学号", "姓名"])
            w.writerows(self.students)
        run_grading("init", "--roster", str(roster), "--workspace", str(self.workspace))
        run_grading("hub", "users", "--workspace", str(self.workspace), "--prefix", self.prefix)
        self.accounts = acc.load(self.workspace / "hub" / "accounts.json")
        if self.modules:
            run_grading("release", *self.modules, "--no-zip", "--workspace", str(self.workspace))
        return self

    @property
    def base(self) -> str:
        """The hub's address (follows ``port`` when a start moves to other ports)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> ClassHub:
        """Start ``grading hub start``; on a new port if another process took one first."""
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                return self._start_once(timeout)
            except PortTaken as taken:
                if attempt == PORT_ATTEMPTS:
                    raise AssertionError(f"the hub found its ports taken {PORT_ATTEMPTS} times:\n{taken}") from None
                print(f"hub ports from {self.port} taken before the start (attempt {attempt}); trying others")
                self.port = free_base_port()
        raise AssertionError("unreachable")

    def _start_once(self, timeout: float) -> ClassHub:
        cmd = [
            str(BIN / "python"),
            "-m",
            "grading",
            "hub",
            "start",
            "--workspace",
            str(self.workspace),
            "--port",
            str(self.port),
            "--ip",
            "127.0.0.1",
            "--mem-limit",
            self.mem_limit,
            "--idle-timeout",
            str(self.idle_timeout),
            "--cull-every",
            str(self.cull_every),
        ]
        seen = len(self.output())
        out = open(self.out_path, "ab")
        self.proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        out.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if "班级服务器已启动" in self.output()[seen:]:
                return self
            if self.proc.poll() is not None:
                said = self.output()[seen:]
                if "已被其他程序占用" in said:
                    raise PortTaken(said[-2000:])
                raise AssertionError(f"grading hub start exited ({self.proc.returncode}):\n{self.output()[-4000:]}")
            time.sleep(0.3)
        raise AssertionError(f"the hub did not start in {timeout:.0f}s:\n{self.output()[-4000:]}")

    def output(self) -> str:
        try:
            return self.out_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log(self) -> str:
        try:
            return (self.workspace / "hub" / "state" / "jupyterhub.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 60) -> None:
        """Ctrl+C for ``grading hub start`` (it stops JupyterHub and its proxy)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        pid_file = self.workspace / "hub" / "state" / "jupyterhub.pid"
        with contextlib.suppress(Exception):  # a hub left by a start that failed half-way
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        proxy_pid = self.workspace / "hub" / "state" / "proxy.pid"
        with contextlib.suppress(Exception):
            os.kill(int(proxy_pid.read_text()), signal.SIGKILL)
        if self.accounts:
            stop_user_processes(self.accounts, timeout=5)
            acc.remove_system_users(self.accounts)
        from grading.hub.memory import remove_parent

        remove_parent()  # only when no other hub's group is left in it
        shutil.rmtree(self.root, ignore_errors=True)

    # -- people ------------------------------------------------------------------------------
    def account(self, login: str) -> acc.Account:
        return next(a for a in self.accounts if a.login == login)

    def password(self, login: str) -> str:
        with open(self.workspace / "hub" / "初始密码.csv", encoding="utf-8-sig", newline="") as fh:
            return next(r["初始密码"] for r in csv.DictReader(fh) if r["登录名"] == login)

    @property
    def admin_token(self) -> str:
        return (self.workspace / "hub" / "state" / "admin_token").read_text().strip()

    def api(self, method: str, path: str, **kw) -> requests.Response:
        """The hub's REST API with the course-admin service's token (root-only file)."""
        return requests.request(
            method,
            f"{self.base}/hub/api{path}",
            headers={"Authorization": f"token {self.admin_token}"},
            timeout=30,
            **kw,
        )

    def user_token(self, login: str) -> str:
        if login not in self._tokens:
            r = self.api("POST", f"/users/{login}/tokens", json={"expires_in": 7200, "note": "tests"})
            r.raise_for_status()
            self._tokens[login] = r.json()["token"]
        return self._tokens[login]

    def user_api(self, login: str, method: str, path: str, **kw) -> requests.Response:
        """The user's own single-user server, with the user's token."""
        return requests.request(
            method,
            f"{self.base}/user/{login}{path}",
            timeout=30,
            headers={"Authorization": f"token {self.user_token(login)}"},
            **kw,
        )

    def server(self, login: str) -> dict:
        return self.api("GET", f"/users/{login}").json().get("servers", {}).get("", {})

    def spawn(self, login: str, timeout: float = SPAWN_TIMEOUT) -> dict:
        r = self.api("POST", f"/users/{login}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        return self.wait_ready(login, timeout)

    def wait_ready(self, login: str, timeout: float = SPAWN_TIMEOUT) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.server(login)
            if s.get("ready"):
                return s
            time.sleep(0.3)
        raise AssertionError(f"server of {login} not ready after {timeout:.0f}s:\n{self.log()[-3000:]}")

    def server_pid(self, login: str) -> int:
        import psutil

        uid = int(subprocess.check_output(["id", "-u", self.account(login).system]).decode())
        found = [
            p
            for p in psutil.process_iter(["uids", "cmdline"])
            if p.info["uids"]
            and p.info["uids"].real == uid
            and p.info["cmdline"]
            and any("jupyterhub-singleuser" in c for c in p.info["cmdline"])
        ]
        assert len(found) == 1, f"{login}: {len(found)} single-user servers running"
        return found[0].pid

    def login(self, login: str, password: str | None = None) -> requests.Session:
        """A browser-like session: the login form, then the hub's redirects to the user's server."""
        s = requests.Session()
        s.get(f"{self.base}/hub/login", timeout=30)
        r = s.post(
            f"{self.base}/hub/login?next=",
            timeout=60,
            allow_redirects=False,
            data={
                "username": login,
                "password": password if password is not None else self.password(login),
                "_xsrf": s.cookies.get("_xsrf", ""),
            },
        )
        s.login_status = r.status_code  # 302 on success, 403 on a wrong password
        return s

    def as_user(self, login: str, *cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """A command as the user's Linux account, with the environment their server has."""
        return subprocess.run(
            ["runuser", "-u", self.account(login).system, "--", *cmd], capture_output=True, text=True, timeout=timeout
        )
