"""``grading`` / ``python -m grading``: one command per step of the TA's work.

    grading init --roster 名单.xlsx          new class workspace + roster + due dates
    grading release [MODULE ...]             student versions: nbgrader exchange + zips
    grading collect MODULE [--from PATH]     submissions (exchange, or a download folder/zip)
    grading autograde MODULE [--jobs N]      parallel autograde + clean re-check
    grading feedback MODULE                  per-student feedback HTML
    grading export [--out FILE]              table-6 score sheet (.xlsx / .csv)
    grading recheck MODULE                   the teacher's 20 % re-check sample
    grading agreement MODULE --from FILE     TA-versus-teacher consistency report
    grading check | strip                    source-notebook metadata check / strip outputs
    grading survey ...                       course survey tools (grading/survey/)
    grading demo                             the whole workflow on a simulated class
    grading hub users|start|up               the class's JupyterHub (grading/hub/README.md)

The workspace is ``--workspace DIR``, else ``$GRADING_WORKSPACE``, else
``classroom/`` in the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _env() -> None:
    """nbgrader shells out to alembic: the interpreter's bin first on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    os.environ.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
    pp = os.environ.get("PYTHONPATH", "")
    if str(REPO) not in pp.split(os.pathsep):
        os.environ["PYTHONPATH"] = str(REPO) + (os.pathsep + pp if pp else "")


def _ws(args):
    from .workspace import Workspace

    return Workspace.open(args.workspace)


def cmd_init(args) -> int:
    from course import settings

    from . import roster as roster_mod

    ws = _ws(args)
    cfg = settings.load()
    studs = roster_mod.enrol(ws, Path(args.roster)) if args.roster else []
    print(f"✓ 班级工作区：{ws.root}")
    if args.roster:
        groups = "、".join(sorted({s.ta for s in studs if s.ta})) or "无"
        print(f"✓ 已导入名单 {len(studs)} 人 → {ws.roster_path}（助教分组：{groups}）")
    else:
        print("提示：还没有导入名单。运行 grading init --roster 名单.xlsx（表头含“学号”“姓名”，可选“助教”）。")
    for m in ws.modules():  # due dates go into the gradebook at release
        print(
            f"  {m}：截止 {cfg['modules'].get(m, {}).get('due', '（设置中没有）')}（北京时间，见 course/settings.yaml）"
        )
    print("下一步：grading release")
    return 0


def cmd_release(args) -> int:
    from .release import release

    ws = _ws(args)
    modules = args.modules or ws.modules()
    if not modules:
        print("还没有任何模块的源笔记本。")
        return 1
    release(ws, modules, exchange=not args.no_exchange, zips=not args.no_zip)
    print("下一步：学生提交后运行 grading collect MODULE [--from 下载的文件夹或压缩包]")
    return 0


def cmd_collect(args) -> int:
    from . import collect
    from .roster import load

    ws = _ws(args)
    roster = load(ws)
    if args.source:
        rep = collect.collect_from(ws, args.module, Path(args.source), roster)
    else:
        rep = collect.collect_exchange(ws, args.module, roster)
    print(collect.render(rep, ws))
    print(f"报告已保存：{ws.reports / f'collect-{args.module}.txt'}")
    print(f"下一步：grading autograde {args.module} --jobs 2")
    return 0


def cmd_autograde(args) -> int:
    from . import autograde
    from .config import CELL_TIMEOUT

    ws = _ws(args)
    mode = "off" if args.unsafe_no_sandbox else args.sandbox
    s = autograde.run(
        ws,
        args.module,
        jobs=args.jobs,
        students=args.student or None,
        cell_timeout=args.timeout or CELL_TIMEOUT,
        progress=not args.quiet,
        sandbox=mode,
        image=args.sandbox_image,
    )
    print(s["text"])
    print(f"下一步：在 formgrader 中给“备注”打分并写评语，然后 grading feedback {args.module}、grading export")
    return 2 if s["modified_submissions"] or s["source_modified"] else 0


def cmd_feedback(args) -> int:
    from . import feedback

    ws = _ws(args)
    paths = feedback.generate(ws, args.module, students=args.student or None)
    return 0 if paths else 1


