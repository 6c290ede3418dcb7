"""Explanations of a wrong name: a column, a dict key, a variable or a method that does not exist.

Part of ``course.explain``: each function returns the Chinese lines for one kind of
mistake (what went wrong, the closest right name, 提升方向).
"""

from __future__ import annotations

import ast
import builtins
import difflib
import re
from typing import TYPE_CHECKING

from .failing_line import (
    NOTEBOOK_NAMES,
    best_table,
    column_for_label,
    frames_in,
    is_column_name,
    kind_of,
    lookup,
    names,
    paren_label,
    quoted,
    table_with,
    with_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from .cells import NotebookInfo


def key_error(exc: KeyError, node, namespace: dict, tb_objects: list) -> list[str]:
    import pandas as pd

    keys = _missing_keys(exc)
    frames = frames_in(node, namespace)
    for obj in tb_objects:  # tables seen inside pandas (a merge's other side, a groupby)
        if isinstance(obj, pd.DataFrame) and not any(obj is f for _, f in frames):
            frames.append(("", obj))
    if not frames:
        return _dict_key(keys, node, namespace)
    columns: list[str] = []
    for _, f in frames:
        columns += [str(c) for c in f.columns if str(c) not in columns]
    key = str(keys[0]) if keys else ""
    table = best_table(frames[0][1].columns)
    lines = [f'表格里没有名为 "{key}" 的列。']
    meant = column_for_label(key)
    if meant and meant in columns:
        return lines + [
            f"表格上方显示的中文是说明，代码里要写英文列名：{with_label(meant, table)}。",
            f'提升方向：把 "{key}" 改成 "{meant}"（保留引号）。',
        ]
    close = difflib.get_close_matches(key, columns, n=3, cutoff=0.6)
    close += [c for c in columns if c.lower() == key.strip().lower() and c not in close]
    owners = [n for n, f in frames if n and key in map(str, f.columns)]
    lacking = [n for n, f in frames if n and key not in map(str, f.columns)]
    if owners and lacking:
        lines.append(
            f"表 {'、'.join(owners)} 有这一列，但表 {'、'.join(lacking)} 没有：检查是不是用错了表，"
            "或者合并（merge）时要用两张表都有的列。"
        )
    if close:
        lines.append("最接近的列：" + "、".join(with_label(c, table) for c in close))
        example = close[0]
    else:
        shown = columns[:12]
        more = "……" if len(columns) > len(shown) else ""
        lines.append("这张表的列有：" + "、".join(with_label(c, table) for c in shown) + more)
        example = shown[0] if shown else "列名"
    lines.append(f'提升方向：把列名改成表格里已有的英文列名（拼写要完全一样，两边加引号），例如 "{example}"。')
    return lines


def _missing_keys(exc: KeyError) -> list:
    arg = exc.args[0] if exc.args else ""
    if isinstance(arg, str):
        m = re.search(r"\[(.*)\] not in index", arg)
        if m:
            try:
                found = ast.literal_eval(f"[{m.group(1)}]")
                return list(found) or [arg]
            except (ValueError, SyntaxError):
                pass
        m = re.fullmatch(r"Column\(s\) (\[.*\]) do not exist|Column not found: (.*)", arg)
        if m:
            if m.group(1):
                try:
                    return list(ast.literal_eval(m.group(1)))
                except (ValueError, SyntaxError):
                    return [m.group(1)]
            return [m.group(2)]
    return [arg]


def _dict_key(keys: list, node, namespace: dict) -> list[str]:
    key = keys[0] if keys else ""
    known: list[str] = []
    for n in names(node):
        v = lookup(n, namespace)
        if isinstance(v, dict):
            known += [str(k) for k in v]
    lines = [f"找不到 {key!r} 这一项。"]
    close = difflib.get_close_matches(str(key), known, n=3, cutoff=0.5)
    if close:
        lines.append("最接近的是：" + "、".join(repr(c) for c in close))
    elif known:
        lines.append("已有的项：" + "、".join(repr(c) for c in known[:12]))
    lines.append("提升方向：检查名字的拼写（要和已有的完全一样，文字两边加引号）。")
    return lines


def name_error(exc: NameError, node, namespace: dict, notebook: NotebookInfo | None) -> list[str]:
    name = getattr(exc, "name", None) or quoted(str(exc)) or "?"
    if is_column_name(name, namespace):
        return [
            f"{name} 是列名{paren_label(name, table_with(name, node, namespace))}，列名是文字，要加引号。",
            f'提升方向：写成 "{name}"（两边加英文引号）。',
        ]
    if name in ("course", "pd"):
        return [
            f"{name} 还没有导入：笔记本最上面的第一个代码单元格还没有运行（或重启内核后没有重新运行）。",
            "提升方向：先运行第一个代码单元格，再从上往下依次运行。",
        ]
    where = notebook.defined_where(name) if notebook else None
    if where is not None:
        if where.below_current:
            return [
                f"{name} 是在下面的单元格（{where.describe()}）才算出来的。",
                "提升方向：按从上到下的顺序运行：先做完并运行那个单元格，再回来运行这里。",
            ]
        return [
            f"{name} 是上面 {where.describe()} 算出来的，那个单元格还没有运行（或重启内核后还没有重新运行）。",
            "提升方向：点菜单「运行 → 运行上方所有单元格」（Run → Run All Above Selected Cell），再运行这里。",
        ]
    candidates = [k for k in namespace if not k.startswith("_") and k not in NOTEBOOK_NAMES]
    candidates += ["True", "False", "None"] + [b for b in dir(builtins) if not b.startswith("_") and b.islower()]
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.6)
    lines = [f"名字 {name} 还没有定义。"]
    if close:
        lines.append(
            f"你是不是想写 {close[0]}？"
            + ("（True、False、None 的首字母要大写）" if close[0] in ("True", "False", "None") else "")
        )
    lines.append(
        '提升方向：检查拼写；如果它是一段文字（列名、渠道名、商品名），两边要加引号，例如 "付费广告"；'
        "如果它是上面某一步的结果，先运行那一步。"
    )
    return lines


def method_typo(exc: AttributeError, node, namespace: dict) -> list[str] | None:
    import pandas as pd

    obj, attr = getattr(exc, "obj", None), getattr(exc, "name", None)
    if attr is None:
        return None
    public = [a for a in dir(type(obj)) if not a.startswith("_")]
    columns = [str(c) for c in obj.columns] if isinstance(obj, pd.DataFrame) else []
    kind = kind_of(obj)
    lines = [f"{kind}没有 .{attr} 这个功能（方法）。"]
    close_cols = difflib.get_close_matches(attr, columns, n=2, cutoff=0.6)
    close = difflib.get_close_matches(attr, public, n=1, cutoff=0.6)
    if close_cols and (
        not close
        or difflib.SequenceMatcher(None, attr, close_cols[0]).ratio()
        >= difflib.SequenceMatcher(None, attr, close[0]).ratio()
    ):
        col = close_cols[0]
        return lines + [
            f"最接近的是列 {with_label(col, best_table(columns))}。",
            f'提升方向：取一列要写成 表名["{col}"]（方括号加引号），列名拼写要完全一样。',
        ]
    if close:
        lines.append(f"你是不是想写 .{close[0]}？")
        lines.append(f"提升方向：把 .{attr} 改成 .{close[0]}，方法名的拼写要和例子里完全一样。")
    else:
        lines.append("提升方向：检查方法名的拼写，可对照上面例子里的写法。")
    return lines
