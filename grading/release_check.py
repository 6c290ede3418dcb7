"""Checks of graded tasks before a release (part of ``python -m grading check``).

What ``grading.authoring.check_module`` does for nbgrader's metadata, this does
for the course's task conventions (grading/AUTHORING.md):

* every graded code cell hands its answer to a declared task: the hidden test
  is ``_v = course.export("<task>", globals().get("<var>"))`` then
  ``course.grade("<task>", _v)``; the task exists in ``grading/reference``,
  with the same points, dimension prefix and variable; the visible part runs
  ``course.check("<task>", <var>)``; the variable, and every other name the
  test cell reads, is defined (or imported) by a cell above; the solution is
  no longer the template ``python -m grading.authoring add`` wrote;
* a scaffold has 1-3 blanks, each one name, number or choice, and the solution
  is the scaffold with its blanks filled;
* free code only under a 挑战 heading, at most 20 % of a module's automatic
  points and none in modules 1 and 2;
* hidden tests carry no literal thresholds, product ids, brands, categories;
  reference graders name no product, brand or category of the shop;
* markdown placeholders name real settings.  (A threshold typed into the
  text instead of a placeholder is found by tests/test_settings_variants.py,
  which releases every module with moved thresholds and reads the text.)

>>> problems = task_problems("module1_listing")
>>> isinstance(problems, list)
True
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .inventory import REPO, GradedTask, NotebookInventory, assigned, module_inventory, solution_text
from .recheck import split_hidden
from .scaffold import MAX_BLANKS, blank_answers, is_single_token

FREE_SHARE_MAX = {"module1_listing": 0.0, "module2_campaign": 0.0}
FREE_SHARE_DEFAULT = 0.20
_CHECK_CALL = re.compile(r"""course\.check\(\s*["'](?P<name>[^"']+)["']\s*,\s*(?P<var>\w+)\s*\)""")


def _task_problems(inv: NotebookInventory, t: GradedTask, declared: dict) -> list[str]:
    where = f"{inv.path.name}「{t.grade_id}」"
    out: list[str] = []
    cell = next(c for c in inv.nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == t.grade_id)
    visible, hidden = split_hidden(cell.source)
    if t.declared is None:
        out.append(
            f'{where}：隐藏测试的最后一行应是 course.grade("任务名", _v)，评分逻辑写在 grading/reference/{inv.module}/ 的任务声明里。'
        )
        return out
    task = declared.get(t.declared)
    if task is None:
        out.append(f"{where}：grading/reference/{inv.module}/ 里没有为 {inv.path.stem} 声明任务「{t.declared}」。")
        return out
    if abs(task.points - t.points) > 1e-9:
        out.append(f"{where}：单元格分值 {t.points:g} 与任务声明的 {task.points:g} 不一致。")
    if t.grade_id != task.grade_id:
        out.append(f"{where}：grade_id 应为 {task.grade_id}（维度前缀 {task.dim}_ 加任务名），与任务声明一致。")
    if t.var != task.var:
        out.append(f"{where}：隐藏测试导出的变量 {t.var} 与任务声明的 {task.var} 不一致。")
    if f'course.export("{task.name}"' not in hidden and f"course.export('{task.name}'" not in hidden:
        out.append(f"{where}：course.export 的名字应为「{task.name}」（与 course.grade 的任务名相同）。")
    m = _CHECK_CALL.search(visible)
    if m is None or m.group("name") != task.name or m.group("var") != task.var:
        out.append(f'{where}：可见部分应调用 course.check("{task.name}", {task.var})，学生才能在练习时看到对错。')
    idx = inv.nb.cells.index(cell)
    defined = defined_above(inv.nb.cells[:idx])
    if task.var not in defined:
        out.append(f"{where}：隐藏测试读取的变量 {task.var} 在上面的单元格中没有定义。")
    unknown = sorted(n for n in names_read(cell.source) - defined - _BUILTINS if n != task.var)
    if unknown:
        out.append(
            f"{where}：测试单元格读取的 {'、'.join(unknown)} 在上面的单元格中没有定义"
            "（学生版里会报 NameError，这一项只能得 0 分）：先在上面的单元格里定义或导入它。"
        )
    if _TEMPLATE_LEFT.search(solution_text(inv, t) or ""):
        out.append(
            f"{where}：答案单元格的解答区域还是 python -m grading.authoring 生成的模板（… / {{}}），"
            "请写出参考解答（从设置和数据算出）。"
        )
    if task.kind == "scaffold":
        out.extend(_scaffold_problems(inv, t, where))
    if task.kind == "free" and not t.challenge:
        out.append(f"{where}：自由编程题只能放在标题含「挑战」的选做部分。")
    return out


_BUILTINS = set(dir(__import__("builtins"))) | {"__name__", "display", "get_ipython", "In", "Out"}
#: what ``python -m grading.authoring add`` writes into a solution region for the author to replace
_TEMPLATE_LEFT = re.compile(r"=\s*(\.\.\.|\{\})\s*#\s*参考(解答|答案)")


def defined_above(cells) -> set[str]:
    """Names the code cells define: assignments, functions, classes and imports."""
    out: set[str] = set()
    for c in cells:
        if c.cell_type != "code":
            continue
        out |= assigned(c.source)
        try:
            tree = ast.parse(c.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


def names_read(source: str) -> set[str]:
    """Global names a cell reads before (or without) defining them itself."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    own = assigned(source) | {
        (a.asname or a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    local = {a.arg for n in ast.walk(tree) if isinstance(n, (ast.Lambda, ast.FunctionDef)) for a in n.args.args}
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loads - own - local


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _scaffold_problems(inv: NotebookInventory, t: GradedTask, where: str) -> list[str]:
    if t.scaffold is None:
        return [f"{where}：代码填空题的答案单元格需要 ### BEGIN SCAFFOLD … ### END SCAFFOLD（学生拿到的代码骨架）。"]
    out = []
    if not 1 <= t.blanks <= MAX_BLANKS:
        out.append(f"{where}：代码骨架应有 1-{MAX_BLANKS} 个空格 ___，现在有 {t.blanks} 个。")
    answers = blank_answers(t.scaffold, solution_text(inv, t) or "")
    if answers is None:
        out.append(f"{where}：解答与代码骨架对不上：把骨架里的每个 ___ 换成一个名字、数字或选项后，应正好得到解答。")
    else:
        bad = [a for a in answers if not is_single_token(a)]
        if bad:
            out.append(f"{where}：每个空格只能填一个名字、数字或选项，这些不是：{'、'.join(bad)}。")
    return out


def task_problems(module: str, folder: Path | None = None) -> list[str]:
    """Problems with the module's graded tasks (Chinese, one line each)."""
    from .reference import registry

    problems: list[str] = []
    used: set[tuple[str, str]] = set()
    invs = module_inventory(module, folder)
    for inv in invs:
        declared = registry().get((module, inv.path.stem), {})
        for t in inv.tasks:
            problems.extend(_task_problems(inv, t, declared))
            if t.declared:
                used.add((inv.path.stem, t.declared))
    present = {inv.path.stem for inv in invs}
    for (mod, nb), tasks in registry().items():
        if mod != module or nb not in present:
            continue
        for name in tasks:
            if (nb, name) not in used:
                problems.append(
                    f"{module}：grading/reference 声明了 {nb} 的任务「{name}」，但笔记本里没有调用它的评分单元格。"
                )
    problems.extend(_share_problems(module, invs))
    return problems


def _share_problems(module: str, invs: list[NotebookInventory]) -> list[str]:
    total = sum(t.points for inv in invs for t in inv.tasks) or 1.0
    free = sum(t.points for inv in invs for t in inv.tasks if t.kind == "free")
    cap = FREE_SHARE_MAX.get(module, FREE_SHARE_DEFAULT)
    if free / total > cap + 1e-9:
        return [f"{module}：自由编程题占自动评分的 {free / total:.0%}，上限 {cap:.0%}（把它们改成表单或代码填空）。"]
    return []


# -- literals ----------------------------------------------------------------------


def shop_words() -> dict[str, str]:
    """Product ids, names, brands and categories of the shop: {word: what it is}."""
    from course import data

    out: dict[str, str] = {}
    p = data.load("products")
    for _, r in p.iterrows():
        out[str(r["product_id"])] = "商品编号"
        out[str(r["product_name"])] = "商品名称"
        out[str(r["sub_category"])] = "类目"
        if "brand" in p.columns:
            out[str(r["brand"])] = "品牌"
    out.setdefault("栖木", "品牌")
    return out


def _literals(code: str) -> list[object]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and not isinstance(n.value, bool)]


