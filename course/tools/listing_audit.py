"""Table 1 (商品上架信息核对表): a listing run through the checklist.

Each row of the report: 字段, 填写规范 (the rule of table 1), 填写值, 是否通过,
需要修改 (what to fix).  The rows follow table 1 (商品名称, 价格, 主图, 详情页首屏,
SKU); 详情页布局 is added by the course from the workshop plan's detail-page
order (场景导入→产品细节→核心卖点→规格参数→用户评价).

A listing is a dict::

    {"title": ..., "core_keyword": "床头柜", "core_attributes": ["北欧", ...], "brand": "栖木",
     "prices": [{"规格": "40cm宽", "日常价": 199.0, "活动价": 179.0, "成本价": 95.0}, ...],
     "main_images": ["cand_03.png", ...] or [image_info dicts],
     "selling_points": [...], "sections": [...],
     "sku_attributes": {"颜色": [...], "尺寸": [...]}, "inventory": <skus rows>, "product_id": "P001"}

Missing parts are reported as not filled in (未填写), never as a crash.

>>> rep = audit({"title": "最好的床头柜"})
>>> bool(rep.loc[0, "是否通过"]), rep.loc[0, "字段"]
(False, '商品名称')
"""
from __future__ import annotations

from typing import Any

from .images import asset_dir, check_main_images, image_info
from .pricing import check_prices
from .sku import check_options
from .title import check_title

__all__ = ["audit", "collect", "DETAIL_ORDER", "RULES", "passed"]

DETAIL_ORDER = ["场景导入", "产品细节", "核心卖点", "规格参数", "用户评价"]

RULES = {
    "商品名称": "30-60字符（宽度单位），含核心关键词；审核：是否包含品牌名、核心属性词；无极限词、无堆砌",
    "价格": "精确到0.01，设置“日常价+活动价”；审核：活动价是否低于成本价",
    "主图": "5张，首图白底，其余场景图；800×800像素，白底图占比≥60%，无拼接图",
    "详情页首屏": "卖点3-5个，解决用户核心痛点；无极限词",
    "详情页布局": "场景导入→产品细节→核心卖点→规格参数→用户评价（课程补充，来自工作坊方案）",
    "SKU": "属性组合避免无效选项（如“颜色:默认”）；覆盖主流需求，无冗余选项；与库存一致",
}


def _row(field: str, value: Any, problems: list[str]) -> dict:
    return {"字段": field, "填写规范": RULES[field], "填写值": value,
            "是否通过": not problems, "需要修改": "；".join(problems) if problems else ""}


def _missing(field: str) -> dict:
    return _row(field, "（未填写）", [f"{field}还没有填写：请先完成前面笔记本中对应的表单并保存。"])


def audit(listing: dict | None):
    """The table-1 audit report of a listing as a DataFrame (one row per field)."""
    import pandas as pd

    from .. import settings
    from .adwords import find_absolute_words

    listing = listing or {}
    th = settings.thresholds("listing")
    rows = []

    title = listing.get("title")
    if not title or not str(title).strip():
        rows.append(_missing("商品名称"))
    else:
        rep = check_title(title, core_keyword=listing.get("core_keyword"), required=listing.get("core_attributes") or (),
                          category=listing.get("category"), brand=listing.get("brand"))
        rows.append(_row("商品名称", f"{title}（{rep.width} 个宽度单位）", rep.problems))

    prices = listing.get("prices")
    if not prices:
        rows.append(_missing("价格"))
    else:
        probs = []
        for p in prices:
            probs += check_prices(p.get("日常价"), p.get("活动价"), cost=p.get("成本价"), label=str(p.get("规格", "")))
        shown = "；".join(f"{p.get('规格', '')} 日常价 {p.get('日常价')} / 活动价 {p.get('活动价')}" for p in prices)
        rows.append(_row("价格", shown, probs))

    images = listing.get("main_images")
    if not images:
        rows.append(_missing("主图"))
    else:
        infos = []
        for im in images:
            if isinstance(im, dict):
                infos.append(im)
            else:
                infos.append(image_info(asset_dir() / str(im)))
        rows.append(_row("主图", "、".join(str(i.get("文件")) for i in infos), check_main_images(infos)))

    points = listing.get("selling_points")
    if not points:
        rows.append(_missing("详情页首屏"))
    else:
        lo, hi = int(th["selling_points_min"]), int(th["selling_points_max"])
        probs = []
        if not lo <= len(points) <= hi:
            probs.append(f"首屏卖点应为 {lo}-{hi} 个，现在是 {len(points)} 个。")
        for sp in points:
            for f in find_absolute_words(sp):
                probs.append(f"卖点「{sp}」：{f.message()}")
        rows.append(_row("详情页首屏", "、".join(map(str, points)), probs))

    sections = listing.get("sections")
    if not sections:
        rows.append(_missing("详情页布局"))
    else:
        probs = []
        if list(sections) != DETAIL_ORDER:
            probs.append("详情页模块顺序应为 " + "→".join(DETAIL_ORDER) + "，现在是 " + "→".join(map(str, sections)) + "。")
        rows.append(_row("详情页布局", "→".join(map(str, sections)), probs))

    attrs = listing.get("sku_attributes")
    if not attrs:
        rows.append(_missing("SKU"))
    else:
        issues = check_options(attrs, listing.get("inventory"), product_id=listing.get("product_id"))
        probs = [i.message for i in issues if i.invalid or i.kind == "缺少选项"]
        shown = "；".join(f"{k}:{'/'.join(v) if isinstance(v, list) else v}" for k, v in
                         (attrs.items() if isinstance(attrs, dict) else [(r.get('name'), r.get('values')) for r in attrs]))
        rows.append(_row("SKU", shown, probs))

    return pd.DataFrame(rows, columns=["字段", "填写规范", "填写值", "是否通过", "需要修改"])


