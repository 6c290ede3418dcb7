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
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .autograde_report import summarize
from .config import CELL_TIMEOUT
from .gradebook import backup, ensure_assignment, gradebook, restore_db, rmtree, tree_hashes
from .recorded import RecordedRun, finish
from .staging import staging_name
from .worker import WorkerProcess, failed_result, worker_env
from .workspace import Workspace


class GradingError(Exception):
    """A problem that stops the command; the message is Chinese."""


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
    for nb in sub.notebooks:
        res_nb = result.get("notebooks", {}).get(nb.name, {})
        for g in nb.grades:
            _merge_grade(g, res_nb, result.get("status"))
        for cm in nb.comments:
            if cm.name in res_nb.get("comments", {}):
                cm.auto_comment = res_nb["comments"][cm.name]
    gb.db.commit()


def _merge_grade(g, res_nb: dict, status: str | None) -> None:
    """One gradebook grade from a notebook's result: the final auto score and the manual-review flag."""
    c = res_nb.get("cells", {}).get(g.name)
    if c is None:
        if g.cell_type == "code" or not res_nb.get("submitted"):
            g.auto_score = 0.0
            # a submission that could not be graded is flagged for the TA
            g.needs_manual_grade = g.manual_score is not None or status in ("failed", "timeout", "recheck_failed")
        return
    g.auto_score = c.get("final")
    flag = bool(c.get("disagree")) or (g.cell_type == "code" and status != "ok")
    g.needs_manual_grade = bool(
        g.manual_score is not None or g.auto_score is None or flag or (g.cell_type != "code" and c.get("needs_manual"))
    )


# -- one run of the command ----------------------------------------------------------------


def run(
    ws: Workspace,
    module: str,
    jobs: int = 2,
    students: list[str] | None = None,
    cell_timeout: int = CELL_TIMEOUT,
    student_timeout: float | None = None,
    progress: bool = True,
    echo=print,
    sandbox: str | None = None,
    image: str | None = None,
) -> dict:
    """Autograde a module's submissions; return the run summary (also written to reports/).

    ``sandbox``: ``auto`` (default, from ``$GRADING_SANDBOX``), ``bwrap``, ``podman``,
    ``docker`` or ``off`` (unsafe, marked).
    """
    used, extra_env = sandbox_env(sandbox, image, echo)
    todo = students_to_grade(ws, module, students, echo)
    before = Before.take(ws, module, todo, echo)
    batch = Batch(
        ws, module, before.run_dir, cell_timeout, student_timeout or max(600, cell_timeout * 40), extra_env, used
    )
    t0 = time.time()
    done = batch.grade(todo, max(1, min(int(jobs), len(todo))), progress)
    wall = time.time() - t0
    changed, tampered = before.changes(ws, module, todo)
    if before.pre_run is not None:
        before.restore_and_merge(ws, module, done)
    for res in done.values():
        ws.save_result(module, res)
    summary = summarize(ws, module, done, todo, wall, batch.jobs, changed, before.saved, tampered, used)
    rmtree(ws.root / staging_name(module))
    for db in before.run_dir.glob("worker*.db"):
        db.unlink()
    return summary


def sandbox_env(sandbox: str | None, image: str | None, echo) -> tuple[str, dict]:
    """(the sandbox backend that will be used, the environment that tells the workers);
    refuses with the Chinese how-to when none can run here."""
    from . import sandbox as sandbox_mod

    try:
        used = sandbox_mod.check(sandbox, image)
    except sandbox_mod.SandboxUnavailable as exc:
        raise GradingError(str(exc)) from None
    extra_env = {sandbox_mod.MODE_ENV: used}
    if image:
        extra_env[sandbox_mod.IMAGE_ENV] = image
    if used == "off":
        echo(
            f"⚠ {sandbox_mod.UNSAFE_MARK}：学生代码将以你的系统用户身份运行，能读写你能访问的文件。"
            "报告和成绩表评语会注明。"
        )
    return used, extra_env


def students_to_grade(ws: Workspace, module: str, students: list[str] | None, echo) -> list[str]:
    """The students with a submission (all, or those of ``students``); refuses when there are none."""
    if module not in ws.modules():
        raise GradingError(f"工作区里没有模块 {module} 的源笔记本（可选：{'、'.join(ws.modules()) or '无'}）。")
    all_students = submitted_students(ws, module)
    todo = all_students
    if students:
        missing = [s for s in students if s not in all_students]
        if missing:
            echo(f"⚠ 这些学生没有 {module} 的提交，跳过：{'、'.join(missing)}")
        todo = [s for s in students if s in all_students]
    if not todo:
        raise GradingError(f"{module} 还没有任何提交。请先运行 grading collect {module}。")
    return todo


