"""05_listing_audit: the supervisor's table-1 audit of the whole shop (表6 标题关键词准确性, SKU合理性).

The facts per product come from ``course.tools.listing_audit.catalog_facts``;
the reference applies table 1's rules to them (title width in the settings'
range and no absolute word; no SKU's campaign price below cost; no invalid
option; the list price on the campaign's first day not above the lowest deal
price of the ``price_lookback_days`` before).
"""

from __future__ import annotations

from course import checks as C
from course.tools.listing_audit import catalog_facts
from course.tools.sku import check_options

from ..tasks import Task

NOTEBOOK = "05_listing_audit"


def facts(R):
    return catalog_facts()


def bad_titles(R) -> list[str]:
    f = facts(R)
    lo, hi = R.threshold("listing", "title_width_min"), R.threshold("listing", "title_width_max")
    bad = (f["标题宽度"] < lo) | (f["标题宽度"] > hi) | (f["极限词"] != "")
    return list(f[bad]["product_id"])


def below_cost(R) -> list[str]:
    f = facts(R)
    return list(f[f["活动价减成本"] < 0]["product_id"])


def invalid_options(R) -> list[str]:
    skus = R.table("skus")
    out = []
    for pid, g in skus.groupby("product_id"):
        attrs = {"颜色": list(dict.fromkeys(g["color"])), "尺寸": list(dict.fromkeys(g["size"]))}
        if any(i.kind == "无意义选项" for i in check_options(attrs)):
            out.append(pid)
    return out


def fake_original(R) -> list[str]:
    f = facts(R)
    return list(f[f["划线价减近30天最低价"] > 0]["product_id"])


TASKS = [
    Task(
        "catalog_titles",
        title="全店标题核对",
        dim="d1",
        points=4,
        kind="form",
        effort=1,
        var="catalog_audit",
        checks=[
            C.Includes(
                column="title",
                partial=True,
                weight=3,
                ref=bad_titles,
                msg="有不合规的标题没有找出来：检查标题宽度是否在规定范围内、有没有极限词。",
            ),
            C.Within(
                column="title",
                ref=bad_titles,
                msg="把合规的标题判成了不合规（或一个都没勾）：只勾宽度超出范围或含极限词的商品。",
            ),
        ],
    ),
    Task(
        "catalog_sku_price",
        title="全店价格与 SKU 核对",
        dim="d3",
        points=3,
        kind="form",
        effort=3,
        var="catalog_audit",
        checks=[
            C.SameSet(
                column="price",
                ref=below_cost,
                msg="价格核对不对：任何一个 SKU 的活动价低于成本（活动价减成本为负），该商品就不合规。",
            ),
            C.SameSet(column="sku", ref=invalid_options, msg="SKU 核对不对：选项里有“默认”这类无效选项的商品不合规。"),
            C.SameSet(
                column="original",
                ref=fake_original,
                msg="原价核对不对：活动第一天的划线价高于活动前近30天最低成交价（差值为正）的商品，原价不真实。",
            ),
        ],
    ),
]
