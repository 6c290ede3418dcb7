"""Test helpers: run notebooks and the real nbgrader command line on a throwaway
class workspace.  Module tests use these to prove that the reference solution
scores full points, the unchanged student version zero, a partial answer in
between.

Example (in a test)::

    ws = harness.workspace(tmp_path)
    harness.nbgrader(ws, "generate_assignment", "module1_listing", "--force")
    released = harness.notebooks(ws / "release" / "module1_listing")
    harness.submit(ws, "module1_listing", "stu_blank", released)
    harness.submit(ws, "module1_listing", "stu_ref", harness.notebooks(REPO / "module1_listing"))
    scores = harness.autograde(ws, "module1_listing")
    assert scores["stu_ref"]["total"] == scores["stu_ref"]["max"]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = REPO / "datasets" / "data"


def env(**extra) -> dict:
    """Environment for subprocesses: the venv first on PATH, data and repo found."""
    e = dict(os.environ)
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    e.setdefault("COURSE_DATA_DIR", str(DATA))
    e["PYTHONPATH"] = str(REPO) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("NBGRADER_EXECUTION", None)
    e.update({k: str(v) for k, v in extra.items()})
    return e


def workspace(tmp_path: Path, extra_sources: dict[str, Path] | None = None) -> Path:
    """A fresh class workspace in ``tmp_path`` (modules linked, config written)."""
    from grading.workspace import ensure_workspace

    ws = ensure_workspace(Path(tmp_path) / "classroom")
    for name, folder in (extra_sources or {}).items():
        shutil.copytree(folder, ws / "source" / name)
    return ws


def nbgrader(ws: Path, *args: str, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the real ``nbgrader`` command in the workspace."""
    proc = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=ws, env=env(), capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        # nbgrader logs each student's traceback where it happens, long before the
        # summary at the end: show those first
        errs = proc.stderr.split("There was an error processing assignment: ")[1:]
        tracebacks = "\n".join("[traceback] " + e[:5000] for e in errs[:3])
        raise AssertionError(
            f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{tracebacks}\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    """All notebooks of a folder, by file name."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(folder).glob("*.ipynb"))}


def cell(nb, grade_id: str):
    """The cell with this nbgrader grade_id (KeyError if none)."""
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return c
    raise KeyError(grade_id)


def set_source(nb, grade_id: str, source: str):
    """Replace a cell's source, as a student typing into it would."""
    cell(nb, grade_id).source = source
    return nb


def submit(
    ws: Path,
    module: str,
    student: str,
    nbs: dict,
    answers: dict[str, dict] | None = None,
    files: dict[str, bytes] | None = None,
    timestamp: str | None = None,
) -> Path:
    """Place a submission in ``submitted/<student>/<module>/`` like nbgrader collect.

    ``answers`` maps a notebook stem to the content of its answer file.
    """
    dest = ws / "submitted" / student / module
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name, nb in nbs.items():
        nbformat.write(nb, dest / name)
    for stem, content in (answers or {}).items():
        (dest / f"{stem}.answers.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    for name, blob in (files or {}).items():
        (dest / name).write_bytes(blob)
    if timestamp:
        (dest / "timestamp.txt").write_text(timestamp)
    return dest


def form_answers(forms: dict[str, dict], notebook: str) -> dict:
    """An answer file's content with these saved form entries (raw = typed text).

    ``forms`` maps form key -> raw entries as typed; values are parsed by the
    real form code when the notebook runs, so tests give what a student types.
    """
    return {
        "format": 1,
        "notebook": notebook,
        "exports": {},
        "forms": {
            k: {"raw": v, "values": None, "problems": [], "saved_at": "2026-12-07T10:00:00", "needs_parse": True}
            for k, v in forms.items()
        },
    }


def max_points(folder: Path) -> dict[str, float]:
    """grade_id -> points of every graded cell of a folder's notebooks."""
    out = {}
    for nb in notebooks(folder).values():
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade"):
                out[meta["grade_id"]] = float(meta.get("points", 0))
    return out


def auto_ids(folder: Path) -> list[str]:
    """grade_ids of the automatically graded cells (every dimension but 备注 d5_)."""
    return [gid for gid in max_points(folder) if not gid.startswith("d5_")]


def autograde(ws: Path, module: str, *students: str) -> dict[str, dict]:
    """Autograde (real CLI) and return per student: grade_id -> score, total, max."""
    # nbgrader's --student takes one id (a glob): one call per named student
    if students:
        for s in students:
            nbgrader(ws, "autograde", module, "--force", "--create", "--student", s)
    else:
        nbgrader(ws, "autograde", module, "--force", "--create")
    return scores(ws, module)


def scores(ws: Path, module: str) -> dict[str, dict]:
    from nbgrader.api import Gradebook

    out: dict[str, dict] = {}
    with Gradebook(f"sqlite:///{ws / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(module):
            row: dict = {"total": 0.0, "max": 0.0}
            for nb in sub.notebooks:
                for g in nb.grades:
                    sc = g.score or 0.0
                    row[g.name] = sc
                    if g.auto_score is not None or g.cell_type == "code":
                        row["total"] += sc
                        row["max"] += g.max_score
            out[sub.student_id] = row
    return out


def execute(path: Path, cwd: Path | None = None, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute a notebook with nbclient (a fresh kernel), return it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd or Path(path).parent)}}
    ).execute()
    return nb


def copy_module(module: str, dest: Path) -> Path:
    """A copy of a module's source folder without any answer files."""
    target = Path(dest) / module
    shutil.copytree(REPO / module, target, ignore=shutil.ignore_patterns("*.answers.json*", ".ipynb_checkpoints"))
    return target