@dataclass
class Before:
    """The state before grading, to check and restore after it: the gradebook backup (also in memory:
    without the sandbox student code runs as this user and could edit any file), hashes of every
    submission and of the source, the TAs' manual grades."""

    run_dir: Path
    saved: Path | None
    pre_run: bytes | None
    submissions: dict[str, dict] = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    manual: dict = field(default_factory=dict)

    @classmethod
    def take(cls, ws: Workspace, module: str, todo: list[str], echo) -> Before:
        ensure_generated(ws, module)
        with gradebook(ws) as gb:
            ensure_assignment(gb, module)
        saved = backup(ws, f"before-autograde-{module}")
        if saved:
            echo(f"已备份成绩库：{saved}")
        run_dir = ws.state / "runs" / f"{module}-{_dt.datetime.now():%Y%m%d-%H%M%S}"
        run_dir.mkdir(parents=True, exist_ok=True)
        before = cls(
            run_dir,
            saved,
            saved.read_bytes() if saved else None,
            {s: tree_hashes(ws.submitted(s, module)) for s in todo},
            tree_hashes(ws.source(module)),
            manual_snapshot(ws, module),
        )
        ws.results_dir(module).mkdir(parents=True, exist_ok=True)
        return before

    def changes(self, ws: Workspace, module: str, todo: list[str]) -> tuple[list[str], dict]:
        """(students whose submitted files changed, {"source": changed?, "manual": students whose
        manual grades or comments changed})."""
        changed = [s for s in todo if tree_hashes(ws.submitted(s, module)) != self.submissions[s]]
        after = manual_snapshot(ws, module)
        tampered = {
            "source": tree_hashes(ws.source(module)) != self.source,
            "manual": sorted(
                {k[0] for k, v in after.items() if self.manual.get(k) != v}
                | {k[0] for k in self.manual if k not in after}
            ),
        }
        return changed, tampered

    def restore_and_merge(self, ws: Workspace, module: str, done: dict[str, dict]) -> None:
        """Whatever student code may have written into the gradebook during the run is
        discarded: back to the pre-run copy, then every result merged again."""
        snap = self.run_dir / "pre-run.db"
        snap.write_bytes(self.pre_run)
        restore_db(snap, ws.db_path)
        snap.unlink()
        with gradebook(ws) as gb:
            for res in done.values():
                merge(gb, module, res)


