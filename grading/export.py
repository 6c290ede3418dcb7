"""``grading export``: the score sheet of table 6 (Excel or CSV).

One row per student and module: 学号, 姓名, 模块, the module's five rubric
dimensions in the order of ``course/settings.yaml`` (by default 30, 25, 20, 15,
10; a teacher may put 备注 first), 总分, 评语.  The five columns
always add up to 总分 (each rounded to 0.1, see grading/rubric.py).  Students on
the roster who did not submit appear with 0 and the note 未提交.  评语 is the
TA's remark (the comment on the 备注 cell first, then other comments),
followed by notes from the system in 【】 (late days, grading problems).

Excel: a 汇总 sheet (each module's 总分 and the mean), one sheet per module and
a 说明 sheet with the rules.  CSV: UTF-8 with BOM so Chinese Excel opens it; a
single module per file (several modules: one file each, ``<name>-<module>.csv``).

The same table is available to ``nbgrader export`` as an export plugin::

    nbgrader export --exporter=grading.export.Table6ExportPlugin --to 成绩表.xlsx
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.plugins import ExportPlugin

from . import rubric
from .gradebook import gradebook, read_submission
from .roster import load as load_roster
from .sandbox import UNSAFE_MARK
from .workspace import Workspace

FIXED = ["学号", "姓名", "模块"]


def short_title(module: str) -> str:
    from course import settings

    title = settings.load()["modules"].get(module, {}).get("title", module)
    return title.split()[0] if title else module


def columns(module: str) -> list[str]:
    return FIXED + [d.name for d in rubric.dimensions(module)] + ["总分", "评语"]


def _system_notes(module: str, sg, result: dict | None) -> list[str]:
    notes = []
    late = rubric.days_late(sg.timestamp, sg.due)
    if late:
        notes.append(f"迟交 {late} 天")
    if result:
        status = result.get("status")
        if status in ("failed", "timeout", "recheck_failed", "empty"):
            notes.append(
                {
                    "failed": "评分出错，需人工复核",
                    "timeout": "评分超时，需人工复核",
                    "recheck_failed": "复核失败，需人工复核",
                    "empty": "没有可评分的笔记本",
                }[status]
            )
        unsafe = result.get("sandbox") == "off"
        if any(c.get("disagree") for nb in result.get("notebooks", {}).values() for c in nb.get("cells", {}).values()):
            notes.append("自动评分复核不一致，" + ("已按较低分计" if unsafe else "以干净复核为准"))
        if unsafe:
            notes.append(UNSAFE_MARK)
    remark = [sg.cells[g] for g in sg.grades if rubric.is_remark(module, g)]
    if remark and any(c["manual"] is None and c["needs_manual"] for c in remark):
        notes.append("备注待助教评分")
    return notes


def module_rows(ws: Workspace, gb, module: str) -> list[dict]:
    roster = load_roster(ws)
    names = {s.id: s.name for s in roster}
    ids = [s.id for s in roster]
    try:
        extra = sorted(s.student.id for s in gb.assignment_submissions(module) if s.student.id not in names)
    except Exception:  # noqa: BLE001 - assignment not in the gradebook yet
        extra = []
    cols = columns(module)
    dims = cols[3:-2]
    rows = []
    for sid in ids + extra:
        sg = read_submission(gb, module, sid)
        row = {"学号": sid, "姓名": names.get(sid, ""), "模块": short_title(module)}
        if not sg.submitted:
            row.update({d: 0.0 for d in dims})
            row["总分"] = 0.0
            row["评语"] = "【未提交】"
        else:
            scores = rubric.row(module, sg.grades, sg.timestamp, sg.due)
            row.update({d: scores[d] for d in dims})
            row["总分"] = scores["总分"]
            text = "；".join(rubric.remark_first(module, sg.comments))
            notes = _system_notes(module, sg, ws.load_result(module, sid))
            row["评语"] = text + ("".join(f"【{n}】" for n in notes))
            if sid not in names:
                row["评语"] += "【不在名单上】"
        rows.append(row)
    return rows


def released_modules(ws: Workspace, gb) -> list[str]:
    """Modules of the workspace that are in the gradebook (released), in course order."""
    known = {a.name for a in gb.assignments}
    return [m for m in ws.modules() if m in known]


def build(ws: Workspace, modules: list[str] | None = None) -> dict[str, list[dict]]:
    with gradebook(ws) as gb:
        modules = modules or released_modules(ws, gb) or ws.modules()
        return {m: module_rows(ws, gb, m) for m in modules}


def _rules_text() -> list[list[str]]:
    from course import settings

    late = settings.load()["late"]
    return [
        ["规则", "说明"],
        ["自动评分维度", "该维度所有评分单元格得分之和 ÷ 满分之和 × 权重，四舍五入保留一位小数"],
        [
            "提交时效性",
            f"截止时间后 {late['grace_minutes']} 分钟内算按时，得满分；之后每开始一天扣 {late['penalty_per_day']} 分，扣完为止",
        ],
        ["备注", "助教在评分界面（formgrader）中给“备注”单元格打分并写评语；未评分时为 0"],
        ["总分", "五个维度之和（与各列相加一致）"],
        ["未提交", "各维度 0 分，评语注明【未提交】"],
        [
            "自动评分",
            "学生代码在沙箱中运行（只能看到自己的提交、无网络），评分结果再用纯数据在干净进程中复核，以复核分为准；"
            "不一致的会标注。评语中有【" + UNSAFE_MARK + "】的，是助教关闭沙箱评分的，取两者较低分",
        ],
    ]


def write_excel(tables: dict[str, list[dict]], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F7")
    mods = list(tables)
    students: dict[str, dict] = {}
    for m, rows in tables.items():
        for r in rows:
            s = students.setdefault(r["学号"], {"学号": r["学号"], "姓名": r["姓名"]})
            s[m] = r["总分"]
    summary.append(["学号", "姓名"] + [short_title(m) for m in mods] + ["平均分"])
    for s in students.values():
        vals = [s.get(m, 0.0) for m in mods]
        summary.append([s["学号"], s["姓名"]] + vals + [round(sum(vals) / len(vals), 1) if vals else 0.0])
    used = set()
    for m, rows in tables.items():
        name = short_title(m)[:31]
        if name in used or not name:
            name = m[:31]
        used.add(name)
        ws = wb.create_sheet(name)
        cols = columns(m)
        ws.append(cols)
        for r in rows:
            ws.append([r[c] for c in cols])
    rules = wb.create_sheet("说明")
    for line in _rules_text():
        rules.append(line)
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = head
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
        sheet.freeze_panes = "A2"
        for i, col in enumerate(sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 200)), start=1):
            width = max(
                len(str(c.value or "")) * (2 if any(ord(ch) > 127 for ch in str(c.value or "")) else 1) for c in col
            )
            sheet.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 60)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(tables: dict[str, list[dict]], path: Path) -> list[Path]:
    out = []
    for m, rows in tables.items():
        p = path if len(tables) == 1 else path.with_name(f"{path.stem}-{m}{path.suffix}")
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            cols = columns(m)
            w.writerow(cols)
            for r in rows:
                w.writerow([f"{r[c]:g}" if isinstance(r[c], float) else r[c] for c in cols])
        out.append(p)
    return out


def export(ws: Workspace, out: Path | None = None, modules: list[str] | None = None) -> list[Path]:
    out = Path(out or ws.reports / "成绩表.xlsx")
    tables = build(ws, modules)
    if not tables:
        raise ValueError("工作区里还没有任何模块。")
    if out.suffix.lower() == ".csv":
        return write_csv(tables, out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        out = out.with_suffix(".xlsx")
    return [write_excel(tables, out)]


class Table6ExportPlugin(ExportPlugin):
    """``nbgrader export --exporter=grading.export.Table6ExportPlugin [--to FILE]``."""

    def export(self, gradebook) -> None:
        db = Path(gradebook.engine.url.database)
        ws = Workspace(db.parent)
        mods = [a.name for a in gradebook.assignments if not self.assignment or a.name in self.assignment]
        paths = export(ws, Path(self.to) if self.to else None, [m for m in mods if m in ws.modules()] or None)
        for p in paths:
            self.log.info("成绩表已导出：%s", p)
