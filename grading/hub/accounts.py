"""Hub accounts from the class roster: students, TAs and the teacher.

Each person has a JupyterHub login and a Linux account.  A student logs in
with the 学号, and the Linux account *is* the 学号: nbgrader names a submission
after the Linux account that made it (and its collect step checks the owner of
the submitted folder against that name), so the 学号 of the roster, the
gradebook's student id and the owner of the files are one and the same, and no
student can submit in another's name.  A student on two classes of one server
keeps one account.  Students are in the group ``ecom-students`` (an existing
Linux account of the same name that is not in it is refused).

The teacher logs in as ``teacher`` and the TAs as ``ta1``, ``ta2``... (in the
order of ``course.teaching_assistants``, then any other 助教 of the roster);
their Linux accounts carry a prefix (default ``ecom-``) so they never collide
with the server's own accounts, and they are in the staff group ``ecom-staff``.

>>> [a.login for a in build([], ["助教A", "助教B"], "王老师", "c1-")]
['teacher', 'ta1', 'ta2']
>>> build([], ["助教A"], "王老师", "c1-")[1].system
'c1-ta1'
"""

from __future__ import annotations

import csv
import grp
import json
import os
import pwd
import re
import secrets
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from . import HubError

ROLE_ZH = {"student": "学生", "ta": "助教", "teacher": "教师"}
LINUX_NAME = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,31}$")
PREFIX = re.compile(r"^[a-z][a-z0-9_-]{0,11}$")
DEFAULT_PREFIX = "ecom-"
STAFF_GROUP = "ecom-staff"
STUDENT_GROUP = "ecom-students"
# no 0/O, 1/l/I: passwords are read off a printed sheet
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class AccountError(HubError):
    """Accounts that cannot be made; the message says in Chinese what to fix."""


@dataclass(frozen=True)
class Account:
    login: str  # JupyterHub user name
    system: str  # Linux account
    role: str  # student | ta | teacher
    name: str  # 姓名, or the TA's / teacher's name from the settings

    @property
    def staff(self) -> bool:
        return self.role != "student"


def build(students, tas: list[str], lecturer: str, prefix: str = DEFAULT_PREFIX) -> list[Account]:
    """Accounts for a roster (``grading.roster.Student``) and the course's staff."""
    staff_names = list(dict.fromkeys([t for t in tas if t] + sorted({s.ta for s in students if s.ta} - set(tas))))
    out = [Account("teacher", prefix + "teacher", "teacher", lecturer or "教师")]
    out += [Account(f"ta{i}", f"{prefix}ta{i}", "ta", n) for i, n in enumerate(staff_names, start=1)]
    out += [Account(s.id, s.id, "student", s.name) for s in students]
    return out


def problems(students, prefix: str = DEFAULT_PREFIX, staff_logins: tuple[str, ...] = ()) -> list[str]:
    """Why some roster rows cannot become hub accounts (Chinese, naming the 学号)."""
    out = []
    if not PREFIX.match(prefix):
        out.append(f"账号前缀「{prefix}」只能用小写字母开头，后面是小写字母、数字、短横线或下划线，最多 12 个字符。")
        return out
    for s in students:
        if s.id != s.id.lower():
            out.append(
                f"学号 {s.id} 含大写字母：JupyterHub 登录名不区分大小写，会变成 {s.id.lower()}，与成绩库对不上。"
                f"请在名单中改为 {s.id.lower()} 后重新运行 grading init --roster。"
            )
        elif not LINUX_NAME.match(s.id):
            out.append(f"学号 {s.id} 超过 32 个字符或以短横线开头，不能作为 Linux 账号：请在名单中修改。")
        elif s.id in staff_logins:
            out.append(f"学号 {s.id} 与教师/助教的登录名相同，请在名单中修改。")
    return out


def save(accounts: list[Account], path: Path) -> None:
    path.write_text(json.dumps([asdict(a) for a in accounts], ensure_ascii=False, indent=1), encoding="utf-8")


def load(path: Path) -> list[Account]:
    if not path.exists():
        return []
    return [Account(**a) for a in json.loads(path.read_text(encoding="utf-8"))]


# -- Linux accounts ------------------------------------------------------------------------


