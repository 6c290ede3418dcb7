"""``grading hub ...``: the class's JupyterHub, one command per step.

    grading hub users  [--prefix ecom-] [--reset-password LOGIN]   Linux accounts from the roster
    grading hub start  [--port 8000] [--mem-limit 2G] [--idle-timeout 3600]   run the hub (Ctrl+C stops)
    grading hub up     [--roster 名单.xlsx]     what ``make hub`` runs: roster (or a demo class),
                                                accounts, release (demo), start
    grading hub stop-servers                    end every user's server of this class

All take ``--workspace DIR`` (default for the hub: /srv/ecom-ops/<course_id>,
or /srv/ecom-ops/demo for the demo class).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import accounts as acc
from .layout import HubPaths

DEMO_STUDENTS = 6


def default_workspace(demo: bool) -> Path:
    from course import settings

    return Path("/srv/ecom-ops") / ("demo" if demo else settings.load()["course"]["course_id"])


def add_parser(sub) -> None:
    p = sub.add_parser("hub", help="班级 JupyterHub 服务器（账号、启动）")
    hub = p.add_subparsers(dest="hub_cmd", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", help="班级工作区（默认 /srv/ecom-ops/<课程编号>）")
    users = argparse.ArgumentParser(add_help=False)
    users.add_argument("--prefix", default=None, help="教师、助教系统账号的前缀（默认 ecom-；学生的系统账号就是学号）")
    users.add_argument("--staff-group", default=acc.STAFF_GROUP, help="教师与助教的系统组（默认 ecom-staff）")
    start = argparse.ArgumentParser(add_help=False)
    start.add_argument("--port", type=int, default=8000, help="网页端口（默认 8000；还会用到后面两个端口）")
    start.add_argument("--ip", default="0.0.0.0", help="监听地址（默认 0.0.0.0：教室里的电脑都能访问）")
    start.add_argument("--mem-limit", default="2G", help="每人内存上限（默认 2G）")
    start.add_argument("--idle-timeout", type=int, default=3600, help="空闲多少秒后关闭学生服务器（默认 3600）")
    start.add_argument("--cull-every", type=int, default=300, help="多久检查一次空闲服务器（秒，默认 300）")

    q = hub.add_parser("users", parents=[common, users], help="按名单创建学生、助教、教师的系统账号和初始密码")
    q.add_argument("--reset-password", action="append", default=[], metavar="登录名", help="重设这个人的密码（可重复）")
    q.set_defaults(fn=cmd_users)
    q = hub.add_parser("start", parents=[common, start], help="启动班级服务器（前台运行，Ctrl+C 停止）")
    q.add_argument("--staff-group", default=acc.STAFF_GROUP)
    q.set_defaults(fn=cmd_start)
    q = hub.add_parser("up", parents=[common, users, start], help="make hub：名单（或演示班级）→ 账号 → 启动")
    q.add_argument("--roster", help="名单 CSV 或 Excel；不给且工作区没有名单时用演示班级")
    q.set_defaults(fn=cmd_up)
    q = hub.add_parser("stop-servers", parents=[common], help="结束本班所有人的 JupyterLab 服务器")
    q.set_defaults(fn=cmd_stop_servers)


def _workspace(args, demo: bool = False) -> Path:
    return Path(args.workspace) if args.workspace else default_workspace(demo)


def make_accounts(workspace: Path, prefix: str | None, staff_group: str, reset=(), echo=print) -> list[acc.Account]:
    """Accounts for the workspace's roster; Linux accounts created; password sheet written."""
    from course import settings

    from ..roster import RosterError, load
    from ..workspace import Workspace

    ws = Workspace.open(workspace)
    paths = HubPaths(ws.root)
    students = load(ws)
    if not students:
        raise RosterError(
            f"工作区 {ws.root} 还没有名单：先运行 grading init --roster 名单.xlsx --workspace {ws.root}。"
        )
    old = acc.load(paths.accounts)
    if prefix is None:  # keep the class's prefix once chosen
        prefix = next(
            (a.system[: -len(a.login)] for a in old if a.staff and a.system.endswith(a.login)), acc.DEFAULT_PREFIX
        )
    cfg = settings.load()["course"]
    people = acc.build(students, cfg["teaching_assistants"], cfg["lecturer"], prefix)
    bad = acc.problems(students, prefix, tuple(a.login for a in people if a.staff))
    if bad:
        raise RosterError("名单中有学号不能用作班级服务器的登录名：\n  " + "\n  ".join(bad))
    gone = sorted({a.login for a in old} - {a.login for a in people})
    passwords = acc.ensure_system_users(people, staff_group, reset=set(reset))
    paths.hub.mkdir(parents=True, exist_ok=True)
    acc.save(people, paths.accounts)
    acc.write_password_sheet(people, passwords, paths.passwords)
    echo(
        f"✓ 班级服务器账号 {len(people)} 个（学生 {sum(not a.staff for a in people)}，教师与助教 "
        f"{sum(a.staff for a in people)}），新建或重设密码 {len(passwords)} 个 → {paths.passwords}（只有 root 能读）"
    )
    if gone:
        echo(f"  名单上已没有：{'、'.join(gone)}——他们不能再登录；系统账号和文件保留（需要时用 userdel 删除）。")
    return people


