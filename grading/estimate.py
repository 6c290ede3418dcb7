"""Minutes a student who does not program needs for a notebook, by a documented rule.

The rule (teacher guide: course/teacher/README.md, "用时估算"), per notebook:

==========================  ======================================================
reading                     Chinese characters of the text ÷ 250 per minute
                            (study reading of instructions with tables; ordinary
                            silent reading of Chinese is 300-500 per minute)
running a code cell         0.25 min each (run it, glance at what it printed); a cell with
                            blanks is not counted again: its run is part of its blanks
reading a table or output   0.5 min per cell whose last line shows a value
reading a chart             1 min per chart
reading a code skeleton     0.25 min per line of a scaffold a student fills
filling a blank ``___``     2 min each, graded or practice (look up the column or number, type, run)
filling a form field        1 min each (think, type; ``Task.effort`` fields)
writing a short text        4 min each (2-3 Chinese sentences)
checking a task             1 min per graded task or practice self-check (run it, read it, fix once)
free code (not a 挑战)       15 min each: a graded task typed into an empty cell,
                            which a release may not have outside 挑战 (counted so
                            that a notebook still being converted is not flattered)
==========================  ======================================================

A form task whose fields are not declared (``Task.effort``) counts 5 fields.

Optional 挑战 tasks (free code) are not counted: they are extra.  The total is
rounded up to 5 minutes.  ``python -m grading check`` prints the minutes of
every notebook against its module's slot in the workshop schedule.

>>> est = estimate_notebook("module1_listing", module_folder("module1_listing") / "02_title.ipynb")
>>> est.minutes > 0 and est.minutes % 5 == 0
True
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from course.modules import folder as module_folder

from .inventory import notebook_inventory

READ_CHARS_PER_MIN = 250
RUN_CELL = 0.25
SHOW_OUTPUT = 0.5
CHART = 1.0
SKELETON_LINE = 0.25
BLANK = 2.0
FORM_FIELD = 1.0
TEXT_ANSWER = 4.0
CHECK_CYCLE = 1.0
FREE_CODE = 15.0
UNDECLARED_FORM_FIELDS = 5

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9_.%]+")
_CHART = re.compile(r"\bplt\.|\.plot\(|\bsns\.|\.bar\(|\.hist\(|\.scatter\(")
_PRACTICE_CHECK = re.compile(r"\bguide\.check\(|\bcourse\.check\(")  # ungraded self-checks
_QUIET_CALLS = {"print", "course.check", "course.grade", "course.hints", "course.start", "guide.check"}


@dataclass
class Estimate:
    notebook: str
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def raw(self) -> float:
        return sum(self.parts.values())

    @property
    def minutes(self) -> int:
        return int(math.ceil(self.raw / 5.0) * 5)


def reading_chars(text: str) -> int:
    """Characters a reader spends time on: CJK characters, plus one per Latin word or number."""
    text = re.sub(r"<[^>]+>|[#*`|>-]", " ", text)
    return len(_CJK.findall(text)) + len(_WORD.findall(text))


def _call_name(node) -> str:
    if isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Name):
            return f.id
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return f"{f.value.id}.{f.attr}"
    return ""


def shows_output(source: str) -> bool:
    """True when a cell ends with an expression whose value is displayed (a table, a form)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return "display(" in source
    return _call_name(tree.body[-1].value) not in _QUIET_CALLS


def _rendered(text: str) -> str:
    from course import text as T

    try:
        return T.render(text)
    except Exception:  # noqa: BLE001 - a broken placeholder is reported by grading check
        return text


def inv_blanks(inv, index: int) -> int:
    """Blanks of the graded task whose answer cell is ``index`` (0 when none)."""
    return next((t.blanks for t in inv.tasks if t.answer_cell == index), 0)


def estimate_notebook(module: str, path: Path) -> Estimate:
    from .scaffold import split_scaffold

    inv = notebook_inventory(module, path)
    nb = inv.nb
    est = Estimate(Path(path).stem)
    chars = sum(
        reading_chars(_rendered(c.source))
        for c in nb.cells
        if c.cell_type == "markdown" and not c.metadata.get("nbgrader", {}).get("solution")
    )
    est.parts["阅读说明"] = chars / READ_CHARS_PER_MIN
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    challenge_cells = {t.answer_cell for t in inv.tasks if t.challenge}
    runnable = [c for i, c in enumerate(nb.cells) if c in code and i not in challenge_cells]
    # a cell with blanks is run as part of filling them (the blank's 2 minutes include "run")
    from course.blanks import count_blanks

    graded_cells = {t.answer_cell for t in inv.tasks}
    est.parts["运行单元格"] = RUN_CELL * sum(
        not (i in graded_cells and inv_blanks(inv, i)) and not count_blanks(split_scaffold(c.source)[0])
        for i, c in enumerate(nb.cells)
        if c in runnable
    )
    visible = [split_scaffold(c.source)[0] for c in runnable]
    est.parts["看表格与输出"] = SHOW_OUTPUT * sum(shows_output(s) for s in visible)
    est.parts["看图表"] = CHART * sum(bool(_CHART.search(s)) for s in visible)
    tasks = [t for t in inv.tasks if not t.challenge]
    est.parts["读代码骨架"] = SKELETON_LINE * sum(
        len([x for x in (t.scaffold or "").splitlines() if x.strip()]) for t in tasks
    )
    # every blank a student fills counts, graded or not (a practice cell's blank takes as long)
    practice = [
        s
        for i, (c, s) in enumerate(zip(nb.cells, [split_scaffold(c.source)[0] for c in nb.cells]))
        if c.cell_type == "code" and i not in graded_cells and not c.metadata.get("nbgrader", {}).get("grade")
    ]  # a test cell's check is its task's
    est.parts["填空"] = BLANK * (sum(t.blanks for t in tasks) + sum(count_blanks(s) for s in practice))
    est.parts["填表单"] = FORM_FIELD * sum(t.effort or UNDECLARED_FORM_FIELDS for t in tasks if t.kind == "form")
    est.parts["自由编程"] = FREE_CODE * sum(t.kind == "free" for t in tasks)
    texts = sum(t.effort or 1 for t in tasks if t.kind == "text") + len(inv.manual)
    est.parts["写文字"] = TEXT_ANSWER * texts
    practice_checks = sum(len(_PRACTICE_CHECK.findall(s)) for s in practice)
    est.parts["自检与修改"] = CHECK_CYCLE * (len(tasks) + practice_checks)
    return est


def estimate_module(module: str, folder: Path | None = None) -> list[Estimate]:
    folder = Path(folder or module_folder(module))
    return [estimate_notebook(module, p) for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")]