def cmd_export(args) -> int:
    from . import export

    ws = _ws(args)
    paths = export.export(ws, Path(args.out) if args.out else None, args.module or None)
    for p in paths:
        print(f"✓ 成绩表：{p}")
    return 0


def cmd_recheck(args) -> int:
    from . import sampling

    ws = _ws(args)
    sample, seed = sampling.draw(ws, args.module, args.fraction, args.seed)
    out = sampling.write_sample(ws, args.module, sample, Path(args.out) if args.out else None)
    tas = sorted({r["助教"] for r in sample})
    print(f"✓ 抽取 {len(sample)} 份（比例 {args.fraction:g}，随机种子 {seed}，按助教分层：{'、'.join(tas)}）→ {out}")
    for r in sample:
        print(f"  {r['学号']} {r['姓名']}（{r['助教']}）总分 {r['总分']:g}")
    print(f"教师填好“教师-”各列后运行：grading agreement {args.module} --from {out}")
    return 0


def cmd_agreement(args) -> int:
    from . import sampling

    ws = _ws(args)
    rep = sampling.agreement(ws, args.module, Path(args.source), args.margin)
    print(sampling.render_agreement(rep, ws))
    return 0


def cmd_check(args) -> int:
    from .authoring import check_all
    from .release_check import literal_problems, module_report, placeholder_problems, schedule_slots, task_problems

    problems = check_all(args.modules or None)
    slots = schedule_slots()
    bad = False
    for m, plist in problems.items():
        plist = plist + placeholder_problems(m) + task_problems(m) + literal_problems(m)
        if plist:
            bad = True
            print(f"✗ {m}：{len(plist)} 个发布前问题")
            for p in plist:
                print(f"    {p}")
        else:
            print(f"✓ {m}：nbgrader 元数据、评分任务与说明文字检查通过")
        for line in module_report(m, slots):
            print(line)
    return 1 if bad else 0


def cmd_strip(args) -> int:
    import nbformat

    from course.modules import MODULES
    from course.modules import folder as module_folder

    from .nbfiles import source_notebooks, write_clean

    n = 0
    for m in args.modules or MODULES:
        for p in source_notebooks(module_folder(m)):
            before = p.read_text(encoding="utf-8")
            nb = nbformat.read(p, as_version=4)
            write_clean(nb, p)
            if p.read_text(encoding="utf-8") != before:
                n += 1
                print(f"  清除输出：{p.relative_to(REPO) if p.is_relative_to(REPO) else p}")
    print(f"✓ 已处理，{n} 个笔记本有改动。")
    return 0


def cmd_survey(args) -> int:
    from . import survey

    return int(survey.main(args.rest) or 0)


def cmd_demo(args) -> int:
    from . import demo

    s = demo.run(
        args.modules or None,
        students=args.students,
        jobs=args.jobs,
        workspace=Path(args.workspace) if args.workspace else None,
        cell_timeout=args.timeout,
        fixture=args.fixture,
    )
    bad = []
    for _m, info in s["modules"].items():
        rows = info["rows"]
        blank = max([r["auto"] for r in rows if r["profile"] == "empty"] or [0.0])
        bad += [r for r in rows if r["profile"].startswith("cheat_") and r["auto"] > blank + 1e-9]
    return 1 if bad else 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="grading", description="电商运营实战 · 助教评分工具（基于 nbgrader）")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", help="班级工作区（默认 $GRADING_WORKSPACE 或仓库下的 classroom/）")
    sub = ap.add_subparsers(dest="cmd", required=True)
    _class_commands(sub, common)
    _grading_commands(sub, common)
    _teacher_commands(sub, common)
    from .hub.cli import add_parser as add_hub_parser

    add_hub_parser(sub)  # grading hub users|start|up|stop-servers (grading/hub/)
    return ap


def _class_commands(sub, common) -> None:
    """init, release, collect."""
    p = sub.add_parser("init", parents=[common], help="新建班级工作区，导入名单与截止时间")
    p.add_argument("--roster", help="名单 CSV 或 Excel（表头：学号、姓名，可选 助教、邮箱）")
    p.set_defaults(fn=cmd_init)

    p = sub.add_parser("release", parents=[common], help="生成并发布学生版（交换目录 + 压缩包）")
    p.add_argument("modules", nargs="*")
    p.add_argument("--no-exchange", action="store_true", help="不发布到 nbgrader 交换目录")
    p.add_argument("--no-zip", action="store_true", help="不生成学习平台压缩包")
    p.set_defaults(fn=cmd_release)

    p = sub.add_parser("collect", parents=[common], help="收取提交")
    p.add_argument("module")
    p.add_argument("--from", dest="source", help="从学习平台下载的文件夹或压缩包收取")
    p.set_defaults(fn=cmd_collect)


