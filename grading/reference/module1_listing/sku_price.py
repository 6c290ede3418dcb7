"""04_sku_price: SKU options, online stock, prices and the product pyramid (表6 SKU合理性).

The SKU options start as a colleague's draft with one invalid option
(``R.product.sku_attributes``); the right options are the draft's attributes
that vary between the product's SKUs, with the values the inventory uses.
"""

from __future__ import annotations

from course import checks as C
from course.tools.listing_audit import KeyedValues
from course.tools.sku import varying_attributes

from ..tasks import Task

NOTEBOOK = "04_sku_price"


def inventory(R):
    s = R.table("skus")
    return s[s["product_id"] == R.product.id]


def sale_attributes(R) -> list[str]:
    return varying_attributes(R.product.sku_attributes, inventory(R))


def online_stock(R) -> dict[str, int]:
    """Stock shown online per SKU: the inventory's stock when on sale, 0 when delisted."""
    return {r.sku_id: int(r.stock) if r.status == "在售" else 0 for r in inventory(R).itertuples()}


def daily_prices(R) -> dict[str, float]:
    return {spec: p.daily for spec, p in R.product.prices.items()}


def below_category_average(R) -> dict[str, float]:
    """1 − (a product's average SKU daily price ÷ the Top-100 average of its sub-category)."""
    skus, products, top = R.table("skus"), R.table("products"), R.table("category_top100")
    avg = skus.groupby("product_id")["daily_price"].mean()
    cat = top.groupby("sub_category")["price"].mean()
    return {
        p.product_id: 1 - avg[p.product_id] / cat[p.sub_category]
        for p in products.itertuples()
        if p.sub_category in cat.index
    }


TASKS = [
    Task(
        "sku",
        title="SKU 属性",
        dim="d3",
        points=8,
        kind="form",
        effort=2,
        var="attributes",
        checks=[
            C.SameSet(
                weight=2,
                ref=sale_attributes,
                msg="销售属性应是库存表中在 SKU 之间有变化的属性；所有 SKU 都一样的属性不作为选项。",
            ),
            C.Predicate(
                func="course.tools.sku:covers_inventory",
                weight=2,
                msg="选项没有覆盖库存表中的全部规格：库存里有的规格线上却选不到。",
            ),
            C.Predicate(
                func="course.tools.sku:no_invalid_options",
                weight=4,
                msg="存在无效选项（如“颜色:默认”、库存里没有的选项或重复选项），删掉它们。",
            ),
        ],
    ),
    Task(
        "sku_table",
        title="线上库存",
        dim="d3",
        points=3,
        kind="scaffold",
        checks=[
            C.Columns(columns=["sku_id", "线上库存"], weight=0, msg="sku_table 需要 sku_id 和 线上库存 两列。"),
            KeyedValues(
                key="sku_id",
                column="线上库存",
                digits=0,
                weight=3,
                ref=online_stock,
                msg="线上库存与库存表不一致：在售的 SKU 显示库存表的 stock，已下架的 SKU 显示 0。检查空格里的状态值。",
            ),
        ],
    ),
    Task(
        "prices",
        title="价格",
        dim="d3",
        points=4,
        kind="form",
        effort=4,
        checks=[
            C.SameSet(
                column="规格",
                ref=lambda R: list(R.product.prices),
                msg="每个规格（库存表的 size）都要有一行价格，写法与库存表一致。",
            ),
            C.Predicate(
                func="course.forms.price_form:cents_and_below_daily",
                msg="日常价和活动价都精确到 0.01，活动价要低于日常价。",
            ),
            C.Predicate(
                func="course.forms.price_form:activity_not_below_cost",
                msg="活动价低于成本价（表1 审核要点），每卖一件都亏钱。",
            ),
            KeyedValues(
                key="规格",
                column="日常价",
                digits=2,
                partial=False,
                ref=daily_prices,
                msg="日常价应与库存表中的当前日常价一致（线上线下一致）。",
            ),
        ],
    ),
    Task(
        "pyramid",
        title="商品金字塔",
        dim="d3",
        points=2,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["product_id", "低于类目均价"], weight=0, msg="pyramid 需要 product_id 和 低于类目均价 两列。"
            ),
            KeyedValues(
                key="product_id",
                column="低于类目均价",
                digits=3,
                weight=2,
                ref=below_category_average,
                msg="低于类目均价 = 1 − 均价 ÷ 类目均价：检查两个空格里的列名和顺序。",
            ),
        ],
    ),
]
