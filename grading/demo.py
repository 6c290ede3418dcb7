"""``grading demo``: the whole TA workflow on a simulated class, in a temporary workspace.

release -> a simulated class (complete, partial, empty, late, broken and
cheating submissions, played from the released notebooks) packed as a
learning-platform download -> collect -> autograde -> feedback -> export.
Prints the score summary and where every file is.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import time
from pathlib import Path

from course.modules import MODULES
from course.modules import folder as module_folder

from . import simulate
from .gradebook import gradebook, module_due, pad, read_submission
from .workspace import Workspace, ensure_workspace


def available_modules() -> list[str]:
    return [m for m in MODULES if any(module_folder(m).glob("*.ipynb"))]


def run(
    modules: list[str] | None = None,
    students: int = 30,
    jobs: int = 2,
    workspace: Path | None = None,
    cell_timeout: int = 30,
    fixture: bool = False,
    echo=print,
) -> dict:
    """The whole workflow on a simulated class of ``students``; the summary of every step."""
    from . import export, release

    t0 = time.time()
    base = Path(workspace) if workspace else simulate.tmpdir()
    base.mkdir(parents=True, exist_ok=True)
    ws, modules = _demo_workspace(base, modules, fixture)
    echo(f"演示工作区：{ws.root}")
    people, studs = _enrol(ws, base, students, echo)
    echo("② release：生成学生版、发布到交换目录、打包压缩包")
    release.release(ws, modules, echo=lambda s: echo("   " + s))
    summary: dict = {"workspace": str(ws.root), "modules": {}}
    for m in modules:
        summary["modules"][m] = _demo_module(ws, m, people, studs, base, jobs, cell_timeout, echo)
    paths = export.export(ws, ws.reports / "成绩表.xlsx", modules)
    paths += export.export(ws, ws.reports / "成绩表.csv", modules)
    echo("⑦ export：" + "；".join(str(p) for p in paths))
    summary["exports"] = [str(p) for p in paths]
    summary["seconds"] = round(time.time() - t0, 1)
    echo(
        f"\n完成，用时 {summary['seconds']:.0f} 秒。文件位置：\n"
        f"  工作区（nbgrader 课程目录）：{ws.root}\n"
        f"  学生压缩包：{ws.root / 'zips'}\n"
        f"  收取/评分报告：{ws.reports}\n"
        f"  学生反馈：{ws.root / 'feedback'}\n"
        f"  成绩表：{paths[0]}\n"
        f"  在 formgrader 中查看与人工评分：cd {ws.root} && jupyter lab（nbgrader 插件 → Formgrader）"
    )
    return summary


def _demo_workspace(base: Path, modules: list[str] | None, fixture: bool) -> tuple[Workspace, list[str]]:
    """The demo's workspace and the modules it shows (the small test assignment with ``fixture``)."""
    if fixture:
        from . import fixture as fx

        root = ensure_workspace(base / "classroom", modules=())
        if not (root / "source" / fx.MODULE / "01_shop.ipynb").exists():
            fx.build(root / "source")
        return Workspace.open(root), [fx.MODULE]
    avail = available_modules()
    if not avail:
        raise SystemExit("还没有任何模块的笔记本（module1_listing/ 等文件夹是空的），无法演示。")
    modules = modules or avail[:1]
    bad = [m for m in modules if m not in avail]
    if bad:
        raise SystemExit(f"这些模块还没有笔记本：{'、'.join(bad)}（可用：{'、'.join(avail)}）。")
    return Workspace.open(base / "classroom"), modules


