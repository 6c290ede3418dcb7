"""The 导学's pandas primer: self-checks of its four try-it cells.

The guide (``course/00_guide.ipynb``) teaches the six table operations the
course uses — read a table, filter rows, add a column, group and sum, sort,
merge — with one-line examples on the shop data and four try-it cells (read
and filter together, group and sort together) whose skeletons have blanks
``___``.  ``check(name, value)`` judges a try-it the way a graded self-check does:
✓ 正确, or ✗ with a 提升方向 that says what to look at, never the expected value.
The guide is not graded, so the expected results are computed here in the open
from the shop data.

>>> import pandas as pd
>>> check("column", pd.DataFrame({"paid_amount": [1.0]}))
【③ 加一列】✗ 还有 1 处需要修改：
  ✗ 提升方向：orders 里还没有“毛利”这一列：运行上面填好的那一行。
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import data
from .selfcheck import NOT_ANSWERED


@dataclass
class Rule:
    """One thing a try-it must get right; ``msg`` is the 提升方向 shown when it does not."""

    ok: Callable[[Any], bool]
    msg: str


def _table(value) -> bool:
    return isinstance(value, pd.DataFrame)


def _same_numbers(a, b) -> bool:
    try:
        return len(a) == len(b) and bool(
            ((pd.Series(list(a), dtype="float64") - pd.Series(list(b), dtype="float64")).abs() < 0.005).all()
        )
    except (TypeError, ValueError):
        return False


def _paid() -> pd.DataFrame:
    orders = data.load("orders")
    return orders[orders["status"] == "已支付"]


def _filter_rules() -> list[Rule]:
    orders = data.load("orders")
    live = orders[orders["channel"] == "直播"]
    return [
        Rule(
            lambda v: _table(v) and "channel" in v.columns,
            "live 应该是订单表的一部分（筛选后列不变）：空格处填列名，列名两边加引号。",
        ),
        Rule(
            lambda v: len(v) > 0,
            "筛选结果是 0 行：条件要比较的是“渠道”那一列（看表头括号里的英文），文字“直播”要和数据里写的一样。",
        ),
        Rule(
            lambda v: (v["channel"] == "直播").all(),
            "结果里还有别的渠道的订单：条件要比较的是“渠道”那一列（看表头括号里的英文）。",
        ),
        Rule(
            lambda v: sorted(v["order_id"]) == sorted(live["order_id"]),
            "直播的订单不全：订单表里所有直播渠道的订单都要留下，检查条件里的文字“直播”有没有写错。",
        ),
    ]


def _column_rules() -> list[Rule]:
    orders = data.load("orders")
    margin = orders["paid_amount"] - orders["cost_amount"]
    return [
        Rule(lambda v: _table(v) and "毛利" in v.columns, "orders 里还没有“毛利”这一列：运行上面填好的那一行。"),
        Rule(
            lambda v: len(v) == len(orders) and _same_numbers(v["毛利"], margin),
            "毛利算得不对：毛利 = 实付金额 − 商品成本，减号后面应该是“商品成本”那一列（看订单表的表头）。",
        ),
    ]


def _group_rules() -> list[Rule]:
    expected = _paid().groupby("phase", observed=True)["paid_amount"].sum()
    return [
        Rule(
            lambda v: isinstance(v, pd.Series),
            "by_phase 应该是分组加总的结果：按例子的样子写 groupby(...)[...].sum()。",
        ),
        Rule(
            lambda v: v.index.name == "phase",
            "分组用的列不对：要按“活动阶段”分组（日常 / 预热期 / 爆发期 / 返场期），看表头里它的英文列名。",
        ),
        Rule(
            lambda v: (
                sorted(map(str, v.index)) == sorted(map(str, expected.index))
                and _same_numbers(v.sort_index(), expected.sort_index())
            ),
            "各阶段的合计不对：加总的应该是已支付订单（paid）的实付金额。",
        ),
        Rule(
            lambda v: v.is_monotonic_decreasing,
            "还没有从大到小排好：sort_values 里 ascending 应该是 False（上面例子里的写法）。",
        ),
    ]


def _merge_rules() -> list[Rule]:
    skus = data.load("skus")
    names = data.load("products").set_index("product_id")["product_name"]
    return [
        Rule(
            lambda v: _table(v) and "product_name" in v.columns and "sku_id" in v.columns,
            "sku_named 里还没有商品简称：on= 后面写两张表都有的那一列，列名两边加引号。",
        ),
        Rule(
            lambda v: len(v) == len(skus) and (v["product_name"] == v["product_id"].map(names)).all(),
            "接上的商品简称和 SKU 对不上：on= 要写两张表里意思相同的那一列（“商品编号”）。",
        ),
    ]


EXERCISES: dict[str, tuple[str, Callable[[], list[Rule]]]] = {
    "filter": ("①② 读一张表、筛选行", _filter_rules),
    "column": ("③ 加一列", _column_rules),
    "group": ("④⑤ 分组求和、排序", _group_rules),
    "merge": ("⑥ 合并两张表", _merge_rules),
}


def problems(name: str, value: Any) -> list[str]:
    """The 提升方向 of every rule ``value`` breaks (a rule after a broken one is not judged)."""
    for rule in EXERCISES[name][1]():
        try:
            ok = bool(rule.ok(value))
        except Exception:  # noqa: BLE001 - an answer a rule cannot read is not right
            ok = False
        if not ok:
            return [rule.msg]
    return []


def check(name: str, value: Any = None) -> None:
    """Print the self-check of try-it ``name``, formatted like ``course.check``.

    Returns None on purpose (nothing more is displayed under the cell).
    """
    title = EXERCISES[name][0]
    if value is None:  # the skeleton still has its blank (the cell set the name to None)
        print(f"【{title}】✗ {NOT_ANSWERED}")
        return
    found = problems(name, value)
    if not found:
        print(f"【{title}】✓ 正确")
        return
    print(f"【{title}】✗ 还有 {len(found)} 处需要修改：")
    for msg in found:
        print(f"  ✗ 提升方向：{msg}")


def render_notebook(source, dest=None) -> int:
    """Write ``source`` with its markdown placeholders rendered from the settings in force
    (what nbgrader's ``RenderSettings`` does to a module at release), to ``dest`` or in place.

    The guide is not an nbgrader assignment: whoever copies the ``course`` package for
    students (``grading.package.copy_course``) renders it with this, so students read
    ``电商运营实战``, not ``{{ course.name }}``.  Returns how many cells changed; an unknown
    placeholder raises ``course.text.TemplateProblem`` naming the cell.
    """
    import json
    from pathlib import Path

    from . import text

    src = Path(source)
    nb = json.loads(src.read_text(encoding="utf-8"))
    ctx, changed = None, 0
    for i, cell in enumerate(nb.get("cells", []), 1):
        body = "".join(cell.get("source", ""))
        if cell.get("cell_type") != "markdown" or not text.has_placeholders(body):
            continue
        ctx = text.context() if ctx is None else ctx
        try:
            cell["source"] = text.render(body, ctx)
        except text.TemplateProblem as exc:
            raise text.TemplateProblem(f"{src.name} 第 {i} 个单元格：{exc}") from None
        changed += 1
    Path(dest or src).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return changed
