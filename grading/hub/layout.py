"""Where the hub keeps things in the class workspace, and who may read what.

::

    <workspace>/                 root:ecom-staff 2771  (students may pass through, not list)
      exchange/                  nbgrader's exchange, 1777; <course>/ is group-shared by the staff
      hub/                       root:ecom-staff 0711
        state/                   root only: jupyterhub.sqlite, cookie secret, proxy token, logs
        hub.json                 the hub's settings (written by ``grading hub start``)
        accounts.json            logins, Linux accounts and roles (``grading hub users``)
        初始密码.csv             initial passwords, root only
        student/                 world-readable: course/ (student side only) and data/
        jupyter/student/         world-readable Jupyter config of students' servers
        jupyter/staff/           staff only: Jupyter/nbgrader config of TA and teacher servers
      source/ release/ submitted/ autograded/ feedback/ gradebook.db reports/ .grading/ ...
                                 root:ecom-staff, 2770 / 0660: staff read and write, students nothing

The repository itself (reference answers in ``grading/reference``, the source
notebooks, the teacher notes, ``.git``) is closed the same way:
``lock_repository`` makes its top folder ``root:ecom-staff 0750``, so nothing
below it can be reached by a student, whatever the modes further down.
"""

from __future__ import annotations

import fnmatch
import grp
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from ..workspace import REPO
from . import HubError

# nbgrader's instructor-only parts: server extensions and JupyterLab plugins
STAFF_ONLY_SERVER = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
STUDENT_SERVER = ("nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment")
STAFF_ONLY_LAB = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)


@dataclass(frozen=True)
class HubPaths:
    workspace: Path

    @property
    def hub(self) -> Path:
        return self.workspace / "hub"

    @property
    def state(self) -> Path:
        return self.hub / "state"

    @property
    def settings(self) -> Path:
        return self.hub / "hub.json"

    @property
    def accounts(self) -> Path:
        return self.hub / "accounts.json"

    @property
    def passwords(self) -> Path:
        return self.hub / "初始密码.csv"

    @property
    def student_side(self) -> Path:
        return self.hub / "student"

    def role_config(self, staff: bool) -> Path:
        return self.hub / "jupyter" / ("staff" if staff else "student")

    @property
    def exchange(self) -> Path:
        return self.workspace / "exchange"

    @property
    def log(self) -> Path:
        return self.state / "jupyterhub.log"


def _chgrp(path: Path, gid: int) -> None:
    try:
        os.chown(path, -1, gid, follow_symlinks=False)
    except OSError:
        pass


def _world_searchable_parents(path: Path) -> list[Path]:
    """Parents of ``path`` that other users cannot pass through (they must be o+x)."""
    return [p for p in Path(path).resolve().parents if not p.stat().st_mode & stat.S_IXOTH]


def check_reachable(workspace: Path) -> None:
    blocked = _world_searchable_parents(workspace)
    if blocked:
        raise HubError(
            f"学生账号无法进入班级工作区 {workspace}：上级文件夹 {blocked[0]} 不允许其他用户进入。"
            f"请把工作区放在 /srv 之类的位置（--workspace /srv/ecom-ops/班级名），或运行 chmod o+x {blocked[0]}。"
        )


def secure_workspace(paths: HubPaths, staff_group: str) -> None:
    """Apply the modes of the module docstring (idempotent; run at every hub start)."""
    gid = grp.getgrnam(staff_group).gr_gid
    ws = paths.workspace
    check_reachable(ws)
    os.chown(ws, 0, gid)
    os.chmod(ws, 0o2771)
    for entry in ws.iterdir():
        if entry.name in ("exchange", "hub"):
            continue
        _share_with_staff(entry, gid)
    _secure_exchange(paths, gid)
    _secure_hub(paths, gid)


def _share_with_staff(top: Path, gid: int) -> None:
    """Group ``gid`` reads and writes everything below ``top``; others lose access at ``top``."""
    if top.is_symlink():
        return
    _chgrp(top, gid)
    if top.is_file():
        os.chmod(top, (top.stat().st_mode | 0o660) & 0o770)
        return
    os.chmod(top, (top.stat().st_mode | 0o2770) & 0o2770)
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames:
            p = Path(dirpath, name)
            if not p.is_symlink():
                _chgrp(p, gid)
                os.chmod(p, p.stat().st_mode | 0o2770)
        for name in filenames:
            p = Path(dirpath, name)
            if not p.is_symlink():
                _chgrp(p, gid)
                os.chmod(p, p.stat().st_mode | 0o660)


def _secure_exchange(paths: HubPaths, gid: int) -> None:
    """nbgrader's exchange: root 1777; each course folder group-shared by the staff
    (nbgrader's ``groupshared`` modes: inbound 2773, outbound 2775, feedback 2771)."""
    ex = paths.exchange
    ex.mkdir(exist_ok=True)
    os.chmod(ex, 0o1777)
    modes = {"inbound": 0o2773, "outbound": 0o2775, "feedback": 0o2771}
    for course in ex.iterdir():
        if not course.is_dir() or course.is_symlink():
            continue
        _chgrp(course, gid)
        os.chmod(course, 0o2775)
        for name, mode in modes.items():
            sub = course / name
            if sub.is_dir():
                _chgrp(sub, gid)
                os.chmod(sub, mode)
        out = course / "outbound"
        if out.is_dir():
            for dirpath, dirnames, filenames in os.walk(out):
                for d in dirnames:
                    _chgrp(Path(dirpath, d), gid)
                    os.chmod(Path(dirpath, d), 0o2775)
                for f in filenames:
                    _chgrp(Path(dirpath, f), gid)
                    os.chmod(Path(dirpath, f), 0o664)


