"""The clean re-check: grade the plain-data answers again, outside the student's kernel.

For one submitted notebook the re-check runs the SOURCE notebook's cells in a
separate process that never runs student code:

* solution cells (the student's code) are skipped;
* every other code cell (setup, data loading, forms, hidden tests restored
  from the source) runs in order, with ``COURSE_RECHECK=1``: then
  ``course.export(name, value)`` ignores ``value`` and returns the value
  recorded in the answer file, decoded from JSON (no pickles, no objects the
  student made);
* each test cell's partial score is read like nbgrader reads it (an error is
  0, the last expression's number is the score), with the "提升方向" lines it
  prints -- these, not the student kernel's output, go into the feedback.

The answer file given to the re-check holds the student's *submitted* form
entries and the export *snapshots* taken by ``GuardedExecute`` just before each
hidden test ran.  The final score of a test cell is
``min(in-kernel score, re-check score)``; disagreements are reported.

Run as a server (one per grading worker, so pandas etc. are imported once)::

    python -m grading.recheck --serve      # JSON lines on stdin/stdout
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MESSAGE_RE = re.compile(r"提升方向[:：]")
CELL_SECONDS = 120
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
EXPORT_CALL = re.compile(
    r"""course\.export\(\s*(['"])(?P<name>[^'"]+)\1\s*,\s*(?:globals\(\)\.get\(\s*(['"])(?P<g>\w+)\3\s*\)|(?P<v>[A-Za-z_]\w*))\s*\)"""
)


def exported_variables(source: str) -> dict[str, str]:
    """{student variable: export name} of a test cell's ``course.export`` calls."""
    out = {}
    for m in EXPORT_CALL.finditer(source):
        var = m.group("g") or m.group("v")
        if var:
            out[var] = m.group("name")
    return out


def split_hidden(source: str) -> tuple[str, str]:
    """(visible part, hidden part) of a test cell; visible is "" without markers."""
    i = source.find(HIDDEN_BEGIN)
    if i < 0:
        return "", source
    return source[:i], source[i:]


def build_answers(staged: dict | None, snapshots: dict, final: dict | None, notebook: str) -> tuple[dict, list[str]]:
    """The answer file the re-check reads, and notes for the report.

    Forms come from the submitted file (``staged``); exports from the
    snapshots; an export with no snapshot (a test cell not following the
    ``_v = course.export(...)`` convention) falls back to the final file.
    """
    notes: list[str] = []
    forms = (staged or {}).get("forms") if isinstance((staged or {}).get("forms"), dict) else {}
    exports: dict = {}
    final_exports = (final or {}).get("exports") if isinstance((final or {}).get("exports"), dict) else {}
    for name, entry in (snapshots or {}).items():
        if isinstance(entry, dict):
            exports[name] = entry
    for name, entry in final_exports.items():
        if name not in (snapshots or {}) and isinstance(entry, dict):
            exports[name] = entry
            notes.append(f"答案「{name}」没有快照，复核使用评分结束时的答案文件。")
    return {"format": 1, "notebook": notebook, "forms": forms, "exports": exports}, notes


# -- the engine (runs inside the clean process) ---------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - timing dependent
    raise _Timeout()


