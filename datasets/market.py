"""The market around the shop: the category Top-100 and the search keywords (生意参谋-style exports).

Both tables depend on the seed only (not on the scale).  The simulation's
visitors search the market keywords with relevance ≥ 0.3; the featurable
products' own keywords (``featured.FEATURED``) are added to the ``keywords``
table from a random stream of their own, so adding one moves no other row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .featured import FEATURED

# sub_category: (price range yuan, monthly sales range, season hint, styles, materials, colours,
#                persona (age bands, gender, spending), cost share range, online items range)
SUBCATEGORIES = {
    "床头柜": (
        (129, 899),
        (800, 9000),
        "全年平稳，3-4月装修季、双11前上升",
        ["北欧风", "现代简约", "轻奢风", "ins风", "日式"],
        ["刨花板", "实木", "岩板", "密度板"],
        ["白色", "原木色", "胡桃色", "浅灰色"],
        (["25-30岁", "31-35岁"], ["女", "不限"], ["中", "中", "高"]),
        (0.38, 0.62),
        (120000, 900000),
    ),
    "收纳盒": (
        (12.9, 99),
        (3000, 40000),
        "开学季(8-9月)、换季整理(3月、10月)上升",
        ["现代简约", "ins风", "日式"],
        ["PP塑料", "布艺", "ABS塑料"],
        ["透明", "白色", "米白", "浅灰"],
        (["18-24岁", "25-30岁", "31-35岁"], ["女"], ["低", "中"]),
        (0.45, 0.75),
        (500000, 3000000),
    ),
    "置物架": (
        (49, 399),
        (1500, 15000),
        "全年平稳，搬家季(7-8月)略高",
        ["北欧风", "现代简约", "工业风"],
        ["碳钢", "实木", "竹"],
        ["白色", "黑色", "原木色"],
        (["25-30岁", "31-35岁", "36-40岁"], ["不限"], ["低", "中"]),
        (0.45, 0.70),
        (300000, 1500000),
    ),
    "收纳箱": (
        (39, 199),
        (2000, 20000),
        "换季(3-4月、10-11月)需求高",
        ["现代简约", "日式"],
        ["PP塑料", "布艺"],
        ["透明白", "灰色", "米白"],
        (["25-30岁", "31-35岁", "36-40岁", "41-50岁"], ["女", "不限"], ["低", "中"]),
        (0.45, 0.70),
        (200000, 1200000),
    ),
    "懒人沙发": (
        (199, 1599),
        (500, 6000),
        "秋冬(10-1月)旺季，夏季偏淡",
        ["北欧风", "奶油风", "ins风"],
        ["泰迪绒", "科技布", "棉麻"],
        ["奶白色", "燕麦色", "浅灰"],
        (["18-24岁", "25-30岁"], ["女"], ["中", "高"]),
        (0.40, 0.65),
        (60000, 400000),
    ),
    "衣帽架": (
        (59, 329),
        (600, 6000),
        "秋冬换季(9-11月)上升",
        ["北欧风", "现代简约"],
        ["实木", "碳钢"],
        ["原木色", "胡桃色", "黑色"],
        (["25-30岁", "31-35岁"], ["不限"], ["中"]),
        (0.40, 0.65),
        (80000, 500000),
    ),
    "床尾凳": (
        (159, 899),
        (300, 3000),
        "婚房装修季(4-5月、9-10月)上升",
        ["北欧风", "轻奢风", "奶油风"],
        ["科技布", "实木", "皮革"],
        ["白色", "原木色", "奶白色"],
        (["25-30岁", "31-35岁"], ["女"], ["中", "高"]),
        (0.38, 0.60),
        (30000, 200000),
    ),
    "边几": (
        (99, 1299),
        (500, 5000),
        "全年平稳，双11前上升",
        ["轻奢风", "北欧风", "现代简约"],
        ["岩板", "实木", "碳钢"],
        ["白色", "黑色", "原木色"],
        (["25-30岁", "31-35岁", "36-40岁"], ["不限"], ["中", "高"]),
        (0.35, 0.60),
        (50000, 400000),
    ),
    "鞋柜": (
        (199, 1299),
        (800, 7000),
        "搬家季(7-8月)、春节前上升",
        ["现代简约", "北欧风"],
        ["刨花板", "实木"],
        ["白色", "原木色"],
        (["31-35岁", "36-40岁", "41-50岁"], ["不限"], ["中"]),
        (0.40, 0.62),
        (200000, 1000000),
    ),
    "地毯": (
        (59, 699),
        (1000, 12000),
        "秋冬(10-2月)旺季",
        ["北欧风", "ins风", "奶油风"],
        ["化纤", "羊毛", "棉麻"],
        ["米白", "浅灰", "燕麦色"],
        (["18-24岁", "25-30岁", "31-35岁"], ["女"], ["低", "中"]),
        (0.35, 0.60),
        (300000, 2000000),
    ),
    "落地灯": (
        (89, 899),
        (800, 8000),
        "秋冬(10-1月)上升",
        ["北欧风", "奶油风", "轻奢风"],
        ["金属", "布艺"],
        ["白色", "黑色", "原木色"],
        (["25-30岁", "31-35岁"], ["女", "不限"], ["中"]),
        (0.35, 0.60),
        (100000, 800000),
    ),
    "收纳袋": (
        (9.9, 49),
        (2000, 25000),
        "换季(3月、10月)需求高",
        ["日式", "现代简约"],
        ["棉麻", "无纺布"],
        ["米白", "浅灰"],
        (["25-30岁", "31-35岁", "41-50岁"], ["女"], ["低"]),
        (0.45, 0.72),
        (200000, 1500000),
    ),
}
TOP100_COUNT = {
    "床头柜": 16,
    "收纳盒": 16,
    "置物架": 10,
    "收纳箱": 8,
    "懒人沙发": 8,
    "衣帽架": 6,
    "床尾凳": 6,
    "边几": 7,
    "鞋柜": 7,
    "地毯": 6,
    "落地灯": 5,
    "收纳袋": 5,
}
NAME_BITS = {
    "北欧风": "北欧",
    "现代简约": "简约",
    "轻奢风": "轻奢",
    "ins风": "ins风",
    "日式": "日式",
    "工业风": "工业风",
    "奶油风": "奶油风",
}
ITEM_PLACES = ["", "卧室", "家用", "小户型", "客厅"]


def _even_price(x: float) -> int:
    """A shop-style price in cents: x.90 below 100 yuan, whole yuan ending in 9 above.

    >>> _even_price(59.3), _even_price(264.8)
    (5990, 26900)
    """
    if x < 100:
        return int(np.floor(x)) * 100 + 90
    y = int(round(x))
    return (y - y % 10 + 9) * 100


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _top_item(rng: np.random.Generator, sub: str) -> dict:
    """One competitor item of a sub-category (prices in cents)."""
    (plo, phi), (slo, shi), season, styles, materials, colours, persona, (clo, chi), (olo, ohi) = SUBCATEGORIES[sub]
    ages, genders, levels = persona
    style = styles[rng.integers(len(styles))]
    material = materials[rng.integers(len(materials))]
    colour = colours[rng.integers(len(colours))]
    price_c = _even_price(_log_uniform(rng, plo, phi))
    sales = int(_log_uniform(rng, slo, shi))
    est_cost_c = int(round(price_c * rng.uniform(clo, chi)))
    online = int(_log_uniform(rng, olo, ohi))
    level = levels[rng.integers(len(levels))]
    if price_c > 60000:
        level = "高"
    return dict(
        item_name=f"{NAME_BITS.get(style, '')}{material}{sub}{ITEM_PLACES[rng.integers(5)]}",
        sub_category=sub,
        style=style,
        material=material,
        main_color=colour,
        price_c=price_c,
        monthly_sales=sales,
        rating=round(float(rng.uniform(4.5, 4.95)), 1),
        review_count=int(sales * rng.uniform(0.8, 6)),
        season_hint=season,
        target_age_band=ages[rng.integers(len(ages))],
        target_gender=genders[rng.integers(len(genders))],
        spending_level=level,
        est_cost_c=est_cost_c,
        online_items=online,
    )


def category_top100(rng: np.random.Generator) -> pd.DataFrame:
    """The ``category_top100`` table: ranked by monthly sales, competition level by thirds of online items / sales."""
    df = pd.DataFrame([_top_item(rng, sub) for sub, count in TOP100_COUNT.items() for _ in range(count)])
    ratio = df.online_items / df.monthly_sales
    q1, q2 = ratio.quantile([1 / 3, 2 / 3])
    df["competition_level"] = np.where(ratio <= q1, "低", np.where(ratio <= q2, "中", "高"))
    df = df.sort_values(["monthly_sales", "price_c"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    df["item_id"] = [f"T{i:03d}" for i in df["rank"]]
    df["price"] = df.price_c / 100
    df["est_cost"] = df.est_cost_c / 100
    df["est_margin_rate"] = ((df.price_c - df.est_cost_c) / df.price_c).round(4)
    cols = [
        "rank",
        "item_id",
        "item_name",
        "sub_category",
        "style",
        "material",
        "main_color",
        "price",
        "monthly_sales",
        "rating",
        "review_count",
        "season_hint",
        "target_age_band",
        "target_gender",
        "spending_level",
        "est_cost",
        "est_margin_rate",
        "online_items",
        "competition_level",
    ]
    assert len(df) == 100
    return df[cols]


# keyword, type, related product, relevance
KEYWORDS = [
    # 核心词
    ("床头柜", "核心词", "P001", 1.0),
    ("收纳盒", "核心词", "P004", 1.0),
    ("置物架", "核心词", "P006", 1.0),
    ("衣帽架", "核心词", "P008", 1.0),
    ("懒人沙发", "核心词", "P009", 1.0),
    ("床尾凳", "核心词", "P011", 1.0),
    ("收纳箱", "核心词", "P012", 1.0),
    ("边几", "核心词", "P013", 1.0),
    ("整理箱", "核心词", "P012", 0.9),
    ("储物柜", "核心词", "P001", 0.8),
    ("床边柜", "核心词", "P001", 0.95),
    ("挂袋", "核心词", "P010", 0.9),
    ("鞋柜", "核心词", None, 0.15),
    ("电视柜", "核心词", None, 0.1),
    ("衣柜", "核心词", None, 0.2),
    ("沙发床", "核心词", None, 0.15),
    ("餐桌", "核心词", None, 0.05),
    # 属性词
    ("北欧", "属性词", "P001", 0.9),
    ("ins风", "属性词", "P007", 0.85),
    ("实木", "属性词", "P002", 0.85),
    ("简约", "属性词", "P001", 0.85),
    ("小户型", "属性词", "P001", 0.8),
    ("白色", "属性词", "P001", 0.6),
    ("原木色", "属性词", "P002", 0.75),
    ("岩板", "属性词", "P003", 0.8),
    ("轻奢", "属性词", "P003", 0.8),
    ("卧室", "属性词", "P001", 0.7),
    ("免安装", "属性词", "P001", 0.6),
    ("带抽屉", "属性词", "P002", 0.75),
    ("透明", "属性词", "P005", 0.75),
    ("可折叠", "属性词", "P004", 0.8),
    ("大容量", "属性词", "P012", 0.7),
    ("布艺", "属性词", "P004", 0.8),
    ("棉麻", "属性词", "P010", 0.75),
    ("奶油风", "属性词", "P009", 0.5),
    ("日式", "属性词", "P004", 0.6),
    ("现代", "属性词", "P001", 0.6),
    ("泰迪绒", "属性词", "P009", 0.8),
    ("带轮", "属性词", "P012", 0.8),
    ("桌面", "属性词", "P007", 0.8),
    ("落地", "属性词", "P006", 0.7),
    ("多层", "属性词", "P006", 0.8),
    ("榉木", "属性词", "P008", 0.75),
    ("胡桃色", "属性词", "P002", 0.7),
    # 营销词
    ("新款", "营销词", "P001", 0.5),
    ("包邮", "营销词", "P005", 0.5),
    ("特价", "营销词", "P005", 0.4),
    ("热卖", "营销词", "P001", 0.4),
    ("网红", "营销词", "P007", 0.4),
    ("2026新款", "营销词", "P001", 0.5),
    ("限时", "营销词", None, 0.3),
    ("清仓", "营销词", None, 0.2),
    ("爆款", "营销词", "P001", 0.4),
    ("全网最低", "营销词", "P001", 0.3),
    ("正品", "营销词", None, 0.3),
    ("高级感", "营销词", "P003", 0.6),
    ("收纳神器", "营销词", "P004", 0.6),
    ("少女心", "营销词", "P007", 0.6),
    ("焕新家", "营销词", "P001", 0.5),
    # 长尾词
    ("北欧风床头柜简约现代卧室", "长尾词", "P001", 1.0),
    ("实木床头柜小户型免安装", "长尾词", "P002", 0.95),
    ("床头柜带抽屉收纳小型", "长尾词", "P001", 0.95),
    ("白色床头柜简约现代", "长尾词", "P001", 1.0),
    ("岩板床头柜轻奢高级感", "长尾词", "P003", 1.0),
    ("透明收纳盒桌面抽屉式", "长尾词", "P005", 1.0),
    ("布艺收纳盒衣柜折叠", "长尾词", "P004", 1.0),
    ("床底收纳箱带轮扁平", "长尾词", "P012", 1.0),
    ("懒人沙发卧室单人小户型", "长尾词", "P009", 1.0),
    ("ins风桌面收纳盒少女心", "长尾词", "P007", 1.0),
    ("床尾凳卧室软包长凳", "长尾词", "P011", 1.0),
    ("实木衣帽架落地卧室", "长尾词", "P008", 1.0),
    ("北欧置物架落地多层卧室", "长尾词", "P006", 1.0),
    ("床头挂袋收纳上下铺", "长尾词", "P010", 0.95),
    ("岩板边几圆形小茶几", "长尾词", "P013", 1.0),
    ("化妆品收纳盒透明大容量", "长尾词", "P005", 0.9),
    ("衣物收纳盒布艺三件套", "长尾词", "P004", 1.0),
    ("床头柜北欧ins风原木色", "长尾词", "P001", 1.0),
    ("小户型床头柜窄款30cm", "长尾词", "P001", 0.7),
    ("宿舍桌面收纳盒学生", "长尾词", "P007", 0.85),
    ("懒人沙发双人泰迪绒", "长尾词", "P009", 0.95),
    ("被子收纳箱床底大号", "长尾词", "P012", 0.95),
    ("胡桃色实木床头柜", "长尾词", "P002", 1.0),
    ("奶油风床头柜卧室", "长尾词", "P001", 0.75),
    ("落地衣帽架简约现代", "长尾词", "P008", 0.95),
    ("轻奢床头柜意式极简", "长尾词", "P003", 0.95),
    ("换鞋凳床尾凳北欧", "长尾词", "P011", 0.95),
    ("收纳盒抽屉式塑料透明", "长尾词", "P005", 1.0),
    ("实木床头柜简约现代北欧", "长尾词", "P002", 1.0),
    ("儿童房床头柜小型", "长尾词", "P001", 0.6),
]
KEYWORD_PARAMS = {  # heat range, online range, click, conversion, cpc
    "核心词": ((20000, 150000), (300000, 3000000), (0.025, 0.05), (0.015, 0.035), (1.2, 2.6)),
    "属性词": ((4000, 60000), (200000, 4000000), (0.02, 0.04), (0.012, 0.03), (0.8, 1.6)),
    "营销词": ((3000, 40000), (1000000, 6000000), (0.015, 0.035), (0.008, 0.02), (0.6, 1.4)),
    "长尾词": ((400, 8000), (2000, 60000), (0.035, 0.07), (0.035, 0.085), (0.4, 1.0)),
}


def _keyword_row(rng: np.random.Generator, keyword: str, kind: str, product: str | None, rel: float) -> dict:
    """A keyword's search statistics, drawn within the ranges of its type (``KEYWORD_PARAMS``)."""
    (hlo, hhi), (olo, ohi), (clo, chi), (vlo, vhi), (plo, phi) = KEYWORD_PARAMS[kind]
    heat = int(_log_uniform(rng, hlo, hhi))
    online = int(_log_uniform(rng, olo, ohi))
    conv = rng.uniform(vlo, vhi) * (0.4 + 0.6 * rel)
    return dict(
        keyword=keyword,
        keyword_type=kind,
        search_heat=heat,
        online_items=online,
        competition_index=round(online / heat, 2),
        click_rate=round(float(rng.uniform(clo, chi)), 4),
        conversion_rate=round(float(conv), 4),
        avg_cpc=round(float(rng.uniform(plo, phi)), 2),
        relevance=round(float(rel), 2),
        related_product_id=product,
        trend=["上升", "平稳", "平稳", "下降"][rng.integers(4)],
    )


