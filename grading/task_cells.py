"""The graded cells of a declared task, written into a source notebook.

A new exercise is a declaration in ``grading/reference/<module>/<file>.py``
(export name, dimension id, points, kind, checks with their 提升方向: see
grading/AUTHORING.md) plus two cells in the notebook.  This module writes those
two cells from the declaration, so their names, points, dimension prefix and
form can not drift from it:

* the answer cell (``solution``, grade_id ``<dim>_<task>_answer``): the student's
  variable, a solution region for the author to fill (a form task reads the
  notebook's form: ``title_answer = title_form.answers()``), and for a code
  task a ``### BEGIN SCAFFOLD`` region;
* the test cell (``grade``, locked, the declared points, grade_id
  ``<dim>_<task>``): ``course.check`` visibly, ``course.export`` +
  ``course.grade`` hidden.

Mistakes get a Chinese :class:`AuthoringError` that says what to fix (an
unknown task, a dimension the settings lack, cells already there, a form task
in a notebook without a form, an ``--after`` cell that does not exist).
``python -m grading check`` then finds what only the author can fix (the
solution still the template, a blank too many ...).

>>> from grading.reference.tasks import Task
>>> answer, test = cell_sources(Task("picks", title="选择", dim="d1", points=4, kind="form", var="pick_answer"),
...                             form="pick_form")
>>> print(answer.splitlines()[0])
pick_answer = pick_form.answers()
>>> print(test.splitlines()[0])
course.check("picks", pick_answer)
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import nbformat

from course.modules import folder as module_folder

from .nbfiles import cell_meta, write_clean

_FORM_MADE = re.compile(r"^(?P<var>[A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?(?P<cls>\w*Form\w*)\(", re.M)
#: the template lines the author replaces (grading check reports them when left)
FORM_TEMPLATE = "{var} = {{}}   # 参考答案：与表单保存的内容同样的字典，从设置和数据算出"
CODE_TEMPLATE = "{var} = ...   # 参考解答：从设置和数据算出，不写死数值"


class AuthoringError(Exception):
    """A declaration or notebook the helper cannot use; the message is Chinese and says what to fix."""


def find_task(module: str, notebook: str, name: str):
    """The declared task, checked against the settings' rubric (AuthoringError otherwise)."""
    from course import settings

    from .reference import registry

    if module not in settings.MODULES:
        raise AuthoringError(f"没有模块 {module}（可选：{'、'.join(settings.MODULES)}）。")
    declared = registry().get((module, notebook), {})
    if not declared:
        others = sorted(nb for (m, nb) in registry() if m == module)
        raise AuthoringError(
            f"grading/reference/{module}/ 里没有为笔记本 {notebook} 声明任何任务。先写任务声明"
            f'（NOTEBOOK = "{notebook}" 与 TASKS = [...]，见 grading/AUTHORING.md）。'
            + (f"已有声明的笔记本：{'、'.join(others)}。" if others else "")
        )
    if name not in declared:
        close = difflib.get_close_matches(name, list(declared), n=1)
        raise AuthoringError(
            f"{module}/{notebook} 没有声明任务「{name}」。已声明的任务：{'、'.join(declared)}。"
            + (f"你是不是想写 {close[0]}？" if close else "")
        )
    task = declared[name]
    dim = settings.dimension(module, task.dim)
    if dim is None:
        ids = "、".join(d.id for d in settings.rubric(module))
        raise AuthoringError(
            f"任务「{name}」的维度 {task.dim} 不在设置文件 {module} 的评分维度里（有：{ids}）：改任务声明的 dim。"
        )
    if dim.kind != "auto":
        raise AuthoringError(
            f"任务「{name}」的维度 {task.dim}（{dim.name}）不是自动评分维度（kind: {dim.kind}），"
            "自动评分的任务只能计入 kind 为 auto 的维度。"
        )
    if not task.points > 0:
        raise AuthoringError(f"任务「{name}」的分值 points 应大于 0（现在是 {task.points!r}）。")
    return task


