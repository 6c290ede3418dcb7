"""The failing line of a student's cell, read (never run again): its statement, the names
it uses and their values, the columns it names and their Chinese labels.

``course.explain`` builds its explanations on these.

>>> import pandas as pd
>>> node = statement("x = kw[kw['search_heat'] > 100]", 1)
>>> names(node), column_of(node.value.slice.left, {"kw": pd.DataFrame({"search_heat": [1]})})[:2]
(['kw'], ('kw', 'search_heat'))
"""

from __future__ import annotations

import ast
import re
from typing import Any

# What a value is called when the message names it
TEXT_DTYPES = ("object", "string", "str", "category")
NOTEBOOK_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "display"}


def statement(code: str, lineno: int | None = None) -> ast.AST | None:
    """The top-level statement of ``code`` that contains ``lineno`` (the whole cell if unknown)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if lineno is None:
        return tree
    for node in tree.body:
        if node.lineno <= lineno <= (node.end_lineno or node.lineno):
            return node
    return tree


def names(node: ast.AST | None) -> list[str]:
    """Names the statement reads, in order, each once."""
    out: list[str] = []
    for n in ast.walk(node) if node is not None else []:
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in out:
            out.append(n.id)
    return out


MISSING = object()


def lookup(name: str, namespace: dict) -> Any:
    """The value of ``name`` in the cell's namespace, or ``MISSING``."""
    return namespace.get(name, MISSING)


def frames_in(node, namespace: dict) -> list[tuple[str, Any]]:
    """(name, DataFrame) of every table the statement names."""
    import pandas as pd

    out = []
    for n in names(node):
        v = lookup(n, namespace)
        if isinstance(v, pd.DataFrame):
            out.append((n, v))
    return out


def is_text_dtype(dtype) -> bool:
    return str(dtype).split("[")[0] in TEXT_DTYPES


def column_of(node, namespace: dict) -> tuple[str, str, Any] | None:
    """``df["col"]`` / ``df.col`` -> (table name, column, dtype) when ``df`` is a known table."""
    import pandas as pd

    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        key = node.slice
        col = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        table = node.value.id
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        col, table = node.attr, node.value.id
    else:
        return None
    frame = lookup(table, namespace)
    if col is None or not isinstance(frame, pd.DataFrame) or col not in frame.columns:
        return None
    return table, col, frame.dtypes[col]


def label_of(column: str) -> str | None:
    try:
        from .labels import label

        return label(column)
    except Exception:  # noqa: BLE001 - no data dictionary here: the English name alone
        return None


def with_label(column: Any, table: str | None = None) -> str:
    zh = paren_label(str(column), table)
    return f'"{column}"{zh}'


def column_for_label(text: str) -> str | None:
    """The English column a student meant by typing its Chinese label (or the shown header)."""
    m = re.fullmatch(r".*[（(]\s*([A-Za-z_][A-Za-z0-9_]*)\s*[）)]\s*", text)
    if m:
        return m.group(1)
    try:
        from .labels import labels

        for col, by_table in labels().items():
            if text.strip() in by_table.values():
                return col
    except Exception:  # noqa: BLE001
        return None
    return None


def quoted(text: str) -> str | None:
    m = re.search(r"'([^']+)'", text)
    return m.group(1) if m else None


def paren_label(column: str, table: str | None = None) -> str:
    try:
        from .labels import label

        zh = label(column, table)
    except Exception:  # noqa: BLE001 - no data dictionary here
        zh = None
    return f"（{zh}）" if zh and zh != column else ""


def table_with(column: str, node, namespace: dict) -> str | None:
    """The data-dictionary table of the frame (named in the statement first) that has ``column``."""
    import pandas as pd

    frames = [f for _, f in frames_in(node, namespace)]
    frames += [v for v in list(namespace.values()) if isinstance(v, pd.DataFrame)]
    for frame in frames:
        if column in frame.columns:
            return best_table(frame.columns)
    return None


def best_table(columns) -> str | None:
    try:
        from .labels import best_table

        return best_table(columns)
    except Exception:  # noqa: BLE001 - no data dictionary here
        return None


def is_column_name(name: str, namespace: dict) -> bool:
    import pandas as pd

    for v in list(namespace.values()):
        if isinstance(v, pd.DataFrame) and name in v.columns:
            return True
    return label_of(name) is not None


def kind_of(obj) -> str:
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        return "表格（DataFrame）"
    if isinstance(obj, pd.Series):
        return "一列数据（Series）"
    name = type(obj).__name__
    if "GroupBy" in name:
        return "分组结果（groupby 之后）"
    if isinstance(obj, str):
        return "文字（字符串）"
    if isinstance(obj, (int, float)):
        return "数字"
    return f"{name} 对象"
