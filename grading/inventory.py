"""What a source notebook asks of a student: its graded tasks, their kind, points and blanks.

Read from the notebook's nbgrader metadata and the task declarations in
``grading/reference``; used by ``grading check`` (kinds of points, blanks,
consistency) and by the time estimate (``grading/estimate.py``).

Kinds (issue 13): ``form`` (a back-office form), ``scaffold`` (a code skeleton
with at most 3 blanks), ``text`` (a short Chinese answer), ``free`` (code typed
into an empty cell: optional 挑战 only).  A task that is not declared yet is
classified from its answer cell: a scaffold region -> scaffold, a form's
``.answers()`` -> form, otherwise free code.

>>> inv = notebook_inventory("module1_listing", REPO / "module1_listing" / "02_title.ipynb")
>>> [t.grade_id for t in inv.tasks][:1]
['d1_kw_value']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.modules import folder as module_folder

from .recheck import exported_variables, split_hidden
from .scaffold import scaffold_of, solution_of

REPO = Path(__file__).resolve().parent.parent
_FORM_CALL = re.compile(r"\.answers\(\)")
_GRADE_CALL = re.compile(r"""course\.grade\(\s*["'](?P<name>[^"']+)["']""")


@dataclass
class GradedTask:
    grade_id: str
    points: float
    dim: str
    kind: str
    var: str | None
    declared: str | None  # task name in grading/reference, when the hidden test calls course.grade
    answer_cell: int | None  # index of the answer cell that defines var
    scaffold: str | None = None
    blanks: int = 0
    effort: int = 0
    challenge: bool = False


@dataclass
class NotebookInventory:
    module: str
    path: Path
    tasks: list[GradedTask] = field(default_factory=list)
    manual: list[tuple[str, float, str]] = field(default_factory=list)  # (grade_id, points, dim)
    nb: object = None


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {}) or {}


def assigned(source: str) -> set[str]:
    """Names a cell assigns or defines at any level (for finding a task's answer cell)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(re.findall(r"^(\w+)\s*=", source, re.M))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _answer_cell(nb, var: str | None, before: int) -> int | None:
    if not var:
        return None
    for i in range(before - 1, -1, -1):
        c = nb.cells[i]
        if c.cell_type == "code" and _meta(c).get("solution") and var in assigned(c.source):
            return i
    return None


def _is_challenge(nb, index: int) -> bool:
    """A task under a heading that says 挑战 (optional free coding)."""
    for i in range(index, -1, -1):
        c = nb.cells[i]
        if c.cell_type == "markdown" and re.search(r"^#+ ", c.source, re.M):
            heads = [line for line in c.source.splitlines() if line.startswith("#")]
            return any("挑战" in h for h in heads)
    return False


def notebook_inventory(module: str, path: Path) -> NotebookInventory:
    from course.blanks import count_blanks

    try:
        from .reference import tasks as declared_tasks

        declared = declared_tasks(module, Path(path).stem)
    except Exception:  # noqa: BLE001 - a broken declaration is reported by grading check
        declared = {}
    nb = nbformat.read(path, as_version=4)
    inv = NotebookInventory(module, Path(path), nb=nb)
    for i, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if not meta.get("grade"):
            continue
        gid = meta.get("grade_id", "")
        dim = gid.split("_", 1)[0]
        pts = float(meta.get("points", 0) or 0)
        if cell.cell_type == "markdown":
            inv.manual.append((gid, pts, dim))
            continue
        _, hidden = split_hidden(cell.source)
        var = next(iter(exported_variables(hidden)), None)
        m = _GRADE_CALL.search(hidden)
        name = m.group("name") if m else None
        ans = _answer_cell(nb, var, i)
        src = nb.cells[ans].source if ans is not None else ""
        skeleton = scaffold_of(src) if ans is not None else None
        task = declared.get(name) if name else None
        if task is not None:
            kind = task.kind
        elif skeleton is not None:
            kind = "scaffold"
        elif _FORM_CALL.search(src):
            kind = "form"
        else:
            kind = "free"
        inv.tasks.append(
            GradedTask(
                grade_id=gid,
                points=pts,
                dim=dim,
                kind=kind,
                var=var,
                declared=name,
                answer_cell=ans,
                scaffold=skeleton,
                blanks=count_blanks(skeleton) if skeleton else 0,
                effort=task.effort if task is not None else 0,
                challenge=_is_challenge(nb, i),
            )
        )
    return inv


def module_inventory(module: str, folder: Path | None = None) -> list[NotebookInventory]:
    folder = Path(folder or module_folder(module))
    return [notebook_inventory(module, p) for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")]


def kind_shares(module: str, folder: Path | None = None) -> dict[str, float]:
    """Share of the module's automatic points by kind (0..1)."""
    points: dict[str, float] = {}
    for inv in module_inventory(module, folder):
        for t in inv.tasks:
            points[t.kind] = points.get(t.kind, 0.0) + t.points
    total = sum(points.values()) or 1.0
    return {k: points.get(k, 0.0) / total for k in ("form", "scaffold", "text", "free")}


def solution_text(inv: NotebookInventory, t: GradedTask) -> str | None:
    if t.answer_cell is None:
        return None
    return solution_of(inv.nb.cells[t.answer_cell].source)