def passed(report) -> bool:
    """True when every row of an audit report passed."""
    return bool(len(report)) and bool(report["是否通过"].all())


# -- collecting a student's listing from the module's answer files -------------------

def collect(module: str = "module1_listing", *, inventory=None, product_id: str | None = None,
            brand: str | None = None, category: str | None = None, folder=None) -> dict:
    """The listing a student saved in notebooks 02-04 (forms re-parsed from what was typed).

    Reads ``02_title`` (title form), ``03_detail_page`` (detail form and the exported
    main-image plan) and ``04_sku_price`` (SKU and price forms) from the answer
    files next to this notebook.  Parts not saved yet are left out, so the audit
    reports them as 未填写.
    """
    from ..answers import AnswerStore, answer_path
    from ..forms.detail_form import DetailForm
    from ..forms.price_form import PriceForm
    from ..forms.sku_form import SkuForm
    from ..forms.title_form import TitleForm
    from ..session import answers_folder

    folder = folder or answers_folder()
    listing: dict = {"brand": brand, "category": category, "product_id": product_id, "inventory": inventory}

    def values(notebook: str, form) -> dict | None:
        entry = AnswerStore(answer_path(notebook, folder)).form_entry(form.key)
        if not entry:
            return None
        if isinstance(entry.get("raw"), dict):
            return form.parse(form._merged(entry["raw"]))[0]
        return entry.get("values")

    t = values("02_title", TitleForm(category=category, brand=brand))
    if t:
        listing.update(title=t.get("title"), core_keyword=t.get("core_keyword"), core_attributes=t.get("attributes") or [])
    d = values("03_detail_page", DetailForm())
    if d:
        listing["sections"] = [r.get("module") for r in d.get("sections") or []]
        listing["selling_points"] = [r.get("point") for r in d.get("points") or [] if r.get("point")]
    exported = AnswerStore(answer_path("03_detail_page", folder)).exported("images")
    if isinstance(exported, dict) and exported.get("main"):
        listing["main_images"] = list(exported["main"])
    s = values("04_sku_price", SkuForm())
    if s:
        listing["sku_attributes"] = SkuForm.as_dict(s)
    p = values("04_sku_price", PriceForm())
    if p:
        costs = {}
        if inventory is not None and product_id is not None:
            inv = inventory[inventory["product_id"] == product_id]
            costs = inv.groupby("size")["cost"].max().to_dict()
        listing["prices"] = [{"规格": r.get("spec"), "日常价": r.get("daily"), "活动价": r.get("activity"),
                              "成本价": costs.get(r.get("spec"))} for r in p.get("prices") or []]
    found = [k for k in ("title", "sections", "main_images", "sku_attributes", "prices") if listing.get(k)]
    print(f"已读取练习 2-4 保存的内容：{'、'.join(found) if found else '（还没有保存任何表单）'}")
    return listing