def _grading_commands(sub, common) -> None:
    """autograde, feedback, export."""
    p = sub.add_parser("autograde", parents=[common], help="并行自动评分（含干净复核）")
    p.add_argument("module")
    p.add_argument("--jobs", type=int, default=2, help="并行进程数（默认 2）")
    p.add_argument("--student", action="append", help="只评这些学生（可重复）")
    p.add_argument("--timeout", type=int, default=None, help="每个单元格的时间上限（秒）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument(
        "--sandbox",
        choices=["auto", "bwrap", "podman", "docker"],
        default=None,
        help="学生代码在哪种沙箱中运行（默认 auto = bubblewrap；也可用环境变量 GRADING_SANDBOX）",
    )
    p.add_argument("--sandbox-image", help="podman/docker 沙箱使用的学生环境镜像")
    p.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="不使用沙箱（不安全：学生代码能读写你的文件；报告和成绩表评语会注明）",
    )
    p.set_defaults(fn=cmd_autograde)

    p = sub.add_parser("feedback", parents=[common], help="生成每名学生的反馈 HTML")
    p.add_argument("module")
    p.add_argument("--student", action="append")
    p.set_defaults(fn=cmd_feedback)

    p = sub.add_parser("export", parents=[common], help="导出成绩表（表6）")
    p.add_argument("--out", help="输出文件 .xlsx 或 .csv（默认 reports/成绩表.xlsx）")
    p.add_argument("--module", action="append", help="只导出这些模块（可重复）")
    p.set_defaults(fn=cmd_export)


def _teacher_commands(sub, common) -> None:
    """recheck, agreement, check, strip, survey, demo."""
    p = sub.add_parser("recheck", parents=[common], help="教师复核抽样（按助教分层）")
    p.add_argument("module")
    p.add_argument("--fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int)
    p.add_argument("--out")
    p.set_defaults(fn=cmd_recheck)

    p = sub.add_parser("agreement", parents=[common], help="助教与教师评分一致性报告")
    p.add_argument("module")
    p.add_argument("--from", dest="source", required=True)
    p.add_argument("--margin", type=float, default=5.0, help="差异超过多少分列出（默认 5）")
    p.set_defaults(fn=cmd_agreement)

    p = sub.add_parser("check", help="发布前检查源笔记本：nbgrader 元数据、评分任务、占位符、分值构成与用时估算")
    p.add_argument("modules", nargs="*")
    p.set_defaults(fn=cmd_check)

    p = sub.add_parser("strip", help="清除源笔记本的输出（原地修改）")
    p.add_argument("modules", nargs="*")
    p.set_defaults(fn=cmd_strip)

    p = sub.add_parser("survey", help="课程问卷工具", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(fn=cmd_survey)

    p = sub.add_parser("demo", help="在临时工作区演示完整流程（模拟 30 名学生）")
    p.add_argument("--modules", nargs="*", help="演示哪些模块（默认第一个已有的模块）")
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--workspace", help="演示用的文件夹（默认新建临时文件夹）")
    p.add_argument("--timeout", type=int, default=30, help="每个单元格的时间上限（秒）")
    p.add_argument("--fixture", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(fn=cmd_demo)


def main(argv: list[str] | None = None) -> int:
    _env()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["survey"]:  # everything after "survey" belongs to grading/survey/
        return cmd_survey(argparse.Namespace(rest=argv[1:]))
    args = build_parser().parse_args(argv)
    from course.settings import SettingsError

    from .autograde import GradingError
    from .collect import CollectError
    from .hub import HubError
    from .release import ReleaseError
    from .roster import RosterError

    try:
        return int(args.fn(args) or 0)
    except (GradingError, CollectError, ReleaseError, RosterError, SettingsError, HubError, ValueError) as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
