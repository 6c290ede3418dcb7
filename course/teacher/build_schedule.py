"""Write ``course/teacher/schedule.md``: the 2-day workshop timetable with minutes per notebook.

    python -m course.teacher.build_schedule          # rewrite schedule.md
    python -m course.teacher.build_schedule --check  # exit 1 if schedule.md is out of date

The notebooks are found by scanning ``module*/`` (a notebook added or renamed
appears after the next run); each notebook's own estimate is read from its
first markdown cell ("约 30 分钟", "预计用时 35 分钟"); the day frame
(9:00-17:00, lunch and tea breaks, groups, lecturer and TAs) and the due
dates come from ``course/settings.yaml``.  When a module's notebooks need more
time than its block has, the minutes are scaled down (never below
``MIN_MINUTES``) and the plan says so, instead of pretending it fits.

The 导学 gets 35 minutes: its estimate (grading/estimate.py, practice blanks and
self-checks of the pandas primer included) is 35, and module 1's notebooks fit
the 135 minutes of practice that leaves before lunch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course import dates, settings, text
from grading.estimate import estimate_notebook

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

OUT = HERE / "schedule.md"
GUIDE = REPO / "course" / "00_guide.ipynb"
MIN_MINUTES = 20
INTRO = 10  # lecturer: scenario and a live demonstration, per module
WRAP_UP = 10  # submit + 5-minute anonymous survey, per module
TEA = 10  # one tea break per module block
LUNCH = ("12:30", 40)  # the plan: 9:00-17:00 including 1 hour of lunch and tea breaks

# (day, kind, minutes or module, label, lecturer, TAs)
DAY_PLAN = {
    1: [
        (
            "fixed",
            10,
            "开场：课程目标、分组（{gmin}-{gmax} 人一组）与组内角色（运营组 / 设计组 / 客服组）",
            "介绍课程与评分（表6）",
            "按名单分组，确认每台电脑能打开 JupyterLab",
        ),
        (
            "guide",
            35,
            "导学 `course/00_guide.ipynb`：电商运营、B2B/B2C/C2C、活动类型、表单怎么用、六个表格动作（代码填空）",
            "讲解 + 演示表单保存与重启、演示一个代码填空",
            "巡视：每人都保存过一次表单、重启后答案仍在、做过代码填空并看到 ✓",
        ),
        ("module", "module1_listing"),
        ("lunch",),
        ("module", "module2_campaign"),
        ("fixed", 10, "当日复盘（晚复盘）：各组说一个问题、一个收获", "点评共性问题", "记录各组进度，收集未提交名单"),
    ],
    2: [
        (
            "fixed",
            10,
            "晨会：回顾第一天，讲评模块一、二的常见扣分项（提升方向）",
            "讲评",
            "汇总自动评分结果中的常见错误",
        ),
        ("module", "module3_analytics"),
        ("lunch",),
        ("module", "module4_crm"),
        (
            "fixed",
            30,
            "小组成果展示：每组 3-5 分钟，展示复盘报告或分层策略",
            "点评、给创新性打分",
            "计时，记录组员互评",
        ),
        ("fixed", 15, "课程总结与答疑：进阶路径（流量运营 → 用户运营 → 全域运营）", "总结", "答疑"),
        ("fixed", 10, "课程满意度调研（1-5 分：实用性、讲师专业度、工具易用性）", "说明匿名", "确认每人已保存问卷"),
        ("fixed", 5, "结束", "", ""),
    ],
}


def _clock(text: str) -> dt.datetime:
    """A time of day on a fixed date, so that minutes add up across the day."""
    return dt.datetime.combine(dt.date(2000, 1, 1), dates.parse_clock(text))


def _hm(t: dt.datetime) -> str:
    return f"{t.hour}:{t.minute:02d}"


def notebook_info(path: Path, module: str | None = None) -> dict:
    """Title and the minutes a student who does not program needs (grading/estimate.py's rule)."""
    nb = nbformat.read(path, as_version=4)
    md = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    title = md.strip().splitlines()[0].lstrip("# ").strip() if md.strip() else path.stem
    try:
        title = text.render(title)
    except text.TemplateProblem:  # grading check reports broken placeholders
        pass
    minutes = estimate_notebook(module or path.parent.name, path).minutes
    return {"file": path.name, "title": title, "estimate": minutes, "source": "估算"}


def _guide_case(minutes: int, need: int, module1_spare: int) -> str:
    """The case for the guide's slot, in the plan's words, from measured minutes."""
    if need <= minutes:
        return ""
    room = (
        f"模块一的笔记本估算比它的时段少 {module1_spare} 分钟，"
        f"可以把导学加长 {min(module1_spare, need - minutes)} 分钟、"
        "从模块一的上午时段里扣（改本脚本 DAY_PLAN 中导学的分钟数）。"
        if module1_spare > 0
        else "目前上午没有空余：模块一的笔记本估算已超过它的时段，不能从模块一挪时间。"
    )
    return (
        f"导学：按估算规则（含代码填空练习和自检）约 {need} 分钟，课表给 {minutes} 分钟。{room}"
        "课上的做法：讲师边讲第 1-4 步边演示（学员看、不逐格运行），学员动手做第 5 步表单和第 6 步的练习；"
        "没做完的练习留到午休或模块一的缓冲时间。"
    )


def module_notebooks(module: str) -> list[dict]:
    return [notebook_info(p, module) for p in sorted((REPO / module).glob("*.ipynb")) if not p.name.startswith(".")]


def module_slots() -> dict[str, int]:
    """Minutes of practice each module's block leaves for its notebooks (after the
    lecturer's introduction, the tea break and the wrap-up)."""
    cfg = settings.load()
    out: dict[str, int] = {}
    for day_no in (1, 2):
        t = _clock(cfg["schedule"]["day_start"])
        for item in DAY_PLAN[day_no]:
            if item[0] in ("fixed", "guide"):
                t += dt.timedelta(minutes=item[1])
            elif item[0] == "lunch":
                t += dt.timedelta(minutes=LUNCH[1])
            else:
                end = _block_end(cfg, item[1], day_no, t)
                out[item[1]] = int((end - t).total_seconds() // 60) - INTRO - WRAP_UP - TEA
                t = end
    return out


def allocate(estimates: list[int], available: int) -> tuple[list[int], int]:
    """Minutes per notebook within ``available``; returns (minutes, spare minutes).

    Estimates that fit are kept; otherwise they are scaled down in 5-minute steps.

    >>> allocate([30, 40], 100)
    ([30, 40], 30)
    >>> allocate([60, 60, 30], 100)
    ([40, 40, 20], 0)
    """
    total = sum(estimates)
    if not estimates:
        return [], available
    if total <= available:
        return list(estimates), available - total
    # largest-remainder rounding to 5-minute steps, never below MIN_MINUTES
    ideal = [e * available / total for e in estimates]
    scaled = [max(MIN_MINUTES, math.floor(x / 5) * 5) for x in ideal]
    order = sorted(range(len(ideal)), key=lambda k: (-(ideal[k] - scaled[k]), k))
    for i in order:
        if available - sum(scaled) < 5:
            break
        if scaled[i] + 5 <= estimates[i]:
            scaled[i] += 5
    return scaled, available - sum(scaled)


def _block_end(cfg: dict, module: str, day_no: int, start: dt.datetime) -> dt.datetime:
    """A module block ends at lunch (morning) or where the afternoon's fixed items begin."""
    day_end = _clock(cfg["schedule"]["day_end"])
    if start < _clock(LUNCH[0]):
        return _clock(LUNCH[0])
    tail = 0
    after = False
    for item in DAY_PLAN[day_no]:
        if item[0] == "module" and item[1] == module:
            after = True
            continue
        if after and item[0] == "fixed":
            tail += item[1]
    return day_end - dt.timedelta(minutes=tail)


@dataclass
class _Timetable:
    """What the day plan adds up to while it is walked: the table rows, one row per
    notebook for the minutes table, and the time warnings."""

    cfg: dict
    lines: list[str] = field(default_factory=list)
    per_notebook: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def row(self, start: dt.datetime, end: dt.datetime, what: str, lecturer: str = "", ta: str = "") -> None:
        self.lines.append(f"| {_hm(start)}-{_hm(end)} | {what} | {lecturer} | {ta} |")


def render() -> str:
    """The text of ``schedule.md`` for the settings and notebooks in force."""
    table = _Timetable(settings.load())
    table.lines += _intro(table.cfg)
    for day_no in (1, 2):
        _day(table, day_no)
    lines = table.lines + _minutes_table(table.per_notebook)
    if table.warnings:
        lines += ["## 时间提醒", ""] + [f"- {w}" for w in table.warnings] + [""]
    return "\n".join(lines + _groups(table.cfg) + HOW_TO_ADJUST)


def _teaching_assistants(cfg: dict) -> list[str]:
    return cfg["course"].get("teaching_assistants") or ["助教A", "助教B"]


def _intro(cfg: dict) -> list[str]:
    sch = cfg["schedule"]
    tas = _teaching_assistants(cfg)
    return [
        "<!-- 本文件由 course/teacher/build_schedule.py 生成：笔记本从 module*/ 文件夹扫描，"
        "时间来自 course/settings.yaml。",
        "     改了笔记本或设置后重新运行该脚本，不要手工修改。 -->",
        "# 两天工作坊课表（电商运营实战）",
        "",
        f"- 时间：第一天 {sch['day1']}、第二天 {sch['day2']}，每天 {sch['day_start']}-{sch['day_end']}，"
        f"含午餐 {LUNCH[1]} 分钟和每个模块一次 {TEA} 分钟茶歇（工作坊方案：每天 9:00-17:00，含 1 小时午餐与茶歇）。",
        f"- 分组：每组 {sch['group_size_min']}-{sch['group_size_max']} 人；"
        f"一名主讲老师（{cfg['course']['lecturer']}）和两名助教（{'、'.join(tas)}），"
        "每名助教负责几个组（方案：每人 3-4 组；见文末“分组与助教”）。",
        f"- 每个模块：讲师讲解场景并示范 {INTRO} 分钟 → 学员按笔记本练习 → 提交与 5 分钟匿名问卷 {WRAP_UP} 分钟。"
        "笔记本的用时由估算规则算出（`python -m grading check` 打印明细，规则见教师指南“用时估算”），"
        "超出模块时段时按比例折算；截止时间来自课程设置。",
        "",
        "*English summary: the 2-day timetable (9:00-17:00 with lunch and tea breaks), generated from the module "
        "folders and course/settings.yaml by course/teacher/build_schedule.py; minutes per notebook, roles of the "
        "lecturer and the two TAs, and what to cut when a module's notebooks need more time than its block.*",
        "",
    ]


def _day(table: _Timetable, day_no: int) -> None:
    """One day's table: its fixed items, the 导学, lunch and module blocks in the order of ``DAY_PLAN``."""
    sch = table.cfg["schedule"]
    table.lines += [
        f"## 第{'一二'[day_no - 1]}天（{sch[f'day{day_no}']}）",
        "",
        "| 时间 | 内容 | 讲师 | 助教 |",
        "|---|---|---|---|",
    ]
    t = _clock(sch["day_start"])
    for item in DAY_PLAN[day_no]:
        if item[0] == "lunch":
            end = t + dt.timedelta(minutes=LUNCH[1])
            table.row(t, end, "**午餐**")
        elif item[0] == "module":
            end = _module_block(table, item[1], day_no, t)
        else:
            end = _fixed_item(table, item, t)
        t = end
    table.lines.append("")


def _fixed_item(table: _Timetable, item: tuple, t: dt.datetime) -> dt.datetime:
    """A fixed item (opening, review, presentations ...) or the 导学; returns its end."""
    kind, minutes, label, lecturer, ta = item
    sch = table.cfg["schedule"]
    end = t + dt.timedelta(minutes=minutes)
    table.row(t, end, label.format(gmin=sch["group_size_min"], gmax=sch["group_size_max"]), lecturer, ta)
    if kind == "guide":
        _guide_minutes(table, minutes)
    return end


def _guide_minutes(table: _Timetable, minutes: int) -> None:
    """The 导学's row in the minutes table, and the case for its slot when the estimate needs more."""
    info = notebook_info(GUIDE, "course")
    need = info["estimate"]
    table.per_notebook.append(
        ["导学", "`course/00_guide.ipynb`", info["title"], str(need), f"{minutes}", "压缩" if minutes < need else "—"]
    )
    module1 = module_notebooks("module1_listing")
    spare = module_slots().get("module1_listing", 0) - sum(n["estimate"] for n in module1)
    case = _guide_case(minutes, need, spare)
    if case:
        table.warnings.append(case)


def _module_block(table: _Timetable, module: str, day_no: int, t: dt.datetime) -> dt.datetime:
    """A module's block: introduction, its notebooks with a tea break, buffer, submission; returns its end."""
    cfg = table.cfg
    title, due = cfg["modules"][module]["title"], cfg["modules"][module]["due"]
    block_end = _block_end(cfg, module, day_no, t)
    block = int((block_end - t).total_seconds() // 60)
    notebooks = module_notebooks(module)
    available = block - INTRO - WRAP_UP - TEA
    minutes, spare = allocate([n["estimate"] for n in notebooks], available)
    table.row(t, block_end, f"**{title}**（截止 {due}）")
    cur = t + dt.timedelta(minutes=INTRO)
    table.row(t, cur, f"　讲解场景与示范（`{module}/`）", "讲解、示范第一个表单", "分发/确认作业已打开")
    cur = _practice(table, module, title, list(zip(notebooks, minutes)), cur, t + dt.timedelta(minutes=block / 2))
    if spare > 0:
        end = cur + dt.timedelta(minutes=spare)
        table.row(cur, end, "　缓冲：答疑、补做未完成的步骤", "答疑", "答疑")
        cur = end
    end = cur + dt.timedelta(minutes=WRAP_UP)
    table.row(cur, end, "　提交作业 + 模块反馈问卷（5 分钟，匿名）", "提醒截止时间", "确认每人已提交")
    table.warnings += _module_warnings(title, module, notebooks, available)
    return end


def _practice(
    table: _Timetable, module: str, title: str, planned: list[tuple[dict, int]], cur: dt.datetime, midpoint: dt.datetime
) -> dt.datetime:
    """The notebooks one after the other, the tea break at the first one past the block's middle."""
    tea_done = False
    for nb, m in planned:
        if not tea_done and cur >= midpoint:
            cur, tea_done = _tea(table, cur), True
        end = cur + dt.timedelta(minutes=m)
        table.row(
            cur,
            end,
            f"　`{nb['file']}` {nb['title']}（{m} 分钟）",
            "巡视、讲共性问题",
            "各管自己的组：看表单是否保存、解读提示",
        )
        table.per_notebook.append(
            [
                title.split(" ")[0],
                f"`{module}/{nb['file']}`",
                nb["title"],
                str(nb["estimate"]),
                str(m),
                "压缩" if m < nb["estimate"] else "—",
            ]
        )
        cur = end
    return cur if tea_done else _tea(table, cur)


def _tea(table: _Timetable, start: dt.datetime) -> dt.datetime:
    end = start + dt.timedelta(minutes=TEA)
    table.row(start, end, "　茶歇")
    return end


def _module_warnings(title: str, module: str, notebooks: list[dict], available: int) -> list[str]:
    need = sum(n["estimate"] for n in notebooks)
    if not notebooks:
        return [f"{title}：`{module}/` 里还没有笔记本（重新运行本脚本更新课表）。"]
    if need > available:
        return [
            f"{title}：笔记本估算用时合计 {need} 分钟，课上可用 {available} 分钟，已按比例压缩"
            f"（每个不少于 {MIN_MINUTES} 分钟）。建议讲师示范其中一步、其余步骤由学员在截止时间前完成，"
            "或把本模块的截止时间延后（settings.yaml 的 due）。"
        ]
    return []


def _minutes_table(per_notebook: list[list[str]]) -> list[str]:
    return (
        [
            "## 每个笔记本的建议用时",
            "",
            "| 模块 | 笔记本 | 标题 | 估算用时（分钟） | 课上安排（分钟） | 说明 |",
            "|---|---|---|---:|---:|---|",
        ]
        + ["| " + " | ".join(r) + " |" for r in per_notebook]
        + [""]
    )


def _span(lo: int, hi: int) -> str:
    return f"第 {lo} 组" if lo == hi else f"第 {lo}-{hi} 组"


def _groups(cfg: dict) -> list[str]:
    """Groups and TAs for a few class sizes (each TA takes half of the groups)."""
    sch = cfg["schedule"]
    tas = _teaching_assistants(cfg)
    n_min, n_max = 20, 30
    lines = [
        "## 分组与助教",
        "",
        f"每期 {n_min}-{n_max} 人，每组 {sch['group_size_min']}-{sch['group_size_max']} 人。两名助教按组分工，"
        "助教也是该组作业的评分人（`grading recheck` 按助教分层抽取 20% 复评）。",
        "",
        "| 班级人数 | 组数 | 助教分工 |",
        "|---|---|---|",
    ]
    for n in (20, 24, 30, 40, 56):
        groups = math.ceil(n / sch["group_size_max"])
        a = math.ceil(groups / 2)
        lines.append(f"| {n} 人 | {groups} 组 | {tas[0]}：{_span(1, a)}；{tas[-1]}：{_span(a + 1, groups)} |")
    return lines + [
        "",
        "工作坊方案写“每名助教负责 3-4 组”，对应 6-8 组（约 40-60 人）的大班；"
        "20-30 人的班级每名助教 2 组左右，多出的精力用于巡视表单保存和讲解“提升方向”。",
        "",
    ]


HOW_TO_ADJUST = [
    "## 怎样调整",
    "",
    "- **改时间**：改 `course/settings.yaml` 的 `schedule`（日期、每天起止时间）和各模块的 `due`，再运行 "
    "`python -m course.teacher.build_schedule`。",
    "- **加减笔记本**：在模块文件夹里增删笔记本后重新运行本脚本；每个笔记本的用时按估算规则"
    "（阅读字数、代码单元格、图表、填空、表单字段、文字作答）算出，`python -m grading check` 打印明细。",
    "- **一学期的课**：每个模块一到两次课（约 3 小时），截止时间设在下次课前；本课表的分钟数可直接作为每次课的安排。",
    "",
]


def outputs() -> dict[Path, bytes]:
    """{file: the bytes this script would write} (used by ``course.teacher.rebuild``)."""
    return {OUT: render().encode("utf-8")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成两天工作坊课表 course/teacher/schedule.md")
    ap.add_argument("--check", action="store_true", help="只检查 schedule.md 是否为最新")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        ok = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT} {'是最新的' if ok else '不是最新的：请运行 python -m course.teacher.build_schedule'}。")
        return 0 if ok else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"已生成 {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
