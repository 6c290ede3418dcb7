"""The report of one ``grading autograde`` run: a row per student, the checks, the text a TA reads.

Written to ``reports/autograde-<module>.json`` (the summary as data) and
``reports/autograde-<module>.txt``.
"""

from __future__ import annotations

import datetime as _dt
import json

from .gradebook import gradebook, pad, read_submission
from .workspace import Workspace

STATUS_ZH = {
    "ok": "正常",
    "empty": "无可评分文件",
    "failed": "评分失败",
    "timeout": "评分超时",
    "recheck_failed": "复核失败",
}


def summarize(
    ws: Workspace,
    module: str,
    done: dict,
    todo: list[str],
    wall: float,
    jobs: int,
    changed: list[str],
    backup_path,
    tampered: dict | None = None,
    sandbox: str = "bwrap",
) -> dict:
    """The run's summary (``text`` is the report); both written to ``reports/``."""
    rows = student_rows(ws, module, done, todo)
    summary = {
        "module": module,
        "students": len(todo),
        "jobs": jobs,
        "wall_seconds": round(wall, 2),
        "seconds_per_submission": round(wall / max(1, len(todo)), 2),
        "modified_submissions": changed,
        "source_modified": bool((tampered or {}).get("source")),
        "manual_grades_changed": (tampered or {}).get("manual", []),
        "backup": str(backup_path or ""),
        "sandbox": sandbox,
        "rows": rows,
    }
    ws.reports.mkdir(parents=True, exist_ok=True)
    (ws.reports / f"autograde-{module}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    text = "\n".join(_heading(summary) + _table(rows) + _checks(ws, summary)) + "\n"
    (ws.reports / f"autograde-{module}.txt").write_text(text, encoding="utf-8")
    summary["text"] = text
    return summary


def student_rows(ws: Workspace, module: str, done: dict, todo: list[str]) -> list[dict]:
    """One row per student: status, auto score (of code cells) and table-6 total from the gradebook."""
    from . import rubric

    rows = []
    with gradebook(ws) as gb:
        for s in todo:
            res = done.get(s, {"status": "failed", "reasons": ["没有得到评分结果。"], "notes": []})
            sg = read_submission(gb, module, s)
            auto = sum((v[0] or 0.0) for k, v in sg.grades.items() if sg.cells[k]["type"] == "code")
            mx = sum(v[1] for k, v in sg.grades.items() if sg.cells[k]["type"] == "code")
            try:
                total = rubric.total(module, sg.grades, sg.timestamp, sg.due)
            except Exception:  # noqa: BLE001 - module without rubric in the settings
                total = None
            rows.append(
                {
                    "student": s,
                    "status": res.get("status", "failed"),
                    "auto": round(auto, 2),
                    "auto_max": round(mx, 2),
                    "total": total,
                    "reasons": res.get("reasons", []),
                    "notes": res.get("notes", []),
                    "seconds": res.get("seconds"),
                    "timestamp": str(sg.timestamp or ""),
                }
            )
    return rows


def _heading(summary: dict) -> list[str]:
    from .sandbox import UNSAFE_MARK, describe

    n, wall = summary["students"], summary["wall_seconds"]
    lines = [
        f"自动评分报告 · {summary['module']} · {_dt.datetime.now():%Y-%m-%d %H:%M}",
        f"共 {n} 份提交，{summary['jobs']} 个并行进程，用时 {wall:.1f} 秒（每份 {wall / max(1, n):.1f} 秒）。",
    ]
    if summary["sandbox"] == "off":
        lines.append(
            f"⚠ {UNSAFE_MARK}：本次使用了 --unsafe-no-sandbox，学生代码以助教的系统用户运行，"
            "自动评分取学生内核与干净复核的较低分。成绩表评语中已注明。"
        )
    else:
        lines.append(
            f"学生代码在 {describe(summary['sandbox'])}中运行（只能看到自己的提交，无网络，启动的进程随笔记本结束）；"
            "自动评分以干净复核为准。"
        )
    return lines + [""]


def _table(rows: list[dict]) -> list[str]:
    lines = [f"{pad('学号', 14)}{pad('状态', 14)}{pad('自动评分', 12)}{pad('总分(表6)', 10)}说明"]
    for r in rows:
        total = "" if r["total"] is None else f"{r['total']:g}"
        first = r["reasons"][0] if r["reasons"] else ""
        lines.append(
            f"{pad(r['student'], 14)}{pad(STATUS_ZH.get(r['status'], r['status']), 14)}"
            f"{pad(format(r['auto'], 'g') + '/' + format(r['auto_max'], 'g'), 12)}{pad(total, 10)}{first}"
        )
        lines += [" " * 50 + extra for extra in r["reasons"][1:]]
    notes = [(r["student"], n) for r in rows for n in r["notes"]]
    if notes:
        lines += ["", "提交文件说明（已忽略或已处理的内容）："]
        lines += [f"  {s}：{n}" for s, n in notes]
    return lines


def _checks(ws: Workspace, summary: dict) -> list[str]:
    """What the hash and manual-grade checks found, and where the backup is."""
    changed = summary["modified_submissions"]
    if changed:
        lines = [
            "",
            f"⚠ 警告：这些学生的提交文件在评分过程中被改动（哈希不一致）：{'、'.join(changed)}。"
            "请检查这些提交" + ("，并在沙箱中重新评分。" if summary["sandbox"] == "off" else "。"),
        ]
    else:
        lines = ["", "✓ 所有提交文件评分前后哈希一致，未被改动。"]
    if summary["source_modified"]:
        lines.append(
            f"⚠ 警告：评分过程中源笔记本文件夹 {ws.source(summary['module'])} 被改动！"
            "请用 git status 检查，并重新评分。"
        )
    if summary["manual_grades_changed"]:
        lines.append(
            "⚠ 注意：评分期间成绩库中这些学生的人工评分或评语被改动过（可能是学生代码篡改了成绩库，"
            "也可能是有人同时在 formgrader 中评分）。这些改动已撤销：成绩库已恢复为评分前的备份并重新写入本次自动评分结果。"
            "请在自动评分结束后再做人工评分。涉及：" + "、".join(summary["manual_grades_changed"])
        )
    if summary["backup"]:
        lines.append(f"评分前的成绩库备份：{summary['backup']}")
    return lines
