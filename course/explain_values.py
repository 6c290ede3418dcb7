"""Explanations of a wrong value: a result still None, text where a number belongs, a
missing value (NaN), an empty result, a whole column used as yes/no.

Part of ``course.explain``: each function returns the Chinese lines for one kind of mistake.
"""

from __future__ import annotations

import ast
import re

from .failing_line import best_table, column_of, is_text_dtype, lookup, names, with_label


def _none_names(node, namespace: dict, attr: str | None = None) -> list[str]:
    found = []
    for n in ast.walk(node) if node is not None else []:
        if attr is not None and not (isinstance(n, ast.Attribute) and n.attr == attr):
            continue
        target = n.value if attr is not None else n
        if (
            isinstance(target, ast.Name)
            and isinstance(target.ctx, ast.Load)
            and lookup(target.id, namespace) is None
            and target.id not in found
        ):
            found.append(target.id)
    return found


def none_value(exc: Exception, node, namespace: dict, source: str) -> list[str]:
    attr = getattr(exc, "name", None) if isinstance(exc, AttributeError) else None
    found = _none_names(node, namespace, attr) or _none_names(node, namespace)
    who = f"变量 {'、'.join(found)} 现在" if found else "这一行用到的一个结果"
    lines = [
        f"上一步的结果还是 None：{who}是 None（空的，什么也没有）。",
        "常见原因：上面的单元格还有空格 ___ 没有填、表单还没有保存，或者上面那一步出错了。",
    ]
    if "inplace=True" in source:
        lines.append("这一格用了 inplace=True：这样写的方法直接修改原表、返回 None，不要再把结果赋给变量。")
    target = found[0] if found else "它"
    lines.append(
        f"提升方向：回到算出 {target} 的那一步，把它做完并运行（看到结果而不是“还有空格”的提示），再运行这里。"
    )
    return lines


def text_operands(node, namespace: dict) -> list[str]:
    """Descriptions of the text values used as numbers in the statement."""
    found: list[str] = []

    def look(operand):
        if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
            found.append(f'"{operand.value}" 带引号，是文字（字符串）')
        elif isinstance(operand, ast.Name):
            v = lookup(operand.id, namespace)
            if isinstance(v, str):
                found.append(f'变量 {operand.id} 的值是文字 "{v}"（赋值时带了引号）')
        else:
            col = column_of(operand, namespace)
            if col and is_text_dtype(col[2]):
                frame = lookup(col[0], namespace)
                found.append(f"列 {with_label(col[1], best_table(frame.columns))} 是文字列（不是数字）")

    for n in ast.walk(node) if node is not None else []:
        if isinstance(n, ast.BinOp):
            look(n.left)
            look(n.right)
        elif isinstance(n, ast.Compare):
            for operand in [n.left, *n.comparators]:
                look(operand)
        elif isinstance(n, ast.AugAssign):
            look(n.value)
    return list(dict.fromkeys(found))


def text_for_number(exc: Exception, node, namespace: dict) -> list[str]:
    message = str(exc)
    literal = re.search(
        r"(?:could not convert string to float|invalid literal for \w+\(\) with base \d+): (.*)$", message
    )
    if literal:
        value = literal.group(1).strip("'\"")
        return [
            f'"{value}" 是文字，不能直接当数字用。',
            '提升方向：数字不要加引号，也不要带 %、元 等单位：写成 499，不写 "499元"；比例写成小数，8% 写成 0.08。',
        ]
    found = text_operands(node, namespace)
    lines = ["这一行把文字和数字放在一起比较或计算了：数字不能带引号。"]
    if found:
        lines += [f"· {f}" for f in found]
    if any(f.startswith("列 ") for f in found):
        lines.append("提升方向：比较或计算要用数字列；检查是不是选错了列，数字两边不要加引号。")
    else:
        lines.append('提升方向：去掉数字两边的引号，例如把 "100" 改成 100。')
    return lines


def text_for_bool(exc: Exception, node, namespace: dict) -> list[str]:
    return [
        "True 和 False 是“是/否”的选项，不是文字：两边不能加引号。",
        '提升方向：写成 ascending=False（或 True），不要写成 "False"。',
    ]


def missing_value(exc: Exception, node, namespace: dict) -> list[str]:
    return [
        "这里需要一个数字，拿到的却是空值（NaN 或 NA，意思是“没有数据”）。",
        "常见原因：上一步的筛选或合并没有匹配到数据，或者这一列本来就有空白的格子。",
        "提升方向：先把上一步的结果显示出来看一看；检查筛选条件和列名。确实应该忽略的空值，"
        "可以先用 .dropna() 去掉再计算。",
    ]


def empty_names(node, namespace: dict) -> list[str]:
    import pandas as pd

    out = []
    for n in names(node):
        v = lookup(n, namespace)
        if isinstance(v, (pd.DataFrame, pd.Series)) and len(v) == 0:
            out.append(n)
    return out


def empty_result(exc: Exception, node, namespace: dict) -> list[str]:
    empty = empty_names(node, namespace)
    who = f"{'、'.join(empty)} 是空的（0 行）" if empty else "这一步筛选出来的结果是空的（0 行）"
    head = ("除数是 0：" if isinstance(exc, ZeroDivisionError) else "") + who + "，所以拿不到需要的数字。"
    return [
        head,
        '常见原因：筛选条件没有匹配到任何一行——文字要和数据里写的一模一样（例如 "已支付"，不多空格），'
        "大于、小于的方向和数字对不对。",
        "提升方向：把筛选结果显示出来，看看有几行（例如 len(结果)），再修改条件。",
    ]


def and_or(exc: Exception, node, namespace: dict) -> list[str]:
    return [
        "一整列数据不能直接当作“是/否”来判断。",
        "提升方向：组合两个筛选条件要用 &（并且）和 |（或者），每个条件加括号，例如 "
        'df[(df["a"] > 1) & (df["b"] < 5)]；不要用 and、or，也不要写 if 整列。',
    ]