def literal_problems(module: str, folder: Path | None = None) -> list[str]:
    """Literal values in hidden tests and shop words in reference graders."""
    words = shop_words()
    problems: list[str] = []
    for inv in module_inventory(module, folder):
        for cell in inv.nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade"):
                continue
            hidden = split_hidden(cell.source)[1]
            hidden = "\n".join(line for line in hidden.splitlines() if not line.strip().startswith("###"))
            for value in _literals(hidden):
                if isinstance(value, (int, float)) and value not in (0, 1):
                    problems.append(
                        f"{inv.path.name}「{meta.get('grade_id')}」：隐藏测试里写死了数字 {value!r}"
                        "（阈值从设置读取，期望值在 grading/reference 里计算）。"
                    )
                elif isinstance(value, str):
                    for w, what in words.items():
                        if len(w) >= 2 and w in value:
                            problems.append(
                                f"{inv.path.name}「{meta.get('grade_id')}」：隐藏测试里写死了{what}「{w}」"
                                "（主推商品从设置读取：course.featured）。"
                            )
    from .reference import reference_files

    for py in reference_files(module):
        for value in _literals(py.read_text(encoding="utf-8")):
            if isinstance(value, str):
                for w, what in words.items():
                    if len(w) >= 2 and w in value and not value.startswith(("  ", "\n")) and len(value) < 40:
                        problems.append(f"{_shown(py)}：写死了{what}「{w}」（用 R.product 读取主推商品）。")
    return sorted(set(problems))