def _sorted_keywords(df: pd.DataFrame) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(["核心词", "属性词", "营销词", "长尾词"])}
    df["_o"] = df.keyword_type.map(order)
    df = df.sort_values(["_o", "search_heat"], ascending=[True, False], kind="mergesort").drop(columns="_o")
    return df.reset_index(drop=True)


def keywords_frame(rng: np.random.Generator) -> pd.DataFrame:
    """The market keywords (the simulation draws visitors' search terms from these)."""
    return _sorted_keywords(pd.DataFrame([_keyword_row(rng, *k) for k in KEYWORDS]))


def featured_keywords(rng: np.random.Generator) -> pd.DataFrame:
    """Keyword rows of the featurable products that the market table lacks (``rng``: the "featured" stream)."""
    return pd.DataFrame(
        [_keyword_row(rng, kw, kind, pid, rel) for pid, f in FEATURED.items() for kw, kind, rel in f["keywords"]]
    )


def keyword_table(market: np.random.Generator, featured_rng: np.random.Generator) -> pd.DataFrame:
    """The ``keywords`` table: the market keywords plus those of the featurable products.

    The extra rows come from their own random stream, so adding one leaves the
    market rows (and every table simulated from them) unchanged.
    """
    base = keywords_frame(market)
    extra = featured_keywords(featured_rng)
    clash = sorted(set(base.keyword) & set(extra.keyword))
    if clash:
        raise ValueError(f"datasets/featured.py 中的关键词已在市场关键词表中：{'、'.join(clash)}（关键词不能重复）。")
    return _sorted_keywords(pd.concat([base, extra], ignore_index=True))


def vocabulary() -> set[str]:
    """Words of the market tables (for the schema's "looks like a full name" check)."""
    words = set()
    for sub, spec in SUBCATEGORIES.items():
        words.add(sub)
        words.update(spec[3])
        words.update(spec[4])
        words.update(spec[5])
    words.update(k for k, *_ in KEYWORDS)
    return words