def _enrol(ws: Workspace, base: Path, students: int, echo) -> tuple[list[tuple[str, str, str]], list]:
    """A simulated roster of ``students`` enrolled; ([(学号, 姓名, profile)], the roster's students)."""
    from course import settings

    from . import roster as roster_mod

    people = simulate.roster(students)
    profiles = (simulate.DEMO_PROFILES * (students // len(simulate.DEMO_PROFILES) + 1))[:students]
    roster_file = simulate.write_roster(base / "名单.csv", people, settings.load()["course"]["teaching_assistants"])
    studs = roster_mod.enrol(ws, roster_file)
    echo(f"① init：导入名单 {len(studs)} 人（{roster_file}）")
    return [(sid, name, prof) for (sid, name), prof in zip(people, profiles)], studs


def _demo_module(
    ws: Workspace, m: str, cls: list[tuple[str, str, str]], studs: list, base: Path, jobs: int, cell_timeout: int, echo
) -> dict:
    """Simulate, collect, autograde and give feedback for one module; its rows and reports."""
    from . import autograde, collect, feedback

    due = module_due(m) or _dt.datetime.now()
    echo(f"③ 模拟 {len(cls)} 名学生作答 {m}（按脚本运行学生版笔记本）…")
    t = time.time()
    zpath, _ = simulate.build_class(
        ws.release(m), ws.source(m), m, cls, due, base / "class", jobs=jobs, timeout=cell_timeout
    )
    echo(f"   学习平台下载包：{zpath}（{time.time() - t:.0f} 秒）")
    rep = collect.collect_from(ws, m, zpath, studs)
    text = collect.render(rep, ws)
    echo(
        f"④ collect：收取 {len(rep.collected)} 份；未提交 {len(rep.missing)}；对不上名单 {len(rep.unmatched)}；"
        f"重复 {len(rep.duplicates)}；不安全 {len(rep.unsafe)}；损坏 {len(rep.broken)}"
        f"（报告：{ws.reports / f'collect-{m}.txt'}）"
    )
    echo(f"⑤ autograde：{jobs} 个并行进程")
    s = autograde.run(ws, m, jobs=jobs, cell_timeout=cell_timeout, progress=True, echo=lambda x: echo("   " + x))
    echo(
        f"   用时 {s['wall_seconds']:.0f} 秒（每份 {s['seconds_per_submission']:.1f} 秒）；"
        f"报告：{ws.reports / f'autograde-{m}.txt'}"
    )
    feedback.generate(ws, m, echo=lambda x: echo("⑥ feedback：" + x))
    rows = _score_rows(ws, m, cls)
    _print_table(m, rows, echo)
    return {"rows": rows, "collect": text, "autograde": s}


def _score_rows(ws: Workspace, m: str, cls: list[tuple[str, str, str]]) -> list[dict]:
    from . import rubric

    rows = []
    with gradebook(ws) as gb:
        for sid, name, prof in cls:
            sg = read_submission(gb, m, sid)
            total = rubric.total(m, sg.grades, sg.timestamp, sg.due) if sg.submitted else 0.0
            auto = (
                sum((v[0] or 0.0) for k, v in sg.grades.items() if sg.cells[k]["type"] == "code")
                if sg.submitted
                else 0.0
            )
            res = ws.load_result(m, sid) or {}
            rows.append(
                {
                    "学号": sid,
                    "姓名": name,
                    "profile": prof,
                    "auto": auto,
                    "total": total,
                    "reason": (res.get("reasons") or [""])[0],
                }
            )
    return rows


def _print_table(module: str, rows: list[dict], echo) -> None:
    blank = max([r["auto"] for r in rows if r["profile"] == "empty"] or [0.0])
    echo(f"\n{module} 成绩摘要（自动评分 = 三个自动维度的原始分；总分按表6）：")
    echo(f"{pad('学号', 10)}{pad('姓名', 8)}{pad('情形', 30)}{pad('自动评分', 10)}{pad('总分', 6)}说明")
    for r in rows:
        zh = simulate.PROFILE_ZH.get(r["profile"], r["profile"])
        echo(
            f"{pad(r['学号'], 10)}{pad(r['姓名'], 8)}{pad(zh, 30)}{pad(format(r['auto'], 'g'), 10)}"
            f"{pad(format(r['total'], 'g'), 6)}{r['reason'][:60]}"
        )
    cheats = [r for r in rows if r["profile"].startswith("cheat_")]
    worst = [r for r in cheats if r["auto"] > blank + 1e-9]
    if cheats:
        if worst:
            echo(f"✗ 有作弊提交的自动评分高于空白提交（{blank:g}）：" + "、".join(r["学号"] for r in worst))
        else:
            echo(f"✓ {len(cheats)} 份作弊提交的自动评分均不超过空白提交（{blank:g} 分）。")


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