def placeholder_problems(module: str, folder: Path | None = None) -> list[str]:
    """Markdown placeholders that name no setting."""
    from course import text

    problems = []
    for inv in module_inventory(module, folder):
        for i, cell in enumerate(inv.nb.cells, 1):
            if cell.cell_type == "markdown" and text.has_placeholders(cell.source):
                try:
                    text.render(cell.source)
                except text.TemplateProblem as exc:
                    problems.append(f"{inv.path.name} 第 {i} 个单元格：{exc}")
    return problems


# -- the report -------------------------------------------------------------------


def module_report(module: str, slots: dict[str, int] | None = None) -> list[str]:
    """Kinds of automatic points, blanks and minutes against the module's slot (Chinese lines)."""
    from .estimate import estimate_module
    from .inventory import kind_shares
    from .reference.tasks import KIND_ZH

    shares = kind_shares(module)
    lines = ["  自动评分分值构成：" + "｜".join(f"{KIND_ZH[k]} {v:.0%}" for k, v in shares.items())]
    blanks = [t.blanks for inv in module_inventory(module) for t in inv.tasks if t.kind == "scaffold"]
    if blanks:
        lines.append(f"  代码填空：{len(blanks)} 题，每题空格最多 {max(blanks)} 个")
    ests = estimate_module(module)
    total = sum(e.minutes for e in ests)
    slot = (slots or {}).get(module)
    verdict = (
        ""
        if slot is None
        else (f" / 时段 {slot} 分钟 ✓" if total <= slot else f" / 时段 {slot} 分钟 ✗ 超出 {total - slot} 分钟")
    )
    lines.append(
        "  用时估算（不会编程的学生）："
        + "，".join(f"{e.notebook} {e.minutes}" for e in ests)
        + f"；合计 {total} 分钟{verdict}"
    )
    return lines


def schedule_slots() -> dict[str, int]:
    """Minutes of each module's slot in the workshop schedule (course/teacher/build_schedule.py)."""
    from course.teacher.build_schedule import module_slots  # imports grading.estimate: not at import time

    return module_slots()
