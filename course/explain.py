"""A student's typical mistake, explained in Chinese: what went wrong, where, and the likely fix.

``course.start`` installs a handler (``course.friendly_errors``) that turns an error in
a notebook cell into a few Chinese lines instead of an English traceback.  This
module does the explaining; it only *reads* the failing line and the values of
the names in it (never runs code again):

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

import ast
import builtins
import difflib
import re
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .cells import NotebookInfo

# What a value is called when the message names it
_TEXT_DTYPES = ("object", "string", "str", "category")
_NOTEBOOK_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "display"}


# -- reading the failing statement -----------------------------------------------

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


def _lookup(name: str, namespace: dict) -> Any:
    return namespace.get(name, _MISSING)


_MISSING = object()


def _frames_in(node, namespace: dict) -> list[tuple[str, Any]]:
    """(name, DataFrame) of every table the statement names."""
    import pandas as pd

    out = []
    for n in names(node):
        v = _lookup(n, namespace)
        if isinstance(v, pd.DataFrame):
            out.append((n, v))
    return out


def _is_text_dtype(dtype) -> bool:
    return str(dtype).split("[")[0] in _TEXT_DTYPES


def _column_of(node, namespace: dict) -> tuple[str, str, Any] | None:
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
    frame = _lookup(table, namespace)
    if col is None or not isinstance(frame, pd.DataFrame) or col not in frame.columns:
        return None
    return table, col, frame.dtypes[col]


# -- labels --------------------------------------------------------------------

def _label(column: str) -> str | None:
    try:
        from .labels import label

        return label(column)
    except Exception:  # noqa: BLE001 - no data dictionary here: the English name alone
        return None


def _with_label(column: Any, table: str | None = None) -> str:
    zh = _paren_label(str(column), table)
    return f'"{column}"{zh}'


def _column_for_label(text: str) -> str | None:
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


# -- the explanations ------------------------------------------------------------

def _key_error(exc: KeyError, node, namespace: dict, tb_objects: list) -> list[str]:
    import pandas as pd

    keys = _missing_keys(exc)
    frames = _frames_in(node, namespace)
    for obj in tb_objects:  # tables seen inside pandas (a merge's other side, a groupby)
        if isinstance(obj, pd.DataFrame) and not any(obj is f for _, f in frames):
            frames.append(("", obj))
    if not frames:
        return _dict_key(keys, node, namespace)
    columns: list[str] = []
    for _, f in frames:
        columns += [str(c) for c in f.columns if str(c) not in columns]
    key = str(keys[0]) if keys else ""
    table = _best_table(frames[0][1].columns)
    lines = [f'表格里没有名为 "{key}" 的列。']
    meant = _column_for_label(key)
    if meant and meant in columns:
        return lines + [f'表格上方显示的中文是说明，代码里要写英文列名：{_with_label(meant, table)}。',
                        f'提升方向：把 "{key}" 改成 "{meant}"（保留引号）。']
    close = difflib.get_close_matches(key, columns, n=3, cutoff=0.6)
    close += [c for c in columns if c.lower() == key.strip().lower() and c not in close]
    owners = [n for n, f in frames if n and key in map(str, f.columns)]
    lacking = [n for n, f in frames if n and key not in map(str, f.columns)]
    if owners and lacking:
        lines.append(f"表 {'、'.join(owners)} 有这一列，但表 {'、'.join(lacking)} 没有：检查是不是用错了表，"
                     "或者合并（merge）时要用两张表都有的列。")
    if close:
        lines.append("最接近的列：" + "、".join(_with_label(c, table) for c in close))
        example = close[0]
    else:
        shown = columns[:12]
        more = "……" if len(columns) > len(shown) else ""
        lines.append("这张表的列有：" + "、".join(_with_label(c, table) for c in shown) + more)
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
        v = _lookup(n, namespace)
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


def _name_error(exc: NameError, node, namespace: dict, notebook: "NotebookInfo | None") -> list[str]:
    name = getattr(exc, "name", None) or _quoted(str(exc)) or "?"
    if _is_column_name(name, namespace):
        return [f"{name} 是列名{_paren_label(name, _table_with(name, node, namespace))}，列名是文字，要加引号。",
                f'提升方向：写成 "{name}"（两边加英文引号）。']
    if name in ("course", "pd"):
        return [f"{name} 还没有导入：笔记本最上面的第一个代码单元格还没有运行（或重启内核后没有重新运行）。",
                "提升方向：先运行第一个代码单元格，再从上往下依次运行。"]
    where = notebook.defined_where(name) if notebook else None
    if where is not None:
        if where.below_current:
            return [f"{name} 是在下面的单元格（{where.describe()}）才算出来的。",
                    "提升方向：按从上到下的顺序运行：先做完并运行那个单元格，再回来运行这里。"]
        return [f"{name} 是上面 {where.describe()} 算出来的，那个单元格还没有运行"
                "（或重启内核后还没有重新运行）。",
                "提升方向：点菜单「运行 → 运行上方所有单元格」（Run → Run All Above Selected Cell），再运行这里。"]
    candidates = [k for k in namespace if not k.startswith("_") and k not in _NOTEBOOK_NAMES]
    candidates += ["True", "False", "None"] + [b for b in dir(builtins) if not b.startswith("_") and b.islower()]
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.6)
    lines = [f"名字 {name} 还没有定义。"]
    if close:
        lines.append(f"你是不是想写 {close[0]}？" + ("（True、False、None 的首字母要大写）"
                                                    if close[0] in ("True", "False", "None") else ""))
    lines.append("提升方向：检查拼写；如果它是一段文字（列名、渠道名、商品名），两边要加引号，例如 \"付费广告\"；"
                 "如果它是上面某一步的结果，先运行那一步。")
    return lines


def _quoted(text: str) -> str | None:
    m = re.search(r"'([^']+)'", text)
    return m.group(1) if m else None


def _paren_label(column: str, table: str | None = None) -> str:
    try:
        from .labels import label

        zh = label(column, table)
    except Exception:  # noqa: BLE001 - no data dictionary here
        zh = None
    return f"（{zh}）" if zh and zh != column else ""


def _table_with(column: str, node, namespace: dict) -> str | None:
    """The data-dictionary table of the frame (named in the statement first) that has ``column``."""
    import pandas as pd

    frames = [f for _, f in _frames_in(node, namespace)]
    frames += [v for v in list(namespace.values()) if isinstance(v, pd.DataFrame)]
    for frame in frames:
        if column in frame.columns:
            return _best_table(frame.columns)
    return None


def _best_table(columns) -> str | None:
    try:
        from .labels import best_table

        return best_table(columns)
    except Exception:  # noqa: BLE001 - no data dictionary here
        return None


def _is_column_name(name: str, namespace: dict) -> bool:
    import pandas as pd

    for v in list(namespace.values()):
        if isinstance(v, pd.DataFrame) and name in v.columns:
            return True
    return _label(name) is not None


def _none_names(node, namespace: dict, attr: str | None = None) -> list[str]:
    found = []
    for n in ast.walk(node) if node is not None else []:
        if attr is not None and not (isinstance(n, ast.Attribute) and n.attr == attr):
            continue
        target = n.value if attr is not None else n
        if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Load) \
                and _lookup(target.id, namespace) is None and target.id not in found:
            found.append(target.id)
    return found


def _none_value(exc: Exception, node, namespace: dict, source: str) -> list[str]:
    attr = getattr(exc, "name", None) if isinstance(exc, AttributeError) else None
    found = _none_names(node, namespace, attr) or _none_names(node, namespace)
    who = f"变量 {'、'.join(found)} 现在" if found else "这一行用到的一个结果"
    lines = [f"上一步的结果还是 None：{who}是 None（空的，什么也没有）。",
             "常见原因：上面的单元格还有空格 ___ 没有填、表单还没有保存，或者上面那一步出错了。"]
    if "inplace=True" in source:
        lines.append("这一格用了 inplace=True：这样写的方法直接修改原表、返回 None，不要再把结果赋给变量。")
    target = found[0] if found else "它"
    lines.append(f"提升方向：回到算出 {target} 的那一步，把它做完并运行（看到结果而不是“还有空格”的提示），再运行这里。")
    return lines


def _method_typo(exc: AttributeError, node, namespace: dict) -> list[str] | None:
    import pandas as pd

    obj, attr = getattr(exc, "obj", None), getattr(exc, "name", None)
    if attr is None:
        return None
    public = [a for a in dir(type(obj)) if not a.startswith("_")]
    columns = [str(c) for c in obj.columns] if isinstance(obj, pd.DataFrame) else []
    kind = _kind(obj)
    lines = [f"{kind}没有 .{attr} 这个功能（方法）。"]
    close_cols = difflib.get_close_matches(attr, columns, n=2, cutoff=0.6)
    close = difflib.get_close_matches(attr, public, n=1, cutoff=0.6)
    if close_cols and (not close or difflib.SequenceMatcher(None, attr, close_cols[0]).ratio()
                       >= difflib.SequenceMatcher(None, attr, close[0]).ratio()):
        col = close_cols[0]
        return lines + [f"最接近的是列 {_with_label(col, _best_table(columns))}。",
                        f'提升方向：取一列要写成 表名["{col}"]（方括号加引号），列名拼写要完全一样。']
    if close:
        lines.append(f"你是不是想写 .{close[0]}？")
        lines.append(f"提升方向：把 .{attr} 改成 .{close[0]}，方法名的拼写要和例子里完全一样。")
    else:
        lines.append("提升方向：检查方法名的拼写，可对照上面例子里的写法。")
    return lines


def _kind(obj) -> str:
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


def _text_operands(node, namespace: dict) -> list[str]:
    """Descriptions of the text values used as numbers in the statement."""
    found: list[str] = []

    def look(operand):
        if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
            found.append(f'"{operand.value}" 带引号，是文字（字符串）')
        elif isinstance(operand, ast.Name):
            v = _lookup(operand.id, namespace)
            if isinstance(v, str):
                found.append(f'变量 {operand.id} 的值是文字 "{v}"（赋值时带了引号）')
        else:
            col = _column_of(operand, namespace)
            if col and _is_text_dtype(col[2]):
                frame = _lookup(col[0], namespace)
                found.append(f"列 {_with_label(col[1], _best_table(frame.columns))} 是文字列（不是数字）")

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


def _text_for_number(exc: Exception, node, namespace: dict) -> list[str]:
    message = str(exc)
    literal = re.search(r"(?:could not convert string to float|invalid literal for \w+\(\) with base \d+): (.*)$",
                        message)
    if literal:
        value = literal.group(1).strip("'\"")
        return [f'"{value}" 是文字，不能直接当数字用。',
                "提升方向：数字不要加引号，也不要带 %、元 等单位：写成 499，不写 \"499元\"；"
                "比例写成小数，8% 写成 0.08。"]
    found = _text_operands(node, namespace)
    lines = ["这一行把文字和数字放在一起比较或计算了：数字不能带引号。"]
    if found:
        lines += [f"· {f}" for f in found]
    if any(f.startswith("列 ") for f in found):
        lines.append("提升方向：比较或计算要用数字列；检查是不是选错了列，数字两边不要加引号。")
    else:
        lines.append("提升方向：去掉数字两边的引号，例如把 \"100\" 改成 100。")
    return lines


def _text_for_bool(exc: Exception, node, namespace: dict) -> list[str]:
    return ["True 和 False 是“是/否”的选项，不是文字：两边不能加引号。",
            "提升方向：写成 ascending=False（或 True），不要写成 \"False\"。"]


def _missing_value(exc: Exception, node, namespace: dict) -> list[str]:
    return ["这里需要一个数字，拿到的却是空值（NaN 或 NA，意思是“没有数据”）。",
            "常见原因：上一步的筛选或合并没有匹配到数据，或者这一列本来就有空白的格子。",
            "提升方向：先把上一步的结果显示出来看一看；检查筛选条件和列名。确实应该忽略的空值，"
            "可以先用 .dropna() 去掉再计算。"]


def _empty_names(node, namespace: dict) -> list[str]:
    import pandas as pd

    out = []
    for n in names(node):
        v = _lookup(n, namespace)
        if isinstance(v, (pd.DataFrame, pd.Series)) and len(v) == 0:
            out.append(n)
    return out


def _empty_result(exc: Exception, node, namespace: dict) -> list[str]:
    empty = _empty_names(node, namespace)
    who = f"{'、'.join(empty)} 是空的（0 行）" if empty else "这一步筛选出来的结果是空的（0 行）"
    head = ("除数是 0：" if isinstance(exc, ZeroDivisionError) else "") + who + "，所以拿不到需要的数字。"
    return [head,
            "常见原因：筛选条件没有匹配到任何一行——文字要和数据里写的一模一样（例如 \"已支付\"，不多空格），"
            "大于、小于的方向和数字对不对。",
            "提升方向：把筛选结果显示出来，看看有几行（例如 len(结果)），再修改条件。"]


def _and_or(exc: Exception, node, namespace: dict) -> list[str]:
    return ["一整列数据不能直接当作“是/否”来判断。",
            "提升方向：组合两个筛选条件要用 &（并且）和 |（或者），每个条件加括号，例如 "
            "df[(df[\"a\"] > 1) & (df[\"b\"] < 5)]；不要用 and、or，也不要写 if 整列。"]


_CN_PUNCT = {"“": '"', "”": '"', "‘": "'", "’": "'", "，": ",", "：": ":", "（": "(", "）": ")", "。": ".",
             "；": ";", "【": "[", "】": "]", "！": "!", "＝": "=", "＞": ">", "＜": "<"}


def syntax(exc: SyntaxError) -> list[str]:
    """A syntax slip: what to change on the line Python could not read."""
    msg = getattr(exc, "msg", "") or str(exc)
    line = (exc.text or "").rstrip("\n")
    bad = re.search(r"invalid character '(.)'", msg)
    if bad and bad.group(1) in _CN_PUNCT:
        ch = bad.group(1)
        return [f"代码里用了中文标点 {ch}。",
                f"提升方向：切换到英文输入法，把 {ch} 改成 {_CN_PUNCT[ch]}（代码里的引号、逗号、括号都要用英文的；"
                "引号里面的文字可以是中文）。"]
    if isinstance(exc, IndentationError):
        return ["这一行开头的空格（缩进）不对。", "提升方向：删掉这一行开头多出来的空格，让它和上下行对齐。"]
    if "unterminated string" in msg or "EOL while scanning" in msg or "unterminated triple" in msg:
        return ["引号没有成对：一段文字要用两个引号包起来。", "提升方向：检查这一行的引号，例如 \"search_heat\" 前后各一个。"]
    if "never closed" in msg or "unmatched" in msg or "does not match" in msg or "incomplete input" in msg:
        return ["括号没有成对：( 和 )、[ 和 ] 要一一对应。", "提升方向：数一数这一行的括号，补上缺的那一个。"]
    if "Perhaps you forgot a comma" in msg:
        return ["这里可能少了一个逗号：列表或参数之间要用英文逗号 , 隔开。", "提升方向：在两个值之间加上逗号。"]
    if "Maybe you meant '==' " in msg or "cannot assign to" in msg:
        return ["判断“是否等于”要写两个等号 ==，一个等号 = 是赋值。", "提升方向：把条件里的 = 改成 ==。"]
    if "___" in line:
        return ["这一行还有空格 ___ 没有填。", "提升方向：把 ___ 换成题目要求的列名、数字或选项，再运行。"]
    return ["这一行的写法 Python 看不懂。",
            "提升方向：检查引号、括号是否成对，值之间是否有逗号，是否用了中文标点（代码要用英文输入法）。"]


def _generic(exc: Exception) -> list[str]:
    return [f"这一行运行时出了问题（错误类型：{type(exc).__name__}）。",
            "提升方向：对照题目里的例子检查这一行的列名、引号、括号和数字；仍然不明白时点「提示」或请助教看一看"
            "（下面的「详细信息」是给助教看的原始报错）。"]


# -- choosing the explanation ----------------------------------------------------

_NAN = re.compile(r"NaN|\bNA\b|NAType|non-finite|missing values", re.I)
_EMPTY = re.compile(r"empty sequence|out-of-bounds|out of bounds|size 1 to a Python scalar|"
                    r"argmax of an empty|argmin of an empty|zero-size array", re.I)
_TEXT = re.compile(r"'str'|\(not \"int\"\) to str|\(not \"float\"\) to str|StrDType|string multiply|"
                   r"can't multiply sequence|dtype=(object|str|string)|between .*str|Invalid comparison", re.I)


def explain(exc: BaseException, *, namespace: dict | None = None, code: str = "", lineno: int | None = None,
            tb_objects: list | None = None, notebook: "NotebookInfo | None" = None) -> list[str]:
    """Chinese lines for ``exc`` raised on line ``lineno`` of ``code`` with ``namespace``'s values."""
    namespace = namespace or {}
    node = statement(code, lineno) if code else None
    source = code
    from .messages import CourseError

    if isinstance(exc, CourseError):
        return [str(exc)]
    handlers: list[tuple[Callable[[], bool], Callable[[], list[str] | None]]] = [
        (lambda: isinstance(exc, SyntaxError), lambda: syntax(exc)),
        (lambda: isinstance(exc, KeyError), lambda: _key_error(exc, node, namespace, tb_objects or [])),
        (lambda: isinstance(exc, NameError), lambda: _name_error(exc, node, namespace, notebook)),
        (lambda: "'NoneType'" in str(exc), lambda: _none_value(exc, node, namespace, source)),
        (lambda: isinstance(exc, AttributeError), lambda: _method_typo(exc, node, namespace)),
        (lambda: isinstance(exc, ValueError) and "truth value" in str(exc), lambda: _and_or(exc, node, namespace)),
        (lambda: isinstance(exc, ZeroDivisionError), lambda: _empty_result(exc, node, namespace)),
        (lambda: isinstance(exc, (ValueError, TypeError)) and "expected type bool, received type str" in str(exc),
         lambda: _text_for_bool(exc, node, namespace)),
        (lambda: isinstance(exc, (ValueError, TypeError))
         and re.search(r"could not convert string|invalid literal", str(exc)) is not None,
         lambda: _text_for_number(exc, node, namespace)),
        (lambda: isinstance(exc, (ValueError, TypeError, IndexError)) and bool(_EMPTY.search(str(exc))),
         lambda: _empty_result(exc, node, namespace)),
        (lambda: isinstance(exc, (ValueError, TypeError)) and bool(_NAN.search(str(exc))),
         lambda: _missing_value(exc, node, namespace)),
        (lambda: isinstance(exc, TypeError) and (bool(_TEXT.search(str(exc)))
                                                 or bool(_text_operands(node, namespace))),
         lambda: _text_for_number(exc, node, namespace)),
        (lambda: isinstance(exc, IndexError) and bool(_empty_names(node, namespace)),
         lambda: _empty_result(exc, node, namespace)),
    ]
    for applies, explain_it in handlers:
        if applies():
            lines = explain_it()
            if lines:
                return lines
    return _generic(exc)