class Batch:
    """N worker processes grading a queue of students, one shared clean re-check process,
    and this thread merging each result into the real gradebook as it arrives."""

    def __init__(
        self,
        ws: Workspace,
        module: str,
        run_dir: Path,
        cell_timeout: int,
        student_timeout: float,
        env: dict,
        sandbox: str,
    ):
        from .recheck import Client

        self.ws, self.module, self.run_dir = ws, module, run_dir
        self.cell_timeout, self.student_timeout = cell_timeout, student_timeout
        self.env, self.sandbox = env, sandbox
        self.tasks: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.client = Client(env=worker_env(), log=open(run_dir / "recheck.log", "a", encoding="utf-8"))
        self.client_lock = threading.Lock()
        self.jobs = 0

    def grade(self, todo: list[str], jobs: int, progress: bool) -> dict[str, dict]:
        """Every student's final result, by student."""
        for s in todo:
            self.tasks.put(s)
        self.jobs = jobs
        self.client.start()  # one clean re-check process for all workers; it warms up meanwhile
        threads = [threading.Thread(target=self.worker_loop, args=(i,), daemon=True) for i in range(jobs)]
        for t in threads:
            t.start()
        done, fatal = self.merge_results(len(todo), threads, progress)
        for t in threads:
            t.join(timeout=60)
        self.client.close()
        if fatal and not done:
            raise GradingError(fatal[0])
        return done

    def merge_results(
        self, total: int, threads: list[threading.Thread], progress: bool
    ) -> tuple[dict[str, dict], list[str]]:
        """Merge results as they arrive until all are in or every worker has ended."""
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=f"自动评分 {self.module}", unit="人", file=sys.stderr, dynamic_ncols=True)
        done: dict[str, dict] = {}
        fatal: list[str] = []
        with gradebook(self.ws) as gb:
            while len(done) < total:
                try:
                    kind, payload = self.results.get(timeout=1.0)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and self.results.empty():
                        break
                    continue
                if kind == "fatal":
                    fatal.append(payload)
                    continue
                done[payload["student"]] = self.merge_one(gb, payload)
                if bar:
                    bar.update(1)
        if bar:
            bar.close()
        return done, fatal

    def merge_one(self, gb, res: dict) -> dict:
        try:
            merge(gb, self.module, res)
        except Exception as exc:  # noqa: BLE001
            gb.db.rollback()
            res.setdefault("reasons", []).append(f"写入成绩库失败：{exc}")
            res["status"] = "failed"
        self.ws.save_result(self.module, res)
        return res

    def start_worker(self, idx: int, gen: int) -> WorkerProcess:
        """A new worker process (generation ``gen`` of slot ``idx``); raises WorkerError."""
        return WorkerProcess(self.ws, self.module, self.run_dir, idx, self.cell_timeout, gen, self.env)

    def worker_loop(self, idx: int) -> None:
        """One worker's thread: send it the next student, re-check its previous result meanwhile."""
        gen = 0
        try:
            w = self.start_worker(idx, gen)
        except Exception as exc:  # noqa: BLE001
            self.results.put(("fatal", str(exc)))
            return
        waiting = None  # raw result to re-check while the worker grades the next student
        try:
            while True:
                try:
                    student = self.tasks.get_nowait()
                except queue.Empty:
                    student = None
                if student is not None and not w.send(student):
                    w.kill()
                    gen += 1
                    w = self.start_worker(idx, gen)
                    w.send(student)
                if waiting is not None:
                    self.results.put(("result", self.complete(waiting)))
                    waiting = None
                if student is None:
                    break
                waiting = w.receive(self.student_timeout)
                if waiting is None:
                    waiting = self.lost(w, student)
                    gen += 1
                    w = self.start_worker(idx, gen)
        finally:
            w.close()

    def lost(self, w: WorkerProcess, student: str) -> dict:
        """The result of a student whose worker timed out or died (the worker is killed)."""
        alive = w.proc.poll() is None
        w.kill()
        if alive:
            reason = f"评分超过 {int(self.student_timeout)} 秒仍未完成，已停止，自动评分计 0 分，请助教查看。"
        else:
            reason = "评分进程意外退出，自动评分计 0 分，请助教查看。"
        res = failed_result(student, self.module, reason, "timeout" if alive else "failed")
        res["sandbox"] = self.sandbox
        return res

    def complete(self, res: dict) -> dict:
        """Re-check a worker's raw result (shared server, one request at a time)."""
        pending = res.pop("pending", None)
        if pending is None:
            return res
        run = RecordedRun.from_json(pending)
        run.sandbox = run.sandbox or self.sandbox
        with self.client_lock:
            try:
                finish(self.ws, self.module, res, run, self.client, self.cell_timeout)
                res["seconds"] = round(res.get("seconds_worker", 0) + res.get("seconds_recheck", 0), 3)
            except Exception as exc:  # noqa: BLE001 - never lose a result
                res["status"] = "recheck_failed"
                res.setdefault("reasons", []).append(f"干净复核出错（{exc}），自动评分计 0 分，请助教查看。")
                for nb in res.get("notebooks", {}).values():
                    for c in nb.get("cells", {}).values():
                        if c.get("type") == "code":
                            c["final"] = 0.0
        return res


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
            "JOIN base_cell c ON g.cell_id = c.id WHERE a.name = ?",
            (module,),
        ).fetchall()
        comments = con.execute(
            "SELECT s.student_id, n.name, c.name, m.manual_comment FROM comment m "
            "JOIN submitted_notebook sn ON m.notebook_id = sn.id JOIN submitted_assignment s ON sn.assignment_id = s.id "
            "JOIN assignment a ON s.assignment_id = a.id JOIN notebook n ON sn.notebook_id = n.id "
            "JOIN base_cell c ON m.cell_id = c.id WHERE a.name = ?",
            (module,),
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    out = {(r[0], r[1], r[2], "grade"): (r[3], r[4]) for r in rows if r[3] is not None or r[4] is not None}
    out.update({(r[0], r[1], r[2], "comment"): r[3] for r in comments if r[3]})
    return out
