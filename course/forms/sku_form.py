"""The SKU form: attributes and their values, the generated combinations, and
invalid options (颜色:默认, an option no SKU uses, duplicates) found while typing.

Table 1, SKU row: 属性组合避免无效选项（如“颜色:默认”）；颜色:白色/原木色；尺寸:60cm/80cm.

>>> import course
>>> _ = course.start("module1_listing", "doc_sku_form", quiet=True)
>>> f = SkuForm()
>>> probs = f.submit({"attributes": [{"name": "颜色", "values": "白色/默认"}, {"name": "尺寸", "values": ""}]})
>>> [p.split("：")[0] for p in probs]
['「颜色:默认」是无效选项', '属性「尺寸」没有填写属性值']
>>> f.values["attributes"][1]
{'name': '尺寸', 'values': None}
"""

from __future__ import annotations

import html

from ..tools.sku import check_options, combinations, match_inventory
from .base import Form
from .fields import Repeat, Text
from .title_form import Words


class SkuForm(Form):
    key = "sku"
    title = "SKU 设置"
    description = (
        "一行一个销售属性（如 颜色、尺寸），属性值用“/”分隔。下方实时生成全部组合，"
        "并标出无效选项（如“颜色:默认”、库存里没有的选项、重复选项）。"
    )

    def __init__(self, key: str | None = None, *, inventory=None, product_id: str | None = None, draft=None):
        """``draft``: {属性名: [属性值]} the form starts with (a colleague's draft to review)."""
        self.inventory = inventory
        self.product_id = product_id
        rows = [{"name": n, "values": "/".join(v)} for n, v in (draft or {}).items()] or None
        fields = [
            Repeat(
                "attributes",
                "销售属性",
                fields=[
                    Text("name", "属性名", placeholder="颜色"),
                    Words("values", "属性值", placeholder="白色/原木色", required=False, min_items=0),
                ],
                min_rows=1,
                max_rows=4,
                add_label="添加属性",
                default=rows,
            )
        ]
        super().__init__(key or self.key, self.title, fields)

    @staticmethod
    def as_dict(values: dict | None) -> dict:
        """{属性名: [属性值]} from the form's values (for tools and graded cells)."""
        out = {}
        for r in (values or {}).get("attributes") or []:
            out.setdefault(str(r.get("name") or "").strip(), list(r.get("values") or []))
        return out

    def issues(self, values: dict):
        rows = [(r.get("name"), r.get("values") or []) for r in (values or {}).get("attributes") or []]
        return check_options(rows, self.inventory, product_id=self.product_id)

    def check(self, values: dict) -> list[str]:
        return [i.message for i in self.issues(values) if i.invalid or i.kind == "缺少选项"]

    def preview(self, values: dict, raw: dict) -> str:
        rows = [(r.get("name"), r.get("values") or "") for r in raw.get("attributes") or []]
        issues = check_options(rows, self.inventory, product_id=self.product_id)
        bad = {(i.attribute, i.value) for i in issues if i.invalid}
        try:
            table = (
                match_inventory(rows, self.inventory, self.product_id)
                if self.inventory is not None
                else combinations(rows)
            )
        except Exception:  # noqa: BLE001 - a half-typed form must not break the preview
            table = combinations(rows)
        if table.empty:
            return "<div style='color:#888'>（填写属性和属性值后，这里显示全部 SKU 组合）</div>"
        head = "".join(f"<th style='padding:2px 8px'>{html.escape(str(c))}</th>" for c in table.columns)
        body = []
        for _, r in table.iterrows():
            flag = any((c, str(r[c])) in bad for c in table.columns)
            style = " style='background:#fde2e2'" if flag else ""
            cells = (html.escape("" if str(v) in ("nan", "<NA>") else str(v)) for v in r.values)
            body.append(f"<tr{style}>" + "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells) + "</tr>")
        notes = "".join(f"<li>{html.escape(i.message)}</li>" for i in issues)
        return (
            f"<div class='course-sku-preview'><b>共 {len(table)} 个组合</b>"
            f"<table style='border-collapse:collapse;font-size:12px'><tr>{head}</tr>{''.join(body)}</table>"
            f"<ul style='color:#b30000;margin:4px 0'>{notes}</ul></div>"
        )