def _secure_hub(paths: HubPaths, gid: int) -> None:
    for d, group, mode in ((paths.hub, gid, 0o711), (paths.state, 0, 0o700), (paths.hub / "jupyter", 0, 0o755)):
        d.mkdir(parents=True, exist_ok=True)
        os.chown(d, 0, group)
        os.chmod(d, mode)
    for f, mode, group in ((paths.settings, 0o600, 0), (paths.passwords, 0o600, 0), (paths.accounts, 0o640, gid)):
        if f.exists():
            os.chown(f, 0, group)
            os.chmod(f, mode)
    staff = paths.role_config(True)
    staff.mkdir(parents=True, exist_ok=True)
    os.chown(staff, 0, gid)
    os.chmod(staff, 0o2750)
    for dirpath, dirnames, filenames in os.walk(staff):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            os.chown(p, 0, gid)
            os.chmod(p, 0o2750 if p.is_dir() else (0o750 if p.stat().st_mode & 0o100 else 0o640))
    for public in (paths.student_side, paths.role_config(False)):
        if public.exists():
            _readable_by_all(public)


def _readable_by_all(top: Path) -> None:
    os.chmod(top, 0o755)
    for dirpath, dirnames, filenames in os.walk(top):
        for d in dirnames:
            os.chmod(Path(dirpath, d), 0o755)
        for f in filenames:
            os.chmod(Path(dirpath, f), 0o644)


def lock_repository(staff_group: str, repo: Path = REPO) -> bool:
    """Close the repository to everyone but root and the staff group; True if changed."""
    gid = grp.getgrnam(staff_group).gr_gid
    st = repo.stat()
    if st.st_gid == gid and st.st_mode & 0o007 == 0 and st.st_mode & 0o050 == 0o050:
        return False
    os.chown(repo, st.st_uid, gid)
    os.chmod(repo, (st.st_mode & 0o700) | 0o050)
    return True


# -- what each role's server sees ------------------------------------------------------


def data_dir() -> Path:
    return Path(os.environ.get("COURSE_DATA_DIR") or REPO / "datasets" / "data")


def install_student_side(paths: HubPaths) -> Path:
    """Copy the student side into ``hub/student``: the ``course`` package as students
    receive it (``grading.package.copy_course``: no teacher material) and the shop
    data.  Fresh at every start, so edits to ``course/`` or the settings reach
    students at the next restart."""
    from ..package import JUNK, copy_course

    dest = paths.student_side
    tmp = dest.with_name(dest.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    copy_course(tmp)
    shutil.copytree(
        data_dir(),
        tmp / "data",
        symlinks=False,
        ignore=lambda _d, names: [n for n in names if any(fnmatch.fnmatch(n, p) for p in JUNK)],
    )
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
    _readable_by_all(dest)
    return dest


def write_role_configs(
    paths: HubPaths, course_id: str, exchange: Path | None = None, repo: Path = REPO, workspace: Path | None = None
) -> None:
    """Jupyter server, JupyterLab and nbgrader configuration of each role's servers
    (``exchange``/``repo``/``workspace``: where they are seen from the servers, when not
    where this machine has them -- the Kubernetes image)."""
    exchange = exchange or paths.exchange
    workspace = workspace or paths.workspace
    page = {"buildCheck": False, "buildAvailable": False}
    # extension manager read-only: nobody installs JupyterLab extensions from the page;
    # window.jupyterapp exposed: the page is the user's own, and browser tests drive it
    # terminals: an interactive, non-login bash (a login shell's /etc/profile would reset
    # PATH, and the TAs' `grading` command and the pinned environment would be gone)
    server = {
        "LabApp": {"extension_manager": "readonly", "expose_app_in_browser": True},
        "ServerApp": {"terminado_settings": {"shell_command": ["/bin/bash", "-i"]}},
    }
    for staff in (False, True):
        d = paths.role_config(staff)
        (d / "labconfig").mkdir(parents=True, exist_ok=True)
        extensions = {e: True for e in STUDENT_SERVER}
        extensions.update({e: staff for e in STAFF_ONLY_SERVER})
        _dump(
            d / "jupyter_server_config.json",
            {**server, "ServerApp": {**server["ServerApp"], "jpserver_extensions": extensions}},
        )
        lab_page = dict(page)
        if not staff:
            lab_page["disabledExtensions"] = {e: True for e in STAFF_ONLY_LAB}
        _dump(d / "labconfig" / "page_config.json", lab_page)
    _dump(
        paths.role_config(False) / "nbgrader_config.json",
        {
            "CourseDirectory": {"course_id": course_id},
            "Exchange": {"root": str(exchange), "path_includes_course": True},
        },
    )
    (paths.role_config(True) / "nbgrader_config.py").write_text(
        "# nbgrader in TA and teacher servers: the class workspace's configuration\n"
        "import sys\n"
        f"sys.path.insert(0, {str(repo)!r})\n"
        "from grading.config import apply\n"
        f"apply(get_config(), workspace={str(workspace)!r})  # noqa: F821\n",
        encoding="utf-8",
    )
    bindir = paths.role_config(True) / "bin"
    bindir.mkdir(exist_ok=True)
    (bindir / "grading").write_text(
        '#!/bin/sh\n# the TA command line, as documented in grading/README.md\nexec python -m grading "$@"\n',
        encoding="utf-8",
    )
    os.chmod(bindir / "grading", 0o750)


def _dump(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
