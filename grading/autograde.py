"""``grading autograde MODULE --jobs N``: parallel, checked, re-runnable autograding.

* The gradebook is backed up first (``.grading/backups/``).
* Every submitted file is hashed before and after: submissions are never
  modified (a mismatch is reported loudly).
* N worker processes (grading/worker.py) each grade one student at a time on a
  private copy of the gradebook; one shared clean re-check process checks each
  result while its worker already grades the next student; this process is
  the only writer of the real gradebook and merges each result as it arrives.  Measured: nbgrader's sqlite
  gradebook does survive two concurrent ``nbgrader autograde`` processes on a
  small class, but every write then waits on sqlite's file lock (default
  5-second busy timeout, "database is locked" beyond it); private copies remove
  the contention altogether and let the merge apply the re-check in one step.
* Every student kernel runs in the sandbox (grading/sandbox; bubblewrap by
  default).  Where none can run, the command refuses with a Chinese message
  that says what to install, unless the TA passes ``--unsafe-no-sandbox``; such
  a run is marked in the report and in the score sheet's 评语.
* Merge = nbgrader's own semantics: only ``auto_score`` (and the
  needs-manual-grade flag, and automatic comments) are written, so grades and
  comments TAs entered in the formgrader survive a re-run.  The auto score is
  the clean re-check's (sandbox) or ``min(in-kernel, clean re-check)`` (no
  sandbox); a disagreement flags the cell for manual review.
* A worker that does not answer within the per-student limit is killed with its
  kernels and replaced; that student gets 0 and a reason, the batch goes on.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .config import CELL_TIMEOUT
from .gradebook import (Workspace, backup, copy_db, ensure_assignment, gradebook, pad, restore_db, rmtree,
                        tree_hashes)

REPO = Path(__file__).resolve().parent.parent
STATUS_ZH = {"ok": "正常", "empty": "无可评分文件", "failed": "评分失败", "timeout": "评分超时",
             "recheck_failed": "复核失败"}


class GradingError(Exception):
    """A problem that stops the command; the message is Chinese."""


def worker_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["GRADING_WORKER"] = "1"
    env.pop("COURSE_RECHECK", None)
    env.pop("NBGRADER_EXECUTION", None)
    env.update(extra or {})
    return env


def submitted_students(ws: Workspace, module: str) -> list[str]:
    root = ws.submitted()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / module).is_dir() and not p.is_symlink())


def ensure_generated(ws: Workspace, module: str) -> None:
    """The assignment and its notebooks are in the gradebook (generate_assignment)."""
    from nbgrader.api import MissingEntry

    with gradebook(ws) as gb:
        try:
            a = gb.find_assignment(module)
            if {nb.name for nb in a.notebooks} >= set(ws.notebooks(module)):
                return
        except MissingEntry:
            pass
    from .release import generate

    generate(ws, module)


class _WorkerProc:
    def __init__(self, ws: Workspace, module: str, run_dir: Path, idx: int, cell_timeout: int, gen: int = 0,
                 env: dict | None = None):
        self.db = run_dir / f"worker{idx}-{gen}.db"
        copy_db(ws.db_path, self.db)
        self.log_path = run_dir / f"worker{idx}.log"
        self.log = open(self.log_path, "a", encoding="utf-8")
        cmd = [sys.executable, "-m", "grading.worker", "--workspace", str(ws.root), "--module", module,
               "--db", str(self.db), "--cell-timeout", str(cell_timeout), "--log", str(self.log_path)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=worker_env(env), text=True, encoding="utf-8", cwd=str(REPO),
                                     start_new_session=True)
        line = self.readline(300)
        if not line or not json.loads(line).get("ready"):
            self.kill()
            raise GradingError(f"评分进程无法启动，请查看日志 {self.log_path}")

    def readline(self, timeout: float) -> str | None:
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return None
        return self.proc.stdout.readline() or None

    def send(self, student: str) -> bool:
        try:
            self.proc.stdin.write(json.dumps({"student": student}) + "\n")
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def receive(self, timeout: float) -> dict | None:
        line = self.readline(timeout)
        return json.loads(line) if line else None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.log.close()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            pass
        if self.proc.poll() is None:
            self.kill()
        else:
            try:  # kernels left behind by a crashed worker
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.log.close()


def merge(gb, module: str, result: dict) -> None:
    """Write one worker result into the real gradebook (auto scores only)."""
    from nbgrader.api import MissingEntry
    from nbgrader.utils import parse_utc

    student = result["student"]
    try:
        gb.find_student(student)
    except MissingEntry:
        gb.update_or_create_student(student)
    kwargs = {}
    ts = result.get("timestamp") or result.get("staged_timestamp")
    if ts:
        try:
            kwargs["timestamp"] = parse_utc(ts)
        except Exception:  # noqa: BLE001
            pass
    sub = gb.update_or_create_submission(module, student, **kwargs)
    ok = result.get("status") == "ok"
    for nb in sub.notebooks:
        res_nb = result.get("notebooks", {}).get(nb.name, {})
        cells = res_nb.get("cells", {})
        for g in nb.grades:
            c = cells.get(g.name)
            if c is None:
                if g.cell_type == "code" or not res_nb.get("submitted"):
                    g.auto_score = 0.0
                    # a submission that could not be graded is flagged for the TA
                    g.needs_manual_grade = g.manual_score is not None or result.get("status") in (
                        "failed", "timeout", "recheck_failed")
                continue
            g.auto_score = c.get("final")
            flag = bool(c.get("disagree")) or (g.cell_type == "code" and not ok)
            g.needs_manual_grade = bool(g.manual_score is not None or g.auto_score is None or flag
                                        or (g.cell_type != "code" and c.get("needs_manual")))
        for cm in nb.comments:
            if cm.name in res_nb.get("comments", {}):
                cm.auto_comment = res_nb["comments"][cm.name]
    gb.db.commit()


def run(ws: Workspace, module: str, jobs: int = 2, students: list[str] | None = None,
        cell_timeout: int = CELL_TIMEOUT, student_timeout: float | None = None, progress: bool = True,
        echo=print, sandbox: str | None = None, image: str | None = None) -> dict:
    """Autograde a module's submissions; return the run summary (also written to reports/).

    ``sandbox``: ``auto`` (default, from ``$GRADING_SANDBOX``), ``bwrap``, ``podman``,
    ``docker`` or ``off`` (unsafe, marked).
    """
    from . import sandbox as sandbox_mod

    try:
        used = sandbox_mod.check(sandbox, image)
    except sandbox_mod.SandboxUnavailable as exc:
        raise GradingError(str(exc)) from None
    extra_env = {sandbox_mod.MODE_ENV: used}
    if image:
        extra_env[sandbox_mod.IMAGE_ENV] = image
    if used == "off":
        echo(f"⚠ {sandbox_mod.UNSAFE_MARK}：学生代码将以你的系统用户身份运行，能读写你能访问的文件。报告和成绩表评语会注明。")
    if module not in ws.modules():
        raise GradingError(f"工作区里没有模块 {module} 的源笔记本（可选：{'、'.join(ws.modules()) or '无'}）。")
    all_students = submitted_students(ws, module)
    if students:
        missing = [s for s in students if s not in all_students]
        if missing:
            echo(f"⚠ 这些学生没有 {module} 的提交，跳过：{'、'.join(missing)}")
        todo = [s for s in students if s in all_students]
    else:
        todo = all_students
    if not todo:
        raise GradingError(f"{module} 还没有任何提交。请先运行 grading collect {module}。")
    ensure_generated(ws, module)
    with gradebook(ws) as gb:
        ensure_assignment(gb, module)
    saved = backup(ws, f"before-autograde-{module}")
    # kept in memory too: without the sandbox student code runs as this user and could edit any file
    pre_run = saved.read_bytes() if saved else None
    if saved:
        echo(f"已备份成绩库：{saved}")
    student_timeout = student_timeout or max(600, cell_timeout * 40)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = ws.state / "runs" / f"{module}-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    hashes_before = {s: tree_hashes(ws.submitted(s, module)) for s in todo}
    source_before = tree_hashes(ws.source(module))
    manual_before = manual_snapshot(ws, module)
    ws.results_dir(module).mkdir(parents=True, exist_ok=True)

    tasks: queue.Queue = queue.Queue()
    for s in todo:
        tasks.put(s)
    results: queue.Queue = queue.Queue()
    n_jobs = max(1, min(int(jobs), len(todo)))
    t0 = time.time()

    from .recheck import Client
    from .worker import finish

    client = Client(env=worker_env(), log=open(run_dir / "recheck.log", "a", encoding="utf-8"))
    client.start()  # one clean re-check process for all workers; it warms up meanwhile
    client_lock = threading.Lock()

    def complete(res: dict) -> dict:
        """Re-check a worker's raw result (shared server, one request at a time)."""
        pending = res.pop("pending", None)
        if pending is not None:
            with client_lock:
                try:
                    finish(ws, module, res["student"], res, pending["kernel"], pending["staged"], pending["present"],
                           pending["nbgrader_ok"], client, cell_timeout, pending["events"], pending["final_answers"],
                           pending.get("sandbox") or used)
                    res["seconds"] = round(res.get("seconds_worker", 0) + res.get("seconds_recheck", 0), 3)
                except Exception as exc:  # noqa: BLE001 - never lose a result
                    res["status"] = "recheck_failed"
                    res.setdefault("reasons", []).append(f"干净复核出错（{exc}），自动评分计 0 分，请助教查看。")
                    for nb in res.get("notebooks", {}).values():
                        for c in nb.get("cells", {}).values():
                            if c.get("type") == "code":
                                c["final"] = 0.0
        return res

    def loop(idx: int) -> None:
        gen = 0
        try:
            w = _WorkerProc(ws, module, run_dir, idx, cell_timeout, gen, extra_env)
        except Exception as exc:  # noqa: BLE001
            results.put(("fatal", str(exc)))
            return
        waiting = None  # (student, raw result) to re-check while the worker grades the next one
        try:
            while True:
                try:
                    student = tasks.get_nowait()
                except queue.Empty:
                    student = None
                if student is not None and not w.send(student):
                    w.kill()
                    gen += 1
                    w = _WorkerProc(ws, module, run_dir, idx, cell_timeout, gen, extra_env)
                    w.send(student)
                if waiting is not None:
                    results.put(("result", complete(waiting)))
                    waiting = None
                if student is None:
                    break
                res = w.receive(student_timeout)
                if res is None:
                    alive = w.proc.poll() is None
                    w.kill()
                    res = {"student": student, "module": module, "status": "timeout" if alive else "failed",
                           "notebooks": {}, "notes": [], "timestamp": None, "sandbox": used,
                           "reasons": [f"评分超过 {int(student_timeout)} 秒仍未完成，已停止，自动评分计 0 分，请助教查看。"
                                       if alive else "评分进程意外退出，自动评分计 0 分，请助教查看。"]}
                    gen += 1
                    w = _WorkerProc(ws, module, run_dir, idx, cell_timeout, gen, extra_env)
                waiting = res
        finally:
            w.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(n_jobs)]
    for t in threads:
        t.start()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"自动评分 {module}", unit="人", file=sys.stderr, dynamic_ncols=True)
    done: dict[str, dict] = {}
    fatal = []
    with gradebook(ws) as gb:
        while len(done) < len(todo):
            try:
                kind, payload = results.get(timeout=1.0)
            except queue.Empty:
                if not any(t.is_alive() for t in threads) and results.empty():
                    break
                continue
            if kind == "fatal":
                fatal.append(payload)
                continue
            res = payload
            try:
                merge(gb, module, res)
            except Exception as exc:  # noqa: BLE001
                gb.db.rollback()
                res.setdefault("reasons", []).append(f"写入成绩库失败：{exc}")
                res["status"] = "failed"
            ws.result_path(module, res["student"]).write_text(json.dumps(res, ensure_ascii=False, indent=1),
                                                               encoding="utf-8")
            done[res["student"]] = res
            if bar:
                bar.update(1)
    if bar:
        bar.close()
    for t in threads:
        t.join(timeout=60)
    client.close()
    if fatal and not done:
        raise GradingError(fatal[0])
    wall = time.time() - t0
    changed = []
    for s in todo:
        after = tree_hashes(ws.submitted(s, module))
        if after != hashes_before[s]:
            changed.append(s)
    manual_after = manual_snapshot(ws, module)
    tampered = {"source": tree_hashes(ws.source(module)) != source_before,
                "manual": sorted({k[0] for k, v in manual_after.items() if manual_before.get(k) != v}
                                 | {k[0] for k in manual_before if k not in manual_after})}
    if pre_run is not None:
        # Whatever student code may have written into the gradebook during the run
        # is discarded: back to the pre-run copy, then every result merged again.
        snap = run_dir / "pre-run.db"
        snap.write_bytes(pre_run)
        restore_db(snap, ws.db_path)
        snap.unlink()
        with gradebook(ws) as gb:
            for res in done.values():
                merge(gb, module, res)
    for res in done.values():
        ws.result_path(module, res["student"]).write_text(json.dumps(res, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
    summary = summarize(ws, module, done, todo, wall, n_jobs, changed, saved, tampered, used)
    from .worker import staging_name

    rmtree(ws.root / staging_name(module))
    for db in run_dir.glob("worker*.db"):
        db.unlink()
    return summary


def manual_snapshot(ws: Workspace, module: str) -> dict:
    """Every manual grade, extra credit and manual comment of a module, for the tamper check."""
    import sqlite3

    if not ws.db_path.exists():
        return {}
    con = sqlite3.connect(f"file:{ws.db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT s.student_id, n.name, c.name, g.manual_score, g.extra_credit FROM grade g "
            "JOIN submitted_notebook sn ON g.notebook_id = sn.id JOIN submitted_assignment s ON sn.assignment_id = s.id "
            "JOIN assignment a ON s.assignment_id = a.id JOIN notebook n ON sn.notebook_id = n.id "
            "JOIN base_cell c ON g.cell_id = c.id WHERE a.name = ?", (module,)).fetchall()
        comments = con.execute(
            "SELECT s.student_id, n.name, c.name, m.manual_comment FROM comment m "
            "JOIN submitted_notebook sn ON m.notebook_id = sn.id JOIN submitted_assignment s ON sn.assignment_id = s.id "
            "JOIN assignment a ON s.assignment_id = a.id JOIN notebook n ON sn.notebook_id = n.id "
            "JOIN base_cell c ON m.cell_id = c.id WHERE a.name = ?", (module,)).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    out = {(r[0], r[1], r[2], "grade"): (r[3], r[4]) for r in rows if r[3] is not None or r[4] is not None}
    out.update({(r[0], r[1], r[2], "comment"): r[3] for r in comments if r[3]})
    return out


def summarize(ws: Workspace, module: str, done: dict, todo: list[str], wall: float, jobs: int,
              changed: list[str], backup_path, tampered: dict | None = None, sandbox: str = "bwrap") -> dict:
    from . import rubric
    from .sandbox import UNSAFE_MARK, describe
    from .gradebook import read_submission

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
            rows.append({"student": s, "status": res.get("status", "failed"), "auto": round(auto, 2),
                         "auto_max": round(mx, 2), "total": total, "reasons": res.get("reasons", []),
                         "notes": res.get("notes", []), "seconds": res.get("seconds"),
                         "timestamp": str(sg.timestamp or "")})
    summary = {"module": module, "students": len(todo), "jobs": jobs, "wall_seconds": round(wall, 2),
               "seconds_per_submission": round(wall / max(1, len(todo)), 2), "modified_submissions": changed,
               "source_modified": bool((tampered or {}).get("source")),
               "manual_grades_changed": (tampered or {}).get("manual", []),
               "backup": str(backup_path or ""), "sandbox": sandbox, "rows": rows}
    ws.reports.mkdir(parents=True, exist_ok=True)
    (ws.reports / f"autograde-{module}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"自动评分报告 · {module} · {_dt.datetime.now():%Y-%m-%d %H:%M}",
             f"共 {len(todo)} 份提交，{jobs} 个并行进程，用时 {wall:.1f} 秒（每份 {wall / max(1, len(todo)):.1f} 秒）。"]
    if sandbox == "off":
        lines.append(f"⚠ {UNSAFE_MARK}：本次使用了 --unsafe-no-sandbox，学生代码以助教的系统用户运行，"
                     "自动评分取学生内核与干净复核的较低分。成绩表评语中已注明。")
    else:
        lines.append(f"学生代码在 {describe(sandbox)}中运行（只能看到自己的提交，无网络，启动的进程随笔记本结束）；"
                     "自动评分以干净复核为准。")
    lines.append("")
    lines.append(f"{pad('学号', 14)}{pad('状态', 14)}{pad('自动评分', 12)}{pad('总分(表6)', 10)}说明")
    for r in rows:
        total = "" if r["total"] is None else f"{r['total']:g}"
        first = r["reasons"][0] if r["reasons"] else ""
        lines.append(f"{pad(r['student'], 14)}{pad(STATUS_ZH.get(r['status'], r['status']), 14)}"
                     f"{pad(format(r['auto'], 'g') + '/' + format(r['auto_max'], 'g'), 12)}{pad(total, 10)}{first}")
        for extra in r["reasons"][1:]:
            lines.append(" " * 50 + extra)
    notes = [(r["student"], n) for r in rows for n in r["notes"]]
    if notes:
        lines += ["", "提交文件说明（已忽略或已处理的内容）："]
        lines += [f"  {s}：{n}" for s, n in notes]
    if changed:
        lines += ["", f"⚠ 警告：这些学生的提交文件在评分过程中被改动（哈希不一致）：{'、'.join(changed)}。"
                      "请检查这些提交" + ("，并在沙箱中重新评分。" if sandbox == "off" else "。")]
    else:
        lines += ["", "✓ 所有提交文件评分前后哈希一致，未被改动。"]
    if summary["source_modified"]:
        lines.append(f"⚠ 警告：评分过程中源笔记本文件夹 {ws.source(module)} 被改动！请用 git status 检查，并重新评分。")
    if summary["manual_grades_changed"]:
        lines.append("⚠ 注意：评分期间成绩库中这些学生的人工评分或评语被改动过（可能是学生代码篡改了成绩库，"
                     "也可能是有人同时在 formgrader 中评分）。这些改动已撤销：成绩库已恢复为评分前的备份并重新写入本次自动评分结果。"
                     "请在自动评分结束后再做人工评分。涉及：" + "、".join(summary["manual_grades_changed"]))
    if backup_path:
        lines.append(f"评分前的成绩库备份：{backup_path}")
    text = "\n".join(lines) + "\n"
    (ws.reports / f"autograde-{module}.txt").write_text(text, encoding="utf-8")
    summary["text"] = text
    return summary
