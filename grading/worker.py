"""A grading worker: autogrades one student at a time, on its own gradebook copy.

``grading autograde --jobs N`` starts N workers (``python -m grading.worker``).
Each reads student ids as JSON lines on stdin and answers one JSON line per
student on stdout.  Per student it

1. builds a sanitised *staging* copy of the submission (the submitted folder
   itself is never touched): only the module's notebooks (valid JSON, outputs
   cleared), their answer files (valid JSON, size-capped, with any pre-filled
   ``exports`` removed), ``timestamp.txt`` and nbgrader's
   ``submission_secret.txt``; symlinks, other files (a
   ``course/`` or ``pandas.py`` that would shadow the course package) and odd
   names are ignored and reported;
2. runs nbgrader autograde for that student through ``NbGraderAPI`` with the
   staging folder as nbgrader's ``submitted`` directory and a private gradebook
   (no sqlite write contention between workers; the parent merges);
3. returns, as plain data, the in-kernel grades, the guard's events and export
   snapshots and the final answer files; the parent re-checks every test cell
   in one shared clean process (grading/recheck.py, ``finish``) while this
   worker already grades the next student, and merges the final scores.

The student's kernel runs in the sandbox (grading/sandbox, started by
``GuardedExecute``); the parent has checked that it works and passes the
backend in ``GRADING_SANDBOX``.  With the sandbox, a test cell's final score
is the clean re-check's (the in-kernel score is not trusted); without it (the
TA's explicit ``--unsafe-no-sandbox``), the lower of the two.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from .gradebook import STATE, Workspace, rmtree, timestamp_text  # noqa: E402
from .guard import EVENTS, MAX_ANSWER_BYTES, read_answers  # noqa: E402
from .sandbox import MODE_ENV  # noqa: E402

MAX_NOTEBOOK_BYTES = 50_000_000


def staging_name(module: str) -> str:
    """nbgrader's ``submitted`` directory while grading ``module`` (relative to the workspace)."""
    return f"{STATE}/staging-{module}"


