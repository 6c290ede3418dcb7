"""The price form: 日常价 + 活动价 per size, to 0.01, checked against cost.

Table 1, 价格 row: 精确到0.01，建议设置“日常价+活动价”（日常价:599.00，活动价:499.00）；
审核要点：活动价是否低于成本价.  "499元" or "四百九十九" is kept as typed and explained.

>>> import course
>>> _ = course.start("module1_listing", "doc_price_form", quiet=True)
>>> f = PriceForm(costs={"40cm宽": 95.0})
>>> f.submit({"prices": [{"spec": "40cm宽", "daily": "199元", "activity": "89"}]})
['销售价格 第 1 行 · 日常价：请只填数字，不要带“元”等单位，例如 499.00。']
>>> f.submit({"prices": [{"spec": "40cm宽", "daily": "199.00", "activity": "89"}]})[0][:28]
'40cm宽：活动价 89.00 元低于成本价 95.00'
"""

from __future__ import annotations

import html

from ..tools.pricing import check_prices
from .base import Form
from .fields import Number, Repeat, Text


class PriceForm(Form):
    key = "price"
    title = "价格设置（日常价 + 活动价）"
    description = "每个规格一行：日常价和活动价都精确到 0.01 元，只填数字（不要写“元”）。"

    def __init__(self, key: str | None = None, *, costs: dict | None = None):
        """``costs``: {规格: 成本价}; the form starts with one row per spec."""
        self.costs = {str(k): float(v) for k, v in (costs or {}).items()}
        rows = [{"spec": k, "daily": "", "activity": ""} for k in self.costs] or None
        first = next(iter(self.costs), "")
        fields = [
            Repeat(
                "prices",
                "销售价格",
                fields=[
                    Text("spec", "规格", placeholder=first),
                    Number("daily", "日常价", decimals=2, minimum=0.01, unit="元", placeholder="599.00"),
                    Number("activity", "活动价", decimals=2, minimum=0.01, unit="元", placeholder="499.00"),
                ],
                min_rows=1,
                max_rows=6,
                add_label="添加规格",
                default=rows,
            )
        ]
        super().__init__(key or self.key, self.title, fields)

    def check(self, values: dict) -> list[str]:
        probs = []
        specs = []
        for r in values.get("prices") or []:
            spec = str(r.get("spec") or "")
            if spec in specs:
                probs.append(f"规格「{spec}」填了两次。")
            specs.append(spec)
            if self.costs and spec not in self.costs:
                probs.append(f"规格「{spec}」在库存表中不存在（可选：{'、'.join(self.costs)}）。")
            probs += check_prices(r.get("daily"), r.get("activity"), cost=self.costs.get(spec), label=spec)
        for spec in self.costs:
            if specs and spec not in specs:
                probs.append(f"还没有给规格「{spec}」定价。")
        return probs

    @staticmethod
    def table(values: dict | None):
        """The saved prices as a table (规格、日常价、活动价), or None when nothing is saved.

        >>> PriceForm.table({"prices": [{"spec": "40cm宽", "daily": 199.0, "activity": 179.0}]}).to_dict("records")
        [{'规格': '40cm宽', '日常价': 199.0, '活动价': 179.0}]
        """
        import pandas as pd

        if values is None:
            return None
        rows = [
            {"规格": r.get("spec"), "日常价": r.get("daily"), "活动价": r.get("activity")}
            for r in values.get("prices") or []
            if isinstance(r, dict)
        ]
        return pd.DataFrame(rows, columns=["规格", "日常价", "活动价"])

    def preview(self, values: dict, raw: dict) -> str:
        rows = []
        for r in (values or {}).get("prices") or []:
            d, a, c = r.get("daily"), r.get("activity"), self.costs.get(str(r.get("spec")))
            if d is None or a is None:
                continue
            margin = f"{(a - c) / a:.1%}" if c is not None and a else "—"
            rows.append(
                f"<tr><td>{html.escape(str(r.get('spec')))}</td><td>{d:.2f}</td><td>{a:.2f}</td>"
                f"<td>{'' if c is None else f'{c:.2f}'}</td><td>{1 - a / d:.1%}</td><td>{margin}</td></tr>"
            )
        if not rows:
            return ""
        return (
            "<table class='course-price-preview' style='font-size:12px'>"
            "<tr><th>规格</th><th>日常价</th><th>活动价</th>"
            "<th>成本价</th><th>让利幅度</th><th>活动毛利率</th></tr>" + "".join(rows) + "</table>"
        )


# -- the price rules as yes/no checks on PriceForm.table(...) (public; visible checks use them) ----


def _rows(table) -> list[dict]:
    try:
        return list(table.to_dict("records"))
    except AttributeError:
        return []


def cents_and_below_daily(table) -> bool:
    """Daily and activity prices to 0.01 yuan, the activity price below the daily price (table 1)."""
    from ..tools.pricing import cents_ok

    rows = _rows(table)
    return bool(rows) and all(
        cents_ok(r.get("日常价")) and cents_ok(r.get("活动价")) and float(r["活动价"]) < float(r["日常价"])
        for r in rows
    )


def activity_not_below_cost(table, product_id: str | None = None) -> bool:
    """No activity price below the spec's cost (表1 审核要点：活动价是否低于成本价); costs of the featured product."""
    from .. import featured

    costs = {k: p.cost for k, p in featured.product(product_id).prices.items()}
    rows = _rows(table)
    try:
        return bool(rows) and all(
            str(r.get("规格")) in costs and float(r["活动价"]) >= costs[str(r["规格"])] - 1e-9 for r in rows
        )
    except (TypeError, ValueError):
        return False
