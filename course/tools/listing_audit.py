"""Table 1 (商品上架信息核对表): a listing run through the checklist.

Each row of the report: 字段, 填写规范 (the rule of table 1), 填写值, 是否通过,
需要修改 (what to fix).  The rows follow table 1 (商品名称, 价格, 主图, 详情页首屏,
SKU); 详情页布局 and 详情页图片 are added by the course from the workshop plan
(场景导入→产品细节→核心卖点→规格参数→用户评价; 详情页图片白底图占比不低于60%，不得出现拼接图).

A listing is a dict::

    {"title": ..., "core_keyword": ..., "core_attributes": [...], "brand": ..., "category": ...,
     "prices": [{"规格": ..., "日常价": 199.0, "活动价": 179.0, "成本价": 95.0}, ...],
     "main_images": ["cand_03.png", ...] or [image_info dicts], "detail_images": [...],
     "selling_points": [...], "sections": [...],
     "sku_attributes": {"颜色": [...], "尺寸": [...]}, "inventory": <skus rows>, "product_id": ...}

Missing parts are reported as not filled in (未填写), never as a crash.

>>> rep = audit({"title": "最好的床头柜"})
>>> bool(rep.loc[0, "是否通过"]), rep.loc[0, "字段"]
(False, '商品名称')
"""

from __future__ import annotations

from dataclasses import dataclass as _dataclass
from typing import Any

from .. import checks as _C
from .images import asset_dir, check_detail_images, check_main_images, image_info
from .pricing import check_prices
from .sku import check_options
from .title import check_title

__all__ = ["audit", "DETAIL_ORDER", "rules", "passed", "catalog_facts", "campaign_start", "KeyedValues"]

DETAIL_ORDER = ["场景导入", "产品细节", "核心卖点", "规格参数", "用户评价"]


def rules() -> dict[str, str]:
    """The 填写规范 of each row, stating the settings in force."""
    from .. import settings

    th = settings.thresholds("listing")
    n, scenes, details = th["main_image_count"], th["main_image_scene_count"], th["main_image_detail_count"]
    size, share = th["main_image_size"], th["white_background_share_min"]
    return {
        "商品名称": f"{th['title_width_min']}-{th['title_width_max']}字符（宽度单位），含核心关键词；"
        "审核：是否包含品牌名、核心属性词；无极限词、无堆砌",
        "价格": "精确到0.01，设置“日常价+活动价”；审核：活动价是否低于成本价",
        "主图": f"{n}张，首图白底（白底图1张、场景图{scenes}张、细节图{details}张）；{size}×{size}像素，白底无logo，"
        "无拼接图",
        "详情页首屏": f"卖点{th['selling_points_min']}-{th['selling_points_max']}个，解决用户核心痛点；无极限词",
        "详情页布局": "场景导入→产品细节→核心卖点→规格参数→用户评价（课程补充，来自工作坊方案）",
        "详情页图片": f"白底图占比不低于{share:.0%}，不得出现拼接图；{size}×{size}像素（课程补充，来自工作坊方案）",
        "SKU": "属性组合避免无效选项（如“颜色:默认”）；覆盖主流需求，无冗余选项；与库存一致",
    }


def _row(field: str, value: Any, problems: list[str]) -> dict:
    return {
        "字段": field,
        "填写规范": rules()[field],
        "填写值": value,
        "是否通过": not problems,
        "需要修改": "；".join(problems) if problems else "",
    }


def _missing(field: str) -> dict:
    return _row(field, "（未填写）", [f"{field}还没有填写：请先完成前面笔记本中对应的表单并保存。"])


def audit(listing: dict | None):
    """The table-1 audit report of a listing as a DataFrame (one row per field)."""
    import pandas as pd

    listing = listing or {}
    rows = [_missing(name) if _empty(listing.get(key)) else check(listing) for name, key, check in _ROWS]
    return pd.DataFrame(rows, columns=["字段", "填写规范", "填写值", "是否通过", "需要修改"])


