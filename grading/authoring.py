"""Authoring source notebooks: cell builders with nbgrader metadata, and the
metadata check a teacher runs before release (``python -m grading check``).

Conventions (see grading/AUTHORING.md):

* ``grade_id`` starts with the rubric dimension it scores: ``d1_`` .. ``d5_``,
  the stable ``id`` of the dimension in ``course/settings.yaml`` (not its
  position: a teacher may reorder the rubric).  The grading side adds each
  dimension's points per student from these prefixes.
* Autograded answer cells (``solution=True``) define a variable and end their
  solution region; the released stub never raises.
* Test cells are locked grade cells; the hidden part starts with
  ``_v = course.export("<name>", globals().get("<var>"))`` and checks only
  ``_v``, ending with ``checks.score()`` (partial credit).
* The remark dimension (备注, kind ``remark``) is one manually graded cell per
  module; the timeliness dimension has no cells.

>>> nb = Notebook("module1_listing", "demo")
>>> nb.test("d1_title", 5, "checks.score()")["metadata"]["nbgrader"]["points"]
5
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.modules import folder as module_folder

from .nbfiles import NBGRADER_SCHEMA, cell_meta, source_notebooks, strip_outputs, write_clean
from .task_cells import AuthoringError, add_task_cells, cell_sources, find_task, form_variables

__all__ = ["Notebook", "check_module", "check_all", "main", "source_notebooks", "strip_outputs", "write_clean"]
_ID_RE = re.compile(r"^d(\d)_[a-z0-9_]+$")


class Notebook:
    """Build one source notebook cell by cell, then ``save`` it (outputs empty)."""

    def __init__(self, module: str, name: str):
        self.module = module
        self.name = name
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata = {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}-{self._n:02d}"

    def md(self, text: str, *, locked: bool = True):
        cell = nbformat.v4.new_markdown_cell(text.strip("\n"))
        cell.id = self._id("md")
        if locked:
            cell.metadata.update(cell_meta(locked=True, grade_id=f"ro_{cell.id.replace('-', '_')}"))
        self.nb.cells.append(cell)
        return cell

    def code(self, source: str, *, locked: bool = False):
        """An instructor code cell (setup, data loading, forms, self-checks)."""
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("code")
        if locked:
            cell.metadata.update(cell_meta(locked=True, grade_id=f"ro_{cell.id.replace('-', '_')}"))
        self.nb.cells.append(cell)
        return cell

    def answer(self, grade_id: str, source: str):
        """An autograded answer cell: the student's code, with a solution region."""
        if "### BEGIN SOLUTION" not in source:
            raise ValueError(f"{grade_id}: answer cell needs a ### BEGIN SOLUTION region")
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("answer")
        cell.metadata.update(cell_meta(solution=True, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def test(self, grade_id: str, points: float, source: str):
        """A locked, graded test cell worth ``points``."""
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("test")
        cell.metadata.update(cell_meta(grade=True, locked=True, points=points, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def manual(self, grade_id: str, points: float, prompt_answer: str):
        """A manually graded markdown answer (written analysis, 备注)."""
        cell = nbformat.v4.new_markdown_cell(prompt_answer.strip("\n"))
        cell.id = self._id("manual")
        cell.metadata.update(cell_meta(grade=True, solution=True, points=points, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def save(self, path: str | Path | None = None) -> Path:
        path = Path(path) if path else module_folder(self.module) / f"{self.name}.ipynb"
        nbformat.validate(self.nb)
        write_clean(self.nb, path)
        return path


# -- checking source notebooks before release ---------------------------------

_START_RE = re.compile(r"""course\.start\(\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']""")


def _code_lines(src: str) -> list[str]:
    """Non-empty, non-comment lines (region markers removed)."""
    out = []
    for line in src.splitlines():
        line = re.sub(r"\s+#[^'\"]*$", "", line.strip())  # a trailing comment
        if line and not line.startswith("#"):
            out.append(line)
    return out


def check_module(module: str, module_dir: Path | None = None) -> list[str]:
    """Problems (Chinese) with a module's nbgrader metadata; empty when fine.

    What a teacher who edited a source notebook is told before release:

    * every notebook starts with ``course.start("<module>", "<notebook>")`` naming
      its own folder and file (otherwise answers go to the wrong answer file);
    * grade_ids are unique: graded and answer cells across the whole module,
      read-only cells within their notebook (what nbgrader itself requires);
    * every graded cell is tagged with a dimension (``d1_`` ...) of the module's
      rubric, has points > 0, and is locked; the timeliness dimension has no
      cells, the remark dimension exactly one manually graded markdown cell;
    * every auto and remark dimension has points;
    * solution and hidden-test regions are paired; a graded code cell ends with
      ``….score()`` (otherwise nbgrader gives full points to any cell that does
      not raise) and its hidden part records the answer with ``course.export``;
    * an answer cell gives its variable a value before ``### BEGIN SOLUTION``
      (the released stub must not leave it undefined);
    * outputs are stripped and no answer file sits in the source folder.
    """
    from course import settings

    module_dir = Path(module_dir or module_folder(module))
    check = _ModuleCheck(module, settings.rubric(module))
    notebooks = source_notebooks(module_dir)
    if not notebooks:
        return [f"{module}：没有找到任何笔记本。"]
    for stray in sorted(module_dir.glob("*.answers.json*")):
        check.problems.append(f"{module}：源文件夹里有答案文件 {stray.name}，发布前请删除（它会被当作素材发给学生）。")
    for path in notebooks:
        check.notebook(path)
    check.dimension_totals()
    return check.problems


@dataclass
class _ModuleCheck:
    """The state of :func:`check_module` across a module's notebooks."""

    module: str
    rubric: list
    problems: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # grade_id -> where it was first
    points: dict[str, float] = field(default_factory=dict)  # dimension id -> points of its cells
    cells: dict[str, int] = field(default_factory=dict)  # dimension id -> number of its cells

    def __post_init__(self):
        self.by_id = {d.id: d for d in self.rubric}
        self.points = {d.id: 0.0 for d in self.rubric}
        self.cells = {d.id: 0 for d in self.rubric}

    def notebook(self, path: Path) -> None:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported
            self.problems.append(f"{path.name}：无法读取（{exc}）。")
            return
        self.start_call(path, nb)
        local: set[str] = set()
        for i, cell in enumerate(nb.cells, 1):
            self.cell(path, i, cell, local)

    def start_call(self, path: Path, nb) -> None:
        """The first code cell calls ``course.start`` with this module and notebook."""
        module = self.module
        first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
        m = _START_RE.search(first_code.source) if first_code is not None else None
        if m is None:
            self.problems.append(f'{path.name}：第一个代码单元格应调用 course.start("{module}", "{path.stem}")。')
        elif (m.group(1), m.group(2)) != (module, path.stem):
            self.problems.append(
                f'{path.name}：course.start("{m.group(1)}", "{m.group(2)}") 应为 '
                f'course.start("{module}", "{path.stem}")（模块文件夹名与笔记本文件名，不含 .ipynb）。'
            )

    def cell(self, path: Path, i: int, cell, local: set[str]) -> None:
        meta = cell.metadata.get("nbgrader")
        where = f"{path.name} 第 {i} 个单元格"
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            self.problems.append(f"{where}：源笔记本应清除输出（运行 python -m grading strip）。")
        if not meta:
            return
        gid = meta.get("grade_id")
        if not gid:
            self.problems.append(f"{where}：nbgrader 单元格缺少 grade_id。")
            return
        self.unique_id(path, where, gid, local)
        if meta.get("schema_version", NBGRADER_SCHEMA) != NBGRADER_SCHEMA:
            self.problems.append(f"{where}「{gid}」：nbgrader 元数据版本应为 {NBGRADER_SCHEMA}。")
        if cell.cell_type == "code":
            self.regions(f"{path.name}「{gid}」", cell.source, meta)
        if meta.get("grade"):
            self.graded(f"{path.name}「{gid}」", gid, cell, meta)

    def unique_id(self, path: Path, where: str, gid: str, local: set[str]) -> None:
        if gid in local:
            self.problems.append(f"{where}：grade_id「{gid}」在本笔记本中重复（复制单元格后请改名）。")
        local.add(gid)
        if not gid.startswith("ro_"):
            if gid in self.seen and not self.seen[gid].startswith(path.name + " "):
                self.problems.append(f"{where}：grade_id「{gid}」与 {self.seen[gid]} 重复（同一模块内必须唯一）。")
            self.seen.setdefault(gid, where)

    def regions(self, at: str, src: str, meta: dict) -> None:
        """Solution and hidden-test markers paired; an answer cell's variable set before its solution."""
        if src.count("### BEGIN SOLUTION") != src.count("### END SOLUTION"):
            self.problems.append(f"{at}：BEGIN SOLUTION 与 END SOLUTION 不成对。")
        if src.count("### BEGIN HIDDEN TESTS") != src.count("### END HIDDEN TESTS"):
            self.problems.append(f"{at}：BEGIN HIDDEN TESTS 与 END HIDDEN TESTS 不成对。")
        if "### BEGIN SOLUTION" in src and not meta.get("solution"):
            self.problems.append(f"{at}：有解答区域但没有标记为答案单元格（solution），参考答案会发给学生。")
        if (
            meta.get("solution")
            and not meta.get("grade")
            and "### BEGIN SOLUTION" in src
            and not _code_lines(src.split("### BEGIN SOLUTION", 1)[0])
        ):
            self.problems.append(
                f"{at}：答案单元格在 ### BEGIN SOLUTION 之前应先给变量赋初值"
                "（如 x = None 或 x = form.answers()），否则学生版里这个变量不存在，后面的单元格会出错。"
            )

    def graded(self, at: str, gid: str, cell, meta: dict) -> None:
        """A graded cell: a dimension of the rubric that fits its kind, points, and a scoring test."""
        m = _ID_RE.match(gid)
        if not m:
            self.problems.append(
                f"{at}：评分单元格的 grade_id 应以维度编号（{'、'.join(d.id + '_' for d in self.rubric)}）"
                "开头并只用小写字母、数字、下划线。"
            )
            return
        dim = f"d{m.group(1)}"
        if dim not in self.by_id:
            self.problems.append(
                f"{at}：没有编号为 {dim} 的评分维度（设置文件中的维度编号：{'、'.join(self.by_id)}）。"
            )
            return
        self.dimension_kind(at, self.by_id[dim], cell, meta)
        try:
            pts = float(meta.get("points", 0))
        except (TypeError, ValueError):
            pts = 0
        if pts <= 0:
            self.problems.append(f"{at}：评分单元格的分值必须大于 0。")
        self.points[dim] += pts
        self.cells[dim] += 1
        if cell.cell_type == "code":
            self.test_cell(at, cell.source, meta)

    def dimension_kind(self, at: str, dim, cell, meta: dict) -> None:
        if dim.kind == "timeliness":
            self.problems.append(f"{at}：维度「{dim.name}」按提交时间计算，不能有评分单元格。")
        if dim.kind == "remark" and not (cell.cell_type == "markdown" and meta.get("solution")):
            self.problems.append(f"{at}：备注维度应是手动评分的文字单元格。")
        if cell.cell_type == "markdown" and not meta.get("solution"):
            self.problems.append(f"{at}：手动评分的文字单元格应同时是答案单元格（solution），学生才能填写。")

    def test_cell(self, at: str, src: str, meta: dict) -> None:
        if not meta.get("locked"):
            self.problems.append(f"{at}：测试单元格应锁定（locked）。")
        lines = _code_lines(src)
        if not lines or not (lines[-1].endswith(".score()") or lines[-1].startswith("course.grade(")):
            self.problems.append(
                f'{at}：测试单元格的最后一行应是 course.grade("任务名", _v)（部分得分）；否则只要不报错就得满分。'
            )
        if "### BEGIN HIDDEN TESTS" in src and "course.export(" not in src.split("### BEGIN HIDDEN TESTS", 1)[1]:
            self.problems.append(
                f'{at}：隐藏测试的第一行应是 _v = course.export("名称", '
                'globals().get("变量"))，评分端才能在学生内核之外复核。'
            )

    def dimension_totals(self) -> None:
        for dim in self.rubric:
            if dim.kind in ("auto", "remark") and self.points[dim.id] <= 0:
                self.problems.append(f"{self.module}：维度「{dim.name}」({dim.id}_) 没有任何评分单元格。")
            if dim.kind == "remark" and self.cells[dim.id] > 1:
                self.problems.append(
                    f"{self.module}：维度「{dim.name}」({dim.id}_) 应只有一个手动评分单元格，"
                    f"现在有 {self.cells[dim.id]} 个。"
                )


def check_all(modules: Iterable[str] | None = None) -> dict[str, list[str]]:
    """:func:`check_module` of every module of the registry (or of ``modules``)."""
    from course.modules import MODULES

    return {m: check_module(m) for m in (modules or MODULES)}


class _ChineseParser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own messages are English
        self.print_usage()
        self.exit(2, f"用法有误：{message}。运行 python -m grading.authoring --help 查看写法。\n")


def _list(module: str, notebook: str | None) -> int:
    from .reference import registry

    rows = [
        (nb, t)
        for (m, nb), tasks in sorted(registry().items())
        if m == module and (notebook is None or nb == notebook)
        for t in tasks.values()
    ]
    if not rows:
        print(f"grading/reference/{module}/ 里{'没有为 ' + notebook + ' ' if notebook else '还没有'}声明任务。")
        return 1
    for nb, t in rows:
        print(f"{nb}  {t.name}（{t.title}）  {t.grade_id}  {t.points:g} 分  {t.kind}  变量 {t.var}")
    return 0


def _parser() -> argparse.ArgumentParser:
    ap = _ChineseParser(
        prog="python -m grading.authoring",
        description="按 grading/reference 中的任务声明生成评分单元格（写法见 grading/AUTHORING.md）",
    )
    ap.add_argument(
        "action",
        choices=["list", "cells", "add"],
        help="list：列出声明的任务；cells：打印两个单元格；add：插入源笔记本",
    )
    ap.add_argument("module")
    ap.add_argument("notebook", nargs="?", help="笔记本文件名，不含 .ipynb")
    ap.add_argument("task", nargs="?", help="任务名（声明里的第一个参数）")
    ap.add_argument("--after", help="插在这个单元格后面：grade_id、单元格 id 或编号（1 = 第一个）；默认放在最后")
    ap.add_argument("--form", help="表单题读取的表单变量（默认：插入位置上面最近一个还没被读取的表单）")
    ap.add_argument("--file", help="笔记本文件（默认 <模块>/<笔记本>.ipynb）")
    return ap


def _print_cells(args) -> int:
    """``cells``: the two cells ``add`` would write, printed."""
    t = find_task(args.module, args.notebook, args.task)
    form = args.form
    path = Path(args.file or module_folder(args.module) / f"{args.notebook}.ipynb")
    if t.kind == "form" and form is None and path.is_file():
        found = form_variables(nbformat.read(path, as_version=4))
        form = found[0] if found else "这里写表单变量名"
    answer, test = cell_sources(t, form if t.kind in ("form", "text") else None)
    print(f"# ---- 答案单元格（solution，grade_id {t.grade_id}_answer）----\n{answer}\n")
    print(f"# ---- 测试单元格（grade，locked，{t.points:g} 分，grade_id {t.grade_id}）----\n{test}")
    return 0


def _add(args) -> int:
    """``add``: the two cells inserted into the source notebook."""
    path, at = add_task_cells(
        args.module, args.notebook, args.task, Path(args.file) if args.file else None, args.after, args.form
    )
    print(
        f"✓ 已在 {path.name} 第 {at + 1}、{at + 2} 个单元格加入任务「{args.task}」的答案单元格和测试单元格。\n"
        "  下一步：在答案单元格的 ### BEGIN SOLUTION 区域写参考解答（代码题再写 ### BEGIN SCAFFOLD 骨架），"
        "代码题在答案单元格上方加提示阶梯 course.hints(...)，然后运行 python -m grading check。"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m grading.authoring list|cells|add MODULE [NOTEBOOK TASK] [--after CELL] [--form VAR]``."""
    args = _parser().parse_args(argv)
    if args.action == "list":
        return _list(args.module, args.notebook)
    if not (args.notebook and args.task):
        print(
            f"✗ {args.action} 需要写出模块、笔记本和任务名，例如：python -m grading.authoring {args.action} "
            "module1_listing 02_title kw_value"
        )
        return 2
    try:
        return _print_cells(args) if args.action == "cells" else _add(args)
    except AuthoringError as exc:
        print(f"✗ {exc}")
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
