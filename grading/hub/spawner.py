"""Single-user servers as the users' own Linux accounts, with a memory limit each.

``LocalProcessSpawner`` (JupyterHub's own) with three changes:

* the Linux account is the class's ``<prefix><login>``, not the login itself;
* the environment depends on the role: a student's server runs the pinned
  single-user environment with only the student side of the course on
  ``PYTHONPATH`` (``course`` without teacher material, and the data) and the
  student Jupyter config (no formgrader, no create-assignment, no course list);
  a TA's or the teacher's server also gets the repository (``grading``), the
  class workspace as its root folder, nbgrader's instructor extensions, and a
  group-writable umask so the staff share the workspace;
* every process of the server goes into the user's memory cgroup before it
  drops privileges (``grading.hub.memory``); what is left when it stops is killed.
"""

from __future__ import annotations

import os
import pwd
import resource

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Dict, Unicode, default

from .memory import UserCgroup


class CourseSpawner(LocalProcessSpawner):
    accounts = Dict(help="hub user name -> {'system': Linux account, 'role': student|ta|teacher}").tag(config=True)
    env_dir = Unicode(help="the single-user environment (grading.hub.environment)").tag(config=True)
    workspace = Unicode(help="the class workspace").tag(config=True)
    repo = Unicode(help="the course repository (staff only)").tag(config=True)
    student_side = Unicode(help="course/ and data/ for students").tag(config=True)
    config_root = Unicode(help="folder holding the student/ and staff/ Jupyter configs").tag(config=True)
    memory_mode = Unicode("cgroup", help="cgroup (per user) or rlimit (per process, weaker)").tag(config=True)

    @default("env_keep")
    def _env_keep(self):
        # nothing of the hub's own environment (its PATH and PYTHONPATH lead to the repository)
        return ["LANG", "LC_ALL", "TZ"]

    @property
    def system_name(self) -> str:
        return self.accounts[self.user.name]["system"]

    @property
    def staff(self) -> bool:
        return self.accounts[self.user.name]["role"] != "student"

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_name)
        env.update(
            USER=self.system_name,
            LOGNAME=self.system_name,
            HOME=entry.pw_dir,
            SHELL=entry.pw_shell or "/bin/bash",
            # a temporary folder of one's own: nothing shared through /tmp (jieba, for one,
            # keeps its cache there and would trip over another student's file)
            TMPDIR=os.path.join(entry.pw_dir, ".tmp"),
        )
        return env

    def get_env(self):
        env = super().get_env()
        role = "staff" if self.staff else "student"
        path = [f"{self.env_dir}/bin", "/usr/local/bin", "/usr/bin", "/bin"]
        env.setdefault("LANG", "C.UTF-8")
        env["JUPYTER_CONFIG_PATH"] = os.path.join(self.config_root, role)
        if self.staff:
            path.insert(1, os.path.join(self.config_root, role, "bin"))
            env.update(
                PYTHONPATH=self.repo,
                COURSE_DATA_DIR=os.path.join(self.repo, "datasets", "data"),
                GRADING_WORKSPACE=self.workspace,
            )
        else:
            env.update(PYTHONPATH=self.student_side, COURSE_DATA_DIR=os.path.join(self.student_side, "data"))
        env["PATH"] = os.pathsep.join(path)
        return env

    @default("cmd")
    def _cmd(self):
        return [os.path.join(self.env_dir, "bin", "jupyterhub-singleuser")]

    def cgroup(self) -> UserCgroup | None:
        if self.memory_mode != "cgroup" or not self.mem_limit:
            return None
        return UserCgroup(self.system_name, self.mem_limit)

    def make_preexec_fn(self, name):
        drop = set_user_setuid(self.system_name)
        group = self.cgroup()
        limit = int(self.mem_limit or 0)
        umask = 0o002 if self.staff else 0o077
        per_process = self.memory_mode == "rlimit" and limit > 0
        workdir = self.workspace if self.staff else None  # staff terminals open in the workspace
        tmpdir = os.path.join(pwd.getpwnam(self.system_name).pw_dir, ".tmp")

        def preexec():
            # in the child, still root: join the memory group first, so that the
            # server and everything it starts are counted and limited together
            if group is not None:
                group.add(os.getpid())
            elif per_process:
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            os.umask(umask)
            drop()
            os.makedirs(tmpdir, mode=0o700, exist_ok=True)
            if workdir:
                os.chdir(workdir)

        return preexec

    async def start(self):
        # staff work in the class workspace (formgrader needs the course folder inside the
        # server's root folder); students in their home
        self.notebook_dir = self.workspace if self.staff else "~"
        group = self.cgroup()
        if group is not None:
            group.kill_all(timeout=1)  # leftovers of an earlier server of this user
            group.create()
        return await super().start()

    async def stop(self, now=False):
        await super().stop(now=now)
        group = self.cgroup()
        if group is not None:
            group.kill_all()