def stage(ws: Workspace, module: str, student: str) -> tuple[Path, list[str], dict]:
    """Sanitised copy of ``submitted/<student>/<module>`` in the staging folder.

    Returns (folder, notes for the TA, staged answer files by notebook stem).
    """
    import nbformat
    from nbgrader.utils import parse_utc

    src = ws.submitted(student, module)
    dest = ws.root / staging_name(module) / student / module
    rmtree(dest)
    dest.mkdir(parents=True)
    notes: list[str] = []
    answers: dict[str, dict] = {}
    stems = set(ws.notebooks(module))
    newest = None
    if not src.is_dir() or src.is_symlink():
        notes.append("提交文件夹不存在或是符号链接，按未提交处理。")
        return dest, notes, answers
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        name = entry.name
        shown = name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name
        if entry.is_symlink():
            notes.append(f"忽略符号链接「{shown}」（评分从不跟随链接）。")
            continue
        if not entry.is_file(follow_symlinks=False):
            if name not in (".ipynb_checkpoints", "__pycache__"):
                notes.append(f"忽略文件夹「{shown}」（只评笔记本和答案文件）。")
            continue
        st = entry.stat(follow_symlinks=False)
        newest = max(newest or 0, st.st_mtime)
        if name == "submission_secret.txt":  # nbgrader's exchange key: release_feedback needs it
            text = Path(entry.path).read_text(encoding="utf-8", errors="replace").strip()[:200]
            if text.isprintable():
                (dest / name).write_text(text, encoding="utf-8")
            continue
        if name == "timestamp.txt":
            text = Path(entry.path).read_text(encoding="utf-8", errors="replace").strip()[:100]
            try:
                parse_utc(text)
                (dest / name).write_text(text, encoding="utf-8")
            except Exception:  # noqa: BLE001
                notes.append(f"timestamp.txt 内容无法识别（{text[:40]!r}），按文件修改时间计。")
            continue
        if name.endswith(".ipynb") and name[:-6] in stems:
            if st.st_size > MAX_NOTEBOOK_BYTES:
                notes.append(f"笔记本「{name}」过大（{st.st_size // 1_000_000} MB），未评分，计 0 分。")
                continue
            try:
                nb = nbformat.read(entry.path, as_version=4)
            except Exception as exc:  # noqa: BLE001 - any unreadable notebook
                notes.append(f"笔记本「{name}」不是有效的 .ipynb 文件（{type(exc).__name__}），无法评分，计 0 分。")
                continue
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    cell.execution_count = None
            nb.metadata.pop("widgets", None)
            try:
                nbformat.write(nb, str(dest / name))
            except Exception as exc:  # noqa: BLE001
                notes.append(f"笔记本「{name}」结构有误（{type(exc).__name__}），无法评分，计 0 分。")
            continue
        if name.endswith(".answers.json") and name[: -len(".answers.json")] in stems:
            stem = name[: -len(".answers.json")]
            if st.st_size > MAX_ANSWER_BYTES:
                notes.append(f"答案文件「{name}」过大，已忽略。")
                continue
            data = read_answers(Path(entry.path))
            if data is None:
                notes.append(f"答案文件「{name}」已损坏（不是有效的 JSON），表单答案无法读取。")
                continue
            if data.get("exports"):
                notes.append(f"答案文件「{name}」中预先写入的评分记录已清除（只认评分时重新生成的记录）。")
            data["exports"] = {}
            if not isinstance(data.get("forms"), dict):
                data["forms"] = {}
            answers[stem] = data
            (dest / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            continue
        if name.endswith(".ipynb"):
            notes.append(f"笔记本「{shown}」不属于本模块，未评分。")
        elif not (name.startswith(".") or name.endswith(".answers.json.bak")):
            notes.append(f"忽略文件「{shown}」（只评笔记本和答案文件）。")
    if not (dest / "timestamp.txt").exists() and newest:
        when = _dt.datetime.fromtimestamp(newest).astimezone()
        (dest / "timestamp.txt").write_text(timestamp_text(when), encoding="utf-8")
        if not any("timestamp.txt" in n for n in notes):
            notes.append("没有 timestamp.txt，提交时间按文件修改时间计。")
    return dest, notes, answers


def recorded(ws: Workspace, module: str, student: str, present: list[str]) -> dict:
    """What this process recorded while nbgrader graded one student, as plain data:
    the guard's events, export snapshots, sandbox and deferred cells, and the final answer files."""
    events = {stem: EVENTS.get((student, module, stem), {"events": [], "snapshots": {}, "dead": None,
                                                          "deferred": [], "sandbox": None})
              for stem in ws.notebooks(module)}
    final = {stem: read_answers(ws.autograded(student, module) / f"{stem}.answers.json") for stem in present}
    return {"events": events, "final_answers": final}


def outcome(ws: Workspace, module: str, student: str, db_url: str, present: list[str]) -> dict:
    """Everything the re-check needs, read right after the run: in-kernel grades
    (from the gradebook ``db_url``) and what :func:`recorded` returns."""
    try:
        if not present:
            raise LookupError("nothing graded")
        kernel = _read_worker_grades(ws, db_url, module, student)
    except Exception:  # noqa: BLE001 - no submission row: nothing graded
        kernel = {"timestamp": None, "notebooks": {}}
    return {"kernel": kernel, **recorded(ws, module, student, present)}


def sandbox_used(events: dict, present: list[str], default: str | None) -> str:
    """The sandbox the notebooks ran in (``off`` if any ran without; ``default`` if none ran)."""
    modes = {(events.get(stem) or {}).get("sandbox") for stem in present} - {None}
    if "off" in modes:
        return "off"
    return sorted(modes)[0] if modes else (default or "off")


def final_score(in_kernel: float, recheck: float, sandboxed: bool, deferred: bool) -> tuple[float, bool]:
    """(final score, disagreement to report) of one test cell.

    Sandboxed: the clean re-check decides (the kernel ran untrusted code); a cell
    whose in-kernel run deferred to the re-check (``course.grade``) is no disagreement.
    Unsandboxed: the lower of the two.

    >>> final_score(10, 4, True, False), final_score(10, 4, True, True), final_score(2, 4, False, False)
    ((4.0, True), (4.0, False), (2.0, True))
    """
    differ = abs(in_kernel - recheck) > 1e-6
    if sandboxed:
        return round(float(recheck), 4), differ and not deferred
    return round(float(min(in_kernel, recheck)), 4), differ


def finish(ws: Workspace, module: str, student: str, result: dict, kernel: dict, staged: dict,
           present: list[str], nbgrader_ok: bool, client, cell_timeout: int, events: dict,
           final_answers: dict, sandbox: str | None = None) -> dict:
    """Re-check each notebook and fill ``result`` with in-kernel, re-check and final scores."""
    from .recheck import RecheckError, build_answers

    result["timestamp"] = kernel["timestamp"]
    result["sandbox"] = sandbox_used(events, present, sandbox)
    t_rc = time.time()
    for stem in ws.notebooks(module):
        nb_kernel = kernel["notebooks"].get(stem, {"grades": {}, "comments": {}})
        ev = events.get(stem) or {"events": [], "snapshots": {}, "dead": None}
        sandboxed = (ev.get("sandbox") or result["sandbox"]) != "off"
        for e in ev["events"]:
            result["reasons"].append(f"{stem}：{e}")
        nb_out = {"cells": {}, "comments": nb_kernel.get("comments", {}), "submitted": stem in present}
        graded_ok = nbgrader_ok and stem in present
        recheck_cells: dict = {}
        if graded_ok:
            answers, rnotes = build_answers(staged.get(stem), ev["snapshots"], final_answers.get(stem), stem)
            result["notes"].extend(f"{stem}：{n}" for n in rnotes)
            try:
                reply = client.run(ws.source(module) / f"{stem}.ipynb", answers, ws.source(module),
                                   timeout=max(300, cell_timeout * 10), cell_seconds=cell_timeout)
                recheck_cells = reply["cells"]
            except RecheckError as exc:
                result["reasons"].append(f"{stem}：干净复核失败（{exc}），自动评分单元格计 0 分，请助教查看。")
                result["status"] = "recheck_failed"
        for gid, g in nb_kernel["grades"].items():
            cell = {"max": g["max"], "type": g["type"], "in_kernel": g["auto"], "recheck": None,
                    "final": g["auto"], "needs_manual": g["needs_manual"], "messages": [], "error": None}
            if g["type"] == "code":
                rc = recheck_cells.get(gid)
                if rc is not None:
                    cell.update(recheck=rc["score"], messages=rc["messages"], error=rc["error"], output=rc["output"])
                kern = g["auto"] if g["auto"] is not None else 0.0
                if not graded_ok or rc is None:
                    cell["final"] = 0.0
                else:
                    cell["final"], differ = final_score(kern, rc["score"], sandboxed, gid in (ev.get("deferred") or []))
                    if differ:
                        cell["needs_manual"] = True
                        cell["disagree"] = True
            nb_out["cells"][gid] = cell
        result["notebooks"][stem] = nb_out
    result["seconds_recheck"] = round(time.time() - t_rc, 3)
    dis = [f"{stem}/{gid}（学生内核 {c['in_kernel'] or 0:g}，干净复核 {c['recheck']:g}）"
           for stem, nb in result["notebooks"].items() for gid, c in nb["cells"].items() if c.get("disagree")]
    if dis:
        rule = "以干净复核为准" if result["sandbox"] != "off" else "已按较低分计"
        result["reasons"].append(f"学生内核中的得分与干净复核不一致，{rule}：" + "；".join(dis))
    return result


def _read_worker_grades(ws: Workspace, db_url: str, module: str, student: str) -> dict:
    from .gradebook import gradebook

    out: dict = {"timestamp": None, "notebooks": {}}
    with gradebook(ws, db_url) as gb:
        sub = gb.find_submission(module, student)
        out["timestamp"] = sub.timestamp.isoformat() if sub.timestamp else None
        for nb in sub.notebooks:
            cells = {}
            for g in nb.grades:
                cells[g.name] = {"auto": g.auto_score, "max": float(g.max_score or 0.0), "type": g.cell_type,
                                 "needs_manual": bool(g.needs_manual_grade)}
            comments = {c.name: c.auto_comment for c in nb.comments}
            out["notebooks"][nb.name] = {"grades": cells, "comments": comments}
    return out


class Worker:
    def __init__(self, workspace: Path, module: str, db: Path, cell_timeout: int, log=None):
        from nbgrader.apps.api import NbGraderAPI

        self.ws = Workspace.open(workspace, create=False)
        self.module = module
        self.db_url = f"sqlite:///{db}"
        self.log = log
        config = self.ws.nbgrader_config()
        config.CourseDirectory.db_url = self.db_url
        config.CourseDirectory.submitted_directory = staging_name(module)
        config.Execute.timeout = int(cell_timeout)
        self.cell_timeout = int(cell_timeout)
        self.api = NbGraderAPI(config=config)
        self.api.log.setLevel("WARNING")

    def grade(self, student: str) -> dict:
        t0 = time.time()
        result: dict = {"student": student, "module": self.module, "status": "ok", "reasons": [], "notes": [],
                        "notebooks": {}, "timestamp": None}
        folder, notes, staged = stage(self.ws, self.module, student)
        result["notes"] = notes
        if (folder / "timestamp.txt").exists():
            result["staged_timestamp"] = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        stems = self.ws.notebooks(self.module)
        present = [s for s in stems if (folder / f"{s}.ipynb").exists()]
        if not present:
            result["status"] = "empty"
            result["reasons"].append("没有可评分的笔记本（未提交、文件损坏或文件名不对）。")
        for key in [k for k in EVENTS if k[0] == student and k[1] == self.module]:
            del EVENTS[key]
        t_ag = time.time()
        res = self.api.autograde(self.module, student, force=True, create=True) if present else {"success": False}
        result["seconds_autograde"] = round(time.time() - t_ag, 3)
        nbgrader_ok = bool(present) and bool(res.get("success"))
        if present and not res.get("success"):
            result["status"] = "failed"
            err = (res.get("error") or "").strip().splitlines()
            result["reasons"].append("nbgrader 无法完成评分：" + (err[-1] if err else "未知错误") + "。全部自动评分单元格计 0 分，请助教查看。")
            if self.log:
                self.log.write(f"--- {student}: nbgrader failed\n{res.get('log', '')}\n{res.get('error', '')}\n")
                self.log.flush()
        # the parent re-checks (one shared clean process) and merges
        result["pending"] = {"staged": staged, "present": present, "nbgrader_ok": nbgrader_ok,
                             "sandbox": os.environ.get(MODE_ENV) or None,
                             **outcome(self.ws, self.module, student, self.db_url, present)}
        result["seconds_worker"] = round(time.time() - t0, 3)
        return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m grading.worker")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--module", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--cell-timeout", type=int, default=120)
    ap.add_argument("--log")
    args = ap.parse_args(argv)
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # kernels and libraries print to stderr, never into the protocol
    sys.stdout = sys.stderr
    log = open(args.log, "a", encoding="utf-8") if args.log else None
    worker = Worker(Path(args.workspace), args.module, Path(args.db), args.cell_timeout, log)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        student = json.loads(line)["student"]
        try:
            result = worker.grade(student)
        except Exception as exc:  # noqa: BLE001 - one bad submission never stops the batch
            result = {"student": student, "module": args.module, "status": "failed", "notebooks": {},
                      "reasons": [f"评分程序出错：{type(exc).__name__}: {exc}。全部自动评分单元格计 0 分，请助教查看。"],
                      "notes": [], "timestamp": None}
            if log:
                log.write(traceback.format_exc())
                log.flush()
        proto.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
