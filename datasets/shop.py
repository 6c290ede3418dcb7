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
    dict(product_id="P001", product_name="北欧风简约床头柜", sub_category="床头柜", role="利润款", style="北欧风",
         title="北欧ins风简约床头柜卧室小户型储物柜现代简约白色", launch_date="2024-09-01", rating=4.8, review_count=3260,
         skus=[(c, s, "E1级刨花板", cost, daily, camp, 1.0)
               for c in ("白色", "原木色", "浅灰色")
               for s, cost, daily, camp in (("40cm宽", 95, 199, 179), ("48cm宽", 118, 259, 229))]),
    dict(product_id="P002", product_name="北欧实木床头柜", sub_category="床头柜", role="利润款", style="北欧风",
         title="北欧实木床头柜橡胶木卧室床边柜带抽屉原木风小户型储物柜", launch_date="2024-11-15", rating=4.9, review_count=1580,
         skus=[(c, s, "橡胶木实木", cost, daily, camp, 0.42)
               for c in ("原木色", "胡桃色")
               for s, cost, daily, camp in (("45cm宽", 205, 459, 399), ("55cm宽", 238, 539, 469))]),
    dict(product_id="P003", product_name="意式轻奢岩板床头柜", sub_category="床头柜", role="形象款", style="轻奢风",
         title="意式轻奢岩板床头柜卧室高级感床边柜实木脚设计款", launch_date="2025-03-01", rating=4.7, review_count=420,
         skus=[(c, "50cm宽", "岩板+实木", 560, 1299, 1199, 0.03) for c in ("白色岩板", "黑色岩板")]),
    dict(product_id="P004", product_name="布艺收纳盒三件套", sub_category="收纳盒", role="利润款", style="日式",
         title="布艺收纳盒三件套衣柜衣物整理箱可折叠家用储物盒棉麻", launch_date="2024-08-20", rating=4.8, review_count=5120,
         skus=[(c, s, "棉麻布+纸板", cost, daily, camp, 0.55)
               for c in ("米白", "浅灰", "雾蓝")
               for s, cost, daily, camp in (("标准款", 22, 59.9, 49.9), ("加高款", 29, 79.9, 69.9))]),
    dict(product_id="P005", product_name="透明塑料收纳盒", sub_category="收纳盒", role="引流款", style="现代简约",
         title="透明收纳盒塑料桌面整理盒抽屉式化妆品收纳小盒子包邮", launch_date="2024-08-01", rating=4.7, review_count=12800,
         skus=[("透明", s, "PP塑料", cost, daily, camp, w)
               for s, cost, daily, camp, w in (("小号", 6.5, 9.9, 5.9, 1.6), ("中号", 8.8, 14.9, 12.9, 1.1),
                                               ("大号", 11.6, 19.9, 16.9, 0.8))]),
    dict(product_id="P006", product_name="北欧简约置物架", sub_category="置物架", role="利润款", style="北欧风",
         title="北欧简约落地置物架卧室床头多层收纳架全网最低价", launch_date="2024-10-10", rating=4.6, review_count=2210,
         skus=[(c, s, "碳钢", cost, daily, camp, 0.4)
               for c in ("白色", "黑色")
               for s, cost, daily, camp in (("三层", 52, 129, 109), ("四层", 68, 169, 149))]),
    dict(product_id="P007", product_name="ins风桌面收纳盒", sub_category="收纳盒", role="引流款", style="ins风",
         title="ins风桌面收纳盒少女心化妆品整理盒宿舍书桌文具收纳", launch_date="2025-09-15", rating=4.8, review_count=1730,
         skus=[(c, "单个装", "ABS塑料", 10.8, 29.9, 25.9, 0.7) for c in ("白色", "粉色", "薄荷绿")]),
    dict(product_id="P008", product_name="实木衣帽架", sub_category="衣帽架", role="利润款", style="北欧风",
         title="北欧实木衣帽架落地卧室挂衣架简约现代榉木衣架", launch_date="2024-12-01", rating=4.8, review_count=860,
         skus=[(c, "170cm高", "榉木", 68, 169, 149, 0.25) for c in ("原木色", "胡桃色")]),
    dict(product_id="P009", product_name="北欧懒人沙发", sub_category="懒人沙发", role="形象款", style="北欧风",
         title="北欧懒人沙发卧室小户型单人沙发椅泰迪绒休闲躺椅", launch_date="2025-01-10", rating=4.7, review_count=640,
         skus=[(c, s, "泰迪绒+高回弹海绵", cost, daily, camp, w)
               for c in ("奶白色", "燕麦色")
               for s, cost, daily, camp, w in (("单人款", 320, 699, 629, 0.06), ("双人款", 455, 999, 899, 0.03))]),
    dict(product_id="P010", product_name="棉麻床头挂袋", sub_category="收纳袋", role="引流款", style="日式",
         title="床头挂袋收纳", launch_date="2025-02-15", rating=4.6, review_count=2950,
         skus=[(c, "30×40cm", "棉麻", 7.6, 19.9, 16.9, 0.5) for c in ("米白", "浅灰")]),
    dict(product_id="P011", product_name="北欧风床尾凳", sub_category="床尾凳", role="利润款", style="北欧风",
         title="北欧床尾凳卧室床边长凳换鞋凳软包实木腿简约现代", launch_date="2025-04-01", rating=4.8, review_count=390,
         skus=[(c, "100cm长", "科技布+实木", 128, 299, 269, 0.22) for c in ("白色", "原木色")]),
    dict(product_id="P012", product_name="带轮床底收纳箱", sub_category="收纳箱", role="利润款", style="现代简约",
         title="带轮床底收纳箱扁平大容量衣物被子整理箱加厚塑料储物箱家用床下抽屉式收纳神器透明可视",
         launch_date="2024-09-20", rating=4.7, review_count=4100,
         skus=[(c, s, "PP塑料", cost, daily, camp, 0.4)
               for c in ("透明白", "灰色")
               for s, cost, daily, camp in (("60L", 36, 89.9, 79.9), ("80L", 44, 109.9, 99.9))]),
    dict(product_id="P013", product_name="岩板圆形边几", sub_category="边几", role="形象款", style="轻奢风",
         title="意式轻奢岩板圆形边几客厅沙发边桌小圆桌金属脚", launch_date="2026-03-01", rating=4.9, review_count=58,
         skus=[(c, "直径45cm", "岩板+碳钢", 380, 899, 799, 0.03) for c in ("白色岩板", "默认")]),
]