def _empty(value: Any) -> bool:
    return not value or (isinstance(value, str) and not value.strip())


def _title_row(listing: dict) -> dict:
    title = listing["title"]
    rep = check_title(
        title,
        core_keyword=listing.get("core_keyword"),
        required=listing.get("core_attributes") or (),
        category=listing.get("category"),
        brand=listing.get("brand"),
    )
    return _row("商品名称", f"{title}（{rep.width} 个宽度单位）", rep.problems)


def _price_row(listing: dict) -> dict:
    prices = listing["prices"]
    probs = []
    for p in prices:
        probs += check_prices(p.get("日常价"), p.get("活动价"), cost=p.get("成本价"), label=str(p.get("规格", "")))
    shown = "；".join(f"{p.get('规格', '')} 日常价 {p.get('日常价')} / 活动价 {p.get('活动价')}" for p in prices)
    return _row("价格", shown, probs)


def _main_images_row(listing: dict) -> dict:
    infos = _image_infos(listing["main_images"])
    return _row("主图", "、".join(str(i.get("文件")) for i in infos), check_main_images(infos))


def _selling_points_row(listing: dict) -> dict:
    from .. import settings
    from .adwords import find_absolute_words

    th = settings.thresholds("listing")
    points = listing["selling_points"]
    lo, hi = int(th["selling_points_min"]), int(th["selling_points_max"])
    probs = [] if lo <= len(points) <= hi else [f"首屏卖点应为 {lo}-{hi} 个，现在是 {len(points)} 个。"]
    probs += [f"卖点「{sp}」：{f.message()}" for sp in points for f in find_absolute_words(sp)]
    return _row("详情页首屏", "、".join(map(str, points)), probs)


def _sections_row(listing: dict) -> dict:
    sections = listing["sections"]
    probs = []
    if list(sections) != DETAIL_ORDER:
        probs.append("详情页模块顺序应为 " + "→".join(DETAIL_ORDER) + "，现在是 " + "→".join(map(str, sections)) + "。")
    return _row("详情页布局", "→".join(map(str, sections)), probs)


def _detail_images_row(listing: dict) -> dict:
    infos = _image_infos(listing["detail_images"])
    return _row("详情页图片", "、".join(str(i.get("文件")) for i in infos), check_detail_images(infos))


def _sku_row(listing: dict) -> dict:
    attrs = listing["sku_attributes"]
    issues = check_options(attrs, listing.get("inventory"), product_id=listing.get("product_id"))
    probs = [i.message for i in issues if i.invalid or i.kind == "缺少选项"]
    pairs = attrs.items() if isinstance(attrs, dict) else [(r.get("name"), r.get("values")) for r in attrs]
    shown = "；".join(f"{k}:{'/'.join(v) if isinstance(v, list) else v}" for k, v in pairs)
    return _row("SKU", shown, probs)


#: the rows of the report: (字段, key of the listing, the row's check)
_ROWS = [
    ("商品名称", "title", _title_row),
    ("价格", "prices", _price_row),
    ("主图", "main_images", _main_images_row),
    ("详情页首屏", "selling_points", _selling_points_row),
    ("详情页布局", "sections", _sections_row),
    ("详情页图片", "detail_images", _detail_images_row),
    ("SKU", "sku_attributes", _sku_row),
]


def _image_infos(images) -> list[dict]:
    """Facts of images given as ``image_info`` dicts or file names of the featured product's candidates."""
    return [im if isinstance(im, dict) else image_info(asset_dir() / str(im)) for im in images]


def passed(report) -> bool:
    """True when every row of an audit report passed."""
    return bool(len(report)) and bool(report["是否通过"].all())


# -- the whole shop through table 1: facts per product (the supervisor decides) -------------


def campaign_start() -> str:
    """The first day of the shop's campaign (the dataset's calendar), e.g. ``2026-06-15``."""
    from .. import data

    return str(data.manifest()["calendar"]["campaign"]["start"])


