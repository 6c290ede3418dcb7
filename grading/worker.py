"""A grading worker: autogrades one student at a time, on its own gradebook copy.

``grading autograde --jobs N`` starts N workers (``python -m grading.worker``).
Each reads student ids as JSON lines on stdin and answers one JSON line per
student on stdout.  Per student it

1. builds a sanitised *staging* copy of the submission (grading/staging.py; the
   submitted folder itself is never touched);
2. runs nbgrader autograde for that student through ``NbGraderAPI`` with the
   staging folder as nbgrader's ``submitted`` directory and a private gradebook
   (no sqlite write contention between workers; the parent merges);
3. returns, as plain data, the recorded run (grading/recorded.py: the in-kernel
   grades, the guard's events and export snapshots, the final answer files);
   the parent re-checks every test cell in one shared clean process
   (``recorded.finish``) while this worker already grades the next student,
   and merges the final scores.

The student's kernel runs in the sandbox (grading/sandbox, started by
``GuardedExecute``); the parent has checked that it works and passes the
backend in ``GRADING_SANDBOX``.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

from .config import nbgrader_config
from .gradebook import copy_db
from .guard import EVENTS
from .recorded import RecordedRun
from .sandbox import MODE_ENV
from .staging import stage, staging_name
from .workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def failed_result(student: str, module: str, reason: str, status: str = "failed") -> dict:
    """A student's result when grading did not run to the end (every auto score 0, a reason for the TA)."""
    return {
        "student": student,
        "module": module,
        "status": status,
        "notebooks": {},
        "notes": [],
        "timestamp": None,
        "reasons": [reason],
    }


class Worker:
    def __init__(self, workspace: Path, module: str, db: Path, cell_timeout: int, log=None):
        from nbgrader.apps.api import NbGraderAPI

        self.ws = Workspace.open(workspace, create=False)
        self.module = module
        self.db_url = f"sqlite:///{db}"
        self.log = log
        config = nbgrader_config(self.ws)
        config.CourseDirectory.db_url = self.db_url
        config.CourseDirectory.submitted_directory = staging_name(module)
        config.Execute.timeout = int(cell_timeout)
        self.cell_timeout = int(cell_timeout)
        self.api = NbGraderAPI(config=config)
        self.api.log.setLevel("WARNING")

    def grade(self, student: str) -> dict:
        """Stage and autograde one student; the result carries the recorded run as ``pending``."""
        t0 = time.time()
        result: dict = {
            "student": student,
            "module": self.module,
            "status": "ok",
            "reasons": [],
            "notes": [],
            "notebooks": {},
            "timestamp": None,
        }
        folder, result["notes"], staged = stage(self.ws, self.module, student)
        if (folder / "timestamp.txt").exists():
            result["staged_timestamp"] = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        present = [s for s in self.ws.notebooks(self.module) if (folder / f"{s}.ipynb").exists()]
        if not present:
            result["status"] = "empty"
            result["reasons"].append("没有可评分的笔记本（未提交、文件损坏或文件名不对）。")
        nbgrader_ok = self._autograde(student, present, result)
        # the parent re-checks (one shared clean process) and merges
        run = RecordedRun.read(
            self.ws,
            self.module,
            student,
            self.db_url,
            staged=staged,
            present=present,
            nbgrader_ok=nbgrader_ok,
            sandbox=os.environ.get(MODE_ENV) or None,
        )
        result["pending"] = run.to_json()
        result["seconds_worker"] = round(time.time() - t0, 3)
        return result

    def _autograde(self, student: str, present: list[str], result: dict) -> bool:
        """nbgrader autograde of the staged copy; whether it succeeded (the reason in ``result`` if not)."""
        for key in [k for k in EVENTS if k[0] == student and k[1] == self.module]:
            del EVENTS[key]
        t_ag = time.time()
        res = self.api.autograde(self.module, student, force=True, create=True) if present else {"success": False}
        result["seconds_autograde"] = round(time.time() - t_ag, 3)
        if present and not res.get("success"):
            result["status"] = "failed"
            err = (res.get("error") or "").strip().splitlines()
            result["reasons"].append(
                "nbgrader 无法完成评分："
                + (err[-1] if err else "未知错误")
                + "。全部自动评分单元格计 0 分，请助教查看。"
            )
            if self.log:
                self.log.write(f"--- {student}: nbgrader failed\n{res.get('log', '')}\n{res.get('error', '')}\n")
                self.log.flush()
        return bool(present) and bool(res.get("success"))


# -- the parent's side ----------------------------------------------------------------------


def worker_env(extra: dict | None = None) -> dict:
    """The environment of worker and re-check processes (the venv first on PATH, the shop data found)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("COURSE_DATA_DIR", str(REPO / "datasets" / "data"))
    # for kernels started without the sandbox by an interpreter outside the editable install
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["GRADING_WORKER"] = "1"
    env.pop("COURSE_RECHECK", None)
    env.pop("NBGRADER_EXECUTION", None)
    env.update(extra or {})
    return env


class WorkerError(RuntimeError):
    """A worker process that did not start; the message is Chinese."""


class WorkerProcess:
    """The parent's handle on one ``python -m grading.worker`` process (JSON lines both ways)."""

    def __init__(
        self,
        ws: Workspace,
        module: str,
        run_dir: Path,
        idx: int,
        cell_timeout: int,
        gen: int = 0,
        env: dict | None = None,
    ):
        self.db = run_dir / f"worker{idx}-{gen}.db"
        copy_db(ws.db_path, self.db)
        self.log_path = run_dir / f"worker{idx}.log"
        self.log = open(self.log_path, "a", encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "grading.worker",
            "--workspace",
            str(ws.root),
            "--module",
            module,
            "--db",
            str(self.db),
            "--cell-timeout",
            str(cell_timeout),
            "--log",
            str(self.log_path),
        ]
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=worker_env(env),
            text=True,
            encoding="utf-8",
            cwd=str(REPO),
            start_new_session=True,
        )
        line = self.readline(300)
        if not line or not json.loads(line).get("ready"):
            self.kill()
            raise WorkerError(f"评分进程无法启动，请查看日志 {self.log_path}")

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


# -- the worker process --------------------------------------------------------------------


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
            result = failed_result(
                student,
                args.module,
                f"评分程序出错：{type(exc).__name__}: {exc}。全部自动评分单元格计 0 分，请助教查看。",
            )
            if log:
                log.write(traceback.format_exc())
                log.flush()
        proto.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
