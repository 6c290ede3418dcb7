"""Code skeletons with blanks ``___``: a friendly stop instead of a traceback.

A scaffolded answer cell gives the code and leaves at most three blanks, each
written ``___`` (a column name, a number, a choice from a list shown in the
prompt).  ``course.start`` registers :func:`transform` with IPython: a cell
that still holds a blank is not run; the student is told, in Chinese, which
lines still have one, and the names the cell would have set become ``None``
(later cells then say "请先完成上一步" instead of crashing), so "Run All"
goes on to the end.

>>> print(transform(["x = df[___]\\n", "y = 2\\n"])[0].splitlines()[0])
import course.blanks as _blanks; _blanks.report([1], 1)
>>> blank_lines("s = '___'  # ___ in text is fine")
[]
"""

from __future__ import annotations

import ast
import io
import tokenize

BLANK = "___"


def blank_lines(source: str) -> list[int]:
    """Line numbers (1-based) where a blank ``___`` is used as code."""
    lines: list[int] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and tok.string == BLANK and tok.start[0] not in lines:
                lines.append(tok.start[0])
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return lines
    return lines


def count_blanks(source: str) -> int:
    """How many blanks a skeleton has (what a release may give: at most 3)."""
    n = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            n += tok.type == tokenize.NAME and tok.string == BLANK
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return n


def assigned_names(source: str) -> list[str]:
    """Top-level names a cell assigns (they become None while blanks remain)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []

    def add(target):
        if isinstance(target, ast.Name) and target.id != BLANK and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                add(t)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in names:
            names.append(node.name)
    return names


def transform(lines: list[str]) -> list[str]:
    """IPython input transformer: replace a cell that still has blanks by a report."""
    source = "".join(lines)
    where = blank_lines(source)
    if not where:
        return lines
    names = assigned_names(source)
    code = f"import course.blanks as _blanks; _blanks.report({where!r}, {count_blanks(source)})\n"
    if names:
        code += " = ".join(names) + " = None\n"
    code += "del _blanks\n"
    return [code]


def report(lines: list[int], n: int) -> None:
    """What the student sees for a cell with blanks left."""
    where = "、".join(f"第 {i} 行" for i in lines)
    print(
        f"✗ 这个单元格还有 {n} 个空格 ___ 没有填写（{where}）。\n"
        '  提升方向：把每个 ___ 换成题目要求的列名、数字或选项（文字要加引号，例如 "search_heat"），'
        "再运行这个单元格。需要帮助时点上方的「提示」按钮。"
    )


def install() -> None:
    """Register the transformer in the running IPython (once)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is None:
        return
    post = ip.input_transformers_post
    if transform not in post:
        post.append(transform)
