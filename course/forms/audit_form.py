"""The supervisor's table-1 audit of the whole shop (表1 商品上架信息核对表, 使用步骤
“主管逐项核对审核要点，标注问题并反馈修改”): for each rule, tick the products that fail it.

The facts come from ``course.tools.listing_audit.catalog_facts`` (title width,
absolute words found, campaign price minus cost, the SKU options, the list price
against the lowest deal price before the campaign); the verdicts are the
student's.

>>> import course
>>> _ = course.start("module1_listing", "doc_audit_form", quiet=True)
>>> f = CatalogAuditForm(products=["P001", "P002"])
>>> f.submit({"title": ["P002"], "price": [], "sku": [], "original": ["P009"]})
[]
>>> f.values["title"], f.values["original"]
(['P002'], [])
"""
from __future__ import annotations

from .base import Form
from .fields import MultiChoice

RULES = [("title", "标题不合规", "标题长度不在规定范围，或含极限词"),
         ("price", "活动价低于成本", "任何一个 SKU 的活动价低于成本价"),
         ("sku", "有无效选项", "SKU 选项中有“默认”这类无效选项"),
         ("original", "原价不真实", "活动第一天的划线价高于活动前近30天的最低成交价")]


class CatalogAuditForm(Form):
    key = "catalog_audit"
    title = "全店商品核对结论（表1）"
    description = ("每条审核要点勾选不合规的商品（没有就都不勾）；依据是上面的核对事实表。"
                   "保存后，下面的自检会告诉你每条要点是否判断正确。")

    def __init__(self, key: str | None = None, *, products=None):
        if products is None:
            from .. import data

            products = sorted(data.load("products")["product_id"])
        self.products = list(products)
        fields = [MultiChoice(name, label, options=self.products, required=False, help=help_)
                  for name, label, help_ in RULES]
        super().__init__(key or self.key, self.title, fields)

    def preview(self, values: dict, raw: dict) -> str:
        import html

        lines = [f"<li>{html.escape(label)}：{html.escape('、'.join(raw.get(name) or []) or '（无）')}</li>"
                 for name, label, _h in RULES]
        return "<ul class='course-audit-preview' style='margin:2px 0'>" + "".join(lines) + "</ul>"