def cell_sources(task, form: str | None = None) -> tuple[str, str]:
    """(answer cell, test cell) sources of a task; ``form`` is the notebook's form variable."""
    var = task.var
    if form is not None:
        answer = (
            f"{var} = {form}.answers()\n### BEGIN SOLUTION\nif {var} is None:\n"
            f"    {FORM_TEMPLATE.format(var=var)}\n### END SOLUTION"
        )
    elif task.kind == "scaffold":
        answer = (
            f"{var} = None\n### BEGIN SOLUTION\n{CODE_TEMPLATE.format(var=var)}\n### END SOLUTION\n"
            f"### BEGIN SCAFFOLD\n# {var} = ___   # 学生拿到的代码骨架：最多 3 个空格，每个空格填一个名字、数字或选项\n"
            "### END SCAFFOLD"
        )
    else:
        answer = f"{var} = None\n### BEGIN SOLUTION\n{CODE_TEMPLATE.format(var=var)}\n### END SOLUTION"
    test = (
        f'course.check("{task.name}", {var})\n'
        "### BEGIN HIDDEN TESTS\n"
        f'_v = course.export("{task.name}", globals().get("{var}"))\n'
        f'course.grade("{task.name}", _v)\n'
        "### END HIDDEN TESTS"
    )
    return answer, test


def form_variables(nb, before: int | None = None) -> list[str]:
    """Form variables made by code cells above ``before`` (``title_form = TitleForm()``), nearest first,
    the ones no cell reads with ``.answers()`` yet before the others."""
    cells = nb.cells[:before] if before is not None else nb.cells
    made: list[str] = []
    for c in cells:
        if c.cell_type == "code":
            made += [m.group("var") for m in _FORM_MADE.finditer(c.source)]
    made = list(dict.fromkeys(reversed(made)))
    read = {v for c in nb.cells if c.cell_type == "code" for v in made if f"{v}.answers()" in c.source}
    return [v for v in made if v not in read] + [v for v in made if v in read]


def insertion_index(nb, after: str | None) -> int:
    """Where the two cells go: after a cell named by grade_id, cell id or number (1 = first); default the end."""
    if after is None or after == "":
        return len(nb.cells)
    if str(after).isdigit():
        n = int(after)
        if not 1 <= n <= len(nb.cells):
            raise AuthoringError(f"--after {after}：笔记本只有 {len(nb.cells)} 个单元格（编号从 1 开始）。")
        return n
    for i, c in enumerate(nb.cells):
        if c.metadata.get("nbgrader", {}).get("grade_id") == after or c.get("id") == after:
            return i + 1
    gids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    gids = [g for g in gids if g and not g.startswith("ro_")]
    raise AuthoringError(
        f"--after {after}：笔记本里没有这个 grade_id 或单元格 id。"
        f"可以写单元格编号（1-{len(nb.cells)}），或这些 grade_id：{'、'.join(gids) or '（无）'}。"
    )


def add_task_cells(
    module: str, notebook: str, name: str, path: Path | None = None, after: str | None = None, form: str | None = None
) -> tuple[Path, int]:
    """Insert a declared task's answer and test cells; return (notebook path, index of the answer cell)."""
    task = find_task(module, notebook, name)
    path = Path(path or module_folder(module) / f"{notebook}.ipynb")
    if not path.is_file():
        raise AuthoringError(
            f'找不到笔记本 {path}：先建好笔记本（第一个代码单元格 course.start("{module}", "{notebook}")）。'
        )
    nb = nbformat.read(path, as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if task.grade_id in ids or f"{task.grade_id}_answer" in ids:
        raise AuthoringError(
            f"{path.name} 里已经有任务「{name}」的单元格（grade_id {task.grade_id}），不会重复添加；"
            "要重做，先在 JupyterLab 里删掉那两个单元格。"
        )
    at = insertion_index(nb, after)
    if task.kind == "form" or (task.kind == "text" and form):
        found = form_variables(nb, at)
        if form is None:
            if not found:
                raise AuthoringError(
                    f"任务「{name}」是表单题，但 {path.name} 在插入位置上面没有表单变量："
                    "先加一个显示表单的单元格（如 title_form = TitleForm()），或用 --form 写出表单变量名。"
                )
            form = found[0]
        elif form not in found:
            raise AuthoringError(
                f"--form {form}：插入位置上面没有单元格创建表单 {form}（找到的表单变量：{'、'.join(found) or '无'}）。"
            )
    answer, test = cell_sources(task, form if task.kind in ("form", "text") else None)
    a = nbformat.v4.new_code_cell(answer)
    a.metadata.update(cell_meta(solution=True, grade_id=f"{task.grade_id}_answer"))
    c = nbformat.v4.new_code_cell(test)
    c.metadata.update(cell_meta(grade=True, locked=True, points=task.points, grade_id=task.grade_id))
    nb.cells[at:at] = [a, c]
    nbformat.validate(nb)
    write_clean(nb, path)
    return path, at