def cmd_users(args) -> int:
    make_accounts(_workspace(args), args.prefix, args.staff_group, args.reset_password)
    return 0


def _start(args, workspace: Path) -> int:
    from .server import prepare, run

    s = prepare(
        workspace,
        port=args.port,
        ip=args.ip,
        mem_limit=args.mem_limit,
        idle_timeout=args.idle_timeout,
        cull_every=args.cull_every,
        staff_group=args.staff_group,
    )
    return run(s)


def cmd_start(args) -> int:
    return _start(args, _workspace(args))


def cmd_up(args) -> int:
    """``make hub``: a real class with ``--roster``, else the demo class (and its passwords shown)."""
    from ..workspace import Workspace
    from .server import require_root

    require_root()
    demo = not args.roster and not args.workspace
    workspace = _workspace(args, demo)
    ws = Workspace.open(workspace)
    if args.roster:
        _init(ws.root, Path(args.roster))
    elif not ws.roster_path.exists():
        demo = True
        _init(ws.root, _demo_roster(ws.root))
        print(
            f"（演示班级：{DEMO_STUDENTS} 名模拟学生。真实班级：make hub ROSTER=名单.xlsx WORKSPACE=/srv/ecom-ops/班级名）"
        )
    people = make_accounts(ws.root, args.prefix or ("demo-" if demo else None), args.staff_group)
    if demo:
        _release_unreleased(ws)
        _print_demo_passwords(HubPaths(ws.root), people)
    return _start(args, ws.root)


def _init(workspace: Path, roster_file: Path) -> None:
    """What ``grading init --roster`` does: the roster into the workspace and its gradebook."""
    from ..roster import enrol
    from ..workspace import Workspace

    students = enrol(Workspace.open(workspace), roster_file)
    print(f"✓ 已导入名单 {len(students)} 人 → {workspace}")


def _demo_roster(workspace: Path) -> Path:
    from course import settings

    from .. import simulate

    tas = settings.load()["course"]["teaching_assistants"]
    return simulate.write_roster(workspace / "名单-演示.csv", simulate.roster(DEMO_STUDENTS), tas)


def _release_unreleased(ws) -> None:
    from ..release import release

    course = default_course_id()
    todo = [m for m in ws.modules() if not (ws.root / "exchange" / course / "outbound" / m).is_dir()]
    if todo:
        release(ws, todo, exchange=True, zips=False)


def default_course_id() -> str:
    from course import settings

    return settings.load()["course"]["course_id"]


def _print_demo_passwords(paths: HubPaths, people: list[acc.Account]) -> None:
    import csv

    with open(paths.passwords, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    print("演示班级的账号（登录名 / 初始密码）：")
    for r in rows:
        print(f"  {r['角色']} {r['姓名']}：{r['登录名']} / {r['初始密码']}")


def cmd_stop_servers(args) -> int:
    from .server import require_root, stop_user_processes

    require_root()
    paths = HubPaths(_workspace(args).resolve())
    n = stop_user_processes(acc.load(paths.accounts))
    print(f"✓ 已结束本班 {n} 个进程。")
    return 0
