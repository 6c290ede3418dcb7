"""The teacher's re-check: a stratified sample and the TA-versus-teacher report.

``grading recheck MODULE [--fraction 0.2] [--seed S]`` draws the sample: in
each TA's group (助教 on the roster) ``ceil(fraction x submissions)`` students,
at least one, so every TA's work is sampled.  The sheet lists the TA's scores
per dimension and empty 教师-<维度> columns for the teacher.

``grading agreement MODULE --from FILE`` reads the filled sheet and reports,
per dimension, the mean absolute difference between TA and teacher, the same
per TA, and every submission that differs by more than ``--margin`` points in
a dimension or in the total.
"""

from __future__ import annotations

import csv
import math
import random
import zlib
from pathlib import Path

from .export import columns, module_rows
from .gradebook import gradebook
from .roster import load as load_roster
from .workspace import Workspace

TEACHER = "教师-"


def draw(ws: Workspace, module: str, fraction: float = 0.2, seed: int | None = None) -> tuple[list[dict], int]:
    if not 0 < fraction <= 1:
        raise ValueError("--fraction 应在 0 到 1 之间，例如 0.2 表示 20%。")
    seed = seed if seed is not None else zlib.crc32(module.encode()) % 100000
    roster = {s.id: s for s in load_roster(ws)}
    with gradebook(ws) as gb:
        rows = [r for r in module_rows(ws, gb, module) if "【未提交】" not in r["评语"]]
    groups: dict[str, list[dict]] = {}
    for r in rows:
        ta = roster[r["学号"]].ta if r["学号"] in roster and roster[r["学号"]].ta else "（未分配助教）"
        r["助教"] = ta
        groups.setdefault(ta, []).append(r)
    rng = random.Random(seed)
    sample = []
    for ta in sorted(groups):
        members = sorted(groups[ta], key=lambda r: r["学号"])
        k = max(1, math.ceil(fraction * len(members)))
        sample += sorted(rng.sample(members, min(k, len(members))), key=lambda r: r["学号"])
    return sample, seed


def sample_columns(module: str) -> tuple[list[str], list[str]]:
    dims = columns(module)[3:-2]
    head = ["学号", "姓名", "助教"] + dims + ["总分"] + [TEACHER + d for d in dims] + [TEACHER + "总分", "教师备注"]
    return head, dims


def write_sample(ws: Workspace, module: str, sample: list[dict], out: Path | None = None) -> Path:
    head, dims = sample_columns(module)
    out = Path(out or ws.reports / f"复核抽样-{module}.xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    records = [
        [r["学号"], r["姓名"], r["助教"]] + [r[d] for d in dims] + [r["总分"]] + [""] * (len(dims) + 2) for r in sample
    ]
    if out.suffix.lower() == ".csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(head)
            w.writerows(records)
        return out
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    sh = wb.active
    sh.title = "复核抽样"
    sh.append(head)
    for rec in records:
        sh.append(rec)
    for cell in sh[1]:
        cell.font = Font(bold=True)
        if str(cell.value).startswith(TEACHER) or cell.value == "教师备注":
            cell.fill = PatternFill("solid", fgColor="FFF4CE")
    sh.freeze_panes = "D2"
    info = wb.create_sheet("说明")
    info.append(
        [
            "请教师独立查看这些提交（autograded 文件夹或 formgrader），在黄色的“教师-”列中填写各维度得分，"
            "保存后运行 grading agreement " + module + " --from 本文件。"
        ]
    )
    wb.save(out)
    return out


def _read_table(path: Path) -> list[dict]:
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                decoded = text.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        return list(csv.DictReader(decoded.splitlines()))
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    sh = wb.worksheets[0]
    rows = list(sh.iter_rows(values_only=True))
    head = [str(h or "") for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def _num(v) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def agreement(ws: Workspace, module: str, path: Path, margin: float = 5.0) -> dict:
    _, dims = sample_columns(module)
    rows = _read_table(path)
    if rows and not any(TEACHER + d in rows[0] for d in dims):
        raise ValueError(f"{Path(path).name} 里没有“{TEACHER}{dims[0]}”等教师列，请使用 grading recheck 导出的表格。")
    per_dim: dict[str, list[float]] = {d: [] for d in dims + ["总分"]}
    per_ta: dict[str, list[float]] = {}
    flagged, compared = [], 0
    for r in rows:
        teacher = {d: _num(r.get(TEACHER + d)) for d in dims}
        if all(v is None for v in teacher.values()):
            continue
        compared += 1
        ta_scores = {d: _num(r.get(d)) or 0.0 for d in dims}
        t_total = _num(r.get(TEACHER + "总分"))
        if t_total is None:  # a blank teacher cell means "agrees with the TA"
            t_total = sum(teacher[d] if teacher[d] is not None else ta_scores[d] for d in dims)
        diffs = {}
        for d in dims:
            if teacher[d] is not None:
                diffs[d] = abs(ta_scores[d] - teacher[d])
                per_dim[d].append(diffs[d])
        total_diff = abs((_num(r.get("总分")) or sum(ta_scores.values())) - t_total)
        per_dim["总分"].append(total_diff)
        per_ta.setdefault(str(r.get("助教") or "（未分配助教）"), []).append(total_diff)
        big = {d: v for d, v in diffs.items() if v > margin}
        if big or total_diff > margin:
            flagged.append(
                {
                    "学号": r.get("学号"),
                    "姓名": r.get("姓名"),
                    "助教": r.get("助教"),
                    "总分差": round(total_diff, 1),
                    "维度差": {d: round(v, 1) for d, v in big.items()},
                }
            )
    mad = {d: (round(sum(v) / len(v), 2) if v else None) for d, v in per_dim.items()}
    ta_mad = {t: round(sum(v) / len(v), 2) for t, v in per_ta.items()}
    return {"module": module, "compared": compared, "margin": margin, "mad": mad, "ta_mad": ta_mad, "flagged": flagged}


def render_agreement(rep: dict, ws: Workspace) -> str:
    lines = [
        f"评分一致性报告 · {rep['module']}",
        f"比较了 {rep['compared']} 份抽样提交（助教评分 vs 教师复核）。",
        "",
        "各维度平均绝对差（分）：",
    ]
    for d, v in rep["mad"].items():
        lines.append(f"  {d}：{'—' if v is None else f'{v:g}'}")
    if rep["ta_mad"]:
        lines += ["", "各助教总分的平均绝对差（分）："] + [f"  {t}：{v:g}" for t, v in sorted(rep["ta_mad"].items())]
    lines += ["", f"差异超过 {rep['margin']:g} 分的提交：{len(rep['flagged'])} 份"]
    for f in rep["flagged"]:
        dims = "，".join(f"{d} 差 {v:g}" for d, v in f["维度差"].items())
        lines.append(
            f"  {f['学号']} {f['姓名'] or ''}（{f['助教'] or ''}）：总分差 {f['总分差']:g}"
            + (f"；{dims}" if dims else "")
        )
    if not rep["flagged"]:
        lines.append("  无：助教与教师的评分一致。")
    text = "\n".join(lines) + "\n"
    ws.reports.mkdir(parents=True, exist_ok=True)
    (ws.reports / f"一致性-{rep['module']}.txt").write_text(text, encoding="utf-8")
    return text
