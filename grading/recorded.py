"""One student's recorded grading run, and its final scores after the clean re-check.

nbgrader grades a student in a grading worker (``grading autograde``) or in the
process of a plain ``nbgrader autograde`` (the post-convert hook).  Right after,
that process keeps what the run left as plain data, a :class:`RecordedRun`: the
in-kernel grades, the submitted answer files, the guard's events and export
snapshots, the final answer files.  :func:`finish` then re-checks every test
cell in the shared clean process (grading/recheck.py) and fills the student's
result with the in-kernel, re-check and final score of each cell.

With the sandbox, a test cell's final score is the clean re-check's (the
in-kernel score is not trusted); without it (the TA's explicit
``--unsafe-no-sandbox``), the lower of the two.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from .gradebook import gradebook
from .guard import EVENTS, read_answers
from .workspace import Workspace


@dataclass
class RecordedRun:
    """What nbgrader's run of one student's submission left for the re-check (plain data, JSON-safe)."""

    kernel: dict  # {"timestamp", "notebooks": {stem: {"grades", "comments"}}} from the gradebook
    staged: dict  # the submitted answer files by notebook stem (pre-filled exports removed)
    present: list[str]  # the notebooks that were there to grade
    nbgrader_ok: bool  # nbgrader finished the run
    events: dict  # the guard's record by stem: events, snapshots, sandbox, deferred cells
    final_answers: dict  # the answer files after the run, by stem
    sandbox: str | None = None  # the backend this process was told to use

    @classmethod
    def read(
        cls,
        ws: Workspace,
        module: str,
        student: str,
        db_url: str,
        *,
        staged: dict,
        present: list[str],
        nbgrader_ok: bool,
        sandbox: str | None,
    ) -> RecordedRun:
        """Read right after the run, in the process that ran it (the guard's record lives there)."""
        try:
            if not present:
                raise LookupError("nothing graded")
            kernel = read_kernel_grades(ws, db_url, module, student)
        except Exception:  # noqa: BLE001 - no submission row: nothing graded
            kernel = {"timestamp": None, "notebooks": {}}
        events = {
            stem: EVENTS.get(
                (student, module, stem), {"events": [], "snapshots": {}, "dead": None, "deferred": [], "sandbox": None}
            )
            for stem in ws.notebooks(module)
        }
        final = {stem: read_answers(ws.autograded(student, module) / f"{stem}.answers.json") for stem in present}
        return cls(kernel, staged, present, nbgrader_ok, events, final, sandbox)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RecordedRun:
        return cls(**data)

    def sandbox_used(self) -> str:
        """The sandbox the notebooks ran in (``off`` if any ran without; the one asked for if none ran).

        >>> run = RecordedRun({}, {}, ["a", "b"], True, {"a": {"sandbox": "bwrap"}, "b": {"sandbox": None}}, {})
        >>> run.sandbox_used(), RecordedRun({}, {}, [], True, {}, {}, "docker").sandbox_used()
        ('bwrap', 'docker')
        """
        modes = {(self.events.get(stem) or {}).get("sandbox") for stem in self.present} - {None}
        if "off" in modes:
            return "off"
        return sorted(modes)[0] if modes else (self.sandbox or "off")


def read_kernel_grades(ws: Workspace, db_url: str, module: str, student: str) -> dict:
    """The in-kernel grades and automatic comments of one submission in the gradebook ``db_url``."""
    out: dict = {"timestamp": None, "notebooks": {}}
    with gradebook(ws, db_url) as gb:
        sub = gb.find_submission(module, student)
        out["timestamp"] = sub.timestamp.isoformat() if sub.timestamp else None
        for nb in sub.notebooks:
            cells = {}
            for g in nb.grades:
                cells[g.name] = {
                    "auto": g.auto_score,
                    "max": float(g.max_score or 0.0),
                    "type": g.cell_type,
                    "needs_manual": bool(g.needs_manual_grade),
                }
            comments = {c.name: c.auto_comment for c in nb.comments}
            out["notebooks"][nb.name] = {"grades": cells, "comments": comments}
    return out


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


def finish(ws: Workspace, module: str, result: dict, run: RecordedRun, client, cell_timeout: int) -> dict:
    """Re-check each notebook of ``run`` with ``client`` and fill ``result`` with in-kernel, re-check
    and final scores (``result["student"]`` names the student)."""
    result["timestamp"] = run.kernel["timestamp"]
    result["sandbox"] = run.sandbox_used()
    t_rc = time.time()
    for stem in ws.notebooks(module):
        ev = run.events.get(stem) or {"events": [], "snapshots": {}, "dead": None}
        result["reasons"].extend(f"{stem}：{e}" for e in ev["events"])
        graded_ok = run.nbgrader_ok and stem in run.present
        recheck_cells = _recheck(ws, module, stem, run, ev, client, cell_timeout, result) if graded_ok else {}
        nb_kernel = run.kernel["notebooks"].get(stem, {"grades": {}, "comments": {}})
        sandboxed = (ev.get("sandbox") or result["sandbox"]) != "off"
        cells = {
            gid: _cell_result(g, recheck_cells.get(gid), graded_ok, sandboxed, gid in (ev.get("deferred") or []))
            for gid, g in nb_kernel["grades"].items()
        }
        result["notebooks"][stem] = {
            "cells": cells,
            "comments": nb_kernel.get("comments", {}),
            "submitted": stem in run.present,
        }
    result["seconds_recheck"] = round(time.time() - t_rc, 3)
    _report_disagreements(result)
    return result


def _recheck(
    ws: Workspace, module: str, stem: str, run: RecordedRun, ev: dict, client, cell_timeout: int, result: dict
) -> dict:
    """{grade_id: re-check reply} of one notebook ({} when the re-check failed; the reason is in ``result``)."""
    from .recheck import RecheckError, build_answers

    answers, notes = build_answers(run.staged.get(stem), ev["snapshots"], run.final_answers.get(stem), stem)
    result["notes"].extend(f"{stem}：{n}" for n in notes)
    try:
        reply = client.run(
            ws.source(module) / f"{stem}.ipynb",
            answers,
            ws.source(module),
            timeout=max(300, cell_timeout * 10),
            cell_seconds=cell_timeout,
        )
        return reply["cells"]
    except RecheckError as exc:
        result["reasons"].append(f"{stem}：干净复核失败（{exc}），自动评分单元格计 0 分，请助教查看。")
        result["status"] = "recheck_failed"
        return {}


def _cell_result(g: dict, rc: dict | None, graded_ok: bool, sandboxed: bool, deferred: bool) -> dict:
    """One graded cell's in-kernel, re-check and final score (code cells; others keep nbgrader's)."""
    cell = {
        "max": g["max"],
        "type": g["type"],
        "in_kernel": g["auto"],
        "recheck": None,
        "final": g["auto"],
        "needs_manual": g["needs_manual"],
        "messages": [],
        "error": None,
    }
    if g["type"] != "code":
        return cell
    if rc is not None:
        cell.update(recheck=rc["score"], messages=rc["messages"], error=rc["error"], output=rc["output"])
    if not graded_ok or rc is None:
        cell["final"] = 0.0
        return cell
    kern = g["auto"] if g["auto"] is not None else 0.0
    cell["final"], differ = final_score(kern, rc["score"], sandboxed, deferred)
    if differ:
        cell["needs_manual"] = True
        cell["disagree"] = True
    return cell


def _report_disagreements(result: dict) -> None:
    dis = [
        f"{stem}/{gid}（学生内核 {c['in_kernel'] or 0:g}，干净复核 {c['recheck']:g}）"
        for stem, nb in result["notebooks"].items()
        for gid, c in nb["cells"].items()
        if c.get("disagree")
    ]
    if dis:
        rule = "以干净复核为准" if result["sandbox"] != "off" else "已按较低分计"
        result["reasons"].append(f"学生内核中的得分与干净复核不一致，{rule}：" + "；".join(dis))
