"""A student's typical mistake, explained in Chinese: what went wrong, where, and the likely fix.

``course.start`` installs a handler (``course.friendly_errors``) that turns an error in
a notebook cell into a few Chinese lines instead of an English traceback.  This
module chooses the explanation; it only *reads* the failing line and the values of
the names in it (never runs code again; ``course.failing_line``).  The explanations
of a wrong name are in ``course.explain_names``, of a wrong value in
``course.explain_values``:

* a wrong column name (``KeyError``): the closest columns, with their Chinese labels;
* text where a number belongs (``"100"`` in a comparison, ``float("8%")``);
* an empty result or a NaN where a number is needed;
* a name from a step above that was not run (``NameError``): which cell defines it;
* a result that is still ``None`` (a skeleton with blanks left, a form not saved);
* a typo in a pandas method name (``.sort_value``): the closest method;
* a syntax slip (Chinese punctuation, a quote or bracket not closed).

>>> import pandas as pd
>>> kw = pd.DataFrame({"keyword": ["床头柜"], "search_heat": [1200]})
>>> try:
...     kw["serch_heat"]
... except KeyError as exc:
...     print("\\n".join(explain(exc, namespace={"kw": kw}, code='kw["serch_heat"]')))
表格里没有名为 "serch_heat" 的列。
最接近的列："search_heat"（搜索人气）
提升方向：把列名改成表格里已有的英文列名（拼写要完全一样，两边加引号），例如 "search_heat"。
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .explain_names import key_error, method_typo, name_error
from .explain_values import (
    and_or,
    empty_names,
    empty_result,
    missing_value,
    none_value,
    text_for_bool,
    text_for_number,
    text_operands,
)
from .failing_line import statement

if TYPE_CHECKING:  # pragma: no cover
    from .cells import NotebookInfo


_CN_PUNCT = {
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "，": ",",
    "：": ":",
    "（": "(",
    "）": ")",
    "。": ".",
    "；": ";",
    "【": "[",
    "】": "]",
    "！": "!",
    "＝": "=",
    "＞": ">",
    "＜": "<",
}


def syntax(exc: SyntaxError) -> list[str]:
    """A syntax slip: what to change on the line Python could not read."""
    msg = getattr(exc, "msg", "") or str(exc)
    line = (exc.text or "").rstrip("\n")
    bad = re.search(r"invalid character '(.)'", msg)
    if bad and bad.group(1) in _CN_PUNCT:
        ch = bad.group(1)
        return [
            f"代码里用了中文标点 {ch}。",
            f"提升方向：切换到英文输入法，把 {ch} 改成 {_CN_PUNCT[ch]}（代码里的引号、逗号、括号都要用英文的；"
            "引号里面的文字可以是中文）。",
        ]
    if isinstance(exc, IndentationError):
        return ["这一行开头的空格（缩进）不对。", "提升方向：删掉这一行开头多出来的空格，让它和上下行对齐。"]
    if "unterminated string" in msg or "EOL while scanning" in msg or "unterminated triple" in msg:
        return [
            "引号没有成对：一段文字要用两个引号包起来。",
            '提升方向：检查这一行的引号，例如 "search_heat" 前后各一个。',
        ]
    if "never closed" in msg or "unmatched" in msg or "does not match" in msg or "incomplete input" in msg:
        return ["括号没有成对：( 和 )、[ 和 ] 要一一对应。", "提升方向：数一数这一行的括号，补上缺的那一个。"]
    if "Perhaps you forgot a comma" in msg:
        return ["这里可能少了一个逗号：列表或参数之间要用英文逗号 , 隔开。", "提升方向：在两个值之间加上逗号。"]
    if "Maybe you meant '==' " in msg or "cannot assign to" in msg:
        return ["判断“是否等于”要写两个等号 ==，一个等号 = 是赋值。", "提升方向：把条件里的 = 改成 ==。"]
    if "___" in line:
        return ["这一行还有空格 ___ 没有填。", "提升方向：把 ___ 换成题目要求的列名、数字或选项，再运行。"]
    return [
        "这一行的写法 Python 看不懂。",
        "提升方向：检查引号、括号是否成对，值之间是否有逗号，是否用了中文标点（代码要用英文输入法）。",
    ]


def _generic(exc: Exception) -> list[str]:
    return [
        f"这一行运行时出了问题（错误类型：{type(exc).__name__}）。",
        "提升方向：对照题目里的例子检查这一行的列名、引号、括号和数字；仍然不明白时点「提示」或请助教看一看"
        "（下面的「详细信息」是给助教看的原始报错）。",
    ]


# -- choosing the explanation ----------------------------------------------------

_NAN = re.compile(r"NaN|\bNA\b|NAType|non-finite|missing values", re.I)
_EMPTY = re.compile(
    r"empty sequence|out-of-bounds|out of bounds|size 1 to a Python scalar|"
    r"argmax of an empty|argmin of an empty|zero-size array",
    re.I,
)
_TEXT = re.compile(
    r"'str'|\(not \"int\"\) to str|\(not \"float\"\) to str|StrDType|string multiply|"
    r"can't multiply sequence|dtype=(object|str|string)|between .*str|Invalid comparison",
    re.I,
)


def explain(
    exc: BaseException,
    *,
    namespace: dict | None = None,
    code: str = "",
    lineno: int | None = None,
    tb_objects: list | None = None,
    notebook: NotebookInfo | None = None,
) -> list[str]:
    """Chinese lines for ``exc`` raised on line ``lineno`` of ``code`` with ``namespace``'s values."""
    namespace = namespace or {}
    node = statement(code, lineno) if code else None
    source = code
    from .messages import CourseError

    if isinstance(exc, CourseError):
        return [str(exc)]
    handlers: list[tuple[Callable[[], bool], Callable[[], list[str] | None]]] = [
        (lambda: isinstance(exc, SyntaxError), lambda: syntax(exc)),
        (lambda: isinstance(exc, KeyError), lambda: key_error(exc, node, namespace, tb_objects or [])),
        (lambda: isinstance(exc, NameError), lambda: name_error(exc, node, namespace, notebook)),
        (lambda: "'NoneType'" in str(exc), lambda: none_value(exc, node, namespace, source)),
        (lambda: isinstance(exc, AttributeError), lambda: method_typo(exc, node, namespace)),
        (lambda: isinstance(exc, ValueError) and "truth value" in str(exc), lambda: and_or(exc, node, namespace)),
        (lambda: isinstance(exc, ZeroDivisionError), lambda: empty_result(exc, node, namespace)),
        (
            lambda: isinstance(exc, (ValueError, TypeError)) and "expected type bool, received type str" in str(exc),
            lambda: text_for_bool(exc, node, namespace),
        ),
        (
            lambda: (
                isinstance(exc, (ValueError, TypeError))
                and re.search(r"could not convert string|invalid literal", str(exc)) is not None
            ),
            lambda: text_for_number(exc, node, namespace),
        ),
        (
            lambda: isinstance(exc, (ValueError, TypeError, IndexError)) and bool(_EMPTY.search(str(exc))),
            lambda: empty_result(exc, node, namespace),
        ),
        (
            lambda: isinstance(exc, (ValueError, TypeError)) and bool(_NAN.search(str(exc))),
            lambda: missing_value(exc, node, namespace),
        ),
        (
            lambda: (
                isinstance(exc, TypeError) and (bool(_TEXT.search(str(exc))) or bool(text_operands(node, namespace)))
            ),
            lambda: text_for_number(exc, node, namespace),
        ),
        (
            lambda: isinstance(exc, IndexError) and bool(empty_names(node, namespace)),
            lambda: empty_result(exc, node, namespace),
        ),
    ]
    for applies, explain_it in handlers:
        if applies():
            lines = explain_it()
            if lines:
                return lines
    return _generic(exc)