def system_user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _run(cmd: list[str], stdin: str | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AccountError(f"命令 {' '.join(cmd[:2])} 失败：{(proc.stderr or proc.stdout).strip()[:500]}")


def new_password(length: int = 10) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _groups_of(user: str) -> set[str]:
    entry = pwd.getpwnam(user)
    return {g.gr_name for g in grp.getgrall() if user in g.gr_mem} | {grp.getgrgid(entry.pw_gid).gr_name}


def foreign_accounts(accounts: list[Account], staff_group: str = STAFF_GROUP) -> list[str]:
    """Existing Linux accounts with a roster name that this course did not make (refused)."""
    out = []
    for a in accounts:
        group = staff_group if a.staff else STUDENT_GROUP
        if system_user_exists(a.system) and group not in _groups_of(a.system):
            out.append(a.system)
    return out


def _badname_flag() -> list[str]:
    """useradd of shadow >= 4.15 refuses all-digit names unless told (a 学号 is all digits)."""
    out = subprocess.run(["useradd", "--help"], capture_output=True, text=True).stdout
    return ["--badname"] if "--badname" in out else []


def ensure_system_users(
    accounts: list[Account],
    staff_group: str = STAFF_GROUP,
    home_root: Path = Path("/home"),
    reset: set[str] | frozenset = frozenset(),
) -> dict[str, str]:
    """Create the missing Linux accounts (private group, home 0700; students in
    ``ecom-students``, staff in ``staff_group``).

    Returns ``{login: new password}`` for the accounts created now or named in
    ``reset``; existing accounts keep their passwords.
    """
    if os.geteuid() != 0:
        raise AccountError(
            "创建系统账号需要 root 权限：请用 sudo 运行（sudo make hub 或 sudo .venv/bin/grading hub users）。"
        )
    for group in (staff_group, STUDENT_GROUP):
        if not _group_exists(group):
            _run(["groupadd", group])
    foreign = foreign_accounts(accounts, staff_group)
    if foreign:
        raise AccountError(
            f"服务器上已有同名的系统账号，但不是本课程创建的：{'、'.join(foreign[:10])}。"
            "为安全起见不会使用它们：请确认这些学号，或先用 userdel 删除这些账号。"
        )
    badname = _badname_flag()
    passwords: dict[str, str] = {}
    for a in accounts:
        group = staff_group if a.staff else STUDENT_GROUP
        if not system_user_exists(a.system):
            cmd = [
                "useradd",
                "--create-home",
                "--home-dir",
                str(Path(home_root) / a.system),
                "--shell",
                "/bin/bash",
                "--user-group",
                "--groups",
                group,
                "--comment",
                a.name.replace(":", " "),
            ]
            _run(cmd + (badname if a.system.isdigit() else []) + [a.system])
            passwords[a.login] = new_password()
        elif a.login in reset:
            passwords[a.login] = new_password()
        home = Path(pwd.getpwnam(a.system).pw_dir)
        if home.is_dir():
            os.chmod(home, 0o700)  # useradd follows the umask (often 0755): others must not read it
    by_login = {a.login: a for a in accounts}
    if passwords:
        _run(["chpasswd"], "".join(f"{by_login[k].system}:{v}\n" for k, v in passwords.items()))
    return passwords


def write_password_sheet(accounts: list[Account], passwords: dict[str, str], path: Path) -> None:
    """登录名/姓名/角色/初始密码 (UTF-8 with BOM, root only); earlier passwords are kept."""
    old: dict[str, str] = {}
    if path.exists():
        with open(path, encoding="utf-8-sig", newline="") as fh:
            old = {r["登录名"]: r["初始密码"] for r in csv.DictReader(fh)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["登录名", "姓名", "角色", "初始密码", "系统账号"])
        for a in accounts:
            w.writerow(
                [a.login, a.name, ROLE_ZH[a.role], passwords.get(a.login, old.get(a.login, "（沿用原密码）")), a.system]
            )
    os.chmod(path, 0o600)


def remove_system_users(accounts: list[Account]) -> None:
    """Delete the Linux accounts and their homes (used by the tests' clean-up)."""
    for a in accounts:
        if system_user_exists(a.system):
            subprocess.run(["userdel", "--remove", "--force", a.system], capture_output=True)