def _options_text(rows) -> str:
    parts = []
    for label, col in (("颜色", "color"), ("尺寸", "size")):
        values = list(dict.fromkeys(str(v) for v in rows[col].dropna()))
        parts.append(f"{label}：{'/'.join(values)}")
    return "；".join(parts)


def catalog_facts(start: str | None = None):
    """One row of facts per shop product for the table-1 audit (no verdicts: those are the operator's).

    Columns: product_id, 商品名称, 标题, 标题宽度 (width units), 极限词 (absolute
    words found, "" if none), 活动价减成本 (the lowest campaign price minus cost over
    the product's SKUs, yuan), SKU选项 (the options the SKUs show), 划线价减近30天最低价
    (the highest, over the SKUs, of the list price on the campaign's first day minus
    the lowest deal price of the days before it; ``price_lookback_days``), 价格记录缺失天数.
    """
    import pandas as pd

    from .. import data
    from .adwords import find_absolute_words
    from .pricing import lowest_deal_price
    from .title import title_width

    start = start or campaign_start()
    day = pd.Timestamp(start)
    products, skus, history = data.load("products"), data.load("skus"), data.load("price_history")
    first_day = history[pd.to_datetime(history["date"]).dt.normalize() == day].set_index("sku_id")["list_price"]
    rows = []
    for p in products.sort_values("product_id").itertuples():
        mine = skus[skus["product_id"] == p.product_id]
        gaps, over = 0, []
        for s in mine.itertuples():
            low = lowest_deal_price(history, s.sku_id, start, before=True)
            gaps = max(gaps, len(low.missing))
            if s.sku_id in first_day.index and low.value is not None:
                over.append(float(first_day[s.sku_id]) - low.value)
        rows.append(
            {
                "product_id": p.product_id,
                "商品名称": p.product_name,
                "标题": p.title,
                "标题宽度": title_width(p.title),
                "极限词": "、".join(f.word for f in find_absolute_words(p.title)),
                "活动价减成本": round(float((mine["campaign_price"] - mine["cost"]).min()), 2),
                "SKU选项": _options_text(mine),
                "划线价减近30天最低价": round(max(over), 2) if over else None,
                "价格记录缺失天数": gaps,
            }
        )
    return pd.DataFrame(rows)


# -- a check kind the module's graded tasks use (public parameters, salted reference) ------


@_dataclass(kw_only=True)
class KeyedValues(_C.Check):
    """A table whose rows, found by ``key``, carry the reference's values in ``column``.

    Like ``TableMatch`` for one column, without a public row count: partial
    credit is the share of the reference's rows that are right (extra rows are
    not counted).

    >>> import pandas as pd
    >>> task = [KeyedValues(key="sku_id", column="线上库存", digits=0, msg="库存不一致")]
    >>> ref = _C.PlainReference(_C.reference_forms(task, [{"S1": 320, "S2": 0}]))
    >>> _C.judge_all(task, pd.DataFrame({"sku_id": ["S1", "S2"], "线上库存": [320, 0]}), ref).right
    True
    >>> _C.judge_all(task, pd.DataFrame({"sku_id": ["S1", "S2"], "线上库存": [320, 3]}), ref).share
    0.5
    """

    key: str = ""
    column: str = ""
    digits: int | None = 2
    partial: bool = True
    kind = "KeyedValues"
    needs_reference = True

    def reference_forms(self, ref_value):
        out = []
        for k, v in dict(ref_value).items():
            form = _C.value_form(v, self.digits)
            if form is not None:
                out.append(f"{_C.norm_text(k)}|{form}")
        return {"": sorted(out)}

    def judge(self, value, ref):
        if not _C.is_table(value) or self.key not in value.columns or self.column not in value.columns:
            return 0.0
        mine = set()
        for k, v in zip(value[self.key], value[self.column]):
            mine.update(f"{_C.norm_text(k)}|{f}" for f in _C.value_forms(v, self.digits))
        got, total = ref.hits("", mine)
        if total == 0:
            return 1.0
        return got / total if self.partial else float(got == total)
