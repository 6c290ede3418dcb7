"""The JupyterHub configuration of one class, from ``<workspace>/hub/hub.json``.

``grading hub start`` writes ``hub.json`` and starts ``jupyterhub -f
grading/hub/jupyterhub_config.py``, which calls ``configure``.  Everything the
hub keeps lives in ``<workspace>/hub/state`` (database, cookie secret, proxy
token), so a restart keeps every login, and single-user servers keep running
through it (``cleanup_servers = False``): nothing a student saved or submitted
depends on the hub process.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from . import accounts as acc
from .layout import HubPaths

# what the teacher and the TAs may do in the hub itself (the grading happens in
# their own servers: formgrader and the grading command line)
TA_SCOPES = ["admin-ui", "list:users", "read:users", "read:servers", "read:users:activity"]
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
ADMIN_SCOPES = ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "read:servers", "access:servers"]


@dataclass
class HubSettings:
    workspace: str
    repo: str
    env: str
    course_id: str
    staff_group: str
    proxy: str
    ip: str = "0.0.0.0"
    port: int = 8000
    mem_limit: int = 2 * 1024**3
    idle_timeout: int = 3600
    cull_every: int = 300
    memory_mode: str = "cgroup"

    @property
    def ports(self) -> dict[str, int]:
        """public (browsers), proxy API and hub API ports: three in a row."""
        return {"public": self.port, "proxy_api": self.port + 1, "hub": self.port + 2}

    def save(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False, indent=1)

    @classmethod
    def load(cls, path: Path) -> HubSettings:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def secret(path: Path, nbytes: int = 32) -> str:
    """A secret kept in a root-only file (made once; the same after every restart)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(nbytes))
    return path.read_text().strip()


def configure(c, s: HubSettings) -> None:
    """Fill the traitlets config ``c`` of JupyterHub for the class."""
    paths = HubPaths(Path(s.workspace))
    people = acc.load(paths.accounts)
    _configure_network(c, s, paths.state)
    _configure_people(c, people)
    _configure_services(c, s, paths.state)
    _configure_spawner(c, s, paths, people)
    c.JupyterHub.template_paths = [str(Path(__file__).with_name("templates"))]


def _configure_network(c, s: HubSettings, state: Path) -> None:
    """Ports, proxy and the files the hub keeps in ``state`` (so a restart keeps every login)."""
    ports = s.ports
    c.JupyterHub.ip = s.ip
    c.JupyterHub.port = ports["public"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = ports["hub"]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{ports['proxy_api']}"
    c.ConfigurableHTTPProxy.command = [s.proxy]
    c.ConfigurableHTTPProxy.auth_token = secret(state / "proxy_token")
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = False  # a hub restart leaves every student's server running


def _configure_people(c, people: list[acc.Account]) -> None:
    """Who may log in, the teachers as admins, and the groups and roles of the class."""
    from .auth import CourseAuthenticator

    c.JupyterHub.authenticator_class = CourseAuthenticator
    c.CourseAuthenticator.system_names = {a.login: a.system for a in people}
    c.Authenticator.allowed_users = {a.login for a in people}
    c.Authenticator.admin_users = {a.login for a in people if a.role == "teacher"}
    c.JupyterHub.load_groups = {
        "students": {"users": [a.login for a in people if a.role == "student"]},
        "tas": {"users": [a.login for a in people if a.role == "ta"]},
        "teachers": {"users": [a.login for a in people if a.role == "teacher"]},
    }
    c.JupyterHub.load_roles = [
        {
            "name": "teaching-assistant",
            "description": "助教：查看班级名单与服务器状态",
            "groups": ["tas"],
            "scopes": TA_SCOPES,
        },
        {"name": "idle-culler", "services": ["idle-culler"], "scopes": CULLER_SCOPES},
        {"name": "course-admin", "services": ["course-admin"], "scopes": ADMIN_SCOPES},
    ]


def _configure_services(c, s: HubSettings, state: Path) -> None:
    """The idle culler and the token of the server's own administration."""
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={s.idle_timeout}",
                f"--cull-every={s.cull_every}",
            ],
        },
        # the server's root uses this token (root-only file) for tests, the load
        # benchmark and `grading hub status`
        {"name": "course-admin", "api_token": secret(state / "admin_token")},
    ]


def _configure_spawner(c, s: HubSettings, paths: HubPaths, people: list[acc.Account]) -> None:
    """Each user's server: their own Linux account, role, environment and memory limit."""
    from .spawner import CourseSpawner

    c.JupyterHub.spawner_class = CourseSpawner
    c.CourseSpawner.accounts = {a.login: {"system": a.system, "role": a.role} for a in people}
    c.CourseSpawner.env_dir = s.env
    c.CourseSpawner.workspace = s.workspace
    c.CourseSpawner.repo = s.repo
    c.CourseSpawner.student_side = str(paths.student_side)
    c.CourseSpawner.config_root = str(paths.role_config(False).parent)
    c.CourseSpawner.memory_mode = s.memory_mode
    c.Spawner.mem_limit = s.mem_limit
    c.Spawner.default_url = "/lab"
    # a whole class arriving at once on two cores: a server may take a while to answer
    c.Spawner.start_timeout = 180
    c.Spawner.http_timeout = 180