# Stock snapshot plants: sku -> (stock, delisted_date or None)
STOCK_PLANTS = {
    "P001-S06": (3, "2026-06-19"),   # 浅灰色 48cm: sold out in the campaign -> delisted
    "P009-S04": (6, "2026-06-19"),   # 燕麦色 双人款
    "P012-S04": (8, "2026-05-10"),   # 灰色 80L, delisted before the campaign
    "P004-S06": (10, None),          # exactly at the alert level: still on sale (stock < 10 rule)
    "P005-S01": (12, None),
}
# Price changes (sku -> list of (date, new daily price))
PRICE_CHANGES = {
    "P002-S01": [("2026-01-01", 459)], "P002-S03": [("2026-01-01", 459)],
    "P002-S02": [("2026-01-01", 539)], "P002-S04": [("2026-01-01", 539)],
    "P003-S02": [("2026-06-01", 1399)],   # the "先涨后降" plant
}
PRICE_BEFORE_CHANGE = {"P002-S01": 439, "P002-S03": 439, "P002-S02": 519, "P002-S04": 519}
FAKE_DISCOUNT_SKU = "P003-S02"


def products_frame() -> pd.DataFrame:
    rows = [{k: p[k] for k in ("product_id", "product_name", "title", "sub_category", "role", "style",
                                "launch_date", "rating", "review_count")} | {"category": CATEGORY} for p in PRODUCTS]
    cols = ["product_id", "product_name", "title", "category", "sub_category", "role", "style",
            "launch_date", "rating", "review_count"]
    return pd.DataFrame(rows)[cols]


