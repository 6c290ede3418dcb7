"""店铺与市场的静态数据：商品、SKU、价格记录、类目热销榜、关键词、活动规则、问卷。

The static side of the simulation: the shop's catalogue (hand-written, with a few
planted listing mistakes for module 1), its daily price history, and the
"market" tables (category Top-100, keywords).  The market tables and the
survey do not depend on ``scale``; they depend on ``seed`` only.

Money is handled in integer cents (分) inside the generator and written as
two-decimal floats.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .spec import AGE_BANDS, CALENDAR

SHOP_NAME = "栖木家居"
CATEGORY = "家居"

D = dt.date.fromisoformat
TRADING_START = D(CALENDAR["trading_start"])
TRADING_END = D(CALENDAR["trading_end"])
CAMPAIGN_START = D(CALENDAR["campaign"]["start"])
CAMPAIGN_END = D(CALENDAR["campaign"]["end"])
DOUBLE11 = D(CALENDAR["double11"])
DOUBLE11_DISCOUNT = 0.9


def cents(yuan: float) -> int:
    return int(round(yuan * 100))


# ---------------------------------------------------------------------------
# The catalogue.  Each SKU: (color, size, material, cost, daily, campaign, weight)
# weight = relative popularity when a shopper picks an item.
# Planted listing issues (teacher notes, module 1):
#   P006 title contains the absolute word 全网最低价 (advertising law);
#   P010 title too short (< 30 width units); P012 title too long (> 60);
#   P005 小号 campaign price 5.90 below its cost 6.50;
#   P013 has a useless option 颜色:默认;
#   P003 黑色岩板: daily price raised 1299 -> 1399 on 2026-06-01, so the
#   campaign's 划线价 1399 is not the lowest price of the last 30 days (1299).
# ---------------------------------------------------------------------------
PRODUCTS = [
    dict(
        product_id="P001",
        product_name="北欧风简约床头柜",
        sub_category="床头柜",
        role="利润款",
        style="北欧风",
        title="北欧ins风简约床头柜卧室小户型储物柜现代简约白色",
        launch_date="2024-09-01",
        rating=4.8,
        review_count=3260,
        skus=[
            (c, s, "E1级刨花板", cost, daily, camp, 1.0)
            for c in ("白色", "原木色", "浅灰色")
            for s, cost, daily, camp in (("40cm宽", 95, 199, 179), ("48cm宽", 118, 259, 229))
        ],
    ),
    dict(
        product_id="P002",
        product_name="北欧实木床头柜",
        sub_category="床头柜",
        role="利润款",
        style="北欧风",
        title="北欧实木床头柜橡胶木卧室床边柜带抽屉原木风小户型储物柜",
        launch_date="2024-11-15",
        rating=4.9,
        review_count=1580,
        skus=[
            (c, s, "橡胶木实木", cost, daily, camp, 0.42)
            for c in ("原木色", "胡桃色")
            for s, cost, daily, camp in (("45cm宽", 205, 459, 399), ("55cm宽", 238, 539, 469))
        ],
    ),
    dict(
        product_id="P003",
        product_name="意式轻奢岩板床头柜",
        sub_category="床头柜",
        role="形象款",
        style="轻奢风",
        title="意式轻奢岩板床头柜卧室高级感床边柜实木脚设计款",
        launch_date="2025-03-01",
        rating=4.7,
        review_count=420,
        skus=[(c, "50cm宽", "岩板+实木", 560, 1299, 1199, 0.03) for c in ("白色岩板", "黑色岩板")],
    ),
    dict(
        product_id="P004",
        product_name="布艺收纳盒三件套",
        sub_category="收纳盒",
        role="利润款",
        style="日式",
        title="布艺收纳盒三件套衣柜衣物整理箱可折叠家用储物盒棉麻",
        launch_date="2024-08-20",
        rating=4.8,
        review_count=5120,
        skus=[
            (c, s, "棉麻布+纸板", cost, daily, camp, 0.55)
            for c in ("米白", "浅灰", "雾蓝")
            for s, cost, daily, camp in (("标准款", 22, 59.9, 49.9), ("加高款", 29, 79.9, 69.9))
        ],
    ),
    dict(
        product_id="P005",
        product_name="透明塑料收纳盒",
        sub_category="收纳盒",
        role="引流款",
        style="现代简约",
        title="透明收纳盒塑料桌面整理盒抽屉式化妆品收纳小盒子包邮",
        launch_date="2024-08-01",
        rating=4.7,
        review_count=12800,
        skus=[
            ("透明", s, "PP塑料", cost, daily, camp, w)
            for s, cost, daily, camp, w in (
                ("小号", 6.5, 9.9, 5.9, 1.6),
                ("中号", 8.8, 14.9, 12.9, 1.1),
                ("大号", 11.6, 19.9, 16.9, 0.8),
            )
        ],
    ),
    dict(
        product_id="P006",
        product_name="北欧简约置物架",
        sub_category="置物架",
        role="利润款",
        style="北欧风",
        title="北欧简约落地置物架卧室床头多层收纳架全网最低价",
        launch_date="2024-10-10",
        rating=4.6,
        review_count=2210,
        skus=[
            (c, s, "碳钢", cost, daily, camp, 0.4)
            for c in ("白色", "黑色")
            for s, cost, daily, camp in (("三层", 52, 129, 109), ("四层", 68, 169, 149))
        ],
    ),
    dict(
        product_id="P007",
        product_name="ins风桌面收纳盒",
        sub_category="收纳盒",
        role="引流款",
        style="ins风",
        title="ins风桌面收纳盒少女心化妆品整理盒宿舍书桌文具收纳",
        launch_date="2025-09-15",
        rating=4.8,
        review_count=1730,
        skus=[(c, "单个装", "ABS塑料", 10.8, 29.9, 25.9, 0.7) for c in ("白色", "粉色", "薄荷绿")],
    ),
    dict(
        product_id="P008",
        product_name="实木衣帽架",
        sub_category="衣帽架",
        role="利润款",
        style="北欧风",
        title="北欧实木衣帽架落地卧室挂衣架简约现代榉木衣架",
        launch_date="2024-12-01",
        rating=4.8,
        review_count=860,
        skus=[(c, "170cm高", "榉木", 68, 169, 149, 0.25) for c in ("原木色", "胡桃色")],
    ),
    dict(
        product_id="P009",
        product_name="北欧懒人沙发",
        sub_category="懒人沙发",
        role="形象款",
        style="北欧风",
        title="北欧懒人沙发卧室小户型单人沙发椅泰迪绒休闲躺椅",
        launch_date="2025-01-10",
        rating=4.7,
        review_count=640,
        skus=[
            (c, s, "泰迪绒+高回弹海绵", cost, daily, camp, w)
            for c in ("奶白色", "燕麦色")
            for s, cost, daily, camp, w in (("单人款", 320, 699, 629, 0.06), ("双人款", 455, 999, 899, 0.03))
        ],
    ),
    dict(
        product_id="P010",
        product_name="棉麻床头挂袋",
        sub_category="收纳袋",
        role="引流款",
        style="日式",
        title="床头挂袋收纳",
        launch_date="2025-02-15",
        rating=4.6,
        review_count=2950,
        skus=[(c, "30×40cm", "棉麻", 7.6, 19.9, 16.9, 0.5) for c in ("米白", "浅灰")],
    ),
    dict(
        product_id="P011",
        product_name="北欧风床尾凳",
        sub_category="床尾凳",
        role="利润款",
        style="北欧风",
        title="北欧床尾凳卧室床边长凳换鞋凳软包实木腿简约现代",
        launch_date="2025-04-01",
        rating=4.8,
        review_count=390,
        skus=[(c, "100cm长", "科技布+实木", 128, 299, 269, 0.22) for c in ("白色", "原木色")],
    ),
    dict(
        product_id="P012",
        product_name="带轮床底收纳箱",
        sub_category="收纳箱",
        role="利润款",
        style="现代简约",
        title="带轮床底收纳箱扁平大容量衣物被子整理箱加厚塑料储物箱家用床下抽屉式收纳神器透明可视",
        launch_date="2024-09-20",
        rating=4.7,
        review_count=4100,
        skus=[
            (c, s, "PP塑料", cost, daily, camp, 0.4)
            for c in ("透明白", "灰色")
            for s, cost, daily, camp in (("60L", 36, 89.9, 79.9), ("80L", 44, 109.9, 99.9))
        ],
    ),
    dict(
        product_id="P013",
        product_name="岩板圆形边几",
        sub_category="边几",
        role="形象款",
        style="轻奢风",
        title="意式轻奢岩板圆形边几客厅沙发边桌小圆桌金属脚",
        launch_date="2026-03-01",
        rating=4.9,
        review_count=58,
        skus=[(c, "直径45cm", "岩板+碳钢", 380, 899, 799, 0.03) for c in ("白色岩板", "默认")],
    ),
]

# Stock snapshot plants: sku -> (stock, delisted_date or None)
STOCK_PLANTS = {
    "P001-S06": (3, "2026-06-19"),  # 浅灰色 48cm: sold out in the campaign -> delisted
    "P009-S04": (6, "2026-06-19"),  # 燕麦色 双人款
    "P012-S04": (8, "2026-05-10"),  # 灰色 80L, delisted before the campaign
    "P004-S06": (10, None),  # exactly at the alert level: still on sale (stock < 10 rule)
    "P005-S01": (12, None),
}
# Price changes (sku -> list of (date, new daily price))
PRICE_CHANGES = {
    "P002-S01": [("2026-01-01", 459)],
    "P002-S03": [("2026-01-01", 459)],
    "P002-S02": [("2026-01-01", 539)],
    "P002-S04": [("2026-01-01", 539)],
    "P003-S02": [("2026-06-01", 1399)],  # the "先涨后降" plant
}
PRICE_BEFORE_CHANGE = {"P002-S01": 439, "P002-S03": 439, "P002-S02": 519, "P002-S04": 519}
FAKE_DISCOUNT_SKU = "P003-S02"


def products_frame() -> pd.DataFrame:
    rows = [
        {
            k: p[k]
            for k in (
                "product_id",
                "product_name",
                "title",
                "sub_category",
                "role",
                "style",
                "launch_date",
                "rating",
                "review_count",
            )
        }
        | {"category": CATEGORY}
        for p in PRODUCTS
    ]
    cols = [
        "product_id",
        "product_name",
        "title",
        "category",
        "sub_category",
        "role",
        "style",
        "launch_date",
        "rating",
        "review_count",
    ]
    return pd.DataFrame(rows)[cols]


def sku_table(rng: np.random.Generator) -> pd.DataFrame:
    """SKUs with integer-cent prices (``*_c`` columns) and the stock snapshot."""
    rows = []
    for p in PRODUCTS:
        for i, (color, size, material, cost, daily, camp, w) in enumerate(p["skus"], start=1):
            sku_id = f"{p['product_id']}-S{i:02d}"
            if sku_id in PRICE_CHANGES:
                daily = PRICE_CHANGES[sku_id][-1][1]
            rows.append(
                dict(
                    sku_id=sku_id,
                    product_id=p["product_id"],
                    color=color,
                    size=size,
                    material=material,
                    cost_c=cents(cost),
                    daily_c=cents(daily),
                    campaign_c=cents(camp),
                    weight=w,
                    role=p["role"],
                    listed_date=p["launch_date"],
                )
            )
    df = pd.DataFrame(rows)
    stock = rng.integers(25, 420, size=len(df))
    df["stock"] = stock
    df["delisted_date"] = None
    for sku, (st, dl) in STOCK_PLANTS.items():
        df.loc[df.sku_id == sku, "stock"] = st
        df.loc[df.sku_id == sku, "delisted_date"] = dl
    df["status"] = np.where(df["delisted_date"].notna(), "已下架", "在售")
    # listed_date: not before the trading start is irrelevant; keep the product's launch date
    return df


def daily_price_c(sku_row, day: dt.date) -> int:
    """The daily (non-campaign) price of a SKU on a day, in cents."""
    sku = sku_row["sku_id"]
    if sku in PRICE_CHANGES:
        price = PRICE_BEFORE_CHANGE.get(sku)
        if price is None:  # the plant: base price from the catalogue
            p = next(pp for pp in PRODUCTS if pp["product_id"] == sku_row["product_id"])
            price = p["skus"][int(sku[-2:]) - 1][4]
        for when, new in PRICE_CHANGES[sku]:
            if day >= D(when):
                price = new
        return cents(price)
    return int(sku_row["daily_c"])


def trading_days() -> list[dt.date]:
    n = (TRADING_END - TRADING_START).days + 1
    return [TRADING_START + dt.timedelta(days=i) for i in range(n)]


def price_matrix(skus: pd.DataFrame):
    """Per day x SKU: list price, deal price (cents) and on-sale flag."""
    days = trading_days()
    n_d, n_s = len(days), len(skus)
    deal = np.zeros((n_d, n_s), dtype=np.int64)
    listp = np.zeros((n_d, n_s), dtype=np.int64)
    on = np.zeros((n_d, n_s), dtype=bool)
    for j, row in enumerate(skus.to_dict("records")):
        listed = D(row["listed_date"])
        delisted = D(row["delisted_date"]) if row["delisted_date"] else None
        for i, day in enumerate(days):
            daily = daily_price_c(row, day)
            lp, dp = daily, daily
            if day == DOUBLE11:
                dp = daily * 9 // 10
            if CAMPAIGN_START <= day <= CAMPAIGN_END:
                dp = int(row["campaign_c"])
                # honest 划线价 = lowest deal price in the 30 days before the campaign;
                # the planted SKU shows its raised daily price instead
                lp = daily if row["sku_id"] == FAKE_DISCOUNT_SKU else None
            listp[i, j] = lp if lp is not None else -1
            deal[i, j] = dp
            on[i, j] = day >= listed and (delisted is None or day < delisted)
    # fill honest campaign list prices: min deal price over the 30 days before the campaign start
    ci = [i for i, d in enumerate(days) if CAMPAIGN_START <= d <= CAMPAIGN_END]
    start = ci[0]
    window = deal[max(0, start - 30) : start]
    low = window.min(axis=0)
    for i in ci:
        fill = listp[i] < 0
        listp[i, fill] = low[fill]
    return days, listp, deal, on


def price_history_frame(skus: pd.DataFrame) -> pd.DataFrame:
    days, listp, deal, on = price_matrix(skus)
    n_d, n_s = deal.shape
    df = pd.DataFrame(
        {
            "date": np.repeat(np.array([d.isoformat() for d in days]), n_s),
            "sku_id": np.tile(skus.sku_id.to_numpy(), n_d),
            "product_id": np.tile(skus.product_id.to_numpy(), n_d),
            "list_price": listp.ravel() / 100,
            "deal_price": deal.ravel() / 100,
            "on_sale": on.ravel(),
        }
    )
    # a SKU appears from its listing date (or the trading start) on
    listed = np.tile(pd.to_datetime(skus.listed_date).dt.date.to_numpy(), n_d)
    keep = np.repeat(np.array(days), n_s) >= listed
    return df[keep].reset_index(drop=True)


def campaign_phases_frame() -> pd.DataFrame:
    ph = CALENDAR["campaign"]["phases"]
    info = {
        "预热期": (
            "社群预告+短视频种草，引导收藏加购、领券",
            "社群引流|直播|平台首页推荐",
            "加购人数、收藏数、社群触达人数",
        ),
        "爆发期": (
            "加大付费广告投放，0点开抢，赠品限前100名",
            "付费广告|平台首页推荐|直播",
            "GMV、支付转化率、新客转化率",
        ),
        "返场期": ("向已加购未支付的用户发券，返场直播", "社群引流|直播", "GMV、加购转化率、活动复盘"),
    }
    rows = [
        dict(
            phase=k,
            start_date=v["start"],
            end_date=v["end"],
            days=v["days"],
            focus=info[k][0],
            main_channels=info[k][1],
            kpi=info[k][2],
        )
        for k, v in ph.items()
    ]
    return pd.DataFrame(rows)


GIFT_NAME = "定制收纳盒"
GIFT_COST_C = 800
GIFT_LIMIT = 100
THRESHOLD_C = 39900
THRESHOLD_CUT_C = 5000


PROMOTION_COLUMNS = [
    "promo_id",
    "campaign",
    "name",
    "type",
    "threshold",
    "amount",
    "n",
    "discount",
    "limit",
    "gift_name",
    "gift_cost",
    "start",
    "end",
    "repeatable",
    "apply_order",
    "rule_text",
]


def campaign_window() -> dict:
    """The fields every rule of the main campaign shares: its name and whole window."""
    c = CALENDAR["campaign"]
    return dict(campaign=c["name"], start=c["start"] + " 00:00:00", end=c["end"] + " 23:59:59", repeatable=False)


def campaign_rules() -> list[dict]:
    """The campaign's four stacked rules, in the order they are applied (PR01-PR04)."""
    window = campaign_window()
    return [
        dict(
            promo_id="PR01",
            name="活动价",
            type="活动价",
            apply_order=1,
            rule_text="活动期间全店商品按 SKU 活动价销售（见 skus.campaign_price）。",
            **window,
        ),
        dict(
            promo_id="PR02",
            name="第二件半价",
            type="第N件折扣",
            n=2,
            discount=0.5,
            apply_order=2,
            rule_text="同一 SKU 购买 2 件及以上时，其中第 2 件按活动价的 50% 计"
            "（每个 SKU 仅第 2 件半价，第 3 件起原活动价）。",
            **window,
        ),
        dict(
            promo_id="PR03",
            name="满399减50",
            type="满减",
            threshold=399.0,
            amount=50.0,
            apply_order=3,
            rule_text="第二件半价后的订单商品金额满 399 元（含 399 元）减 50 元，每单限减一次，"
            "不累计（满 798 元仍减 50 元）。",
            **window,
        ),
        dict(
            promo_id="PR04",
            name="前100名赠品",
            type="赠品",
            limit=GIFT_LIMIT,
            gift_name=GIFT_NAME,
            gift_cost=GIFT_COST_C / 100,
            apply_order=4,
            rule_text="活动期间按支付时间前 100 名的订单赠送定制收纳盒 1 个，送完即止，订单取消则名额顺延。",
            **window,
        ),
    ]


