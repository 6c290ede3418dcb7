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

RULES = [
    ("title", "标题不合规", "标题长度不在规定范围，或含极限词"),
    ("price", "活动价低于成本", "任何一个 SKU 的活动价低于成本价"),
    ("sku", "有无效选项", "SKU 选项中有“默认”这类无效选项"),
    ("original", "原价不真实", "活动第一天的划线价高于活动前近30天的最低成交价"),
]


class CatalogAuditForm(Form):
    key = "catalog_audit"
    title = "全店商品核对结论（表1）"
    description = (
        "每条审核要点勾选不合规的商品（没有就都不勾）；依据是上面的核对事实表。"
        "保存后，下面的自检会告诉你每条要点是否判断正确。"
    )

    def __init__(self, key: str | None = None, *, products=None):
        if products is None:
            from .. import data

            products = sorted(data.load("products")["product_id"])
        self.products = list(products)
        fields = [
            MultiChoice(name, label, options=self.products, required=False, help=help_) for name, label, help_ in RULES
        ]
        super().__init__(key or self.key, self.title, fields)

    def preview(self, values: dict, raw: dict) -> str:
        import html

        lines = [
            f"<li>{html.escape(label)}：{html.escape('、'.join(raw.get(name) or []) or '（无）')}</li>"
            for name, label, _h in RULES
        ]
        return "<ul class='course-audit-preview' style='margin:2px 0'>" + "".join(lines) + "</ul>"


# -- the student's own listing, from the answer files of notebooks 02-04 -------------------


def saved_listing(*, folder=None) -> dict:
    """The listing a student saved in notebooks 02-04 for the featured product (``course.featured``).

    Reads ``02_title`` (title form), ``03_detail_page`` (detail-page and image
    forms) and ``04_sku_price`` (SKU and price forms) from the answer files next
    to this notebook, re-parsing what was typed.  Parts not saved yet are left
    out, so the audit (``course.tools.listing_audit.audit``) reports them as 未填写.
    """
    from .. import data, featured
    from ..session import answers_folder

    product = featured.product()
    folder = folder or answers_folder()
    skus = data.load("skus")
    listing: dict = {
        "brand": product.brand,
        "category": product.category,
        "product_id": product.id,
        "inventory": skus[skus["product_id"] == product.id],
    }
    listing.update(_saved_title(product, folder))
    listing.update(_saved_detail_page(product, folder))
    listing.update(_saved_sku_and_prices(product, folder))
    found = [k for k in ("title", "sections", "main_images", "sku_attributes", "prices") if listing.get(k)]
    print(f"已读取练习 2-4 保存的内容：{'、'.join(found) if found else '（还没有保存任何表单）'}")
    return listing


def _saved_values(notebook: str, form, folder) -> dict | None:
    """A form's saved values in a notebook's answer file (None if not saved).  What was
    typed is parsed again, so the values follow the current form and settings."""
    from ..answers import AnswerStore, answer_path

    entry = AnswerStore(answer_path(notebook, folder)).form_entry(form.key)
    if not entry:
        return None
    if isinstance(entry.get("raw"), dict):
        return form.parse(form._merged(entry["raw"]))[0]
    return entry.get("values")


def _saved_title(product, folder) -> dict:
    """Notebook 02: the title with its core keyword and attributes."""
    from .title_form import TitleForm

    t = _saved_values("02_title", TitleForm(category=product.category, brand=product.brand), folder)
    if not t:
        return {}
    return dict(title=t.get("title"), core_keyword=t.get("core_keyword"), core_attributes=t.get("attributes") or [])


def _saved_detail_page(product, folder) -> dict:
    """Notebook 03: the detail page's sections and selling points, and the image plan."""
    from .detail_form import DetailForm, ImagePlanForm

    part: dict = {}
    d = DetailForm.summary(_saved_values("03_detail_page", DetailForm(pain_points=list(product.pain_signals)), folder))
    if d:
        part["sections"] = [m for m in d["modules"] if m]
        part["selling_points"] = [p for p in d["points"] if p]
    im = ImagePlanForm.plan(_saved_values("03_detail_page", ImagePlanForm(), folder))
    if im:
        part["main_images"], part["detail_images"] = im["main"], im["detail"]
    return part


def _saved_sku_and_prices(product, folder) -> dict:
    """Notebook 04: the SKU options, and the prices with each spec's cost from the catalogue."""
    from .price_form import PriceForm
    from .sku_form import SkuForm

    part: dict = {}
    s = _saved_values("04_sku_price", SkuForm(), folder)
    if s:
        part["sku_attributes"] = SkuForm.as_dict(s)
    p = _saved_values("04_sku_price", PriceForm(), folder)
    if p:
        part["prices"] = [
            {
                "规格": r.get("spec"),
                "日常价": r.get("daily"),
                "活动价": r.get("activity"),
                "成本价": getattr(product.prices.get(str(r.get("spec"))), "cost", None),
            }
            for r in p.get("prices") or []
        ]
    return part