def sku_table(rng: np.random.Generator) -> pd.DataFrame:
    """SKUs with integer-cent prices (``*_c`` columns) and the stock snapshot."""
    rows = []
    for p in PRODUCTS:
        for i, (color, size, material, cost, daily, camp, w) in enumerate(p["skus"], start=1):
            sku_id = f"{p['product_id']}-S{i:02d}"
            if sku_id in PRICE_CHANGES:
                daily = PRICE_CHANGES[sku_id][-1][1]
            rows.append(dict(sku_id=sku_id, product_id=p["product_id"], color=color, size=size, material=material,
                             cost_c=cents(cost), daily_c=cents(daily), campaign_c=cents(camp), weight=w,
                             role=p["role"], listed_date=p["launch_date"]))
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
    window = deal[max(0, start - 30):start]
    low = window.min(axis=0)
    for i in ci:
        fill = listp[i] < 0
        listp[i, fill] = low[fill]
    return days, listp, deal, on


def price_history_frame(skus: pd.DataFrame) -> pd.DataFrame:
    days, listp, deal, on = price_matrix(skus)
    n_d, n_s = deal.shape
    df = pd.DataFrame({
        "date": np.repeat(np.array([d.isoformat() for d in days]), n_s),
        "sku_id": np.tile(skus.sku_id.to_numpy(), n_d),
        "product_id": np.tile(skus.product_id.to_numpy(), n_d),
        "list_price": listp.ravel() / 100,
        "deal_price": deal.ravel() / 100,
        "on_sale": on.ravel(),
    })
    # a SKU appears from its listing date (or the trading start) on
    listed = np.tile(pd.to_datetime(skus.listed_date).dt.date.to_numpy(), n_d)
    keep = np.repeat(np.array(days), n_s) >= listed
    return df[keep].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Market tables
# ---------------------------------------------------------------------------
# sub_category: (price range yuan, monthly sales range, season hint, styles, materials, colours,
#                persona (age bands, gender, spending), cost share range, online items range)
_SUBCATS = {
    "床头柜": ((129, 899), (800, 9000), "全年平稳，3-4月装修季、双11前上升", ["北欧风", "现代简约", "轻奢风", "ins风", "日式"],
            ["刨花板", "实木", "岩板", "密度板"], ["白色", "原木色", "胡桃色", "浅灰色"],
            (["25-30岁", "31-35岁"], ["女", "不限"], ["中", "中", "高"]), (0.38, 0.62), (120000, 900000)),
    "收纳盒": ((12.9, 99), (3000, 40000), "开学季(8-9月)、换季整理(3月、10月)上升", ["现代简约", "ins风", "日式"],
            ["PP塑料", "布艺", "ABS塑料"], ["透明", "白色", "米白", "浅灰"],
            (["18-24岁", "25-30岁", "31-35岁"], ["女"], ["低", "中"]), (0.45, 0.75), (500000, 3000000)),
    "置物架": ((49, 399), (1500, 15000), "全年平稳，搬家季(7-8月)略高", ["北欧风", "现代简约", "工业风"],
            ["碳钢", "实木", "竹"], ["白色", "黑色", "原木色"],
            (["25-30岁", "31-35岁", "36-40岁"], ["不限"], ["低", "中"]), (0.45, 0.70), (300000, 1500000)),
    "收纳箱": ((39, 199), (2000, 20000), "换季(3-4月、10-11月)需求高", ["现代简约", "日式"],
            ["PP塑料", "布艺"], ["透明白", "灰色", "米白"],
            (["25-30岁", "31-35岁", "36-40岁", "41-50岁"], ["女", "不限"], ["低", "中"]), (0.45, 0.70), (200000, 1200000)),
    "懒人沙发": ((199, 1599), (500, 6000), "秋冬(10-1月)旺季，夏季偏淡", ["北欧风", "奶油风", "ins风"],
             ["泰迪绒", "科技布", "棉麻"], ["奶白色", "燕麦色", "浅灰"],
             (["18-24岁", "25-30岁"], ["女"], ["中", "高"]), (0.40, 0.65), (60000, 400000)),
    "衣帽架": ((59, 329), (600, 6000), "秋冬换季(9-11月)上升", ["北欧风", "现代简约"], ["实木", "碳钢"],
            ["原木色", "胡桃色", "黑色"], (["25-30岁", "31-35岁"], ["不限"], ["中"]), (0.40, 0.65), (80000, 500000)),
    "床尾凳": ((159, 899), (300, 3000), "婚房装修季(4-5月、9-10月)上升", ["北欧风", "轻奢风", "奶油风"],
            ["科技布", "实木", "皮革"], ["白色", "原木色", "奶白色"],
            (["25-30岁", "31-35岁"], ["女"], ["中", "高"]), (0.38, 0.60), (30000, 200000)),
    "边几": ((99, 1299), (500, 5000), "全年平稳，双11前上升", ["轻奢风", "北欧风", "现代简约"], ["岩板", "实木", "碳钢"],
           ["白色", "黑色", "原木色"], (["25-30岁", "31-35岁", "36-40岁"], ["不限"], ["中", "高"]), (0.35, 0.60),
           (50000, 400000)),
    "鞋柜": ((199, 1299), (800, 7000), "搬家季(7-8月)、春节前上升", ["现代简约", "北欧风"], ["刨花板", "实木"],
           ["白色", "原木色"], (["31-35岁", "36-40岁", "41-50岁"], ["不限"], ["中"]), (0.40, 0.62), (200000, 1000000)),
    "地毯": ((59, 699), (1000, 12000), "秋冬(10-2月)旺季", ["北欧风", "ins风", "奶油风"], ["化纤", "羊毛", "棉麻"],
           ["米白", "浅灰", "燕麦色"], (["18-24岁", "25-30岁", "31-35岁"], ["女"], ["低", "中"]), (0.35, 0.60),
           (300000, 2000000)),
    "落地灯": ((89, 899), (800, 8000), "秋冬(10-1月)上升", ["北欧风", "奶油风", "轻奢风"], ["金属", "布艺"],
            ["白色", "黑色", "原木色"], (["25-30岁", "31-35岁"], ["女", "不限"], ["中"]), (0.35, 0.60),
            (100000, 800000)),
    "收纳袋": ((9.9, 49), (2000, 25000), "换季(3月、10月)需求高", ["日式", "现代简约"], ["棉麻", "无纺布"],
            ["米白", "浅灰"], (["25-30岁", "31-35岁", "41-50岁"], ["女"], ["低"]), (0.45, 0.72), (200000, 1500000)),
}
_SUBCAT_COUNT = {"床头柜": 16, "收纳盒": 16, "置物架": 10, "收纳箱": 8, "懒人沙发": 8, "衣帽架": 6, "床尾凳": 6, "边几": 7,
                 "鞋柜": 7, "地毯": 6, "落地灯": 5, "收纳袋": 5}