class Engine:
    """Runs source notebooks cell by cell in an in-process IPython shell."""

    def __init__(self, ignore_pattern: str = r"Warning|warn\("):
        os.environ["COURSE_RECHECK"] = "1"
        os.environ.setdefault("MPLBACKEND", "Agg")
        os.environ.setdefault("NBGRADER_EXECUTION", "autograde")
        from IPython.core.interactiveshell import InteractiveShell

        self.shell = InteractiveShell.instance()
        self.ignore = re.compile(ignore_pattern) if ignore_pattern else None

    def _reset(self) -> None:
        """A fresh namespace (cheaper than shell.reset(), which runs gc twice)."""
        self.shell.user_ns.clear()
        self.shell.user_ns_hidden.clear()
        self.shell.init_user_ns()

    def _run(self, source: str, seconds: int, silent: bool = False):
        from IPython.utils.capture import capture_output

        old = signal.signal(signal.SIGALRM, _alarm) if hasattr(signal, "SIGALRM") else None
        if old is not None:
            signal.alarm(max(1, int(seconds)))
        try:
            with capture_output(display=True) as cap:
                res = self.shell.run_cell(source, store_history=False, silent=silent)
            # IPython catches the alarm's exception inside run_cell: it comes back as the cell's error
            timed_out = isinstance(res.error_in_exec, _Timeout)
        except _Timeout:
            res, cap, timed_out = None, None, True
        finally:
            if old is not None:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, old)
        return res, cap, timed_out

    def _inject(self, variables: dict[str, str], answers: dict | None) -> None:
        from course.answers import decode

        exports = (answers or {}).get("exports") or {}
        for var, name in variables.items():
            entry = exports.get(name)
            try:
                self.shell.user_ns[var] = decode(entry) if isinstance(entry, dict) else None
            except Exception:  # noqa: BLE001 - malformed data is simply no answer
                self.shell.user_ns[var] = None

    def run(
        self, source_nb: str, answers: dict | None, assets: str | None = None, cell_seconds: int = CELL_SECONDS
    ) -> dict:
        """Re-check one notebook; return {grade_id: {...}} plus timing."""
        import nbformat

        t0 = time.time()
        nb = nbformat.read(source_nb, as_version=4)
        work = Path(tempfile.mkdtemp(prefix="recheck-"))
        cwd = os.getcwd()
        try:
            _stage(work, assets, answers, Path(source_nb).stem)
            os.chdir(work)
            self._reset()
            results = self._run_cells(nb, answers, cell_seconds)
            _close_figures()
        finally:
            os.chdir(cwd)
            shutil.rmtree(work, ignore_errors=True)
            with contextlib.suppress(Exception):
                self._reset()
        return {"cells": results, "seconds": round(time.time() - t0, 3)}

    def _run_cells(self, nb, answers: dict | None, cell_seconds: int) -> dict[str, dict]:
        """Run the instructor's cells in order and score the test cells: {grade_id: entry}."""
        from nbgrader import utils

        results: dict[str, dict] = {}
        for cell in nb.cells:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            is_grade, is_solution = utils.is_grade(cell), utils.is_solution(cell)
            if is_solution and not is_grade:
                continue  # the student's code: never run here
            if not is_grade:
                self._run(cell.source, cell_seconds, silent=True)  # nothing to display here
                continue
            if is_solution:
                continue  # autograded answer cells are not scored by output
            results[cell.metadata["nbgrader"]["grade_id"]] = self._run_test(cell, answers, cell_seconds)
        return results

    def _run_test(self, cell, answers: dict | None, cell_seconds: int) -> dict:
        """Run one test cell on the recorded answers; its entry (max, score, messages, output, error)."""
        points = float(cell.metadata["nbgrader"].get("points", 0) or 0)
        # the student's variables this test exports are set to their
        # recorded plain values (visible self-checks may print them)
        self._inject(exported_variables(cell.source), answers)
        visible, hidden = split_hidden(cell.source)
        if visible.strip():
            self._run(visible, cell_seconds, silent=True)  # its errors do not score
        res, cap, timed_out = self._run(hidden, cell_seconds)
        out = "" if cap is None else "\n".join(line for line in cap.stdout.splitlines() if not line.startswith("Out["))
        entry = {
            "max": points,
            "score": 0.0,
            "messages": [line.strip() for line in out.splitlines() if MESSAGE_RE.search(line)],
            "output": out[-4000:],
            "error": None,
        }
        if timed_out:
            entry["error"] = f"复核超时（{cell_seconds} 秒）"
        elif res.error_before_exec is not None or res.error_in_exec is not None:
            err = res.error_in_exec or res.error_before_exec
            entry["error"] = f"{type(err).__name__}: {err}"[:500]
        else:
            entry["score"] = _cell_score(res.result, points)
        return entry