def double11_rule() -> dict:
    """The one-day Double 11 discount, a campaign of its own (PR05)."""
    return dict(
        promo_id="PR05",
        campaign="双11当日限时折扣",
        name="限时折扣",
        type="限时折扣",
        discount=DOUBLE11_DISCOUNT,
        apply_order=1,
        start=CALENDAR["double11"] + " 00:00:00",
        end=CALENDAR["double11"] + " 23:59:59",
        repeatable=False,
        rule_text="2025-11-11 当天全店商品 9 折（直接体现在成交单价中）。",
    )


def promotions_frame() -> pd.DataFrame:
    """All promotion rules, one row each, in :data:`PROMOTION_COLUMNS` order."""
    df = pd.DataFrame([*campaign_rules(), double11_rule()])
    # A rule leaves out the terms it has no use for; the table still has every column.
    for c in PROMOTION_COLUMNS:
        if c not in df:
            df[c] = None
    # Counts stay integers with gaps (plain int would turn into float beside NaN).
    df["n"] = df["n"].astype("Int64")
    df["limit"] = df["limit"].astype("Int64")
    return df[PROMOTION_COLUMNS]


def vocabulary() -> set[str]:
    """Words of the catalogue (for the schema's "looks like a full name" check)."""
    words = set(AGE_BANDS)
    for p in PRODUCTS:
        words.update([p["product_name"], p["sub_category"], p["style"], p["role"]])
        for s in p["skus"]:
            words.update(s[:3])
    return words