_NAME_BITS = {
    "北欧风": "北欧", "现代简约": "简约", "轻奢风": "轻奢", "ins风": "ins风", "日式": "日式", "工业风": "工业风", "奶油风": "奶油风",
}


def _even_price(x: float) -> int:
    """A shop-style price in cents: x.90 below 100 yuan, whole yuan ending in 9 above."""
    if x < 100:
        return int(np.floor(x)) * 100 + 90
    y = int(round(x))
    return (y - y % 10 + 9) * 100


def category_top100(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    n = 0
    for sub, count in _SUBCAT_COUNT.items():
        (plo, phi), (slo, shi), season, styles, materials, colours, persona, (clo, chi), (olo, ohi) = _SUBCATS[sub]
        ages, genders, levels = persona
        for _ in range(count):
            n += 1
            style = styles[rng.integers(len(styles))]
            material = materials[rng.integers(len(materials))]
            colour = colours[rng.integers(len(colours))]
            price_c = _even_price(float(np.exp(rng.uniform(np.log(plo), np.log(phi)))))
            sales = int(np.exp(rng.uniform(np.log(slo), np.log(shi))))
            cost_share = rng.uniform(clo, chi)
            est_cost_c = int(round(price_c * cost_share))
            online = int(np.exp(rng.uniform(np.log(olo), np.log(ohi))))
            level = levels[rng.integers(len(levels))]
            if price_c > 60000:
                level = "高"
            rows.append(dict(
                item_name=f"{_NAME_BITS.get(style, '')}{material}{sub}{['', '卧室', '家用', '小户型', '客厅'][rng.integers(5)]}",
                sub_category=sub, style=style, material=material, main_color=colour, price_c=price_c,
                monthly_sales=sales, rating=round(float(rng.uniform(4.5, 4.95)), 1),
                review_count=int(sales * rng.uniform(0.8, 6)), season_hint=season,
                target_age_band=ages[rng.integers(len(ages))], target_gender=genders[rng.integers(len(genders))],
                spending_level=level, est_cost_c=est_cost_c, online_items=online,
            ))
    df = pd.DataFrame(rows)
    ratio = df.online_items / df.monthly_sales
    q1, q2 = ratio.quantile([1 / 3, 2 / 3])
    df["competition_level"] = np.where(ratio <= q1, "低", np.where(ratio <= q2, "中", "高"))
    df = df.sort_values(["monthly_sales", "price_c"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    df["item_id"] = [f"T{i:03d}" for i in df["rank"]]
    df["price"] = df.price_c / 100
    df["est_cost"] = df.est_cost_c / 100
    df["est_margin_rate"] = ((df.price_c - df.est_cost_c) / df.price_c).round(4)
    cols = ["rank", "item_id", "item_name", "sub_category", "style", "material", "main_color", "price", "monthly_sales",
            "rating", "review_count", "season_hint", "target_age_band", "target_gender", "spending_level", "est_cost",
            "est_margin_rate", "online_items", "competition_level"]
    assert len(df) == 100
    return df[cols]


# keyword, type, related product, relevance
_KEYWORDS = [
    # 核心词
    ("床头柜", "核心词", "P001", 1.0), ("收纳盒", "核心词", "P004", 1.0), ("置物架", "核心词", "P006", 1.0),
    ("衣帽架", "核心词", "P008", 1.0), ("懒人沙发", "核心词", "P009", 1.0), ("床尾凳", "核心词", "P011", 1.0),
    ("收纳箱", "核心词", "P012", 1.0), ("边几", "核心词", "P013", 1.0), ("整理箱", "核心词", "P012", 0.9),
    ("储物柜", "核心词", "P001", 0.8), ("床边柜", "核心词", "P001", 0.95), ("挂袋", "核心词", "P010", 0.9),
    ("鞋柜", "核心词", None, 0.15), ("电视柜", "核心词", None, 0.1), ("衣柜", "核心词", None, 0.2),
    ("沙发床", "核心词", None, 0.15), ("餐桌", "核心词", None, 0.05),
    # 属性词
    ("北欧", "属性词", "P001", 0.9), ("ins风", "属性词", "P007", 0.85), ("实木", "属性词", "P002", 0.85),
    ("简约", "属性词", "P001", 0.85), ("小户型", "属性词", "P001", 0.8), ("白色", "属性词", "P001", 0.6),
    ("原木色", "属性词", "P002", 0.75), ("岩板", "属性词", "P003", 0.8), ("轻奢", "属性词", "P003", 0.8),
    ("卧室", "属性词", "P001", 0.7), ("免安装", "属性词", "P001", 0.6), ("带抽屉", "属性词", "P002", 0.75),
    ("透明", "属性词", "P005", 0.75), ("可折叠", "属性词", "P004", 0.8), ("大容量", "属性词", "P012", 0.7),
    ("布艺", "属性词", "P004", 0.8), ("棉麻", "属性词", "P010", 0.75), ("奶油风", "属性词", "P009", 0.5),
    ("日式", "属性词", "P004", 0.6), ("现代", "属性词", "P001", 0.6), ("泰迪绒", "属性词", "P009", 0.8),
    ("带轮", "属性词", "P012", 0.8), ("桌面", "属性词", "P007", 0.8), ("落地", "属性词", "P006", 0.7),
    ("多层", "属性词", "P006", 0.8), ("榉木", "属性词", "P008", 0.75), ("胡桃色", "属性词", "P002", 0.7),
    # 营销词
    ("新款", "营销词", "P001", 0.5), ("包邮", "营销词", "P005", 0.5), ("特价", "营销词", "P005", 0.4),
    ("热卖", "营销词", "P001", 0.4), ("网红", "营销词", "P007", 0.4), ("2026新款", "营销词", "P001", 0.5),
    ("限时", "营销词", None, 0.3), ("清仓", "营销词", None, 0.2), ("爆款", "营销词", "P001", 0.4),
    ("全网最低", "营销词", "P001", 0.3), ("正品", "营销词", None, 0.3), ("高级感", "营销词", "P003", 0.6),
    ("收纳神器", "营销词", "P004", 0.6), ("少女心", "营销词", "P007", 0.6), ("焕新家", "营销词", "P001", 0.5),
    # 长尾词
    ("北欧风床头柜简约现代卧室", "长尾词", "P001", 1.0), ("实木床头柜小户型免安装", "长尾词", "P002", 0.95),
    ("床头柜带抽屉收纳小型", "长尾词", "P001", 0.95), ("白色床头柜简约现代", "长尾词", "P001", 1.0),
    ("岩板床头柜轻奢高级感", "长尾词", "P003", 1.0), ("透明收纳盒桌面抽屉式", "长尾词", "P005", 1.0),
    ("布艺收纳盒衣柜折叠", "长尾词", "P004", 1.0), ("床底收纳箱带轮扁平", "长尾词", "P012", 1.0),
    ("懒人沙发卧室单人小户型", "长尾词", "P009", 1.0), ("ins风桌面收纳盒少女心", "长尾词", "P007", 1.0),
    ("床尾凳卧室软包长凳", "长尾词", "P011", 1.0), ("实木衣帽架落地卧室", "长尾词", "P008", 1.0),
    ("北欧置物架落地多层卧室", "长尾词", "P006", 1.0), ("床头挂袋收纳上下铺", "长尾词", "P010", 0.95),
    ("岩板边几圆形小茶几", "长尾词", "P013", 1.0), ("化妆品收纳盒透明大容量", "长尾词", "P005", 0.9),
    ("衣物收纳盒布艺三件套", "长尾词", "P004", 1.0), ("床头柜北欧ins风原木色", "长尾词", "P001", 1.0),
    ("小户型床头柜窄款30cm", "长尾词", "P001", 0.7), ("宿舍桌面收纳盒学生", "长尾词", "P007", 0.85),
    ("懒人沙发双人泰迪绒", "长尾词", "P009", 0.95), ("被子收纳箱床底大号", "长尾词", "P012", 0.95),
    ("胡桃色实木床头柜", "长尾词", "P002", 1.0), ("奶油风床头柜卧室", "长尾词", "P001", 0.75),
    ("落地衣帽架简约现代", "长尾词", "P008", 0.95), ("轻奢床头柜意式极简", "长尾词", "P003", 0.95),
    ("换鞋凳床尾凳北欧", "长尾词", "P011", 0.95), ("收纳盒抽屉式塑料透明", "长尾词", "P005", 1.0),
    ("实木床头柜简约现代北欧", "长尾词", "P002", 1.0), ("儿童房床头柜小型", "长尾词", "P001", 0.6),
]
_KW_PARAMS = {  # heat range, online range, click, conversion, cpc
    "核心词": ((20000, 150000), (300000, 3000000), (0.025, 0.05), (0.015, 0.035), (1.2, 2.6)),
    "属性词": ((4000, 60000), (200000, 4000000), (0.02, 0.04), (0.012, 0.03), (0.8, 1.6)),
    "营销词": ((3000, 40000), (1000000, 6000000), (0.015, 0.035), (0.008, 0.02), (0.6, 1.4)),
    "长尾词": ((400, 8000), (2000, 60000), (0.035, 0.07), (0.035, 0.085), (0.4, 1.0)),
}


def keywords_frame(rng: np.random.Generator) -> pd.DataFrame:
    """The market keywords (the simulation draws visitors' search terms from these)."""
    rows = []
    for kw, kind, pid, rel in _KEYWORDS:
        (hlo, hhi), (olo, ohi), (clo, chi), (vlo, vhi), (plo, phi) = _KW_PARAMS[kind]
        heat = int(np.exp(rng.uniform(np.log(hlo), np.log(hhi))))
        online = int(np.exp(rng.uniform(np.log(olo), np.log(ohi))))
        conv = rng.uniform(vlo, vhi) * (0.4 + 0.6 * rel)
        rows.append(dict(keyword=kw, keyword_type=kind, search_heat=heat, online_items=online,
                         competition_index=round(online / heat, 2), click_rate=round(float(rng.uniform(clo, chi)), 4),
                         conversion_rate=round(float(conv), 4), avg_cpc=round(float(rng.uniform(plo, phi)), 2),
                         relevance=round(float(rel), 2), related_product_id=pid,
                         trend=["上升", "平稳", "平稳", "下降"][rng.integers(4)]))
    return _sorted_keywords(pd.DataFrame(rows))


def _sorted_keywords(df: pd.DataFrame) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(["核心词", "属性词", "营销词", "长尾词"])}
    df["_o"] = df.keyword_type.map(order)
    df = df.sort_values(["_o", "search_heat"], ascending=[True, False], kind="mergesort").drop(columns="_o")
    return df.reset_index(drop=True)


def keyword_table(market: np.random.Generator, featured_rng: np.random.Generator) -> pd.DataFrame:
    """The ``keywords`` table: the market keywords plus those of the featurable products.

    The extra rows come from their own random stream, so adding one leaves the
    market rows (and every table simulated from them) unchanged.
    """
    from .featured import extra_keywords

    base = keywords_frame(market)
    extra = pd.DataFrame(extra_keywords(featured_rng, _KW_PARAMS))
    clash = sorted(set(base.keyword) & set(extra.keyword))
    if clash:
        raise ValueError(f"datasets/featured.py 中的关键词已在市场关键词表中：{'、'.join(clash)}（关键词不能重复）。")
    return _sorted_keywords(pd.concat([base, extra], ignore_index=True))


def campaign_phases_frame() -> pd.DataFrame:
    ph = CALENDAR["campaign"]["phases"]
    info = {
        "预热期": ("社群预告+短视频种草，引导收藏加购、领券", "社群引流|直播|平台首页推荐", "加购人数、收藏数、社群触达人数"),
        "爆发期": ("加大付费广告投放，0点开抢，赠品限前100名", "付费广告|平台首页推荐|直播", "GMV、支付转化率、新客转化率"),
        "返场期": ("向已加购未支付的用户发券，返场直播", "社群引流|直播", "GMV、加购转化率、活动复盘"),
    }
    rows = [dict(phase=k, start_date=v["start"], end_date=v["end"], days=v["days"], focus=info[k][0],
                 main_channels=info[k][1], kpi=info[k][2]) for k, v in ph.items()]
    return pd.DataFrame(rows)


GIFT_NAME = "定制收纳盒"
GIFT_COST_C = 800
GIFT_LIMIT = 100
THRESHOLD_C = 39900
THRESHOLD_CUT_C = 5000


def promotions_frame() -> pd.DataFrame:
    cs, ce = CALENDAR["campaign"]["start"] + " 00:00:00", CALENDAR["campaign"]["end"] + " 23:59:59"
    camp = CALENDAR["campaign"]["name"]
    rows = [
        dict(promo_id="PR01", campaign=camp, name="活动价", type="活动价", apply_order=1, start=cs, end=ce,
             repeatable=False, rule_text="活动期间全店商品按 SKU 活动价销售（见 skus.campaign_price）。"),
        dict(promo_id="PR02", campaign=camp, name="第二件半价", type="第N件折扣", n=2, discount=0.5, apply_order=2,
             start=cs, end=ce, repeatable=False,
             rule_text="同一 SKU 购买 2 件及以上时，其中第 2 件按活动价的 50% 计（每个 SKU 仅第 2 件半价，第 3 件起原活动价）。"),
        dict(promo_id="PR03", campaign=camp, name="满399减50", type="满减", threshold=399.0, amount=50.0, apply_order=3,
             start=cs, end=ce, repeatable=False,
             rule_text="第二件半价后的订单商品金额满 399 元（含 399 元）减 50 元，每单限减一次，不累计（满 798 元仍减 50 元）。"),
        dict(promo_id="PR04", campaign=camp, name="前100名赠品", type="赠品", limit=GIFT_LIMIT, gift_name=GIFT_NAME,
             gift_cost=GIFT_COST_C / 100, apply_order=4, start=cs, end=ce, repeatable=False,
             rule_text="活动期间按支付时间前 100 名的订单赠送定制收纳盒 1 个，送完即止，订单取消则名额顺延。"),
        dict(promo_id="PR05", campaign="双11当日限时折扣", name="限时折扣", type="限时折扣", discount=DOUBLE11_DISCOUNT,
             apply_order=1, start=CALENDAR["double11"] + " 00:00:00", end=CALENDAR["double11"] + " 23:59:59",
             repeatable=False, rule_text="2025-11-11 当天全店商品 9 折（直接体现在成交单价中）。"),
    ]
    cols = ["promo_id", "campaign", "name", "type", "threshold", "amount", "n", "discount", "limit", "gift_name",
            "gift_cost", "start", "end", "repeatable", "apply_order", "rule_text"]
    df = pd.DataFrame(rows)
    for c in cols:
        if c not in df:
            df[c] = None
    df["n"] = df["n"].astype("Int64")
    df["limit"] = df["limit"].astype("Int64")
    return df[cols]


# ---------------------------------------------------------------------------
# Course feedback survey (pilot classes, May 2026)
# ---------------------------------------------------------------------------
_MODULE_TITLES = {
    "module1_listing": "模块一 商品运营全链路实战——从选品到上架",
    "module2_campaign": "模块二 营销活动策划与落地执行",
    "module3_analytics": "模块三 数据分析与优化决策",
    "module4_crm": "模块四 客户关系维护与转化",
}
# mean scores: usefulness, lecturer, tool ease, recommend(0-10)
_MODULE_MEANS = {
    "module1_listing": (4.4, 4.6, 4.1, 8.3),
    "module2_campaign": (4.5, 4.5, 4.0, 8.5),
    "module3_analytics": (4.2, 4.6, 3.3, 7.6),
    "module4_crm": (4.3, 4.4, 4.0, 8.0),
}
_COMMENTS = {
    "module1_listing": ["标题写法讲得很清楚", "希望多给几个选品案例", "主图要求记住了", "SKU 设置练习很实用", "时间有点紧"],
    "module2_campaign": ["满减和第二件半价算账很有用", "活动节奏讲得清楚", "希望多讲直播", "分组讨论很热闹", "预算表格有点难"],
    "module3_analytics": ["漏斗分析很有启发", "表格工具不太会用", "公式太多，跟不上", "希望提供操作录屏", "ROI 计算终于懂了"],
    "module4_crm": ["用户分层很实用", "频控规则第一次听说", "短信模板可以直接用", "希望多讲会员积分", "案例贴近实际"],
}
_PILOT_CLASSES = {"试点1班": ("2026-05-09", "2026-05-10"), "试点2班": ("2026-05-16", "2026-05-17"),
                  "试点3班": ("2026-05-23", "2026-05-24")}
_MODULE_END = {"module1_listing": (0, "12:30"), "module2_campaign": (0, "17:00"),
               "module3_analytics": (1, "12:30"), "module4_crm": (1, "17:00")}


def survey_frame(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    rid = 0
    for cls, days in _PILOT_CLASSES.items():
        n_students = int(rng.integers(22, 29))
        for mod, title in _MODULE_TITLES.items():
            mu = _MODULE_MEANS[mod]
            day_idx, hhmm = _MODULE_END[mod]
            end = dt.datetime.fromisoformat(f"{days[day_idx]} {hhmm}")
            n_resp = n_students - int(rng.integers(0, 3))
            for _ in range(n_resp):
                rid += 1
                scores = [int(np.clip(np.rint(rng.normal(m, 0.7)), 1, 5)) for m in mu[:3]]
                rec = int(np.clip(np.rint(rng.normal(mu[3], 1.4)), 0, 10))
                comment = _COMMENTS[mod][rng.integers(5)] if rng.random() < 0.45 else ""
                at = end + dt.timedelta(seconds=int(rng.integers(30, 600)))
                rows.append(dict(response_id=f"R{rid:04d}", class_id=cls, module=mod, module_title=title,
                                 usefulness=scores[0], lecturer_expertise=scores[1], tool_ease=scores[2],
                                 recommend_score=rec, comment=comment or None, submitted_at=at))
    df = pd.DataFrame(rows).sort_values(["submitted_at", "response_id"], kind="mergesort")
    df["submitted_at"] = df.submitted_at.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df.reset_index(drop=True)


# Words that look like a "surname + 1-2 characters" but are vocabulary of this data set
def vocabulary() -> set[str]:
    words = set(AGE_BANDS)
    for p in PRODUCTS:
        words.update([p["product_name"], p["sub_category"], p["style"], p["role"]])
        for s in p["skus"]:
            words.update(s[:3])
    for sub, spec in _SUBCATS.items():
        words.add(sub)
        words.update(spec[3]); words.update(spec[4]); words.update(spec[5])
    words.update(k for k, *_ in _KEYWORDS)
    from .featured import vocabulary as featured_vocabulary

    words.update(featured_vocabulary())
    return words
