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

import re
from pathlib import Path
from typing import Iterable

import nbformat

NBGRADER_SCHEMA = 3
_ID_RE = re.compile(r"^d(\d)_[a-z0-9_]+$")


def _meta(**kw) -> dict:
    base = {"schema_version": NBGRADER_SCHEMA, "grade": False, "solution": False, "locked": False}
    base.update(kw)
    return {"nbgrader": base}


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
            cell.metadata.update(_meta(locked=True, grade_id=f"ro_{cell.id.replace('-', '_')}"))
        self.nb.cells.append(cell)
        return cell

    def code(self, source: str, *, locked: bool = False):
        """An instructor code cell (setup, data loading, forms, self-checks)."""
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("code")
        if locked:
            cell.metadata.update(_meta(locked=True, grade_id=f"ro_{cell.id.replace('-', '_')}"))
        self.nb.cells.append(cell)
        return cell

    def answer(self, grade_id: str, source: str):
        """An autograded answer cell: the student's code, with a solution region."""
        if "### BEGIN SOLUTION" not in source:
            raise ValueError(f"{grade_id}: answer cell needs a ### BEGIN SOLUTION region")
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("answer")
        cell.metadata.update(_meta(solution=True, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def test(self, grade_id: str, points: float, source: str):
        """A locked, graded test cell worth ``points``."""
        cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell.id = self._id("test")
        cell.metadata.update(_meta(grade=True, locked=True, points=points, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def manual(self, grade_id: str, points: float, prompt_answer: str):
        """A manually graded markdown answer (written analysis, 备注)."""
        cell = nbformat.v4.new_markdown_cell(prompt_answer.strip("\n"))
        cell.id = self._id("manual")
        cell.metadata.update(_meta(grade=True, solution=True, points=points, grade_id=grade_id))
        self.nb.cells.append(cell)
        return cell

    def save(self, path: str | Path | None = None) -> Path:
        path = Path(path) if path else Path(__file__).resolve().parent.parent / self.module / f"{self.name}.ipynb"
        nbformat.validate(self.nb)
        write_clean(self.nb, path)
        return path


def strip_outputs(nb) -> None:
    """Remove outputs and execution counts: source notebooks diff well in git."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    for key in ("papermill", "widgets", "celltoolbar"):
        nb.metadata.pop(key, None)


def write_clean(nb, path: Path) -> None:
    strip_outputs(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    # nbformat splits sources into lines: diffs show the changed line only
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


# -- checking source notebooks before release ---------------------------------

def source_notebooks(module_dir: Path) -> list[Path]:
    return sorted(p for p in Path(module_dir).glob("*.ipynb") if not p.name.startswith("."))


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

    module_dir = Path(module_dir or Path(__file__).resolve().parent.parent / module)
    rubric = settings.rubric(module)
    problems: list[str] = []
    seen: dict[str, str] = {}
    by_id = {d.id: d for d in rubric}
    points_per_dim = {d.id: 0.0 for d in rubric}
    cells_per_dim = {d.id: 0 for d in rubric}
    notebooks = source_notebooks(module_dir)
    if not notebooks:
        return [f"{module}：没有找到任何笔记本。"]
    for stray in sorted(module_dir.glob("*.answers.json*")):
        problems.append(f"{module}：源文件夹里有答案文件 {stray.name}，发布前请删除（它会被当作素材发给学生）。")
    for path in notebooks:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported
            problems.append(f"{path.name}：无法读取（{exc}）。")
            continue
        first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
        m = _START_RE.search(first_code.source) if first_code is not None else None
        if m is None:
            problems.append(f"{path.name}：第一个代码单元格应调用 course.start(\"{module}\", \"{path.stem}\")。")
        elif (m.group(1), m.group(2)) != (module, path.stem):
            problems.append(f"{path.name}：course.start(\"{m.group(1)}\", \"{m.group(2)}\") 应为 "
                            f"course.start(\"{module}\", \"{path.stem}\")（模块文件夹名与笔记本文件名，不含 .ipynb）。")
        local: set[str] = set()
        for i, cell in enumerate(nb.cells, 1):
            meta = cell.metadata.get("nbgrader")
            where = f"{path.name} 第 {i} 个单元格"
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
                problems.append(f"{where}：源笔记本应清除输出（运行 python -m grading strip）。")
            if not meta:
                continue
            gid = meta.get("grade_id")
            if not gid:
                problems.append(f"{where}：nbgrader 单元格缺少 grade_id。")
                continue
            if gid in local:
                problems.append(f"{where}：grade_id「{gid}」在本笔记本中重复（复制单元格后请改名）。")
            local.add(gid)
            if not gid.startswith("ro_"):
                if gid in seen and not seen[gid].startswith(path.name + " "):
                    problems.append(f"{where}：grade_id「{gid}」与 {seen[gid]} 重复（同一模块内必须唯一）。")
                seen.setdefault(gid, where)
            if meta.get("schema_version", NBGRADER_SCHEMA) != NBGRADER_SCHEMA:
                problems.append(f"{where}「{gid}」：nbgrader 元数据版本应为 {NBGRADER_SCHEMA}。")
            src = cell.source
            if cell.cell_type == "code":
                if src.count("### BEGIN SOLUTION") != src.count("### END SOLUTION"):
                    problems.append(f"{path.name}「{gid}」：BEGIN SOLUTION 与 END SOLUTION 不成对。")
                if src.count("### BEGIN HIDDEN TESTS") != src.count("### END HIDDEN TESTS"):
                    problems.append(f"{path.name}「{gid}」：BEGIN HIDDEN TESTS 与 END HIDDEN TESTS 不成对。")
                if "### BEGIN SOLUTION" in src and not meta.get("solution"):
                    problems.append(f"{path.name}「{gid}」：有解答区域但没有标记为答案单元格（solution），参考答案会发给学生。")
                if meta.get("solution") and not meta.get("grade") and "### BEGIN SOLUTION" in src:
                    before = _code_lines(src.split("### BEGIN SOLUTION", 1)[0])
                    if not before:
                        problems.append(f"{path.name}「{gid}」：答案单元格在 ### BEGIN SOLUTION 之前应先给变量赋初值"
                                        "（如 x = None 或 x = form.answers()），否则学生版里这个变量不存在，后面的单元格会出错。")
            if meta.get("grade"):
                m = _ID_RE.match(gid)
                if not m:
                    problems.append(f"{path.name}「{gid}」：评分单元格的 grade_id 应以维度编号（{'、'.join(d.id + '_' for d in rubric)}）"
                                    "开头并只用小写字母、数字、下划线。")
                    continue
                dim = f"d{m.group(1)}"
                if dim not in by_id:
                    problems.append(f"{path.name}「{gid}」：没有编号为 {dim} 的评分维度（设置文件中的维度编号：{'、'.join(by_id)}）。")
                    continue
                kind = by_id[dim].kind
                if kind == "timeliness":
                    problems.append(f"{path.name}「{gid}」：维度「{by_id[dim].name}」按提交时间计算，不能有评分单元格。")
                if kind == "remark" and not (cell.cell_type == "markdown" and meta.get("solution")):
                    problems.append(f"{path.name}「{gid}」：备注维度应是手动评分的文字单元格。")
                if cell.cell_type == "markdown" and not meta.get("solution"):
                    problems.append(f"{path.name}「{gid}」：手动评分的文字单元格应同时是答案单元格（solution），学生才能填写。")
                try:
                    pts = float(meta.get("points", 0))
                except (TypeError, ValueError):
                    pts = 0
                if pts <= 0:
                    problems.append(f"{path.name}「{gid}」：评分单元格的分值必须大于 0。")
                points_per_dim[dim] += pts
                cells_per_dim[dim] += 1
                if cell.cell_type == "code":
                    if not meta.get("locked"):
                        problems.append(f"{path.name}「{gid}」：测试单元格应锁定（locked）。")
                    lines = _code_lines(src)
                    if not lines or not (lines[-1].endswith(".score()") or lines[-1].startswith("course.grade(")):
                        problems.append(f"{path.name}「{gid}」：测试单元格的最后一行应是 course.grade(\"任务名\", _v)（部分得分）；"
                                        "否则只要不报错就得满分。")
                    if "### BEGIN HIDDEN TESTS" in src:
                        hidden = src.split("### BEGIN HIDDEN TESTS", 1)[1]
                        if "course.export(" not in hidden:
                            problems.append(f"{path.name}「{gid}」：隐藏测试的第一行应是 _v = course.export(\"名称\", "
                                            "globals().get(\"变量\"))，评分端才能在学生内核之外复核。")
    for dim in rubric:
        if dim.kind in ("auto", "remark") and points_per_dim[dim.id] <= 0:
            problems.append(f"{module}：维度「{dim.name}」({dim.id}_) 没有任何评分单元格。")
        if dim.kind == "remark" and cells_per_dim[dim.id] > 1:
            problems.append(f"{module}：维度「{dim.name}」({dim.id}_) 应只有一个手动评分单元格，现在有 {cells_per_dim[dim.id]} 个。")
    return problems


def check_all(modules: Iterable[str] | None = None) -> dict[str, list[str]]:
    from .workspace import MODULES

    return {m: check_module(m) for m in (modules or MODULES)}


# -- graded cells from a task declaration (grading/task_cells.py) ------------------

def task_cell_sources(task, form: str | None = None) -> tuple[str, str]:
    """(answer cell, test cell) sources for a declared task (grading/reference).

    >>> from grading.reference.tasks import Task
    >>> ans, test = task_cell_sources(Task("n", title="数量", dim="d1", points=2, kind="scaffold"))
    >>> print(test)
    course.check("n", n)
    ### BEGIN HIDDEN TESTS
    _v = course.export("n", globals().get("n"))
    course.grade("n", _v)
    ### END HIDDEN TESTS
    """
    from .task_cells import cell_sources

    return cell_sources(task, form)


def add_task_cells(module: str, notebook: str, name: str, path: Path | None = None,
                   after: str | None = None, form: str | None = None) -> Path:
    """Insert the answer and test cells of a declared task (after a given cell, or at the end)."""
    from .task_cells import add_task_cells as add

    return add(module, notebook, name, path, after, form)[0]


class _ChineseParser(__import__("argparse").ArgumentParser):
    def error(self, message):  # argparse's own messages are English
        self.print_usage()
        self.exit(2, f"用法有误：{message}。运行 python -m grading.authoring --help 查看写法。\n")


def _list(module: str, notebook: str | None) -> int:
    from .reference import registry

    rows = [(nb, t) for (m, nb), tasks in sorted(registry().items()) if m == module and (notebook is None or nb == notebook)
            for t in tasks.values()]
    if not rows:
        print(f"grading/reference/{module}/ 里{'没有为 ' + notebook + ' ' if notebook else '还没有'}声明任务。")
        return 1
    for nb, t in rows:
        print(f"{nb}  {t.name}（{t.title}）  {t.grade_id}  {t.points:g} 分  {t.kind}  变量 {t.var}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m grading.authoring list|cells|add MODULE [NOTEBOOK TASK] [--after CELL] [--form VAR]``."""
    from .task_cells import AuthoringError, add_task_cells as add, cell_sources, find_task, form_variables

    ap = _ChineseParser(prog="python -m grading.authoring",
                        description="按 grading/reference 中的任务声明生成评分单元格（写法见 grading/AUTHORING.md）")
    ap.add_argument("action", choices=["list", "cells", "add"],
                    help="list：列出声明的任务；cells：打印两个单元格；add：插入源笔记本")
    ap.add_argument("module")
    ap.add_argument("notebook", nargs="?", help="笔记本文件名，不含 .ipynb")
    ap.add_argument("task", nargs="?", help="任务名（声明里的第一个参数）")
    ap.add_argument("--after", help="插在这个单元格后面：grade_id、单元格 id 或编号（1 = 第一个）；默认放在最后")
    ap.add_argument("--form", help="表单题读取的表单变量（默认：插入位置上面最近一个还没被读取的表单）")
    ap.add_argument("--file", help="笔记本文件（默认 <模块>/<笔记本>.ipynb）")
    args = ap.parse_args(argv)
    if args.action == "list":
        return _list(args.module, args.notebook)
    if not (args.notebook and args.task):
        print(f"✗ {args.action} 需要写出模块、笔记本和任务名，例如：python -m grading.authoring {args.action} "
              "module1_listing 02_title kw_value")
        return 2
    try:
        if args.action == "cells":
            t = find_task(args.module, args.notebook, args.task)
            form = args.form
            path = Path(args.file or Path(__file__).resolve().parent.parent / args.module / f"{args.notebook}.ipynb")
            if t.kind == "form" and form is None and path.is_file():
                found = form_variables(nbformat.read(path, as_version=4))
                form = found[0] if found else "这里写表单变量名"
            answer, test = cell_sources(t, form if t.kind in ("form", "text") else None)
            print(f"# ---- 答案单元格（solution，grade_id {t.grade_id}_answer）----\n{answer}\n")
            print(f"# ---- 测试单元格（grade，locked，{t.points:g} 分，grade_id {t.grade_id}）----\n{test}")
            return 0
        path, at = add(args.module, args.notebook, args.task, Path(args.file) if args.file else None,
                       args.after, args.form)
    except AuthoringError as exc:
        print(f"✗ {exc}")
        return 1
    print(f"✓ 已在 {path.name} 第 {at + 1}、{at + 2} 个单元格加入任务「{args.task}」的答案单元格和测试单元格。\n"
          "  下一步：在答案单元格的 ### BEGIN SOLUTION 区域写参考解答（代码题再写 ### BEGIN SCAFFOLD 骨架），"
          "代码题在答案单元格上方加提示阶梯 course.hints(...)，然后运行 python -m grading check。")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