def _stage(work: Path, assets: str | None, answers: dict | None, stem: str) -> None:
    """The notebook's data files (linked) and the answer file, in the re-check's folder."""
    if assets:
        for p in Path(assets).iterdir():
            if p.suffix == ".ipynb" or ".answers.json" in p.name or p.name.startswith("."):
                continue
            with contextlib.suppress(OSError):
                (work / p.name).symlink_to(p.resolve())
    if answers is not None:
        (work / f"{stem}.answers.json").write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")


def _cell_score(value, points: float) -> float:
    """A test cell's score from its last expression, as nbgrader reads it.

    >>> _cell_score(None, 10.0), _cell_score(4, 10.0), _cell_score(12, 10.0), _cell_score("x", 10.0)
    (10.0, 4.0, 10.0, 10.0)
    """
    if value is None:
        return points  # nbgrader: no output means full credit
    try:
        return min(max(float(value), 0.0), points)
    except (TypeError, ValueError):
        return points


def _close_figures() -> None:
    """Free the figures the cells drew (the server lives on for the next notebook)."""
    with contextlib.suppress(Exception):
        import matplotlib.pyplot as plt

        plt.close("all")


def serve() -> int:
    """JSON-lines server: one request per line, one reply per line on the real stdout."""
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # everything else printed goes to stderr
    sys.stdout = sys.stderr
    engine = Engine()
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            reply = engine.run(
                req["source"], req.get("answers"), req.get("assets"), int(req.get("cell_seconds", CELL_SECONDS))
            )
            reply["ok"] = True
        except Exception as exc:  # noqa: BLE001 - reported to the worker
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:1000]}
        proto.write(json.dumps(reply, ensure_ascii=False) + "\n")
    return 0


# -- the client (used by grading workers and the post-convert hook) -------------


class RecheckError(Exception):
    pass


class Client:
    """A re-check server process, started on first use and restarted after a failure."""

    def __init__(self, env: dict | None = None, log=None):
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log = log
        self.ready = False

    def start(self) -> None:
        """Start the server now (it warms up while the caller does other work)."""
        if self.proc is None or self.proc.poll() is not None:
            self._spawn()

    def _spawn(self) -> None:
        env = dict(self.env or os.environ)
        env["COURSE_RECHECK"] = "1"
        env["MPLBACKEND"] = "Agg"
        env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "grading.recheck", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log or subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
            cwd=str(REPO),
        )
        self.ready = False

    def _ensure_ready(self) -> None:
        self.start()
        if not self.ready:
            line = self._readline(120)
            if not line or not json.loads(line).get("ready"):
                self.close()
                raise RecheckError("复核进程无法启动")
            self.ready = True

    def _readline(self, timeout: float) -> str | None:
        assert self.proc is not None and self.proc.stdout is not None
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not r:
            return None
        return self.proc.stdout.readline() or None

    def run(
        self,
        source: Path,
        answers: dict | None,
        assets: Path | None,
        timeout: float = 600,
        cell_seconds: int = CELL_SECONDS,
    ) -> dict:
        self._ensure_ready()
        req = {
            "source": str(source),
            "answers": answers,
            "assets": str(assets) if assets else None,
            "cell_seconds": cell_seconds,
        }
        try:
            self.proc.stdin.write(json.dumps(req, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
            line = self._readline(timeout)
        except (BrokenPipeError, OSError):
            line = None
        if not line:
            self.close()
            raise RecheckError("复核进程没有在规定时间内返回结果")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise RecheckError(reply.get("error", "复核失败"))
        return reply

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self.proc.stdin.close()
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


if __name__ == "__main__":  # pragma: no cover
    if "--serve" in sys.argv:
        raise SystemExit(serve())
    print("usage: python -m grading.recheck --serve")
    raise SystemExit(2)
